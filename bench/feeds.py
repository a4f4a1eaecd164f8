"""Following many feeds, measured: `python -m bench.feeds` (or `make bench-feeds`).

1,000 feeds on a local feed site (tests/feed_site.py, loopback only), each followed through
the bot's own path (checked, its archive taken as seen), then polled by one process's
FeedScheduler, the real jobs on the real clock, with the minute shortened (`--minute`, 2 s by
default, so a 30-minute interval lasts 60 s and the run takes about a minute and a half).
While the first interval runs, new items appear in `--new` feeds at random moments.

Reported:
- how the polls spread: the largest number started in any one second, against the even
  spread (feeds / interval), for this run and for the real 30-minute interval (from the
  schedule's phases);
- the time from a new item appearing to its proposals being queued, median and worst, as a
  share of the interval (waiting for the feed's turn is most of it, by design), and the poll
  itself (start -> queued) against the baseline of a bare conditional fetch of one feed,
  measured in the same run;
- how many polls were answered 304 (nothing fetched but the headers).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import random
import statistics
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.clock import SystemClock
from bot.config import PROJECT_ROOT
from bot.curated import load_into_store
from bot.feeds import FeedOptions, check_feed, follow
from bot.feeds.schedule import FeedScheduler, phase
from bot.fetching import fetch_feed
from bot.models import PollReport
from bot.store import Actor, Store
from tests.feed_site import FeedSite, Item

CURATOR = Actor(1, "bench")


def spread(starts: list[float]) -> int:
    """The largest number of polls started in any one second."""
    return max(Counter(int(s) for s in starts).values(), default=0)


async def run(feeds: int, minute: float, every: int, new: int, seed: int) -> str:
    random.seed(seed)
    site = await FeedSite().start()
    tmp = tempfile.TemporaryDirectory()
    clock = SystemClock()
    store = await Store.open(f"sqlite+aiosqlite:///{Path(tmp.name) / 'bench.db'}", clock=clock)
    options = FeedOptions(allow_private=True)
    lines: list[str] = []
    try:
        await load_into_store(store, PROJECT_ROOT / "data")
        old = datetime.now(UTC) - timedelta(days=2)
        for n in range(feeds):
            story = Item(slug=f"f{n}-old", title=f"Old story {n}", published=old)
            site.channel(f"f{n}", title=f"Wire {n}", items=[story])
        setup = time.perf_counter()
        for n in range(feeds):
            checked = await check_feed(site.feed_url(f"f{n}"), options)
            await follow(store, 1 + n % 50, checked, channel_id=None, every_minutes=every,
                         actor=CURATOR, clock=clock, options=options)  # fmt: skip
        setup = time.perf_counter() - setup

        # the baseline: one bare conditional fetch of a feed (a 304), as every poll starts
        first = await fetch_feed(site.feed_url("f0"), allow_private=True)
        bare = []
        for _ in range(50):
            t0 = time.perf_counter()
            await fetch_feed(site.feed_url("f0"), etag=first.etag, allow_private=True)
            bare.append(time.perf_counter() - t0)
        baseline = statistics.median(bare)

        appeared: dict[int, float] = {}
        queued: dict[int, float] = {}
        began: dict[int, float] = {}

        all_queued = asyncio.Event()

        async def notify(report: PollReport) -> None:
            if report.proposals:
                queued.setdefault(report.feed.id, time.perf_counter())
            if len(appeared) == new and set(appeared) <= set(queued):
                all_queued.set()

        shortened = timedelta(seconds=minute)
        scheduler = FeedScheduler(store, clock, options, notify, minute=shortened)
        interval = every * minute
        site.not_modified = 0
        await scheduler.start()
        t_start = time.perf_counter()
        wall_start = clock.now()
        chosen = random.sample(range(feeds), new)
        moments = sorted(random.uniform(0, interval) for _ in chosen)
        for n, at in zip(chosen, moments, strict=True):
            await asyncio.sleep(max(0.0, t_start + at - time.perf_counter()))
            site.channels[f"f{n}"].items.append(
                Item(
                    slug=f"f{n}-new",
                    title=f"Talks update from wire {n}",
                    published=datetime.now(UTC),
                )
            )
            appeared[n + 1] = time.perf_counter()  # feed ids follow the order added
        # every item is found by its feed's next poll: within one interval of appearing
        with contextlib.suppress(TimeoutError):
            left = t_start + interval * 2.2 - time.perf_counter()
            await asyncio.wait_for(all_queued.wait(), timeout=max(0.0, left))
        ran = time.perf_counter() - t_start
        scheduler.shutdown()
        await asyncio.sleep(0.5)
        for feed_id, at in scheduler.started:
            if feed_id in appeared and feed_id in queued:
                start = t_start + (at - wall_start).total_seconds()
                if start >= appeared[feed_id]:
                    began.setdefault(feed_id, start)

        starts = [(at - wall_start).total_seconds() for _, at in scheduler.started]
        in_first = [s for s in starts if s < interval]
        even = feeds / interval
        latencies = [queued[f] - appeared[f] for f in appeared if f in queued]
        polls = [queued[f] - began[f] for f in began]
        missing = len(appeared) - len(latencies)
        followed = [f for g in range(1, 51) for f in await store.feeds(g)]
        once = sum(f.items_queued for f in followed)
        real_every = timedelta(minutes=every)
        planned = [phase(f, real_every).total_seconds() for f in range(1, feeds + 1)]
        lines += [
            f"{feeds:,} feeds followed in {setup:.1f} s (checked and their archives taken as seen)",
            f"interval: {every} 'minutes' of {minute:g} s = {interval:g} s; "
            f"{len(starts):,} polls started in {ran:.0f} s, "
            f"{len(in_first):,} in the first interval",
            f"largest number of polls started in any one second: {spread(in_first)} "
            f"(even spread: {even:.1f}/s; {spread(in_first) / even:.2f}x)",
            f"at the real {every}-minute interval, from the schedule's phases: "
            f"{spread(planned)} in any one second (even spread: "
            f"{feeds / real_every.total_seconds():.2f}/s)",
            f"answered 304 (nothing new): {site.not_modified:,} of {len(starts):,} polls",
            f"new items: {len(appeared)} appeared, {len(latencies)} queued "
            f"({once} items read into proposals in all: each once), {missing} not queued",
        ]
        if latencies:
            med, worst = statistics.median(latencies), max(latencies)
            lines.append(
                f"item appearing -> proposals queued: median {med:.1f} s "
                f"({med / interval:.2f} of the interval), worst {worst:.1f} s "
                f"({worst / interval:.2f}); at the real {every}-minute interval that is about "
                f"{med / interval * every:.0f} and {worst / interval * every:.0f} minutes"
            )
        if polls:
            med, worst = statistics.median(polls), max(polls)
            lines.append(
                f"the poll that finds it (fetch feed, fetch article, ingest, queue): median "
                f"{med * 1000:.0f} ms, worst {worst * 1000:.0f} ms = {med / baseline:.0f}x and "
                f"{worst / baseline:.0f}x a bare conditional feed fetch ({baseline * 1000:.1f} ms)"
            )
    finally:
        await store.close()
        await site.close()
        tmp.cleanup()
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--feeds", type=int, default=1000)
    parser.add_argument("--minute", type=float, default=2.0, help="seconds in a schedule minute")
    parser.add_argument("--every", type=int, default=30, help="each feed's interval, minutes")
    parser.add_argument("--new", type=int, default=100, help="feeds that get a new item")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    print(asyncio.run(run(args.feeds, args.minute, args.every, args.new, args.seed)))


if __name__ == "__main__":
    main()
