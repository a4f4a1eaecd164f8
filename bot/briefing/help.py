"""/help: what each command does, with an example of each: the reader commands described here,
the editors' and admins' commands with their own descriptions and an example from EXAMPLES."""

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
    (
        "/subscribe",
        "The deadlines calendar (webcal and https) and the feed of changes to the record, as "
        "links for your calendar app or feed reader.",
        "/subscribe",
    ),
    ("/help", "This list.", "/help"),
)


EXAMPLES: dict[str, str] = {
    "/editors role": "/editors role role:@Curators",
    "/event add": (
        "/event add date:9 Oct 2025 title:China widens rare-earth export controls "
        "summary:Five more rare earths need a licence. people:He Lifeng "
        "source_url:https://example.com/rare-earths"
    ),
    "/event edit": "/event edit event:geneva-talks title:Geneva talks agree a 90-day truce",
    "/event remove": "/event remove event:geneva-talks reason:duplicate of another entry",
    "/event restore": "/event restore event:geneva-talks",
    "/event history": "/event history event:geneva-talks",
    "/milestone add": (
        "/milestone add name:Next round of talks when:15 Dec 2026 10:00 "
        "timezone:Europe/Zurich place:Geneva kind:talks source_url:https://example.com/talks"
    ),
    "/milestone edit": (
        "/milestone edit milestone:malaysia-round place:Merdeka 118, Kuala Lumpur "
        "reason:venue named"
    ),
    "/milestone remove": "/milestone remove milestone:truce-expiry-2026 reason:superseded",
    "/milestone restore": "/milestone restore milestone:truce-expiry-2026",
    "/milestone history": "/milestone history milestone:truce-expiry-2026",
    "/person add": (
        "/person add name:Wang Wentao country:China affiliation:Ministry of Commerce "
        "bio:China's commerce minister. source_url:https://example.com/wang-wentao"
    ),
    "/person edit": "/person edit person:sean-stein aliases:Stein, USCBC president",
    "/person remove": "/person remove person:sean-stein reason:not part of the talks",
    "/person restore": "/person restore person:sean-stein",
    "/person history": "/person history person:sean-stein",
    "/digest setup": (
        "/digest setup channel:#briefing time:08:30 timezone:Europe/London "
        "frequency:weekly weekday:monday"
    ),
    "/digest status": "/digest status",
    "/source add": "/source add file:article.txt published:2026-03-17T09:00+01:00",
    "/review": "/review",
    "/digest off": "/digest off",
    "/digest alerts": "/digest alerts state:off",
    "/digest now": "/digest now",
    "/feed add": "/feed add url:https://example.com/feed channel:#briefing every:60",
    "/feed list": "/feed list",
    "/feed poll": "/feed poll feed:1",
    "/feed pause": "/feed pause feed:1",
    "/feed resume": "/feed resume feed:1",
    "/feed remove": "/feed remove feed:1",
    "/web publish": "/web publish state:on",
}
"""An example for each editors' and admins' command (by its full name), shown under its own
description."""

EDITORS_NOTE = (
    " The commands listed after these are for this server's editors and admins: /editors, "
    "/digest and /web need Manage Server."
)


def help_embeds(extra: Sequence[tuple[str, str]] = ()) -> list[discord.Embed]:
    """The reader commands, then any other commands the bot has (name, description), on as
    many embeds as they need (25 fields each); pack them with `pack_messages`."""
    known = {c[0] for c in COMMANDS}
    others = [(n, d) for n, d in extra if n not in known]
    embed = discord.Embed(
        title="Trade-talks briefing: commands",
        description=(
            "A sourced briefing on the US-China trade talks. Dates: 2025-10-09, "
            "9 Oct 2025 or Oct 2025. Numbers in [brackets] point to sources; ⚠️ marks "
            "where sources disagree." + (EDITORS_NOTE if others else "")
        ),
        colour=COLOUR,
    )
    for name, what, example in COMMANDS:
        embed.add_field(
            name=name,
            value=truncate(f"{what}\nExample: `{example}`", FIELD_VALUE_MAX),
            inline=False,
        )
    embeds = [shrink_to_total(embed)]
    for start in range(0, len(others), FIELDS_MAX):
        more = discord.Embed(title="For editors and admins", colour=COLOUR)
        for name, description in others[start : start + FIELDS_MAX]:
            text = description
            if name in EXAMPLES:
                text = f"{description}\nExample: `{EXAMPLES[name]}`"
            more.add_field(name=truncate(name, 256), value=truncate(text, 1024), inline=False)
        embeds.append(shrink_to_total(more))
    return embeds
