"""The briefing queries on both backends: citation counts and conflicts follow what a
server sees (its removals and overlays)."""

from __future__ import annotations

from bot.curated import Dataset
from bot.models import Event, Kind
from bot.store import Actor, Store

ADMIN = Actor(1, "curator")
GUILD = 42


async def test_citation_counts_and_conflicts_follow_visibility(
    store: Store, dataset: Dataset
) -> None:
    await store.sync_curated(dataset.items())
    counts = await store.citation_counts(GUILD)
    expected = sum(
        1
        for kind in (Kind.EVENT, Kind.PERSON, Kind.MILESTONE, Kind.TARIFF, Kind.CONFLICT)
        for item in dataset.of_kind(kind)
        if "dj-li-heads-to-us" in item.all_source_ids()
    )
    assert counts["dj-li-heads-to-us"] == expected

    conflicts = await store.conflicts_by_id(GUILD)
    assert conflicts == {c.id: c for c in dataset.conflicts}

    await store.remove(Kind.EVENT, "li-washington-visit", guild_id=GUILD, actor=ADMIN, reason="x")
    after = await store.citation_counts(GUILD)
    assert after["dj-li-heads-to-us"] == expected - 1
    await store.remove(
        Kind.CONFLICT, "li-washington-counterpart", guild_id=GUILD, actor=ADMIN, reason="merged"
    )
    assert "li-washington-counterpart" not in await store.conflicts_by_id(GUILD)
    assert (await store.citation_counts(GUILD))["dj-li-heads-to-us"] == expected - 2
    assert "li-washington-counterpart" in await store.conflicts_by_id(None)
    assert (await store.citation_counts(None))["dj-li-heads-to-us"] == expected

    event = next(e for e in dataset.events if e.id == "geneva-talks")
    edited = Event.model_validate({**event.model_dump(), "sources": ["dj-li-heads-to-us"]})
    await store.save(edited, guild_id=GUILD, actor=ADMIN)
    assert (await store.citation_counts(GUILD))["dj-li-heads-to-us"] == expected - 1


async def test_items_by_ids_keeps_order_and_skips_unknown(store: Store, dataset: Dataset) -> None:
    await store.sync_curated(dataset.items())
    found = await store.items_by_ids(Kind.PERSON, ["xi-jinping", "nobody", "he-lifeng"], None)
    assert [p.id for p in found] == ["xi-jinping", "he-lifeng"]
