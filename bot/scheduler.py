"""APScheduler glue: when to wake the poster (bot.poster), and how it reaches Discord.

Jobs, all in one AsyncIOScheduler with an in-memory job store rebuilt from the database:

- `digest:<guild_id>`: a CronTrigger at the server's digest time in its own zone (so 09:00
  stays 09:00 local across daylight-saving changes), weekly on its weekday when so set;
- `alerts:<unix>`: a DateTrigger at each instant some countdown alert falls due;
- `sweep`: every few minutes, and once at start-up: resolves open claims, posts anything owed
  and not yet claimed (a slot missed while the bot was down, a post whose retries ran out),
  and rebuilds the jobs when the data changed (an admin moved a milestone).

Jobs are module-level functions of plain ids (a runtime id and a guild id), looked up in a
registry, with stable job ids, `coalesce` and a misfire grace time. Because every job only
asks the poster to post what is owed *now* and every post is claimed in the ledger first, a
job that fires twice (an ambiguous wall-clock time when the clocks go back) or races the sweep
posts nothing twice.

One clock: every trigger is wrapped in `OnClock`, which computes fire times on the bot's
injected clock and hands APScheduler the same distance from its own "now". Under the system
clock that changes nothing; on a test's fixed clock, a job three days after the clock's "now"
waits three days whatever the calendar says, and a job the clock has passed is due (and,
past the grace time, missed) exactly as it would be in production on that date. What is owed
is decided by the poster, on the same clock.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import aiohttp
import discord
from apscheduler.events import EVENT_JOB_ERROR, EVENT_JOB_MISSED, JobExecutionEvent
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.date import DateTrigger
from apscheduler.triggers.interval import IntervalTrigger

from bot.briefing.digest import OutMessage
from bot.clock import Clock
from bot.models import Frequency, GuildConfig
from bot.poster import (
    ChannelUnusable,
    Poster,
    PostRejected,
    SeenMessage,
    Sender,
    SendFailed,
    TickReport,
)
from bot.slots import GRACE, next_alert_times
from bot.store import Store

log = logging.getLogger(__name__)

SWEEP_EVERY = timedelta(minutes=5)
SEND_TIMEOUT = 30.0
DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")

_RUNTIMES: dict[str, DigestScheduler] = {}
_ids = itertools.count(1)


# ---------------------------------------------------------------------------------------
# Jobs: module-level functions of plain ids
# ---------------------------------------------------------------------------------------


async def run_digest_job(runtime_id: str, guild_id: int) -> None:
    runtime = _RUNTIMES.get(runtime_id)
    if runtime is not None:
        await runtime.poster.run_digest(guild_id)


async def run_alert_job(runtime_id: str) -> None:
    runtime = _RUNTIMES.get(runtime_id)
    if runtime is not None:
        await runtime.poster.run_alerts()


async def run_sweep_job(runtime_id: str) -> None:
    runtime = _RUNTIMES.get(runtime_id)
    if runtime is not None:
        await runtime.sweep()


def digest_trigger(config: GuildConfig) -> CronTrigger:
    """The server's digest time in its zone; weekly on its weekday when so set."""
    kwargs: dict[str, Any] = {
        "hour": config.digest_time.hour,
        "minute": config.digest_time.minute,
        "timezone": ZoneInfo(config.timezone),
    }
    if config.frequency is Frequency.WEEKLY:
        kwargs["day_of_week"] = DAY_NAMES[config.weekday]
    return CronTrigger(**kwargs)


class OnClock(BaseTrigger):  # type: ignore[misc]
    """Runs `inner` on the bot's clock: fire times are computed against `clock.now()` and
    handed to APScheduler at the same distance from the time it reads."""

    __slots__ = ("clock", "inner")

    def __init__(self, inner: BaseTrigger, clock: Clock) -> None:
        self.inner = inner
        self.clock = clock

    def get_next_fire_time(
        self, previous_fire_time: datetime | None, now: datetime
    ) -> datetime | None:
        offset = self.clock.now() - now  # how far the bot's clock stands from APScheduler's
        previous = None if previous_fire_time is None else previous_fire_time + offset
        fire: datetime | None = self.inner.get_next_fire_time(previous, now + offset)
        return None if fire is None else fire.astimezone(UTC) - offset

    def __str__(self) -> str:
        return f"{self.inner} on the bot's clock"

    def __repr__(self) -> str:
        return f"<OnClock {self.inner!r}>"


