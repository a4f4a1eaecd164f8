"""The feeds a server follows and the items seen in them.

An item is known by several keys (its GUID within its feed, its normalised link, the hash of
its article text); each is a row of `feed_items`, unique per server. An item becomes
proposals in the same transaction that claims its keys, so a poll that races another (two
feeds carrying one story, two processes) queues it once, and a crash between the two writes
neither.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.bounds import fit
from bot.models import ACTIVE, PAUSED, REMOVED, Feed, Queued, Source
from bot.store import _schema as t
from bot.store._proposals import ProposalQueue
from bot.store._types import Actor, NotFound, StoreError

QUEUED = "queued"
SEEN = "seen"  # there when the feed was added, or otherwise not ingested
DUPLICATE = "duplicate"  # a new id or link for an article already seen
UNREADABLE = "unreadable"
SKIPPED = "skipped"  # handling it failed (logged): not tried again


def _feed(row: sa.Row[Any], seen: int = 0, queued: int = 0) -> Feed:
    return Feed(
        id=row.id,
        guild_id=row.guild_id,
        url=row.url,
        title=row.title,
        channel_id=row.channel_id,
        every_minutes=row.every_minutes,
        status=row.status,
        paused_reason=row.paused_reason,
        paused_at=row.paused_at,
        failures=row.failures,
        last_error=row.last_error,
        etag=row.etag,
        last_modified=row.last_modified,
        last_polled_at=row.last_polled_at,
        last_ok_at=row.last_ok_at,
        added_at=row.added_at,
        added_by=row.added_by,
        items_seen=seen,
        items_queued=queued,
        last_skipped=row.last_skipped,
        last_skipped_at=row.last_skipped_at,
    )


def _bounded(text: str, limit: int) -> str:
    """Text for a column of `limit` characters: no NUL (PostgreSQL refuses it), cut with an
    ellipsis when longer."""
    return fit(text.replace("\x00", ""), limit)


def _item_id(keys: Sequence[str]) -> str:
    return hashlib.sha256(keys[0].encode()).hexdigest()[:40]


class FeedStore(ProposalQueue):
    """Mixin for Store: feeds and the items seen in them."""

    # -- feeds -----------------------------------------------------------------------------------
    async def add_feed(
        self,
        guild_id: int,
        url: str,
        *,
        title: str | None,
        channel_id: int | None,
        every_minutes: int,
        actor: Actor,
    ) -> Feed:
        """Follow a feed. A feed once removed is followed again under its old id (its items
        stay seen); one followed now is refused."""
        now = self.clock.now()
        f = t.feeds
        values = {
            "title": (title or None) and _bounded(title, 300),
            "channel_id": channel_id,
            "every_minutes": every_minutes,
            "status": ACTIVE,
            "paused_reason": None,
            "paused_at": None,
            "failures": 0,
            "last_error": None,
            "added_at": now,
            "added_by": _bounded(actor.name, 100),
        }
        async with self._changing() as conn:
            row = (
                await conn.execute(sa.select(f).where(f.c.guild_id == guild_id, f.c.url == url))
            ).first()
            if row is not None and row.status != REMOVED:
                raise StoreError(f"This server already follows that feed (feed #{row.id}).")
            if row is not None:
                feed_id = int(row.id)
                await conn.execute(sa.update(f).where(f.c.id == feed_id).values(**values))
            else:
                result = await conn.execute(
                    sa.insert(f).values(guild_id=guild_id, url=url, **values).returning(f.c.id)
                )
                feed_id = int(result.scalar_one())
        return await self.feed(guild_id, feed_id)

    async def feed(self, guild_id: int, feed_id: int) -> Feed:
        found = await self._feeds(sa.and_(t.feeds.c.guild_id == guild_id, t.feeds.c.id == feed_id))
        if not found or found[0].status == REMOVED:
            raise NotFound(f"No feed #{feed_id} in this server; /feed list shows its feeds.")
        return found[0]

    async def feed_by_id(self, feed_id: int) -> Feed | None:
        """Any server's feed (for the poller), removed or not."""
        found = await self._feeds(t.feeds.c.id == feed_id, counts=False)
        return found[0] if found else None

    async def feeds(self, guild_id: int) -> list[Feed]:
        """This server's feeds (not those removed), oldest first, with their item counts."""
        f = t.feeds
        return await self._feeds(sa.and_(f.c.guild_id == guild_id, f.c.status != REMOVED))

    async def active_feeds(self) -> list[Feed]:
        """Every server's feeds that are polled."""
        return await self._feeds(t.feeds.c.status == ACTIVE, counts=False)

    async def _feeds(self, where: sa.ColumnElement[bool], *, counts: bool = True) -> list[Feed]:
        f, i = t.feeds, t.feed_items
        async with self.engine.connect() as conn:
            rows = (await conn.execute(sa.select(f).where(where).order_by(f.c.id))).all()
            tallies: dict[int, tuple[int, int]] = {}
            if counts and rows:
                queued = sa.func.count(sa.distinct(sa.case((i.c.outcome == QUEUED, i.c.item))))
                stmt = (
                    sa.select(i.c.feed_id, sa.func.count(sa.distinct(i.c.item)), queued)
                    .where(i.c.feed_id.in_([r.id for r in rows]))
                    .group_by(i.c.feed_id)
                )
                tallies = {r[0]: (int(r[1]), int(r[2])) for r in await conn.execute(stmt)}
        return [_feed(r, *tallies.get(r.id, (0, 0))) for r in rows]

    async def set_feed_status(
        self, guild_id: int, feed_id: int, status: str, *, reason: str | None = None
    ) -> Feed:
        """Pause (with the reason), resume (failures forgotten) or remove a feed."""
        feed = await self.feed(guild_id, feed_id)
        values: dict[str, Any] = {"status": status}
        if status == PAUSED:
            values |= {"paused_reason": (reason or "paused")[:500], "paused_at": self.clock.now()}
        elif status == ACTIVE:
            values |= {"paused_reason": None, "paused_at": None, "failures": 0}
        async with self._changing() as conn:
            await conn.execute(sa.update(t.feeds).where(t.feeds.c.id == feed.id).values(**values))
        if status == REMOVED:
            return feed
        return await self.feed(guild_id, feed_id)

    async def record_poll(
        self,
        feed_id: int,
        *,
        at: datetime,
        error: str | None = None,
        etag: str | None = None,
        last_modified: str | None = None,
        title: str | None = None,
        skipped: str | None = None,
        pause_after: int = 3,
    ) -> tuple[Feed, bool]:
        """Note a poll's outcome; a failure that makes `pause_after` in a row pauses the feed.
        `skipped` is the last item the poll skipped, and why. The feed as it now is, and
        whether this poll paused it. Values from the web are bounded to their columns: a
        validator too long to keep is dropped (the next poll fetches without it)."""
        f = t.feeds
        async with self._changing() as conn:
            row = (await conn.execute(sa.select(f).where(f.c.id == feed_id))).one()
            values: dict[str, Any] = {"last_polled_at": at}
            if skipped:
                values |= {"last_skipped": _bounded(skipped, 500), "last_skipped_at": at}
            paused = False
            if error is None:
                values |= {"failures": 0, "last_error": None, "last_ok_at": at}
                values |= {
                    "etag": etag if etag and len(etag) <= 500 else None,
                    "last_modified": last_modified
                    if last_modified and len(last_modified) <= 100
                    else None,
                }
                if title and not row.title:
                    values["title"] = _bounded(title, 300)
            else:
                failures = row.failures + 1
                values |= {"failures": failures, "last_error": _bounded(error, 500)}
                if failures >= pause_after and row.status == ACTIVE:
                    paused = True
                    values |= {
                        "status": PAUSED,
                        "paused_at": at,
                        "paused_reason": _bounded(
                            f"{failures} failed polls in a row; the last: {error}", 500
                        ),
                    }
            await conn.execute(sa.update(f).where(f.c.id == feed_id).values(**values))
        found = await self._feeds(f.c.id == feed_id, counts=False)
        return found[0], paused

    async def discard_feed(self, guild_id: int, feed_id: int) -> None:
        """Undo a follow whose first poll failed: the feed and the items it marked go, so a
        failed `/feed add` leaves nothing stored."""
        f, i = t.feeds, t.feed_items
        async with self._changing() as conn:
            await conn.execute(sa.delete(i).where(i.c.guild_id == guild_id, i.c.feed_id == feed_id))
            await conn.execute(sa.delete(f).where(f.c.guild_id == guild_id, f.c.id == feed_id))

    # -- items -----------------------------------------------------------------------------------
    async def seen_keys(
        self, guild_id: int, keys: Iterable[str], *, retry_since: datetime | None = None
    ) -> set[str]:
        """Which of these keys this server has seen; an item left unreadable since
        `retry_since` or later does not count (it is tried again)."""
        wanted = list(dict.fromkeys(keys))
        if not wanted:
            return set()
        i = t.feed_items
        stmt = sa.select(i.c.key).where(i.c.guild_id == guild_id, i.c.key.in_(wanted))
        if retry_since is not None:
            stmt = stmt.where(sa.not_(sa.and_(i.c.outcome == UNREADABLE,
                                              i.c.seen_at >= retry_since)))  # fmt: skip
        async with self.engine.connect() as conn:
            return {r[0] for r in await conn.execute(stmt)}

    async def source_of_keys(self, guild_id: int, keys: Iterable[str]) -> str | None:
        """The source id under which this server already queued an article known by one of
        these keys (its link or its text), if it did."""
        wanted = list(dict.fromkeys(keys))
        if not wanted:
            return None
        i = t.feed_items
        stmt = sa.select(i.c.source_id).where(
            i.c.guild_id == guild_id, i.c.key.in_(wanted), i.c.source_id.is_not(None)
        )
        async with self.engine.connect() as conn:
            row = (await conn.execute(stmt.limit(1))).first()
        return str(row[0]) if row else None

    async def retrying(self, feed_id: int, since: datetime) -> bool:
        """Has this feed items left unreadable since `since`, to be tried again?"""
        i = t.feed_items
        stmt = sa.select(sa.literal(1)).where(
            i.c.feed_id == feed_id, i.c.outcome == UNREADABLE, i.c.seen_at >= since
        )
        async with self.engine.connect() as conn:
            return (await conn.execute(stmt.limit(1))).first() is not None

    async def mark_items(
        self, guild_id: int, feed_id: int, items: Sequence[Sequence[str]], outcome: str
    ) -> None:
        """Take items (each given by its keys) as seen; keys already known stay as they are."""
        now = self.clock.now()
        rows = [r for keys in items if keys for r in self._item_row(
            guild_id, feed_id, keys, outcome, None, now)]  # fmt: skip
        if rows:
            async with self._changing() as conn:
                await self._insert_new(conn, rows)

    async def queue_item(
        self,
        guild_id: int,
        feed_id: int,
        keys: Sequence[str],
        source: Source,
        proposals: Sequence[dict[str, Any]],
        *,
        actor: Actor,
    ) -> list[Queued] | None:
        """Claim the item's keys and queue its proposals in one transaction; None (and nothing
        written) when another poll claimed one of its keys first."""
        rows = self._item_row(guild_id, feed_id, keys, QUEUED, source.id, self.clock.now())
        i = t.feed_items
        try:
            async with self._changing() as conn:
                await conn.execute(  # an earlier failed read of this item gives way
                    sa.delete(i).where(
                        i.c.guild_id == guild_id,
                        i.c.key.in_([r["key"] for r in rows]),
                        i.c.outcome == UNREADABLE,
                    )
                )
                await conn.execute(sa.insert(i), rows)
                ids = await self._queue_in(conn, guild_id, source, proposals, actor)
        except IntegrityError:
            return None
        return await self._by_ids(guild_id, ids)

    @staticmethod
    def _item_row(
        guild_id: int,
        feed_id: int,
        keys: Sequence[str],
        outcome: str,
        source_id: str | None,
        now: datetime,
    ) -> list[dict[str, Any]]:
        item = _item_id(keys)
        return [
            {
                "guild_id": guild_id,
                "key": key[:300],
                "feed_id": feed_id,
                "item": item,
                "outcome": outcome,
                "source_id": source_id,
                "seen_at": now,
            }
            for key in dict.fromkeys(keys)
        ]

    async def _insert_new(self, conn: AsyncConnection, rows: Sequence[dict[str, Any]]) -> None:
        """Insert item keys, leaving those already there as they are."""
        if not rows:
            return
        insert = postgresql.insert if self.dialect == "postgresql" else sqlite.insert
        for start in range(0, len(rows), 2000):
            stmt = insert(t.feed_items).on_conflict_do_nothing()
            await conn.execute(stmt, list(rows[start : start + 2000]))
