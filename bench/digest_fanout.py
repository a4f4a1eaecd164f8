"""Benchmark: one scheduled digest to 1,000 servers at the same minute.

    python -m bench.digest_fanout                 # 1,000 servers
    python -m bench.digest_fanout --servers 200 --latency 0.05

The real poster (bot.poster: claims in the ledger, builds each server's digest from the
store, sends, records) runs against a stand-in for Discord that answers each message after
`--latency` seconds and records when every request started and ended. The baseline, measured
in the same run, is the naive fan-out the poster avoids: every server's message sent at once
(one task per server, no claim, no bound). A middle row shows the poster with its concurrency
bound but without the request pacing.

Reported per row: wall time, peak requests started in any one second, peak requests in
flight, and each as a ratio to the baseline. Every server must get exactly one message.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import logging
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from bot.briefing.digest import DigestData, OutMessage, build_digest
from bot.clock import FixedClock
from bot.config import PROJECT_ROOT
from bot.curated import load_dataset, load_into_store
from bot.models import GuildConfig
from bot.poster import Outcome, Poster, SeenMessage
from bot.store import SENT, Store

NOW = datetime(2026, 11, 21, 12, 0, tzinfo=UTC)
SLOT = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)
DATA_DIR = PROJECT_ROOT / "data"


@dataclass
class StandIn:
    """Discord's message endpoint as a timed stand-in: records (start, end) per request."""

    latency: float
    spans: list[tuple[float, float]] = field(default_factory=list)
    per_channel: dict[int, int] = field(default_factory=dict)
    in_flight: int = 0
    peak_in_flight: int = 0
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    async def send(self, channel_id: int, message: OutMessage, nonce: str) -> int:
        start = time.perf_counter()
        self.in_flight += 1
        self.peak_in_flight = max(self.peak_in_flight, self.in_flight)
        try:
            await asyncio.sleep(self.latency)
        finally:
            self.in_flight -= 1
        self.spans.append((start, time.perf_counter()))
        self.per_channel[channel_id] = self.per_channel.get(channel_id, 0) + 1
        return next(self._ids)

    async def recent(self, channel_id: int, after: datetime) -> list[SeenMessage]:
        return []


@dataclass(frozen=True)
class Row:
    name: str
    wall: float
    peak_rps: int
    peak_in_flight: int
    requests: int


def peak_per_second(starts: list[float]) -> int:
    """Most request starts inside any one-second window."""
    starts = sorted(starts)
    best, j = 0, 0
    for i, t in enumerate(starts):
        while starts[j] <= t - 1.0:
            j += 1
        best = max(best, i - j + 1)
    return best


def row(name: str, stand_in: StandIn, wall: float) -> Row:
    return Row(
        name,
        wall,
        peak_per_second([s for s, _ in stand_in.spans]),
        stand_in.peak_in_flight,
        len(stand_in.spans),
    )


async def naive(servers: int, latency: float) -> Row:
    """The baseline: every server's digest sent at once."""
    ds = load_dataset(DATA_DIR)
    config = GuildConfig(guild_id=1, digest_channel_id=1)
    data = DigestData(
        now=SLOT,
        config=config,
        milestones=ds.milestones,
        tariff_measures=ds.tariffs,
        changes=[],
        since=None,
        sources={s.id: s for s in ds.sources},
    )
    messages = build_digest(data, "digest/2026-11-22")
    stand_in = StandIn(latency)
    began = time.perf_counter()
    await asyncio.gather(
        *(
            stand_in.send(10_000 + g, m, f"n{g}-{i}")
            for g in range(servers)
            for i, m in enumerate(messages)
        )
    )
    return row("naive burst (baseline)", stand_in, time.perf_counter() - began)


async def with_poster(
    servers: int, latency: float, rate: float | None, concurrency: int, name: str
) -> Row:
    with tempfile.TemporaryDirectory() as tmp:
        clock = FixedClock(NOW)
        store = await Store.open(f"sqlite+aiosqlite:///{Path(tmp) / 'bench.db'}", clock=clock)
        try:
            await load_into_store(store, DATA_DIR)
            for g in range(servers):
                await store.save_guild_config(
                    GuildConfig(
                        guild_id=1 + g,
                        digest_channel_id=10_000 + g,
                        digest_since=NOW,
                    )
                )
            clock.set(SLOT)
            stand_in = StandIn(latency)
            poster = Poster(store, stand_in, clock, rate=rate, concurrency=concurrency)
            began = time.perf_counter()
            report = await poster.tick()
            wall = time.perf_counter() - began
            sent = report.keys(Outcome.SENT)
            assert len(sent) == servers, f"{len(sent)} of {servers} servers got their digest"
            assert sorted(stand_in.per_channel) == [10_000 + g for g in range(servers)]
            for g in range(servers):
                post = await store.get_post(1 + g, "digest", "2026-11-22")
                assert post is not None and post.status == SENT
            assert (await poster.tick()).keys(Outcome.SENT) == [], "a second tick resent"
            return row(name, stand_in, wall)
        finally:
            await store.close()


def ratio(value: float, base: float) -> str:
    return f"{value / base:.2f}x" if base else "-"


async def main(servers: int, latency: float, rate: float, concurrency: int) -> None:
    rows = [
        await naive(servers, latency),
        await with_poster(
            servers, latency, None, concurrency, f"poster, {concurrency} at a time, unpaced"
        ),
        await with_poster(
            servers,
            latency,
            rate,
            concurrency,
            f"poster, {concurrency} at a time, {rate:g}/s (default)",
        ),
    ]
    base = rows[0]
    print(
        f"One digest to {servers} servers; stand-in Discord answers in {latency * 1000:.0f} ms.\n"
    )
    print("| run | requests | wall s (x base) | peak req/s (x base) | peak in flight (x base) |")
    print("|---|---|---|---|---|")
    for r in rows:
        print(
            f"| {r.name} | {r.requests} | {r.wall:.2f} ({ratio(r.wall, base.wall)}) "
            f"| {r.peak_rps} ({ratio(r.peak_rps, base.peak_rps)}) "
            f"| {r.peak_in_flight} ({ratio(r.peak_in_flight, base.peak_in_flight)}) |"
        )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--servers", type=int, default=1000)
    parser.add_argument("--latency", type=float, default=0.05, help="seconds per request")
    parser.add_argument("--rate", type=float, default=40.0, help="poster's requests per second")
    parser.add_argument("--concurrency", type=int, default=8)
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    asyncio.run(main(args.servers, args.latency, args.rate, args.concurrency))
