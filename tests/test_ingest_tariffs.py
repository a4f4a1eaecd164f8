"""The ingest engine's reading of tariff statements: two facts in one sentence, a rate's
start given a sentence later, goods brought under a rate, a rate's direction from whose
makers it is set for, and a rate said as it stands checked against the goods' own layer."""

from __future__ import annotations

from datetime import date

from bot.ingest import RecordView
from tests.ingest_helpers import THURSDAY, run


def test_a_sentence_of_two_tariff_facts_gives_one_proposal_each(view: RecordView) -> None:
    result = run(
        view,
        "Beijing's lower 5% duty on U.S. pork took effect on Tuesday, and on Monday its tariff "
        "commission said it would lower the additional tariff on American sorghum to zero from "
        "Dec. 10.",
    )
    tariffs = sorted(
        (p.date, p.rate, p.imposer, p.target, p.status, p.title[:40])
        for p in result.proposals
        if p.kind == "tariff"
    )
    assert tariffs == [
        ("2026-11-24", 5.0, "CN", "US", "in_force", "Beijing's lower 5% duty on U.S. pork too"),
        ("2026-12-10", 0.0, "CN", "US", "announced", "On Monday its tariff commission said it "),
    ]
    assert not any(p.title.endswith(", and") for p in result.proposals)


def test_goods_brought_under_a_rate_are_a_new_layer_not_a_citation(view: RecordView) -> None:
    result = run(
        view,
        "Commerce is separately bringing 184 more steel and aluminum derivative products under "
        "its 25% derivatives rate from next Tuesday.",
    )
    [p] = result.proposals
    assert (p.kind, p.matches, p.rate, p.date, p.status) == (
        "tariff",
        None,
        25.0,
        "2026-12-01",
        "announced",
    )


def test_a_new_rate_takes_the_start_the_next_sentence_gives(view: RecordView) -> None:
    result = run(
        view,
        "On Tuesday, Commerce set a final anti-dumping rate of 92.46% on lithium iron phosphate "
        "cathode material from China. Cash deposits at that rate start next Monday, when the "
        "determination is published. The International Trade Commission votes on injury on "
        "Jan. 7.",
    )
    kinds = {p.kind: p for p in result.proposals}
    tariff, vote = kinds["tariff"], kinds["milestone"]
    assert (tariff.date, tariff.rate, tariff.status, tariff.announced_on) == (
        "2026-11-30",
        92.46,
        "announced",
        date(2026, 11, 24),
    )
    assert len(tariff.evidence) == 2
    assert vote.date == "2027-01-07"


def test_a_threat_said_beside_a_signing_is_a_threat_of_that_day(view: RecordView) -> None:
    result = run(
        view,
        "President Donald Trump signed a proclamation on Monday imposing a 25% tariff on "
        "imported drones and drone parts from Jan. 1, and said Chinese-made circuit boards could "
        'be next, at "50 percent, maybe more."',
    )
    tariffs = sorted((p.date, p.rate, p.status) for p in result.proposals if p.kind == "tariff")
    assert tariffs == [("2026-11-23", 50.0, "threatened"), ("2027-01-01", 25.0, "announced")]
    threat = next(p for p in result.proposals if p.rate == 50.0)
    assert threat.title.startswith("President Donald Trump said Chinese-made circuit boards")


def test_a_rate_with_no_date_takes_the_start_the_next_sentence_gives(view: RecordView) -> None:
    result = run(
        view,
        "Spokesperson He Yongqian says the Customs Tariff Commission has decided to lower the "
        "additional tariff on pork originating in the United States to 5 percent from 10 "
        "percent. She says the lower rate applies to goods declared from Dec. 1.",
    )
    [tariff] = [p for p in result.proposals if p.kind == "tariff"]
    assert (tariff.date, tariff.rate, tariff.imposer, tariff.target) == (
        "2026-12-01",
        5.0,
        "CN",
        "US",
    )
    assert not any(p.kind == "milestone" for p in result.proposals)  # the start is the rate's


