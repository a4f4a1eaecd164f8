"""Reads the briefing commands need beyond the core store: how often each source is cited,
the items that record conflicts, events by id. Index-driven, so they stay fast as the number
of events grows (see bench/)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from bot.models import MODEL_FOR_KIND, AnyItem, Kind
from bot.store import _schema as t
from bot.store._indexing import CITES, HAS_CONFLICT

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncEngine


def _upper(prefix: str) -> str:
    return prefix[:-1] + chr(ord(prefix[-1]) + 1)


class BriefingQueries:
    """Mixin for Store (uses self.engine and Store._visible)."""

    engine: AsyncEngine

    if TYPE_CHECKING:

        @staticmethod
        def _visible(
            kind: Kind, guild_id: int | None, include_removed: bool = False
        ) -> sa.ColumnElement[bool]: ...

    def _any_visible(self, guild_id: int | None) -> sa.ColumnElement[bool]:
        return sa.or_(*(self._visible(k, guild_id) for k in Kind))

    async def citation_counts(self, guild_id: int | None) -> dict[str, int]:
        """For each source id: how many items this server sees cite it (events, people,
        tariff layers, milestones; conflicts and outcomes included)."""
        i, tt = t.items, t.item_terms
        stmt = (
            sa.select(tt.c.term, sa.func.count())
            .select_from(
                tt.join(
                    i,
                    sa.and_(
                        i.c.kind == tt.c.kind,
                        i.c.item_id == tt.c.item_id,
                        i.c.scope == tt.c.scope,
                    ),
                )
            )
            .where(
                tt.c.kind.in_([k.value for k in Kind]),
                tt.c.term >= CITES,
                tt.c.term < _upper(CITES),
                self._any_visible(guild_id),
            )
            .group_by(tt.c.term)
        )
        async with self.engine.connect() as conn:
            rows = (await conn.execute(stmt)).all()
        return {r[0][len(CITES) :]: int(r[1]) for r in rows}

    async def items_with_conflicts(self, guild_id: int | None) -> list[AnyItem]:
        """Every item this server sees that records a conflict between sources."""
        i, tt = t.items, t.item_terms
        stmt = (
            sa.select(i.c.kind, i.c.data)
            .select_from(
                tt.join(
                    i,
                    sa.and_(
                        i.c.kind == tt.c.kind,
                        i.c.item_id == tt.c.item_id,
                        i.c.scope == tt.c.scope,
                    ),
                )
            )
            .where(
                tt.c.kind.in_([k.value for k in Kind]),
                tt.c.term == HAS_CONFLICT,
                self._any_visible(guild_id),
            )
            .order_by(i.c.kind, i.c.item_id)
        )
        async with self.engine.connect() as conn:
            rows = (await conn.execute(stmt)).all()
        return [_model(Kind(r.kind), r.data) for r in rows]

    async def items_by_ids(
        self, kind: Kind, ids: Sequence[str], guild_id: int | None
    ) -> list[AnyItem]:
        """Visible items of a kind among `ids`, in the order given (unknown ids skipped)."""
        if not ids:
            return []
        stmt = sa.select(t.items.c.item_id, t.items.c.data).where(
            self._visible(kind, guild_id), t.items.c.item_id.in_(list(ids))
        )
        async with self.engine.connect() as conn:
            rows = {r.item_id: r.data for r in (await conn.execute(stmt)).all()}
        return [_model(kind, rows[i]) for i in ids if i in rows]


def _model(kind: Kind, data: dict[str, Any]) -> AnyItem:
    return MODEL_FOR_KIND[kind].model_validate(data)
