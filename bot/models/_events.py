"""Events on the timeline, with their topics."""

from __future__ import annotations

from typing import Annotated

from pydantic import (
    StringConstraints,
)

from bot.dates import FuzzyDate
from bot.models._common import (
    ItemId,
    LongText,
    Model,
    ShortText,
    SourceIds,
)
from bot.models._sources import ConflictIds, Quote

# ---------------------------------------------------------------------------------------
# Events
# ---------------------------------------------------------------------------------------

TOPICS: tuple[str, ...] = (
    "tariffs",
    "talks",
    "export-controls",
    "agriculture",
    "technology",
    "sanctions",
    "diplomacy",
    "trade-deals",
    "enforcement",
    "courts",
)

Topic = Annotated[
    str,
    StringConstraints(strip_whitespace=True, to_lower=True, pattern=r"^[a-z][a-z-]{1,30}$"),
]


class Event(Model):
    id: ItemId
    date: FuzzyDate
    title: ShortText
    summary: LongText
    topic: Topic
    people: list[ItemId] = []
    place: str | None = None
    sources: SourceIds
    quotes: list[Quote] = []
    conflicts: ConflictIds = []

    @property
    def has_conflict(self) -> bool:
        return bool(self.conflicts)

    def all_source_ids(self) -> set[str]:
        ids = set(self.sources)
        for q in self.quotes:
            ids.add(q.source)
        return ids
