"""Sources and the conflicts between them, and brief quotes."""

from __future__ import annotations

from typing import Annotated, Literal
from zoneinfo import ZoneInfo

from pydantic import (
    Field,
    HttpUrl,
    model_validator,
)

from bot.dates import FuzzyDate
from bot.models._common import (
    Day,
    Instant,
    ItemId,
    Model,
    ShortText,
    TimeZoneName,
)

# ---------------------------------------------------------------------------------------
# Sources and conflicts
# ---------------------------------------------------------------------------------------


class Source(Model):
    """An article (or, for the public record, an official document) that items cite."""

    id: ItemId
    kind: Literal["article", "record"] = "article"
    """article: one of the seed articles; record: a public-record reference used to settle
    conflicts and outcomes (official documents, wire reports)."""
    outlet: ShortText
    headline: ShortText
    author: str | None = None
    url: HttpUrl | None = None
    published: Instant | None = None
    """Exact publication instant, when the page gives it."""
    published_window: FuzzyDate | None = None
    """When only a window is known (no date on the page; inferred from the story)."""
    timezone: TimeZoneName
    """The zone the article speaks in: its 'Monday', 'this evening' are read in this zone."""
    page_date: Day | None = None
    """The date the page shows, when it differs from when the story was written."""
    retells: list[ItemId] = []
    """Sources this one retells (rewrites or syndicates)."""
    seed_file: str | None = None
    problems: list[str] = []
    """Known problems a reader should see: misattribution, factual errors, odd dates."""

    @model_validator(mode="after")
    def _when(self) -> Source:
        if self.published is None and self.published_window is None:
            raise ValueError("give published (exact) or published_window (when only a range)")
        return self

    @property
    def date_window(self) -> FuzzyDate:
        if self.published is not None:
            local = self.published.astimezone(ZoneInfo(self.timezone))
            return FuzzyDate.day(local.date())
        assert self.published_window is not None
        return self.published_window


class Claim(Model):
    source: ItemId
    says: str = Field(min_length=1, max_length=500)


class Conflict(Model):
    """One dispute between sources (or one source that is wrong), with what the public record
    says: an item of its own, which every event, person, tariff layer or milestone it touches
    names by id (`conflicts: [id]`), so it is recorded and shown once."""

    id: ItemId
    question: ShortText
    """What the sources disagree about, as a question or a short heading."""
    claims: Annotated[list[Claim], Field(min_length=1)]
    verdict: str | None = Field(default=None, max_length=500)
    """Which side is right, when the public record settles it."""
    supported_by: list[ItemId] = []
    """Sources (claims' or official) that support the verdict."""

    @property
    def settled(self) -> bool:
        return self.verdict is not None

    def source_ids(self) -> set[str]:
        return {c.source for c in self.claims} | set(self.supported_by)

    def all_source_ids(self) -> set[str]:
        return self.source_ids()


ConflictIds = list[ItemId]
"""The conflicts an item is part of, by id (see Conflict)."""


class Quote(Model):
    """A brief quotation, always attributed."""

    text: str = Field(min_length=1, max_length=300)
    speaker: ItemId
    source: ItemId
