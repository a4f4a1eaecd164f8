"""The editors' pickers. Events (any number of them) are searched in a word index kept in
memory: the choices are the newest events whose title or id words start with every typed
word, as a plain loop over every event finds them, and stay so as events are added, changed
and dropped. The small kinds rank in rapidfuzz's C loop; the choices are the ones the plain
per-title loop gives (a text in a title or an id scores 100, else the best partial match;
85 or more; best first, ties in the pool's order; at most 25)."""

from __future__ import annotations

import random
from datetime import date

from rapidfuzz import fuzz

from bench.__main__ import synthetic_events
from bot.curated import Dataset
from bot.store._indexing import tokens
from bot.store._titles import TitleIndex, key_of
from cogs._editing import MAX_CHOICES, Pickable, ranked

Row = tuple[str, str, date | None, bool]


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


def word_reference(rows: list[Row], typed: str, include_removed: bool = False) -> list[str]:
    """Ids of the newest 25 events whose title or id words start with every typed word."""
    words = set(tokens(typed))
    hits = [
        (key_of(item_id, start), item_id)
        for item_id, title, start, removed in rows
        if (include_removed or not removed)
        and all(
            any(w.startswith(typed_word) for w in tokens(title) + tokens(item_id))
            for typed_word in words
        )
    ]
    return [item_id for _, item_id in sorted(hits)][:MAX_CHOICES]


def event_rows(dataset: Dataset, n: int) -> list[Row]:
    rows: list[Row] = [(e.id, e.title, e.date.start, False) for e in dataset.events]
    rows += [(e.id, e.title, e.date.start, i % 7 == 0) for i, e in enumerate(synthetic_events(n))]
    return rows


WORDS_TYPED = ["", "geneva", "GENEVA ", "gen", "truce talks", "talks truce", "syn-0001", "0042"]
WORDS_TYPED += [w[:k] for w in ("beijing", "export", "kuala lumpur") for k in range(1, len(w) + 1)]
WORDS_TYPED += ["t", "s", "0", "1", "tariff tr", "rare earths", "li", "busan 2025"]


def test_title_index_finds_what_a_loop_over_every_event_finds(dataset: Dataset) -> None:
    rows = event_rows(dataset, 3000)
    index = TitleIndex.of(rows)
    for text in WORDS_TYPED:
        for removed_too in (False, True):
            found = [i for _, i, _ in index.search(text, limit=25, include_removed=removed_too)]
            assert found == word_reference(rows, text, removed_too), text
    hidden = set(word_reference(rows, "geneva")[:5])
    shown = [i for _, i, _ in index.search("geneva", limit=25, hidden=hidden)]
    assert not hidden & set(shown) and len(shown) == MAX_CHOICES


def test_title_index_takes_a_typo_for_the_closest_title_word(dataset: Dataset) -> None:
    index = TitleIndex.of(event_rows(dataset, 500))
    assert index.search("genva", limit=25) == index.search("geneva", limit=25)
    assert index.search("truce tlaks", limit=25) == index.search("truce talks", limit=25)
    assert index.search("zzzzqx", limit=25) == []
    exact = dataset.events[0].title
    assert [t for _, _, t in index.search(exact.upper(), limit=25, exact=True)] == [exact]


def test_title_index_updated_in_place_equals_one_built_afresh(dataset: Dataset) -> None:
    rng = random.Random(5)
    rows = {r[0]: r for r in event_rows(dataset, 800)}
    index = TitleIndex.of(rows.values())
    spare = synthetic_events(1200)[800:]
    for step in range(600):
        item_id = rng.choice(list(rows))
        action = rng.randrange(4)
        if action == 0:
            index.drop(item_id)
            del rows[item_id]
        elif action == 1:
            e = spare.pop()
            rows[e.id] = (e.id, e.title, e.date.start, False)
            index.put(*rows[e.id])
        elif action == 2:
            old = rows[item_id]
            rows[item_id] = (item_id, "Retitled " + old[1], date(2027, 1, 1 + step % 28), old[3])
            index.put(*rows[item_id])
        else:
            old = rows[item_id]
            rows[item_id] = (*old[:3], not old[3])
            index.put(*rows[item_id])
    afresh = TitleIndex.of(rows.values())
    for text in [*WORDS_TYPED, "retitled", "retitled gen", "genva"]:
        for removed_too in (False, True):
            assert index.search(text, limit=25, include_removed=removed_too) == afresh.search(
                text, limit=25, include_removed=removed_too
            ), text