def test_a_subsidy_rate_for_chinese_producers_is_us_on_china(view: RecordView) -> None:
    result = run(
        view,
        "Commerce preliminarily found a subsidy rate of 58.16% for all Chinese producers and "
        "exporters. From Monday, CBP will require cash deposits at the preliminary rate.",
    )
    [tariff] = [p for p in result.proposals if p.kind == "tariff"]
    assert (tariff.imposer, tariff.target, tariff.rate, tariff.date) == (
        "US",
        "CN",
        58.16,
        "2026-11-30",
    )


def test_that_duty_falls_to_a_new_rate_on_its_own_date(view: RecordView) -> None:
    result = run(
        view,
        "Drones from China will pay the new duty instead of the Section 301 forced-labor duty. "
        "That duty, charged at 12.5% on most Chinese goods since July 24, falls to 10% on Dec. 15.",
    )
    [update] = [p for p in result.proposals if p.kind == "update"]
    assert (update.matches, update.date) == ("us-cn-forced-labor-301", "2026-12-15")
    assert update.change is not None and update.change.new == "10%"


def test_a_goods_rate_said_wrong_is_flagged_against_that_goods_layer(view: RecordView) -> None:
    result = run(
        view,
        "Electric vehicles from China have paid a 50% Section 301 tariff since September 27, 2024.",
    )
    assert [c.item for c in result.conflicts] == ["us-cn-301-ev-100"]
    assert not any(p.matches == "us-cn-301-solar-50" for p in result.proposals)


def test_an_exact_date_beside_a_vague_one_dates_the_act(view: RecordView) -> None:
    result = run(
        view,
        "The Commerce Department opened a Section 232 investigation into imports of printed "
        "circuit boards a week ago, on Nov. 19, and has asked for written comments by Dec. 21.",
    )
    assert sorted((p.kind, p.date) for p in result.proposals) == [
        ("event", "2026-11-19"),
        ("milestone", "2026-12-21"),
    ]


def test_a_background_clause_s_rate_is_not_the_news_s(view: RecordView) -> None:
    result = run(
        view,
        "China's counter-tariff on American goods reached 125% on April 12, 2025, the top of a "
        "spiral that had already lifted U.S. duties on Chinese goods to 145%.",
    )
    assert "cn-us-retaliation-125" in {p.matches for p in result.proposals}
    assert not any(p.rate == 145 for p in result.proposals)


def test_a_list_line_of_a_layer_and_its_new_rate_updates_it(view: RecordView) -> None:
    result = run(
        view,
        "12.5%: the U.S. forced-labor duty on most Chinese goods, which drops to 10% on Dec. 15.",
    )
    [p] = result.proposals
    assert (p.kind, p.matches, p.date) == ("update", "us-cn-forced-labor-301", "2026-12-15")


def test_a_suit_against_a_coming_tariff_is_an_event_of_its_day(view: RecordView) -> None:
    result = run(
        view,
        "Three drone importers sued in the Court of International Trade on Wednesday to stop "
        "the 25% drone tariff before it starts on Jan. 1.",
    )
    assert ("event", "2026-11-25") in {(p.kind, p.date) for p in result.proposals}


def test_what_expires_unless_extended_is_not_an_extension(view: RecordView) -> None:
    result = run(view, "Tariff suspensions run out on Jan. 10 unless extended to May 10, 2027.")
    said = [*result.proposals, *result.held_back]
    assert [(p.kind, p.date) for p in said] == [("milestone", "2027-01-10")]


def test_a_proclamation_and_its_start_a_sentence_later_are_an_event_and_a_layer(
    view: RecordView,
) -> None:
    result = run(
        view,
        "President Donald Trump proclaimed the 25% Section 232 tariff on drones and drone parts "
        "from all countries on Monday. It takes effect Jan. 1.",
    )
    got = sorted((p.kind, p.date, p.rate) for p in result.proposals if p.kind != "person")
    assert got == [("event", "2026-11-23", None), ("tariff", "2027-01-01", 25.0)]
    [layer] = [p for p in result.proposals if p.kind == "tariff"]
    assert layer.announced_on == date(2026, 11, 23)


