"""The store's in-memory data version and read caches, on SQLite and PostgreSQL: every kind
of write shows at once in every cached read, a write by another process shows after the
version TTL, a refused write leaves the caches valid, and a warm read runs no query."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from typing import Any

import pytest
import sqlalchemy as sa

from bot.curated import Dataset
from bot.dates import FuzzyDate
from bot.lru import LRU
from bot.models import Event, Kind, Milestone, Person, Source, TariffMeasure
from bot.store import Actor, Cursor, Store, StoreError, TimelineFilter
from bot.store._briefing import CITATIONS
from bot.store._timeline import EVENT_TITLES

ADMIN = Actor(42, "alice")
GUILD = 1001

OpenStore = Callable[..., Any]


AFTER_THE_RECORD = date(2029, 1, 1)
"""Later than anything the curated data records, so a test's event is the newest."""


def _event(event_id: str, day: date = AFTER_THE_RECORD, **extra: Any) -> Event:
    data: dict[str, Any] = {
        "id": event_id,
        "date": FuzzyDate.day(day),
        "title": f"Cache test {event_id}",
        "summary": "Something happened.",
        "topic": "talks",
        "people": ["scott-bessent"],
        "sources": ["dj-li-heads-to-us"],
    } | extra
    return Event(**data)


async def observe(store: Store, guild: int | None = GUILD) -> dict[str, Any]:
    """Everything the caches serve, read the way the commands read it."""
    first = await store.timeline(guild, limit=8)
    older = (
        await store.timeline(guild, older_than=Cursor.of(first.events[-1]), limit=8)
        if first.events
        else None
    )
    newest = first.events[0].id if first.events else "-"
    stored = await store.get(Kind.EVENT, newest, guild)
    return {
        "people": await store.list_typed(Person, guild),
        "sources": await store.list_typed(Source, guild),
        "milestones": await store.list_typed(Milestone, guild),
        "tariffs": await store.list_typed(TariffMeasure, guild),
        "people+removed": await store.list_items(Kind.PERSON, guild, include_removed=True),
        "person titles": await store.titles(Kind.PERSON, guild),
        "page": first,
        "older page": older,
        "bessent page": await store.timeline(guild, TimelineFilter(person="scott-bessent")),
        "word page": await store.timeline(guild, TimelineFilter(query="cache")),
        "bessent events": await store.events_for_person("scott-bessent", guild),
        "newest": (stored.item, stored.removed) if stored else None,
        "by ids": await store.items_by_ids(Kind.PERSON, ["li-chenggang", "he-lifeng"], guild),
        "event picks": {
            (guild_id, typed, removed_too): await store.event_titles_matching(
                guild_id, typed, include_removed=removed_too
            )
            for guild_id in (guild, None)
            for typed in PICKS
            for removed_too in (False, True)
        },
        "version": await store.data_version(),
    }


PICKS = ["", "cache", "cache test", "geneva", "gen", "genva", "truce talks", "bulk 1", "2025"]
"""Texts typed into the editors' event picker."""


async def fresh_view(open_store: OpenStore, guild: int | None = GUILD) -> dict[str, Any]:
    """The same reads from a store opened just now (empty caches)."""
    other: Store = await open_store()
    return await observe(other, guild)


async def citations(store: Store) -> tuple[dict[str, int], dict[str, int]]:
    """Citation counts: the curated part is cached per curated version, a server's own
    part is read each time."""
    return await store.citation_counts(GUILD), await store.citation_counts(None)


async def check_current(store: Store, open_store: OpenStore, before: dict[str, Any]) -> None:
    after = await observe(store)
    assert after == await fresh_view(open_store)
    assert await citations(store) == await citations(await open_store())
    assert after != before
    assert after["version"] > before["version"]


@pytest.fixture
async def loaded(store_factory: OpenStore, dataset: Dataset) -> Store:
    store: Store = await store_factory()
    await store.sync_curated(dataset.items())
    await citations(store)  # the curated counts, cached from here on
    return store


