"""The ingest engine (pure): date expressions read against the article's own day and zone,
proposals against the record, and the known problems of the seed articles found unaided."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from bench.ingest import seed_article
from bot.curated import Dataset
from bot.ingest import ArticleIn, RecordView, find_dates, propose, sentences
from tests.conftest import shared_path
from tests.ingest_helpers import record_view

SATURDAY = date(2025, 10, 18)


def canonical(text: str, today: date = SATURDAY) -> list[str]:
    return [f.when.canonical() for f in find_dates(text, today)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("They spoke on Monday.", ["2025-10-13"]),
        ("They held a call on Saturday morning.", ["2025-10-18"]),
        ("They will meet on Monday.", ["2025-10-20"]),
        ("The talks opened last week.", ["week of 2025-10-06"]),
        ("Negotiators will meet next week.", ["week of 2025-10-20"]),
        ("Probably a week from tomorrow to prepare for the meeting.", ["2025-10-26"]),
        ("A decision is due later this week.", ["2025-10-19"]),
        ("The pause was extended through early November.", ["early 2025-11"]),
        ("Beijing announced on October 9 new controls.", ["2025-10-09"]),
        ("The forum is scheduled from October 31 to November 1.", ["2025-10-31..2025-11-01"]),
        ("The truce expires on August 12.", ["2025-08-12"]),
        ("The surcharge lasts for at most 150 days, ending in 150 days.", ["2026-03-17"]),
        ("Talks in Geneva on 10-11 May eased tensions.", ["2025-05-10..2025-05-11"]),
        ("A truce announced in mid-August.", ["mid 2025-08"]),
        ("The decision in July to lift the ban.", ["2025-07"]),
        ("Thursday, October 30, 2025", ["2025-10-30"]),
        ("A 100% tariff from next month.", ["2025-11"]),
        ("They met earlier this year in Geneva.", ["2025"]),
        ("Just days ago, Trump reached new trade agreements.", ["2025-10-12..2025-10-17"]),
        ("Two weeks ago, the talks stalled.", ["week of 2025-09-29"]),
        ("The July decision to lift the ban drew criticism.", ["2025-07"]),
    ],
)
def test_dates_keep_their_precision(text: str, expected: list[str]) -> None:
    assert canonical(text) == expected


def test_a_weekday_is_read_in_the_articles_own_zone() -> None:
    # 8 a.m. on Saturday 18 Oct in Beijing is Friday evening in Washington
    published = datetime(2025, 10, 18, 8, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
    beijing = published.astimezone(ZoneInfo("Asia/Shanghai")).date()
    washington = published.astimezone(ZoneInfo("America/New_York")).date()
    text = "The two held a video call on Saturday morning."
    assert canonical(text, beijing) == ["2025-10-18"]
    assert canonical(text, washington) == ["2025-10-11"]  # the Saturday before, there


def test_sentences_are_read_once_and_abbreviations_do_not_split_them() -> None:
    text = "He met U.S. Trade Representative Jamieson Greer on Monday.\n\n" * 2 + "Related Articles"
    assert sentences(text) == ["He met U.S. Trade Representative Jamieson Greer on Monday."]


def _record(dataset: Dataset) -> RecordView:
    return record_view(dataset)


def _seed(dataset: Dataset, source_id: str, *, page_date: bool = False) -> ArticleIn:
    shared_path("seeds")  # says so when ../shared is missing
    return seed_article(dataset, source_id, page_date=page_date)


def test_the_misnamed_trade_representative_is_flagged(dataset: Dataset) -> None:
    result = propose(_seed(dataset, "reuters-label-delegation"), _record(dataset))
    flagged = [c for c in result.conflicts if c.claim.startswith("Katherine Tai is")]
    assert flagged, "Katherine Tai named as USTR in Aug 2025"
    note = flagged[0]
    assert "Jamieson Greer held that post" in note.record and note.item == "jamieson-greer"
    assert not any(p.matches == "katherine-tai" for p in result.proposals)


def test_a_page_dated_later_than_its_story_is_flagged(dataset: Dataset) -> None:
    record = _record(dataset)
    on_page = propose(_seed(dataset, "envoys-video-call", page_date=True), record)
    assert [c.why for c in on_page.conflicts] == [
        "a page date that differs from the story's own date"
    ]  # and "Chinese Vice-Premier He Lifeng" is not read as the Premier
    assert "30 Oct 2025" in on_page.conflicts[0].claim
    as_written = propose(_seed(dataset, "envoys-video-call"), record)
    assert as_written.conflicts == []
    matched = {p.matches for p in as_written.proposals if p.kind == "source-only"}
    assert {"bessent-he-video-call", "malaysia-round", "rare-earth-controls"} <= matched
    # "Hours after Beijing announced the export restrictions, Trump threatened a 100%
    # tariff from November 1": the threatened layer and its due date, cited
    assert {"us-cn-threat-100", "tariff-100-start"} <= matched


def test_a_recorded_layer_is_cited_only_where_the_sentence_dates_it(dataset: Dataset) -> None:
    """ "Beijing will demand the removal of the 20% tariffs linked to fentanyl": the layer on
    record, restated with no date, is no proposal (the corpus's rule 4); said with one of its
    own dates ("since March 4"), it is cited."""
    result = propose(_seed(dataset, "dj-li-heads-to-us"), _record(dataset))
    cited = {p.matches: p.date for p in result.proposals if p.kind == "source-only"}
    assert "us-cn-fentanyl-20" not in cited
    dated = ArticleIn(
        text="Chinese goods have paid the 20% tariff linked to fentanyl since March 4, 2025.",
        published=datetime(2025, 9, 10, 9, 0, tzinfo=ZoneInfo("America/New_York")),
        timezone="America/New_York",
    )
    result = propose(dated, _record(dataset))
    cited = {p.matches: p.date for p in result.proposals if p.kind == "source-only"}
    assert cited == {"us-cn-fentanyl-20": "2025-03-04"}


def test_repeats_become_further_sources_and_new_names_become_people(
    dataset: Dataset,
) -> None:
    text = (
        "Commerce Secretary Howard Lutnick said on Tuesday that the 10% surcharge under "
        "Section 122 took effect on February 24 and would lapse in July.\n"
        "Separately, Treasury Secretary Scott Bessent and He Lifeng held talks in Paris on "
        "March 15."
    )
    article = ArticleIn(
        text=text,
        published=datetime(2026, 3, 18, 9, 0, tzinfo=ZoneInfo("America/New_York")),
        timezone="America/New_York",
    )
    result = propose(article, _record(dataset))
    people = [p for p in result.proposals if p.kind == "person"]
    assert [p.title for p in people] == ["Howard Lutnick"]
    tariff = next(p for p in result.proposals if p.rate == 10)
    assert (tariff.imposer, tariff.target, tariff.legal_basis) == ("US", "CN", "Section 122")
    assert tariff.matches == "us-cn-sec122-10" and tariff.kind == "source-only"
    paris = next(p for p in result.proposals if p.matches == "paris-talks")
    assert paris.kind == "source-only" and paris.date == "2026-03-15"
    assert {"scott-bessent", "he-lifeng"} <= set(paris.people)
    for proposal in result.proposals:
        assert proposal.evidence and all(e in text.replace("\n", " ") for e in proposal.evidence)


def test_a_rate_that_differs_from_the_record_is_flagged(dataset: Dataset) -> None:
    article = ArticleIn(
        text="The Section 122 surcharge on Chinese goods rose to 15% on Wednesday, importers said.",
        published=datetime(2026, 3, 6, 9, 0, tzinfo=ZoneInfo("America/New_York")),
        timezone="America/New_York",
    )
    result = propose(article, _record(dataset))
    # a rate moved: an update of the recorded layer, its value now beside the article's
    update = next(p for p in result.proposals if p.kind == "update")
    assert update.matches == "us-cn-sec122-10" and update.date == "2026-03-04"
    assert update.change is not None
    assert (update.change.field, update.change.old, update.change.new) == ("rate", "10%", "15%")
    stated = ArticleIn(
        text="The Section 122 surcharge on Chinese goods stood at 15% on Wednesday, a broker said.",
        published=article.published,
        timezone=article.timezone,
    )
    # a rate stated as it was, and not the record's: a problem of the article, flagged
    said = propose(stated, _record(dataset))
    assert not said.proposals
    note = next(c for c in said.conflicts if c.why == "a rate that differs from the recorded one")
    assert note.item == "us-cn-sec122-10" and "10%" in note.record
