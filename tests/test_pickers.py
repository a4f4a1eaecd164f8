"""The editors' pickers rank in rapidfuzz's C loop; the choices are the ones the plain
per-title loop gives (a text in a title or an id scores 100, else the best partial match;
85 or more; best first, ties in the pool's order; at most 25)."""

from __future__ import annotations

import random

from rapidfuzz import fuzz

from bench.__main__ import synthetic_events
from bot.curated import Dataset
from cogs._editing import MAX_CHOICES, Pickable, ranked


def reference(pool: list[tuple[str, str]], current: str) -> list[tuple[str, str]]:
    typed = current.strip().casefold()
    if not typed:
        return pool[:MAX_CHOICES]
    scored = [
        (
            100.0
            if typed in title.casefold() or typed in item_id
            else fuzz.partial_ratio(typed, title.casefold()),
            item_id,
            title,
        )
        for item_id, title in pool
    ]
    kept = sorted((s for s in scored if s[0] >= 85), key=lambda s: -s[0])
    return [(item_id, title) for _, item_id, title in kept][:MAX_CHOICES]


def test_ranked_gives_the_plain_loops_choices(dataset: Dataset) -> None:
    pool = [(e.id, e.title) for e in dataset.events]
    pool += [(e.id, e.title) for e in synthetic_events(2000)]
    random.Random(3).shuffle(pool)
    prepared = Pickable.of(pool)
    typed = ["", "geneva", "GENEVA ", "tariff", "truce talks", "syn-0001", "0042", "ä", "zzzz"]
    typed += [w[:k] for w in ("beijing", "export", "kuala lumpur") for k in range(1, len(w) + 1)]
    for text in typed:
        assert ranked(prepared, text) == reference(pool, text), text
    assert len(ranked(prepared, "tariff")) == MAX_CHOICES
