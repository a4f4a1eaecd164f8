"""Tariff-stack arithmetic: what is in force on a day, the peak, the threats. Pure functions.

Totals count only across-the-board layers (`applies_to_all`); product-specific layers are
listed beside them, never added in.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from bot.models import TariffMeasure, TariffStatus


@dataclass(frozen=True)
class Peak:
    rate: float
    start: date
    end: date | None
    """First day the total was lower again (exclusive); None if it still stands."""


@dataclass(frozen=True)
class StackView:
    imposer: str
    target: str
    as_of: date
    in_force: list[TariffMeasure]
    """Across-the-board layers in force on as_of."""
    targeted: list[TariffMeasure]
    """Product-specific layers in force on as_of (not in the total)."""
    suspended: list[TariffMeasure]
    threatened: list[TariffMeasure]
    """Threatened or announced, not yet in force, on as_of."""
    total: float
    peak: Peak | None


def of_pair(measures: Iterable[TariffMeasure], imposer: str, target: str) -> list[TariffMeasure]:
    return [m for m in measures if m.imposer == imposer and m.target == target]


def total_on(measures: Iterable[TariffMeasure], day: date) -> float:
    return sum(m.rate for m in measures if m.applies_to_all and m.in_force_on(day))


def change_days(measures: Iterable[TariffMeasure]) -> list[date]:
    return sorted({d for m in measures for d in m.change_dates()})


def series(
    measures: Sequence[TariffMeasure], until: date | None = None
) -> list[tuple[date, float]]:
    """Step series of the total in force: (day, total from that day on), at every change."""
    points: list[tuple[date, float]] = []
    for day in change_days(measures):
        if until is not None and day > until:
            break
        total = total_on(measures, day)
        if not points or points[-1][1] != total:
            points.append((day, total))
    return points


def peak(measures: Sequence[TariffMeasure], until: date | None = None) -> Peak | None:
    points = series(measures, until)
    if not points:
        return None
    best_i = max(range(len(points)), key=lambda i: (points[i][1], -i))
    rate, start = points[best_i][1], points[best_i][0]
    if rate <= 0:
        return None
    end = points[best_i + 1][0] if best_i + 1 < len(points) else None
    if until is not None and end is not None and end > until:
        end = None
    return Peak(rate=rate, start=start, end=end)


def view(measures: Iterable[TariffMeasure], imposer: str, target: str, as_of: date) -> StackView:
    pair = of_pair(measures, imposer, target)
    in_force = [m for m in pair if m.applies_to_all and m.in_force_on(as_of)]
    targeted = [m for m in pair if not m.applies_to_all and m.in_force_on(as_of)]
    suspended = [m for m in pair if m.status_on(as_of) is TariffStatus.SUSPENDED]
    threatened = [
        m for m in pair if m.status_on(as_of) in (TariffStatus.THREATENED, TariffStatus.ANNOUNCED)
    ]
    return StackView(
        imposer=imposer,
        target=target,
        as_of=as_of,
        in_force=sorted(in_force, key=lambda m: (m.effective_from or as_of, m.id)),
        targeted=sorted(targeted, key=lambda m: (m.effective_from or as_of, m.id)),
        suspended=suspended,
        threatened=threatened,
        total=sum(m.rate for m in in_force),
        peak=peak(pair, until=as_of),
    )


def status_since(measure: TariffMeasure, status: TariffStatus, as_of: date) -> date | None:
    """Start of the unbroken stretch in `status` that covers as_of (None if not in it)."""
    since: date | None = None
    for change in measure.history:
        if change.day > as_of:
            break
        if change.status is status:
            since = since or change.day
        else:
            since = None
    return since


def in_force_since(measure: TariffMeasure, as_of: date) -> date | None:
    """Start of the in-force stretch that covers as_of."""
    return status_since(measure, TariffStatus.IN_FORCE, as_of)
