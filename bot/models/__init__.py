"""The domain: sources and conflicts, people, events, tariff measures, milestones, the
timeline's filter and pages, server settings and the audit trail.

Every model validates on its own; cross-references (an event's people and sources) are
checked by `bot.curated.check_references`, which sees the whole set. One module per kind of
item; everything is imported from here.
"""

from __future__ import annotations

from bot.models._common import (
    SUMMARY_MAX,
    TITLE_MAX,
    ItemId,
    Kind,
    LongText,
    Model,
    ShortText,
    SourceIds,
    TimeZoneName,
)
from bot.models._events import TOPICS, Event, Topic
from bot.models._feeds import (
    ACTIVE,
    EVERY_DEFAULT,
    EVERY_MAX,
    EVERY_MIN,
    PAUSED,
    REMOVED,
    Feed,
    PollReport,
)
from bot.models._milestones import Milestone, MilestoneKind, Outcome, OutcomeStatus
from bot.models._people import Person, Post
from bot.models._review import ACCEPTED, CITED, DECIDED, PENDING, REJECTED, Queued
from bot.models._server import AuditAction, AuditEntry, Frequency, GuildConfig
from bot.models._sources import Claim, Conflict, ConflictIds, Quote, Source
from bot.models._tariffs import Country, StatusChange, TariffMeasure, TariffStatus
from bot.models._timeline import Cursor, TimelineFilter, TimelinePage

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


__all__ = [
    "ACCEPTED",
    "ACTIVE",
    "CITED",
    "DECIDED",
    "EVERY_DEFAULT",
    "EVERY_MAX",
    "EVERY_MIN",
    "MODEL_FOR_KIND",
    "PAUSED",
    "PENDING",
    "REJECTED",
    "REMOVED",
    "SUMMARY_MAX",
    "TITLE_MAX",
    "TOPICS",
    "AnyItem",
    "AuditAction",
    "AuditEntry",
    "Claim",
    "Conflict",
    "ConflictIds",
    "Country",
    "Cursor",
    "Disputable",
    "Event",
    "Feed",
    "Frequency",
    "GuildConfig",
    "ItemId",
    "Kind",
    "LongText",
    "Milestone",
    "MilestoneKind",
    "Model",
    "Outcome",
    "OutcomeStatus",
    "Person",
    "PollReport",
    "Post",
    "Queued",
    "Quote",
    "ShortText",
    "Source",
    "SourceIds",
    "StatusChange",
    "TariffMeasure",
    "TariffStatus",
    "TimeZoneName",
    "TimelineFilter",
    "TimelinePage",
    "Topic",
    "kind_of",
]
