"""The post ledger: one row per scheduled post (server, kind, slot), claimed before it is sent.

A claim is an INSERT that fails when the row exists, so two runs (a cron job and a catch-up
sweep, or two processes) can never both send the same post. The row then records progress:
each message id as it goes out, and 'sent' when the last one has. A claim left 'claimed' (the
bot died mid-send, or every retry failed) is resolved by the scheduler; see bot.poster.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.clock import Clock
from bot.models import AuditEntry, Kind, Milestone
from bot.store import _schema as t
from bot.store._types import audit_entry, lenient_model

CLAIMED = "claimed"
SENT = "sent"
SKIPPED = "skipped"
FAILED = "failed"


@dataclass(frozen=True)
class PostRecord:
    guild_id: int
    kind: str
    slot: str
    status: str
    claimed_at: datetime
    sent_at: datetime | None
    attempts: int
    message_ids: list[int] = field(default_factory=list)
    error: str | None = None


def _record(row: sa.Row[Any]) -> PostRecord:
    return PostRecord(
        guild_id=row.guild_id,
        kind=row.kind,
        slot=row.slot,
        status=row.status,
        claimed_at=row.claimed_at,
        sent_at=row.sent_at,
        attempts=row.attempts,
        message_ids=[int(i) for i in (row.message_ids or [])],
        error=row.error,
    )


def _key(guild_id: int, kind: str, slot: str) -> sa.ColumnElement[bool]:
    p = t.posts
    return sa.and_(p.c.guild_id == guild_id, p.c.kind == kind, p.c.slot == slot)


class PostsMixin:
    """Store methods for the post ledger (mixed into Store)."""

    engine: AsyncEngine
    clock: Clock

    async def claim_post(self, guild_id: int, kind: str, slot: str) -> bool:
        """Claim a post; False when it was claimed before (whatever became of it)."""
        try:
            async with self.engine.begin() as conn:
                await conn.execute(
                    sa.insert(t.posts).values(
                        guild_id=guild_id,
                        kind=kind,
                        slot=slot,
                        status=CLAIMED,
                        claimed_at=self.clock.now(),
                        attempts=0,
                        message_ids=[],
                    )
                )
        except IntegrityError:
            return False
        return True

    async def record_skipped(self, guild_id: int, kind: str, slot: str, reason: str) -> bool:
        """Note a post that will not go (missed by too long); False if the slot had a row."""
        try:
            async with self.engine.begin() as conn:
                await conn.execute(
                    sa.insert(t.posts).values(
                        guild_id=guild_id,
                        kind=kind,
                        slot=slot,
                        status=SKIPPED,
                        claimed_at=self.clock.now(),
                        attempts=0,
                        message_ids=[],
                        error=reason[:500],
                    )
                )
        except IntegrityError:
            return False
        return True

    async def post_attempt(self, guild_id: int, kind: str, slot: str, error: str | None) -> None:
        """Count a send attempt (and keep its error, if it failed)."""
        async with self.engine.begin() as conn:
            await conn.execute(
                sa.update(t.posts)
                .where(_key(guild_id, kind, slot))
                .values(attempts=t.posts.c.attempts + 1, error=error and error[:500])
            )

    async def post_part_sent(
        self, guild_id: int, kind: str, slot: str, message_ids: Sequence[int], *, last: bool
    ) -> None:
        """One message of a post went out: count the attempt, record the ids so far, and
        mark the post sent when it was the last (one write per message)."""
        values: dict[str, Any] = {
            "attempts": t.posts.c.attempts + 1,
            "error": None,
            "message_ids": [str(i) for i in message_ids],
        }
        if last:
            values.update(status=SENT, sent_at=self.clock.now())
        async with self.engine.begin() as conn:
            await conn.execute(sa.update(t.posts).where(_key(guild_id, kind, slot)).values(values))

    async def post_progress(
        self, guild_id: int, kind: str, slot: str, message_ids: Sequence[int]
    ) -> None:
        """Record the messages of a post that have gone out so far."""
        async with self.engine.begin() as conn:
            await conn.execute(
                sa.update(t.posts)
                .where(_key(guild_id, kind, slot))
                .values(message_ids=[str(i) for i in message_ids])
            )

    async def finish_post(
        self,
        guild_id: int,
        kind: str,
        slot: str,
        status: str,
        *,
        message_ids: Sequence[int] | None = None,
        error: str | None = None,
    ) -> None:
        values: dict[str, Any] = {"status": status, "error": error and error[:500]}
        if status == SENT:
            values["sent_at"] = self.clock.now()
        if message_ids is not None:
            values["message_ids"] = [str(i) for i in message_ids]
        async with self.engine.begin() as conn:
            await conn.execute(sa.update(t.posts).where(_key(guild_id, kind, slot)).values(values))

    async def get_post(self, guild_id: int, kind: str, slot: str) -> PostRecord | None:
        async with self.engine.connect() as conn:
            row = (await conn.execute(sa.select(t.posts).where(_key(guild_id, kind, slot)))).first()
        return _record(row) if row else None

    async def posts_for(self, guild_id: int) -> list[PostRecord]:
        """Every ledger row of a server, oldest claim first."""
        stmt = (
            sa.select(t.posts)
            .where(t.posts.c.guild_id == guild_id)
            .order_by(t.posts.c.claimed_at, t.posts.c.kind, t.posts.c.slot)
        )
        async with self.engine.connect() as conn:
            return [_record(r) for r in (await conn.execute(stmt)).all()]

    async def open_claims(self) -> list[PostRecord]:
        """Posts claimed and not (yet) sent, failed or skipped."""
        stmt = sa.select(t.posts).where(t.posts.c.status == CLAIMED).order_by(t.posts.c.claimed_at)
        async with self.engine.connect() as conn:
            return [_record(r) for r in (await conn.execute(stmt)).all()]

    async def post_keys_since(self, since: datetime) -> set[tuple[int, str, str]]:
        """(guild_id, kind, slot) of every post claimed (or skipped) since `since`."""
        p = t.posts
        stmt = sa.select(p.c.guild_id, p.c.kind, p.c.slot).where(p.c.claimed_at >= since)
        async with self.engine.connect() as conn:
            return {(r.guild_id, r.kind, r.slot) for r in (await conn.execute(stmt)).all()}

    async def last_sent_post(self, guild_id: int, kinds: Iterable[str]) -> PostRecord | None:
        p = t.posts
        stmt = (
            sa.select(p)
            .where(p.c.guild_id == guild_id, p.c.kind.in_(list(kinds)), p.c.status == SENT)
            .order_by(p.c.sent_at.desc())
            .limit(1)
        )
        async with self.engine.connect() as conn:
            row = (await conn.execute(stmt)).first()
        return _record(row) if row else None

    async def changes_between(
        self,
        guild_id: int,
        kinds: Iterable[Kind],
        since: datetime | None,
        until: datetime,
        *,
        limit: int = 200,
    ) -> list[AuditEntry]:
        """Audit entries a server sees (curated and its own) in (since, until], oldest first."""
        a = t.audit
        where = [
            a.c.kind.in_([k.value for k in kinds]),
            sa.or_(a.c.guild_id.is_(None), a.c.guild_id == guild_id),
            a.c.at <= until,
        ]
        if since is not None:
            where.append(a.c.at > since)
        stmt = sa.select(a).where(*where).order_by(a.c.id.desc()).limit(limit)
        async with self.engine.connect() as conn:
            rows = (await conn.execute(stmt)).all()
        return [audit_entry(r) for r in reversed(rows)]

    async def all_milestones(self) -> list[tuple[int, bool, Milestone]]:
        """(scope, removed, milestone) of every milestone row, curated and servers' own: one
        query from which each server's view follows (see bot.poster.visible_milestones)."""
        i = t.items
        stmt = sa.select(i.c.scope, i.c.removed, i.c.data).where(i.c.kind == Kind.MILESTONE.value)
        async with self.engine.connect() as conn:
            rows = (await conn.execute(stmt)).all()
        out: list[tuple[int, bool, Milestone]] = []
        for r in rows:
            m = lenient_model(Kind.MILESTONE, r.scope, r.data)
            if isinstance(m, Milestone):
                out.append((r.scope, bool(r.removed), m))
        return out