def periodic(every: timedelta, clock: Clock) -> OnClock:
    """Every `every` on the bot's clock, the first one `every` from now."""
    trigger = IntervalTrigger(
        seconds=int(every.total_seconds()), start_date=clock.now() + every, timezone=UTC
    )
    return OnClock(trigger, clock)


def _on_job_event(event: JobExecutionEvent) -> None:
    if event.exception is not None:
        log.error(
            "scheduled job %s failed",
            event.job_id,
            exc_info=(type(event.exception), event.exception, event.exception.__traceback__),
        )
    else:
        log.warning("scheduled job %s missed its run at %s", event.job_id, event.scheduled_run_time)


class DigestScheduler:
    def __init__(
        self,
        store: Store,
        sender: Sender,
        clock: Clock,
        *,
        sweep_every: timedelta = SWEEP_EVERY,
        mine: Callable[[int], bool] = lambda guild_id: True,
        **poster_options: Any,
    ) -> None:
        """`mine(guild_id)`: whether this process posts for a server (bot.sharding)."""
        self.store = store
        self.clock = clock
        self.mine = mine
        self.poster = Poster(store, sender, clock, mine=mine, **poster_options)
        self.runtime_id = f"runtime-{next(_ids)}"
        self.sweep_every = sweep_every
        self.scheduler = AsyncIOScheduler(
            timezone=UTC,
            job_defaults={
                "coalesce": True,
                "misfire_grace_time": int(GRACE.total_seconds()),
                "max_instances": 1,
            },
        )
        self.scheduler.add_listener(_on_job_event, EVENT_JOB_ERROR | EVENT_JOB_MISSED)
        self._data_version = -1
        self._lock = asyncio.Lock()
        self._last_sweep: float | None = None  # time.monotonic() of the last sweep

    def ticked_lately(self) -> bool:
        """Whether the sweep ran within three of its periods (for /readyz): a scheduler that
        stopped ticking posts nothing, however healthy the rest looks."""
        if self._last_sweep is None:
            return False
        return time.monotonic() - self._last_sweep < 3 * self.sweep_every.total_seconds()

    # -- lifecycle ------------------------------------------------------------------------------
    async def start(self) -> None:
        _RUNTIMES[self.runtime_id] = self
        self.scheduler.start()
        self.scheduler.add_job(
            run_sweep_job,
            periodic(self.sweep_every, self.clock),
            args=[self.runtime_id],
            id="sweep",
            replace_existing=True,
        )
        self._last_sweep = time.monotonic()
        await self.rebuild()

    def shutdown(self) -> None:
        _RUNTIMES.pop(self.runtime_id, None)
        if self.scheduler.running:
            self.scheduler.shutdown(wait=False)

    # -- jobs -------------------------------------------------------------------------------------
    async def rebuild(self) -> None:
        """Make the jobs match the store: one digest job per active server, one alert job per
        instant some alert falls due."""
        async with self._lock:
            self._data_version = await self.store.data_version()
            wanted: set[str] = set()
            for config in await self.store.guild_configs():
                try:
                    if self.mine(config.guild_id) and self._schedule_digest(config):
                        wanted.add(f"digest:{config.guild_id}")
                except Exception:
                    log.exception(
                        "scheduling the digest of guild %s failed; other servers go on",
                        config.guild_id,
                    )
            now = self.clock.now()
            milestones = [m for _, removed, m in await self.store.all_milestones() if not removed]
            for at in next_alert_times(milestones, now - GRACE):
                job_id = f"alerts:{int(at.timestamp())}"
                try:
                    self.scheduler.add_job(
                        run_alert_job,
                        self._on_clock(DateTrigger(run_date=max(at, now), timezone=UTC)),
                        args=[self.runtime_id],
                        id=job_id,
                        replace_existing=True,
                    )
                except Exception:
                    log.exception("scheduling the alerts due %s failed; the others go on", at)
                    continue
                wanted.add(job_id)
            for job in self.scheduler.get_jobs():
                if job.id != "sweep" and job.id not in wanted:
                    job.remove()

    async def reschedule(self, guild_id: int) -> None:
        """After a server's settings changed: its digest job follows them."""
        config = await self.store.guild_config(guild_id)
        async with self._lock:
            if not self.mine(guild_id) or not self._schedule_digest(config):
                job = self.scheduler.get_job(f"digest:{guild_id}")
                if job is not None:
                    job.remove()

    def _schedule_digest(self, config: GuildConfig) -> bool:
        if config.digest_channel_id is None or config.paused_reason is not None:
            return False
        self.scheduler.add_job(
            run_digest_job,
            self._on_clock(digest_trigger(config)),
            args=[self.runtime_id, config.guild_id],
            id=f"digest:{config.guild_id}",
            replace_existing=True,
        )
        return True

    def _on_clock(self, trigger: BaseTrigger) -> OnClock:
        return OnClock(trigger, self.clock)

    def job_ids(self) -> list[str]:
        return sorted(job.id for job in self.scheduler.get_jobs())

    async def sweep(self) -> TickReport:
        """Catch up: rebuild the jobs if the data changed, then post whatever is owed."""
        self._last_sweep = time.monotonic()
        if await self.store.data_version() != self._data_version:
            await self.rebuild()
        return await self.poster.tick()


