"""What the web shows of the store, read once per (server view, data version).

A reader of the site sees the curated record (guild None) or, for a server that published,
what that server's members see. Either way only what a curator accepted: the store never
makes a pending proposal an item, and an article a feed or a curator added reaches readers
only once an accepted item cites it (the rule cogs/sources.py applies, repeated here since
the web never imports cogs). The audit trail is kept to the same view: the curated
entries, and for a server its own too, of items a reader may see.
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from bot.clock import Clock
from bot.models import (
    AnyItem,
    AuditAction,
    AuditEntry,
    Conflict,
    Event,
    Kind,
    Milestone,
    Person,
    Source,
    TariffMeasure,
    kind_of,
)
from bot.store import Store

RECORDS_KEPT = 8
"""Views kept: the public record and a few published servers, each at its newest version
only (a snapshot of 100,000 events is large; older versions are never asked for again)."""
AUDIT_NEWEST = 2000
"""Audit entries read for the feed of changes (it shows the newest 100 a reader may see)."""
PAGE_PATHS = {
    Kind.EVENT: "events",
    Kind.PERSON: "people",
    Kind.MILESTONE: "milestones",
    Kind.SOURCE: "sources",
}
"""Kinds with a page of their own, and its path (/events/<id> …)."""
PAGED_KINDS = tuple(PAGE_PATHS)


def title_of(item: AnyItem) -> str:
    """The line a reader knows an item by."""
    if isinstance(item, Event):
        return item.title
    if isinstance(item, TariffMeasure | Person | Milestone):
        return item.name
    if isinstance(item, Source):
        return item.headline
    return item.question


def title_in(data: dict[str, Any] | None) -> str | None:
    """The title an audit entry's stored data gives (it may be of a removed item)."""
    if not data:
        return None
    for key in ("title", "name", "headline", "question"):
        value = data.get(key)
        if isinstance(value, str):
            return value
    return None


def cited_ids(item: AnyItem) -> set[str]:
    """Every source an item cites (outcomes, posts, quotes and claims included)."""
    return set() if isinstance(item, Source) else item.all_source_ids()


@dataclass
class Record:
    """One view of the record at one data version. Built once, then only read."""

    guild_id: int | None
    version: int
    sources: dict[str, Source]
    people: dict[str, Person]
    events: list[Event]
    """Newest first, the timeline's order."""
    tariffs: list[TariffMeasure]
    milestones: list[Milestone]
    conflicts: dict[str, Conflict]
    changes: list[AuditEntry]
    """Audit entries a reader may see, newest first."""
    last_modified: datetime
    events_by_id: dict[str, Event] = field(init=False)
    milestones_by_id: dict[str, Milestone] = field(init=False)
    citing: dict[str, list[AnyItem]] = field(init=False)
    """For each source id, the items that cite it, in kind then date order."""
    naming: dict[str, list[AnyItem]] = field(init=False)
    """For each conflict id, the items that name it."""

    def __post_init__(self) -> None:
        self.events_by_id = {e.id: e for e in self.events}
        self.milestones_by_id = {m.id: m for m in self.milestones}
        self.citing = {}
        self.naming = {}
        every: list[AnyItem] = [
            *reversed(self.events),
            *self.people.values(),
            *self.tariffs,
            *self.milestones,
            *self.conflicts.values(),
        ]
        for item in every:
            for source_id in sorted(cited_ids(item)):
                self.citing.setdefault(source_id, []).append(item)
            if not isinstance(item, Conflict | Source):
                for conflict_id in item.conflicts:
                    self.naming.setdefault(conflict_id, []).append(item)

    def item(self, kind: Kind, item_id: str) -> AnyItem | None:
        """The item a reader may see, or None."""
        found: AnyItem | None
        if kind is Kind.EVENT:
            found = self.events_by_id.get(item_id)
        elif kind is Kind.PERSON:
            found = self.people.get(item_id)
        elif kind is Kind.MILESTONE:
            found = self.milestones_by_id.get(item_id)
        elif kind is Kind.SOURCE:
            found = self.sources.get(item_id)
        elif kind is Kind.CONFLICT:
            found = self.conflicts.get(item_id)
        else:
            found = next((m for m in self.tariffs if m.id == item_id), None)
        return found

    def path_of(self, item: AnyItem) -> str:
        """The page that shows an item (within the view): its own page, a tariff layer's
        row on /tariffs on a day it was in force, a conflict on the first item naming it."""
        if isinstance(item, Event | Person | Milestone | Source):
            return f"/{PAGE_PATHS[kind_of(item)]}/{item.id}"
        if isinstance(item, TariffMeasure):
            day = item.effective_from or item.history[-1].day
            return f"/tariffs?as_of={day.isoformat()}#layer-{item.id}"
        naming = self.naming.get(item.id)
        if naming:
            path = self.path_of(naming[0]).split("#")[0]
            return f"{path}#conflict-{item.id}"
        return "/timeline"

    def visible(self, kind: Kind, item_id: str) -> bool:
        return self.item(kind, item_id) is not None

    def history(self, kind: Kind, item_id: str) -> list[AuditEntry]:
        """This view's audit entries of one item, oldest first."""
        return [a for a in reversed(self.changes) if a.kind is kind and a.item_id == item_id]


