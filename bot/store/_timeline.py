"""The timeline and the editors' event pickers: newest-first keyset pages under a filter,
counts, a person's latest events, and titles matched by the word index."""

from __future__ import annotations

import logging
from datetime import date
from typing import TypeVar, cast

import sqlalchemy as sa

from bot.models import (
    AnyItem,
    Cursor,
    Event,
    Kind,
    TimelineFilter,
    TimelinePage,
)
from bot.store import _schema as t
from bot.store._core import StoreCore
from bot.store._titles import TitleIndex
from bot.store._types import (
    CURATED,
    lenient_model,
)

log = logging.getLogger(__name__)
T = TypeVar("T", bound=AnyItem)


EVENT_TITLES = "event-titles"
"""The key the curated event-title index is kept under (see _cache.Maintained)."""


class TimelineQueries(StoreCore):
    """Mixin for Store: timeline pages and titles."""

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
        scope = guild_id if guild_id is not None else CURATED
        parsed = (lenient_model(Kind.EVENT, scope, data) for data in rows[:limit])
        events = [cast(Event, e) for e in parsed if e is not None]
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


def _cursor_values(cursor: Cursor) -> tuple[date, date, str]:
    return (cursor.start, cursor.end, cursor.item_id)
