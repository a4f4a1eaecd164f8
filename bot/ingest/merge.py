"""Stage 4: claims about the same fact, from any sentence, merged into one proposal with all
their evidence; the article's own problems each once; and the page-date check, from the
facts that really match the record (how far the article's relative dates land from them).
Pure."""

from __future__ import annotations

from datetime import date, timedelta

from bot.dates import FuzzyDate
from bot.ingest.mentions import words
from bot.ingest.models import ConflictNote, Proposal


def _key(p: Proposal) -> tuple[str, ...]:
    if p.matches:
        return (p.kind, p.matches)
    if p.kind == "person":
        return (p.kind, p.title.casefold())
    if p.kind == "tariff":
        return (p.kind, str(p.imposer), str(p.target), f"{p.rate}", str(p.date))
    return (p.kind, str(p.date))


SAME_DAY_WORDS = 1
"""Content words two statements of one day must share to be one event."""
LOOSE_WORDS = frozenset(words("side sides said says official officials statement day week"))
"""Words any two statements share ("the two sides", "on the farm side"): no evidence."""


NEW_END = "the new date to count down to"
"""The reason an extension's successor milestone carries (bot.ingest.changes)."""


def _same_fact(a: Proposal, b: Proposal) -> bool:
    if a.kind not in ("event", "milestone"):
        return True
    if NEW_END in a.reasons and NEW_END in b.reasons:
        return True  # one extension's new end, named for each item it moves: one milestone
    # one day of one article is mostly one event, told in several sentences, so a word in
    # common will do; a live blog's day holds several, each said in words of its own
    same_day = a.date is not None and a.date == b.date and len(a.date) == 10
    need = SAME_DAY_WORDS if same_day else 2
    shared = (words(a.summary) & words(b.summary)) - LOOSE_WORDS
    return bool(set(a.people) & set(b.people)) or len(shared) >= need


def merge(proposals: list[Proposal]) -> list[Proposal]:
    """Claims about the same fact become one proposal with all their evidence; the
    strongest wording leads, and the score is the best claim's plus a little per further
    sentence that states it."""
    out: list[Proposal] = []
    for p in proposals:
        twin = next((q for q in out if _key(q) == _key(p) and _same_fact(q, p)), None)
        if twin is None:
            out.append(p)
            continue
        lead, other = (twin, p) if twin.score >= p.score else (p, twin)
        evidence = lead.evidence + [e for e in other.evidence if e not in lead.evidence]
        people = lead.people + [x for x in other.people if x not in lead.people]
        merged = lead.model_copy(
            update={
                "evidence": evidence,
                "people": people,
                "score": max(lead.score, other.score) + 0.5,
                "reasons": [*lead.reasons, "stated again"],
                "conflicts": lead.conflicts or other.conflicts,
            }
        )
        out[out.index(twin)] = merged
    return out


def unique(notes: list[ConflictNote]) -> list[ConflictNote]:
    seen: set[tuple[str, str]] = set()
    out = []
    for n in notes:
        if (n.claim, n.why) not in seen:
            seen.add((n.claim, n.why))
            out.append(n)
    return out


def page_date(shifts: list[int], page_day: date) -> list[ConflictNote]:
    late = [s for s in shifts if s >= 2]
    if len(late) < 2 or len(late) < len(shifts) / 2:
        return []
    days = min(late)
    story = page_day - timedelta(days=days)
    return [
        ConflictNote(
            claim=f"the page is dated {FuzzyDate.day(page_day).label()}",
            record=(
                f"read against that date, {len(late)} of its relative dates fall "
                f"{days} or more days after the record's dates for the same events: the "
                f"story reads as written on or before {FuzzyDate.day(story).label()}"
            ),
            why="a page date that differs from the story's own date",
        )
    ]
