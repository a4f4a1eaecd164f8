"""Deadlines and meetings, and their outcomes once passed."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import (
    Field,
    model_validator,
)

from bot.models._common import (
    Instant,
    ItemId,
    Model,
    ShortText,
    SourceIds,
    TimeZoneName,
)
from bot.models._sources import ConflictIds

# ---------------------------------------------------------------------------------------
# Milestones
# ---------------------------------------------------------------------------------------


class MilestoneKind(StrEnum):
    DEADLINE = "deadline"
    MEETING = "meeting"
    TARIFF = "tariff"
    TALKS = "talks"


class OutcomeStatus(StrEnum):
    EXTENDED = "extended"
    MET = "met"
    LAPSED = "lapsed"
    HELD = "held"
    CANCELLED = "cancelled"
    WITHDRAWN = "withdrawn"


class Outcome(Model):
    status: OutcomeStatus
    note: str = Field(min_length=1, max_length=500)
    sources: SourceIds


class Milestone(Model):
    id: ItemId
    name: ShortText
    at: Instant
    """When it starts (or falls due), with the offset of the zone it is set in."""
    ends: Instant | None = None
    all_day: bool = False
    """The sources give the day(s) but not the hour: show dates, not times."""
    timezone: TimeZoneName
    place: str | None = None
    kind: MilestoneKind
    description: str | None = Field(default=None, max_length=1000)
    outcome: Outcome | None = None
    follows: ItemId | None = None
    """The milestone this one continues: an earlier deadline whose outcome was an extension
    to this date. The chain is one deadline's history (old end, extension, new end), so a
    reader sees the current end and, on its card, how it moved."""
    sources: SourceIds
    conflicts: ConflictIds = []

    @model_validator(mode="after")
    def _ends_after(self) -> Milestone:
        if self.ends is not None and self.ends < self.at:
            raise ValueError("ends is before at")
        return self

    def passed(self, now: datetime) -> bool:
        return (self.ends or self.at) <= now

    def all_source_ids(self) -> set[str]:
        ids = set(self.sources)
        if self.outcome:
            ids.update(self.outcome.sources)
        return ids
