"""The poster with an injected clock and a stand-in for Discord: days walk by in
milliseconds, and every case checks that each post went at most once and none was lost."""

from __future__ import annotations

import asyncio
import itertools
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import Any

import pytest

from bot.briefing.digest import OutMessage
from bot.clock import FixedClock
from bot.models import Event, Frequency, GuildConfig, Milestone
from bot.poster import (
    ChannelUnusable,
    Outcome,
    Pacer,
    Poster,
    SeenMessage,
    SendFailed,
    TickReport,
)
from bot.scheduler import digest_trigger
from bot.slots import next_alert_times
from bot.store import CURATED_ACTOR, FAILED, SENT, SKIPPED, Actor, Store
from tests.conftest import NOW

NONCE_WINDOW = timedelta(minutes=5)
"""Discord drops a repeated nonce only within 'the past few minutes'."""


class Crash(BaseException):
    """The process dies at this point (not an Exception: nothing in the bot catches it)."""


@dataclass
class Sent:
    id: int
    channel_id: int
    nonce: str
    message: OutMessage
    at: datetime

    @property
    def footer(self) -> str:
        return self.message.embeds[-1].footer.text or ""

    @property
    def title(self) -> str:
        return self.message.embeds[0].title or ""


class FakeDiscord:
    """Stands in for a channel's REST API, with Discord's nonce rule and scripted faults."""

    def __init__(self, clock: FixedClock) -> None:
        self.clock = clock
        self.sent: list[Sent] = []
        self.failures: list[Exception] = []
        self.failures_for: dict[int, list[Exception]] = {}
        self.lose_answers = 0
        self.crash_after: int | None = None
        self.gone: set[int] = set()
        self.calls = 0
        self.history_reads = 0
        self.latency = 0.0
        self.in_flight = 0
        self.peak = 0
        self._ids = itertools.count(1000)

    async def send(self, channel_id: int, message: OutMessage, nonce: str) -> int:
        self.calls += 1
        self.in_flight += 1
        self.peak = max(self.peak, self.in_flight)
        try:
            if self.latency:
                await asyncio.sleep(self.latency)
            if channel_id in self.gone:
                raise ChannelUnusable(f"The digest channel <#{channel_id}> was deleted.")
            if self.failures:
                raise self.failures.pop(0)
            if self.failures_for.get(channel_id):
                raise self.failures_for[channel_id].pop(0)
            for s in self.sent:
                if s.nonce == nonce and self.clock.now() - s.at < NONCE_WINDOW:
                    return s.id
            sent = Sent(next(self._ids), channel_id, nonce, message, self.clock.now())
            self.sent.append(sent)
            if self.lose_answers:
                self.lose_answers -= 1
                raise SendFailed("timed out waiting for Discord")
            if self.crash_after is not None:
                self.crash_after -= 1
                if self.crash_after == 0:
                    raise Crash()
            return sent.id
        finally:
            self.in_flight -= 1

    async def recent(self, channel_id: int, after: datetime) -> list[SeenMessage]:
        self.history_reads += 1
        if channel_id in self.gone:
            raise ChannelUnusable(f"The digest channel <#{channel_id}> was deleted.")
        return [
            SeenMessage(s.id, tuple(e.footer.text for e in s.message.embeds if e.footer.text))
            for s in self.sent
            if s.channel_id == channel_id and s.at >= after
        ]

    def in_channel(self, channel_id: int) -> list[Sent]:
        return [s for s in self.sent if s.channel_id == channel_id]


@dataclass
class Rig:
    store: Store
    clock: FixedClock
    discord: FakeDiscord
    sleeps: list[float]
    make: Callable[..., Poster]

    async def server(self, guild_id: int, channel_id: int, **kw: Any) -> GuildConfig:
        config = GuildConfig.model_validate(
            {
                "guild_id": guild_id,
                "digest_channel_id": channel_id,
                "digest_since": self.clock.now(),
                **kw,
            }
        )
        await self.store.save_guild_config(config)
        return config


