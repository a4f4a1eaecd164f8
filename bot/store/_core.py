"""The store's core: opening it, and reads of single items and lists. Who sees which row
and the one audited write every change goes through are in _writes.py.

The data version (for caches) is the newest audit id, kept in memory (see _cache.py); reads
of the small kinds, single items, pickers' titles and timeline pages are served from caches
keyed by it."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any, Self, TypeVar, cast

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.clock import Clock, SystemClock
from bot.models import (
    MODEL_FOR_KIND,
    AnyItem,
    AuditEntry,
    Kind,
)
from bot.store import _schema as t
from bot.store._briefing import BriefingQueries
from bot.store._cache import SMALL_KINDS, VERSION_TTL
from bot.store._cluster import ClusterMixin
from bot.store._engine import create_engine, migrate
from bot.store._posts import PostsMixin
from bot.store._types import (
    CURATED,
    Stored,
    audit_entry,
    lenient_model,
    unavailable,
)
from bot.store._writes import ItemWrites

log = logging.getLogger(__name__)
T = TypeVar("T", bound=AnyItem)


class StoreCore(ItemWrites, ClusterMixin, BriefingQueries, PostsMixin):
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
        except (OSError, sa.exc.DBAPIError, ConnectionError) as exc:
            await engine.dispose()
            raise unavailable(url, exc) from exc
        except BaseException:
            await engine.dispose()
            raise
        return store

    async def close(self) -> None:
        await self.stop_listening()
        await self.engine.dispose()

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

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
            item = hit if hit is not None else lenient_model(kind, scope, data)
            if item is not None:
                out.append(item)
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

    async def audit_log(
        self,
        *,
        limit: int | None = None,
        newest: int | None = None,
        kinds: Sequence[Kind] | None = None,
    ) -> list[AuditEntry]:
        """Audit entries, oldest first: the first `limit`, or the `newest` N, or (with
        `kinds`) only entries of those kinds."""
        a = t.audit
        stmt = sa.select(a)
        if kinds is not None:
            stmt = stmt.where(a.c.kind.in_([k.value for k in kinds]))
        if newest is not None:
            stmt = stmt.order_by(a.c.id.desc()).limit(newest)
        else:
            stmt = stmt.order_by(a.c.id)
            if limit is not None:
                stmt = stmt.limit(limit)
        async with self.engine.connect() as conn:
            rows = [audit_entry(r) for r in (await conn.execute(stmt)).all()]
        return rows[::-1] if newest is not None else rows