def test_a_start_said_as_next_weekday_and_date_dates_the_rate(view: RecordView) -> None:
    result = run(
        view,
        "China's Customs Tariff Commission said on Thursday that it would lower the additional "
        "tariff on U.S. pork to 5% from 10% from next Tuesday, Dec. 1.",
    )
    [p] = result.proposals
    assert (p.kind, p.date, p.rate, p.announced_on) == ("tariff", "2026-12-01", 5.0, THURSDAY)


def test_a_past_rate_set_wrong_for_named_goods_is_flagged(view: RecordView) -> None:
    result = run(
        view,
        "In March 2025, China put a 15 percent duty on U.S. soybeans and 10 percent on pork and "
        "beef in retaliation for American tariffs.",
    )
    assert "cn-us-farm-10" in {c.item for c in result.conflicts}


def test_that_year_is_the_year_of_the_date_before(view: RecordView) -> None:
    result = run(
        view,
        "Geneva came first, on May 10-11, 2025. In London on June 19-20 that year, the teams "
        "agreed a framework to carry out the Geneva bargain.",
    )
    assert "london-talks" in {c.item for c in result.conflicts}
    assert not any(p.date and p.date.startswith("2026-06") for p in result.proposals)


def test_a_moved_rate_s_restated_start_is_cited_beside_the_update(view: RecordView) -> None:
    result = run(
        view,
        "The Section 301 forced-labor duty on goods of China, 12.5% since July 24, 2026, falls "
        "to 10% for goods entered on or after December 15, 2026.",
    )
    got = sorted((p.kind, p.matches, p.date) for p in result.proposals)
    assert got == [
        ("source-only", "us-cn-forced-labor-301", "2026-07-24"),
        ("update", "us-cn-forced-labor-301", "2026-12-15"),
    ]


def test_a_layer_restated_by_its_start_with_no_rate_is_cited(view: RecordView) -> None:
    result = run(
        view,
        "On Wednesday the Court of International Trade upheld the forced-labor duties that "
        "Chinese goods have paid since July 24.",
    )
    got = {(p.kind, p.matches, p.date) for p in result.proposals}
    assert ("source-only", "us-cn-forced-labor-301", "2026-07-24") in got
    assert ("event", None, "2026-11-25") in got


def test_a_dated_act_then_a_rate_dated_by_it_are_two_statements(view: RecordView) -> None:
    result = run(
        view,
        "On Oct. 9, 2025, it widened its export controls on rare earths, and Trump threatened "
        "an extra 100% tariff the next day.",
    )
    got = {(p.matches, p.date) for p in result.proposals}
    assert ("rare-earth-controls", "2025-10-09") in got
    assert ("trump-100-threat", "2025-10-10") in got
    assert not any(p.title.startswith("2025,") for p in result.proposals)


def test_a_recorded_act_named_by_its_day_inside_another_statement_is_cited(
    view: RecordView,
) -> None:
    result = run(
        view,
        "That round will have to deal with the Jan. 10 expiry of the terms agreed after the "
        "Busan summit, which include China's pause on the rare-earth export controls it "
        "announced on Oct. 9, 2025.",
    )
    assert ("rare-earth-controls", "2025-10-09") in {(p.matches, p.date) for p in result.proposals}


def test_a_rate_said_of_these_products_keeps_the_direction_before(view: RecordView) -> None:
    result = run(
        view,
        "China will cut its additional tariff on U.S. coal and liquefied natural gas to 5 "
        "percent from 15 percent from Dec. 15. The 15 percent tariff on these products has "
        "been levied since Feb. 10, 2025.",
    )
    cited = [p for p in result.proposals if p.matches == "cn-us-energy-15"]
    assert {p.kind for p in cited} == {"update", "source-only"}


def test_an_arrival_and_a_page_s_own_summary_are_not_events(view: RecordView) -> None:
    result = run(
        view,
        "China's trade representative Li Chenggang arrived in Washington on Sunday with a "
        "working team. This notice summarizes CBP CSMS #67204518, issued November 24, 2026.",
    )
    assert not any(p.kind == "event" for p in result.proposals)


