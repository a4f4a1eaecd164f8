"""Pure view values for the pages and data files: tariff layers as rows, milestones' times in
the three zones readers think in, links that are safe to render. No I/O, no HTML: the
templates escape everything they are given. The arithmetic is bot.tariffs' and the
countdown's split is bot.briefing.countdown's, so the site and the bot never disagree."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from bot import tariffs as stack
from bot.briefing.countdown import span_words, split
from bot.briefing.tariffs import MAIN_PAIRS, country, rate_of
from bot.dates import FuzzyDate
from bot.models import Milestone, TariffMeasure, TariffStatus

ZONES: tuple[tuple[str, str], ...] = (
    ("UTC", "UTC"),
    ("Washington", "America/New_York"),
    ("Beijing", "Asia/Shanghai"),
)
GOODS = {"US": "Chinese goods", "CN": "US goods"}


def safe_url(url: object) -> str | None:
    """The address as text when it is http or https (anything else is never a link)."""
    if url is None:
        return None
    text = str(url)
    try:
        scheme = urlsplit(text).scheme.lower()
    except ValueError:
        return None
    return text if scheme in ("http", "https") else None


def day_label(d: date | None) -> str:
    return FuzzyDate.day(d).label() if d is not None else ""


def precision_label(d: FuzzyDate) -> str:
    """'9 Oct 2025 (to the day)', 'Oct 2025 (month only)': a date with its precision."""
    words = {
        "day": "to the day",
        "span": "over these days",
        "week": "the week only",
        "part_of_month": "part of the month only",
        "month": "the month only",
        "quarter": "the quarter only",
        "year": "the year only",
    }
    return f"{d.label()} ({words[d.precision.value]})"


# -- tariffs -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Layer:
    """One tariff layer as it stood on a day: the row of /tariffs, .csv and .json."""

    measure: TariffMeasure
    direction: str
    status: str
    since: date | None
    until: date | None
    """The next change after the day (first day of the new status), else the end the
    sources gave for the status then in force."""
    overdue: date | None
    """The end that status was due to reach, passed with nothing later on record."""
    note: str | None

    @property
    def rate_text(self) -> str:
        return rate_of(self.measure)

    @property
    def scope(self) -> str:
        return "across the board" if self.measure.applies_to_all else "product-specific"


def layer(m: TariffMeasure, as_of: date) -> Layer | None:
    """The layer on `as_of`, or None before it was first heard of."""
    status = m.status_on(as_of)
    if status is None:
        return None
    later = next((c.day for c in m.history if c.day > as_of), None)
    current = [c for c in m.history if c.day <= as_of][-1]
    notes = [c.note for c in m.history if c.day <= as_of and c.note]
    return Layer(
        measure=m,
        direction=f"{country(m.imposer)} on {country(m.target)}",
        status=status.value,
        since=stack.status_since(m, status, as_of),
        until=later or current.until,
        overdue=m.overdue_on(as_of),
        note=notes[-1] if notes else None,
    )


@dataclass(frozen=True)
class Side:
    """One direction of the stack on a day: the total, its layers, the rest apart."""

    imposer: str
    target: str
    as_of: date
    total: float
    across: list[Layer]
    products: list[Layer]
    threatened: list[Layer]
    suspended: list[Layer]
    peak: stack.Peak | None

    @property
    def title(self) -> str:
        return f"{country(self.imposer)} on {GOODS.get(self.imposer, country(self.target))}"

    @property
    def total_text(self) -> str:
        return f"{self.total:g}%"


def _layers(measures: Iterable[TariffMeasure], as_of: date) -> list[Layer]:
    return [x for x in (layer(m, as_of) for m in measures) if x is not None]


def side(measures: Sequence[TariffMeasure], imposer: str, target: str, as_of: date) -> Side:
    v = stack.view(measures, imposer, target, as_of)
    return Side(
        imposer=imposer,
        target=target,
        as_of=as_of,
        total=v.total,
        across=_layers(v.in_force, as_of),
        products=_layers(v.targeted, as_of),
        threatened=_layers(v.threatened, as_of),
        suspended=_layers(v.suspended, as_of),
        peak=v.peak,
    )


def sides(measures: Sequence[TariffMeasure], as_of: date) -> list[Side]:
    """US on China and China on US."""
    return [side(measures, a, b, as_of) for a, b in MAIN_PAIRS]


def all_layers(measures: Sequence[TariffMeasure], as_of: date) -> list[Layer]:
    """Every layer of both directions heard of by `as_of`, each with its status then."""
    pairs = [m for a, b in MAIN_PAIRS for m in stack.of_pair(measures, a, b)]
    return _layers(pairs, as_of)


def status_word(status: str) -> str:
    return TariffStatus(status).value.replace("_", " ")


# -- milestones --------------------------------------------------------------------------------


@dataclass(frozen=True)
class ZonedTime:
    place: str
    text: str


def _local_day(at: datetime, zone: str) -> date:
    return at.astimezone(ZoneInfo(zone)).date()


def first_day(m: Milestone) -> date:
    """An all-day milestone's first day, in its own zone."""
    return _local_day(m.at, m.timezone)


def last_day(m: Milestone) -> date:
    """An all-day milestone's last day (inclusive), in its own zone."""
    return _local_day(m.ends, m.timezone) if m.ends is not None else first_day(m)


def _clock(at: datetime, zone: str) -> str:
    local = at.astimezone(ZoneInfo(zone))
    return f"{local.day} {local:%b %Y, %H:%M} {local.tzname()}"


ZONE_PLACES = {
    "America/New_York": "Washington",
    "Asia/Shanghai": "Beijing",
    "Asia/Seoul": "Seoul",
    "Asia/Kuala_Lumpur": "Kuala Lumpur",
    "Europe/Zurich": "Geneva",
    "Europe/London": "London",
    "Europe/Stockholm": "Stockholm",
    "Europe/Madrid": "Madrid",
    "Europe/Paris": "Paris",
    "UTC": "UTC",
}
"""Zones as readers know them, by the city whose time it is."""


def place_of_zone(zone: str) -> str:
    """'Washington' for America/New_York; else the zone's city ('Asia/Tokyo': 'Tokyo')."""
    return ZONE_PLACES.get(zone) or zone.rsplit("/", 1)[-1].replace("_", " ")


def times(m: Milestone) -> list[ZonedTime]:
    """When, in UTC, Washington and Beijing (dates only when the sources give no hour)."""
    if m.all_day:
        first, last = first_day(m), last_day(m)
        text = day_label(first) if first == last else f"{day_label(first)} – {day_label(last)}"
        return [ZonedTime(f"all day ({place_of_zone(m.timezone)} time)", text)]
    out = []
    for place, zone in ZONES:
        text = _clock(m.at, zone)
        if m.ends is not None:
            text += f" – {_clock(m.ends, zone)}"
        out.append(ZonedTime(place, text))
    return out


def state(m: Milestone, now: datetime) -> str:
    """'in 3 days 4 hours', 'under way', 'passed 2 days ago': never below zero."""
    if not m.passed(now):
        return "under way" if m.at <= now else f"in {span_words(m.at - now)}"
    return f"passed {span_words(now - (m.ends or m.at))} ago"


def split_milestones(
    milestones: Sequence[Milestone], now: datetime
) -> tuple[list[Milestone], list[Milestone]]:
    """(upcoming nearest first, passed newest first): the countdown's order."""
    return split(milestones, now)


def utc(at: datetime) -> datetime:
    return at.astimezone(UTC)
