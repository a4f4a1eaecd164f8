"""Event titles held in memory for the editors' picker (`/event edit event` and the like),
searchable by the words of a title or an id as they are typed.

A word index over titles and ids: each indexed word keeps its events newest first, so a
search walks one word's events in that order and stops at the first `limit` that match every
typed word. A typed word matches the words it starts ("gen" finds "geneva"); a word that
starts no indexed word stands for the closest title words instead (a typo). What it costs
depends on the number of words that start like the typed ones and on how far down the list
the matches lie, not on the number of events; an index is updated in place as events change
(`put`, `drop`).

The store keeps one for the curated events, updated as curated rows change (see
`VersionMixin._carry_forward`), and builds a small one per server for its own rows."""

from __future__ import annotations

import heapq
from bisect import bisect_left, insort
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from sys import intern
from typing import TypeVar

from rapidfuzz import fuzz, process

from bot.models import Kind
from bot.store._cache import CuratedChange
from bot.store._indexing import tokens

Key = tuple[int, str]
"""Newest first: (minus the start day's ordinal, item id)."""
K = TypeVar("K", Key, str)
BROAD = 64
"""A typed word that starts more indexed words than this is checked on each event instead
of merging its words' lists (e.g. a single letter)."""
TYPO_MIN = 75.0
"""How close (rapidfuzz ratio) a typed word must be to a title word to stand for it."""
TYPO_WORDS = 5
REBUILD_AFTER = 1000
"""More changed events than this at once: sort everything again rather than insert each."""


@dataclass(frozen=True, slots=True)
class Entry:
    key: Key
    title: str
    removed: bool
    words: tuple[str, ...]
    """Its title's and id's words, each the index's one copy of that word."""


def key_of(item_id: str, start: date | None) -> Key:
    return (-(start.toordinal() if start else 0), item_id)


