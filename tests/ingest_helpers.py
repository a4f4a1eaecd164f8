"""Shared by the ingest stage tests: one article of a Thursday afternoon in New York, run
against the record (the `view` fixture of conftest)."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from bot.curated import Dataset
from bot.ingest import ArticleIn, IngestResult, RecordView, propose

THURSDAY = date(2026, 11, 26)
NEW_YORK = ZoneInfo("America/New_York")


def run(view: RecordView, body: str) -> IngestResult:
    published = datetime(2026, 11, 26, 15, 0, tzinfo=NEW_YORK)  # a Thursday afternoon
    return propose(
        ArticleIn(text=body, published=published, timezone="America/New_York", headline="News"),
        view,
    )


def record_view(dataset: Dataset) -> RecordView:
    """The record as the ingest engine compares an article with it."""
    return RecordView(
        events=dataset.events,
        people=dataset.people,
        milestones=dataset.milestones,
        tariffs=dataset.tariffs,
    )
