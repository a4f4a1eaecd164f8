"""The ingest pipeline stage by stage (text -> mentions -> claims -> comparison -> merge), and
end to end on the sentences issue 20 found wrong: each stage takes values and returns values,
so each is tested on its own."""

from __future__ import annotations

from datetime import date

import pytest

from bot.curated import Dataset
from bot.ingest import (
    Proposal,
    RecordView,
    claims,
    keys,
    merge,
    text,
)
from bot.ingest.compare import Record
from bot.ingest.goods import named_goods
from bot.ingest.mentions import RuleTagger, tag, words
from bot.ingest.sides import direction
from tests.ingest_helpers import THURSDAY, run

# -- text ----------------------------------------------------------------------------------


def test_text_sets_datelines_bylines_and_boilerplate_aside() -> None:
    body = (
        "WASHINGTON, Nov 24 (Pacific Wire) - The United States and China held a video call "
        "on Tuesday, officials said.\n\nBy Dana Whitcombe\n\nSign up for our newsletter.\n\n"
        "November 24, 2026 | International Trade & Customs Group | Los Angeles\n\n"
        "China issued Announcement No. 15 of 2026 on Monday.\n\n"
        "SECTION 301 DUTY, PRODUCTS OF CHINA (CSMS #67411873, issued November 24)\n\n"
        "China will cut its additional tariff on US pork to 5% from 10% on Dec. 1."
    )
    read = text.read(body)
    assert [s.text for s in read] == [
        "The United States and China held a video call on Tuesday, officials said.",
        "China issued Announcement No. 15 of 2026 on Monday.",
        "China will cut its additional tariff on US pork to 5% from 10% on Dec. 1.",
    ]
    assert [s.paragraph for s in read] == [0, 1, 2]


def test_the_same_link_or_text_has_one_key() -> None:
    assert keys.link_key("HTTPS://Example.com/a/b/?utm_source=x&id=3#top") == keys.link_key(
        "https://example.com/a/b?id=3"
    )
    assert keys.link_key("https://example.com/a?id=3") != keys.link_key(
        "https://example.com/a?id=4"
    )
    assert keys.text_key("The  talks\nresumed.") == keys.text_key("the talks resumed.")


# -- mentions ------------------------------------------------------------------------------


def test_mentions_read_rates_direction_and_posts(dataset: Dataset) -> None:
    tagger = RuleTagger(list(dataset.people))
    pork = tag(
        "China will cut its additional tariff on US pork to 5% from 10% on Dec. 1.",
        THURSDAY,
        tagger,
    )
    assert (pork.rates, pork.new_rate, pork.tariff) == ([5.0, 10.0], 5.0, True)
    assert direction(pork)[:2] == ("CN", "US")  # on US goods: China's tariff, whoever acts
    assert [f.when.canonical() for f in pork.dates] == ["2026-12-01"]
    said = tag("US Trade Representative Scott Bessent said the duty would fall.", THURSDAY, tagger)
    assert said.people == ["scott-bessent"]
    assert [(t.post, t.person) for t in said.titled] == [
        ("US Trade Representative", "scott-bessent")
    ]


def test_words_read_british_and_american_spellings_alike() -> None:
    assert words("the forced-labour duty on aluminium") == words(
        "the forced-labor duty on aluminum"
    )
    assert words("the tariffs were lowered") >= {"lower"}


@pytest.mark.parametrize(
    ("sentence", "goods"),
    [
        ("the tariff on U.S. pork cut to 5%", "pork"),
        ("the forced-labor tariff on most Chinese goods will fall to 10%", None),
        ("duties on all US imports rise", None),
        ("a levy on American sorghum and wheat", "sorghum and wheat"),
        ("the 25% drone tariff would go to 50%", "drone"),
        ("the 10% additional tariff stays", None),
    ],
)
def test_named_goods_are_the_goods_not_a_quantifier(sentence: str, goods: str | None) -> None:
    assert named_goods(sentence) == goods


# -- claims --------------------------------------------------------------------------------