class TitleIndex:
    def __init__(self) -> None:
        self.entries: dict[str, Entry] = {}
        self._order: list[Key] = []
        self._postings: dict[str, list[Key]] = {}
        self._vocabulary: list[str] = []
        """Every indexed word, sorted (for prefixes)."""
        self._title_words: dict[str, int] = {}
        """Words of titles (not of ids, not numbers), with how many titles use them: what a
        typo is matched against."""

    @classmethod
    def of(cls, rows: Iterable[tuple[str, str, date | None, bool]]) -> TitleIndex:
        """From (item_id, title, start day, removed) rows."""
        index = cls()
        index._put_many(rows)
        return index

    def __len__(self) -> int:
        return len(self.entries)

    def put(self, item_id: str, title: str, start: date | None, removed: bool) -> None:
        """Add an event, or replace what is known of it."""
        self.drop(item_id)
        entry, title_words = _entry(item_id, title, start, removed)
        self.entries[item_id] = entry
        insort(self._order, entry.key)
        for word in entry.words:
            postings = self._postings.get(word)
            if postings is None:
                postings = self._postings[word] = []
                insort(self._vocabulary, word)
            insort(postings, entry.key)
        self._count_title_words(title_words, 1)

    def apply(self, changes: Sequence[CuratedChange]) -> None:
        """Curated rows written (the store keeps the curated events' index this way)."""
        rows = [
            (c.item_id, c.title, c.start, c.after_removed) for c in changes if c.kind is Kind.EVENT
        ]
        if len(rows) > REBUILD_AFTER:
            self._put_many(rows)
            return
        for row in rows:
            self.put(*row)

    def _put_many(self, rows: Iterable[tuple[str, str, date | None, bool]]) -> None:
        """Add or replace many events at once: every list sorted once, not kept sorted."""
        for item_id, title, start, removed in rows:
            self.entries[item_id] = _entry(item_id, title, start, removed)[0]
        self._order = sorted(e.key for e in self.entries.values())
        postings: dict[str, list[Key]] = {}
        for key in self._order:
            for word in self.entries[key[1]].words:
                postings.setdefault(word, []).append(key)
        self._postings = postings
        self._vocabulary = sorted(postings)
        counts = Counter(w for e in self.entries.values() for w in set(tokens(e.title)))
        self._title_words = {w: n for w, n in counts.items() if not w.isdigit()}

    def _count_title_words(self, words: Iterable[str], step: int) -> None:
        for word in words:
            if word.isdigit():
                continue
            left = self._title_words.get(word, 0) + step
            if left > 0:
                self._title_words[word] = left
            else:
                self._title_words.pop(word, None)

    def drop(self, item_id: str) -> None:
        entry = self.entries.pop(item_id, None)
        if entry is None:
            return
        _remove(self._order, entry.key)
        for word in entry.words:
            postings = self._postings[word]
            _remove(postings, entry.key)
            if not postings:
                del self._postings[word]
                _remove(self._vocabulary, word)
        self._count_title_words(set(tokens(entry.title)), -1)

    def search(
        self,
        typed: str,
        *,
        limit: int,
        include_removed: bool = False,
        hidden: frozenset[str] | set[str] = frozenset(),
        exact: bool = False,
    ) -> list[tuple[Key, str, str]]:
        """Up to `limit` (key, item_id, title) of the events whose words match every typed
        word, newest first; none typed: the newest. `hidden` ids are skipped; `exact`: only
        titles equal to the typed text (case aside)."""
        words = list(dict.fromkeys(tokens(typed)))
        if not words:
            stream: Iterator[Key] = iter(self._order)
            checks: list[frozenset[str] | str] = []
        else:
            stream, checks = self._plan(words)
        out: list[tuple[Key, str, str]] = []
        for key in stream:
            item_id = key[1]
            if item_id in hidden:
                continue
            entry = self.entries[item_id]
            if entry.removed and not include_removed:
                continue
            if exact and entry.title.casefold() != typed.strip().casefold():
                continue
            if all(_matches(entry.words, check) for check in checks):
                out.append((key, item_id, entry.title))
                if len(out) >= limit:
                    break
        return out

    def _plan(self, typed: list[str]) -> tuple[Iterator[Key], list[frozenset[str] | str]]:
        """Which typed word's events to walk, and how to check the others on each event: a
        set of words that stand for a typed word, or the prefix itself when it is broad."""
        options: list[tuple[int, frozenset[str] | str]] = []
        for word in typed:
            lo = bisect_left(self._vocabulary, word)
            hi = bisect_left(self._vocabulary, word + "\U0010ffff", lo)
            if hi - lo > BROAD:
                options.append((len(self._order), word))
            elif hi > lo:
                found = frozenset(self._vocabulary[lo:hi])
                options.append((sum(len(self._postings[w]) for w in found), found))
            else:
                close = process.extract(
                    word,
                    list(self._title_words),
                    scorer=fuzz.ratio,
                    score_cutoff=TYPO_MIN,
                    limit=TYPO_WORDS,
                )
                found = frozenset(str(w) for w, _, _ in close)
                if not found:
                    return iter(()), []
                options.append((sum(len(self._postings[w]) for w in found), found))
        options.sort(key=lambda o: o[0])
        driver = options[0][1]
        checks = [check for _, check in options[1:]]
        if isinstance(driver, str):  # every typed word is broad: walk all, newest first
            return iter(self._order), [driver, *checks]
        merged = heapq.merge(*(self._postings[w] for w in sorted(driver)))
        return _unique(merged), checks


def _entry(item_id: str, title: str, start: date | None, removed: bool) -> tuple[Entry, set[str]]:
    """The entry, and the words of its title. Words are interned: at 100,000 events each
    common word would otherwise be held thousands of times over."""
    title_words = {intern(w) for w in tokens(title)}
    words = tuple(title_words.union(intern(w) for w in tokens(item_id)))
    return Entry(key_of(item_id, start), title, removed, words), title_words


def _matches(words: tuple[str, ...], check: frozenset[str] | str) -> bool:
    if isinstance(check, str):
        return any(w.startswith(check) for w in words)
    return not check.isdisjoint(words)


def _unique(keys: Iterable[Key]) -> Iterator[Key]:
    last: Key | None = None
    for key in keys:
        if key != last:
            yield key
            last = key


def _remove(sorted_list: list[K], value: K) -> None:
    at = bisect_left(sorted_list, value)
    if at < len(sorted_list) and sorted_list[at] == value:
        del sorted_list[at]
