"""How the ingest engine dates what a sentence says: weekdays as news writes them, a month
without its year, the tense around a date and dates said against the sentence before."""

from __future__ import annotations

import pytest

from bot.ingest import RecordView
from tests.ingest_helpers import THURSDAY, run


def test_a_month_without_a_year_in_the_past_tense_is_this_years(view: RecordView) -> None:
    result = run(
        view, "The two sides agreed in principle in May on a framework for reciprocal tariff cuts."
    )
    assert [p.date for p in result.proposals] == ["2026-05"]


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("Li holds talks in Washington on Tuesday and Wednesday.", ["2026-12-01..2026-12-02"]),
        ("They met on Monday and Tuesday in London.", ["2026-11-23..2026-11-24"]),
        ("Tue-Wed Dec. 1-2: Li's team in Washington.", ["2026-12-01..2026-12-02"]),
        ("On Friday Beijing said Li Qiang would attend the G20.", ["2026-11-20"]),
        ("On Tuesday Li meets Greer's deputies.", ["2026-12-01"]),
        ("On Tuesday Li met Greer's deputies.", ["2026-11-24"]),
        ("Beijing dropped those duties on Nov. 10 last year.", ["2025-11-10"]),
        ("The round opens on Jan. 13 next year.", ["2027-01-13"]),
        ("Consultations will be held in Geneva on Jan. 13 and 14.", ["2027-01-13..2027-01-14"]),
        ("He was named trade representative in mid-April last year.", ["mid 2025-04"]),
        # a week-ahead calendar's lines
        ("Tuesday: the working teams hold a video call.", ["2026-12-01"]),
        ("Monday: Li met Greer's deputies.", ["2026-11-23"]),
        ("Greer testifies before the Senate Finance Committee on Wednesday.", ["2026-12-02"]),
        ("Deposits start on Friday.", ["2026-11-27"]),
        ("Its extra tariff on U.S. sorghum goes to zero on Monday.", ["2026-11-30"]),
        ("The tariff Trump had threatened to start on Saturday was dropped.", ["2026-11-21"]),
        # the year said after what it dates; a year back from this month or week
        ("The Oct. 30 meeting in Busan last year set the terms.", ["2025-10-30"]),
        ("A year ago this month, Trump put off the rises.", ["2025-11"]),
        # a weekday of a named week
        ("Drafts are due by Friday of next week.", ["2026-12-04"]),
        ("They spoke on Tuesday of this week.", ["2026-11-24"]),
        # the clock of an act of the day, done; not a rate "began at 10%"
        ("The two ministers ended their video call at 21:50.", ["2026-11-26"]),
        ("List 3 began at 10% in September 2018.", ["2018-09"]),
        # a weekday before the day it names, British style
        ("Wednesday 2 December: the first expert-level meeting.", ["2026-12-02"]),
        ("Monday 11 and Tuesday 12 January: the teams meet.", ["2027-01-11..2027-01-12"]),
    ],
)
def test_weekdays_read_as_news_writes_them(sentence: str, expected: list[str]) -> None:
    from bot.ingest import find_dates

    assert [f.when.canonical() for f in find_dates(sentence, THURSDAY)] == expected


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        # reported speech in the past perfect is the news, dated by its own phrase
        (
            "Beijing said earlier in the day that the ministry had ended its anti-dumping "
            "probe into U.S. analog chips.",
            ("event", "2026-11-26"),
        ),
        # done, though it takes effect today: not a milestone
        (
            "Spokesperson Wang Lin says the ministry has terminated its anti-dumping "
            "investigation into U.S. analog chips, effective today.",
            ("event", "2026-11-26"),
        ),
        (
            "On Monday last week the Commerce Department opened a Section 232 probe.",
            ("event", "2026-11-16"),
        ),
    ],
)
def test_the_news_of_a_sentence_is_dated_by_its_own_tense_and_phrase(
    view: RecordView, body: str, expected: tuple[str, str]
) -> None:
    result = run(view, body)
    assert expected in [(p.kind, p.date) for p in result.proposals]
    assert "milestone" not in [p.kind for p in result.proposals]


