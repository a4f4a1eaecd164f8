"""Slot math: daily and weekly digest times in a server's zone, across DST changes, and the
countdown alerts of a milestone. Pure functions, plain tests."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.models import Frequency, GuildConfig, Milestone, MilestoneKind, Outcome, OutcomeStatus
from bot.scheduler import digest_trigger
from bot.slots import (
    AlertSlot,
    alert_slots,
    digest_slots_between,
    due_alerts,
    latest_digest_slot,
    next_alert_times,
    next_digest_slot,
    owed_digest,
    parse_alert_kind,
)

NY = ZoneInfo("America/New_York")
LONDON = ZoneInfo("Europe/London")


def cfg(**kw: object) -> GuildConfig:
    base: dict[str, object] = {"guild_id": 1, "digest_channel_id": 10}
    base.update(kw)
    return GuildConfig.model_validate(base)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)  # type: ignore[misc]


def test_daily_slot_is_the_local_time_each_day() -> None:
    c = cfg(digest_time=time(9, 0), timezone="Asia/Shanghai")
    slot = next_digest_slot(c, utc(2026, 11, 21, 0, 30))
    assert slot.at == utc(2026, 11, 21, 1, 0) and slot.key == "2026-11-21"
    # exactly at a slot: next is the following day, latest is this one
    assert next_digest_slot(c, slot.at).key == "2026-11-22"
    assert latest_digest_slot(c, slot.at) == slot
    assert latest_digest_slot(c, slot.at - timedelta(seconds=1)).key == "2026-11-20"


def test_london_digest_stays_at_nine_local_across_both_changes() -> None:
    c = cfg(digest_time=time(9, 0), timezone="Europe/London")
    spring = digest_slots_between(c, utc(2026, 3, 27), utc(2026, 3, 31))
    assert [(s.key, s.at.hour) for s in spring] == [
        ("2026-03-27", 9),
        ("2026-03-28", 9),
        ("2026-03-29", 8),  # BST from 01:00 UTC that morning
        ("2026-03-30", 8),
    ]
    autumn = digest_slots_between(c, utc(2026, 10, 23), utc(2026, 10, 27))
    assert [s.at.hour for s in autumn] == [8, 8, 9, 9]
    assert all(s.at.astimezone(LONDON).time() == time(9, 0) for s in spring + autumn)


def test_new_york_skipped_hour_posts_an_hour_later_once() -> None:
    c = cfg(digest_time=time(2, 30), timezone="America/New_York")
    slots = digest_slots_between(c, utc(2026, 3, 6), utc(2026, 3, 10))
    by_key = {s.key: s.at for s in slots}
    assert list(by_key) == ["2026-03-06", "2026-03-07", "2026-03-08", "2026-03-09"]
    # 02:30 does not exist on 8 March: read with the old offset, it is 03:30 EDT
    assert by_key["2026-03-08"] == utc(2026, 3, 8, 7, 30)
    assert by_key["2026-03-08"].astimezone(NY).time() == time(3, 30)


def test_new_york_repeated_hour_gives_one_slot_per_day() -> None:
    c = cfg(digest_time=time(1, 30), timezone="America/New_York")
    slots = digest_slots_between(c, utc(2026, 10, 30), utc(2026, 11, 3))
    assert [s.key for s in slots] == ["2026-10-30", "2026-10-31", "2026-11-01", "2026-11-02"]
    # 01:30 happens twice on 1 November; the slot is the first (EDT) one
    assert {s.key: s.at for s in slots}["2026-11-01"] == utc(2026, 11, 1, 5, 30)


def test_slots_agree_with_apscheduler_cron_trigger() -> None:
    """The cron job wakes at the slot instants; where the wall-clock time repeats it wakes
    twice, and both wakes map to the same ledger key, so one post."""
    for zone, at, start in (
        ("America/New_York", time(1, 30), utc(2026, 10, 25)),
        ("America/New_York", time(2, 30), utc(2026, 3, 1)),
        ("Europe/London", time(9, 0), utc(2026, 3, 25)),
        ("Europe/London", time(1, 30), utc(2026, 10, 20)),
    ):
        c = cfg(digest_time=at, timezone=zone)
        trigger = digest_trigger(c)
        fires: list[datetime] = []
        previous = None
        now = start
        while len(fires) < 15:
            fire = trigger.get_next_fire_time(previous, now)
            fires.append(fire.astimezone(UTC))
            previous, now = fire, fire.astimezone(UTC) + timedelta(seconds=1)
        ours = digest_slots_between(c, start, fires[-1])
        assert {s.at for s in ours} <= set(fires)
        keys_of_fires = {latest_digest_slot(c, f).key for f in fires}
        assert keys_of_fires == {s.key for s in ours}, zone


def test_weekly_slots_fall_on_the_weekday_and_are_keyed_by_iso_week() -> None:
    c = cfg(
        digest_time=time(18, 0), timezone="Europe/London", frequency=Frequency.WEEKLY, weekday=2
    )
    slots = digest_slots_between(c, utc(2026, 3, 1), utc(2026, 4, 5))
    assert [s.key for s in slots] == ["2026-W10", "2026-W11", "2026-W12", "2026-W13", "2026-W14"]
    assert all(s.at.astimezone(LONDON).weekday() == 2 for s in slots)
    assert all(s.at.astimezone(LONDON).time() == time(18, 0) for s in slots)
    # the change to BST (29 March) moves the UTC instant, not the local time
    assert slots[3].at == utc(2026, 3, 25, 18, 0) and slots[4].at == utc(2026, 4, 1, 17, 0)
    trigger = digest_trigger(c)
    assert trigger.get_next_fire_time(None, utc(2026, 3, 26)) == slots[4].at


def test_owed_digest_needs_a_channel_and_a_slot_after_setup() -> None:
    c = cfg(digest_time=time(9, 0), digest_since=utc(2026, 11, 21, 12, 0))
    assert owed_digest(c, utc(2026, 11, 21, 13, 0)) is None  # 09:00 came before setup
    owed = owed_digest(c, utc(2026, 11, 22, 9, 5))
    assert owed is not None and owed.key == "2026-11-22"
    assert (
        owed_digest(c.model_copy(update={"digest_channel_id": None}), utc(2026, 11, 22, 10)) is None
    )


def milestone(at: datetime, **kw: object) -> Milestone:
    base: dict[str, object] = {
        "id": "next-round",
        "name": "Next round of talks",
        "at": at,
        "timezone": "UTC",
        "kind": MilestoneKind.TALKS,
        "sources": ["s1"],
    }
    base.update(kw)
    return Milestone.model_validate(base)


def test_alert_slots_seven_days_one_day_one_hour_and_due() -> None:
    at = utc(2026, 12, 10, 15, 0)
    slots = alert_slots(milestone(at))
    assert [(a.offset, at - a.at) for a in slots] == [
        ("7d", timedelta(days=7)),
        ("1d", timedelta(days=1)),
        ("1h", timedelta(hours=1)),
        ("due", timedelta(0)),
    ]
    assert [a.offset for a in alert_slots(milestone(at, all_day=True))] == ["7d", "1d", "due"]
    settled = Outcome(status=OutcomeStatus.CANCELLED, note="Called off.", sources=["s1"])
    assert alert_slots(milestone(at, outcome=settled)) == []
    kind = slots[1].kind
    assert len(kind) <= 32 and parse_alert_kind(kind) == ("1d", at)
    assert parse_alert_kind("digest") is None


def test_due_alerts_take_the_latest_within_grace_after_setup() -> None:
    at = utc(2026, 12, 10, 15, 0)
    m = milestone(at)
    assert due_alerts([m], at - timedelta(days=8), since=None) == []
    (seven,) = due_alerts([m], at - timedelta(days=7), since=None)
    assert seven.offset == "7d"
    # down from two hours before to ten minutes after: only 'due' goes, not 'in 1 hour'
    (due,) = due_alerts([m], at + timedelta(minutes=10), since=None)
    assert due.offset == "due"
    assert due_alerts([m], at + timedelta(hours=6), since=None) == []  # past the grace
    assert due_alerts([m], at + timedelta(hours=5, minutes=59), since=None) != []
    # alerts that fell due before the server set up its digest are not owed
    assert due_alerts([m], at - timedelta(hours=20), since=at - timedelta(hours=22)) == []
    (one_day,) = due_alerts([m], at - timedelta(hours=20), since=at - timedelta(days=2))
    assert isinstance(one_day, AlertSlot) and one_day.offset == "1d"


def test_next_alert_times_for_job_scheduling() -> None:
    at = utc(2026, 12, 10, 15, 0)
    times = next_alert_times([milestone(at), milestone(at, id="other")], at - timedelta(days=2))
    assert times == [at - timedelta(days=1), at - timedelta(hours=1), at]
