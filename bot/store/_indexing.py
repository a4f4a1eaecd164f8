"""What each kind of item contributes to the indexed columns (sort dates, topic, title,
people, search terms). Pure functions; the store calls them on every write."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from bot.models import AnyItem, Conflict, Event, Milestone, Person, Source, TariffMeasure

_TOKEN = re.compile(r"\w{2,}|\d", re.UNICODE)
"""Runs of word characters: two or more, or a single digit (a lone letter is no term)."""
TERM_MAX = 64


@dataclass(frozen=True)
class IndexFields:
    sort_start: date | None
    sort_end: date | None
    topic: str | None
    title: str
    people: frozenset[str]
    terms: frozenset[str]


def tokens(text: str) -> list[str]:
    """Lower-case word tokens used both to index and to query."""
    found: list[str] = _TOKEN.findall(text.casefold())
    if len(text) > TERM_MAX and max(map(len, found), default=0) > TERM_MAX:
        return [t[:TERM_MAX] for t in found]
    return found


FILLER = frozenset(
    {
        "the", "a", "an", "and", "or", "of", "to", "in", "on", "at", "by", "for", "with",
        "from", "as", "is", "was", "are", "were", "be", "it", "its", "this", "that", "these",
        "those", "who", "what", "which",
    }
)  # fmt: skip


def words_to_match(query: str) -> list[str]:
    """The words of a query that can match anything: not punctuation, emoji or filler
    ("the", "of") alone."""
    return [t for t in tokens(query) if t not in FILLER]


def _terms(*texts: str | None) -> frozenset[str]:
    out: set[str] = set()
    for text in texts:
        if text:
            out.update(tokens(text))
    return frozenset(out)


CITES = "~cites:"
"""Term prefix naming a source an item cites. Word tokens never start with '~', so a search
for what a reader types cannot hit these."""


def cited_sources(item: AnyItem) -> set[str]:
    """Every source an item cites (a conflict: its claims' and its verdict's; a milestone:
    its outcome's too)."""
    if isinstance(item, Source):
        return set()
    return item.all_source_ids()


def _reference_terms(item: AnyItem) -> frozenset[str]:
    return frozenset((CITES + s)[:TERM_MAX] for s in cited_sources(item))


def index_fields(item: AnyItem) -> IndexFields:
    fields = _index_fields(item)
    refs = _reference_terms(item)
    if not refs:
        return fields
    return IndexFields(
        sort_start=fields.sort_start,
        sort_end=fields.sort_end,
        topic=fields.topic,
        title=fields.title,
        people=fields.people,
        terms=fields.terms | refs,
    )


def _index_fields(item: AnyItem) -> IndexFields:
    if isinstance(item, Event):
        return IndexFields(
            sort_start=item.date.start,
            sort_end=item.date.end,
            topic=item.topic,
            title=item.title[:256],
            people=frozenset(item.people),
            terms=_terms(
                item.title, item.summary, item.place, *(p.replace("-", " ") for p in item.people)
            ),
        )
    if isinstance(item, Person):
        return IndexFields(
            sort_start=None,
            sort_end=None,
            topic=None,
            title=item.name[:256],
            people=frozenset({item.id}),
            terms=_terms(item.name, *item.aliases, item.affiliation),
        )
    if isinstance(item, Source):
        window = item.date_window
        return IndexFields(
            sort_start=window.start,
            sort_end=window.end,
            topic=item.kind,
            title=item.headline[:256],
            people=frozenset(),
            terms=_terms(item.outlet, item.headline, item.author),
        )
    if isinstance(item, TariffMeasure):
        first = item.history[0].day
        last = item.history[-1].day
        return IndexFields(
            sort_start=first,
            sort_end=last,
            topic=f"{item.imposer}-{item.target}",
            title=item.name[:256],
            people=frozenset(),
            terms=_terms(item.name, item.legal_basis, item.coverage),
        )
    if isinstance(item, Milestone):
        end = item.ends or item.at
        return IndexFields(
            sort_start=item.at.date(),
            sort_end=end.date(),
            topic=item.kind.value,
            title=item.name[:256],
            people=frozenset(),
            terms=_terms(item.name, item.place, item.description),
        )
    if isinstance(item, Conflict):
        return IndexFields(
            sort_start=None,
            sort_end=None,
            topic="settled" if item.settled else "open",
            title=item.question[:256],
            people=frozenset(),
            terms=_terms(item.question, *(c.says for c in item.claims), item.verdict),
        )
    raise TypeError(f"not a stored item: {type(item).__name__}")


def dump(item: AnyItem) -> dict[str, Any]:
    return item.model_dump(mode="json", exclude_defaults=False)


def content_hash(data: dict[str, Any]) -> str:
    blob = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(blob.encode()).hexdigest()
