"""The store: the only code that speaks SQL.

Items live in one table keyed by (kind, item_id, scope). Curated items have scope 0 and
are shared by every server; a server's own additions and its corrections of curated items
("overlays") carry the server's id as scope. A server sees its own row where it has one,
else the curated row. Removal hides a row (removed = true) and keeps it.

Every public write runs in one transaction that also appends an audit entry, so a failure
leaves nothing half-written. The data version (for caches) is the newest audit id, kept
in memory (see _cache.py); reads of the small kinds, single items, pickers' titles and
timeline pages are served from caches keyed by it.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, TypeVar, cast

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from bot.clock import Clock, SystemClock
from bot.models import (
    MODEL_FOR_KIND,
    AnyItem,
    AuditAction,
    AuditEntry,
    Event,
    GuildConfig,
    Kind,
    kind_of,
)
from bot.store import _schema as t
from bot.store._batch import BatchMixin
from bot.store._briefing import BriefingQueries
from bot.store._cache import SMALL_KINDS, VERSION_TTL, CuratedChange, VersionMixin
from bot.store._engine import create_engine, migrate
from bot.store._indexing import content_hash, dump, index_fields
from bot.store._posts import PostsMixin
from bot.store._titles import TitleIndex

log = logging.getLogger(__name__)

CURATED = t.CURATED_SCOPE
T = TypeVar("T", bound=AnyItem)


class StoreError(Exception):
    """A write the store refuses; str() is a short sentence for the user."""


class NotFound(StoreError):
    pass


@dataclass(frozen=True)
class Actor:
    id: int | None
    name: str


CURATED_ACTOR = Actor(None, "curated data")


@dataclass(frozen=True)
class Stored:
    """An item as one server sees it, with its storage facts."""

    item: AnyItem
    scope: int
    origin: str
    removed: bool
    removed_reason: str | None
    modified: bool
    version: int
    updated_at: datetime
    updated_by: str

    @property
    def curated(self) -> bool:
        return self.scope == CURATED


@dataclass(frozen=True)
class Cursor:
    """Keyset position in the timeline order (newest first)."""

    start: date
    end: date
    item_id: str

    def encode(self) -> str:
        return f"{self.start.isoformat()}|{self.end.isoformat()}|{self.item_id}"

    @classmethod
    def decode(cls, text: str) -> Cursor:
        start, end, item_id = text.split("|", 2)
        return cls(date.fromisoformat(start), date.fromisoformat(end), item_id)

    @classmethod
    def of(cls, event: Event) -> Cursor:
        return cls(event.date.start, event.date.end, event.id)


@dataclass(frozen=True)
class TimelineFilter:
    query: str | None = None
    person: str | None = None
    topic: str | None = None
    since: date | None = None
    until: date | None = None


@dataclass(frozen=True)
class TimelinePage:
    events: list[Event]
    has_older: bool
    has_newer: bool


@dataclass
class LoadReport:
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    kept_modified: int = 0
    retired: int = 0
    kept_ids: list[str] = field(default_factory=list)

    @property
    def changed(self) -> int:
        return self.inserted + self.updated + self.retired


def _row_model(kind: Kind, data: dict[str, Any]) -> AnyItem:
    return MODEL_FOR_KIND[kind].model_validate(data)


class Store(VersionMixin, BriefingQueries, BatchMixin, PostsMixin):
    """Async store over SQLite (aiosqlite) or PostgreSQL (asyncpg)."""

    def __init__(
        self, engine: AsyncEngine, clock: Clock | None = None, version_ttl: float = VERSION_TTL
    ) -> None:
        self.engine = engine
        self.clock: Clock = clock or SystemClock()
        self._init_versioning(version_ttl)

    # -- lifecycle ---------------------------------------------------------------------------
    @classmethod
    async def open(
        cls,
        url: str,
        *,
        clock: Clock | None = None,
        connect_args: dict[str, Any] | None = None,
        version_ttl: float = VERSION_TTL,
    ) -> Store:
        engine = create_engine(url, connect_args)
        try:
            await migrate(engine)
            store = cls(engine, clock, version_ttl)
            await store.recheck_version()
        except Exception:
            await engine.dispose()
            raise
        return store

    async def close(self) -> None:
        await self.engine.dispose()

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    # -- visibility ----------------------------------------------------------------------------
    @staticmethod
    def _visible(
        kind: Kind, guild_id: int | None, include_removed: bool = False
    ) -> sa.ColumnElement[bool]:
        i = t.items
        cond: sa.ColumnElement[bool]
        if guild_id is None:
            cond = sa.and_(i.c.kind == kind.value, i.c.scope == CURATED)
        else:
            o = t.items.alias("o")
            shadowed = (
                sa.select(sa.literal(1))
                .where(o.c.kind == i.c.kind, o.c.item_id == i.c.item_id, o.c.scope == guild_id)
                .exists()
            )
            cond = sa.and_(
                i.c.kind == kind.value,
                sa.or_(i.c.scope == guild_id, sa.and_(i.c.scope == CURATED, ~shadowed)),
            )
        if not include_removed:
            cond = sa.and_(cond, i.c.removed == sa.false())
        return cond

    @staticmethod
    def _stored(kind: Kind, row: sa.Row[Any]) -> Stored:
        return Stored(
            item=_row_model(kind, row.data),
            scope=row.scope,
            origin=row.origin,
            removed=row.removed,
            removed_reason=row.removed_reason,
            modified=row.modified,
            version=row.version,
            updated_at=row.updated_at,
            updated_by=row.updated_by,
        )

    # -- reads ---------------------------------------------------------------------------------
    async def get(
        self, kind: Kind, item_id: str, guild_id: int | None, *, include_removed: bool = False
    ) -> Stored | None:
        version = await self.data_version()
        key = (kind, item_id, guild_id, include_removed, version)
        hit = self.caches.items.get(key)
        if hit is not None:
            return hit[0]  # type: ignore[no-any-return]
        stmt = sa.select(t.items).where(
            self._visible(kind, guild_id, include_removed), t.items.c.item_id == item_id
        )
        async with self.engine.connect() as conn:
            row = (await conn.execute(stmt)).first()
        stored = self._stored(kind, row) if row else None
        self.caches.items.put(key, (stored,))
        return stored

    async def get_item(self, kind: Kind, item_id: str, guild_id: int | None) -> AnyItem | None:
        stored = await self.get(kind, item_id, guild_id)
        return stored.item if stored else None

    async def list_items(
        self, kind: Kind, guild_id: int | None, *, include_removed: bool = False
    ) -> list[AnyItem]:
        """Every visible item of a kind, in date order. The small kinds come from memory
        (one query per kind, server and data version); events always from the database."""
        if kind in SMALL_KINDS:
            version = await self.data_version()
            key = (kind, guild_id, include_removed)
            hit = self.caches.lists.get(key, version)
            if hit is None:
                hit = await self._list_items(kind, guild_id, include_removed)
                self.caches.lists.put(key, version, hit)
            return list(hit)
        return await self._list_items(kind, guild_id, include_removed)

    async def _list_items(
        self, kind: Kind, guild_id: int | None, include_removed: bool
    ) -> list[AnyItem]:
        stmt = (
            sa.select(t.items.c.data)
            .where(self._visible(kind, guild_id, include_removed))
            .order_by(t.items.c.sort_start, t.items.c.sort_end, t.items.c.item_id)
        )
        async with self.engine.connect() as conn:
            rows = (await conn.execute(stmt)).all()
        return [_row_model(kind, r.data) for r in rows]

    async def list_stored(
        self, kind: Kind, guild_id: int | None, *, include_removed: bool = False
    ) -> list[Stored]:
        stmt = (
            sa.select(t.items)
            .where(self._visible(kind, guild_id, include_removed))
            .order_by(t.items.c.sort_start, t.items.c.sort_end, t.items.c.item_id)
        )
        async with self.engine.connect() as conn:
            rows = (await conn.execute(stmt)).all()
        return [self._stored(kind, r) for r in rows]

    async def list_typed(self, model: type[T], guild_id: int | None) -> list[T]:
        kind = next(k for k, m in MODEL_FOR_KIND.items() if m is model)
        return cast(list[T], await self.list_items(kind, guild_id))

    async def titles(
        self, kind: Kind, guild_id: int | None, *, include_removed: bool = False
    ) -> list[tuple[str, str]]:
        """(item_id, title) of every visible item of a kind, newest first. The small kinds'
        lists are kept per (kind, server, data version) for autocomplete; events are read
        each time (the event pickers use `event_titles_matching` and never need them all)."""
        if kind is Kind.EVENT:
            return await self._titles(kind, guild_id, include_removed)
        version = await self.data_version()
        key = (kind, guild_id, include_removed)
        hit = self.caches.titles.get(key, version)
        if hit is None:
            hit = await self._titles(kind, guild_id, include_removed)
            self.caches.titles.put(key, version, hit)
        return list(hit)

    async def event_titles_matching(
        self,
        guild_id: int | None,
        typed: str,
        *,
        include_removed: bool = False,
        exact: bool = False,
        limit: int = 25,
    ) -> list[tuple[str, str]]:
        """(item_id, title) of up to `limit` events this server sees whose title or id words
        start with every word typed (a word that starts none stands for the closest title
        words: a typo), newest first; `exact`: titles equal to it. From memory: the
        curated events' word index is built once and kept current; the server's own rows are
        read once per data version."""
        curated = await self._curated_event_titles()
        own, hidden = await self._own_event_titles(guild_id)
        found = curated.search(
            typed, limit=limit, include_removed=include_removed, hidden=hidden, exact=exact
        )
        if len(own):
            found += own.search(typed, limit=limit, include_removed=include_removed, exact=exact)
            found.sort()
        return [(item_id, title) for _, item_id, title in found[:limit]]

    async def _curated_event_titles(self) -> TitleIndex:
        index: TitleIndex | None = await self.maintained(EVENT_TITLES)
        if index is None:
            version = await self.curated_version()
            index = TitleIndex.of(await self._event_title_rows(CURATED))
            self.keep(EVENT_TITLES, version, index)
        return index

    async def _own_event_titles(self, guild_id: int | None) -> tuple[TitleIndex, frozenset[str]]:
        """A server's own event rows (additions and overlays, removed too), and the ids they
        hide among the curated ones."""
        if guild_id is None:
            return TitleIndex(), frozenset()
        version = await self.data_version()
        key = (EVENT_TITLES, guild_id)
        hit: tuple[TitleIndex, frozenset[str]] | None = self.caches.derived.get(key, version)
        if hit is None:
            index = TitleIndex.of(await self._event_title_rows(guild_id))
            hit = (index, frozenset(index.entries))
            self.caches.derived.put(key, version, hit)
        return hit

    async def _event_title_rows(self, scope: int) -> list[tuple[str, str, date | None, bool]]:
        i = t.items
        stmt = sa.select(i.c.item_id, i.c.title, i.c.sort_start, i.c.removed).where(
            i.c.kind == Kind.EVENT.value, i.c.scope == scope
        )
        async with self.engine.connect() as conn:
            rows = (await conn.execute(stmt)).all()
        return [(r.item_id, r.title, r.sort_start, bool(r.removed)) for r in rows]

    async def _titles(
        self, kind: Kind, guild_id: int | None, include_removed: bool
    ) -> list[tuple[str, str]]:
        stmt = (
            sa.select(t.items.c.item_id, t.items.c.title)
            .where(self._visible(kind, guild_id, include_removed))
            .order_by(t.items.c.sort_start.desc(), t.items.c.item_id)
        )
        async with self.engine.connect() as conn:
            return [(r.item_id, r.title) for r in (await conn.execute(stmt)).all()]

    async def timeline(
        self,
        guild_id: int | None,
        flt: TimelineFilter = TimelineFilter(),
        *,
        older_than: Cursor | None = None,
        newer_than: Cursor | None = None,
        limit: int = 8,
    ) -> TimelinePage:
        """One page of events, newest first, by keyset paging.

        `older_than` gives the page after a cursor (going back in time); `newer_than` the page
        before it. With neither, the newest page. Pages are kept in a bounded LRU keyed by
        (server, filters, cursors, limit, data version).
        """
        version = await self.data_version()
        key = (guild_id, flt, older_than, newer_than, limit, version)
        hit = self.caches.pages.get(key)
        if hit is None:
            hit = await self._timeline(guild_id, flt, older_than, newer_than, limit)
            self.caches.pages.put(key, hit)
        return TimelinePage(list(hit.events), hit.has_older, hit.has_newer)

    async def _timeline(
        self,
        guild_id: int | None,
        flt: TimelineFilter,
        older_than: Cursor | None,
        newer_than: Cursor | None,
        limit: int,
    ) -> TimelinePage:
        i = t.items
        key = sa.tuple_(i.c.sort_start, i.c.sort_end, i.c.item_id)
        going_newer = newer_than is not None
        async with self.engine.connect() as conn:
            where = await self._event_filters(conn, flt)
            if older_than is not None:
                where.append(key < sa.tuple_(*_cursor_values(older_than)))
            if newer_than is not None:
                where.append(key > sa.tuple_(*_cursor_values(newer_than)))
            rows = await self._event_page_rows(
                conn, guild_id, where, ascending=going_newer, limit=limit + 1
            )
        more = len(rows) > limit
        events = [cast(Event, _row_model(Kind.EVENT, data)) for data in rows[:limit]]
        if going_newer:
            events.reverse()
            return TimelinePage(events, has_older=True, has_newer=more)
        return TimelinePage(events, has_older=more, has_newer=older_than is not None)

    async def count_events(
        self, guild_id: int | None, flt: TimelineFilter = TimelineFilter()
    ) -> int:
        async with self.engine.connect() as conn:
            where = await self._event_filters(conn, flt)
            stmt = (
                sa.select(sa.func.count())
                .select_from(t.items)
                .where(self._visible(Kind.EVENT, guild_id), *where)
            )
            return int((await conn.execute(stmt)).scalar_one())

    async def events_for_person(
        self, person_id: str, guild_id: int | None, limit: int = 5
    ) -> list[Event]:
        page = await self.timeline(guild_id, TimelineFilter(person=person_id), limit=limit)
        return page.events

    async def history(self, kind: Kind, item_id: str, guild_id: int | None) -> list[AuditEntry]:
        """Changes to an item that this server sees: curated changes and its own."""
        a = t.audit
        scope_cond = (
            a.c.guild_id.is_(None)
            if guild_id is None
            else sa.or_(a.c.guild_id.is_(None), a.c.guild_id == guild_id)
        )
        stmt = (
            sa.select(a)
            .where(a.c.kind == kind.value, a.c.item_id == item_id, scope_cond)
            .order_by(a.c.id)
        )
        async with self.engine.connect() as conn:
            rows = (await conn.execute(stmt)).all()
        return [_audit_entry(r) for r in rows]

    async def audit_log(self, *, limit: int | None = None) -> list[AuditEntry]:
        stmt = sa.select(t.audit).order_by(t.audit.c.id)
        if limit is not None:
            stmt = stmt.limit(limit)
        async with self.engine.connect() as conn:
            return [_audit_entry(r) for r in (await conn.execute(stmt)).all()]

    # -- writes --------------------------------------------------------------------------------
    async def _row(
        self, conn: AsyncConnection, kind: Kind, item_id: str, scope: int
    ) -> sa.Row[Any] | None:
        stmt = sa.select(t.items).where(
            t.items.c.kind == kind.value, t.items.c.item_id == item_id, t.items.c.scope == scope
        )
        return (await conn.execute(stmt)).first()

    async def _write(
        self,
        conn: AsyncConnection,
        item: AnyItem,
        *,
        scope: int,
        origin: str,
        actor: Actor,
        now: datetime,
        existing: Any,
        modified: bool,
        curated_hash: str | None = None,
        removed: bool = False,
        removed_reason: str | None = None,
    ) -> None:
        kind = kind_of(item)
        fields = index_fields(item)
        values: dict[str, Any] = {
            "origin": origin,
            "data": dump(item),
            "sort_start": fields.sort_start,
            "sort_end": fields.sort_end,
            "topic": fields.topic,
            "title": fields.title,
            "removed": removed,
            "removed_reason": removed_reason,
            "modified": modified,
            "updated_at": now,
            "updated_by": actor.name[:100],
        }
        if curated_hash is not None:
            values["curated_hash"] = curated_hash
        key = {"kind": kind.value, "item_id": item.id, "scope": scope}
        if scope == CURATED:
            self._note_curated(
                conn,
                CuratedChange(
                    kind,
                    item.id,
                    existing.data if existing is not None else None,
                    bool(existing.removed) if existing is not None else False,
                    item,
                    removed,
                    fields.title,
                    fields.sort_start,
                ),
            )
        if existing is None:
            await conn.execute(sa.insert(t.items).values(**key, **values, version=1))
        else:
            await conn.execute(
                sa.update(t.items)
                .where(
                    t.items.c.kind == kind.value,
                    t.items.c.item_id == item.id,
                    t.items.c.scope == scope,
                )
                .values(**values, version=existing.version + 1)
            )
        for table in (t.item_people, t.item_terms):
            await conn.execute(
                sa.delete(table).where(
                    table.c.kind == kind.value, table.c.item_id == item.id, table.c.scope == scope
                )
            )
        if fields.people:
            await conn.execute(
                sa.insert(t.item_people),
                [{**key, "person_id": p} for p in sorted(fields.people)],
            )
        if fields.terms:
            await conn.execute(
                sa.insert(t.item_terms),
                [{**key, "term": term} for term in sorted(fields.terms)],
            )

    async def _audit(
        self,
        conn: AsyncConnection,
        *,
        now: datetime,
        guild_id: int | None,
        actor: Actor,
        kind: Kind,
        item_id: str,
        action: AuditAction,
        before: dict[str, Any] | None,
        after: dict[str, Any] | None,
        reason: str | None,
    ) -> None:
        await self._insert_audit(
            conn,
            [
                {
                    "at": now,
                    "guild_id": guild_id,
                    "actor_id": actor.id,
                    "actor_name": actor.name[:100],
                    "kind": kind.value,
                    "item_id": item_id,
                    "action": action.value,
                    "before": before,
                    "after": after,
                    "reason": (reason or None) and reason[:500],
                }
            ],
        )

    async def _visible_row(
        self, conn: AsyncConnection, kind: Kind, item_id: str, guild_id: int | None
    ) -> sa.Row[Any] | None:
        if guild_id is not None:
            own = await self._row(conn, kind, item_id, guild_id)
            if own is not None:
                return own
        return await self._row(conn, kind, item_id, CURATED)

    async def save(
        self,
        item: AnyItem,
        *,
        guild_id: int | None,
        actor: Actor,
        reason: str | None = None,
        expect_new: bool = False,
    ) -> Stored:
        """Add or change an item as `actor`, for one server (or curated, when guild_id is None).

        A server's change to a curated item becomes that server's overlay. One transaction
        writes the new state and the audit entry (the one-item case of `save_many`)."""
        saved = await self.save_many(
            [item], guild_id=guild_id, actor=actor, reason=reason, expect_new=expect_new
        )
        return saved[0]

    async def _set_removed(
        self,
        kind: Kind,
        item_id: str,
        *,
        guild_id: int | None,
        actor: Actor,
        removed: bool,
        reason: str | None,
    ) -> Stored:
        now = self.clock.now()
        async with self._changing() as conn:
            visible = await self._visible_row(conn, kind, item_id, guild_id)
            if visible is None:
                raise NotFound(f"no {kind.value} with id '{item_id}'")
            if bool(visible.removed) == removed:
                state = "removed" if removed else "shown"
                raise StoreError(f"that {kind.value} is already {state}")
            scope = CURATED if guild_id is None else guild_id
            own = visible if visible.scope == scope else None
            item = _row_model(kind, visible.data)
            origin = t.origin_for(guild_id, own, visible)
            await self._write(
                conn,
                item,
                scope=scope,
                origin=origin,
                actor=actor,
                now=now,
                existing=own,
                modified=True,
                removed=removed,
                removed_reason=reason if removed else None,
            )
            await self._audit(
                conn,
                now=now,
                guild_id=guild_id,
                actor=actor,
                kind=kind,
                item_id=item_id,
                action=AuditAction.REMOVE if removed else AuditAction.RESTORE,
                before=visible.data,
                after=visible.data,
                reason=reason,
            )
            row = await self._row(conn, kind, item_id, scope)
        assert row is not None
        return self._stored(kind, row)

    async def remove(
        self, kind: Kind, item_id: str, *, guild_id: int | None, actor: Actor, reason: str
    ) -> Stored:
        """Hide an item from readers (for one server, or everywhere when curated). Kept."""
        return await self._set_removed(
            kind, item_id, guild_id=guild_id, actor=actor, removed=True, reason=reason
        )

    async def restore(
        self,
        kind: Kind,
        item_id: str,
        *,
        guild_id: int | None,
        actor: Actor,
        reason: str | None = None,
    ) -> Stored:
        return await self._set_removed(
            kind, item_id, guild_id=guild_id, actor=actor, removed=False, reason=reason
        )

    # -- curated data --------------------------------------------------------------------------
    async def sync_curated(
        self, items: Iterable[AnyItem], *, retire_missing: bool = True
    ) -> LoadReport:
        """Load curated items idempotently, in one transaction.

        New items are inserted; changed ones updated; unchanged ones left alone. A curated
        row changed by an admin (modified) is never overwritten. Curated rows no longer in
        the data are hidden (kept, restorable), unless modified."""
        report = LoadReport()
        now = self.clock.now()
        seen: set[tuple[str, str]] = set()
        async with self._changing() as conn:
            existing_rows = (
                await conn.execute(
                    sa.select(
                        t.items.c.kind,
                        t.items.c.item_id,
                        t.items.c.curated_hash,
                        t.items.c.modified,
                        t.items.c.removed,
                        t.items.c.removed_reason,
                        t.items.c.version,
                        t.items.c.data,
                    ).where(t.items.c.scope == CURATED)
                )
            ).all()
            existing = {(r.kind, r.item_id): r for r in existing_rows}
            for item in items:
                kind = kind_of(item)
                data = dump(item)
                digest = content_hash(data)
                key = (kind.value, item.id)
                if key in seen:
                    raise StoreError(f"duplicate curated {kind.value} id '{item.id}'")
                seen.add(key)
                row = existing.get(key)
                if row is not None and row.modified:
                    report.kept_modified += 1
                    report.kept_ids.append(f"{kind.value}:{item.id}")
                    continue
                if row is not None and row.curated_hash == digest and not row.removed:
                    report.unchanged += 1
                    continue
                await self._write(
                    conn,
                    item,
                    scope=CURATED,
                    origin="curated",
                    actor=CURATED_ACTOR,
                    now=now,
                    existing=row,
                    modified=False,
                    curated_hash=digest,
                )
                await self._audit(
                    conn,
                    now=now,
                    guild_id=None,
                    actor=CURATED_ACTOR,
                    kind=kind,
                    item_id=item.id,
                    action=AuditAction.IMPORT,
                    before=row.data if row is not None else None,
                    after=data,
                    reason="curated data loaded",
                )
                if row is None:
                    report.inserted += 1
                else:
                    report.updated += 1
            if retire_missing:
                for key, row in existing.items():
                    if key in seen or row.modified or row.removed:
                        continue
                    kind = Kind(row.kind)
                    item = _row_model(kind, row.data)
                    fields = index_fields(item)
                    change = CuratedChange(
                        kind,
                        row.item_id,
                        row.data,
                        False,
                        item,
                        True,
                        fields.title,
                        fields.sort_start,
                    )
                    self._note_curated(conn, change)
                    await conn.execute(
                        sa.update(t.items)
                        .where(
                            t.items.c.kind == row.kind,
                            t.items.c.item_id == row.item_id,
                            t.items.c.scope == CURATED,
                        )
                        .values(
                            removed=True,
                            removed_reason="no longer in the curated data",
                            version=row.version + 1,
                            updated_at=now,
                            updated_by=CURATED_ACTOR.name,
                        )
                    )
                    await self._audit(
                        conn,
                        now=now,
                        guild_id=None,
                        actor=CURATED_ACTOR,
                        kind=kind,
                        item_id=row.item_id,
                        action=AuditAction.REMOVE,
                        before=row.data,
                        after=row.data,
                        reason="no longer in the curated data",
                    )
                    report.retired += 1
        return report

    # -- server settings -----------------------------------------------------------------------
    async def guild_config(self, guild_id: int) -> GuildConfig:
        async with self.engine.connect() as conn:
            row = (
                await conn.execute(
                    sa.select(t.guild_config.c.data).where(t.guild_config.c.guild_id == guild_id)
                )
            ).first()
        if row is None:
            return GuildConfig(guild_id=guild_id)
        return GuildConfig.model_validate(row.data)

    async def guild_configs(self) -> list[GuildConfig]:
        async with self.engine.connect() as conn:
            rows = (
                await conn.execute(
                    sa.select(t.guild_config.c.data).order_by(t.guild_config.c.guild_id)
                )
            ).all()
        return [GuildConfig.model_validate(r.data) for r in rows]

    async def save_guild_config(self, config: GuildConfig) -> None:
        now = self.clock.now()
        data = config.model_dump(mode="json")
        async with self.engine.begin() as conn:
            exists = (
                await conn.execute(
                    sa.select(sa.literal(1)).where(t.guild_config.c.guild_id == config.guild_id)
                )
            ).first()
            if exists:
                await conn.execute(
                    sa.update(t.guild_config)
                    .where(t.guild_config.c.guild_id == config.guild_id)
                    .values(data=data, updated_at=now)
                )
            else:
                await conn.execute(
                    sa.insert(t.guild_config).values(
                        guild_id=config.guild_id, data=data, updated_at=now
                    )
                )

    # -- meta ----------------------------------------------------------------------------------
    async def get_meta(self, key: str) -> str | None:
        async with self.engine.connect() as conn:
            return (
                await conn.execute(sa.select(t.meta.c.value).where(t.meta.c.key == key))
            ).scalar_one_or_none()

    async def set_meta(self, key: str, value: str) -> None:
        async with self.engine.begin() as conn:
            updated = await conn.execute(
                sa.update(t.meta).where(t.meta.c.key == key).values(value=value)
            )
            if updated.rowcount == 0:
                await conn.execute(sa.insert(t.meta).values(key=key, value=value))

    # -- bulk (benchmarks, imports) ------------------------------------------------------------
    async def bulk_insert(
        self, items: Sequence[AnyItem], *, guild_id: int | None, actor: Actor
    ) -> None:
        """Insert many new items in one transaction (no overlays; ids must be new)."""
        now = self.clock.now()
        scope = CURATED if guild_id is None else guild_id
        rows: list[dict[str, Any]] = []
        people: list[dict[str, Any]] = []
        terms: list[dict[str, Any]] = []
        audits: list[dict[str, Any]] = []
        changes: list[CuratedChange] = []
        for item in items:
            kind = kind_of(item)
            fields = index_fields(item)
            data = dump(item)
            key = {"kind": kind.value, "item_id": item.id, "scope": scope}
            rows.append(
                {
                    **key,
                    "origin": "curated" if guild_id is None else "guild",
                    "data": data,
                    "sort_start": fields.sort_start,
                    "sort_end": fields.sort_end,
                    "topic": fields.topic,
                    "title": fields.title,
                    "removed": False,
                    "removed_reason": None,
                    "curated_hash": None,
                    "modified": True,
                    "version": 1,
                    "updated_at": now,
                    "updated_by": actor.name,
                }
            )
            if scope == CURATED:
                changes.append(
                    CuratedChange(
                        kind, item.id, None, False, item, False, fields.title, fields.sort_start
                    )
                )
            people.extend({**key, "person_id": p} for p in sorted(fields.people))
            terms.extend({**key, "term": term} for term in sorted(fields.terms))
            audits.append(
                {
                    "at": now,
                    "guild_id": guild_id,
                    "actor_id": actor.id,
                    "actor_name": actor.name,
                    "kind": kind.value,
                    "item_id": item.id,
                    "action": AuditAction.ADD.value,
                    "before": None,
                    "after": data,
                    "reason": None,
                }
            )
        async with self._changing() as conn:
            for table, batch in (
                (t.items, rows),
                (t.item_people, people),
                (t.item_terms, terms),
            ):
                for start in range(0, len(batch), 5000):
                    chunk = batch[start : start + 5000]
                    if chunk:
                        await conn.execute(sa.insert(table), chunk)
            for change in changes:
                self._note_curated(conn, change)
            await self._insert_audit(conn, audits)


EVENT_TITLES = "event-titles"


def _cursor_values(cursor: Cursor) -> tuple[date, date, str]:
    return (cursor.start, cursor.end, cursor.item_id)


def _audit_entry(row: sa.Row[Any]) -> AuditEntry:
    return AuditEntry(
        id=row.id,
        at=row.at,
        guild_id=row.guild_id,
        actor_id=row.actor_id,
        actor_name=row.actor_name,
        kind=Kind(row.kind),
        item_id=row.item_id,
        action=AuditAction(row.action),
        before=row.before,
        after=row.after,
        reason=row.reason,
    )
