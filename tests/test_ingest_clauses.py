"""The ingest engine on sentences that carry two tariff facts: a rate said in words ("to
zero") beside one in figures, a clause dated by the one before ("from the same day"), and an
exemption from a rate (a rate of zero for the goods it names, on whichever side it names)."""

from __future__ import annotations

from bot.ingest import RecordView
from tests.ingest_helpers import run


def _tariffs(view: RecordView, body: str) -> list[tuple[str | None, float | None, str | None]]:
    result = run(view, body)
    return sorted(
        (p.date, p.rate, f"{p.imposer}->{p.target} {p.status}")
        for p in result.proposals
        if p.kind == "tariff"
    )


def test_a_rate_in_force_beside_a_rate_to_zero_ahead_gives_two_layers(view: RecordView) -> None:
    got = _tariffs(
        view,
        "The lower additional tariff of 5 percent on U.S. pork has been in effect since Nov. 24, "
        "and the additional tariff on U.S. sorghum will be lowered to zero next Thursday.",
    )
    assert got == [("2026-11-24", 5.0, "CN->US in_force"), ("2026-12-03", 0.0, "CN->US announced")]


def test_goods_excluded_from_the_same_day_as_a_cut_before_them(view: RecordView) -> None:
    result = run(
        view,
        "Earlier this week, China announced that the additional tariff on U.S. coal and "
        "liquefied natural gas will be lowered to 5 percent from 15 percent from Dec. 15, and "
        "that 12 categories of U.S. goods will be excluded from the 10 percent additional "
        "tariff from the same day.",
    )
    got = [(p.kind, p.date, p.rate, p.imposer, p.target) for p in result.proposals]
    assert ("tariff", "2026-12-15", 0.0, "CN", "US") in got
    assert [p.change.new for p in result.proposals if p.change is not None] == ["5%"]


def test_an_exemption_from_a_hyphenated_rate_is_a_rate_of_zero(view: RecordView) -> None:
    got = _tariffs(
        view,
        "The Customs Tariff Commission said on Tuesday that alfalfa hay originating in the "
        "United States will be exempt from the additional 10-percent tariff for goods declared "
        "from Dec. 21.",
    )
    assert got == [("2026-12-21", 0.0, "CN->US announced")]


def test_a_sides_goods_as_the_subject_are_the_target(view: RecordView) -> None:
    got = _tariffs(
        view,
        "Monday, Dec. 21: U.S. alfalfa and timothy hay come off China's 10% tariff.\n\n"
        "- U.S. sorghum declared from today pays no additional tariff, under the Commission's "
        "decision.",
    )
    assert got == [("2026-11-26", 0.0, "CN->US in_force"), ("2026-12-21", 0.0, "CN->US announced")]


def test_an_exemption_in_force_beside_one_ahead_gives_two_layers(view: RecordView) -> None:
    got = _tariffs(
        view,
        "U.S. sorghum has been exempt from the additional tariff since Nov. 20, and U.S. "
        "alfalfa hay and timothy hay will be exempt from Dec. 21.",
    )
    assert got == [("2026-11-20", 0.0, "CN->US in_force"), ("2026-12-21", 0.0, "CN->US announced")]


def test_a_ledgers_line_for_some_goods_takes_the_side_said_before(view: RecordView) -> None:
    got = _tariffs(
        view,
        "China's Customs Tariff Commission said U.S. soybeans will be exempt from its 10% "
        "tariff from Jan. 1.\n\nSorghum: no additional tariff since Nov. 20.",
    )
    assert got == [("2026-11-20", 0.0, "CN->US in_force"), ("2027-01-01", 0.0, "CN->US announced")]


def test_a_rate_that_falls_on_a_weekday_falls_on_the_coming_one(view: RecordView) -> None:
    result = run(view, "China's tariff on U.S. pork falls to 5% from 10% on Tuesday.")
    assert [(p.date, p.rate) for p in result.proposals if p.kind == "tariff"] == [
        ("2026-12-01", 5.0)
    ]


def test_whose_goods_are_exempt_says_whose_tariff_it_is(view: RecordView) -> None:
    said = "Trump met Li Qiang, and Beijing said US soybeans will be exempt from its 10% tariff "
    assert _tariffs(view, f"{said}from Jan. 1.") == [("2027-01-01", 0.0, "CN->US announced")]
    told = "Li Qiang told Trump that China would exempt American beef from its 10% tariff "
    assert _tariffs(view, f"{told}from Jan. 1.") == [("2027-01-01", 0.0, "CN->US announced")]
    entered = (
        "Texas Gulf sorghum bids were unchanged; U.S. sorghum has entered China free of "
        "additional tariff since Nov. 20."
    )
    assert _tariffs(view, entered) == [("2026-11-20", 0.0, "CN->US in_force")]
    calendar = (
        "China's Customs Tariff Commission exempted U.S. cotton from its 10% tariff from Dec. 28."
        "\n\n21 December: alfalfa hay and timothy hay come off the 10% additional tariff."
    )
    assert _tariffs(view, calendar) == [
        ("2026-12-21", 0.0, "CN->US announced"),
        ("2026-12-28", 0.0, "CN->US announced"),
    ]


def test_a_clause_on_the_day_of_the_one_before_is_a_fact_of_its_own(view: RecordView) -> None:
    result = run(
        view,
        "Washington's forced-labour duty on Chinese goods has applied since 24 July. It falls to "
        "10% from 12.5% on Tuesday, the day China's tariff on US coal and LNG falls to 5% from "
        "15%.",
    )
    moved = sorted((p.matches, p.date) for p in result.proposals if p.change is not None)
    assert moved == [("cn-us-energy-15", "2026-12-01"), ("us-cn-forced-labor-301", "2026-12-01")]


def test_goods_entered_on_or_after_a_time_today_date_the_rate(view: RecordView) -> None:
    result = run(
        view,
        "The Section 301 forced-labor duty on products of China fell to 10% from 12.5% for goods "
        "entered on or after 12:01 a.m. today.",
    )
    assert [(p.matches, p.date) for p in result.proposals] == [
        ("us-cn-forced-labor-301", "2026-11-26")
    ]