def test_one_extension_of_two_items_gives_one_new_end_milestone(view: RecordView) -> None:
    result = run(
        view,
        "In late September the two governments agreed to extend the terms of their truce to "
        "Jan. 10, 2027. Under the extension, China keeps 24 percentage points of its "
        "retaliatory tariff on U.S. goods suspended until Jan. 10.",
    )
    ends = [p for p in result.proposals if p.kind == "milestone" and p.date == "2027-01-10"]
    assert len(ends) == 1
    assert len(ends[0].evidence) == 2


def test_terms_that_now_expire_under_an_extension_update_the_deadline(view: RecordView) -> None:
    for body in (
        "Under the extension the two governments agreed on September 28, 2026, the Busan terms "
        "now expire on January 10, 2027.",
        "The Busan terms, extended on Sept. 28, run out on Jan. 10.",
    ):
        result = run(view, body)
        got = {(p.kind, p.matches) for p in result.proposals}
        assert ("update", "truce-expiry-2026") in got, body
        assert ("milestone", None) in got, body


def test_a_layer_s_start_said_on_the_wrong_day_is_flagged_not_cited(view: RecordView) -> None:
    result = run(
        view,
        "Beijing first levied the 15% duty on coal and LNG on March 10, 2025, in answer to "
        "Washington's first fentanyl tariff.",
    )
    assert "cn-us-energy-15" in {c.item for c in result.conflicts}
    assert not any(p.matches == "cn-us-energy-15" for p in result.proposals)
    assert not any(p.kind == "tariff" and p.imposer == "US" for p in result.proposals)


def test_tariffs_on_billions_of_us_goods_are_chinas(view: RecordView) -> None:
    result = run(
        view,
        "China imposed 25-percent tariffs on about 34 billion U.S. dollars of U.S. goods on "
        "July 6, 2018, the day the first U.S. tariffs under Section 301 took effect.",
    )
    assert [p.matches for p in result.proposals] == ["cn-us-301-retaliation-list1-25"]


def test_halving_a_recorded_layer_is_an_update_of_its_rate(view: RecordView) -> None:
    result = run(
        view,
        "Beijing said it would halve its tariff on U.S. farm machinery, crude oil and big pickups "
        "to 5% from Jan. 1.",
    )
    assert [(p.kind, p.matches) for p in result.proposals] == [("update", "cn-us-energy-10")]


def test_exclusions_from_a_us_layer_are_a_zero_rate_on_chinese_goods(view: RecordView) -> None:
    result = run(
        view,
        "USTR said on Wednesday it would exclude 27 tariff lines of Chinese medical goods from "
        "the Section 301 tariffs from Dec. 21, its first concession since Beijing cut duties "
        "on American crude oil.",
    )
    tariffs = [
        (p.imposer, p.target, p.rate, p.date) for p in result.proposals if p.kind == "tariff"
    ]
    assert tariffs == [("US", "CN", 0.0, "2026-12-21")]


def test_us_goods_that_will_pay_a_duty_pay_chinas(view: RecordView) -> None:
    result = run(view, "U.S. nylon 66 chips will pay duties of 43.6% from Saturday, Beijing time.")
    assert [(p.imposer, p.target) for p in result.proposals if p.kind == "tariff"] == [("CN", "US")]


def test_what_trump_said_a_rate_would_go_to_is_a_threat_not_a_move(view: RecordView) -> None:
    result = run(
        view,
        "Trump said on Wednesday that the 25% drone tariff would go to 50% for Chinese makers "
        "that route assembly through third countries.",
    )
    assert [(p.kind, p.rate, p.status) for p in result.proposals if p.kind != "person"] == [
        ("tariff", 50.0, "threatened")
    ]


def test_a_rate_lowered_on_a_day_past_is_in_force(view: RecordView) -> None:
    result = run(view, "The additional tariff on U.S. pork was lowered to 5 percent on Nov. 24.")
    assert [p.status for p in result.proposals if p.kind == "tariff"] == ["in_force"]