@pytest.fixture
async def rig(store_factory: Any) -> Rig:
    clock = FixedClock(NOW)
    store: Store = await store_factory(clock)
    fake = FakeDiscord(clock)
    sleeps: list[float] = []

    async def sleep(seconds: float) -> None:
        sleeps.append(seconds)

    def make(**kw: Any) -> Poster:
        kw.setdefault("rate", None)
        return Poster(store, fake, clock, sleep=sleep, **kw)

    return Rig(store, clock, fake, sleeps, make)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)  # type: ignore[misc]


async def drive(
    rig: Rig, poster: Poster, configs: list[GuildConfig], until: datetime, sweep: timedelta
) -> None:
    """Run the poster as the scheduler would: each server's cron job at its fire times, and
    the sweep every `sweep`, in time order, until `until`."""
    wakes: list[tuple[datetime, int | None]] = []
    for config in configs:
        trigger = digest_trigger(config)
        previous, now = None, rig.clock.now()
        while True:
            fire = trigger.get_next_fire_time(previous, now)
            if fire > until:
                break
            wakes.append((fire.astimezone(UTC), config.guild_id))
            previous, now = fire, fire.astimezone(UTC) + timedelta(seconds=1)
    t = rig.clock.now()
    while t < until:
        t += sweep
        wakes.append((t, None))
    for at, guild_id in sorted(wakes, key=lambda w: (w[0], w[1] is None)):
        rig.clock.set(at)
        if guild_id is None:
            await poster.tick()
        else:
            await poster.run_digest(guild_id)


def digest_refs(rig: Rig, channel_id: int) -> list[str]:
    return [s.footer.split("ref ")[1] for s in rig.discord.in_channel(channel_id)]


# ---------------------------------------------------------------------------------------
# Daily, weekly, DST
# ---------------------------------------------------------------------------------------


async def test_daily_digest_goes_once_each_day_at_nine_local(rig: Rig) -> None:
    config = await rig.server(1, 10, digest_time=time(9, 0), timezone="Europe/London")
    await drive(rig, rig.make(), [config], NOW + timedelta(days=7), timedelta(hours=3))
    sent = rig.discord.in_channel(10)
    assert [s.at for s in sent] == [utc(2026, 11, d, 9, 0) for d in range(22, 29)]
    assert digest_refs(rig, 10) == [f"digest/2026-11-{d} · 1/1" for d in range(22, 29)]
    ledger = await rig.store.posts_for(1)
    assert [(p.slot, p.status) for p in ledger] == [(f"2026-11-{d}", SENT) for d in range(22, 29)]


async def test_weekly_digest_through_new_york_fall_back_is_not_doubled(rig: Rig) -> None:
    rig.clock.set(utc(2026, 10, 20))
    config = await rig.server(
        2,
        20,
        digest_time=time(1, 30),
        timezone="America/New_York",
        frequency=Frequency.WEEKLY,
        weekday=6,
    )
    # the cron job fires twice on 1 November (01:30 EDT, then 01:30 EST)
    await drive(rig, rig.make(), [config], utc(2026, 11, 10), timedelta(hours=6))
    sent = rig.discord.in_channel(20)
    assert [s.at for s in sent] == [
        utc(2026, 10, 25, 5, 30),
        utc(2026, 11, 1, 5, 30),
        utc(2026, 11, 8, 6, 30),
    ]
    assert [p.slot for p in await rig.store.posts_for(2)] == ["2026-W43", "2026-W44", "2026-W45"]


async def test_daily_digest_through_spring_forward_in_new_york(rig: Rig) -> None:
    rig.clock.set(utc(2026, 3, 6))
    config = await rig.server(3, 30, digest_time=time(2, 30), timezone="America/New_York")
    await drive(rig, rig.make(), [config], utc(2026, 3, 10), timedelta(hours=6))
    assert [s.at for s in rig.discord.in_channel(30)] == [
        utc(2026, 3, 6, 7, 30),
        utc(2026, 3, 7, 7, 30),
        utc(2026, 3, 8, 7, 30),  # 02:30 does not exist that night: 03:30 EDT
        utc(2026, 3, 9, 6, 30),
    ]


# ---------------------------------------------------------------------------------------
# Restarts and missed slots
# ---------------------------------------------------------------------------------------