# ---------------------------------------------------------------------------------------
# Reaching Discord
# ---------------------------------------------------------------------------------------


class DiscordSender:
    """Sends through discord.py (which waits out rate limits itself) and sorts its errors
    into the three kinds the poster acts on."""

    def __init__(self, client: discord.Client, timeout: float = SEND_TIMEOUT) -> None:
        self.client = client
        self.timeout = timeout

    async def send(self, channel_id: int, message: OutMessage, nonce: str) -> int:
        channel = self.client.get_partial_messageable(channel_id)
        try:
            sent = await asyncio.wait_for(
                channel.send(
                    content=message.content,
                    embeds=list(message.embeds),
                    nonce=nonce,
                    allowed_mentions=discord.AllowedMentions.none(),
                ),
                timeout=self.timeout,
            )
        except Exception as exc:
            raise _classify(exc, channel_id) from exc
        return sent.id

    async def recent(self, channel_id: int, after: datetime) -> list[SeenMessage]:
        channel = self.client.get_partial_messageable(channel_id)
        me = self.client.user
        try:
            async with asyncio.timeout(self.timeout):
                messages = [
                    m
                    async for m in channel.history(
                        limit=100, after=discord.Object(id=discord.utils.time_snowflake(after))
                    )
                ]
        except Exception as exc:
            raise _classify(exc, channel_id) from exc
        return [
            SeenMessage(m.id, tuple(e.footer.text for e in m.embeds if e.footer.text))
            for m in messages
            if me is not None and m.author.id == me.id
        ]


def _classify(exc: Exception, channel_id: int) -> Exception:
    if isinstance(exc, discord.NotFound):
        return ChannelUnusable(
            f"The digest channel <#{channel_id}> was deleted, or I can no longer see it."
        )
    if isinstance(exc, discord.Forbidden):
        return ChannelUnusable(
            f"I am not allowed to post in <#{channel_id}> "
            f"(Discord said: {exc.text or 'forbidden'}). I need View Channel, Send Messages, "
            "Embed Links and Read Message History there."
        )
    if isinstance(exc, discord.RateLimited):
        return SendFailed(f"rate limited for {exc.retry_after:.0f}s", retry_after=exc.retry_after)
    if isinstance(exc, discord.HTTPException):
        if exc.status == 429:
            retry_after = _retry_after(exc)
            return SendFailed("rate limited (429)", retry_after=retry_after)
        if exc.status >= 500:
            return SendFailed(f"Discord server error {exc.status}")
        return PostRejected(f"Discord refused the message ({exc.status} {exc.code}: {exc.text})")
    if isinstance(exc, TimeoutError | aiohttp.ClientError | OSError):
        return SendFailed(f"network trouble: {type(exc).__name__}")
    return exc


def _retry_after(exc: discord.HTTPException) -> float | None:
    headers = getattr(exc.response, "headers", None) or {}
    value = headers.get("Retry-After")
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None
