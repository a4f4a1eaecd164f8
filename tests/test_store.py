"""The store on SQLite and PostgreSQL: migrations, idempotent curated loads, admin edits
that survive reloads, all-or-nothing writes, per-server visibility, keyset paging."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
import sqlalchemy as sa
from alembic import command

from bot.curated import Dataset
from bot.models import Claim, Conflict, Event, Kind
from bot.store import Actor, Cursor, Store, StoreError, TimelineFilter
from bot.store import _schema as schema
from bot.store._engine import _alembic_config, current_revision_sync, head_revision

ADMIN = Actor(42, "alice")
GUILD_A = 1001
GUILD_B = 2002


async def _snapshot(store: Store) -> dict[str, list[tuple[Any, ...]]]:
    out: dict[str, list[tuple[Any, ...]]] = {}
    async with store.engine.connect() as conn:
        for table in (schema.items, schema.item_people, schema.item_terms, schema.audit):
            rows = (await conn.execute(sa.select(table))).all()
            out[table.name] = sorted(tuple(map(repr, r)) for r in rows)
    return out


async def test_migrations_build_the_schema_from_empty(store: Store) -> None:
    async with store.engine.connect() as conn:
        revision = await conn.run_sync(current_revision_sync)
        tables = await conn.run_sync(lambda c: set(sa.inspect(c).get_table_names()))
        columns = await conn.run_sync(
            lambda c: {
                t: {col["name"] for col in sa.inspect(c).get_columns(t)}
                for t in schema.metadata.tables
            }
        )
        indexes = await conn.run_sync(
            lambda c: {i["name"] for i in sa.inspect(c).get_indexes("items")}
        )
    assert revision == head_revision()
    assert set(schema.metadata.tables) <= tables
    for name, table in schema.metadata.tables.items():
        assert columns[name] == {c.name for c in table.columns}, name
    assert {"ix_items_kind_scope_sort", "ix_items_kind_topic", "ix_items_kind_title"} <= indexes


async def test_loading_curated_data_twice_changes_nothing(store: Store, dataset: Dataset) -> None:
    first = await store.sync_curated(dataset.items())
    assert first.inserted == sum(1 for _ in dataset.items())
    version = await store.data_version()
    before = await _snapshot(store)

    second = await store.sync_curated(dataset.items())

    assert (second.inserted, second.updated, second.retired) == (0, 0, 0)
    assert second.unchanged == first.inserted
    assert await store.data_version() == version
    assert await _snapshot(store) == before


async def test_admin_edits_survive_a_reload(store: Store, dataset: Dataset) -> None:
    await store.sync_curated(dataset.items())
    original = next(e for e in dataset.events if e.id == "geneva-talks")
    overlay = original.model_copy(update={"title": "Geneva talks (corrected by server A)"})
    global_edit = original.model_copy(update={"summary": "Curator's global correction."})
    await store.save(overlay, guild_id=GUILD_A, actor=ADMIN, reason="typo")
    await store.save(global_edit, guild_id=None, actor=ADMIN, reason="fix")

    report = await store.sync_curated(dataset.items())

    assert report.kept_modified == 1 and "event:geneva-talks" in report.kept_ids
    seen_by_a = await store.get_item(Kind.EVENT, "geneva-talks", GUILD_A)
    seen_by_b = await store.get_item(Kind.EVENT, "geneva-talks", GUILD_B)
    assert (
        isinstance(seen_by_a, Event) and seen_by_a.title == "Geneva talks (corrected by server A)"
    )
    assert isinstance(seen_by_b, Event) and seen_by_b.summary == "Curator's global correction."


async def test_changed_curated_item_is_updated_and_dropped_one_retired(
    store: Store, dataset: Dataset
) -> None:
    await store.sync_curated(dataset.items())
    items = list(dataset.items())
    changed = [
        i.model_copy(update={"title": "Renamed"}) if getattr(i, "id", "") == "eu-deal" else i
        for i in items
        if getattr(i, "id", "") != "japan-deal"
    ]
    report = await store.sync_curated(changed)
    assert (report.updated, report.retired) == (1, 1)
    eu = await store.get_item(Kind.EVENT, "eu-deal", None)
    assert isinstance(eu, Event) and eu.title == "Renamed"
    assert await store.get_item(Kind.EVENT, "japan-deal", None) is None
    kept = await store.get(Kind.EVENT, "japan-deal", None, include_removed=True)
    assert kept is not None and kept.removed and kept.removed_reason


async def test_a_write_that_fails_midway_leaves_the_store_as_it_was(
    store: Store, dataset: Dataset, monkeypatch: pytest.MonkeyPatch
) -> None:
    await store.sync_curated(dataset.items())
    before = await _snapshot(store)
    event = dataset.events[0].model_copy(update={"title": "Half-written?"})

    async def broken_audit(*args: object, **kwargs: object) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(store, "_audit", broken_audit)
    with pytest.raises(RuntimeError):
        await store.save(event, guild_id=GUILD_A, actor=ADMIN)
    with pytest.raises(RuntimeError):
        await store.sync_curated([event, *dataset.items()][:1])
    with pytest.raises(RuntimeError):
        await store.remove(Kind.EVENT, event.id, guild_id=None, actor=ADMIN, reason="x")
    assert await _snapshot(store) == before


async def test_a_curated_load_that_fails_midway_writes_nothing(
    store: Store, dataset: Dataset
) -> None:
    duplicate = [*dataset.items(), dataset.events[0]]
    with pytest.raises(StoreError, match="duplicate"):
        await store.sync_curated(duplicate)
    assert await store.list_items(Kind.EVENT, None) == []


async def test_additions_and_removals_belong_to_one_server(store: Store, dataset: Dataset) -> None:
    await store.sync_curated(dataset.items())
    own = Event(
        id="a-local-event",
        date="2025-09-01",  # type: ignore[arg-type]
        title="Server A's own event",
        summary="Only server A sees this.",
        topic="talks",
        sources=["dj-li-heads-to-us"],
    )
    await store.save(own, guild_id=GUILD_A, actor=ADMIN, expect_new=True)
    await store.remove(
        Kind.EVENT, "eu-deal", guild_id=GUILD_A, actor=ADMIN, reason="not relevant here"
    )

    ids_a = {e.id for e in await store.list_items(Kind.EVENT, GUILD_A)}
    ids_b = {e.id for e in await store.list_items(Kind.EVENT, GUILD_B)}
    assert "a-local-event" in ids_a and "a-local-event" not in ids_b
    assert "eu-deal" not in ids_a and "eu-deal" in ids_b

    await store.restore(Kind.EVENT, "eu-deal", guild_id=GUILD_A, actor=ADMIN)
    assert "eu-deal" in {e.id for e in await store.list_items(Kind.EVENT, GUILD_A)}
    history = await store.history(Kind.EVENT, "eu-deal", GUILD_A)
    assert [h.action.value for h in history] == ["import", "remove", "restore"]
    assert history[1].reason == "not relevant here" and history[1].actor_name == "alice"
    assert await store.history(Kind.EVENT, "eu-deal", GUILD_B) == history[:1]

    with pytest.raises(StoreError, match="already exists"):
        await store.save(own, guild_id=GUILD_A, actor=ADMIN, expect_new=True)


async def test_timeline_pages_both_ways_and_filters(store: Store, dataset: Dataset) -> None:
    await store.sync_curated(dataset.items())
    newest_first = sorted(
        dataset.events, key=lambda e: (e.date.start, e.date.end, e.id), reverse=True
    )

    page1 = await store.timeline(GUILD_A, limit=8)
    assert [e.id for e in page1.events] == [e.id for e in newest_first[:8]]
    assert page1.has_older and not page1.has_newer
    page2 = await store.timeline(GUILD_A, older_than=Cursor.of(page1.events[-1]), limit=8)
    assert [e.id for e in page2.events] == [e.id for e in newest_first[8:16]]
    assert page2.has_newer
    back = await store.timeline(GUILD_A, newer_than=Cursor.of(page2.events[0]), limit=8)
    assert [e.id for e in back.events] == [e.id for e in page1.events]
    assert not back.has_newer
    assert Cursor.decode(Cursor.of(page2.events[0]).encode()) == Cursor.of(page2.events[0])

    by_person = await store.timeline(GUILD_A, TimelineFilter(person="li-chenggang"), limit=50)
    assert {e.id for e in by_person.events} == {
        e.id for e in dataset.events if "li-chenggang" in e.people
    }
    by_topic = await store.timeline(GUILD_A, TimelineFilter(topic="talks"), limit=50)
    assert {e.id for e in by_topic.events} == {e.id for e in dataset.events if e.topic == "talks"}
    window = TimelineFilter(since=date(2025, 10, 1), until=date(2025, 10, 31))
    in_october = await store.timeline(GUILD_A, window, limit=50)
    assert {e.id for e in in_october.events} == {
        e.id for e in dataset.events if e.date.overlaps(date(2025, 10, 1), date(2025, 10, 31))
    }
    assert "shipping-sanctions" in {e.id for e in in_october.events}  # "mid Oct 2025"
    by_text = await store.timeline(GUILD_A, TimelineFilter(query="rare earth"), limit=50)
    assert "rare-earth-controls" in {e.id for e in by_text.events}
    assert await store.count_events(GUILD_A, TimelineFilter(query="zzzz-no-such")) == 0


async def test_store_survives_reopening(store_factory: Any, dataset: Dataset) -> None:
    first = await store_factory()
    await first.sync_curated(dataset.items())
    await first.save(
        dataset.events[0].model_copy(update={"title": "Edited before restart"}),
        guild_id=GUILD_A,
        actor=ADMIN,
    )
    await first.close()
    second = await store_factory()
    report = await second.sync_curated(dataset.items())
    assert report.changed == 0
    item = await second.get_item(Kind.EVENT, dataset.events[0].id, GUILD_A)
    assert isinstance(item, Event) and item.title == "Edited before restart"


async def test_guild_config_and_meta_round_trip(store: Store) -> None:
    config = await store.guild_config(GUILD_A)
    assert config.digest_channel_id is None
    await store.save_guild_config(
        config.model_copy(update={"digest_channel_id": 99, "timezone": "Asia/Tokyo"})
    )
    again = await store.guild_config(GUILD_A)
    assert (again.digest_channel_id, again.timezone) == (99, "Asia/Tokyo")
    assert [c.guild_id for c in await store.guild_configs()] == [GUILD_A]
    assert await store.get_meta("k") is None
    await store.set_meta("k", "1")
    await store.set_meta("k", "2")
    assert await store.get_meta("k") == "2"


async def test_inline_conflicts_become_conflict_items(store_factory: Any, dataset: Dataset) -> None:
    """A store written before conflicts were items of their own (revision 0001: each item
    carried its conflicts inline) upgrades without loss: every item names its conflicts by
    id, a server's own conflict stays that server's, and the curated load settles the rest."""
    store: Store = await store_factory()
    await store.sync_curated(dataset.items())
    fresh_counts = await store.citation_counts(GUILD_A)
    own = Conflict(
        id="own-dispute",
        question="Which day did the talks end?",
        claims=[Claim(source="dj-li-heads-to-us", says="Tuesday.")],
    )
    await store.save(own, guild_id=GUILD_A, actor=ADMIN)
    event = next(e for e in dataset.events if e.id == "geneva-talks")
    named = event.model_copy(update={"conflicts": ["own-dispute"]})
    await store.save(named, guild_id=GUILD_A, actor=ADMIN)
    async with store.engine.begin() as conn:
        await conn.run_sync(lambda c: command.downgrade(_alembic_config(c), "0001"))
        inline = (
            await conn.execute(
                sa.select(schema.items.c.data).where(
                    schema.items.c.kind == "event",
                    schema.items.c.item_id == "geneva-talks",
                    schema.items.c.scope == GUILD_A,
                )
            )
        ).scalar_one()
    assert inline["conflicts"][0]["about"] == "Which day did the talks end?"
    await store.close()

    reopened: Store = await store_factory()  # migrates to the head again
    await reopened.sync_curated(dataset.items())
    seen = await reopened.get_item(Kind.EVENT, "geneva-talks", GUILD_A)
    assert isinstance(seen, Event) and seen.conflicts == ["own-dispute"]
    assert (await reopened.conflicts_by_id(GUILD_A))["own-dispute"] == own
    assert "own-dispute" not in await reopened.conflicts_by_id(GUILD_B)
    assert await reopened.conflicts_by_id(GUILD_B) == {c.id: c for c in dataset.conflicts}
    counts = await reopened.citation_counts(GUILD_B)
    assert {k: v for k, v in counts.items() if v} == {k: v for k, v in fresh_counts.items() if v}
