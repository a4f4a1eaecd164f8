"""Property: random field values thrown at add and edit (the validation layer and the
store, as the cogs call them) never leave a half-written change, and replaying the audit
trail (before -> after, in order) always reproduces the stored state.

Runs on SQLite to stay fast; the all-or-nothing batch write is also tested on PostgreSQL
in test_store_batch.py."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.clock import FixedClock
from bot.curated import load_dataset
from bot.curation import Context, EventInput, build_event, edit_event
from bot.errors import UserError
from bot.models import TOPICS, Event, Kind, Person, Source
from bot.store import Actor, Store, StoreError
from bot.store import _schema as schema
from tests.conftest import DATA_DIR, NOW

GUILDS = (111, 222)
ACTOR = Actor(7, "prop")
ODD = [
    "",
    "   ",
    "Robert'); DROP TABLE items;--",
    "🇺🇸🤝🇨🇳",
    "محادثات تجارية",
    "@everyone",
    "a\x00b",
    "x" * 201,
    "y" * 1501,
]


def mostly(valid: st.SearchStrategy[Any], odd: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """Valid three times in four, so plenty of changes get through to the store."""
    return st.integers(min_value=0, max_value=3).flatmap(lambda n: valid if n else odd)


some_dates = st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 12, 31))
dates = mostly(
    st.one_of(
        some_dates.map(lambda d: d.isoformat()),
        some_dates.map(lambda d: f"{d.day} {d:%b %Y}"),
        some_dates.map(lambda d: f"mid {d:%b %Y}"),
        some_dates.map(lambda d: f"{d:%Y-%m}"),
    ),
    st.one_of(
        st.sampled_from(["2025-02-30", "2025-13-01", "soon", "", "Q5 2025"]),
        st.text(max_size=20),
    ),
)
texts = mostly(
    st.one_of(st.text(min_size=1, max_size=80), st.sampled_from(ODD[2:6])),
    st.one_of(st.sampled_from(ODD), st.text(min_size=195, max_size=210)),
)
summaries = mostly(
    st.one_of(st.text(min_size=1, max_size=300), st.text(min_size=1400, max_size=1500)),
    st.one_of(st.sampled_from(ODD), st.text(min_size=1495, max_size=1510)),
)
people = st.one_of(
    st.none(),
    st.lists(
        st.sampled_from(["Bessent", "He Lifeng", "Greer", "Bessnet", "Nobody", "none", "Li"]),
        max_size=4,
    ).map(", ".join),
    st.text(max_size=30),
)
urls = mostly(
    st.sampled_from(
        [
            "https://example.com/a",
            "http://news.example.org/story?id=1",
            "dj-li-heads-to-us",
            "https://www.example.net/🇺🇸/محادثات",
        ]
    ),
    st.one_of(
        st.none(),
        st.sampled_from(
            ["javascript:alert(1)", "data:text/html,hi", "no-such-source", "http://[oops"]
        ),
        st.text(max_size=30),
    ),
)
topics = st.one_of(st.none(), st.sampled_from([*TOPICS, "Talks", "nonsense"]))


@dataclass(frozen=True)
class Op:
    edit: bool
    target: int
    guild: int
    fields: EventInput
    collide: bool
    """Make the event's id collide, so the store refuses the write after the new source
    was written in the same transaction: nothing may be left behind."""


def optional(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.one_of(st.none(), strategy)


ops = st.builds(
    Op,
    edit=st.booleans(),
    target=st.integers(min_value=0, max_value=10_000),
    guild=st.sampled_from(GUILDS),
    fields=st.builds(
        EventInput,
        date=optional(dates),
        title=optional(texts),
        summary=optional(summaries),
        topic=topics,
        people=people,
        source_url=urls,
        source_name=optional(texts),
    ),
    collide=st.integers(min_value=0, max_value=9).map(lambda n: n == 0),
)


async def rows(store: Store) -> dict[tuple[str, str, int], dict[str, Any]]:
    async with store.engine.connect() as conn:
        result = await conn.execute(
            sa.select(
                schema.items.c.kind,
                schema.items.c.item_id,
                schema.items.c.scope,
                schema.items.c.data,
            )
        )
        return {(r.kind, r.item_id, r.scope): r.data for r in result}


async def fingerprint(store: Store) -> tuple[int, int, int]:
    """Changes with every write: rows, their versions, audit entries."""
    i = schema.items
    async with store.engine.connect() as conn:
        count, versions = (
            await conn.execute(sa.select(sa.func.count(), sa.func.sum(i.c.version)))
        ).one()
    return int(count), int(versions or 0), await store.data_version()


async def check_replay(store: Store) -> None:
    """Fold the audit trail: each entry's `before` is the state it changed (this server's
    row, else the curated one) and the last `after` is what the row holds now."""
    state: dict[tuple[str, str, int], dict[str, Any]] = {}
    for entry in await store.audit_log():
        scope = entry.guild_id or 0
        key = (entry.kind.value, entry.item_id, scope)
        seen = state.get(key) or (state.get((key[0], key[1], 0)) if scope else None)
        assert entry.before == seen, f"audit {entry.id} does not follow from the state before it"
        assert entry.after is not None
        state[key] = entry.after
    assert state == await rows(store)


async def check_whole(store: Store, guild: int) -> None:
    """No event without its sources or people index: nothing half-written."""
    sources = {s.id for s in await store.list_typed(Source, guild)}
    events = await store.list_typed(Event, guild)
    on_timeline = {e.id for e in (await store.timeline(guild, limit=10_000)).events}
    assert on_timeline == {e.id for e in events}
    for event in events:
        assert set(event.sources) <= sources, event.id


async def step(store: Store, op: Op) -> None:
    gid = op.guild
    before = await fingerprint(store)
    ctx = Context(
        people=await store.list_typed(Person, gid),
        sources=await store.list_typed(Source, gid),
        taken_ids=await store.item_ids(Kind.EVENT, gid),
        source_ids=await store.item_ids(Kind.SOURCE, gid),
        actor_name=ACTOR.name,
    )
    ids = [item_id for item_id, _ in await store.titles(Kind.EVENT, gid)]
    target = ids[op.target % len(ids)]
    try:
        if op.edit:
            current = await store.get_item(Kind.EVENT, target, gid)
            assert isinstance(current, Event)
            draft = edit_event(current, op.fields, ctx)
        else:
            draft = build_event(op.fields, ctx)
    except UserError:
        assert await fingerprint(store) == before
        return
    items = draft.items()
    if op.collide and draft.new_sources:
        clash = draft.item.model_copy(update={"id": target})
        items = [*draft.new_sources, clash]
        try:
            await store.save_many(items, guild_id=gid, actor=ACTOR, expect_new=True)
        except StoreError:
            pass
        else:
            raise AssertionError("a colliding id was saved")
        assert await fingerprint(store) == before
        return
    saved = await store.save_many(items, guild_id=gid, actor=ACTOR, expect_new=not op.edit)
    assert [s.item for s in saved] == items
    assert await store.get_item(Kind.EVENT, draft.item.id, gid) == draft.item
    assert await store.data_version() == before[2] + len(items)


def test_random_adds_and_edits_never_half_write_and_replay(tmp_path: Path) -> None:
    loop = asyncio.new_event_loop()
    url = f"sqlite+aiosqlite:///{tmp_path / 'prop.db'}"
    store = loop.run_until_complete(Store.open(url, clock=FixedClock(NOW)))
    try:
        loop.run_until_complete(store.sync_curated(load_dataset(DATA_DIR).items()))

        @settings(
            max_examples=500,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
        )
        @given(op=ops)
        def run(op: Op) -> None:
            loop.run_until_complete(step(store, op))

        run()
        loop.run_until_complete(check_replay(store))
        for gid in GUILDS:
            loop.run_until_complete(check_whole(store, gid))
        audit = loop.run_until_complete(store.audit_log())
        changes = sum(1 for a in audit if a.guild_id in GUILDS)
        assert changes > 40, f"only {changes} changes got through: the test would prove little"
    finally:
        loop.run_until_complete(store.close())
        loop.close()


def test_replay_check_catches_a_tampered_row(tmp_path: Path) -> None:
    """The replay check above can fail: a row changed outside the audited path breaks it."""

    async def go() -> None:
        store = await Store.open(f"sqlite+aiosqlite:///{tmp_path / 't.db'}", clock=FixedClock(NOW))
        try:
            await store.sync_curated(load_dataset(DATA_DIR).items())
            await check_replay(store)
            async with store.engine.begin() as conn:
                await conn.execute(
                    sa.update(schema.items)
                    .where(schema.items.c.item_id == "geneva-talks")
                    .values(data={"tampered": True})
                )
            try:
                await check_replay(store)
            except AssertionError:
                return
            raise RuntimeError("the replay check missed a tampered row")
        finally:
            await store.close()

    asyncio.run(go())
