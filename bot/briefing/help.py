"""/help: what each reader command does, with an example of each."""

from __future__ import annotations

from collections.abc import Sequence

import discord

from bot.briefing.common import COLOUR
from bot.briefing.text import FIELD_VALUE_MAX, FIELDS_MAX, shrink_to_total, truncate

COMMANDS: tuple[tuple[str, str, str], ...] = (
    (
        "/timeline",
        "Events in date order, newest first, eight to a page, with Older/Newer buttons and a "
        "menu that opens one event in full. Filter by words, person, topic and dates.",
        "/timeline person:Li Chenggang since:Aug 2025",
    ),
    (
        "/who",
        "A person's posts with dates, country, affiliation, bio, latest events, sources and any "
        "conflict about them. Forgiving of case, order and typos.",
        "/who name:bessent",
    ),
    (
        "/tariffs",
        "Tariffs both ways (US on China, China on US): each layer in force, the total, the peak, "
        "threats and suspensions, other partners, with sources and a chart. `as_of` looks back.",
        "/tariffs as_of:2025-04-12",
    ),
    (
        "/countdown",
        "Deadlines and meetings, nearest upcoming first, in your own time zone; passed ones "
        "with their outcome. Name one for details.",
        "/countdown milestone:Trump-Xi meeting",
    ),
    (
        "/sources",
        "Every source: outlet, date, headline, how often it is cited, its known problems, what "
        "it retells and the conflicts it is part of.",
        "/sources",
    ),
    ("/help", "This list.", "/help"),
)


def help_embed(extra: Sequence[tuple[str, str]] = ()) -> discord.Embed:
    """The reader commands, then any other commands the bot has (name, description)."""
    embed = discord.Embed(
        title="Trade-talks briefing: commands",
        description=(
            "A sourced briefing on the 2025 US-China trade talks. Dates: 2025-10-09, "
            "9 Oct 2025 or Oct 2025. Numbers in [brackets] point to sources; ⚠️ marks "
            "where sources disagree."
        ),
        colour=COLOUR,
    )
    for name, what, example in COMMANDS:
        embed.add_field(
            name=name,
            value=truncate(f"{what}\nExample: `{example}`", FIELD_VALUE_MAX),
            inline=False,
        )
    known = {c[0] for c in COMMANDS}
    others = [(n, d) for n, d in extra if n not in known]
    for name, description in others[: FIELDS_MAX - len(embed.fields)]:
        embed.add_field(name=truncate(name, 256), value=truncate(description, 1024), inline=False)
    return shrink_to_total(embed)