def _shown_change(entry: AuditEntry, record_has: set[tuple[Kind, str]]) -> bool:
    """An entry a reader may see: one of an item they see now, or the removal of an item
    they saw (never of a source: an unreviewed article can be removed unseen)."""
    if (entry.kind, entry.item_id) in record_has:
        return True
    return entry.action is AuditAction.REMOVE and entry.kind is not Kind.SOURCE


async def load_record(store: Store, guild_id: int | None, clock: Clock) -> Record:
    """Read one view of the record from the store (its small kinds come from its caches)."""
    version = await store.data_version()
    counts = await store.citation_counts(guild_id)
    curated = {s.id for s in await store.list_typed(Source, None)}
    sources = {
        s.id: s
        for s in await store.list_typed(Source, guild_id)
        if s.id in curated or counts.get(s.id, 0) > 0
    }
    events = await store.list_typed(Event, guild_id)
    events.sort(key=lambda e: (e.date.start, e.date.end, e.id), reverse=True)
    people = {p.id: p for p in await store.list_typed(Person, guild_id)}
    tariffs = await store.list_typed(TariffMeasure, guild_id)
    milestones = await store.list_typed(Milestone, guild_id)
    conflicts = await store.conflicts_by_id(guild_id)
    every: list[AnyItem] = [*sources.values(), *events, *people.values(), *tariffs, *milestones]
    every.extend(conflicts.values())
    has = {(kind_of(i), i.id) for i in every}
    # the newest entries (the feed of changes shows AUDIT_NEWEST at most) and every entry of
    # a milestone (the calendar's SEQUENCE counts its moves); not the whole trail, which at
    # 100,000 events took longer to read than anything else
    recent = await store.audit_log(newest=AUDIT_NEWEST)
    moves = await store.audit_log(kinds=[Kind.MILESTONE])
    merged = {a.id: a for a in [*moves, *recent]}
    audit = [
        a
        for _, a in sorted(merged.items(), key=lambda kv: kv[0] or 0)
        if a.guild_id is None or (guild_id is not None and a.guild_id == guild_id)
    ]
    changes = [a for a in reversed(audit) if _shown_change(a, has)]
    newest = max((a.at for a in audit), default=clock.now())
    return Record(
        guild_id=guild_id,
        version=version,
        sources=sources,
        people=people,
        events=events,
        tariffs=tariffs,
        milestones=milestones,
        conflicts=conflicts,
        changes=changes,
        last_modified=newest.replace(microsecond=0),
    )


class Records:
    """Snapshots per (server view, data version), each read once even when requests for it
    arrive together; the oldest beyond RECORDS_KEPT are dropped."""

    def __init__(self, store: Store, clock: Clock) -> None:
        self.store = store
        self.clock = clock
        self._kept: OrderedDict[tuple[int | None, int], Record] = OrderedDict()
        self._locks: dict[int | None, asyncio.Lock] = {}
        self.loads = 0

    async def get(self, guild_id: int | None, version: int) -> Record:
        key = (guild_id, version)
        hit = self._kept.get(key)
        if hit is not None:
            return hit
        lock = self._locks.setdefault(guild_id, asyncio.Lock())
        async with lock:
            hit = self._kept.get(key)
            if hit is None:
                hit = await load_record(self.store, guild_id, self.clock)
                self.loads += 1
                for stale in [k for k in self._kept if k[0] == guild_id]:
                    del self._kept[stale]  # an older version of this view: never asked again
                self._kept[(guild_id, hit.version)] = hit
                self._kept[key] = hit
                while len(self._kept) > RECORDS_KEPT:
                    self._kept.popitem(last=False)
        return hit
