"""/timeline: a page of events, one event in full, and the state a button carries.

A page button's custom id holds everything needed to draw the next page after a restart:
the direction, a key for the filters (stored once in the meta table; '-' for none) and the
keyset cursor (the edge event's start, end and id). Custom ids stay within Discord's 100.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

import discord

from bot.briefing.common import COLOUR, WARN, Refs, add_sources, conflict_lines, named_conflicts
from bot.briefing.text import (
    DESCRIPTION_MAX,
    SELECT_DESCRIPTION_MAX,
    SELECT_LABEL_MAX,
    add_field_lines,
    inert,
    join_fitting,
    plain,
    shown,
    shrink_to_total,
    truncate,
)
from bot.dates import FuzzyDate
from bot.models import Conflict, Cursor, Event, Person, Source, TimelineFilter, TimelinePage

PAGE_SIZE = 8
SUMMARY_LINE_MAX = 160
NO_FILTER = "-"
META_PREFIX = "timeline_filter:"

NAV_TEMPLATE = (
    r"tl:(?P<dir>[on]):(?P<key>-|[0-9a-f]{12}):(?P<cursor>[0-9a-z]+\.[0-9a-z]+\.[a-z0-9-]+)"
)
OPEN_ID = "tl:open"


# -- state in custom ids ---------------------------------------------------------------------


def _b36(n: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    out = ""
    while True:
        n, r = divmod(n, 36)
        out = digits[r] + out
        if n == 0:
            return out


def encode_cursor(cursor: Cursor) -> str:
    return f"{_b36(cursor.start.toordinal())}.{_b36(cursor.end.toordinal())}.{cursor.item_id}"


def decode_cursor(text: str) -> Cursor:
    start, end, item_id = text.split(".", 2)
    return Cursor(date.fromordinal(int(start, 36)), date.fromordinal(int(end, 36)), item_id)


def filter_payload(flt: TimelineFilter) -> str | None:
    """Canonical JSON of the filters, or None when there are none."""
    data = {
        "query": flt.query or None,
        "person": flt.person or None,
        "topic": flt.topic or None,
        "since": flt.since.isoformat() if flt.since else None,
        "until": flt.until.isoformat() if flt.until else None,
    }
    if not any(data.values()):
        return None
    return json.dumps(data, sort_keys=True, separators=(",", ":"))


def filter_key(payload: str | None) -> str:
    if payload is None:
        return NO_FILTER
    return hashlib.sha256(payload.encode()).hexdigest()[:12]


def filter_from_payload(payload: str) -> TimelineFilter:
    data = json.loads(payload)
    return TimelineFilter(
        query=data.get("query"),
        person=data.get("person"),
        topic=data.get("topic"),
        since=date.fromisoformat(data["since"]) if data.get("since") else None,
        until=date.fromisoformat(data["until"]) if data.get("until") else None,
    )


def nav_custom_id(direction: str, key: str, cursor: Cursor) -> str:
    custom_id = f"tl:{direction}:{key}:{encode_cursor(cursor)}"
    assert len(custom_id) <= 100 and re.fullmatch(NAV_TEMPLATE, custom_id)
    return custom_id


@dataclass(frozen=True)
class NavTarget:
    """What a page button asks for: the page older or newer than the cursor."""

    older: bool
    key: str
    cursor: Cursor


def parse_nav(direction: str, key: str, cursor: str) -> NavTarget:
    return NavTarget(older=direction == "o", key=key, cursor=decode_cursor(cursor))


# -- rendering ---------------------------------------------------------------------------------


def day_label(d: date) -> str:
    return FuzzyDate.day(d).label()


def describe_filter(flt: TimelineFilter, people: Mapping[str, Person]) -> str:
    parts: list[str] = []
    if flt.query:
        parts.append(f"matching “{truncate(flt.query, 60)}”")
    if flt.person:
        person = people.get(flt.person)
        parts.append(f"with {shown(person.name if person else flt.person)}")
    if flt.topic:
        parts.append(f"on {flt.topic}")
    if flt.since and flt.until:
        parts.append(f"from {day_label(flt.since)} to {day_label(flt.until)}")
    elif flt.since:
        parts.append(f"since {day_label(flt.since)}")
    elif flt.until:
        parts.append(f"until {day_label(flt.until)}")
    return ", ".join(parts)


def event_line(event: Event) -> str:
    n = len(event.all_source_ids())
    mark = f" {WARN} sources disagree" if event.has_conflict else ""
    summary = shown(event.summary, SUMMARY_LINE_MAX)
    plural = "source" if n == 1 else "sources"
    return f"**{event.date.label()}** · {shown(event.title, 150)}\n{summary}\n-# {n} {plural}{mark}"


def page_embed(
    page: TimelinePage, flt: TimelineFilter, people: Mapping[str, Person]
) -> discord.Embed:
    scope = describe_filter(flt, people)
    title = "Timeline" + (f": {scope}" if scope else "")
    lines = [event_line(e) for e in page.events]
    embed = discord.Embed(
        title=truncate(title, 256),
        description=join_fitting(lines, DESCRIPTION_MAX, sep="\n\n"),
        colour=COLOUR,
    )
    if page.events:
        newest, oldest = page.events[0].date, page.events[-1].date
        # "from … to …", not a dash that reads as part of a span label ("31 Oct – 1 Nov")
        span = (
            newest.label()
            if newest.label() == oldest.label()
            else f"from {oldest.label()} to {newest.label()}"
        )
        where = []
        if page.has_newer:
            where.append("newer ◀")
        if page.has_older:
            where.append("▶ older")
        nav = f" · more: {' / '.join(where)}" if where else ""
        legend = f" · {WARN} = sources disagree" if any(e.conflicts for e in page.events) else ""
        embed.set_footer(text=f"Newest first · {span}{nav}{legend} · pick one below")
    return embed


def empty_message(flt: TimelineFilter, people: Mapping[str, Person]) -> str:
    scope = describe_filter(flt, people)
    hints = []
    if flt.query:
        hints.append("use fewer or shorter words")
    if flt.person or flt.topic:
        hints.append("drop the person or topic")
    if flt.since or flt.until:
        hints.append("widen the dates (e.g. since:2025-01)")
    hint = "; ".join(hints) or "try again later"
    found = f" {scope}" if scope else ""
    return truncate(f"No events found{found}. To see more, {hint}.", 2000)


def select_options(events: Sequence[Event]) -> list[discord.SelectOption]:
    return [
        discord.SelectOption(
            label=truncate(f"{e.date.label()} · {plain(e.title)}", SELECT_LABEL_MAX),
            value=e.id,
            description=truncate(plain(e.summary), SELECT_DESCRIPTION_MAX),
            emoji="⚠️" if e.has_conflict else None,
        )
        for e in events
    ]


def event_embed(
    event: Event,
    sources: Mapping[str, Source],
    people: Mapping[str, Person],
    conflicts: Mapping[str, Conflict],
) -> discord.Embed:
    """One event in full: summary, place, people, quotes, conflicts, every source."""
    refs = Refs(sources)
    for source_id in event.sources:
        refs.number(source_id)
    embed = discord.Embed(
        title=shown(event.title, 256),
        description=truncate(inert(event.summary.strip()), DESCRIPTION_MAX - 100)
        + f" {refs.cite(event.sources)}",
        colour=COLOUR,
    )
    embed.add_field(name="When", value=event.date.label(), inline=True)
    embed.add_field(name="Topic", value=event.topic, inline=True)
    if event.place:
        embed.add_field(name="Where", value=shown(event.place, 1024), inline=True)
    if event.people:
        names = [shown(people[p].name if p in people else p) for p in event.people]
        embed.add_field(name="People", value=join_fitting(names, 1024, sep=", "), inline=False)
    quotes = [
        f"“{shown(q.text, 200)}” — "
        f"{shown(people[q.speaker].name if q.speaker in people else q.speaker)} "
        f"{refs.cite([q.source])}"
        for q in event.quotes
    ]
    add_field_lines(embed, "Quotes", quotes, max_fields=1)
    disputes = [conflict_lines(c, refs) for c in named_conflicts(event.conflicts, conflicts)[:5]]
    add_sources(embed, refs, max_fields=3)
    for lines in disputes:
        add_field_lines(embed, f"{WARN} Sources disagree", lines, max_fields=1)
    embed.set_footer(text=f"Event id: {event.id}")
    return shrink_to_total(embed)
