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
