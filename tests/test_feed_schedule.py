"""When feeds are polled: one job per active feed, spread over its interval (never a burst),
on the bot's clock; paused and removed feeds have none; a process polls only its servers."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta

from bot.clock import FixedClock
from bot.feeds import FeedOptions
from bot.feeds.schedule import FeedScheduler, phase
from bot.models import ACTIVE, PAUSED, REMOVED, PollReport
from bot.store import Actor, Store
from tests.conftest import NOW

CURATOR = Actor(7, "curator")


async def nothing(report: PollReport) -> None:
    raise AssertionError("no poll should run in this test")


async def test_polls_spread_over_the_interval_on_the_bots_clock(store: Store) -> None:
    for n in range(300):
        await store.add_feed(n % 3 + 1, f"http://feeds.test/{n}", title=None, channel_id=None,
                             every_minutes=30, actor=CURATOR)  # fmt: skip
    clock = FixedClock(NOW)
    scheduler = FeedScheduler(store, clock, FeedOptions(), nothing)
    await scheduler.start()
    try:
        real_now = datetime.now(UTC)
        waits = [(at - real_now).total_seconds() for at in scheduler.next_polls().values()]
    finally:
        scheduler.shutdown()
    assert len(waits) == 300
    assert all(-1 < w <= 30 * 60 + 1 for w in waits)  # each within one interval of now
    per_second = Counter(int(w) for w in waits)
    assert max(per_second.values()) <= 2  # 300 polls over 1,800 s: never a burst
    # a feed's place in its interval is fixed by its id, whatever day the clock says
    every = timedelta(minutes=30)
    assert phase(7, every) == phase(7, every)
    assert len({phase(n, every) for n in range(1, 301)}) == 300


async def test_paused_removed_and_other_processes_feeds_have_no_job(store: Store) -> None:
    ids = []
    for n in range(6):
        feed = await store.add_feed(n + 1, f"http://feeds.test/{n}", title=None,
                                    channel_id=None, every_minutes=60, actor=CURATOR)  # fmt: skip
        ids.append(feed.id)
    await store.set_feed_status(1, ids[0], PAUSED, reason="by hand")
    await store.set_feed_status(2, ids[1], REMOVED)
    even = FeedScheduler(store, FixedClock(NOW), FeedOptions(), nothing,
                         mine=lambda guild_id: guild_id % 2 == 0)  # fmt: skip
    await even.start()
    try:
        assert sorted(even.next_polls()) == [ids[3], ids[5]]  # guilds 4 and 6; 2 is removed
        resumed = await store.set_feed_status(1, ids[0], ACTIVE)
        even.schedule(resumed)  # guild 1 is another process's
        assert sorted(even.next_polls()) == [ids[3], ids[5]]
        paused = await store.set_feed_status(4, ids[3], PAUSED, reason="by hand")
        even.schedule(paused)
        assert sorted(even.next_polls()) == [ids[5]]
        assert await even.poll_feed(ids[3]) is None  # paused: not polled, even if asked
    finally:
        even.shutdown()
