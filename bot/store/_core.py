"""The store's core: opening it, who sees which row, reads of single items and lists, and the
one audited write every change goes through (save, remove, restore).

Items live in one table keyed by (kind, item_id, scope). Curated items have scope 0 and
are shared by every server; a server's own additions and its corrections of curated items
("overlays") carry the server's id as scope. A server sees its own row where it has one,
else the curated row. Removal hides a row (removed = true) and keeps it.

Every public write runs in one transaction that also appends an audit entry, so a failure
leaves nothing half-written. The data version (for caches) is the newest audit id, kept
in memory (see _cache.py); reads of the small kinds, single items, pickers' titles and
timeline pages are served from caches keyed by it."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any, Self, TypeVar, cast

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from bot.clock import Clock, SystemClock
from bot.models import (
    MODEL_FOR_KIND,
    AnyItem,
    AuditAction,
    AuditEntry,
    Kind,
    kind_of,
)
from bot.store import _schema as t
from bot.store._batch import BatchMixin
from bot.store._briefing import BriefingQueries
from bot.store._cache import SMALL_KINDS, VERSION_TTL, CuratedChange, VersionMixin
from bot.store._cluster import ClusterMixin
from bot.store._engine import create_engine, migrate
from bot.store._indexing import dump, index_fields
from bot.store._posts import PostsMixin
from bot.store._types import (
    CURATED,
    Actor,
    NotFound,
    Stored,
    StoreError,
    audit_entry,
    row_model,
)

log = logging.getLogger(__name__)
T = TypeVar("T", bound=AnyItem)


class StoreCore(VersionMixin, ClusterMixin, BriefingQueries, BatchMixin, PostsMixin):
    """Async store over SQLite (aiosqlite) or PostgreSQL (asyncpg): the core (see Store)."""

    def __init__(
        self,
        engine: AsyncEngine,
        clock: Clock | None = None,
        version_ttl: float = VERSION_TTL,
        connect_args: dict[str, Any] | None = None,
    ) -> None:
        self.engine = engine
        self.clock: Clock = clock or SystemClock()
        self._init_versioning(version_ttl)
        self._init_cluster(connect_args)

    # -- lifecycle ---------------------------------------------------------------------------
    @classmethod
    async def open(
        cls,
        url: str,
        *,
        clock: Clock | None = None,
        connect_args: dict[str, Any] | None = None,
        version_ttl: float = VERSION_TTL,
    ) -> Self:
        engine = create_engine(url, connect_args)
        try:
            await migrate(engine)
            store = cls(engine, clock, version_ttl, connect_args)
            await store.recheck_version()
        except Exception:
            await engine.dispose()
            raise
        return store

    async def close(self) -> None:
        await self.stop_listening()
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
            item=row_model(kind, row.data),
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
        """A server's list of a small kind shares the curated items' objects with the
        curated list (read once per version), so ten thousand servers that add nothing of
        their own hold ten thousand lists of references, not of copies."""
        shared: dict[str, AnyItem] = {}
        if guild_id is not None and kind in SMALL_KINDS:
            shared = {m.id: m for m in await self.list_items(kind, None, include_removed=True)}
        i = t.items
        stmt = (
            sa.select(i.c.scope, i.c.item_id, i.c.data)
            .where(self._visible(kind, guild_id, include_removed))
            .order_by(i.c.sort_start, i.c.sort_end, i.c.item_id)
        )
        async with self.engine.connect() as conn:
            rows = (await conn.execute(stmt)).all()
        out: list[AnyItem] = []
        for scope, item_id, data in rows:
            hit = shared.get(item_id) if scope == CURATED else None
            out.append(hit if hit is not None else row_model(kind, data))
        return out

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
        return [audit_entry(r) for r in rows]

    async def audit_log(self, *, limit: int | None = None) -> list[AuditEntry]:
        stmt = sa.select(t.audit).order_by(t.audit.c.id)
        if limit is not None:
            stmt = stmt.limit(limit)
        async with self.engine.connect() as conn:
            return [audit_entry(r) for r in (await conn.execute(stmt)).all()]

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
            item = row_model(kind, visible.data)
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
