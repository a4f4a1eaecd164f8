"""The data version kept in memory, and the read caches keyed by it. A mixin of Store.

The version is the newest audit id, as this process knows it. The bot's Store is the only
writer in its process and every change to the data writes audit rows, all through
`_insert_audit` inside a `_changing()` transaction: when such a transaction commits, the
version moves on by the number of audit rows it wrote (exactly the new newest audit id
when nobody else writes), so `data_version()` costs no query. A transaction that rolls
back changed nothing and leaves the version alone.

Another process may write to the same database (`python -m bot import`, a second
instance during a deploy). So at most every `version_ttl` seconds (2 s by default)
`data_version()` reads the newest audit id from the database; when it differs from what
this process last saw, the version moves on (never back), and the caches miss. Outside
changes therefore show within about `version_ttl` seconds.

Caches (all bounded, all in memory, all keyed by the version so a change invalidates
them exactly): the lists of the small kinds (sources, people, tariff layers, milestones)
per (kind, server); their (id, title) lists for pickers; single items; and timeline pages
in a least-recently-used map keyed by (server, filters, cursor, limit, version); and, for
callers, values they derive from these reads (`derived`, `derived_large`: a picker's
prepared titles and ranked choices). Callers get new lists, never the cached ones; the items
in them are frozen models.

A second version, `curated_version()`, moves on only when curated rows may have changed (a
curated write here, or any write by another process). Values worked out from every curated
row (the citation counts behind /sources, the curated events' title index for the editors'
picker) are kept by it (`keep`, `maintained`), so a server's edit leaves them alone; and a
curated write here does not make them read every row again either: each write of a curated
row records what it changed (`CuratedChange`), and when the transaction commits those
changes are applied to the kept values (`Maintained.apply`). Only a write by another process
(what changed is unknown) makes them be worked out again.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Callable, Hashable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any, Generic, Protocol, TypeVar

import sqlalchemy as sa

from bot.lru import LRU
from bot.models import AnyItem, Kind
from bot.store import _schema as t

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

V = TypeVar("V")

VERSION_TTL = 2.0
"""Seconds between checks of the database for changes made by other processes."""
SMALL_KINDS = frozenset({Kind.SOURCE, Kind.PERSON, Kind.TARIFF, Kind.MILESTONE, Kind.CONFLICT})
"""Kinds whose every item is held in memory per server (tens to hundreds of rows)."""
LIST_ENTRIES = 2048
"""(kind, server, removed-too) lists: four small kinds for about 500 active servers."""
PAGE_ENTRIES = 1024
"""Timeline pages (eight events each)."""
ITEM_ENTRIES = 2048
"""Single items (`get`)."""
TITLE_ENTRIES = 64
"""(id, title) lists of the small kinds, per server."""
DERIVED_ENTRIES = 1024
"""Small values callers work out from cached reads (e.g. a picker's ranked choices)."""
DERIVED_LARGE_ENTRIES = 4
"""Values that grow with the data (e.g. every event title prepared for matching)."""

NOTIFY_CHANNEL = "tradetalks_data"
"""Where a committed change is announced to the other processes (bot.store._cluster)."""
_AUDITED = "bot.store.audit_rows"
_CURATED = "bot.store.curated_changed"
_CHANGES = "bot.store.curated_rows"


@dataclass(frozen=True)
class CuratedChange:
    """A curated row (scope 0) written in a transaction: what it held before and after."""

    kind: Kind
    item_id: str
    before: dict[str, Any] | None
    """The row's data before (None: a new row)."""
    before_removed: bool
    after: AnyItem
    after_removed: bool
    title: str
    """The row's indexed title and start day after the change."""
    start: date | None


class Maintained(Protocol):
    """A value worked out from every curated row, kept current by applying the changes this
    process commits instead of reading every row again."""

    def apply(self, changes: Sequence[CuratedChange]) -> None: ...


class VersionedLRU(Generic[V]):
    """One value per key, valid for one data version: a newer version replaces it."""

    def __init__(self, size: int) -> None:
        self._lru: LRU[tuple[int, V]] = LRU(size)

    def get(self, key: Hashable, version: int) -> V | None:
        hit = self._lru.get(key)
        if hit is None or hit[0] != version:
            return None
        return hit[1]

    def put(self, key: Hashable, version: int, value: V) -> None:
        self._lru.put(key, (version, value))

    def clear(self) -> None:
        self._lru.clear()

    def __len__(self) -> int:
        return len(self._lru)


class ReadCaches:
    """The store's caches; see the module docstring for what each holds."""

    def __init__(self) -> None:
        self.lists: VersionedLRU[list[Any]] = VersionedLRU(LIST_ENTRIES)
        self.titles: VersionedLRU[list[tuple[str, str]]] = VersionedLRU(TITLE_ENTRIES)
        self.items: LRU[Any] = LRU(ITEM_ENTRIES)
        self.pages: LRU[Any] = LRU(PAGE_ENTRIES)
        self.derived: VersionedLRU[Any] = VersionedLRU(DERIVED_ENTRIES)
        """For callers: values derived from the store's reads, valid for one version."""
        self.derived_large: VersionedLRU[Any] = VersionedLRU(DERIVED_LARGE_ENTRIES)

    def clear(self) -> None:
        for cache in (
            self.lists,
            self.titles,
            self.items,
            self.pages,
            self.derived,
            self.derived_large,
        ):
            cache.clear()


class VersionMixin:
    """The in-memory data version and the write transaction that moves it on."""

    engine: AsyncEngine
    version_ttl: float
    monotonic: Callable[[], float]
    """The time source for `version_ttl` (tests replace it)."""
    caches: ReadCaches
    _version: int | None
    _curated: int
    _db_seen: int | None
    _checked_at: float

    def _init_versioning(self, version_ttl: float = VERSION_TTL) -> None:
        self.version_ttl = version_ttl
        self.monotonic = time.monotonic
        self._version = None
        self._curated = 0
        self._db_seen = None
        self._checked_at = float("-inf")
        self.caches = ReadCaches()
        self._maintained: dict[str, tuple[int, Maintained]] = {}

    async def _newest_audit_id(self) -> int:
        async with self.engine.connect() as conn:
            value = (await conn.execute(sa.select(sa.func.max(t.audit.c.id)))).scalar_one()
        return int(value or 0)

    async def data_version(self) -> int:
        """Grows with every change to the stored data (the newest audit id as this process
        knows it). No query, except a look at the database every `version_ttl` seconds for
        changes made by other processes."""
        if self._version is None or self.monotonic() - self._checked_at >= self.version_ttl:
            await self.recheck_version()
        assert self._version is not None
        return self._version

    async def curated_version(self) -> int:
        """Moves on when the curated rows (seen by every server) may have changed: a curated
        write here, or any write by another process. A server's own edit leaves it alone."""
        await self.data_version()
        return self._curated

    async def recheck_version(self) -> int:
        """Read the newest audit id now; move the version on if another process wrote."""
        self._checked_at = self.monotonic()  # before the await: one check at a time
        newest = await self._newest_audit_id()
        if self._version is None:
            self._version = self._db_seen = newest
        elif newest != self._db_seen:
            self._db_seen = newest
            self._version = max(newest, self._version + 1)
            self._curated += 1  # what changed elsewhere is unknown: curated rows too
        return self._version

    async def maintained(self, name: str) -> Any:
        """The value kept under `name` for the current curated version, else None."""
        version = await self.curated_version()
        hit = self._maintained.get(name)
        return hit[1] if hit is not None and hit[0] == version else None

    def keep(self, name: str, version: int, value: Maintained) -> None:
        """Keep `value`, worked out at curated `version` (read it before the rows)."""
        if version == self._curated:
            self._maintained[name] = (version, value)

    def _carry_forward(
        self, before: int, at_start: dict[str, tuple[int, Maintained]], changes: list[CuratedChange]
    ) -> None:
        """After a curated commit here: values current before it get its changes applied;
        one worked out during the transaction (it may or may not have seen them) is dropped."""
        for name, hit in list(self._maintained.items()):
            if hit[0] == before and at_start.get(name) is hit:
                hit[1].apply(changes)
                self._maintained[name] = (self._curated, hit[1])
            else:
                del self._maintained[name]

    def _advance(self, audit_rows: int, curated: bool) -> None:
        """This process committed `audit_rows` audit entries: the version moves on as
        many (unknown until first read: the next read of the database tells)."""
        if curated:
            self._curated += 1
        if audit_rows <= 0 or self._version is None:
            return
        self._version += audit_rows
        self._db_seen = self._version

    @asynccontextmanager
    async def _changing(self) -> AsyncIterator[AsyncConnection]:
        """A write transaction. The version moves on only once it has committed, so a
        reader never caches the data from before under the version after."""
        at_start = dict(self._maintained)
        async with self.engine.begin() as conn:
            conn.info[_AUDITED] = 0
            conn.info[_CURATED] = False
            conn.info[_CHANGES] = []
            try:
                yield conn
                written, curated = conn.info[_AUDITED], conn.info[_CURATED]
                changes: list[CuratedChange] = conn.info[_CHANGES]
                if written and self.engine.dialect.name == "postgresql":
                    # delivered when the transaction commits: other processes look again
                    await conn.execute(sa.select(sa.func.pg_notify(NOTIFY_CHANNEL, "")))
            finally:
                for key in (_AUDITED, _CURATED, _CHANGES):
                    conn.info.pop(key, None)
        before = self._curated
        self._advance(written, curated)
        if curated:
            self._carry_forward(before, at_start, changes)

    @staticmethod
    def _note_curated(conn: AsyncConnection, change: CuratedChange) -> None:
        """Every write of a curated row says what it changed (for the maintained values)."""
        conn.info[_CHANGES].append(change)

    async def _insert_audit(self, conn: AsyncConnection, rows: Sequence[dict[str, Any]]) -> None:
        """The one place that writes audit rows (and so changes the data version)."""
        if _AUDITED not in conn.info:
            raise RuntimeError("audit rows are written only inside Store._changing()")
        for start in range(0, len(rows), 5000):
            chunk = list(rows[start : start + 5000])
            if len(chunk) == 1:
                await conn.execute(sa.insert(t.audit).values(**chunk[0]))
            elif chunk:
                await conn.execute(sa.insert(t.audit), chunk)
        conn.info[_AUDITED] += len(rows)
        if any(row["guild_id"] is None for row in rows):
            conn.info[_CURATED] = True