async def test_restart_after_claim_before_send_sends_it_once(rig: Rig) -> None:
    await rig.server(1, 10)
    rig.clock.set(utc(2026, 11, 22, 9, 0))
    assert await rig.store.claim_post(1, "digest", "2026-11-22")  # then the bot died
    rig.clock.advance(timedelta(minutes=20))
    poster = rig.make()  # restarted
    report = await poster.tick()
    assert report.keys(Outcome.SENT)
    assert len(rig.discord.in_channel(10)) == 1
    assert rig.discord.history_reads == 1  # it looked before sending
    for _ in range(5):
        rig.clock.advance(timedelta(minutes=5))
        await poster.tick()
    assert len(rig.discord.in_channel(10)) == 1
    post = await rig.store.get_post(1, "digest", "2026-11-22")
    assert post is not None and post.status == SENT
    assert post.message_ids == [rig.discord.sent[0].id]


async def test_crash_after_send_before_record_is_not_repeated(rig: Rig) -> None:
    await rig.server(1, 10)
    rig.clock.set(utc(2026, 11, 22, 9, 0))
    rig.discord.crash_after = 1
    with pytest.raises(Crash):
        await rig.make().tick()
    post = await rig.store.get_post(1, "digest", "2026-11-22")
    assert post is not None and post.status == "claimed" and post.message_ids == []
    rig.clock.advance(timedelta(minutes=30))  # past Discord's nonce window
    await rig.make().tick()
    assert len(rig.discord.in_channel(10)) == 1
    post = await rig.store.get_post(1, "digest", "2026-11-22")
    assert post is not None and post.status == SENT
    assert post.message_ids == [rig.discord.sent[0].id]


async def test_crash_in_the_middle_of_a_long_digest_sends_only_the_rest(rig: Rig) -> None:
    await rig.server(1, 10)
    rig.clock.advance(timedelta(hours=1))
    events = [
        Event.model_validate(
            {
                "id": f"ev-{i:03d}",
                "date": "2026-11-21",
                "title": f"Event number {i} " + "with a long descriptive title " * 5,
                "summary": "A summary.",
                "topic": "talks",
                "sources": ["src"],
            }
        )
        for i in range(90)
    ]
    await rig.store.bulk_insert(events, guild_id=1, actor=Actor(5, "curator"))
    rig.clock.set(utc(2026, 11, 22, 9, 0))
    rig.discord.crash_after = 2  # part 1 recorded, part 2 sent but not recorded
    with pytest.raises(Crash):
        await rig.make().tick()
    assert len(rig.discord.sent) == 2
    rig.clock.advance(timedelta(minutes=15))
    await rig.make().tick()
    refs = digest_refs(rig, 10)
    total = len(refs)
    assert total >= 3
    assert refs == [f"digest/2026-11-22 · {i}/{total}" for i in range(1, total + 1)]
    post = await rig.store.get_post(1, "digest", "2026-11-22")
    assert post is not None and post.status == SENT
    assert post.message_ids == [s.id for s in rig.discord.sent]
    text = "\n".join(e.description or "" for s in rig.discord.sent for e in s.message.embeds)
    assert all(f"Event number {i} " in text for i in range(90)), "no event lost"


async def test_slot_missed_inside_the_grace_period_goes_once_at_start(rig: Rig) -> None:
    await rig.server(1, 10, digest_time=time(9, 0))
    rig.clock.set(utc(2026, 11, 22, 14, 59))  # the bot was down from 08:00 to now
    poster = rig.make()
    await poster.tick()
    await poster.tick()
    assert [s.at for s in rig.discord.in_channel(10)] == [utc(2026, 11, 22, 14, 59)]


