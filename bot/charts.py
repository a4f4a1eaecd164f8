"""Charts as PNG bytes (matplotlib, Agg backend, object API: no pyplot global state).

Rendering takes tens of milliseconds, so it runs in a worker thread (asyncio.to_thread) and
each chart is cached per (server, data version): it is drawn again only when the data
changes, never per request.
"""

from __future__ import annotations

import asyncio
import io
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Hashable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import pairwise

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from bot import tariffs as stack
from bot.briefing.text import truncate
from bot.models import Milestone, MilestoneKind, TariffMeasure

CHART_NAME = "tariffs.png"
COLOURS = {("US", "CN"): "#c0392b", ("CN", "US"): "#1f5fa8"}
LABELS = {("US", "CN"): "US on Chinese goods", ("CN", "US"): "China on US goods"}
MARKER_GAP = timedelta(days=25)
MARKER_ROWS = 4
"""Marker labels take turns over this many rows, so neighbours' labels do not overlap."""
BIG_STEP = 20.0


@dataclass(frozen=True)
class Marker:
    day: date
    label: str


def key_markers(measures: Sequence[TariffMeasure], milestones: Sequence[Milestone]) -> list[Marker]:
    """Key events to mark: big cuts (labelled with the note that explains them) and the
    leaders' meetings. Markers closer than 25 days to an earlier one are dropped."""
    found: list[tuple[date, int, str]] = []
    for pair in COLOURS:
        layers = stack.of_pair(measures, *pair)
        points = stack.series(layers)
        for (_, before), (day, after) in pairwise(points):
            if before - after >= BIG_STEP:
                notes = [c.note for m in layers for c in m.history if c.day == day and c.note]
                label = notes[0] if notes else f"cut to {after:g}%"
                found.append((day, 0, truncate(label, 40)))
    for m in milestones:
        if m.kind is MilestoneKind.MEETING and m.outcome is not None:
            found.append((m.at.date(), 1, truncate(m.name, 40)))
    found.sort()
    kept: list[Marker] = []
    for day, _, label in found:
        if kept and day - kept[-1].day < MARKER_GAP:
            continue
        kept.append(Marker(day, label))
    return kept


def render_tariff_chart(
    measures: Sequence[TariffMeasure],
    markers: Sequence[Marker] = (),
    today: date | None = None,
    as_of: date | None = None,
) -> bytes:
    """Total across-the-board tariff in force over time, both ways, as a PNG; the time axis
    runs past `today` (so the latest level reads as today's) or past the last change. With
    `as_of`, the axis covers the year and a half before that day and a half year after it,
    and the day is marked."""
    fig = Figure(figsize=(9, 4.6), dpi=110)
    FigureCanvasAgg(fig)
    ax = fig.add_subplot(1, 1, 1)
    days = stack.change_days(
        [m for m in measures if (m.imposer, m.target) in COLOURS and m.applies_to_all]
    )
    if not days:
        ax.text(0.5, 0.5, "No tariff layers on record", ha="center", va="center")
        return _png(fig)
    start, end = time_axis(days, today)
    if as_of is not None:  # the months around the day asked for, from the first change on
        first = min(days[0] - timedelta(days=60), as_of - timedelta(days=90))
        start, end = max(as_of - timedelta(days=540), first), as_of + timedelta(days=180)
    top = 0.0
    for pair, colour in COLOURS.items():
        layers = stack.of_pair(measures, *pair)
        points = stack.series(layers)
        if not points:
            continue
        xs = [start, *(p[0] for p in points), end]
        ys = [0.0, *(p[1] for p in points), points[-1][1]]
        if as_of is None:
            label = f"{LABELS[pair]} (latest {points[-1][1]:g}%)"
        else:
            then = next((r for d, r in reversed(points) if d <= as_of), 0.0)
            label = f"{LABELS[pair]} ({then:g}% on {as_of.day} {as_of:%b %Y})"
        ax.step([_x(d) for d in xs], ys, where="post", color=colour, linewidth=2.2, label=label)
        before = [r for d, r in points if d <= start]
        seen = [r for d, r in points if start <= d <= end] + before[-1:]
        top = max(top, *(seen or [0.0]))
        peak = stack.peak(layers)
        if peak is not None:
            ax.annotate(
                f"peak {peak.rate:g}%",
                xy=(_x(peak.start), peak.rate),
                xytext=(12, 4 if pair == ("US", "CN") else -14),
                textcoords="offset points",
                color=colour,
                fontsize=9,
                fontweight="bold",
            )
    ymax = max(top * 1.45, 10.0)
    span = (end - start).days
    shown = [m for m in markers if start <= m.day <= end]
    for i, marker in enumerate(shown):
        ax.axvline(_x(marker.day), color="#888888", linestyle=":", linewidth=1)
        late = (marker.day - start).days > span * 0.6
        label = f"{marker.day.day} {marker.day:%b}: {marker.label}"
        ax.text(
            _x(marker.day),
            ymax * (0.96 - 0.07 * (i % MARKER_ROWS)),
            f"{label} " if late else f" {label}",
            va="top",
            ha="right" if late else "left",
            fontsize=8,
            color="#333333",
        )
    if as_of is not None:
        ax.axvline(_x(as_of), color="#c53030", linestyle="-", linewidth=1.4)
        ax.text(
            _x(as_of),
            ymax * 0.05,
            f" as of {as_of.day} {as_of:%b %Y}",
            color="#c53030",
            fontsize=9,
            fontweight="bold",
            va="bottom",
            ha="left",
        )
    ax.set_xlim(_x(start), _x(end))
    ticks = _month_ticks(start, end)
    ax.set_xticks([_x(d) for d in ticks], [f"{d:%b %Y}" for d in ticks])
    ax.set_ylim(0, ymax)
    ax.set_ylabel("across-the-board tariff in force (%)")
    ax.set_title("US-China tariffs in force: the duty every good pays", fontsize=11)
    ax.grid(axis="y", alpha=0.3)
    if as_of is None:
        ax.legend(loc="center right", fontsize=9, framealpha=0.9)
    else:  # below the markers' labels, right of the peaks
        ax.legend(loc="upper right", bbox_to_anchor=(1.0, 0.55), fontsize=9, framealpha=0.9)
    for spine in ("top", "right"):
        ax.spines[spine].set_visible(False)
    fig.autofmt_xdate()
    fig.text(
        0.01,
        0.01,
        "On top of ordinary duties. Product-specific layers (Section 301 lists, Section 232, "
        "China's 2018-19 lists) are not drawn.",
        fontsize=7,
        color="#666666",
    )
    return _png(fig)


