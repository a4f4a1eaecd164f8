"""Dates with their precision, and dates as people type them."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.curated import Dataset
from bot.dates import DateParseError, FuzzyDate, Precision, parse_canonical, parse_user_date


@pytest.mark.parametrize(
    ("text", "start", "end", "precision", "label"),
    [
        ("2025-10-09", date(2025, 10, 9), date(2025, 10, 9), Precision.DAY, "9 Oct 2025"),
        (
            "2025-05-10..2025-05-11",
            date(2025, 5, 10),
            date(2025, 5, 11),
            Precision.SPAN,
            "10–11 May 2025",
        ),
        (
            "2025-10-31..2025-11-01",
            date(2025, 10, 31),
            date(2025, 11, 1),
            Precision.SPAN,
            "31 Oct – 1 Nov 2025",
        ),
        (
            "week of 2025-08-25",
            date(2025, 8, 25),
            date(2025, 8, 31),
            Precision.WEEK,
            "week of 25 Aug 2025",
        ),
        (
            "early 2025-11",
            date(2025, 11, 1),
            date(2025, 11, 10),
            Precision.PART_OF_MONTH,
            "early Nov 2025",
        ),
        (
            "late 2025-02",
            date(2025, 2, 21),
            date(2025, 2, 28),
            Precision.PART_OF_MONTH,
            "late Feb 2025",
        ),
        ("2025-08", date(2025, 8, 1), date(2025, 8, 31), Precision.MONTH, "Aug 2025"),
        ("2025-Q3", date(2025, 7, 1), date(2025, 9, 30), Precision.QUARTER, "Q3 2025"),
        ("2025", date(2025, 1, 1), date(2025, 12, 31), Precision.YEAR, "2025"),
    ],
)
def test_canonical_forms(
    text: str, start: date, end: date, precision: Precision, label: str
) -> None:
    fd = parse_canonical(text)
    assert (fd.start, fd.end, fd.precision, fd.label()) == (start, end, precision, label)
    assert parse_canonical(fd.canonical()) == fd
    assert FuzzyDate.model_validate(text) == fd
    assert FuzzyDate.model_validate(fd.model_dump()) == fd


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("9 Oct 2025", "2025-10-09"),
        ("Oct 9, 2025", "2025-10-09"),
        ("October 9th 2025", "2025-10-09"),
        ("2025/10/09", "2025-10-09"),
        ("Oct 2025", "2025-10"),
        ("  september 2025 ", "2025-09"),
        ("2025-10", "2025-10"),
    ],
)
def test_dates_as_people_type_them(text: str, expected: str) -> None:
    assert parse_user_date(text).canonical() == expected


@pytest.mark.parametrize(
    "text", ["", "2025-02-30", "9/10/2025", "tomorrow", "Oct 9", "31 Feb 2025", "2025-13"]
)
def test_bad_dates_get_a_hint(text: str) -> None:
    with pytest.raises(DateParseError) as info:
        parse_user_date(text)
    assert (
        "2025-10-09" in str(info.value)
        or "not a real date" in str(info.value)
        or "month" in str(info.value)
    )


def test_vague_dates_sort_at_the_start_of_their_window() -> None:
    dates = [
        parse_canonical(t) for t in ("2025-08-25", "week of 2025-08-25", "2025-08", "mid 2025-08")
    ]
    ordered = sorted(dates, key=lambda d: d.sort_key)
    assert [d.canonical() for d in ordered] == [
        "2025-08",
        "mid 2025-08",
        "2025-08-25",
        "week of 2025-08-25",
    ]


def test_overlap_filters_windows() -> None:
    october = parse_canonical("mid 2025-10")
    assert october.overlaps(date(2025, 10, 15), None)
    assert not october.overlaps(date(2025, 10, 21), None)
    assert not october.overlaps(None, date(2025, 10, 10))


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31)))
def test_any_day_round_trips(day: date) -> None:
    fd = FuzzyDate.day(day)
    assert parse_canonical(fd.canonical()) == fd
    assert parse_user_date(f"{day.day} {day:%b %Y}") == fd


def test_every_date_the_bot_prints_can_be_typed_back(dataset: Dataset) -> None:
    """Each event's and person's post date as readers see it ('24–25 Nov 2026', '31 Oct –
    1 Nov 2025', 'week of 25 Aug 2025', 'mid Oct 2025', 'Q4 2025') reads back as itself."""
    dates = [e.date for e in dataset.events]
    dates += [d for p in dataset.people for post in p.posts for d in (post.start, post.end) if d]
    dates += [
        parse_canonical(t)
        for t in (
            "2026-11-24..2026-11-25",
            "2025-10-31..2025-11-01",
            "2025-12-30..2026-01-02",
            "2025-Q4",
            "2025",
            "week of 2025-08-25",
            "late 2026-11",
        )
    ]
    for d in dates:
        assert parse_user_date(d.label()) == d, d.label()
    assert parse_user_date("24-25 Nov 2026") == parse_canonical("2026-11-24..2026-11-25")
