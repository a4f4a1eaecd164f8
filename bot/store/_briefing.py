"""Reads the briefing commands need beyond the core store: how often each source is cited,
the conflicts by id, events by id. Index-driven, so they stay fast as the number
of events grows (see bench/)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from bot.models import MODEL_FOR_KIND, AnyItem, Conflict, Kind, TimelineFilter
from bot.store import _schema as t
from bot.store._cache import SMALL_KINDS, CuratedChange, Maintained
from bot.store._indexing import CITES, TERM_MAX, cited_sources, words_to_match
from bot.store._types import lenient_model

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine


SPARSE = 2000
"""A search word or person with fewer matching events than this is looked up first (its
matches fetched by index, then sorted); a commoner one is checked row by row while walking
the date index newest first, which finds a page after a few dozen rows."""
MAX_PREFIX_WORDS = 24


CITATIONS = "citations"


class CuratedCitations:
    """How many curated rows (not removed) cite each source, by citation term, and which
    curated rows are removed; kept current as curated rows change."""

    def __init__(self, counts: dict[str, int], removed: set[tuple[str, str]]) -> None:
        self.counts = counts
        self.removed = removed

    def apply(self, changes: Sequence[CuratedChange]) -> None:
        for change in changes:
            if change.before is not None and not change.before_removed:
                self._count(_model(change.kind, change.before), -1)
            if not change.after_removed:
                self._count(change.after, 1)
            key = (change.kind.value, change.item_id)
            if change.after_removed:
                self.removed.add(key)
            else:
                self.removed.discard(key)

    def _count(self, item: AnyItem, sign: int) -> None:
        for source_id in cited_sources(item):
            term = (CITES + source_id)[:TERM_MAX]
            self.counts[term] = self.counts.get(term, 0) + sign


def _upper(prefix: str) -> str:
    return prefix[:-1] + chr(ord(prefix[-1]) + 1)


class BriefingQueries:
    """Mixin for Store (uses self.engine and Store._visible)."""

    engine: AsyncEngine

    if TYPE_CHECKING:

        async def curated_version(self) -> int: ...

        async def maintained(self, name: str) -> Any: ...

        def keep(self, name: str, version: int, value: Maintained) -> None: ...

        @staticmethod
        def _visible(
            kind: Kind, guild_id: int | None, include_removed: bool = False
        ) -> sa.ColumnElement[bool]: ...

        async def list_items(
            self, kind: Kind, guild_id: int | None, *, include_removed: bool = False
        ) -> list[AnyItem]: ...

    def _any_visible(self, guild_id: int | None) -> sa.ColumnElement[bool]:
        return sa.or_(*(self._visible(k, guild_id) for k in Kind))

    # -- the timeline: filters and newest-first keyset pages ----------------------------------
    async def _bounded_count(self, conn: AsyncConnection, stmt: sa.Select[Any]) -> int:
        sub = stmt.limit(SPARSE).subquery()
        return int((await conn.execute(sa.select(sa.func.count()).select_from(sub))).scalar_one())

    async def _words_with_prefix(
        self, conn: AsyncConnection, low: str, high: str, most: int = MAX_PREFIX_WORDS
    ) -> list[str] | None:
        """The distinct indexed words in [low, high), found by seeking (one index probe per
        word, however many events use it); None when there are more than `most`."""
        tt = t.item_terms
        words: list[str] = []
        after: str | None = None
        while len(words) <= most:
            cond = [tt.c.kind == Kind.EVENT.value, tt.c.term < high]
            cond.append(tt.c.term > after if after is not None else tt.c.term >= low)
            word = (await conn.execute(sa.select(sa.func.min(tt.c.term)).where(*cond))).scalar()
            if word is None:
                return words
            words.append(word)
            after = word
        return None

    async def _event_filters(
        self, conn: AsyncConnection, flt: TimelineFilter
    ) -> list[sa.ColumnElement[bool]]:
        """WHERE conditions on `items` for the filters (visibility not included)."""
        i, p, tt = t.items, t.item_people, t.item_terms
        event = Kind.EVENT.value
        where: list[sa.ColumnElement[bool]] = []
        if flt.topic:
            where.append(i.c.topic == flt.topic.lower())
        if flt.since is not None:
            where.append(i.c.sort_end >= flt.since)
        if flt.until is not None:
            where.append(i.c.sort_start <= flt.until)
        if flt.person:
            mine = sa.select(p.c.item_id, p.c.scope).where(
                p.c.person_id == flt.person, p.c.kind == event
            )
            if await self._bounded_count(conn, mine) < SPARSE:
                where.append(sa.tuple_(i.c.item_id, i.c.scope).in_(mine))
            else:
                where.append(
                    sa.select(sa.literal(1))
                    .where(
                        p.c.kind == i.c.kind,
                        p.c.item_id == i.c.item_id,
                        p.c.scope == i.c.scope,
                        p.c.person_id == flt.person,
                    )
                    .exists()
                )
        if flt.query:
            for term in dict.fromkeys(words_to_match(flt.query)):
                upper = _upper(term)
                having = sa.select(tt.c.item_id, tt.c.scope).where(
                    tt.c.kind == event, tt.c.term >= term, tt.c.term < upper
                )
                if await self._bounded_count(conn, having) < SPARSE:
                    where.append(sa.tuple_(i.c.item_id, i.c.scope).in_(having))
                    continue
                # Common word: check each row walked for one of the (few) indexed words that
                # start with it, each an exact primary-key probe (kind, term, item_id, scope).
                words = await self._words_with_prefix(conn, term, upper)
                if words is None:  # too many distinct words: fetch the matches first
                    where.append(sa.tuple_(i.c.item_id, i.c.scope).in_(having))
                    continue
                where.append(
                    sa.select(sa.literal(1))
                    .where(
                        tt.c.kind == i.c.kind,
                        tt.c.term.in_(words),
                        tt.c.item_id == i.c.item_id,
                        tt.c.scope == i.c.scope,
                    )
                    .exists()
                )
        return where

    async def _event_page_rows(
        self,
        conn: AsyncConnection,
        guild_id: int | None,
        where: list[sa.ColumnElement[bool]],
        *,
        ascending: bool,
        limit: int,
    ) -> list[dict[str, Any]]:
        """Event data in timeline order, first `limit`, as this server sees them.

        The server's own rows and the curated rows it does not shadow are read as two
        index-ordered scans (kind, scope, sort_start, sort_end, item_id), each stopped
        after `limit` rows, then merged: no full scan and sort, however many events."""
        i = t.items
        cols = (i.c.sort_start, i.c.sort_end, i.c.item_id)
        order = [c.asc() if ascending else c.desc() for c in cols]
        base = [i.c.kind == Kind.EVENT.value, i.c.removed == sa.false(), *where]
        curated = sa.select(*cols, i.c.data).where(i.c.scope == 0, *base)
        if guild_id is None:
            stmt = curated.order_by(*order).limit(limit)
            return [r.data for r in (await conn.execute(stmt)).all()]
        o = t.items.alias("o")
        shadowed = (
            sa.select(sa.literal(1))
            .where(o.c.kind == i.c.kind, o.c.item_id == i.c.item_id, o.c.scope == guild_id)
            .exists()
        )
        own = sa.select(*cols, i.c.data).where(i.c.scope == guild_id, *base)
        arms = [
            sa.select(q.order_by(*order).limit(limit).subquery())
            for q in (own, curated.where(~shadowed))
        ]
        merged = sa.union_all(*arms).subquery()
        m_order = [merged.c[c.name].asc() if ascending else merged.c[c.name].desc() for c in cols]
        stmt = sa.select(merged.c.data).order_by(*m_order).limit(limit)
        return [r.data for r in (await conn.execute(stmt)).all()]

    async def citation_counts(self, guild_id: int | None) -> dict[str, int]:
        """For each source id: how many items this server sees cite it (events, people,
        tariff layers, milestones; conflicts and outcomes included).

        The curated rows' citations (less those of removed curated rows) are counted off the
        term index once per curated version (a count over every citation: it grows with
        the data) and kept; then the server's differences are applied, which grow only with
        the server's own rows: curated rows it replaced, and its own rows."""
        i, tt = t.items, t.item_terms
        kinds = [k.value for k in Kind]
        cites = [tt.c.term >= CITES, tt.c.term < _upper(CITES)]
        curated_counts, removed = await self._curated_citations()
        counts = dict(curated_counts)
        async with self.engine.connect() as conn:
            hidden: set[tuple[str, str]] = set()
            own: list[tuple[str, str]] = []
            if guild_id is not None:
                rows = await conn.execute(
                    sa.select(i.c.kind, i.c.item_id, i.c.removed).where(
                        i.c.kind.in_(kinds), i.c.scope == guild_id
                    )
                )
                for r in rows:
                    if (r.kind, r.item_id) not in removed:
                        hidden.add((r.kind, r.item_id))  # a curated twin, if any, is replaced
                    if not r.removed:
                        own.append((r.kind, r.item_id))
            for keys, scope, sign in ((sorted(hidden), 0, -1), (own, guild_id, 1)):
                await self._add_citations(conn, counts, keys, scope, sign, cites)
        # the index keeps a term's first TERM_MAX characters: a source id past that length
        # is counted under its cut term, and given back under its own id
        out = {term[len(CITES) :]: n for term, n in counts.items() if n > 0}
        for item in await self.list_items(Kind.SOURCE, guild_id):
            cut = (CITES + item.id)[:TERM_MAX][len(CITES) :]
            if cut != item.id and cut in out:
                out[item.id] = out[cut]
        return out

    async def _curated_citations(self) -> tuple[dict[str, int], set[tuple[str, str]]]:
        """(citation term -> count over the curated rows every server sees, the removed
        curated rows): counted once, then kept current as curated rows change."""
        kept: CuratedCitations | None = await self.maintained(CITATIONS)
        if kept is not None:
            return kept.counts, kept.removed
        version = await self.curated_version()
        i, tt = t.items, t.item_terms
        kinds = [k.value for k in Kind]
        cites = [tt.c.term >= CITES, tt.c.term < _upper(CITES)]
        counts: dict[str, int] = {}
        async with self.engine.connect() as conn:
            curated = (
                sa.select(tt.c.term, sa.func.count())
                .where(tt.c.kind.in_(kinds), *cites, tt.c.scope == 0)
                .group_by(tt.c.term)
            )
            for term, n in (await conn.execute(curated)).all():
                counts[term] = int(n)
            removed = {
                (r.kind, r.item_id)
                for r in await conn.execute(
                    sa.select(i.c.kind, i.c.item_id).where(i.c.scope == 0, i.c.removed == sa.true())
                )
            }
            await self._add_citations(conn, counts, sorted(removed), 0, -1, cites)
        self.keep(CITATIONS, version, CuratedCitations(counts, removed))
        return counts, removed

    @staticmethod
    async def _add_citations(
        conn: AsyncConnection,
        counts: dict[str, int],
        keys: Sequence[tuple[str, str]],
        scope: int | None,
        sign: int,
        cites: list[sa.ColumnElement[bool]],
    ) -> None:
        tt = t.item_terms
        for start in range(0, len(keys), 400):
            chunk = list(keys[start : start + 400])
            stmt = (
                sa.select(tt.c.term, sa.func.count())
                .where(sa.tuple_(tt.c.kind, tt.c.item_id).in_(chunk), tt.c.scope == scope, *cites)
                .group_by(tt.c.term)
            )
            for term, n in (await conn.execute(stmt)).all():
                counts[term] = counts.get(term, 0) + sign * int(n)

    async def conflicts_by_id(self, guild_id: int | None) -> dict[str, Conflict]:
        """Every conflict this server sees, by id (held in memory per data version)."""
        return {
            c.id: c
            for c in await self.list_items(Kind.CONFLICT, guild_id)
            if isinstance(c, Conflict)
        }

    async def items_by_ids(
        self, kind: Kind, ids: Sequence[str], guild_id: int | None
    ) -> list[AnyItem]:
        """Visible items of a kind among `ids`, in the order given (unknown ids skipped)."""
        if not ids:
            return []
        if kind in SMALL_KINDS:  # held in memory per data version
            known = {item.id: item for item in await self.list_items(kind, guild_id)}
            return [known[i] for i in ids if i in known]
        stmt = sa.select(t.items.c.item_id, t.items.c.data).where(
            self._visible(kind, guild_id), t.items.c.item_id.in_(list(ids))
        )
        async with self.engine.connect() as conn:
            rows = {r.item_id: r.data for r in (await conn.execute(stmt)).all()}
        scope = guild_id if guild_id is not None else 0
        found = (lenient_model(kind, scope, rows[i]) for i in ids if i in rows)
        return [item for item in found if item is not None]


def _model(kind: Kind, data: dict[str, Any]) -> AnyItem:
    return MODEL_FOR_KIND[kind].model_validate(data)
