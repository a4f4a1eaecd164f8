"""One digest to 10,000 servers from 2 processes on one PostgreSQL: `python -m bench.cluster`
(or `make bench-cluster`).

The parent makes a database of its own on the local PostgreSQL (TEST_DATABASE_URL, else
postgresql+asyncpg://postgres@127.0.0.1:5432/test), loads the record, gives 10,000 servers a
digest due at the same minute, and runs a stand-in for Discord's message endpoint on
127.0.0.1 that enforces the bot-wide global limit as Discord does: more than 50 requests in
any one second gets a 429 with `"global": true` (counted). Then it starts the processes
(`--processes`, 2 by default), each running the real poster (claims in the shared ledger,
each server's digest built from the store, sent, recorded) for its own shards (SHARD_COUNT 4,
split evenly), paced at its share of POST_RATE (45/s for all processes together).

Reported: the wall time from the first request to the last answer against the floor that
50 requests/s sets (servers / 50 s), global 429s, requests, each process's servers, wall and
peak memory (RSS), and the check that every server got exactly one message.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import logging
import os
import resource
import sys
import time
import uuid
from collections import deque
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from aiohttp import ClientSession, ClientTimeout, web
from sqlalchemy.ext.asyncio import create_async_engine

from bot.briefing.digest import OutMessage
from bot.clock import FixedClock
from bot.config import PROJECT_ROOT, normalise_database_url
from bot.curated import load_once
from bot.models import GuildConfig
from bot.poster import Outcome, Poster, SeenMessage, SendFailed
from bot.sharding import Shards, parse_shard_ids, shard_range_text
from bot.store import Store
from bot.store import _schema as t

SINCE = datetime(2026, 11, 21, 12, 0, tzinfo=UTC)
SLOT = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)
GLOBAL_LIMIT = 50
DATA = PROJECT_ROOT / "data"


# --- the stand-in for Discord ------------------------------------------------------------------


class StandIn:
    """POST /channels/{id}/messages, answered after `latency` s; a 429 (global) past 50
    requests in any one second."""

    def __init__(self, latency: float) -> None:
        self.latency = latency
        self.window: deque[float] = deque()
        self.limited = 0
        self.per_channel: dict[int, int] = {}
        self.first: float | None = None
        self.last = 0.0
        self.requests = 0

    async def message(self, request: web.Request) -> web.Response:
        now = time.monotonic()
        self.first = now if self.first is None else self.first
        while self.window and self.window[0] <= now - 1.0:
            self.window.popleft()
        if len(self.window) >= GLOBAL_LIMIT:
            self.limited += 1
            retry = round(self.window[0] + 1.0 - now, 3)
            body = {"message": "You are being rate limited.", "retry_after": retry, "global": True}
            return web.json_response(body, status=429, headers={"X-RateLimit-Global": "true"})
        self.window.append(now)
        self.requests += 1
        await asyncio.sleep(self.latency)
        channel = int(request.match_info["channel"])
        self.per_channel[channel] = self.per_channel.get(channel, 0) + 1
        self.last = time.monotonic()
        return web.json_response({"id": str(self.requests)})


# --- a process ----------------------------------------------------------------------------------


class HttpSender:
    def __init__(self, session: ClientSession, base: str) -> None:
        self.session = session
        self.base = base

    async def send(self, channel_id: int, message: OutMessage, nonce: str) -> int:
        payload = {"nonce": nonce, "embeds": [e.to_dict() for e in message.embeds]}
        async with self.session.post(f"{self.base}/channels/{channel_id}/messages",
                                     json=payload) as resp:  # fmt: skip
            body = await resp.json()
            if resp.status == 429:
                raise SendFailed("rate limited (429)", retry_after=float(body["retry_after"]))
            return int(body["id"])

    async def recent(self, channel_id: int, after: datetime) -> list[SeenMessage]:
        return []


async def child(database: str, base: str, count: int, ids: str, rate: float) -> dict[str, object]:
    shards = Shards(count, parse_shard_ids(ids))
    clock = FixedClock(SLOT + timedelta(seconds=30))
    store = await Store.open(database, clock=clock)
    try:
        async with ClientSession(timeout=ClientTimeout(total=60)) as session:
            poster = Poster(store, HttpSender(session, base), clock, rate=rate * shards.share(),
                            mine=shards.owns, concurrency=8)  # fmt: skip
            began = time.perf_counter()
            report = await poster.tick()
            wall = time.perf_counter() - began
    finally:
        await store.close()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {
        "shards": shards.describe(),
        "sent": len(report.keys(Outcome.SENT)),
        "not sent": len(report.outcomes) - len(report.keys(Outcome.SENT)),
        "wall": round(wall, 1),
        "peak RSS MB": round(rss, 1),
    }


# --- the parent -------------------------------------------------------------------------------


@contextlib.asynccontextmanager
async def fresh_database(url: str) -> object:
    name = f"bench_{uuid.uuid4().hex[:10]}"
    admin = create_async_engine(url, isolation_level="AUTOCOMMIT")
    async with admin.connect() as conn:
        await conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield sa.engine.make_url(url).set(database=name).render_as_string(hide_password=False)
    finally:
        async with admin.connect() as conn:
            await conn.execute(sa.text(f'DROP DATABASE "{name}" WITH (FORCE)'))
        await admin.dispose()


async def parent(servers: int, processes: int, latency: float, rate: float) -> str:
    url = normalise_database_url(
        os.environ.get("TEST_DATABASE_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test")
    )
    count = 2 * processes
    lines: list[str] = []
    async with fresh_database(url) as database:
        assert isinstance(database, str)
        store = await Store.open(database, clock=FixedClock(SINCE))
        await load_once(store, DATA)
        async with store.engine.begin() as conn:
            rows = [
                {"guild_id": ((n + 1) << 22) + 5, "data": GuildConfig(
                    guild_id=((n + 1) << 22) + 5, digest_channel_id=10_000 + n,
                    timezone="UTC", digest_since=SINCE, alerts_enabled=False,
                ).model_dump(mode="json"), "updated_at": SINCE}
                for n in range(servers)
            ]  # fmt: skip
            for start in range(0, len(rows), 2000):
                await conn.execute(sa.insert(t.guild_config), rows[start : start + 2000])
        await store.close()

        stand_in = StandIn(latency)
        app = web.Application()
        app.router.add_post("/channels/{channel}/messages", stand_in.message)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        base = f"http://127.0.0.1:{port}"
        per = count // processes
        split = [shard_range_text(tuple(range(i * per, (i + 1) * per))) for i in range(processes)]
        began = time.perf_counter()

        async def spawn(ids: str) -> asyncio.subprocess.Process:
            args = ["--child", database, base, str(count), ids, str(rate)]
            return await asyncio.create_subprocess_exec(
                sys.executable, "-m", "bench.cluster", *args,
                stdout=asyncio.subprocess.PIPE, cwd=PROJECT_ROOT,
            )  # fmt: skip

        procs = [await spawn(ids) for ids in split]
        results = [json.loads((await p.communicate())[0]) for p in procs]
        total = time.perf_counter() - began
        await runner.cleanup()

    floor = servers / GLOBAL_LIMIT
    span = stand_in.last - (stand_in.first or stand_in.last)
    once = sorted(stand_in.per_channel) == [10_000 + n for n in range(servers)] and set(
        stand_in.per_channel.values()
    ) == {1}
    lines += [
        f"{servers:,} servers, {processes} processes on one PostgreSQL, {count} shards, "
        f"POST_RATE {rate:g}/s in all; stand-in Discord answers in {latency * 1000:.0f} ms "
        f"and allows {GLOBAL_LIMIT} requests in any one second",
        f"first request to last answer: {span:.1f} s; floor at {GLOBAL_LIMIT}/s: {floor:.0f} s "
        f"-> {span / floor:.2f}x the floor (processes started to done: {total:.1f} s)",
        f"global 429s: {stand_in.limited}; requests answered: {stand_in.requests:,}; "
        f"every server exactly one message: {'yes' if once else 'NO'}",
    ]
    for ids, result in zip(split, results, strict=True):
        lines.append(f"process with shards {ids}: {result}")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--servers", type=int, default=10_000)
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--latency", type=float, default=0.05)
    parser.add_argument("--rate", type=float, default=45.0, help="POST_RATE: all processes")
    parser.add_argument("--child", nargs=5, metavar=("DB", "BASE", "COUNT", "IDS", "RATE"))
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)
    if args.child:
        database, base, count, ids, rate = args.child
        print(json.dumps(asyncio.run(child(database, base, int(count), ids, float(rate)))))
        return
    print(asyncio.run(parent(args.servers, args.processes, args.latency, args.rate)))


if __name__ == "__main__":
    main()
