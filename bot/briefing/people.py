"""/who: finding a person by what readers type, and the profile they see."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

import discord
from rapidfuzz import fuzz, utils

from bot.briefing.common import COLOUR, WARN, Refs, conflict_lines
from bot.briefing.text import (
    CHOICE_NAME_MAX,
    CHOICES_MAX,
    DESCRIPTION_MAX,
    add_field_lines,
    one_line,
    shrink_to_total,
    truncate,
)
from bot.models import Conflict, Event, Person, Post, Source

GOOD_MATCH = 88.0
"""A typed name that scores at least this against a name or alias is taken as that person."""
SUGGEST_MIN = 45.0


@dataclass(frozen=True)
class Match:
    person: Person
    score: float
    matched: str
    """The name or alias that matched best."""


@lru_cache(maxsize=4096)
def _processed(text: str) -> str:
    """rapidfuzz's default processing (lower case, no punctuation), once per string."""
    return str(utils.default_process(text))


def _score(query: str, candidate: str) -> float:
    return _score_processed(_processed(query), _processed(candidate))


def _score_processed(q: str, c: str) -> float:
    if not q or not c:
        return 0.0
    if q == c:
        return 100.0
    scores = [
        fuzz.WRatio(q, c),
        fuzz.token_sort_ratio(q, c),
    ]
    if len(q) >= 3 and c.startswith(q):
        scores.append(95.0)
    elif len(q) >= 3 and any(word.startswith(q) for word in c.split()):
        scores.append(90.0)
    return float(max(scores))


def match_people(people: Sequence[Person], query: str, limit: int = CHOICES_MAX) -> list[Match]:
    """People ranked by how well `query` fits their name or an alias (case, order, typos).

    An empty query lists everyone by name."""
    query = query.strip()
    if not query:
        ranked = sorted(people, key=lambda p: p.name.casefold())
        return [Match(p, 0.0, p.name) for p in ranked[:limit]]
    q = _processed(query)
    matches: list[Match] = []
    for person in people:
        best, matched = 0.0, person.name
        for candidate in (person.name, person.id.replace("-", " "), *person.aliases):
            score = _score_processed(q, _processed(candidate))
            if candidate != person.name:
                score -= 1.0  # the real name wins a tie with an alias
            if score > best:
                best, matched = score, candidate
        matches.append(Match(person, best, matched))
    matches.sort(key=lambda m: (-m.score, m.person.name.casefold()))
    return [m for m in matches if m.score >= SUGGEST_MIN][:limit]


def resolve_person(people: Sequence[Person], typed: str) -> Person | None:
    """The person an option value names: an id (from autocomplete) or a close-enough name."""
    typed = typed.strip()
    for person in people:
        if person.id == typed:
            return person
    found = match_people(people, typed, limit=1)
    if found and found[0].score >= GOOD_MATCH:
        return found[0].person
    return None


def did_you_mean(people: Sequence[Person], typed: str) -> str:
    """The error for an unknown name, naming the closest people."""
    close = match_people(people, typed, limit=3)
    shown = truncate(one_line(typed), 80)
    if close:
        names = " or ".join(f"**{m.person.name}**" for m in close)
        return (
            f"I don't know anyone called “{shown}”. Did you mean {names}? "
            "Pick from the list as you type."
        )
    return f"I don't know anyone called “{shown}”. Start typing a name and pick from the list."


def choice_label(person: Person) -> str:
    current = person.current_posts()
    role = current[0].title if current else person.affiliation
    return truncate(f"{person.name} — {one_line(role)}", CHOICE_NAME_MAX)


def choices(people: Sequence[Person], typed: str) -> list[tuple[str, str]]:
    """(label, person id) pairs for autocomplete: at most 25, labels at most 100."""
    return [(choice_label(m.person), m.person.id) for m in match_people(people, typed)]


# -- the profile -------------------------------------------------------------------------------


def post_line(post: Post, refs: Refs) -> str:
    if post.start and post.end:
        when = f"{post.start.label()} – {post.end.label()}"
    elif post.start:
        when = f"since {post.start.label()}"
    elif post.end:
        when = f"until {post.end.label()}"
    else:
        when = "current" if post.current else "dates not recorded"
    title = truncate(one_line(post.title), 200)
    org = truncate(one_line(post.organisation), 120)
    return f"**{title}**, {org} ({when}) {refs.cite(post.sources)}"


def person_embed(
    person: Person,
    *,
    people: Mapping[str, Person],
    sources: Mapping[str, Source],
    events: Sequence[Event],
    related_conflicts: Sequence[Conflict] = (),
) -> discord.Embed:
    """Name, posts with dates, country, affiliation, bio, whose aide, latest events, conflicts
    and sources (numbered; every post and event line cites its own)."""
    refs = Refs(sources)
    for source_id in person.sources:
        refs.number(source_id)
    embed = discord.Embed(
        title=truncate(person.name, 256),
        description=truncate(one_line(person.bio), DESCRIPTION_MAX - 60)
        + f" {refs.cite(person.sources)}",
        colour=COLOUR,
    )
    embed.add_field(name="Country", value=truncate(person.country, 1024), inline=True)
    embed.add_field(name="Affiliation", value=truncate(person.affiliation, 1024), inline=True)
    if person.aliases:
        embed.add_field(
            name="Also called",
            value=truncate(", ".join(person.aliases), 1024),
            inline=True,
        )
    current = [post_line(p, refs) for p in person.posts if p.current]
    earlier = [post_line(p, refs) for p in person.posts if not p.current]
    add_field_lines(embed, "Current post" if len(current) == 1 else "Current posts", current)
    add_field_lines(embed, "Earlier posts", earlier)
    if person.aide_to:
        bosses = []
        for boss_id in person.aide_to:
            boss = people.get(boss_id)
            if boss is None:
                bosses.append(boss_id)
                continue
            role = boss.current_posts()[0].title if boss.current_posts() else boss.affiliation
            bosses.append(f"{boss.name} ({truncate(one_line(role), 120)})")
        add_field_lines(embed, "Aide to", bosses, max_fields=1)
    aides = [p.name for p in people.values() if person.id in p.aide_to]
    add_field_lines(embed, "Aides", aides, max_fields=1)
    event_lines = [
        f"**{e.date.label()}** · {truncate(one_line(e.title), 140)} {refs.cite(e.sources)}"
        + (f" {WARN}" if e.has_conflict else "")
        for e in events
    ]
    add_field_lines(embed, "Latest events", event_lines or ["None recorded."], max_fields=1)
    seen: set[str] = set()
    conflicts: list[list[str]] = []
    for conflict in [*person.conflicts, *related_conflicts]:
        if conflict.id in seen:
            continue
        seen.add(conflict.id)
        conflicts.append(conflict_lines(conflict, refs))
    add_field_lines(embed, "Sources", refs.lines(headline_max=70), max_fields=2)
    for lines in conflicts[:4]:
        add_field_lines(embed, f"{WARN} Sources disagree", lines, max_fields=1)
    embed.set_footer(text="Numbers in [brackets] point to the sources listed above.")
    return shrink_to_total(embed)