def test_a_measure_announced_for_a_day_ahead_is_an_event_and_a_milestone(
    view: RecordView,
) -> None:
    result = run(
        view,
        "China will require export licences for nine more chemicals used to make fentanyl "
        "when they are shipped to the United States, starting Jan. 1, the Ministry of Public "
        "Security said on Wednesday.",
    )
    assert sorted((p.kind, p.date) for p in result.proposals) == [
        ("event", "2026-11-25"),
        ("milestone", "2027-01-01"),
    ]


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # written on 4 Dec 2026: the day of a past act is this year's, months back
        ("Customs stopped collecting them on February 24.", ["2026-02-24"]),
        # where a past act led, or a deadline's day, is ahead
        ("The terms agreed after the Busan summit expire on Jan. 10.", ["2027-01-10"]),
        ("On Sept. 28 they extended the terms to Jan. 10.", ["2026-09-28", "2027-01-10"]),
        ("USTR expects the notice to be published on December 9.", ["2026-12-09"]),
        # a past act's day is never weeks ahead
        ("The first emergency tariff took effect on Jan. 20.", ["2026-01-20"]),
        ("The crane tariff remains suspended until May 10.", ["2027-05-10"]),
    ],
)
def test_the_day_of_a_past_act_is_months_back_not_ahead(sentence: str, expected: list[str]) -> None:
    from datetime import date

    from bot.ingest import find_dates

    assert [f.when.canonical() for f in find_dates(sentence, date(2026, 12, 4))] == expected


def test_a_duty_imposed_from_a_weekday_starts_on_the_coming_one(view: RecordView) -> None:
    result = run(
        view,
        "China imposed final anti-dumping duties of 43.6% on U.S. nylon 66 chips from Saturday.",
    )
    assert [(p.kind, p.date) for p in result.proposals] == [("tariff", "2026-11-28")]
    since = run(view, "China's lower 5% tariff on U.S. pork has applied since Tuesday.")
    assert [p.status for p in since.proposals if p.kind == "tariff"] == ["in_force"]


def test_a_meeting_ahead_to_prepare_another_gives_two_milestones(view: RecordView) -> None:
    result = run(
        view,
        "The working teams will hold a video call on Tuesday to prepare for the new round of "
        "consultations in Geneva on Jan. 13 and 14.",
    )
    assert sorted((p.kind, p.date) for p in result.proposals) == [
        ("milestone", "2026-12-01"),
        ("milestone", "2027-01-13..2027-01-14"),
    ]


def test_two_acts_of_one_day_sharing_only_a_loose_word_stay_two(view: RecordView) -> None:
    result = run(
        view,
        "The two sides' working teams held a video call on Tuesday, with Li Chenggang leading "
        "Beijing's side.\n\nOn the farm side, COFCO bought about 460,000 tonnes of U.S. sorghum "
        "on Tuesday, exporters said.",
    )
    events = [p for p in [*result.proposals, *result.held_back] if p.kind == "event"]
    assert len(events) == 2
    told = run(
        view, "Greer told the Senate Finance Committee on Thursday that talks were on track."
    )
    assert [p.kind for p in told.proposals] == ["event"]


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        # two dates ahead, each in a clause of its own: two milestones, however close
        (
            "The teams agreed to swap draft early-harvest lists by Friday of next week and to "
            "speak again by video on Tuesday, Dec. 8.",
            [("milestone", "2026-12-04"), ("milestone", "2026-12-08")],
        ),
        (
            "Greer said no decision had been taken on whether to extend the truce terms that "
            "expire on Jan. 10, and that he would join Treasury Secretary Scott Bessent in "
            "Geneva for the round on Jan. 13-14.",
            [("milestone", "2027-01-10"), ("milestone", "2027-01-13..2027-01-14")],
        ),
        # a named instrument's end, with no one to act: a deadline of its own
        ("The Busan terms expire on 10 January.", [("milestone", "2027-01-10")]),
        # the working teams stand for their people
        ("The working teams will speak by video again on Dec. 8.", [("milestone", "2026-12-08")]),
        # a calendar's line for a day ahead is what is due that day
        (
            "- Friday 4 December: USTR and MOFCOM exchange draft early-harvest lists.",
            [("milestone", "2026-12-04")],
        ),
    ],
)
def test_what_is_ahead_in_a_clause_of_its_own_is_a_milestone(
    view: RecordView, body: str, expected: list[tuple[str, str]]
) -> None:
    result = run(view, body)
    assert sorted((p.kind, p.date) for p in result.proposals if p.kind != "person") == expected
