"""Store.save_many (an item with the source it cites; imports) on SQLite and PostgreSQL:
one transaction, one audit entry per item, overlays as in save; and the curator reads."""

from __future__ import annotations

from datetime import date

import pytest

from bot.curated import Dataset
from bot.dates import FuzzyDate
from bot.models import AuditAction, Event, Kind, Source
from bot.store import Actor, Store, StoreError
from tests.curation_helpers import snapshot

ADMIN = Actor(42, "alice")
GUILD = 1001


def _source(source_id: str = "example-abc123") -> Source:
    return Source(
        id=source_id,
        outlet="example.com",
        headline="A story",
        url="https://example.com/story",  # type: ignore[arg-type]
        published_window=FuzzyDate.day(date(2025, 9, 1)),
        timezone="UTC",
    )


def _event(event_id: str = "a-new-event-abc123", source_id: str = "example-abc123") -> Event:
    return Event(
        id=event_id,
        date=FuzzyDate.day(date(2025, 9, 1)),
        title="A new event",
        summary="Something happened.",
        topic="talks",
        people=["scott-bessent"],
        sources=[source_id],
    )


async def test_an_event_and_its_new_source_are_saved_together(
    store: Store, dataset: Dataset
) -> None:
    await store.sync_curated(dataset.items())
    version = await store.data_version()
    saved = await store.save_many(
        [_source(), _event()], guild_id=GUILD, actor=ADMIN, expect_new=True
    )
    assert [s.origin for s in saved] == ["guild", "guild"]
    assert await store.data_version() == version + 2
    log = (await store.audit_log())[-2:]
    assert [(a.kind, a.action, a.before) for a in log] == [
        (Kind.SOURCE, AuditAction.ADD, None),
        (Kind.EVENT, AuditAction.ADD, None),
    ]
    assert await store.get_item(Kind.EVENT, "a-new-event-abc123", GUILD) == _event()
    assert await store.get_item(Kind.EVENT, "a-new-event-abc123", GUILD + 1) is None
    page = await store.timeline(GUILD, limit=100)
    assert "a-new-event-abc123" in {e.id for e in page.events}


async def test_a_batch_that_fails_on_its_last_item_writes_nothing(
    store: Store, dataset: Dataset
) -> None:
    await store.sync_curated(dataset.items())
    before = await snapshot(store)
    clash = _event(event_id="geneva-talks")  # a curated id: refused as not new
    with pytest.raises(StoreError, match="already exists"):
        await store.save_many([_source(), clash], guild_id=GUILD, actor=ADMIN, expect_new=True)
    assert await snapshot(store) == before
    with pytest.raises(StoreError, match="twice"):
        await store.save_many([_source(), _source()], guild_id=GUILD, actor=ADMIN)
    assert await snapshot(store) == before


async def test_a_batch_edit_of_curated_items_is_an_overlay_with_before_and_after(
    store: Store, dataset: Dataset
) -> None:
    await store.sync_curated(dataset.items())
    original = next(e for e in dataset.events if e.id == "geneva-talks")
    changed = original.model_copy(update={"title": "Geneva (batch)"})
    [stored] = await store.save_many(
        [changed], guild_id=GUILD, actor=ADMIN, reason="why", action=AuditAction.IMPORT
    )
    assert stored.origin == "overlay" and stored.scope == GUILD
    entry = (await store.audit_log())[-1]
    assert entry.action is AuditAction.IMPORT and entry.reason == "why"
    assert entry.before == original.model_dump(mode="json")
    assert entry.after == changed.model_dump(mode="json")
    curated = await store.get_item(Kind.EVENT, "geneva-talks", None)
    assert isinstance(curated, Event) and curated.title == original.title


async def test_removed_titles_and_taken_ids(store: Store, dataset: Dataset) -> None:
    await store.sync_curated(dataset.items())
    await store.save_many([_source(), _event()], guild_id=GUILD, actor=ADMIN)
    await store.remove(Kind.EVENT, "eu-deal", guild_id=GUILD, actor=ADMIN, reason="x")
    assert [i for i, _ in await store.removed_titles(Kind.EVENT, GUILD)] == ["eu-deal"]
    assert await store.removed_titles(Kind.EVENT, GUILD + 1) == []
    taken = await store.item_ids(Kind.EVENT, GUILD)
    assert {"a-new-event-abc123", "eu-deal", "geneva-talks"} <= taken
    assert "a-new-event-abc123" not in await store.item_ids(Kind.EVENT, GUILD + 1)


async def test_the_audit_trail_reads_its_newest_entries_or_one_kind(
    store: Store, dataset: Dataset
) -> None:
    await store.sync_curated(dataset.items())
    every = await store.audit_log()
    assert [a.id for a in await store.audit_log(newest=3)] == [a.id for a in every[-3:]]
    assert [a.id for a in await store.audit_log(limit=2)] == [a.id for a in every[:2]]
    milestones = await store.audit_log(kinds=[Kind.MILESTONE])
    assert milestones == [a for a in every if a.kind is Kind.MILESTONE]
    assert len(milestones) == len(dataset.milestones)
