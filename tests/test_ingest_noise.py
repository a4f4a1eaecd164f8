"""What the ingest engine holds back as no fact of its own: the day's trading that followed
the news (but not the deal it followed), and a body's notice of a rate beside the rate it
sets (gold rule 2: one proposal for one announcement)."""

from __future__ import annotations

from bot.ingest import RecordView
from tests.ingest_helpers import run


def test_market_colour_is_held_back_but_a_deal_it_followed_is_not(view: RecordView) -> None:
    colour = run(
        view,
        "European shares closed slightly higher on Tuesday, with carmakers leading after "
        "China's tariff commission announced its cut.",
    )
    assert [p.kind for p in colour.proposals] == []
    deal = run(
        view,
        "U.S. soybean futures rose on Monday after a delegation led by COFCO signed agreements "
        "to buy U.S. soybeans in Des Moines.",
    )
    assert [(p.kind, p.date) for p in deal.proposals] == [("event", "2026-11-23")]


def test_a_notice_of_a_determination_is_no_event_of_its_own(view: RecordView) -> None:
    result = run(
        view,
        "November 24, 2026, the U.S. Department of Commerce issued its final affirmative "
        "determination in the anti-dumping investigation of lithium iron phosphate cathode "
        "material from China.",
    )
    assert [p.kind for p in result.proposals] == []
    assert [p.kind for p in result.held_back] == ["event"]