async def test_save_shows_in_every_cached_read(loaded: Store, store_factory: OpenStore) -> None:
    store = loaded
    before = await observe(store)
    person = next(p for p in await store.list_typed(Person, GUILD) if p.id == "li-chenggang")
    await store.save(person.model_copy(update={"name": "Li C."}), guild_id=GUILD, actor=ADMIN)
    await check_current(store, store_factory, before)
    before = await observe(store)
    await store.save(_event("cache-new"), guild_id=GUILD, actor=ADMIN, expect_new=True)
    await check_current(store, store_factory, before)
    assert (await store.timeline(GUILD, limit=1)).events[0].id == "cache-new"


async def test_remove_and_restore_show_in_every_cached_read(
    loaded: Store, store_factory: OpenStore
) -> None:
    store = loaded
    newest = (await store.timeline(GUILD, limit=1)).events[0]
    before = await observe(store)
    await store.remove(Kind.EVENT, newest.id, guild_id=GUILD, actor=ADMIN, reason="test")
    await check_current(store, store_factory, before)
    assert (await store.timeline(GUILD, limit=1)).events[0].id != newest.id
    assert await store.get(Kind.EVENT, newest.id, GUILD) is None

    before = await observe(store)
    await store.remove(Kind.SOURCE, "dj-li-heads-to-us", guild_id=None, actor=ADMIN, reason="test")
    after = await observe(store)
    assert after == await fresh_view(store_factory) and after != before
    assert await citations(store) == await citations(await store_factory())

    before = after
    await store.restore(Kind.EVENT, newest.id, guild_id=GUILD, actor=ADMIN)
    await check_current(store, store_factory, before)
    assert (await store.timeline(GUILD, limit=1)).events[0].id == newest.id


async def test_save_many_shows_in_every_cached_read(
    loaded: Store, store_factory: OpenStore
) -> None:
    store = loaded
    before = await observe(store)
    source = Source(
        id="cache-source",
        outlet="example.com",
        headline="A story",
        url="https://example.com/story",  # type: ignore[arg-type]
        published_window=FuzzyDate.day(date(2026, 3, 1)),
        timezone="UTC",
    )
    await store.save_many(
        [source, _event("cache-many", sources=["cache-source"])],
        guild_id=GUILD,
        actor=ADMIN,
        expect_new=True,
    )
    await check_current(store, store_factory, before)
    assert "cache-source" in {s.id for s in await store.list_typed(Source, GUILD)}


async def test_sync_curated_shows_in_every_cached_read(
    loaded: Store, store_factory: OpenStore, dataset: Dataset
) -> None:
    store = loaded
    before = await observe(store)
    items = [
        p.model_copy(update={"name": "Renamed"}) if getattr(p, "id", "") == "he-lifeng" else p
        for p in dataset.items()
        if getattr(p, "id", "") != "li-chenggang"
    ]
    report = await store.sync_curated(items)
    assert (report.updated, report.retired) == (1, 1)
    await check_current(store, store_factory, before)
    names = {p.id: p.name for p in await store.list_typed(Person, GUILD)}
    assert names["he-lifeng"] == "Renamed" and "li-chenggang" not in names


async def test_bulk_insert_shows_in_every_cached_read(
    loaded: Store, store_factory: OpenStore
) -> None:
    store = loaded
    before = await observe(store)
    events = [_event(f"cache-bulk-{i}", AFTER_THE_RECORD + timedelta(days=i)) for i in range(20)]
    await store.bulk_insert(events, guild_id=None, actor=ADMIN)
    await check_current(store, store_factory, before)
    assert before["version"] + 20 == await store.data_version()
    assert (await store.timeline(GUILD, limit=1)).events[0].id == "cache-bulk-19"


