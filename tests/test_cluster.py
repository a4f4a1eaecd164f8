"""Shards across processes on one PostgreSQL: each server's posts come from the process that
holds its shard, exactly once, even when a process dies mid-fan-out and comes back (with
other shards, overlapping the other process); start-up work is done once; a curator's edit
through one process is what a reader of another gets next; bad settings stop start-up
with one line. Two "processes" here are two stores (their own engines and connections) and
two posters on one database schema; the start-up test runs real processes."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import uuid
from asyncio.subprocess import PIPE
from collections import Counter
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import create_async_engine

from bot.briefing.digest import OutMessage
from bot.client import BriefingBot
from bot.clock import FixedClock
from bot.cluster import ClusterError, plan, supervise
from bot.config import PROJECT_ROOT, normalise_database_url
from bot.models import Event, GuildConfig, Kind
from bot.poster import Poster, SeenMessage
from bot.scheduler import DigestScheduler
from bot.sharding import Shards, SingleProcess, parse_shard_ids, shard_of, split_shards
from bot.store import SENT, Actor, Store
from tests.conftest import NOW, World, make_settings
from tests.seen import embed_text
from tests.test_cli import run_bot
from tests.test_poster import FakeDiscord

PG = os.environ.get("TEST_DATABASE_URL")
needs_pg = pytest.mark.skipif(
    not PG,
    reason="TEST_DATABASE_URL is not set: shards across processes need PostgreSQL (CI sets it)",
)
SLOT_AT = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)
CURATOR = Actor(7, "curator")


@dataclass
class Schema:
    url: str
    name: str

    @property
    def connect_args(self) -> dict[str, Any]:
        return {"server_settings": {"search_path": self.name}}

    async def open(self, clock: FixedClock | None = None, **kw: Any) -> Store:
        return await Store.open(self.url, clock=clock or FixedClock(NOW),
                                connect_args=self.connect_args, **kw)  # fmt: skip


@pytest.fixture
async def schema() -> AsyncIterator[Schema]:
    assert PG is not None
    url = normalise_database_url(PG)
    name = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_async_engine(url)
    async with admin.begin() as conn:
        await conn.execute(sa.text(f'CREATE SCHEMA "{name}"'))
    yield Schema(url, name)
    async with admin.begin() as conn:
        await conn.execute(sa.text(f'DROP SCHEMA "{name}" CASCADE'))
    await admin.dispose()


# --- which server is whose ------------------------------------------------------------------


def test_a_server_belongs_to_one_shard_and_one_process() -> None:
    assert shard_of(81384788765712384, 4) == (81384788765712384 >> 22) % 4
    assert parse_shard_ids("0-3") == (0, 1, 2, 3)
    assert parse_shard_ids("0,2, 5") == (0, 2, 5)
    assert parse_shard_ids("0-1,4") == (0, 1, 4)
    halves = Shards(4, (0, 1)), Shards(4, (2, 3))
    ids = [(n << 22) + 17 for n in range(1000)]
    assert all(sum(h.owns(g) for h in halves) == 1 for g in ids)
    assert Shards().owns(ids[0]) and Shards(4, None).owns(ids[0])
    assert (halves[0].share(), Shards().share()) == (0.5, 1.0)
    assert halves[0].describe() == "shard(s) 0-1 of 4"


@pytest.mark.parametrize(
    ("args", "env", "line"),
    [
        (["--shard-count", "0"], {},
         "error: SHARD_COUNT: Input should be greater than or equal to 1"),
        (["--shard-count", "4", "--shard-ids", "4"], {},
         "error: SHARD_IDS: shard 4 is outside SHARD_COUNT=4 (ids run from 0 to 3)"),
        (["--shard-count", "4", "--shard-ids", "one"], {},
         "error: SHARD_IDS: 'one' is not a range like 0-3 or a list like 0,2,5"),
        ([], {"SHARD_IDS": "0-1"}, "error: SHARD_IDS: needs SHARD_COUNT too"),
        (["--shard-count", "4", "--shard-ids", "0-1"], {},
         "error: SHARD_IDS: a subset of the shards means more than one process, and shards "
         "across processes need PostgreSQL"),
        ([], {"POST_RATE": "80"}, "error: POST_RATE: Input should be less than or equal to 50"),
    ],
)  # fmt: skip
def test_bad_shard_settings_stop_start_up_with_one_line(
    tmp_path: Path, args: list[str], env: dict[str, str], line: str
) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}"
    result = run_bot("run", *args, env={"DATABASE_URL": url, **env}, cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.startswith(line) and len(result.stderr.strip().splitlines()) == 1


def test_a_second_bot_process_on_one_sqlite_file_is_refused(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}"
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys, time; from bot.sharding import SingleProcess; "
         f"held = SingleProcess.take({url!r}); print('held', flush=True); time.sleep(60)"],
        cwd=PROJECT_ROOT, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        result = run_bot("run", env={"DATABASE_URL": url, "DISCORD_TOKEN": "x"}, cwd=tmp_path)
    finally:
        holder.kill()
        holder.wait()
    assert result.returncode == 1
    assert result.stderr.strip() == (
        "error: another bot process already serves bot.db; more than one process needs "
        "PostgreSQL (DATABASE_URL=postgresql+asyncpg://..., see README 'Running at scale')"
    )
    SingleProcess.take(url).release()  # free again once the holder is gone


# --- start-up once ---------------------------------------------------------------------------


@pytest.fixture
async def database() -> AsyncIterator[str]:
    """A database of its own (real processes cannot be given a schema's search path)."""
    assert PG is not None
    url = normalise_database_url(PG)
    name = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_async_engine(url, isolation_level="AUTOCOMMIT")
    async with admin.connect() as conn:
        await conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    yield str(sa.engine.make_url(url).set(database=name).render_as_string(hide_password=False))
    async with admin.connect() as conn:
        await conn.execute(sa.text(f'DROP DATABASE "{name}" WITH (FORCE)'))
    await admin.dispose()


@needs_pg
async def test_processes_started_together_migrate_and_load_the_record_once(
    database: str,
) -> None:
    env = {
        **{k: v for k, v in os.environ.items() if k not in {"DISCORD_TOKEN", "DATABASE_URL"}},
        "DATABASE_URL": database,
    }

    async def prepare() -> tuple[int, str, str]:
        proc = await asyncio.create_subprocess_exec(
            "timeout", "120", sys.executable, "-m", "bot", "prepare",
            env=env, cwd=PROJECT_ROOT, stdout=PIPE, stderr=PIPE,
        )  # fmt: skip
        out, err = await proc.communicate()
        return proc.returncode or 0, out.decode(), err.decode()

    done = await asyncio.gather(prepare(), prepare(), prepare())
    assert [code for code, _, _ in done] == [0, 0, 0], done
    outs = [(out, err) for _, out, err in done]
    lines = sorted(out.strip() for out, _ in outs)
    loaded = [line for line in lines if "curated data loaded:" in line]
    assert len(loaded) == 1 and " 0 updated, 0 unchanged" in loaded[0], lines
    assert lines.count("prepare: schema current; curated data already loaded") == 2
    store = await Store.open(database)
    try:
        async with store.engine.connect() as conn:
            versions = (
                await conn.execute(sa.text("SELECT version_num FROM alembic_version"))
            ).all()
            created = (await conn.execute(sa.text(
                "SELECT count(*), count(DISTINCT (kind, item_id)) FROM audit "
                "WHERE guild_id IS NULL AND action = 'import'"
            ))).one()  # fmt: skip
        assert len(versions) == 1
        assert created[0] == created[1] > 100  # every curated item created exactly once
    finally:
        await store.close()


# --- posting: each server once, from its own process -----------------------------------------


class Process:
    """One bot process as far as posting goes: its store (own connections), its shards, its
    poster. `die_after` sends, it stops answering (a hung or killed process)."""

    def __init__(self, name: str, store: Store, shards: Shards, discord: FakeDiscord,
                 clock: FixedClock) -> None:  # fmt: skip
        self.name, self.store, self.shards, self.discord = name, store, shards, discord
        self.sent: list[int] = []  # channel ids this process sent to
        self.die_after: int | None = None
        self.dying = asyncio.Event()
        self.poster = Poster(store, self, clock, rate=None, mine=shards.owns, concurrency=8)

    async def send(self, channel_id: int, message: OutMessage, nonce: str) -> int:
        if self.die_after is not None and len(self.sent) >= self.die_after:
            self.dying.set()
            await asyncio.Event().wait()  # never answers: the process is gone
        sent = await self.discord.send(channel_id, message, nonce)
        self.sent.append(channel_id)
        if self.die_after is not None and len(self.sent) == self.die_after:
            # the message reached Discord; the process dies before recording it
            self.dying.set()
            await asyncio.Event().wait()
        return sent

    async def recent(self, channel_id: int, after: datetime) -> list[SeenMessage]:
        return await self.discord.recent(channel_id, after)


def guild(n: int) -> int:
    """Server n (1..): shard n % 4, spread evenly."""
    return (n << 22) + 1


async def servers(store: Store, count: int) -> list[int]:
    ids = [guild(n) for n in range(1, count + 1)]
    for gid in ids:
        config = GuildConfig.model_validate({
            "guild_id": gid, "digest_channel_id": gid + 1, "timezone": "UTC",
            "digest_time": time(9, 0), "digest_since": NOW, "alerts_enabled": False,
        })  # fmt: skip
        await store.save_guild_config(config)
    return ids


def per_channel(discord: FakeDiscord, slot: str) -> Counter[int]:
    return Counter(s.channel_id for s in discord.sent if f"ref digest/{slot}" in s.footer)


async def two_processes(
    schema: Schema,
) -> tuple[FixedClock, FakeDiscord, Process, Process, list[int]]:
    """Half a minute past every server's digest time: 200 servers, shards 0-1 and 2-3."""
    clock = FixedClock(SLOT_AT + timedelta(seconds=30))
    discord = FakeDiscord(clock)
    a = Process("a", await schema.open(clock), Shards(4, (0, 1)), discord, clock)
    b = Process("b", await schema.open(clock), Shards(4, (2, 3)), discord, clock)
    return clock, discord, a, b, await servers(a.store, 200)


@needs_pg
async def test_two_processes_post_each_digest_once_from_the_shard_holder(schema: Schema) -> None:
    _, discord, a, b, ids = await two_processes(schema)
    slot = "2026-11-22"

    await asyncio.gather(a.poster.tick(), b.poster.tick())
    assert per_channel(discord, slot) == Counter({gid + 1: 1 for gid in ids})
    for process in (a, b):
        assert all(process.shards.owns(channel - 1) for channel in process.sent)
        assert len(process.sent) == 100
    assert {r.status for gid in ids for r in await a.store.posts_for(gid)} == {SENT}
    await asyncio.gather(a.poster.tick(), b.poster.tick())  # a second sweep: nothing again
    assert len(discord.sent) == 200
    for process in (a, b):
        await process.store.close()


@needs_pg
async def test_a_process_that_dies_mid_fan_out_comes_back_and_nothing_doubles(
    schema: Schema,
) -> None:
    clock, discord, a, b, ids = await two_processes(schema)
    slot = "2026-11-22"
    a.die_after = 37
    fan_out = asyncio.create_task(a.poster.tick())
    await asyncio.gather(b.poster.tick(), a.dying.wait())
    await asyncio.sleep(0.05)  # the other in-flight sends of a reach their hang too
    fan_out.cancel()  # the process is killed
    with pytest.raises(asyncio.CancelledError):
        await fan_out
    await a.store.close()
    mine_a = {gid + 1 for gid in ids if a.shards.owns(gid)}
    got = per_channel(discord, slot)
    assert 37 <= sum(got[c] for c in mine_a) < 100  # a got part of the way
    assert all(got[gid + 1] == 1 for gid in ids if b.shards.owns(gid))

    # while a is down, b's sweeps leave a's servers alone: they wait for a
    clock.advance(timedelta(minutes=2))
    await b.poster.tick()
    assert per_channel(discord, slot) == got

    # a comes back, now with shards 0-2 (overlapping b during a deploy), after the claim
    # lease: it finds the post that went out unrecorded, and sends the rest once
    clock.advance(timedelta(minutes=6))
    a2 = Process("a2", await schema.open(clock), Shards(4, (0, 1, 2)), discord, clock)
    await asyncio.gather(a2.poster.tick(), b.poster.tick())
    assert per_channel(discord, slot) == Counter({gid + 1: 1 for gid in ids})
    assert {r.status for gid in ids for r in await a2.store.posts_for(gid)} == {SENT}
    for store in (a2.store, b.store):
        await store.close()


# --- a change through one process, seen by the other at once ----------------------------------


@dataclass
class Cluster:
    reader_store: Store
    editor_store: Store


@pytest.fixture
async def cluster(schema: Schema) -> AsyncIterator[Cluster]:
    # the reader's process checks the database for others' changes only once an hour: what
    # it sees of the edit at once, it sees through NOTIFY
    reader = await schema.open(version_ttl=3600)
    editor = await schema.open(version_ttl=3600)
    await reader.listen()  # as the bot's start-up does (here outside SimCord's tracked work)
    yield Cluster(reader, editor)
    await editor.close()


@pytest.fixture
def simcord_bot(
    bot_factory: Callable[..., BriefingBot], tmp_path: Path, request: pytest.FixtureRequest
) -> BriefingBot:
    if "cluster" not in request.fixturenames:
        return bot_factory()
    made: Cluster = request.getfixturevalue("cluster")
    return bot_factory(store=made.reader_store, settings=make_settings(tmp_path))


@needs_pg
async def test_a_curators_edit_through_one_process_is_seen_by_a_reader_of_another_at_once(
    cluster: Cluster, world: World
) -> None:
    gid = world.guild.id
    before = await world.member.slash(world.channel, "timeline", query="Geneva")
    assert "Geneva" in embed_text(before.response.embeds[0])
    event = await cluster.editor_store.get_item(Kind.EVENT, "geneva-talks", gid)
    assert isinstance(event, Event)
    edited = event.model_copy(update={"title": "Geneva talks: a 90-day truce, checked again"})
    cluster.reader_store.changed.clear()
    await cluster.editor_store.save(edited, guild_id=gid, actor=CURATOR, reason="retitled")
    await asyncio.wait_for(cluster.reader_store.changed.wait(), timeout=5)
    after = await world.member.slash(world.channel, "timeline", query="Geneva")
    assert "Geneva talks: a 90-day truce, checked again" in embed_text(after.response.embeds[0])


def test_the_health_line_names_the_shards_servers_and_latency(tmp_path: Path) -> None:
    settings = make_settings(
        tmp_path, database_url="postgresql+asyncpg://u@127.0.0.1/db", shard_count=4, shard_ids="2-3"
    )
    bot = BriefingBot(settings)
    assert bot.shard_plan == Shards(4, (2, 3)) and bot.post_rate() == 22.5
    assert bot.owns(guild(2)) and not bot.owns(guild(1))
    assert bot.health_line() == (
        "health: shard(s) 2-3 of 4, 0 server(s), gateway latency not connected (worst shard)"
    )


def test_a_cluster_splits_the_shards_and_needs_postgresql(tmp_path: Path) -> None:
    assert split_shards(4, 2) == [(0, 1), (2, 3)]
    assert split_shards(5, 2) == [(0, 1), (2, 3, 4)]
    with pytest.raises(ValueError, match="3 process"):
        split_shards(2, 3)
    pg = make_settings(tmp_path, database_url="postgresql+asyncpg://u@127.0.0.1/db",
                       shard_count=None)  # fmt: skip
    assert plan(pg, 3) == (6, [(0, 1), (2, 3), (4, 5)])
    with pytest.raises(ClusterError, match="needs PostgreSQL"):
        plan(make_settings(tmp_path), 2)
    result = run_bot("cluster", env={"DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}"})
    assert result.returncode == 2 and result.stderr.strip() == (
        "error: a cluster needs PostgreSQL: set DATABASE_URL=postgresql+asyncpg://user@host/db"
    )


async def test_a_process_that_exits_is_started_again_and_stopping_ends_them_all() -> None:
    stopping = asyncio.Event()
    runs: list[tuple[int, ...]] = []

    def command(count: int, ids: tuple[int, ...]) -> list[str]:
        runs.append(ids)
        if ids == (0, 1) and runs.count(ids) == 1:
            return [sys.executable, "-c", "raise SystemExit(3)"]  # dies at once, the first time
        return [sys.executable, "-c", "import time; time.sleep(30)"]

    task = asyncio.create_task(
        supervise(4, [(0, 1), (2, 3)], stopping=stopping, command=command, restart_after=0.2)
    )
    for _ in range(100):
        if runs.count((0, 1)) == 2:
            break
        await asyncio.sleep(0.05)
    stopping.set()
    members = await asyncio.wait_for(task, timeout=10)
    assert [m.starts for m in members] == [2, 1]
    assert all(m.process is not None and m.process.returncode is not None for m in members)


async def test_a_process_schedules_digests_only_for_its_own_servers(store: Store) -> None:
    ids = await servers(store, 8)
    mine = Shards(4, (1, 3))
    scheduler = DigestScheduler(store, FakeDiscord(FixedClock(NOW)), FixedClock(NOW),
                                mine=mine.owns)  # fmt: skip
    await scheduler.start()
    try:
        digests = [j for j in scheduler.job_ids() if j.startswith("digest:")]
        assert sorted(digests) == sorted(f"digest:{g}" for g in ids if mine.owns(g))
        assert len(digests) == 4
        await scheduler.reschedule(ids[1])  # shard 2: another process's, even when asked
        assert f"digest:{ids[1]}" not in scheduler.job_ids()
    finally:
        scheduler.shutdown()
