"""When posts fall due: digest slots in a server's zone and countdown alerts. Pure functions.

A digest slot is the server's chosen wall-clock time on a local day (daily) or on its chosen
weekday (weekly), turned into an instant with zoneinfo, so it follows the zone's daylight
saving changes. Each slot has a key that names it in the post ledger: the local date for a
daily digest ("2026-11-21"), the ISO week for a weekly one ("2026-W47"). Keying by the local
day means a digest goes at most once per day (per week) even when an admin moves the hour
after it went out, or when a wall-clock time occurs twice as the clocks fall back.

Local times that do not exist (the hour skipped when the clocks go forward) are read with the
offset in force before the change (`fold=0`), which lands them an hour later on the new
clock: 02:30 on a spring-forward night posts at 03:30. APScheduler's CronTrigger does the
same, and tests check that the two agree.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.models import Frequency, GuildConfig, Milestone

GRACE = timedelta(hours=6)
"""A post missed while the bot was down goes out late if less than this late; else skipped."""

ALERT_OFFSETS: tuple[tuple[str, timedelta], ...] = (
    ("7d", timedelta(days=7)),
    ("1d", timedelta(days=1)),
    ("1h", timedelta(hours=1)),
    ("due", timedelta(0)),
)
"""Countdown alerts: how long before a milestone each one goes ('due': when it arrives)."""

DIGEST_KIND = "digest"
NOW_KIND = "digest-now"
ALERT_KIND_PREFIX = "alert-"
DIGEST_KINDS = (DIGEST_KIND, NOW_KIND)

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Slot:
    key: str
    at: datetime
    """The instant, in UTC."""


def local_instant(day: date, at: time, zone: ZoneInfo) -> datetime:
    """The UTC instant of wall-clock `at` on `day` in `zone` (fold=0: see the module doc)."""
    return datetime.combine(day, at.replace(tzinfo=None, fold=0), tzinfo=zone).astimezone(UTC)


def slot_key(config: GuildConfig, day: date) -> str:
    if config.frequency is Frequency.WEEKLY:
        year, week, _ = day.isocalendar()
        return f"{year}-W{week:02d}"
    return day.isoformat()


def _slot_on(config: GuildConfig, day: date, zone: ZoneInfo) -> Slot | None:
    if config.frequency is Frequency.WEEKLY and day.weekday() != config.weekday:
        return None
    return Slot(slot_key(config, day), local_instant(day, config.digest_time, zone))


def _candidates(config: GuildConfig, around: datetime, days: range) -> list[Slot]:
    zone = ZoneInfo(config.timezone)
    local_day = around.astimezone(zone).date()
    slots = [_slot_on(config, local_day + timedelta(days=d), zone) for d in days]
    return [s for s in slots if s is not None]


def next_digest_slot(config: GuildConfig, after: datetime) -> Slot:
    """The first slot strictly after `after`."""
    return next(s for s in _candidates(config, after, range(-1, 9)) if s.at > after)


def latest_digest_slot(config: GuildConfig, at_or_before: datetime) -> Slot:
    """The most recent slot at or before `at_or_before`."""
    slots = _candidates(config, at_or_before, range(-8, 2))
    return [s for s in slots if s.at <= at_or_before][-1]


def digest_slots_between(config: GuildConfig, start: datetime, end: datetime) -> list[Slot]:
    """Every slot in (start, end], in order: for walking a calendar in tests and previews."""
    out: list[Slot] = []
    cursor = start
    while True:
        slot = next_digest_slot(config, cursor)
        if slot.at > end:
            return out
        out.append(slot)
        cursor = slot.at


def owed_digest(config: GuildConfig, now: datetime) -> Slot | None:
    """The latest slot that has come, if the digest was set up before it (else nothing is
    owed yet). Whether it is still worth posting is the caller's call (see GRACE)."""
    if config.digest_channel_id is None:
        return None
    slot = latest_digest_slot(config, now)
    if config.digest_since is not None and slot.at < config.digest_since:
        return None
    return slot


# ---------------------------------------------------------------------------------------
# Countdown alerts
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AlertSlot:
    milestone_id: str
    offset: str
    """One of ALERT_OFFSETS' names: 7d, 1d, 1h, due."""
    milestone_at: datetime
    at: datetime
    """When the alert goes (UTC)."""

    @property
    def kind(self) -> str:
        """Ledger kind: the offset and the milestone's time, so that a milestone moved to a
        new date (an extended deadline) is counted down again."""
        return f"{ALERT_KIND_PREFIX}{self.offset}@{int(self.milestone_at.timestamp())}"

    @property
    def slot(self) -> str:
        return self.milestone_id


def parse_alert_kind(kind: str) -> tuple[str, datetime] | None:
    """(offset, milestone instant) from a ledger kind made by AlertSlot.kind."""
    if not kind.startswith(ALERT_KIND_PREFIX) or "@" not in kind:
        return None
    offset, _, stamp = kind.removeprefix(ALERT_KIND_PREFIX).partition("@")
    if offset not in dict(ALERT_OFFSETS) or not stamp.isdigit():
        return None
    return offset, datetime.fromtimestamp(int(stamp), UTC)


def alert_slots(milestone: Milestone) -> list[AlertSlot]:
    """The countdown alerts of one milestone, earliest first. None once an outcome is
    recorded (it was cancelled, met, extended...). An all-day milestone has no hour, so it
    gets no one-hour alert."""
    if milestone.outcome is not None:
        return []
    out: list[AlertSlot] = []
    try:
        at = milestone.at.astimezone(UTC)
        for name, delta in ALERT_OFFSETS:
            if not (milestone.all_day and name == "1h"):
                out.append(AlertSlot(milestone.id, name, at, at - delta))
    except OverflowError:
        # bot.bounds keeps such instants out where they enter; one that got in anyway has
        # no alerts rather than stopping every server's sweep
        log.error(
            "milestone %r at %s: its alert times overflow; no alerts", milestone.id, milestone.at
        )
        return []
    return out


def due_alerts(
    milestones: list[Milestone],
    now: datetime,
    *,
    since: datetime | None,
    grace: timedelta = GRACE,
) -> list[AlertSlot]:
    """Alerts to post now: for each milestone, its latest alert that has come, is less than
    `grace` late and is not older than `since` (when alerts were set up). Earlier alerts it
    supersedes (the bot was down through both) are dropped: 'in 1 hour' is no use once the
    milestone has arrived."""
    out: list[AlertSlot] = []
    for milestone in milestones:
        came = [a for a in alert_slots(milestone) if a.at <= now]
        if not came:
            continue
        latest = came[-1]
        if now - latest.at >= grace or (since is not None and latest.at < since):
            continue
        out.append(latest)
    return sorted(out, key=lambda a: (a.at, a.milestone_id))


def next_alert_times(milestones: list[Milestone], after: datetime) -> list[datetime]:
    """Distinct instants after `after` at which some alert falls due (for job scheduling)."""
    return sorted(
        {a.at for m in milestones for a in alert_slots(m) if a.at > after},
    )
