"""Who sees which row, and the one audited write every change goes through (save, remove,
restore; save_many in _batch.py). A mixin of StoreCore.

Items live in one table keyed by (kind, item_id, scope). Curated items have scope 0 and
are shared by every server; a server's own additions and its corrections of curated items
("overlays") carry the server's id as scope. A server sees its own row where it has one,
else the curated row. Removal hides a row (removed = true) and keeps it. Every public write
runs in one transaction that also appends an audit entry, so a failure leaves nothing
half-written.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from bot.clock import Clock
from bot.models import (
    AnyItem,
    AuditAction,
    Kind,
    kind_of,
)
from bot.store import _schema as t
from bot.store._batch import BatchMixin
from bot.store._cache import CuratedChange, VersionMixin
from bot.store._indexing import dump, index_fields
from bot.store._types import (
    CURATED,
    Actor,
    NotFound,
    Stored,
    StoreError,
    row_model,
)

log = logging.getLogger(__name__)
T = TypeVar("T", bound=AnyItem)


class ItemWrites(VersionMixin, BatchMixin):
    """Mixin for StoreCore: visibility and the audited write."""

    engine: AsyncEngine
    clock: Clock

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
            return await self._put(
                conn,
                kind,
                row_model(kind, visible.data),
                visible,
                guild_id=guild_id,
                actor=actor,
                now=now,
                action=AuditAction.REMOVE if removed else AuditAction.RESTORE,
                after=visible.data,
                reason=reason,
                removed=removed,
                removed_reason=reason if removed else None,
            )

    async def _put(
        self,
        conn: AsyncConnection,
        kind: Kind,
        item: AnyItem,
        visible: sa.Row[Any] | None,
        *,
        guild_id: int | None,
        actor: Actor,
        now: datetime,
        action: AuditAction,
        after: dict[str, Any],
        reason: str | None,
        removed: bool,
        removed_reason: str | None,
    ) -> Stored:
        """Write an item as one server (or curated) changes it, over `visible` (what that
        server saw): its own row, or a new overlay or addition; with its audit entry; read
        back. The one write under save, save_many, remove and restore."""
        scope = CURATED if guild_id is None else guild_id
        own = visible if visible is not None and visible.scope == scope else None
        await self._write(
            conn,
            item,
            scope=scope,
            origin=t.origin_for(guild_id, own, visible),
            actor=actor,
            now=now,
            existing=own,
            modified=True,
            removed=removed,
            removed_reason=removed_reason,
        )
        await self._audit(
            conn,
            now=now,
            guild_id=guild_id,
            actor=actor,
            kind=kind,
            item_id=item.id,
            action=action,
            before=visible.data if visible is not None else None,
            after=after,
            reason=reason,
        )
        row = await self._row(conn, kind, item.id, scope)
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