def test_a_rate_statement_becomes_one_tariff_claim_with_its_reasons(dataset: Dataset) -> None:
    tagger = RuleTagger(list(dataset.people))
    m = tag(
        "China will cut its additional tariff on US pork to 5% from 10% on Dec. 1.",
        THURSDAY,
        tagger,
    )
    built = claims.build(m, THURSDAY, None)
    assert [(c.kind, c.rate, c.imposer, c.target, c.changes) for c in built] == [
        ("tariff", 5.0, "CN", "US", True)
    ]
    assert built[0].when is not None and built[0].when.canonical() == "2026-12-01"
    assert "rate 5%" in built[0].reasons


# -- comparison ----------------------------------------------------------------------------


def test_a_rate_cut_moves_the_recorded_layer(dataset: Dataset, view: RecordView) -> None:
    record = Record(view)
    record.today = THURSDAY
    tagger = RuleTagger(list(dataset.people))
    sentence = (
        "USTR also said on Friday that the forced-labor tariff on most Chinese goods will fall "
        "to 10% from 12.5% on Dec. 15."
    )
    claim = next(c for c in claims.build(tag(sentence, THURSDAY, tagger), THURSDAY, None) if c.rate)
    moved = record.rate_moved(claim)
    assert moved is not None and moved.id == "us-cn-forced-labor-301"


# -- merge ---------------------------------------------------------------------------------


def _proposal(**extra: object) -> Proposal:
    base: dict[str, object] = {
        "kind": "event",
        "date": "2026-11-24",
        "title": "Video call",
        "summary": "The two sides held a video call.",
        "evidence": ["They held a video call on Tuesday."],
        "score": 3.0,
    }
    return Proposal.model_validate(base | extra)


def test_claims_of_one_fact_merge_into_one_proposal_with_all_their_evidence() -> None:
    first = _proposal()
    again = _proposal(evidence=["Tuesday's call lasted two hours."], score=2.0)
    other_day = _proposal(date="2026-11-20", evidence=["USTR acted on Friday."])
    merged = merge.merge([first, again, other_day])
    assert len(merged) == 2
    assert merged[0].evidence == [
        "They held a video call on Tuesday.",
        "Tuesday's call lasted two hours.",
    ]
    assert merged[0].score == 3.5 and "stated again" in merged[0].reasons


# -- end to end: the sentences issue 20 found wrong ----------------------------------------


def test_chinas_pork_cut_is_china_on_us(view: RecordView) -> None:
    result = run(
        view, "China will cut its additional tariff on US pork to 5% from 10%, effective Dec. 1."
    )
    [p] = [p for p in result.proposals if p.kind == "tariff"]
    assert (p.imposer, p.target, p.rate, p.date) == ("CN", "US", 5.0, "2026-12-01")


def test_the_forced_labour_cut_is_an_update_with_old_and_new_rate(view: RecordView) -> None:
    result = run(
        view,
        "The forced-labour duty on Chinese goods will be cut to 10% from 12.5% starting Dec. 15, "
        "USTR said on Friday.",
    )
    [p] = result.proposals
    assert (p.kind, p.matches, p.date) == ("update", "us-cn-forced-labor-301", "2026-12-15")
    assert p.change is not None and (p.change.field, p.change.old, p.change.new) == (
        "rate",
        "12.5%",
        "10%",
    )


def test_an_extended_suspension_is_an_update_and_a_new_end_not_a_new_tariff(
    view: RecordView,
) -> None:
    result = run(
        view,
        "USTR said on Friday the suspension of the 100% tariff on Chinese cranes will now run "
        "until May 10, 2027.",
    )
    kinds = {(p.kind, p.matches) for p in result.proposals}
    assert ("update", "us-cn-301-maritime-cranes-100") in kinds
    assert not any(p.kind == "tariff" for p in result.proposals)
    update = next(p for p in result.proposals if p.kind == "update")
    assert update.change is not None and update.change.new == "2027-05-10"
    assert any(p.kind == "milestone" and p.date == "2027-05-10" for p in result.proposals)


def test_new_news_is_not_glued_to_an_old_item(view: RecordView) -> None:
    result = run(
        view,
        "WASHINGTON, Nov 24 (Pacific Wire) - The United States and China held a video call on "
        "Tuesday, officials said.",
    )
    [p] = result.proposals
    assert (p.kind, p.date, p.matches) == ("event", "2026-11-24", None)
    assert not p.title.startswith("WASHINGTON")


