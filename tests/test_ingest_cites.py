"""The ingest engine's citations, and what is no fact of its own: a recorded fact restated
with its own date cites the record item it restates, on the right side and of the right kind;
a reaction to the news is not news."""

from __future__ import annotations

from bot.ingest import RecordView
from tests.ingest_helpers import run


def test_a_layers_start_told_as_an_act_cites_the_recorded_act_too(view: RecordView) -> None:
    result = run(
        view,
        "Washington put a 10% tariff on all Chinese goods over the drug on Feb. 4, 2025.",
    )
    assert sorted(p.matches or "" for p in result.proposals if p.kind == "source-only") == [
        "us-cn-fentanyl-10",
        "us-fentanyl-tariff-10",
    ]


def test_bullets_under_chinas_countermeasures_cite_chinas_lists(view: RecordView) -> None:
    result = run(
        view,
        "The exclusions apply only to the countermeasure tariffs of 2018 and 2019:\n\n"
        "- List 1 (545 items at 25%), in force since 6 July 2018;\n\n"
        "- List 2 (333 items at 25%), in force since 23 August 2018;",
    )
    assert [p.matches for p in result.proposals if p.kind == "source-only"] == [
        "cn-us-301-retaliation-list1-25",
        "cn-us-301-retaliation-list2-25",
    ]


def test_a_layer_said_as_levied_since_cites_the_layer_alone(view: RecordView) -> None:
    result = run(
        view, "The 10 percent tariff on these products has been levied since February 2025."
    )
    assert "us-fentanyl-tariff-10" not in [p.matches for p in result.proposals]


def test_a_dated_act_and_what_came_the_next_day_cite_both_recorded_events(
    view: RecordView,
) -> None:
    result = run(
        view,
        "On October 9, 2025, Beijing widened its export controls on rare earths, and the next "
        "day Trump threatened an extra 100% tariff on all Chinese goods.",
    )
    cited = {p.matches for p in result.proposals if p.kind == "source-only"}
    assert {"rare-earth-controls", "trump-100-threat"} <= cited
    assert "tariff" not in [p.kind for p in result.proposals]


def test_a_rate_on_these_products_is_on_the_side_said_before(view: RecordView) -> None:
    result = run(
        view,
        "The additional tariff on crude oil and agricultural machinery originating in the "
        "United States will be lowered from 10% to 5% on Jan. 1.\n\n"
        "The commission said the step followed the talks in Washington.\n\n"
        "The 10 percent tariff on these products has been levied since February 2025.",
    )
    assert "us-cn-fentanyl-10" not in [p.matches for p in result.proposals]
    assert ("source-only", "cn-us-energy-10") in [(p.kind, p.matches) for p in result.proposals]


def test_a_reaction_to_the_news_is_not_an_event_of_its_own(view: RecordView) -> None:
    result = run(
        view,
        "House Ways and Means Committee Chairman Jason Smith welcomed the exclusions in a "
        "statement on Wednesday.",
    )
    assert [p.kind for p in result.proposals] == ["person"]
    assert [p.kind for p in result.held_back] == ["event"]


def test_saying_on_a_day_what_will_come_is_no_event(view: RecordView) -> None:
    result = run(
        view,
        "Treasury Secretary Scott Bessent said on Sunday that a short extension of the truce "
        "would be possible.",
    )
    assert "event" not in [p.kind for p in result.proposals]


def test_a_piece_telling_the_past_dates_its_yearless_days_in_the_story_year(
    view: RecordView,
) -> None:
    result = run(
        view,
        "In February 2025, Washington put a 10% fentanyl tariff on all Chinese goods. The "
        "fentanyl rate doubled to 20% on March 4.\n\nThis week Li Chenggang met Greer's "
        "deputies, and on Nov. 10 China's farm tariffs came off.",
    )
    cited = {(p.matches, p.date) for p in result.proposals if p.kind == "source-only"}
    assert ("us-fentanyl-tariff-20", "2025-03-04") in cited
    # back in the news, a yearless day of the last weeks is this year's
    assert all(not (p.date or "").startswith("2025-11") for p in result.proposals)


def test_a_rate_that_applies_to_american_goods_is_chinas(view: RecordView) -> None:
    result = run(
        view,
        "The underlying 10% tariff, in force since 14 May 2025, continues to apply to all other "
        "U.S. beef products.",
    )
    assert [p.matches for p in result.proposals] == ["cn-us-retaliation-10"]