async def test_curated_event_changes_show_in_every_cached_read(
    loaded: Store, store_factory: OpenStore
) -> None:
    """The curated events' title index and citation counts are kept current by applying
    each curated change (not read again): after each, they equal a fresh store's."""
    store = loaded
    newest = (await store.timeline(None, limit=1)).events[0]
    steps = [
        lambda: store.save(
            newest.model_copy(
                update={"title": "Geneva cache retitled", "sources": ["dj-li-heads-to-us"]}
            ),
            guild_id=None,
            actor=ADMIN,
        ),
        lambda: store.remove(Kind.EVENT, newest.id, guild_id=None, actor=ADMIN, reason="test"),
        lambda: store.restore(Kind.EVENT, newest.id, guild_id=None, actor=ADMIN),
        lambda: store.save(_event("cache-curated"), guild_id=None, actor=ADMIN, expect_new=True),
    ]
    before = await observe(store)
    kept = [await store.maintained(name) for name in (EVENT_TITLES, CITATIONS)]
    assert all(kept)
    for step in steps:
        await step()
        await check_current(store, store_factory, before)
        assert [await store.maintained(name) for name in (EVENT_TITLES, CITATIONS)] == kept
        before = await observe(store)
    picked = await store.event_titles_matching(GUILD, "geneva retitled")
    assert picked == [(newest.id, "Geneva cache retitled")]


async def test_a_large_curated_load_rebuilds_the_title_index(
    loaded: Store, store_factory: OpenStore
) -> None:
    store = loaded
    before = await observe(store)
    events = [_event(f"cache-bulk-{i}", date(2025, 1, 1) + timedelta(days=i)) for i in range(1500)]
    await store.bulk_insert(events, guild_id=None, actor=ADMIN)
    await check_current(store, store_factory, before)
    assert [i for i, _ in await store.event_titles_matching(GUILD, "bulk 149", limit=3)] == [
        "cache-bulk-1499",
        "cache-bulk-1498",
        "cache-bulk-1497",
    ]


async def test_another_process_write_shows_after_the_ttl(
    loaded: Store, store_factory: OpenStore
) -> None:
    store = loaded
    now = [1000.0]
    store.monotonic = lambda: now[0]
    await store.recheck_version()
    before = await observe(store)
    other: Store = await store_factory()
    await other.save(_event("cache-elsewhere"), guild_id=GUILD, actor=ADMIN)

    now[0] += store.version_ttl / 2
    assert await observe(store) == before  # within the TTL: from memory

    now[0] += store.version_ttl
    await check_current(store, store_factory, before)
    assert (await store.timeline(GUILD, limit=1)).events[0].id == "cache-elsewhere"


async def test_a_refused_write_keeps_the_version_and_the_caches(
    loaded: Store, store_factory: OpenStore
) -> None:
    store = loaded
    before = await observe(store)
    taken = before["page"].events[0]
    with pytest.raises(StoreError):
        await store.save_many(
            [_event("cache-fine"), _event(taken.id)],
            guild_id=GUILD,
            actor=ADMIN,
            expect_new=True,
        )
    assert await observe(store) == before == await fresh_view(store_factory)


@contextmanager
def counting_queries(store: Store) -> Iterator[list[str]]:
    seen: list[str] = []

    def count(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        seen.append(statement)

    sa.event.listen(store.engine.sync_engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        sa.event.remove(store.engine.sync_engine, "before_cursor_execute", count)


async def test_warm_reads_run_no_query_and_hand_out_copies(loaded: Store) -> None:
    store = loaded
    first = await observe(store)
    with counting_queries(store) as queries:
        again = await observe(store)
    assert again == first
    assert queries == []

    people = await store.list_typed(Person, GUILD)
    people.clear()
    page = await store.timeline(GUILD)
    page.events.clear()
    titles = await store.titles(Kind.PERSON, GUILD)
    titles.clear()
    assert await observe(store) == first

    store.version_ttl = 0  # a look at the database: one query, nothing else
    with counting_queries(store) as queries:
        assert await observe(store) == first
    assert queries and all("max(audit.id)" in q for q in queries)


def test_lru_forgets_the_least_recently_used() -> None:
    lru: LRU[int] = LRU(2)
    lru.put("a", 1)
    lru.put("b", 2)
    assert lru.get("a") == 1
    lru.put("c", 3)
    assert (lru.get("a"), lru.get("b"), lru.get("c")) == (1, None, 3)
    assert len(lru) == 2
