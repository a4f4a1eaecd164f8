"""The ingest engine on trade-remedy rates (anti-dumping and countervailing duties): a rate
set on one day, its cash deposits from another, often said a sentence later, and what the
procedure makes due."""

from __future__ import annotations

from bot.ingest import RecordView
from tests.ingest_helpers import run


def test_deposits_from_a_weekday_start_ahead(view: RecordView) -> None:
    result = run(
        view,
        "Commerce set a preliminary anti-dumping rate of 74.18% on Chinese solar glass on "
        "Wednesday, with deposits from Tuesday.",
    )
    assert [(p.kind, p.date, p.status) for p in result.proposals] == [
        ("tariff", "2026-12-01", "announced")
    ]


def test_deposits_collected_from_a_day_date_the_rate_said_before(view: RecordView) -> None:
    result = run(
        view,
        "Commerce has set preliminary anti-dumping duties of 68.32% on tungsten carbide inserts "
        "from China.\n\nCash deposits will be collected on entries from Dec. 10.",
    )
    assert [(p.kind, p.rate, p.date) for p in result.proposals] == [("tariff", 68.32, "2026-12-10")]


def test_importers_posting_deposits_from_a_day_date_the_rate(view: RecordView) -> None:
    result = run(
        view,
        "Commerce on Monday set preliminary countervailing duties of 27.64% on lithium "
        "hexafluorophosphate from China. Importers will post cash deposits from Friday.\n\n"
        "A final determination is scheduled for April 26, 2027.",
    )
    got = sorted((p.kind, p.date) for p in result.proposals)
    assert got == [("milestone", "2027-04-26"), ("tariff", "2026-11-27")]


def test_deposits_said_with_their_rate_are_a_tariff_in_force_from_today(view: RecordView) -> None:
    result = run(
        view,
        "Cash deposits of 68.32% on cemented tungsten carbide cutting inserts from China apply "
        "to entries from today, under the preliminary anti-dumping determination.\n\n"
        "Deposits of 27.64% on Chinese lithium hexafluorophosphate follow on Friday.",
    )
    assert sorted((p.rate, p.date, p.imposer, p.status) for p in result.proposals) == [
        (27.64, "2026-11-27", "US", "announced"),
        (68.32, "2026-11-26", "US", "in_force"),
    ]


def test_a_preliminary_rate_said_as_it_is_waits_for_its_deposits(view: RecordView) -> None:
    result = run(
        view,
        "Commerce's preliminary anti-dumping rate on cemented tungsten carbide cutting inserts "
        "from China is 68.32%. Cash deposits apply to entries made on or after today.",
    )
    assert [(p.kind, p.rate, p.date, p.status) for p in result.proposals] == [
        ("tariff", 68.32, "2026-11-26", "in_force")
    ]


def test_a_ledgers_line_of_a_trade_remedy_rate_is_a_tariff_in_force(view: RecordView) -> None:
    result = run(
        view,
        "U.S. trade remedies on Chinese goods:\n\n"
        "- Solar cover glass: 74.18% anti-dumping (preliminary), since 24 November.",
    )
    assert [(p.kind, p.rate, p.imposer, p.date, p.status) for p in result.proposals] == [
        ("tariff", 74.18, "US", "2026-11-24", "in_force")
    ]


def test_a_hearing_against_a_tariff_ahead_is_an_event_beside_it(view: RecordView) -> None:
    result = run(
        view,
        "The U.S. Court of International Trade heard argument on Wednesday on a request by "
        "drone importers to block the 25% U.S. tariff on drones before it takes effect on Jan. 1.",
    )
    assert sorted((p.kind, p.date) for p in result.proposals) == [
        ("event", "2026-11-25"),
        ("tariff", "2027-01-01"),
    ]
