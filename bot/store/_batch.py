"""Writes of several items at once (an event with the source it cites; an import), and the
small reads curators need. A mixin of Store: it uses the store's engine and its row helpers.

`save_many` is all or nothing: every item and its audit entry are written in one
transaction, so a failure on the last item leaves none of the others behind.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from contextlib import AbstractAsyncContextManager
from typing import Any, Protocol

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from bot.clock import Clock
from bot.models import AnyItem, AuditAction, Kind, kind_of
from bot.store import _schema as t
from bot.store._indexing import dump
from bot.store._types import Actor, Stored, StoreError


class _StoreCore(Protocol):
    """What the mixin uses of Store."""

    engine: AsyncEngine
    clock: Clock

    @property
    def _put(self) -> Callable[..., Awaitable[Stored]]: ...

    def _changing(self) -> AbstractAsyncContextManager[AsyncConnection]: ...

    async def _visible_row(
        self, conn: AsyncConnection, kind: Kind, item_id: str, guild_id: int | None
    ) -> sa.Row[Any] | None: ...

    async def _save_in(
        self,
        conn: AsyncConnection,
        items: Sequence[AnyItem],
        *,
        guild_id: int | None,
        actor: Actor,
        reason: str | None = None,
        expect_new: Sequence[bool] | bool = False,
        action: AuditAction | None = None,
    ) -> list[Stored]: ...

    @staticmethod
    def _visible(
        kind: Kind, guild_id: int | None, include_removed: bool = False
    ) -> sa.ColumnElement[bool]: ...


class BatchMixin:
    async def save_many(
        self: _StoreCore,
        items: Sequence[AnyItem],
        *,
        guild_id: int | None,
        actor: Actor,
        reason: str | None = None,
        expect_new: Sequence[bool] | bool = False,
        action: AuditAction | None = None,
    ) -> list[Stored]:
        """Add or change several items for one server (or curated) in ONE transaction.

        Each item gets its own audit entry (ADD or EDIT, or `action` when given, e.g.
        IMPORT). `expect_new` (one flag, or one per item) refuses an id already visible.
        A server's change to a curated item becomes that server's overlay, as in `save`."""
        async with self._changing() as conn:
            return await self._save_in(
                conn,
                items,
                guild_id=guild_id,
                actor=actor,
                reason=reason,
                expect_new=expect_new,
                action=action,
            )

    async def _save_in(
        self: _StoreCore,
        conn: AsyncConnection,
        items: Sequence[AnyItem],
        *,
        guild_id: int | None,
        actor: Actor,
        reason: str | None = None,
        expect_new: Sequence[bool] | bool = False,
        action: AuditAction | None = None,
    ) -> list[Stored]:
        """`save_many` inside a transaction the caller holds (`_changing()`), so other rows
        (a proposal marked accepted) commit or roll back with the items."""
        flags = [expect_new] * len(items) if isinstance(expect_new, bool) else list(expect_new)
        if len(flags) != len(items):
            raise ValueError("expect_new needs one flag per item")
        keys = [(kind_of(item), item.id) for item in items]
        if len(set(keys)) != len(keys):
            raise StoreError("the same item appears twice in one change")
        now = self.clock.now()
        out: list[Stored] = []
        for item, new_only, (kind, item_id) in zip(items, flags, keys, strict=True):
            visible = await self._visible_row(conn, kind, item_id, guild_id)
            if new_only and visible is not None:
                raise StoreError(f"a {kind.value} with id '{item_id}' already exists")
            default = AuditAction.EDIT if visible is not None else AuditAction.ADD
            stored = await self._put(
                conn,
                kind,
                item,
                visible,
                guild_id=guild_id,
                actor=actor,
                now=now,
                action=action or default,
                after=dump(item),
                reason=reason,
                removed=bool(visible.removed) if visible is not None else False,
                removed_reason=visible.removed_reason if visible is not None else None,
            )
            out.append(stored)
        return out

    async def removed_titles(
        self: _StoreCore, kind: Kind, guild_id: int | None
    ) -> list[tuple[str, str]]:
        """(item_id, title) of the items of a kind this server has hidden (for restore)."""
        stmt = (
            sa.select(t.items.c.item_id, t.items.c.title)
            .where(
                self._visible(kind, guild_id, include_removed=True),
                t.items.c.removed == sa.true(),
            )
            .order_by(t.items.c.sort_start.desc(), t.items.c.item_id)
        )
        async with self.engine.connect() as conn:
            return [(r.item_id, r.title) for r in (await conn.execute(stmt)).all()]

    async def item_ids(self: _StoreCore, kind: Kind, guild_id: int | None) -> set[str]:
        """Every id of a kind this server could collide with: its own rows (removed too) and
        the curated ones."""
        scopes = [t.CURATED_SCOPE] if guild_id is None else [t.CURATED_SCOPE, guild_id]
        stmt = sa.select(t.items.c.item_id).where(
            t.items.c.kind == kind.value, t.items.c.scope.in_(scopes)
        )
        async with self.engine.connect() as conn:
            return {r.item_id for r in (await conn.execute(stmt)).all()}