async def test_slot_missed_outside_the_grace_period_is_skipped_with_a_log_line(
    rig: Rig, caplog: pytest.LogCaptureFixture
) -> None:
    await rig.server(1, 10, digest_time=time(9, 0))
    rig.clock.set(utc(2026, 11, 22, 15, 30))
    poster = rig.make()
    with caplog.at_level(logging.WARNING, logger="bot.poster"):
        report = await poster.tick()
        await poster.tick()
    assert rig.discord.sent == []
    assert report.keys(Outcome.SKIPPED)
    assert [r.getMessage() for r in caplog.records] == [
        "digest 2026-11-22 for guild 1 missed by 6h 30m (more than the 6h grace): skipped"
    ]
    post = await rig.store.get_post(1, "digest", "2026-11-22")
    assert post is not None and post.status == SKIPPED
    rig.clock.set(utc(2026, 11, 23, 9, 0))
    await poster.tick()
    assert [s.at for s in rig.discord.in_channel(10)] == [utc(2026, 11, 23, 9, 0)]


async def test_jobs_and_sweeps_racing_for_a_slot_post_it_once(rig: Rig) -> None:
    await rig.server(1, 10)
    rig.clock.set(utc(2026, 11, 22, 9, 0))
    rig.discord.latency = 0.001
    poster, other_instance = rig.make(), rig.make()
    await asyncio.gather(
        poster.tick(), poster.run_digest(1), other_instance.tick(), other_instance.run_digest(1)
    )
    rig.clock.advance(timedelta(minutes=1))
    await asyncio.gather(poster.tick(), other_instance.tick())
    assert len(rig.discord.in_channel(10)) == 1


async def test_a_young_open_claim_is_left_to_whoever_holds_it(rig: Rig) -> None:
    await rig.server(1, 10)
    rig.clock.set(utc(2026, 11, 22, 9, 0))
    assert await rig.store.claim_post(1, "digest", "2026-11-22")  # another instance sending
    rig.clock.advance(timedelta(minutes=4))
    await rig.make().tick()
    assert rig.discord.sent == [] and rig.discord.history_reads == 0
    rig.clock.advance(timedelta(minutes=1))  # five minutes on, it is taken to be orphaned
    await rig.make().tick()
    assert len(rig.discord.in_channel(10)) == 1


# ---------------------------------------------------------------------------------------
# Failed sends
# ---------------------------------------------------------------------------------------


async def test_server_error_then_success_retries_with_backoff(rig: Rig) -> None:
    await rig.server(1, 10)
    rig.clock.set(utc(2026, 11, 22, 9, 0))
    rig.discord.failures = [SendFailed("Discord server error 500"), SendFailed("error 502")]
    await rig.make().tick()
    assert len(rig.discord.in_channel(10)) == 1
    assert rig.sleeps == [2.0, 4.0]
    post = await rig.store.get_post(1, "digest", "2026-11-22")
    assert post is not None and post.status == SENT and post.attempts == 3


async def test_rate_limit_is_honoured_and_not_doubled(rig: Rig) -> None:
    await rig.server(1, 10)
    rig.clock.set(utc(2026, 11, 22, 9, 0))
    rig.discord.failures = [SendFailed("rate limited (429)", retry_after=3.5)]
    await rig.make().tick()
    assert len(rig.discord.in_channel(10)) == 1
    assert rig.sleeps == [3.5]


async def test_a_lost_answer_is_retried_with_the_same_nonce(rig: Rig) -> None:
    await rig.server(1, 10)
    rig.clock.set(utc(2026, 11, 22, 9, 0))
    rig.discord.lose_answers = 1  # Discord made the message, but the answer timed out
    await rig.make().tick()
    assert rig.discord.calls == 2
    assert len(rig.discord.in_channel(10)) == 1
    post = await rig.store.get_post(1, "digest", "2026-11-22")
    assert post is not None and post.message_ids == [rig.discord.sent[0].id]


