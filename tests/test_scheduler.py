"""The APScheduler glue: jobs rebuilt from the store with stable ids, the module-level job
functions, and how Discord's errors are sorted for the poster."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import discord
import pytest
from apscheduler.events import EVENT_JOB_ERROR, JobExecutionEvent
from apscheduler.triggers.date import DateTrigger

from bot.clock import FixedClock
from bot.models import GuildConfig, Milestone
from bot.poster import ChannelUnusable, PostRejected, SendFailed
from bot.scheduler import (
    DigestScheduler,
    OnClock,
    _classify,
    _on_job_event,
    digest_trigger,
    run_digest_job,
)
from bot.store import CURATED_ACTOR, Store
from tests.conftest import NOW
from tests.test_poster import FakeDiscord


@pytest.fixture
async def runtime(store_factory: Any) -> Any:
    clock = FixedClock(NOW)
    store: Store = await store_factory(clock)
    fake = FakeDiscord(clock)
    scheduler = DigestScheduler(store, fake, clock, rate=None)
    await scheduler.start()
    yield scheduler, store, clock, fake
    scheduler.shutdown()


async def test_jobs_follow_the_store(runtime: Any) -> None:
    scheduler, store, _, _ = runtime
    assert scheduler.job_ids() == ["sweep"]
    await store.save_guild_config(
        GuildConfig(guild_id=7, digest_channel_id=70, digest_since=NOW, timezone="Asia/Tokyo")
    )
    await scheduler.reschedule(7)
    assert scheduler.job_ids() == ["digest:7", "sweep"]
    job = scheduler.scheduler.get_job("digest:7")
    assert str(job.trigger.inner.timezone) == "Asia/Tokyo"
    # an admin adds a milestone: the next sweep sees the data changed and adds alert jobs
    at = NOW + timedelta(days=3)
    milestone = Milestone.model_validate(
        {
            "id": "summit",
            "name": "Summit",
            "at": at,
            "timezone": "UTC",
            "kind": "meeting",
            "sources": ["src"],
        }
    )
    await store.save(milestone, guild_id=None, actor=CURATED_ACTOR)
    await scheduler.sweep()
    stamps = [int((at - d).timestamp()) for d in (timedelta(days=1), timedelta(hours=1))]
    assert scheduler.job_ids() == [
        f"alerts:{stamps[0]}",
        f"alerts:{stamps[1]}",
        f"alerts:{int(at.timestamp())}",
        "digest:7",
        "sweep",
    ]
    # the digest is turned off: its job goes
    await store.save_guild_config(GuildConfig(guild_id=7))
    await scheduler.reschedule(7)
    assert "digest:7" not in scheduler.job_ids()


async def test_the_digest_job_is_a_function_of_plain_ids(runtime: Any) -> None:
    scheduler, store, clock, fake = runtime
    await store.save_guild_config(GuildConfig(guild_id=7, digest_channel_id=70, digest_since=NOW))
    await scheduler.reschedule(7)
    job = scheduler.scheduler.get_job("digest:7")
    assert job.func is run_digest_job and job.args == (scheduler.runtime_id, 7)
    assert (job.coalesce, job.misfire_grace_time) == (True, 6 * 3600)
    clock.set(datetime(2026, 11, 22, 9, 0, tzinfo=UTC))
    await run_digest_job(*job.args)
    await run_digest_job(*job.args)  # fired twice (clocks going back): posted once
    assert len(fake.in_channel(70)) == 1
    await run_digest_job("runtime-gone", 7)  # a job outliving its runtime does nothing
    assert len(fake.sent) == 1


class RunningClock:
    """A clock that starts at a chosen instant and runs at the machine's pace: what the bot
    sees when it runs for real on that date, whatever today is."""

    def __init__(self, at: datetime) -> None:
        self._offset = at - datetime.now(UTC)

    def now(self) -> datetime:
        return datetime.now(UTC) + self._offset


def test_triggers_count_from_the_bots_clock() -> None:
    """APScheduler's 'now' may be any date: a fire time is as far from it as the job is from
    the bot's clock."""
    for wall in (datetime(2019, 1, 1, tzinfo=UTC), datetime(2031, 7, 1, 3, 30, tzinfo=UTC)):
        clock = FixedClock(NOW)
        alert = OnClock(DateTrigger(run_date=NOW + timedelta(days=3), timezone=UTC), clock)
        assert alert.get_next_fire_time(None, wall) == wall + timedelta(days=3)
        config = GuildConfig(guild_id=1, digest_channel_id=2, timezone="Asia/Tokyo")
        digest = OnClock(digest_trigger(config), clock)
        # 09:00 in Tokyo is 00:00 UTC: twelve hours after NOW (21 Nov 2026, 12:00 UTC)
        first = digest.get_next_fire_time(None, wall)
        assert first == wall + timedelta(hours=12)
        # it fires when both have moved on twelve hours; the next is a day later
        clock.advance(timedelta(hours=12))
        assert digest.get_next_fire_time(first, first) == wall + timedelta(hours=36)
    # a job the clock has already passed is due now, as in production on that date
    clock = FixedClock(NOW)
    late = OnClock(DateTrigger(run_date=NOW - timedelta(minutes=5), timezone=UTC), clock)
    wall = datetime(2031, 1, 1, tzinfo=UTC)
    assert late.get_next_fire_time(None, wall) == wall - timedelta(minutes=5)