def test_a_rate_in_words_and_a_rate_said_late_in_a_long_sentence(view: RecordView) -> None:
    zero = run(view, "Beijing will lower duties on American sorghum to zero from Dec. 10.")
    [p] = [p for p in zero.proposals if p.kind == "tariff"]
    assert (p.imposer, p.target, p.rate, p.date) == ("CN", "US", 0.0, "2026-12-10")
    late = run(
        view,
        "The Office of the U.S. Trade Representative said late on Friday in Washington, early on "
        "Saturday in Hong Kong, that the Section 301 forced-labor duty on Chinese goods would "
        "fall to 10% from 12.5% from Dec. 15.",
    )
    assert [(p.kind, p.matches, p.date) for p in late.proposals if p.kind == "update"] == [
        ("update", "us-cn-forced-labor-301", "2026-12-15")
    ]


def test_what_named_people_will_do_is_a_milestone_never_an_event(view: RecordView) -> None:
    result = run(view, "Tue-Wed Dec. 1-2: Li Chenggang's working team in Washington.")
    assert [(p.kind, p.date) for p in result.proposals] == [("milestone", "2026-12-01..2026-12-02")]


def test_a_decision_reported_as_would_is_announced_not_threatened(view: RecordView) -> None:
    said = run(
        view,
        "On Monday the tariff commission said it would lower the tariff on US sorghum to zero "
        "from Dec. 10.",
    )
    [p] = [p for p in said.proposals if p.kind == "tariff"]
    assert p.status == "announced"
    threat = run(
        view,
        "Trump said on Friday he would raise the tariff on Chinese drones to 50% if talks fail.",
    )
    assert [p.status for p in threat.proposals if p.kind == "tariff"] == ["threatened"]


def test_a_postponed_rise_moves_every_layer_it_names_and_its_date_may_follow(
    view: RecordView,
) -> None:
    result = run(
        view,
        "The second proclamation again delays the Section 232 increases for upholstered "
        "furniture (to 30%) and kitchen cabinets and vanities (to 50%), which had been due on "
        "Jan. 1, 2027. They now take effect on Jan. 1, 2028.",
    )
    moved = {
        (p.matches, p.change.new if p.change else None)
        for p in result.proposals
        if p.kind == "update"
    }
    assert moved == {
        ("us-cn-232-upholstered-25", "2028-01-01"),
        ("us-cn-232-cabinets-25", "2028-01-01"),
    }
    assert [p.date for p in result.proposals if p.kind == "milestone"] == ["2028-01-01"]


def test_a_live_blogs_day_keeps_its_separate_events(view: RecordView) -> None:
    result = run(
        view,
        "China's General Administration of Customs has just posted a notice restoring export "
        "registrations for 15 U.S. beef plants.\n\nBoeing and China Aviation Supplies Holding "
        "signed an order for 100 jets at the Chinese embassy within the past hour, with "
        "Commerce Secretary Howard Lutnick looking on.",
    )
    events = [p for p in result.proposals if p.kind == "event"]
    assert [p.date for p in events] == ["2026-11-26", "2026-11-26"]  # the article's own day
    assert {("beef" in p.summary, "Boeing" in p.summary) for p in events} == {
        (True, False),
        (False, True),
    }


FURNITURE = {"us-cn-232-upholstered-25", "us-cn-232-cabinets-25"}


def test_one_extension_never_moves_the_layers_of_the_one_before(view: RecordView) -> None:
    result = run(
        view,
        "The second proclamation again delays the Section 232 increases for upholstered "
        "furniture (to 30%) and kitchen cabinets and vanities (to 50%), which had been due on "
        "Jan. 1, 2027. They now take effect on Jan. 1, 2028.\n\nUSTR said on Friday the "
        "suspension of the 100% tariff on Chinese cranes will now run until May 10, 2027.",
    )
    moved = {(p.matches, p.change.new) for p in result.proposals if p.change is not None}
    assert ("us-cn-301-maritime-cranes-100", "2027-05-10") in moved
    assert not {m for m in moved if m[1] == "2027-05-10"} - {
        ("us-cn-301-maritime-cranes-100", "2027-05-10")
    }
    furniture = [p for p in result.proposals if p.matches in FURNITURE]
    assert furniture and all(not any("cranes" in e for e in p.evidence) for p in furniture)


