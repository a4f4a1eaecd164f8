"""The review queue: proposals made from an ingested article, per server, each pending until a
curator decides. Queueing stores the article as a source of the server and its proposals in
one transaction; deciding writes the accepted item (through the same audited write as any
curation command, the audit entry naming the proposal and the article) and marks the
proposal in the same transaction, so a decision is never half made and never made twice.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.models import (
    DECIDED,
    PENDING,
    AnyItem,
    Kind,
    Queued,
    Source,
    kind_of,
)
from bot.store import _schema as t
from bot.store._core import StoreCore
from bot.store._types import Actor, NotFound, StoreError


def _queued(row: sa.Row[Any]) -> Queued:
    return Queued(
        id=row.id,
        guild_id=row.guild_id,
        source_id=row.source_id,
        kind=row.kind,
        data=dict(row.data),
        status=row.status,
        created_at=row.created_at,
        created_by=row.created_by,
        decided_at=row.decided_at,
        decided_by=row.decided_by,
        reason=row.reason,
        item_kind=row.item_kind,
        item_id=row.item_id,
    )


class ProposalQueue(StoreCore):
    """Mixin for Store: the review queue."""

    async def queue_proposals(
        self,
        guild_id: int,
        source: Source,
        proposals: Sequence[dict[str, Any]],
        *,
        actor: Actor,
    ) -> list[Queued]:
        """Store the article as this server's source (unless it already has one with that id)
        and queue its proposals (each a dict with at least `kind`), in one transaction."""
        async with self._changing() as conn:
            ids = await self._queue_in(conn, guild_id, source, proposals, actor)
        return await self._by_ids(guild_id, ids)

    async def _queue_in(
        self,
        conn: AsyncConnection,
        guild_id: int,
        source: Source,
        proposals: Sequence[dict[str, Any]],
        actor: Actor,
    ) -> list[int]:
        """`queue_proposals` inside a transaction the caller holds (`_changing()`)."""
        now = self.clock.now()
        if await self._visible_row(conn, Kind.SOURCE, source.id, guild_id) is None:
            await self._save_in(
                conn, [source], guild_id=guild_id, actor=actor, reason="article ingested"
            )
        ids: list[int] = []
        for data in proposals:
            result = await conn.execute(
                sa.insert(t.proposals)
                .values(
                    guild_id=guild_id,
                    source_id=source.id,
                    kind=str(data["kind"]),
                    data=data,
                    status=PENDING,
                    created_at=now,
                    created_by=actor.name[:100],
                )
                .returning(t.proposals.c.id)
            )
            ids.append(int(result.scalar_one()))
        return ids

    async def pending_count(self, guild_id: int) -> int:
        """How many proposals wait for a curator in this server."""
        p = t.proposals
        stmt = sa.select(sa.func.count()).where(p.c.guild_id == guild_id, p.c.status == PENDING)
        async with self.engine.connect() as conn:
            return int((await conn.execute(stmt)).scalar_one())

    async def _by_ids(self, guild_id: int, ids: Sequence[int]) -> list[Queued]:
        if not ids:
            return []
        p = t.proposals
        stmt = sa.select(p).where(p.c.guild_id == guild_id, p.c.id.in_(list(ids))).order_by(p.c.id)
        async with self.engine.connect() as conn:
            return [_queued(r) for r in (await conn.execute(stmt)).all()]

    async def review_queue(
        self, guild_id: int, *, status: str = PENDING, limit: int = 10, offset: int = 0
    ) -> tuple[list[Queued], int]:
        """A page of this server's proposals in `status`, newest article first (then in the
        order the article gave them), and how many there are in all."""
        p = t.proposals
        where = sa.and_(p.c.guild_id == guild_id, p.c.status == status)
        async with self.engine.connect() as conn:
            total = int((await conn.execute(sa.select(sa.func.count()).where(where))).scalar_one())
            newest = (
                sa.select(p.c.source_id, sa.func.max(p.c.id).label("last"))
                .where(where)
                .group_by(p.c.source_id)
                .subquery()
            )
            stmt = (
                sa.select(p)
                .join(newest, newest.c.source_id == p.c.source_id)
                .where(where)
                .order_by(newest.c.last.desc(), p.c.id)
                .limit(limit)
                .offset(offset)
            )
            rows = (await conn.execute(stmt)).all()
        return [_queued(r) for r in rows], total

    async def queued(self, guild_id: int, proposal_id: int) -> Queued:
        found = await self._by_ids(guild_id, [proposal_id])
        if not found:
            raise NotFound(f"No proposal #{proposal_id} in this server's review queue.")
        return found[0]

    async def decide(
        self,
        guild_id: int,
        proposal_id: int,
        *,
        status: str,
        actor: Actor,
        reason: str | None = None,
        items: Sequence[AnyItem] = (),
        expect_new: Sequence[bool] | bool = False,
    ) -> Queued:
        """Record a curator's decision; `items` (the accepted item, or the item that now cites
        the article) are written in the same transaction, audited with the proposal and the
        article named. A proposal already decided is refused, saying by whom."""
        if status not in DECIDED:
            raise ValueError(f"not a decision: {status}")
        p = t.proposals
        now = self.clock.now()
        async with self._changing() as conn:
            row = (
                await conn.execute(
                    sa.select(p).where(p.c.guild_id == guild_id, p.c.id == proposal_id)
                )
            ).first()
            if row is None:
                raise NotFound(f"No proposal #{proposal_id} in this server's review queue.")
            if row.status != PENDING:
                raise StoreError(
                    f"Proposal #{proposal_id} was already {row.status} by {row.decided_by}."
                )
            why = f"proposal #{proposal_id} from source {row.source_id}"
            if reason:
                why = f"{why}: {reason}"
            if items:
                await self._save_in(
                    conn,
                    items,
                    guild_id=guild_id,
                    actor=actor,
                    reason=why[:500],
                    expect_new=expect_new,
                )
            first = items[0] if items else None
            done = await conn.execute(
                sa.update(p)
                .where(p.c.id == proposal_id, p.c.status == PENDING)
                .values(
                    status=status,
                    decided_at=now,
                    decided_by=actor.name[:100],
                    reason=(reason or None) and reason[:500],
                    item_kind=kind_of(first).value if first is not None else None,
                    item_id=first.id if first is not None else None,
                )
            )
            if done.rowcount != 1:  # decided meanwhile by someone else: nothing is kept
                raise StoreError(f"Proposal #{proposal_id} was decided meanwhile.")
        return await self.queued(guild_id, proposal_id)
