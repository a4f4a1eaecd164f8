"""Dates that carry their precision, and parsing of dates as people type them.

A `FuzzyDate` is an inclusive range [start, end] plus the precision it was known to: a day,
a span of days ("10-11 May 2025"), a week ("week of 25 Aug 2025"), part of a month
("early Nov 2025"), a month, a quarter or a year. Sorting uses (start, end), so a vague date
sorts at the beginning of its window and before a precise date later in that window.

Canonical text forms (what `data/*.yaml` and exports use):

    2025-10-09                  day
    2025-05-10..2025-05-11      span
    week of 2025-08-25          week (the Monday it starts on; seven days)
    early 2025-11 / mid 2025-11 / late 2025-11
    2025-08                     month
    2025-Q3                     quarter
    2025                        year

`parse_user_date` also accepts what people type: "9 Oct 2025", "Oct 9, 2025", "Oct 2025",
"October 2025", "2025/10/09".
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable
from datetime import date, timedelta
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, model_serializer, model_validator

from bot.bounds import RANGE_TEXT, day_in_range, quoted


class Precision(StrEnum):
    DAY = "day"
    SPAN = "span"
    WEEK = "week"
    PART_OF_MONTH = "part_of_month"
    MONTH = "month"
    QUARTER = "quarter"
    YEAR = "year"


class DateParseError(ValueError):
    """A date string that cannot be read; the message says which forms work."""


_HELP = "use a date like 2025-10-09, 9 Oct 2025, Oct 2025 or 2025"

_MONTHS: dict[str, int] = {}
for _i in range(1, 13):
    _MONTHS[calendar.month_name[_i].lower()] = _i
    _MONTHS[calendar.month_abbr[_i].lower()] = _i
_MONTHS["sept"] = 9

_PARTS = {"early": (1, 10), "mid": (11, 20), "late": (21, 31)}


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _safe_date(year: int, month: int, day: int, text: str) -> date:
    try:
        return date(year, month, day)
    except ValueError as exc:
        raise DateParseError(f"'{quoted(text)}' is not a real date ({exc}); {_HELP}") from None


class FuzzyDate(BaseModel):
    """An inclusive date window with its precision."""

    model_config = ConfigDict(frozen=True)

    start: date
    end: date
    precision: Precision

    @model_validator(mode="before")
    @classmethod
    def _from_text(cls, value: Any) -> Any:
        if isinstance(value, date):
            return {"start": value, "end": value, "precision": Precision.DAY}
        if isinstance(value, int) and not isinstance(value, bool):
            value = str(value)  # YAML reads a bare year as a number
        if isinstance(value, str):
            parsed = parse_canonical(value)
            return {"start": parsed.start, "end": parsed.end, "precision": parsed.precision}
        return value

    @model_validator(mode="after")
    def _ordered(self) -> FuzzyDate:
        if self.end < self.start:
            raise ValueError(f"date range ends ({self.end}) before it starts ({self.start})")
        if not (day_in_range(self.start) and day_in_range(self.end)):
            raise ValueError(f"the date {self.canonical()} is out of range: use one {RANGE_TEXT}")
        return self

    @model_serializer(mode="plain")
    def _to_text(self) -> str:
        return self.canonical()

    # -- constructors -------------------------------------------------------------------
    @classmethod
    def day(cls, d: date) -> FuzzyDate:
        return cls.model_construct(start=d, end=d, precision=Precision.DAY)

    # -- views ----------------------------------------------------------------------------
    @property
    def sort_key(self) -> tuple[date, date]:
        return (self.start, self.end)

    def canonical(self) -> str:
        s, e, p = self.start, self.end, self.precision
        if p is Precision.DAY:
            return s.isoformat()
        if p is Precision.SPAN:
            return f"{s.isoformat()}..{e.isoformat()}"
        if p is Precision.WEEK:
            return f"week of {s.isoformat()}"
        if p is Precision.PART_OF_MONTH:
            part = {1: "early", 11: "mid", 21: "late"}[s.day]
            return f"{part} {s:%Y-%m}"
        if p is Precision.MONTH:
            return f"{s:%Y-%m}"
        if p is Precision.QUARTER:
            return f"{s.year}-Q{(s.month - 1) // 3 + 1}"
        return str(s.year)

    def label(self) -> str:
        """How a reader sees it: '9 Oct 2025', '10–11 May 2025', 'week of 25 Aug 2025'."""
        s, e, p = self.start, self.end, self.precision
        if p is Precision.DAY:
            return f"{s.day} {s:%b %Y}"
        if p is Precision.SPAN:
            if (s.year, s.month) == (e.year, e.month):
                return f"{s.day}–{e.day} {s:%b %Y}"
            if s.year == e.year:
                return f"{s.day} {s:%b} – {e.day} {e:%b %Y}"
            return f"{s.day} {s:%b %Y} – {e.day} {e:%b %Y}"
        if p is Precision.WEEK:
            return f"week of {s.day} {s:%b %Y}"
        if p is Precision.PART_OF_MONTH:
            part = {1: "early", 11: "mid", 21: "late"}[s.day]
            return f"{part} {s:%b %Y}"
        if p is Precision.MONTH:
            return f"{s:%b %Y}"
        if p is Precision.QUARTER:
            return f"Q{(s.month - 1) // 3 + 1} {s.year}"
        return str(s.year)

    def contains(self, d: date) -> bool:
        return self.start <= d <= self.end

    def overlaps(self, since: date | None, until: date | None) -> bool:
        """True when any day of this window lies within [since, until]."""
        if since is not None and self.end < since:
            return False
        return not (until is not None and self.start > until)


_ISO_DAY = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_ISO_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_QUARTER = re.compile(r"^(\d{4})-?Q([1-4])$", re.IGNORECASE)
_YEAR = re.compile(r"^(\d{4})$")


def _iso_day(text: str) -> date | None:
    m = _ISO_DAY.match(text)
    if not m:
        return None
    return _safe_date(int(m[1]), int(m[2]), int(m[3]), text)


def _in_range(parse: Callable[[str], FuzzyDate], text: str) -> FuzzyDate:
    """A parsed date, refused when it lies outside what the bot computes with."""
    try:
        out = parse(text)
    except OverflowError:
        out = None
    if out is None or not (day_in_range(out.start) and day_in_range(out.end)):
        raise DateParseError(f"'{quoted(text.strip())}' is out of range; use a date {RANGE_TEXT}")
    return out


def parse_canonical(text: str) -> FuzzyDate:
    """Parse the canonical forms listed in the module docstring (strict), within the range
    of bot.bounds."""
    return _in_range(_parse_canonical, text)


def _parse_canonical(text: str) -> FuzzyDate:
    raw = text
    text = " ".join(text.strip().split())
    if not text:
        raise DateParseError(f"empty date; {_HELP}")
    lower = text.lower()
    if ".." in text:
        left, _, right = text.partition("..")
        s, e = _iso_day(left.strip()), _iso_day(right.strip())
        if s is None or e is None:
            raise DateParseError(f"'{quoted(raw)}': a span is written 2025-05-10..2025-05-11")
        if e < s:
            raise DateParseError(f"'{quoted(raw)}': the span ends before it starts")
        if s == e:
            return FuzzyDate.day(s)
        return FuzzyDate.model_construct(start=s, end=e, precision=Precision.SPAN)
    if lower.startswith("week of "):
        s = _iso_day(text[8:].strip())
        if s is None:
            raise DateParseError(f"'{quoted(raw)}': a week is written 'week of 2025-08-25'")
        return FuzzyDate.model_construct(
            start=s, end=s + timedelta(days=6), precision=Precision.WEEK
        )
    for part, (first, last) in _PARTS.items():
        if lower.startswith(part + " "):
            m = _ISO_MONTH.match(text[len(part) + 1 :].strip())
            if not m:
                raise DateParseError(
                    f"'{quoted(raw)}': part of a month is written '{part} 2025-11'"
                )
            year, month = int(m[1]), int(m[2])
            if not 1 <= month <= 12:
                raise DateParseError(f"'{quoted(raw)}': month {month} does not exist")
            end = min(_month_end(year, month), date(year, month, 1) + timedelta(days=last - 1))
            return FuzzyDate.model_construct(
                start=date(year, month, first), end=end, precision=Precision.PART_OF_MONTH
            )
    d = _iso_day(text)
    if d is not None:
        return FuzzyDate.day(d)
    m = _ISO_MONTH.match(text)
    if m:
        year, month = int(m[1]), int(m[2])
        if not 1 <= month <= 12:
            raise DateParseError(f"'{quoted(raw)}': month {month} does not exist")
        return FuzzyDate.model_construct(
            start=date(year, month, 1), end=_month_end(year, month), precision=Precision.MONTH
        )
    m = _QUARTER.match(text)
    if m:
        year, q = int(m[1]), int(m[2])
        first_month = 3 * (q - 1) + 1
        return FuzzyDate.model_construct(
            start=date(year, first_month, 1),
            end=_month_end(year, first_month + 2),
            precision=Precision.QUARTER,
        )
    m = _YEAR.match(text)
    if m:
        year = int(m[1])
        return FuzzyDate.model_construct(
            start=date(year, 1, 1), end=date(year, 12, 31), precision=Precision.YEAR
        )
    raise DateParseError(f"'{quoted(raw)}' is not a date I can read; {_HELP}")


_WORD = re.compile(r"[a-z]+|\d+")


def parse_user_date(text: str) -> FuzzyDate:
    """Parse a date the way people type it, or raise DateParseError with a short hint.

    Accepts the canonical forms and: '9 Oct 2025', 'Oct 9, 2025', 'October 9 2025',
    'Oct 2025', '2025/10/09', '9/10/2025' is refused as ambiguous (day/month order).
    """
    return _in_range(_parse_user_date, text)


_SPAN_SPLIT = re.compile(r"^(?P<a>.+?)\s*(?:–|—|-|\bto\b|\buntil\b)\s*(?P<b>.+)$")
_QUARTER_TYPED = re.compile(r"^Q([1-4])\s+(\d{4})$", re.IGNORECASE)
_LABELLED = re.compile(r"^(early|mid|late|week of)\s+(.+)$", re.IGNORECASE)


def _typed_span(cleaned: str) -> FuzzyDate | None:
    """A span as the bot prints one: '24–25 Nov 2026', '31 Oct – 1 Nov 2025',
    '30 Dec 2025 – 2 Jan 2026' (and the same with a hyphen or 'to')."""
    m = _SPAN_SPLIT.match(cleaned)
    if not m:
        return None
    try:
        end = _parse_user_date(m["b"])
    except DateParseError:
        return None
    if end.precision is not Precision.DAY:
        return None
    left = m["a"].strip()
    try:
        if left.isdigit():
            start = _safe_date(end.start.year, end.start.month, int(left), cleaned)
        else:
            words = left if re.search(r"\d{4}", left) else f"{left} {end.start.year}"
            first = _parse_user_date(words)
            if first.precision is not Precision.DAY:
                return None
            start = first.start
    except DateParseError:
        return None
    if start > end.start:
        raise DateParseError(f"'{quoted(cleaned)}': the span ends before it starts")
    if start == end.start:
        return FuzzyDate.day(start)
    return FuzzyDate.model_construct(start=start, end=end.start, precision=Precision.SPAN)


def _parse_user_date(text: str) -> FuzzyDate:
    cleaned = " ".join(text.strip().split())
    if not cleaned:
        raise DateParseError(f"empty date; {_HELP}")
    try:
        return _parse_canonical(cleaned.replace("/", "-"))
    except DateParseError:
        pass
    q = _QUARTER_TYPED.match(cleaned)
    if q:
        return _parse_canonical(f"{q[2]}-Q{q[1]}")
    labelled = _LABELLED.match(cleaned)
    if labelled:  # 'week of 25 Aug 2025', 'mid Oct 2025': as the bot prints them
        inner = _parse_user_date(labelled[2])
        part = labelled[1].lower()
        if part == "week of" and inner.precision is Precision.DAY:
            return _parse_canonical(f"week of {inner.start.isoformat()}")
        if part != "week of" and inner.precision is Precision.MONTH:
            return _parse_canonical(f"{part} {inner.start:%Y-%m}")
    span = _typed_span(cleaned)
    if span is not None:
        return span
    lower = cleaned.lower().replace(",", " ").replace(".", " ")
    tokens = _WORD.findall(lower)
    months = [t for t in tokens if t in _MONTHS]
    numbers = [t for t in tokens if t.isdigit()]
    others = [t for t in tokens if not t.isdigit() and t not in _MONTHS]
    # ordinal suffixes: 9th, 1st
    others = [t for t in others if t not in {"st", "nd", "rd", "th", "of", "the"}]
    if len(months) != 1 or others:
        raise DateParseError(f"'{quoted(text)}' is not a date I can read; {_HELP}")
    month = _MONTHS[months[0]]
    years = [n for n in numbers if len(n) == 4]
    days = [n for n in numbers if len(n) <= 2]
    if len(years) != 1 or len(days) > 1 or len(years) + len(days) != len(numbers):
        raise DateParseError(f"'{quoted(text)}' needs a four-digit year; {_HELP}")
    year = int(years[0])
    if days:
        return FuzzyDate.day(_safe_date(year, month, int(days[0]), text))
    return FuzzyDate.model_construct(
        start=date(year, month, 1), end=_month_end(year, month), precision=Precision.MONTH
    )
