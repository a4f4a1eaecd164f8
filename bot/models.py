"""The domain: sources, people, events, tariff measures, milestones, server settings, audit.

Every model validates on its own; cross-references (an event's people and sources) are
checked by `bot.curated.validate_dataset`, which sees the whole set.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time
from enum import StrEnum
from itertools import pairwise
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    HttpUrl,
    StringConstraints,
    field_validator,
    model_validator,
)

from bot.dates import FuzzyDate

ItemId = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]{1,63}$")]
ShortText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
LongText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=1500)]
SourceIds = Annotated[list[ItemId], Field(min_length=1)]

TITLE_MAX = 200
SUMMARY_MAX = 1500


def _check_zone(value: str) -> str:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"'{value}' is not an IANA time zone (e.g. America/New_York)") from None
    return value


TimeZoneName = Annotated[str, AfterValidator(_check_zone)]


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Kind(StrEnum):
    """The kinds of stored item; also the YAML file names under data/."""

    SOURCE = "source"
    PERSON = "person"
    EVENT = "event"
    TARIFF = "tariff"
    MILESTONE = "milestone"
    CONFLICT = "conflict"


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
    published: AwareDatetime | None = None
    """Exact publication instant, when the page gives it."""
    published_window: FuzzyDate | None = None
    """When only a window is known (no date on the page; inferred from the story)."""
    timezone: TimeZoneName
    """The zone the article speaks in: its 'Monday', 'this evening' are read in this zone."""
    page_date: date | None = None
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


# ---------------------------------------------------------------------------------------
# People
# ---------------------------------------------------------------------------------------


class Post(Model):
    title: ShortText
    organisation: ShortText
    start: FuzzyDate | None = None
    end: FuzzyDate | None = None
    """None while held."""
    sources: SourceIds

    @property
    def current(self) -> bool:
        return self.end is None


class Person(Model):
    id: ItemId
    name: ShortText
    aliases: list[str] = []
    country: ShortText
    affiliation: ShortText
    bio: LongText
    posts: list[Post] = []
    aide_to: list[ItemId] = []
    sources: SourceIds
    conflicts: ConflictIds = []

    def current_posts(self) -> list[Post]:
        return [p for p in self.posts if p.current]

    def all_source_ids(self) -> set[str]:
        ids = set(self.sources)
        for p in self.posts:
            ids.update(p.sources)
        return ids


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


# ---------------------------------------------------------------------------------------
# Tariffs
# ---------------------------------------------------------------------------------------


class TariffStatus(StrEnum):
    THREATENED = "threatened"
    ANNOUNCED = "announced"
    IN_FORCE = "in_force"
    SUSPENDED = "suspended"
    LIFTED = "lifted"


class StatusChange(Model):
    status: TariffStatus
    day: date
    """The day the status took effect (YAML reads a bare `on` key as a boolean, hence `day`)."""
    note: str | None = None
    until: date | None = None
    """The day this status was due to end, as the sources gave it (a suspension "until
    10 Nov 2026"). Past it, with no later change on record, readers are told that what
    followed is not on record rather than shown the old status as if it still stood."""

    @model_validator(mode="after")
    def _until_after(self) -> StatusChange:
        if self.until is not None and self.until <= self.day:
            raise ValueError(f"until ({self.until}) is not after day ({self.day})")
        return self


Country = Annotated[str, StringConstraints(pattern=r"^[A-Z]{2}$")]
"""ISO 3166 alpha-2, plus EU for the European Union."""


class TariffMeasure(Model):
    """One layer of a tariff stack: a rate imposed under one legal basis.

    Its life is a list of status changes; the status on any date, and so the rate in force,
    follows from that list. A rate change is a new measure that replaces the old one
    (the old one is lifted on the day the new one takes force).
    """

    id: ItemId
    imposer: Country
    target: Country
    name: ShortText
    legal_basis: ShortText
    rate: float = Field(ge=0, le=1000)
    """Percentage points added on top of what else applies (the highest band, when the rate
    varies by product: see rate_from)."""
    rate_from: float | None = Field(default=None, ge=0, le=1000)
    """For a product list whose rate varies by item (5% to 25%): the lowest band."""
    coverage: ShortText = "all goods"
    applies_to_all: bool = True
    """Counts toward the headline total: a duty on every good from the target, bar listed
    exemptions (not a product list)."""
    history: Annotated[list[StatusChange], Field(min_length=1)]
    planned_from: date | None = None
    """For a threatened or announced measure: the start date it was given."""
    sources: SourceIds
    conflicts: ConflictIds = []

    @model_validator(mode="after")
    def _bands(self) -> TariffMeasure:
        if self.rate_from is not None:
            if self.applies_to_all:
                raise ValueError("rate_from (a range of rates) is only for product lists")
            if self.rate_from >= self.rate:
                raise ValueError("rate_from must be below rate (the highest band)")
        return self

    @field_validator("history")
    @classmethod
    def _chronological(cls, value: list[StatusChange]) -> list[StatusChange]:
        for a, b in pairwise(value):
            if b.day < a.day:
                raise ValueError(f"status changes out of order: {a.day} then {b.day}")
        return value

    @property
    def status(self) -> TariffStatus:
        return self.history[-1].status

    def status_on(self, day: date) -> TariffStatus | None:
        """Status on `day`; None before the measure was first heard of."""
        current: TariffStatus | None = None
        for change in self.history:
            if change.day <= day:
                current = change.status
            else:
                break
        return current

    def in_force_on(self, day: date) -> bool:
        return self.status_on(day) is TariffStatus.IN_FORCE

    def overdue_on(self, day: date) -> date | None:
        """The end date the status in force on `day` was due to reach, when `day` is past it
        and no later change is on record: what happened next is unknown."""
        current: StatusChange | None = None
        for change in self.history:
            if change.day <= day:
                current = change
            else:
                return None
        if current is not None and current.until is not None and current.until <= day:
            return current.until
        return None

    @property
    def effective_from(self) -> date | None:
        for change in self.history:
            if change.status is TariffStatus.IN_FORCE:
                return change.day
        return None

    @property
    def effective_until(self) -> date | None:
        """First day it no longer applied (exclusive end), if it took force and ended."""
        started = False
        for change in self.history:
            if change.status is TariffStatus.IN_FORCE:
                started = True
            elif started:
                return change.day
        return None

    def change_dates(self) -> Iterable[date]:
        return (c.day for c in self.history)

    def all_source_ids(self) -> set[str]:
        return set(self.sources)


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
    at: AwareDatetime
    """When it starts (or falls due), with the offset of the zone it is set in."""
    ends: AwareDatetime | None = None
    all_day: bool = False
    """The sources give the day(s) but not the hour: show dates, not times."""
    timezone: TimeZoneName
    place: str | None = None
    kind: MilestoneKind
    description: str | None = Field(default=None, max_length=1000)
    outcome: Outcome | None = None
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


# ---------------------------------------------------------------------------------------
# Per-server state
# ---------------------------------------------------------------------------------------


class Frequency(StrEnum):
    DAILY = "daily"
    WEEKLY = "weekly"


class GuildConfig(Model):
    guild_id: int
    digest_channel_id: int | None = None
    digest_time: time = time(9, 0)
    timezone: TimeZoneName = "UTC"
    frequency: Frequency = Frequency.DAILY
    weekday: int = Field(default=0, ge=0, le=6)
    """0 = Monday; used when frequency is weekly."""
    alerts_enabled: bool = True
    paused_reason: str | None = None
    editor_role_id: int | None = None
    digest_since: AwareDatetime | None = None
    """When the digest was (last) set up: slots and alerts before this are not owed."""


class AuditAction(StrEnum):
    ADD = "add"
    EDIT = "edit"
    REMOVE = "remove"
    RESTORE = "restore"
    IMPORT = "import"


class AuditEntry(Model):
    id: int | None = None
    at: AwareDatetime
    guild_id: int | None
    actor_id: int | None
    actor_name: str
    kind: Kind
    item_id: ItemId
    action: AuditAction
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    reason: str | None = None


AnyItem = Source | Person | Event | TariffMeasure | Milestone | Conflict
Disputable = Person | Event | TariffMeasure | Milestone
"""The items that can be part of a conflict."""

MODEL_FOR_KIND: dict[Kind, type[AnyItem]] = {
    Kind.SOURCE: Source,
    Kind.PERSON: Person,
    Kind.EVENT: Event,
    Kind.TARIFF: TariffMeasure,
    Kind.MILESTONE: Milestone,
    Kind.CONFLICT: Conflict,
}


def kind_of(item: AnyItem) -> Kind:
    for kind, model in MODEL_FOR_KIND.items():
        if isinstance(item, model):
            return kind
    raise TypeError(f"not a stored item: {type(item).__name__}")