async def test_a_digest_fires_on_the_clocks_date(store_factory: Any) -> None:
    """Run APScheduler for real on a clock standing half a second before a 09:00 digest in
    New York on the eve of the US spring-forward (13 Mar 2027): it fires, once, and its next run
    is 09:00 EDT, 23 hours on."""
    new_york = ZoneInfo("America/New_York")
    slot = datetime(2027, 3, 13, 9, 0, tzinfo=new_york)
    clock = RunningClock(slot - timedelta(seconds=0.5))
    store: Store = await store_factory(clock)
    await store.save_guild_config(
        GuildConfig(
            guild_id=7,
            digest_channel_id=70,
            digest_since=slot - timedelta(days=1),
            timezone="America/New_York",
        )
    )
    fake = FakeDiscord(clock)  # type: ignore[arg-type]
    scheduler = DigestScheduler(store, fake, clock, rate=None)
    await scheduler.start()
    try:
        job = scheduler.scheduler.get_job("digest:7")
        assert job.next_run_time.astimezone(UTC) - datetime.now(UTC) < timedelta(seconds=1)
        for _ in range(600):  # it fires within a second; a loaded machine may take longer
            if fake.in_channel(70):
                break
            await asyncio.sleep(0.05)
        assert len(fake.in_channel(70)) == 1
        # the job moved on to the next morning on the clock: 09:00 EDT, 23 hours later
        later = job.next_run_time.astimezone(UTC) - datetime.now(UTC)
        assert timedelta(hours=22) < later < timedelta(hours=23)
    finally:
        scheduler.shutdown()


def test_a_failed_job_is_logged(caplog: pytest.LogCaptureFixture) -> None:
    event = JobExecutionEvent(
        EVENT_JOB_ERROR, "digest:7", "default", NOW, exception=RuntimeError("boom")
    )
    with caplog.at_level(logging.ERROR, logger="bot.scheduler"):
        _on_job_event(event)
    assert [r.getMessage() for r in caplog.records] == ["scheduled job digest:7 failed"]


class _Response:
    def __init__(self, status: int, headers: dict[str, str] | None = None) -> None:
        self.status = status
        self.reason = "x"
        self.headers = headers or {}


def http_error(cls: type[discord.HTTPException], status: int, **headers: str) -> Exception:
    return cls(_Response(status, headers), {"code": 0, "message": "m"})  # type: ignore[arg-type]


def test_discord_errors_are_sorted_for_the_poster() -> None:
    assert isinstance(_classify(http_error(discord.NotFound, 404), 5), ChannelUnusable)
    forbidden = _classify(http_error(discord.Forbidden, 403), 5)
    assert isinstance(forbidden, ChannelUnusable) and "<#5>" in str(forbidden)
    assert isinstance(_classify(http_error(discord.DiscordServerError, 503), 5), SendFailed)
    limited = _classify(http_error(discord.HTTPException, 429, **{"Retry-After": "7"}), 5)
    assert isinstance(limited, SendFailed) and limited.retry_after == 7.0
    limited = _classify(discord.RateLimited(12.0), 5)
    assert isinstance(limited, SendFailed) and limited.retry_after == 12.0
    assert isinstance(_classify(http_error(discord.HTTPException, 400), 5), PostRejected)
    assert isinstance(_classify(TimeoutError(), 5), SendFailed)
    other = ValueError("a bug")
    assert _classify(other, 5) is other
