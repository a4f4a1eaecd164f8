"""When each feed is polled: one APScheduler job per active feed (`feed:<id>`), every
`every_minutes`, on the bot's clock (bot.scheduler.OnClock).

Polls are spread over the interval rather than fired together: each feed's phase within its
interval is its id times the golden ratio, modulo one, so consecutive ids fall far apart and
any number of feeds fill the interval evenly, the same on every start. A `feeds` job re-reads
the store every few minutes (feeds added, resumed or removed elsewhere). A poll and a manual
`/feed poll` of the same feed never run at once; a poll's notice (new proposals, or the feed
paused) goes to `notify`, at most one per feed per poll.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta

from apscheduler.events import EVENT_JOB_ERROR, JobExecutionEvent
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.interval import IntervalTrigger

from bot.clock import Clock
from bot.feeds.polling import FeedOptions, poll
from bot.models import ACTIVE, Feed, PollReport
from bot.scheduler import OnClock, periodic
from bot.store import Store

log = logging.getLogger(__name__)

Notify = Callable[[PollReport], Awaitable[None]]
ANCHOR = datetime(2020, 1, 1, tzinfo=UTC)
GOLDEN = 0.6180339887498949
SYNC_EVERY = timedelta(minutes=5)
POLLS_AT_ONCE = 16

_RUNTIMES: dict[str, FeedScheduler] = {}
_ids = itertools.count(1)


async def run_feed_job(runtime_id: str, feed_id: int, every: timedelta | None = None) -> None:
    runtime = _RUNTIMES.get(runtime_id)
    if runtime is not None:
        await runtime.poll_feed(feed_id)


async def run_sync_job(runtime_id: str) -> None:
    runtime = _RUNTIMES.get(runtime_id)
    if runtime is not None:
        await runtime.sync()


def phase(feed_id: int, every: timedelta) -> timedelta:
    """Where in its interval a feed is polled."""
    return timedelta(seconds=round((feed_id * GOLDEN) % 1.0 * every.total_seconds(), 3))


def _on_error(event: JobExecutionEvent) -> None:
    if event.exception is not None:
        log.error(
            "feed job %s failed",
            event.job_id,
            exc_info=(type(event.exception), event.exception, event.exception.__traceback__),
        )


class FeedScheduler:
    def __init__(
        self,
        store: Store,
        clock: Clock,
        options: FeedOptions,
        notify: Notify,
        *,
        minute: timedelta = timedelta(minutes=1),
        mine: Callable[[int], bool] = lambda guild_id: True,
    ) -> None:
        """`minute` is how long a minute of `every_minutes` lasts (benchmarks shorten it);
        `mine(guild_id)` says whether this process polls a server's feeds."""
        self.store = store
        self.clock = clock
        self.options = options
        self.notify = notify
        self.minute = minute
        self.mine = mine
        self.runtime_id = f"feeds-{next(_ids)}"
        self.scheduler = AsyncIOScheduler(
            timezone=UTC,
            job_defaults={"coalesce": True, "misfire_grace_time": 300, "max_instances": 1},
        )
        self.scheduler.add_listener(_on_error, EVENT_JOB_ERROR)
        self._locks: dict[int, asyncio.Lock] = {}
        self._gate = asyncio.Semaphore(POLLS_AT_ONCE)
        self._sync_lock = asyncio.Lock()
        self.started: list[tuple[int, datetime]] = []  # (feed id, when) of every poll begun

    async def start(self) -> None:
        _RUNTIMES[self.runtime_id] = self
        self.scheduler.start()
        self.scheduler.add_job(
            run_sync_job,
            periodic(SYNC_EVERY, self.clock),
            args=[self.runtime_id],
            id="feeds",
            replace_existing=True,
        )
        await self.sync()

    def shutdown(self) -> None:
        _RUNTIMES.pop(self.runtime_id, None)
        if self.scheduler.running:
            self.scheduler.shutdown(wait=False)

    async def sync(self) -> None:
        """Make the jobs match the store: one per active feed of this process's servers."""
        async with self._sync_lock:
            feeds = [f for f in await self.store.active_feeds() if self.mine(f.guild_id)]
            wanted = {f"feed:{f.id}" for f in feeds}
            for feed in feeds:
                self.schedule(feed)
            for job in self.scheduler.get_jobs():
                if job.id.startswith("feed:") and job.id not in wanted:
                    job.remove()

    def schedule(self, feed: Feed) -> None:
        """(Re)schedule a feed's job after it was added, resumed, paused or changed."""
        job_id = f"feed:{feed.id}"
        job = self.scheduler.get_job(job_id)
        if feed.status != ACTIVE or not self.mine(feed.guild_id):
            self.unschedule(feed.id)
            return
        every = self.minute * feed.every_minutes
        if job is not None and job.args[2] == every:
            return  # unchanged: keep its next run
        trigger = IntervalTrigger(
            seconds=every.total_seconds(), start_date=ANCHOR + phase(feed.id, every), timezone=UTC
        )
        self.scheduler.add_job(
            run_feed_job,
            OnClock(trigger, self.clock),
            args=[self.runtime_id, feed.id, every],
            id=job_id,
            replace_existing=True,
        )

    def unschedule(self, feed_id: int) -> None:
        job = self.scheduler.get_job(f"feed:{feed_id}")
        if job is not None:
            job.remove()

    def next_polls(self) -> dict[int, datetime]:
        """Each feed's next poll, by feed id (APScheduler's time)."""
        return {
            int(job.id.split(":")[1]): job.next_run_time
            for job in self.scheduler.get_jobs()
            if job.id.startswith("feed:") and job.next_run_time is not None
        }

    async def poll_feed(self, feed_id: int, *, notify: bool = True) -> PollReport | None:
        """Poll one feed now (a scheduled run, or a curator's `/feed poll`); None when it is
        no longer active. Its notice, if any, is sent."""
        lock = self._locks.setdefault(feed_id, asyncio.Lock())
        async with lock, self._gate:
            feed = await self.store.feed_by_id(feed_id)
            if feed is None or feed.status != ACTIVE:
                return None
            self.started.append((feed_id, self.clock.now()))
            report = await poll(self.store, feed, self.clock, self.options)
        if report.paused:
            self.schedule(report.feed)
        if notify and (report.proposals or report.paused):
            try:
                await self.notify(report)
            except Exception:
                log.exception("could not send the notice for feed #%d", feed_id)
        return report
