"""One event, milestone or person as readers see it: a single embed with its sources.

Pure: models (+ now) -> discord.Embed. Text from the data goes in as written (embeds never
ping); it is only shortened where Discord's limits demand, at a word, with an ellipsis.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

import discord

from bot.models import Event, Milestone, Person, Source

FIELD_MAX = 1024
EVENT_COLOUR = discord.Colour(0x2B6CB0)
MILESTONE_COLOUR = discord.Colour(0xC05621)
PERSON_COLOUR = discord.Colour(0x2F855A)
HIDDEN_COLOUR = discord.Colour(0x718096)


def shorten(text: str, limit: int) -> str:
    """`text` if it fits, else cut at the last word boundary with an ellipsis."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if " " in cut[limit // 2 :]:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip() + "…"


def fit_lines(lines: Sequence[str], limit: int = FIELD_MAX) -> str:
    """Join lines while they fit, then say how many were left out (a first line too long
    on its own is shortened at a word)."""
    out: list[str] = []
    for index, line in enumerate(lines):
        remaining = len(lines) - index
        more = f"\n…and {remaining - 1} more" if remaining > 1 else ""
        if len("\n".join([*out, line])) + len(more) <= limit:
            out.append(line)
        elif not out:
            out.append(shorten(line, limit - len(more)))
        else:
            out.append(f"…and {remaining} more")
            break
    return "\n".join(out)


def _link_target(url: str) -> str:
    return url.replace("(", "%28").replace(")", "%29")


def source_line(source: Source) -> str:
    outlet = discord.utils.escape_markdown(source.outlet).replace("[", "\\[").replace("]", "\\]")
    label = f"[{outlet}](<{_link_target(str(source.url))}>)" if source.url else outlet
    line = f"{label} — {source.headline}"
    if source.problems:
        line += " ⚠"
    return line


def _sources(ids: Iterable[str], sources: Mapping[str, Source]) -> str:
    lines = [source_line(sources[i]) if i in sources else f"source {i}" for i in ids]
    return fit_lines(lines) or "none"


def _footer(embed: discord.Embed, item_id: str, hidden_reason: str | None) -> None:
    text = f"id: {item_id}"
    if hidden_reason is not None:
        text = f"Hidden from readers: {shorten(hidden_reason, 500)} · {text}"
        embed.colour = HIDDEN_COLOUR
    embed.set_footer(text=text)


def event_embed(
    event: Event,
    *,
    people: Mapping[str, Person],
    sources: Mapping[str, Source],
    hidden_reason: str | None = None,
) -> discord.Embed:
    """An event: title, our summary, when, topic, who, its sources and any conflict flag.
    `hidden_reason` (for curators) marks an event this server has removed."""
    embed = discord.Embed(title=event.title, description=event.summary, colour=EVENT_COLOUR)
    embed.add_field(name="When", value=event.date.label(), inline=True)
    embed.add_field(name="Topic", value=event.topic, inline=True)
    if event.place:
        embed.add_field(name="Where", value=shorten(event.place, FIELD_MAX), inline=True)
    if event.people:
        names = [people[p].name if p in people else p for p in event.people]
        embed.add_field(name="People", value=fit_lines([", ".join(names)]), inline=False)
    embed.add_field(name="Sources", value=_sources(event.sources, sources), inline=False)
    if event.conflicts:
        lines = [
            f"{c.about}: {c.verdict}" if c.verdict else f"{c.about} (unsettled)"
            for c in event.conflicts
        ]
        embed.add_field(name="⚠ Sources disagree", value=fit_lines(lines), inline=False)
    _footer(embed, event.id, hidden_reason)
    return embed


def when_text(at: datetime, all_day: bool, zone: str) -> str:
    """A Discord timestamp (each reader sees their own zone), or the day for all-day ones."""
    if all_day:
        local = at.astimezone(ZoneInfo(zone))
        return f"{local.day} {local:%b %Y} (all day, {zone})"
    unix = int(at.timestamp())
    return f"<t:{unix}:F> (<t:{unix}:R>)"


def milestone_embed(
    milestone: Milestone,
    *,
    now: datetime,
    sources: Mapping[str, Source],
    hidden_reason: str | None = None,
) -> discord.Embed:
    embed = discord.Embed(
        title=milestone.name,
        description=milestone.description or None,
        colour=MILESTONE_COLOUR,
    )
    embed.add_field(
        name="When",
        value=when_text(milestone.at, milestone.all_day, milestone.timezone),
        inline=False,
    )
    if milestone.ends is not None:
        embed.add_field(
            name="Ends",
            value=when_text(milestone.ends, milestone.all_day, milestone.timezone),
            inline=False,
        )
    embed.add_field(name="Kind", value=milestone.kind.value, inline=True)
    if milestone.place:
        embed.add_field(name="Where", value=shorten(milestone.place, FIELD_MAX), inline=True)
    if milestone.outcome is not None:
        status = f"Passed: {milestone.outcome.status.value}. {milestone.outcome.note}"
    elif milestone.passed(now):
        status = "Passed; outcome not recorded yet."
    else:
        status = "Upcoming."
    embed.add_field(name="Status", value=shorten(status, FIELD_MAX), inline=False)
    ids = list(milestone.sources)
    if milestone.outcome is not None:
        ids += [s for s in milestone.outcome.sources if s not in ids]
    embed.add_field(name="Sources", value=_sources(ids, sources), inline=False)
    _footer(embed, milestone.id, hidden_reason)
    return embed


def person_embed(
    person: Person,
    *,
    sources: Mapping[str, Source],
    hidden_reason: str | None = None,
) -> discord.Embed:
    embed = discord.Embed(title=person.name, description=person.bio, colour=PERSON_COLOUR)
    embed.add_field(name="Country", value=person.country, inline=True)
    embed.add_field(name="Affiliation", value=person.affiliation, inline=True)
    if person.aliases:
        embed.add_field(name="Also known as", value=fit_lines([", ".join(person.aliases)]))
    posts = [f"{p.title}, {p.organisation}" for p in person.current_posts()]
    if posts:
        embed.add_field(name="Now", value=fit_lines(posts), inline=False)
    embed.add_field(name="Sources", value=_sources(person.sources, sources), inline=False)
    _footer(embed, person.id, hidden_reason)
    return embed
