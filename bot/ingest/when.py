"""Date expressions in news prose, resolved against the article's own day.

Pure: a sentence and the publication day *in the article's zone* in, the dates it states out,
each a `FuzzyDate` that keeps the precision the words give (a day, a span, a week, part of a
month, a month). Washington and Beijing can be a day apart, so the caller passes the local
day of the zone the article speaks in.

What is read, and how:

- explicit days: "October 9", "Oct. 9, 2025", "9 October", "on Aug 12" (dateparser reads
  the month and day; the year, when missing, is the one that puts the day nearest the
  article in the direction the sentence's tense points, as bot.ingest.lean reads it);
- spans: "from October 31 to November 1", "October 31-November 1", "10-11 May";
- weekdays: "on Monday", "Saturday morning": the latest such day up to the article's day,
  or the next one from it when the sentence speaks of the future ("will", "is set to", …);
  "last Monday" is the Monday of the week before (weeks run Monday to Sunday);
- "today", "tonight", "this evening", "yesterday", "tomorrow", "a week from tomorrow",
  "a week from today", "in 150 days", "in two weeks", "three days ago", "just days ago"
  (the six days before), "two weeks ago";
- weeks: "this week", "next week", "last week", "later this week" (the rest of the week);
- months and parts: "next month", "last month", "in August", "mid-August", "early
  November", "through early November", "August 2025";
- years: "earlier this year", "later this year", "last year", "next year".

Deliberately not read: bare numbers, clock times (but "the call ended at 9:45 a.m.": an act
of the day, done), "days later" (relative to something the sentence does not date).
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import dateparser

from bot.dates import FuzzyDate, Precision
from bot.ingest.lean import leans_future, past_act_day
from bot.ingest.phrases import (
    DATELINE,
    MONTHS,
    NUMBERS,
    PATTERNS,
    SUPERLATIVE,
    WEEKDAYS,
    weekday_index,
)


@dataclass(frozen=True)
class Found:
    """One date expression: the words, where they stand, and the window they name."""

    text: str
    start: int
    end: int
    when: FuzzyDate


def _month(text: str) -> int:
    return MONTHS[text.lower().rstrip(".")]


def _day(text: str) -> int:
    return int(re.sub(r"\D", "", text))


def _number(text: str) -> int | None:
    if text.isdigit():
        return int(text)
    return NUMBERS.get(text.lower())


def _fuzzy(start: date, end: date, precision: Precision) -> FuzzyDate:
    return FuzzyDate.model_construct(start=start, end=end, precision=precision)


def _week_of(d: date) -> FuzzyDate:
    monday = d - timedelta(days=d.weekday())
    return _fuzzy(monday, monday + timedelta(days=6), Precision.WEEK)


def _month_window(year: int, month: int) -> FuzzyDate:
    last = calendar.monthrange(year, month)[1]
    return _fuzzy(date(year, month, 1), date(year, month, last), Precision.MONTH)


def _nearest_year(
    month: int, day: int, today: date, future: bool, past: bool = False, ahead: int = 14
) -> date | None:
    """The year that puts (month, day) nearest `today`, leaning the way the tense points (all
    the way back when the date is the day of a past act: "stopped collecting them on
    February 24", written in December, is this February's, not next)."""
    options = []
    for year in (today.year - 1, today.year, today.year + 1):
        try:
            options.append(date(year, month, day))
        except ValueError:
            continue
    if not options:
        return None

    def cost(d: date) -> float:
        gap = (d - today).days
        wrong_way = (gap < -3) if future else (gap > 3)
        # the day of a past act can lie a few days ahead (a clock a day apart, a notice
        # "published on December 9" that is planned), never weeks
        return abs(gap) + (200 if wrong_way else 0) + (400 if past and gap > ahead else 0)

    return min(options, key=cost)


def _explicit(
    month: str, day: str, year: str | None, today: date, future: bool, past: bool = False
) -> date | None:
    m, d = _month(month), _day(day)
    if year:
        parsed = dateparser.parse(
            f"{d} {calendar.month_name[m]} {year}",
            languages=["en"],
            settings={"STRICT_PARSING": True},
        )
        return parsed.date() if isinstance(parsed, datetime) else None
    return _nearest_year(m, d, today, future, past)


def _resolve(
    kind: str, m: re.Match[str], today: date, future: bool, past: bool = False
) -> FuzzyDate | None:
    g = m.groupdict()
    if g.get("rel"):  # "on Nov. 10 last year": the year is said, against the article's
        g["year"] = str(today.year + {"last": -1, "this": 0, "next": 1}[g["rel"].lower()])
    if kind in ("span_md", "span_dm"):
        first = _explicit(g["m1"], g["d1"], g.get("year"), today, future, past)
        if first is None:
            return None
        second_month = _month(g.get("m2") or g["m1"])
        year = first.year + (1 if second_month < first.month else 0)
        try:
            second = date(year, second_month, _day(g["d2"]))
        except ValueError:
            return None
        if second <= first or (second - first).days > 31:
            return None
        return _fuzzy(first, second, Precision.SPAN)
    if kind in ("md", "dm"):
        d = _explicit(g["m1"], g["d1"], g.get("year"), today, future, past)
        return FuzzyDate.day(d) if d else None
    if kind == "part":
        month = _month(g["m1"])
        year = int(g["year"]) if g.get("year") else _year_for_month(month, today, future, past)
        lo, hi = {"early": (1, 10), "mid": (11, 20), "late": (21, 31)}[g["part"].lower()]
        last = calendar.monthrange(year, month)[1]
        return _fuzzy(
            date(year, month, lo), date(year, month, min(hi, last)), Precision.PART_OF_MONTH
        )
    if kind == "a_week_from":
        base = today + timedelta(days=1 if g["base"].lower() == "tomorrow" else 0)
        return FuzzyDate.day(base + timedelta(days=7))
    if kind == "in_days":
        n = _number(g["n"])
        return FuzzyDate.day(today + timedelta(days=n)) if n else None
    if kind == "days_ago":
        return _fuzzy(today - timedelta(days=6), today - timedelta(days=1), Precision.SPAN)
    if kind == "n_ago":
        n = _number(g["n"])
        if not n:
            return None
        if g["unit"].lower().startswith("week"):
            return _week_of(today - timedelta(weeks=n))
        return FuzzyDate.day(today - timedelta(days=n))
    if kind == "in_weeks":
        n = _number(g["n"])
        return _week_of(today + timedelta(weeks=n)) if n else None
    if kind == "week":
        which = g["which"].lower()
        if which == "later this":
            monday = today - timedelta(days=today.weekday())
            start, end = today + timedelta(days=1), monday + timedelta(days=6)
            return _fuzzy(start, end, Precision.SPAN) if start < end else FuzzyDate.day(end)
        shift = {"this": 0, "earlier this": 0, "next": 7, "last": -7}[which]
        return _week_of(today + timedelta(days=shift))
    if kind == "year_ago":
        if g["unit"].lower() == "week":
            return _week_of(today - timedelta(weeks=52))
        return _month_window(today.year - 1, today.month)
    if kind == "month_rel":
        shift = {"this": 0, "next": 1, "last": -1}[g["which"].lower()]
        index = today.year * 12 + today.month - 1 + shift
        return _month_window(index // 12, index % 12 + 1)
    if kind == "year_rel":
        which = g["which"].lower()
        year = today.year + {"next": 1, "last": -1}.get(which, 0)
        return _fuzzy(date(year, 1, 1), date(year, 12, 31), Precision.YEAR)
    if kind == "weekday_span":  # "on Tuesday and Wednesday": two days running, one side
        wd1, length = (
            weekday_index(g["wd"]),
            (weekday_index(g["wd2"]) - weekday_index(g["wd"])) % 7,
        )
        if length not in (1, 2, 3):
            return None
        if future:
            begin = today + timedelta(days=(wd1 - today.weekday()) % 7)
        else:
            begin = today - timedelta(days=(today.weekday() - wd1) % 7)
            if begin + timedelta(days=length) > today:
                begin -= timedelta(days=7)  # both days must lie up to the article's day
        return _fuzzy(begin, begin + timedelta(days=length), Precision.SPAN)
    if kind == "weekday_prev":
        target = WEEKDAYS.index((g.get("wd") or g["wd2"]).lower())
        shift = {"last": -7, "next": 7}.get((g["w"] or g["w2"]).split()[0].lower(), 0)
        monday = today - timedelta(days=today.weekday() - shift)
        return FuzzyDate.day(monday + timedelta(days=target))
    if kind == "weekday":
        target = WEEKDAYS.index(g["wd"].lower())
        if g.get("next"):  # "next Tuesday": the coming one, never today
            ahead = (target - today.weekday()) % 7 or 7
            return FuzzyDate.day(today + timedelta(days=ahead))
        if g.get("last"):  # "last Monday": the Monday of the week before (weeks run Mon-Sun)
            monday = today - timedelta(days=today.weekday() + 7)
            return FuzzyDate.day(monday + timedelta(days=target))
        if future:
            ahead = (target - today.weekday()) % 7
            return FuzzyDate.day(today + timedelta(days=ahead))
        back = (today.weekday() - target) % 7
        return FuzzyDate.day(today - timedelta(days=back))
    if kind in ("today", "just_now"):
        return FuzzyDate.day(today)
    if kind == "yesterday":
        return FuzzyDate.day(today - timedelta(days=1))
    if kind == "tomorrow":
        return FuzzyDate.day(today + timedelta(days=1))
    if kind in ("month", "month_year", "the_month"):
        month = _month(g["m1"])
        year = int(g["year"]) if g.get("year") else _year_for_month(month, today, future, past)
        return _month_window(year, month)
    return None


def _year_for_month(month: int, today: date, future: bool, past: bool = False) -> int:
    d = _nearest_year(month, 15, today, future, past, ahead=60)  # (a month: its middle)
    return d.year if d else today.year


_DAYS = frozenset({"md", "dm", "span_md", "span_dm", "part"})
_LAST_YEAR_AFTER = re.compile(r"\s+(?:[\w-]+\s+){1,4}?last year\b(?!')")
"""A year said after the thing dated ("the Oct. 30 meeting in Busan last year")."""


def _last_year(when: FuzzyDate, today: date) -> FuzzyDate:
    shift = today.year - 1 - when.start.year
    try:
        start = when.start.replace(year=when.start.year + shift)
        end = when.end.replace(year=when.end.year + shift)
    except ValueError:  # (29 February)
        return when
    return FuzzyDate(start=start, end=end, precision=when.precision)


def find_dates(sentence: str, today: date) -> list[Found]:
    """Every date expression in `sentence`, resolved against `today` (the article's own
    day in its zone), left to right; an expression inside a longer one is not repeated."""
    taken: list[tuple[int, int]] = []
    found: list[Found] = []
    for kind, pattern in PATTERNS:
        for m in pattern.finditer(sentence):
            if any(m.start() < e and s < m.end() for s, e in taken):
                continue
            if kind == "tomorrow" and re.search(r"a week from\s*$", sentence[: m.start()]):
                continue
            if kind in ("weekday", "weekday_span") and DATELINE.match(sentence, m.end()):
                continue  # "Thursday, October 30": the explicit day says it
            if kind in ("in_days", "in_weeks") and SUPERLATIVE.search(
                sentence[max(0, m.start() - 40) : m.start()]
            ):
                continue  # "its highest in five weeks": a span of the past, not a date
            future = leans_future(sentence, m.start())
            past = not future and past_act_day(sentence, m.start())
            when = _resolve(kind, m, today, future, past)
            if when is None:
                continue
            end = m.end()
            if kind in _DAYS and not m.groupdict().get("year") and not m.groupdict().get("rel"):
                said = _LAST_YEAR_AFTER.match(sentence, m.end())
                if said is not None:
                    when, end = _last_year(when, today), said.end()
            taken.append((m.start(), end))
            found.append(Found(m.group(0).strip(), m.start(), m.end(), when))
    found.sort(key=lambda f: f.start)
    return found
