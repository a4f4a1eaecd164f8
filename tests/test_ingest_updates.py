"""The ingest engine's updates of recorded items: what an article says happened to a recorded
deadline or layer becomes a change of that item, with the record's value beside the new one."""

from __future__ import annotations

from bot.ingest import RecordView
from tests.ingest_helpers import run


def test_the_truce_terms_extended_are_the_recorded_truce_deadline(view: RecordView) -> None:
    result = run(view, "The two governments extended its terms on Sept. 28 this year, to Jan. 10.")
    [update] = [p for p in result.proposals if p.kind == "update"]
    assert (update.matches, update.date) == ("truce-expiry-2026", "2026-09-28")
    assert update.change is not None and update.change.new == "extended to 10 Jan 2027"
    assert "event" not in [p.kind for p in result.proposals]


def test_two_leaders_meeting_on_one_day_of_a_recorded_summit_is_a_milestone(
    view: RecordView,
) -> None:
    result = run(
        view,
        "President Donald Trump meets Chinese Premier Li Qiang at his Doral resort in Miami on "
        "Dec. 14.",
    )
    assert ("milestone", "2026-12-14", None) in [
        (p.kind, p.date, p.matches) for p in result.proposals
    ]
    assert "g20-miami-2026" not in [p.matches for p in result.proposals]


def test_no_decision_whether_to_extend_is_no_extension(view: RecordView) -> None:
    result = run(
        view,
        "Greer said no decision had been taken on whether to extend the truce terms that "
        "expire on Jan. 10.",
    )
    assert "update" not in [p.kind for p in result.proposals]


def test_two_leaders_meeting_while_a_recorded_summit_is_on_is_an_event(view: RecordView) -> None:
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from bot.ingest import ArticleIn, propose

    article = ArticleIn(
        text="President Donald Trump met Chinese Premier Li Qiang for about 80 minutes at Trump "
        "National Doral on Monday, on the first day of the G20 summit.",
        published=datetime(2026, 12, 14, 13, 40, tzinfo=ZoneInfo("America/New_York")),
        timezone="America/New_York",
        headline="Trump meets Li Qiang",
    )
    got = [(p.kind, p.date, p.matches) for p in propose(article, view).proposals]
    assert ("event", "2026-12-14", None) in got
    assert all(matches != "g20-miami-2026" for _, _, matches in got)


def test_a_rate_cut_that_names_no_side_moves_the_layer_the_record_has(view: RecordView) -> None:
    result = run(
        view,
        "15 December: the additional tariff on coal and liquefied natural gas falls to 5% "
        "from 15%.",
    )
    got = [(p.kind, p.matches, p.change and p.change.new) for p in result.proposals]
    assert got == [("update", "cn-us-energy-15", "5%")]


def test_a_cut_of_a_tariff_on_a_number_of_american_items_is_chinas(view: RecordView) -> None:
    result = run(
        view,
        "On Thursday Beijing said its 2018 tariff on 120 American items, from almonds to wine, "
        "will fall to 5% from 15% on Jan. 1.",
    )
    assert [(p.kind, p.matches) for p in result.proposals] == [
        ("update", "cn-us-232-retaliation-15")
    ]
    # read from the goods' side, not guessed and set right by the record
    assert "direction: on US goods" in result.proposals[0].reasons


def test_a_rate_moved_at_a_clock_time_of_the_day_is_an_update_of_today(view: RecordView) -> None:
    result = run(
        view,
        "In the other direction, Washington's forced-labour duty on Chinese goods fell to 10% "
        "from 12.5% at 4:01 p.m. Sydney time.\n\n"
        "- Coal and liquefied natural gas: cut to 5% from 15% on 15 December.",
    )
    got = sorted((p.matches, p.change and p.change.new) for p in result.proposals)
    assert got == [("cn-us-energy-15", "5%"), ("us-cn-forced-labor-301", "10%")]
