"""The ingest checks (bot.ingest.checks) and the people an article names: what a curator is
warned of (a post the record says the official did not hold, a recorded fact misdated, a
rate the layer in force contradicts) and which officials are proposed."""

from __future__ import annotations

import pytest

from bot.ingest import RecordView
from tests.ingest_helpers import run


@pytest.mark.parametrize(
    ("sentence", "item"),
    [
        # a post after the name, not only before it
        ("Li Chenggang, China's commerce minister, led the team on Tuesday.", "li-chenggang"),
        # a recorded fact misdated in a background clause (the ruling was on 20 Feb 2026)
        (
            "Nine months after the Supreme Court's Feb. 27 ruling knocked out the IEEPA "
            "tariffs, the U.S. tariff wall on China is built from Section 301 and 232.",
            "supreme-court-ieepa",
        ),
        # a day later than the meeting in Busan (30 Oct 2025) from New York: no zone does that
        ("When Trump and Xi met in Busan on Oct. 31, 2025, they agreed a set of terms.", None),
    ],
)
def test_conflicts_a_curator_is_shown(view: RecordView, sentence: str, item: str | None) -> None:
    result = run(view, sentence)
    assert result.conflicts, sentence
    if item is not None:
        assert result.conflicts[0].item == item
    assert not [p for p in result.proposals if p.kind == "source-only"]  # not cited as right


def test_a_correct_background_date_is_no_conflict(view: RecordView) -> None:
    result = run(
        view,
        "The Supreme Court struck down the IEEPA tariffs on Feb. 20, and a 10% Section 122 "
        "surcharge took their place on Feb. 24.",
    )
    assert result.conflicts == []


def test_a_standing_rate_unlike_the_recorded_one_is_flagged_a_new_one_is_not(
    view: RecordView,
) -> None:
    wrong = run(view, "U.S. crude oil still pays a 15% Chinese counter-tariff.")
    assert [c.item for c in wrong.conflicts] == ["cn-us-energy-10"]
    assert wrong.proposals == []
    new = run(view, "China's lower 5% tariff on U.S. pork has applied since Nov. 25.")
    assert new.conflicts == []
    assert [(p.kind, p.rate) for p in new.proposals] == [("tariff", 5.0)]


@pytest.mark.parametrize(
    ("sentence", "name"),
    [
        (
            "Rollins spoke by phone with China's agriculture minister, Han Jun, on Tuesday.",
            "Han Jun",
        ),
        (
            "Energy Secretary Chris Wright held a video call with Zheng Shanjie, chairman of "
            "China's National Development and Reform Commission.",
            "Zheng Shanjie",
        ),
        (
            "Jeffrey Kessler, the Commerce Department's under secretary for industry and "
            "security, said the rule was final.",
            "Jeffrey Kessler",
        ),
    ],
)
def test_an_official_the_record_lacks_is_proposed_with_the_post_beside_the_name(
    view: RecordView, sentence: str, name: str
) -> None:
    people = [p.title for p in run(view, sentence).proposals if p.kind == "person"]
    assert name in people


def test_a_farmer_quoted_by_name_is_not_proposed_as_a_person(view: RecordView) -> None:
    result = run(
        view, "Dan Jensen, a farmer near Ames and a member of the board, said prices rose."
    )
    assert [p for p in result.proposals if p.kind == "person"] == []


def test_a_standing_rate_said_since_a_month_and_a_meeting_misdated_by_its_place(
    view: RecordView,
) -> None:
    lng = run(view, "U.S. LNG has paid a 25% Chinese duty since February 2025, brokers said.")
    assert [c.item for c in lng.conflicts] == ["cn-us-energy-15"]
    paris = run(
        view,
        "Bessent and He Lifeng met in Paris on April 15-16 to prepare Trump's state visit to "
        "Beijing.",
    )
    assert [c.item for c in paris.conflicts] == ["paris-talks"]


@pytest.mark.parametrize(
    ("sentence", "flagged"),
    [
        # posts outside the lexicon of US and Chinese trade posts
        ("Chinese Finance Minister He Lifeng said on Wednesday the talks were candid.", True),
        ("South Korean Prime Minister Lee Jae Myung said on Wednesday he was hopeful.", True),
        # the rank is part of the post: Li is a vice minister, not the minister
        ("Vice Minister of Commerce Li Chenggang said on Wednesday the talks were candid.", False),
        ("Commerce Minister Li Chenggang said on Wednesday the talks were candid.", True),
        # a chair for a president
        ("Sean Stein, chairman of the U.S.-China Business Council, spoke on Wednesday.", True),
        ("Sean Stein, president of the U.S.-China Business Council, spoke on Wednesday.", False),
    ],
)
def test_any_office_the_record_does_not_give_them_is_flagged(
    view: RecordView, sentence: str, flagged: bool
) -> None:
    result = run(view, sentence)
    assert bool(result.conflicts) is flagged, [c.claim for c in result.conflicts]


def test_a_layers_start_said_on_the_day_it_was_announced_is_flagged(view: RecordView) -> None:
    result = run(
        view,
        "The first of them, Section 232 duties of 25% on steel and 10% on aluminium, took "
        "effect on March 8, 2018.",
    )
    assert [c.item for c in result.conflicts] == ["us-cn-232-steel-25-2018"]


def test_a_layers_coverage_gives_its_goods_their_own_rate(view: RecordView) -> None:
    wrong = run(
        view,
        "Certain Chinese tungsten products have paid a 50% Section 301 tariff since Jan. 1, 2025.",
    )
    assert [c.item for c in wrong.conflicts] == ["us-cn-301-tungsten-wafers-polysilicon"]
    right = run(
        view,
        "Certain tungsten products from China have paid 25% under Section 301 since January 1, "
        "2025.",
    )
    assert not right.conflicts
    assert [p.matches for p in right.proposals] == ["us-cn-301-tungsten-wafers-polysilicon"]


def test_a_known_leader_given_anothers_post_is_flagged(view: RecordView) -> None:
    result = run(
        view, "Chinese Premier Xi Jinping is not expected in Miami, officials said on Wednesday."
    )
    assert [(c.claim, c.item) for c in result.conflicts] == [
        ("Xi Jinping is Premier", "xi-jinping")
    ]


def test_an_unknown_name_then_its_capitalised_post_is_a_person(view: RecordView) -> None:
    result = run(
        view,
        "William Kimmitt, the Under Secretary of Commerce for International Trade, said on "
        "Wednesday that Chinese producers had received grants.",
    )
    assert "William Kimmitt" in [p.title for p in result.proposals if p.kind == "person"]


def test_a_recorded_round_misdated_is_flagged_and_not_a_new_event(view: RecordView) -> None:
    result = run(view, "The Madrid round of September 21-22, 2025 produced a framework for TikTok.")
    assert [c.item for c in result.conflicts] == ["madrid-talks"]
    assert "event" not in [p.kind for p in result.proposals]


def test_a_rate_standing_since_a_day_the_record_has_not_reached_is_news(view: RecordView) -> None:
    result = run(view, "U.S. pork has paid a 5% Chinese tariff since Nov. 24.")
    assert result.conflicts == [] and all(p.conflicts == [] for p in result.proposals)
    assert [(p.kind, p.rate, p.status) for p in result.proposals] == [("tariff", 5.0, "in_force")]
