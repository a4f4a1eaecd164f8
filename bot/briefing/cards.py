"""What a curator sees after a change: the item exactly as readers see it (the reader
renderers of /timeline, /countdown and /who), with the item's id in the footer and, for an
item this server has removed, the reason and a grey colour.

Pure: models (+ now) -> discord.Embed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

import discord

from bot.briefing import countdown, people, timeline
from bot.briefing.text import truncate
from bot.models import Conflict, Event, Milestone, Person, Source

HIDDEN_COLOUR = discord.Colour(0x718096)
FOOTER_MAX = 2048


def _curator_footer(embed: discord.Embed, item_id: str, hidden_reason: str | None) -> None:
    text = f"id: {item_id}"
    if hidden_reason is not None:
        text = f"Hidden from readers: {truncate(hidden_reason, 500)} · {text}"
        embed.colour = HIDDEN_COLOUR
    embed.set_footer(text=truncate(text, FOOTER_MAX))


def event_embed(
    event: Event,
    *,
    people: Mapping[str, Person],
    sources: Mapping[str, Source],
    conflicts: Mapping[str, Conflict],
    hidden_reason: str | None = None,
) -> discord.Embed:
    """The event as the /timeline menu shows it in full."""
    embed = timeline.event_embed(event, sources, people, conflicts)
    _curator_footer(embed, event.id, hidden_reason)
    return embed


def milestone_embed(
    milestone: Milestone,
    *,
    now: datetime,
    sources: Mapping[str, Source],
    conflicts: Mapping[str, Conflict],
    hidden_reason: str | None = None,
) -> discord.Embed:
    """The milestone as `/countdown milestone:` shows it."""
    embed = countdown.milestone_embed(milestone, sources, now, conflicts)
    _curator_footer(embed, milestone.id, hidden_reason)
    return embed


def person_embed(
    person: Person,
    *,
    sources: Mapping[str, Source],
    conflicts: Mapping[str, Conflict],
    everyone: Mapping[str, Person] | None = None,
    events: Sequence[Event] = (),
    hidden_reason: str | None = None,
) -> discord.Embed:
    """The person as /who shows them."""
    known = dict(everyone or {})
    known[person.id] = person
    embed = people.person_embed(
        person, people=known, sources=sources, events=events, conflicts=conflicts
    )
    _curator_footer(embed, person.id, hidden_reason)
    return embed
