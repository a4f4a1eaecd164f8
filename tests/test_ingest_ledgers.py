"""The ingest engine on the page furniture of newsletters and notices: a ledger's side
headings, a calendar's dated lines and the bullets under them."""

from __future__ import annotations

from bot.ingest import RecordView
from tests.ingest_helpers import run


def test_a_ledgers_side_headings_give_its_bullets_their_direction(view: RecordView) -> None:
    result = run(
        view,
        "THE LEDGER\n\nChina on U.S.\n\n- In force since Tuesday: 5% on pork.\n\n"
        "U.S. on China\n\n- Threatened: 50% on circuit boards (Trump, Nov. 23), with no date; "
        "comments in Commerce's circuit-board probe close Dec. 21.",
    )
    got = sorted((p.kind, p.date, p.imposer, p.target, p.rate, p.status) for p in result.proposals)
    assert got == [
        ("milestone", "2026-12-21", None, None, None, None),
        ("tariff", "2026-11-23", "US", "CN", 50.0, "threatened"),
        ("tariff", "2026-11-24", "CN", "US", 5.0, "in_force"),
    ]


def test_a_calendar_line_of_two_rates_gives_each_the_lines_day(view: RecordView) -> None:
    result = run(
        view,
        "Dec. 15: the U.S. forced-labor duty on Chinese goods drops to 10% from 12.5%, and "
        "China's coal and LNG rate drops to 5% from 15%.",
    )
    assert sorted((p.kind, p.matches, p.date) for p in result.proposals) == [
        ("update", "cn-us-energy-15", "2026-12-15"),
        ("update", "us-cn-forced-labor-301", "2026-12-15"),
    ]


def test_a_calendar_line_of_a_call_ahead_is_a_milestone(view: RecordView) -> None:
    result = run(view, "Tuesday: the U.S. and Chinese working teams hold a video call.")
    assert [(p.kind, p.date) for p in result.proposals] == [("milestone", "2026-12-01")]


def test_a_law_firms_calendar_and_announcement_lines(view: RecordView) -> None:
    result = run(
        view,
        "On Monday, November 23, 2026, China's Customs Tariff Commission issued Announcement "
        "No. 15 of 2026, under which U.S.-origin ethane declared on or after January 1, 2027 "
        "will no longer pay China's 10% additional tariff on U.S. goods.\n\n"
        "The Court of International Trade hears argument on December 17.\n\n"
        "- December 21, 2026: USTR's exclusion of 27 Chinese medical tariff lines from the "
        "Section 301 tariffs takes effect.",
    )
    got = sorted((p.kind, p.date, p.imposer, p.rate) for p in result.proposals)
    assert got == [
        ("milestone", "2026-12-17", None, None),
        ("tariff", "2026-12-21", "US", 0.0),
        ("tariff", "2027-01-01", "CN", 0.0),
    ]


def test_a_calendar_day_is_the_new_end_of_what_its_line_says_was_extended(
    view: RecordView,
) -> None:
    result = run(
        view,
        "- May 10, 2027: USTR's suspension of the 100% tariff on Chinese ship-to-shore cranes, "
        "extended on Nov. 20, runs out.",
    )
    updates = [(p.matches, p.date) for p in result.proposals if p.kind == "update"]
    assert updates == [("us-cn-301-maritime-cranes-100", "2026-11-20")]
    assert [p.date for p in result.proposals if p.kind == "milestone"] == ["2027-05-10"]


def test_the_same_day_dates_each_rated_clause(view: RecordView) -> None:
    result = run(
        view,
        "Tuesday: the working teams hold their video call. The same day, 184 more categories "
        "of steel derivatives start paying the 25% Section 232 rate, and cash deposits of "
        "74.18% begin on Chinese solar cover glass.",
    )
    tariffs = sorted((p.rate, p.date) for p in result.proposals if p.kind == "tariff")
    assert tariffs == [(25.0, "2026-12-01"), (74.18, "2026-12-01")]
    assert not result.conflicts


def test_goods_exempt_from_chinas_tariff_pay_zero(view: RecordView) -> None:
    result = run(
        view,
        "Just in: the Customs Tariff Commission says U.S. ethane will be exempt from China's 10% "
        "additional tariff on U.S. goods for cargoes declared from Jan. 1.",
    )
    got = [(p.imposer, p.target, p.rate, p.date) for p in result.proposals if p.kind == "tariff"]
    assert got == [("CN", "US", 0.0, "2027-01-01")]
