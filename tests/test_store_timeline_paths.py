"""Store.timeline reads pages through two index-ordered scans and picks, per word or person,
between fetching the matches first (rare) and checking rows while walking the date index
(common). Both paths, on both backends, give what a plain filter-and-sort gives."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from bot.curated import Dataset
from bot.dates import FuzzyDate
from bot.models import Event, Kind
from bot.store import Actor, Cursor, Store, TimelineFilter, _briefing

ADMIN = Actor(1, "curator")
GUILD = 7


def _events(n: int) -> list[Event]:
    words = ["truce", "tariff", "soybeans", "chips"]
    return [
        Event(
            id=f"syn-{i:04d}",
            date=FuzzyDate.day(date(2025, 1, 1) + timedelta(days=i % 300)),
            title=f"{words[i % 4]} item {i}",
            summary=f"About {words[(i // 4) % 4]}.",
            topic="talks" if i % 3 else "tariffs",
            people=["li-chenggang"] if i % 5 == 0 else [],
            sources=["dj-li-heads-to-us"],
        )
        for i in range(n)
    ]


def _expected(events: list[Event], flt: TimelineFilter) -> list[str]:
    def keep(e: Event) -> bool:
        text = f"{e.title} {e.summary}".lower()
        return (
            (not flt.query or flt.query in text)
            and (not flt.person or flt.person in e.people)
            and (not flt.topic or e.topic == flt.topic)
            and e.date.overlaps(flt.since, flt.until)
        )

    chosen = sorted((e for e in events if keep(e)), key=lambda e: (*e.date.sort_key, e.id))
    return [e.id for e in reversed(chosen)]


@pytest.mark.parametrize("sparse", [5, 100_000], ids=["walk-date-index", "matches-first"])
async def test_pages_match_a_plain_filter_on_both_paths(
    store: Store, dataset: Dataset, monkeypatch: pytest.MonkeyPatch, sparse: int
) -> None:
    monkeypatch.setattr(_briefing, "SPARSE", sparse)
    await store.sync_curated(dataset.items())
    synthetic = _events(120)
    await store.bulk_insert(synthetic, guild_id=None, actor=ADMIN)
    # The server hides one event and rewrites another (its overlay drops the word 'truce').
    await store.remove(Kind.EVENT, "syn-0000", guild_id=GUILD, actor=ADMIN, reason="dup")
    edited = synthetic[4].model_copy(update={"title": "renamed item", "summary": "Nothing."})
    await store.save(edited, guild_id=GUILD, actor=ADMIN)
    visible = [e for e in await store.list_typed(Event, GUILD)]
    for flt in (
        TimelineFilter(),
        TimelineFilter(query="truce"),
        TimelineFilter(person="li-chenggang", topic="talks"),
        TimelineFilter(query="chips", since=date(2025, 3, 1), until=date(2025, 6, 30)),
    ):
        got: list[str] = []
        page = await store.timeline(GUILD, flt, limit=8)
        got.extend(e.id for e in page.events)
        while page.has_older:
            page = await store.timeline(GUILD, flt, older_than=Cursor.of(page.events[-1]), limit=8)
            got.extend(e.id for e in page.events)
        assert got == _expected(visible, flt), flt
        assert "syn-0000" not in got
        if flt.query == "truce":
            assert "syn-0004" not in got
        back = await store.timeline(GUILD, flt, newer_than=Cursor.of(page.events[-1]), limit=8)
        assert [e.id for e in back.events] == got[-9:-1][-len(back.events) :]