def test_a_rate_named_by_its_layer_and_old_rate_is_an_update_of_that_layer(
    view: RecordView,
) -> None:
    for sentence in (
        "The forced-labor rate on products of China falls to 10% from 12.5% on Dec. 15.",
        "The ruling leaves the duty's schedule intact: the rate on Chinese goods falls to 10% "
        "from 12.5% on Dec. 15.",
    ):
        result = run(view, sentence)
        assert [(p.kind, p.matches, p.date) for p in result.proposals] == [
            ("update", "us-cn-forced-labor-301", "2026-12-15")
        ], sentence


def test_a_new_layer_is_announced_and_in_force_from_the_day_it_takes_effect(
    view: RecordView,
) -> None:
    from bot.ingest.items import item_for
    from bot.models import TariffMeasure

    result = run(
        view,
        "China's lower 5% additional tariff on U.S. pork, announced last Monday, took effect on "
        "Wednesday.",
    )
    [p] = result.proposals  # the announcement is the same fact: no event of its own
    assert (p.kind, p.date, p.status, p.announced_on) == (
        "tariff",
        "2026-11-25",
        "in_force",  # its state on the article's day
        date(2026, 11, 16),
    )
    layer = item_for(p, source_id="source-a", people=set(), taken=set(), zone="America/New_York")
    assert isinstance(layer, TariffMeasure)
    assert [(c.status.value, c.day) for c in layer.history] == [
        ("announced", date(2026, 11, 16)),
        ("in_force", date(2026, 11, 25)),
    ]
    assert layer.status_on(date(2026, 11, 20)).value == "announced"
    assert layer.status_on(THURSDAY).value == "in_force"


def test_what_a_procedure_makes_due_is_a_milestone_each_without_a_named_actor(
    view: RecordView,
) -> None:
    result = run(
        view, "Written comments are due by Jan. 8, and a public hearing is set for Jan. 21."
    )
    assert [(p.kind, p.date, p.title) for p in result.proposals] == [
        ("milestone", "2027-01-08", "Written comments are due by Jan. 8"),
        ("milestone", "2027-01-21", "A public hearing is set for Jan. 21"),
    ]
    ours = run(view, "Send us your reconciliation entry lists by January 15 so we can file claims.")
    assert ours.proposals == []


def test_the_review_card_says_when_a_new_layer_was_announced_and_takes_force() -> None:
    from bot.briefing.review import _tariff_state

    p = Proposal(
        kind="tariff",
        date="2026-11-25",
        title="China's lower tariff on US pork",
        summary="s",
        evidence=["e"],
        rate=5,
        imposer="CN",
        target="US",
        status="announced",
        announced_on=date(2026, 11, 16),
    )
    assert _tariff_state(p) == "announced 16 Nov 2026, in force from 25 Nov 2026"
    same_day = p.model_copy(update={"announced_on": date(2026, 11, 25)})
    assert _tariff_state(same_day) == "in force from 25 Nov 2026"
    assert _tariff_state(p.model_copy(update={"announced_on": None})) == "announced"
    in_force = p.model_copy(update={"status": "in_force"})
    assert _tariff_state(in_force) == "announced 16 Nov 2026, in force since 25 Nov 2026"
    assert _tariff_state(p.model_copy(update={"status": "threatened"})) == "threatened"


def test_a_leaders_meeting_at_a_passed_summit_is_news_beside_its_outcome(
    view: RecordView,
) -> None:
    result = run(view, "Xi met U.S. Vice President JD Vance in Shenzhen on Nov. 18.")
    got = {(p.kind, p.matches, p.date) for p in result.proposals}
    assert ("update", "apec-shenzhen-2026", "2026-11-18") in got
    assert ("event", None, "2026-11-18") in got


def test_any_ministrys_post_before_a_name_is_read(view: RecordView) -> None:
    result = run(view, "Vice Minister of Finance Liao Min took part on the Chinese side.")
    assert [(p.kind, p.title) for p in result.proposals] == [("person", "Liao Min")]