def time_axis(days: Sequence[date], today: date | None = None) -> tuple[date, date]:
    """The chart's first and last day: a little before the first change, and well past the
    last change or today, whichever is later."""
    end = max(days[-1] + timedelta(days=75), (today or days[-1]) + timedelta(days=30))
    return days[0] - timedelta(days=20), end


EPOCH = date(1970, 1, 1)


def _x(d: date) -> float:
    """Matplotlib's date number (days since its default epoch, 1970-01-01)."""
    return float((d - EPOCH).days)


def _month_ticks(start: date, end: date) -> list[date]:
    """The first of every other month (Jan, Mar, …) between start and end."""
    ticks: list[date] = []
    year, month = start.year, start.month
    while True:
        d = date(year, month, 1)
        if d > end:
            return ticks
        if d >= start and month % 2 == 1:
            ticks.append(d)
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)


def _png(fig: Figure) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    return buf.getvalue()


class ChartCache:
    """PNG bytes per key (e.g. (guild id, data version)); each key rendered once, off the
    event loop, even when requests for it arrive together. Keeps the newest `size` keys."""

    def __init__(self, size: int = 32) -> None:
        self._size = size
        self._png: OrderedDict[Hashable, bytes] = OrderedDict()
        self._pending: dict[Hashable, asyncio.Future[bytes]] = {}
        self.renders = 0

    def cached(self, key: Hashable) -> bytes | None:
        png = self._png.get(key)
        if png is not None:
            self._png.move_to_end(key)
        return png

    async def get(self, key: Hashable, render: Callable[[], bytes]) -> bytes:
        png = self.cached(key)
        if png is not None:
            return png
        pending = self._pending.get(key)
        if pending is not None:
            return await asyncio.shield(pending)
        future: asyncio.Future[bytes] = asyncio.get_running_loop().create_future()
        self._pending[key] = future
        try:
            png = await _in_thread(render)
        except BaseException as exc:
            future.set_exception(exc)
            future.exception()  # retrieved: waiters re-raise it, nobody else needs to
            raise
        finally:
            self._pending.pop(key, None)
        self.renders += 1
        self._png[key] = png
        while len(self._png) > self._size:
            self._png.popitem(last=False)
        future.set_result(png)
        return png


def _in_thread(render: Callable[[], bytes]) -> Awaitable[bytes]:
    return asyncio.to_thread(render)