async def test_an_outage_outlasting_the_retries_is_taken_up_by_the_next_sweep(
    rig: Rig, caplog: pytest.LogCaptureFixture
) -> None:
    await rig.server(1, 10)
    await rig.server(2, 20)
    rig.clock.set(utc(2026, 11, 22, 9, 0))
    rig.discord.failures_for[10] = [SendFailed("Discord server error 503")] * 4
    poster = rig.make()
    report = await poster.tick()
    assert [k.guild_id for k in report.keys(Outcome.RETRY)] == [1]
    assert [k.guild_id for k in report.keys(Outcome.SENT)] == [2]
    open_post = await rig.store.get_post(1, "digest", "2026-11-22")
    assert open_post is not None and open_post.status == "claimed"
    assert open_post.error == "Discord server error 503"
    rig.clock.advance(timedelta(minutes=5))
    await poster.tick()
    assert sorted(s.channel_id for s in rig.discord.sent) == [10, 20]
    assert rig.sleeps == [2.0, 4.0, 8.0]
    # and a post that cannot go within the grace period is given up, with a log line
    rig.clock.set(utc(2026, 11, 23, 9, 0))
    rig.discord.failures_for[10] = [SendFailed("Discord server error 500")] * 400
    await poster.tick()
    rig.clock.set(utc(2026, 11, 23, 15, 1))
    with caplog.at_level(logging.WARNING, logger="bot.poster"):
        await poster.tick()
    assert [p.status for p in await rig.store.posts_for(1)] == [SENT, FAILED]
    assert any("not confirmed within 6h" in r.getMessage() for r in caplog.records)
    assert sorted(s.channel_id for s in rig.discord.sent) == [10, 20, 20]


async def test_deleted_channel_pauses_that_server_and_the_others_carry_on(rig: Rig) -> None:
    await rig.server(1, 10)
    await rig.server(2, 20)
    rig.discord.gone.add(10)
    rig.clock.set(utc(2026, 11, 22, 9, 0))
    poster = rig.make()
    report = await poster.tick()
    assert [k.guild_id for k in report.keys(Outcome.PAUSED)] == [1]
    config = await rig.store.guild_config(1)
    assert config.paused_reason == "The digest channel <#10> was deleted."
    calls = rig.discord.calls
    rig.clock.set(utc(2026, 11, 23, 9, 0))
    await poster.tick()
    assert rig.discord.calls == calls + 1  # only server 2 was tried
    assert [s.at.day for s in rig.discord.in_channel(20)] == [22, 23]
    assert [p.status for p in await rig.store.posts_for(1)] == [FAILED]


# ---------------------------------------------------------------------------------------
# Countdown alerts
# ---------------------------------------------------------------------------------------


def talks(at: datetime, **kw: Any) -> Milestone:
    data: dict[str, Any] = {
        "id": "round-seven",
        "name": "Seventh round of talks",
        "at": at,
        "timezone": "Europe/Madrid",
        "place": "Madrid",
        "kind": "talks",
        "sources": ["src"],
    }
    data.update(kw)
    return Milestone.model_validate(data)


async def drive_alerts(rig: Rig, poster: Poster, until: datetime) -> None:
    """Alert jobs at each alert instant, and a sweep every six hours."""
    rows = await rig.store.all_milestones()
    wakes = [t for t in next_alert_times([m for _, _, m in rows], rig.clock.now()) if t <= until]
    t = rig.clock.now()
    while t < until:
        t += timedelta(hours=6)
        wakes.append(t)
    for at in sorted(wakes):
        rig.clock.set(at)
        await poster.run_alerts() if at in rows_times(rows) else await poster.tick()


def rows_times(rows: list[tuple[int, bool, Milestone]]) -> set[datetime]:
    return set(next_alert_times([m for _, _, m in rows], NOW - timedelta(days=400)))


async def test_alerts_count_down_seven_days_one_day_one_hour_and_due(rig: Rig) -> None:
    await rig.server(1, 10, digest_time=time(9, 0))
    await rig.server(2, 20, alerts_enabled=False)
    at = NOW + timedelta(days=10, hours=3)
    await rig.store.save(talks(at), guild_id=None, actor=CURATED_ACTOR)
    await drive_alerts(rig, rig.make(), at + timedelta(days=1))
    alerts = [s for s in rig.discord.in_channel(10) if "Seventh round" in s.title]
    assert [(s.title, s.at) for s in alerts] == [
        ("⏰ In 7 days: Seventh round of talks", at - timedelta(days=7)),
        ("⏰ Tomorrow: Seventh round of talks", at - timedelta(days=1)),
        ("⏰ Within the hour: Seventh round of talks", at - timedelta(hours=1)),
        ("🔔 Now: Seventh round of talks", at),
    ]
    assert f"<t:{int(at.timestamp())}:F>" in (alerts[0].message.embeds[0].description or "")
    assert [s for s in rig.discord.in_channel(20) if "Seventh" in s.title] == []
    digests = [s for s in rig.discord.in_channel(10) if "Seventh" not in s.title]
    assert len(digests) == 11  # and the daily digests went on as usual


