"""What the ingest path hands a curator: proposals, each with the sentences it rests on, what
it repeats in the record, and where it contradicts the record."""

from __future__ import annotations

from datetime import date as Day
from datetime import datetime
from typing import Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from bot.models import Disputable, Event, Milestone, Person, TariffMeasure

ProposalKind = Literal["event", "tariff", "milestone", "person", "update", "source-only"]


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ArticleIn(Model):
    """The article as the engine needs it: its text, when it was published and the zone it
    speaks in (its 'Monday' is read there)."""

    text: str = Field(min_length=1)
    published: AwareDatetime
    timezone: str
    headline: str | None = None
    outlet: str | None = None
    url: str | None = None


class ConflictNote(Model):
    """A claim of the article that the record contradicts, with the record's claim."""

    claim: str
    record: str
    why: str
    item: str | None = None
    """The id of the record item (or person) it contradicts, when there is one."""


class Change(Model):
    """What an update does to a recorded item: the field, the record's value now and the
    article's."""

    field: Literal["end", "outcome", "date", "rate", "status"]
    old: str | None = None
    new: str


class Proposal(Model):
    kind: ProposalKind
    date: str | None = None
    """The record's date syntax (2025-10-09, 2025-05-10..2025-05-11, week of 2025-08-25, early
    2025-11, 2025-08), or None for a person."""
    title: str
    summary: str
    people: list[str] = []
    """Record ids of people named, or the names of people the record does not know."""
    evidence: list[str] = Field(min_length=1)
    """The sentences it rests on, as the article words them."""
    matches: str | None = None
    """The id of the record item it repeats or changes."""
    conflicts: list[ConflictNote] = []
    # tariff proposals
    rate: float | None = None
    imposer: str | None = None
    target: str | None = None
    legal_basis: str | None = None
    status: str | None = None
    announced_on: Day | None = None
    """For a new tariff ("announced" with its date the day it takes effect): the day it was
    announced, when that is earlier. Accepting records both steps, so the layer reads as
    announced until that day and in force from it."""
    # milestone proposals
    at: datetime | None = None
    timezone: str | None = None
    # updates of a recorded item (kind "update", `matches` the item)
    change: Change | None = None
    score: float = 0.0
    """How strongly the article states it; the queue shows the strongest first."""
    reasons: list[str] = []
    """The rules that made it and scored it."""


class IngestResult(Model):
    proposals: list[Proposal]
    conflicts: list[ConflictNote] = []
    """Problems of the article: a page dated later than its story, an official given a post
    they did not hold, a date or rate that differs from the record's for the same fact."""
    held_back: list[Proposal] = []
    """Proposals scored below the threshold: not queued, but a curator can see them."""


class RecordView(Model):
    """The part of the record the engine compares an article with."""

    events: list[Event] = []
    people: list[Person] = []
    milestones: list[Milestone] = []
    tariffs: list[TariffMeasure] = []

    def items(self) -> list[Disputable]:
        return [*self.events, *self.milestones, *self.tariffs, *self.people]