async def test_only_the_latest_alert_goes_after_downtime_and_a_moved_date_counts_again(
    rig: Rig,
) -> None:
    await rig.server(1, 10, digest_time=time(23, 59), timezone="Pacific/Kiritimati")
    at = NOW + timedelta(days=3)
    await rig.store.save(talks(at), guild_id=1, actor=Actor(7, "curator"))
    poster = rig.make()
    rig.clock.set(at - timedelta(hours=23))
    await poster.run_alerts()  # the 1-day alert, an hour late
    rig.clock.set(at + timedelta(minutes=10))  # down through the 1-hour alert
    await poster.run_alerts()
    titles = [s.title for s in rig.discord.in_channel(10) if "Seventh" in s.title]
    assert titles == ["⏰ Tomorrow: Seventh round of talks", "🔔 Now: Seventh round of talks"]
    # the talks are put back a month: the countdown starts again for the new date
    later = at + timedelta(days=30)
    await rig.store.save(talks(later), guild_id=1, actor=Actor(7, "curator"))
    rig.clock.set(later - timedelta(days=7))
    await poster.run_alerts()
    await poster.run_alerts()
    titles = [s.title for s in rig.discord.in_channel(10) if "Seventh" in s.title]
    assert titles[-1] == "⏰ In 7 days: Seventh round of talks" and len(titles) == 3


# ---------------------------------------------------------------------------------------
# Fan-out and /digest now
# ---------------------------------------------------------------------------------------


async def test_fan_out_is_bounded_and_every_server_gets_one(rig: Rig) -> None:
    for g in range(1, 41):
        await rig.server(g, 1000 + g)
    rig.discord.latency = 0.002
    rig.clock.set(utc(2026, 11, 22, 9, 0))
    poster = rig.make(concurrency=5)
    report = await poster.tick()
    assert len(report.keys(Outcome.SENT)) == 40
    assert sorted(s.channel_id for s in rig.discord.sent) == [1000 + g for g in range(1, 41)]
    assert 1 < rig.discord.peak <= 5


async def test_pacer_spaces_request_starts() -> None:
    now = [100.0]
    slept: list[float] = []

    async def sleep(seconds: float) -> None:
        slept.append(round(seconds, 6))
        now[0] += seconds

    pacer = Pacer(10.0, sleep, monotonic=lambda: now[0])
    for _ in range(4):
        await pacer.wait()
    assert slept == [0.1, 0.1, 0.1]
    now[0] += 5
    await pacer.wait()
    assert slept == [0.1, 0.1, 0.1]


async def test_pacer_never_lets_more_than_rate_start_in_one_second_after_a_stall() -> None:
    now = [100.0]
    starts: list[float] = []

    async def late_sleep(seconds: float) -> None:  # a busy loop wakes everyone 0.3 s late
        now[0] += seconds + 0.3

    pacer = Pacer(10.0, late_sleep, monotonic=lambda: now[0])

    async def send() -> None:
        await pacer.wait()
        starts.append(now[0])

    for _ in range(40):
        await send()
    for i, at in enumerate(starts):
        assert sum(1 for other in starts[i:] if other < at + 1.0) <= 10


async def test_post_now_is_recorded_and_a_repeat_of_the_same_slot_does_nothing(
    rig: Rig,
) -> None:
    config = await rig.server(1, 10)
    poster = rig.make()
    outcome, ids = await poster.post_now(config, "111")
    assert outcome is Outcome.SENT and ids == [rig.discord.sent[0].id]
    assert await poster.post_now(config, "111") == (Outcome.TAKEN, ids)
    assert len(rig.discord.sent) == 1
    assert "digest-now/111" in rig.discord.sent[0].footer
    last = await rig.store.last_sent_post(1, ["digest", "digest-now"])
    assert last is not None and last.slot == "111"
    assert isinstance(await poster.tick(), TickReport)
