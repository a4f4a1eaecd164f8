"""/timeline: events newest first, Older/Newer buttons and a menu that opens one event.

The buttons and the menu are DynamicItems: their custom ids carry the state (filters key +
keyset cursor), so they keep working after the bot restarts."""

from __future__ import annotations

import logging
import re
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.briefing import people as people_brief
from bot.briefing import timeline as brief
from bot.client import BriefingBot, send_error
from bot.errors import UserError
from bot.models import TOPICS, Event, Kind, Person, Source
from bot.store import Cursor, TimelineFilter, TimelinePage
from cogs._common import NONE, bot_of, parse_day

log = logging.getLogger(__name__)

Button = discord.ui.Button[discord.ui.View]
Select = discord.ui.Select[discord.ui.View]


class TimelineNav(discord.ui.DynamicItem[Button], template=brief.NAV_TEMPLATE):
    """Older / Newer: the page beyond the cursor, with the filters the key names."""

    def __init__(self, direction: str, key: str, cursor: str, *, disabled: bool = False) -> None:
        older = direction == "o"
        super().__init__(
            discord.ui.Button(
                label="Older ▶" if older else "◀ Newer",
                style=discord.ButtonStyle.secondary,
                custom_id=f"tl:{direction}:{key}:{cursor}",
                disabled=disabled,
            )
        )
        self.direction, self.key, self.cursor = direction, key, cursor

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str]
    ) -> TimelineNav:
        return cls(match["dir"], match["key"], match["cursor"])

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        target = brief.parse_nav(self.direction, self.key, self.cursor)
        try:
            await turn_page(interaction, target)
        except UserError as exc:
            await send_error(interaction, str(exc))


class TimelineOpen(discord.ui.DynamicItem[Select], template=re.escape(brief.OPEN_ID)):
    """The menu that opens one event in full (shown only to whoever picked it)."""

    def __init__(self, options: list[discord.SelectOption] | None = None) -> None:
        super().__init__(
            discord.ui.Select(
                custom_id=brief.OPEN_ID,
                placeholder="Open one event in full…",
                options=options or [discord.SelectOption(label="-", value="-")],
            )
        )

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str]
    ) -> TimelineOpen:
        return cls()

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        bot = bot_of(interaction)
        values = self.item.values
        event = (
            await bot.store.get_item(Kind.EVENT, values[0], interaction.guild_id)
            if values
            else None
        )
        if not isinstance(event, Event):
            await send_error(interaction, "That event is no longer on record; run /timeline again.")
            return
        sources = await bot.store.list_typed(Source, interaction.guild_id)
        people = await bot.store.items_by_ids(Kind.PERSON, event.people, interaction.guild_id)
        embed = brief.event_embed(
            event,
            {s.id: s for s in sources},
            {p.id: p for p in people if isinstance(p, Person)},
        )
        await interaction.response.send_message(embed=embed, ephemeral=True, allowed_mentions=NONE)


def page_view(key: str, page: TimelinePage) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    newest = brief.encode_cursor(Cursor.of(page.events[0]))
    oldest = brief.encode_cursor(Cursor.of(page.events[-1]))
    view.add_item(TimelineNav("n", key, newest, disabled=not page.has_newer))
    view.add_item(TimelineNav("o", key, oldest, disabled=not page.has_older))
    view.add_item(TimelineOpen(brief.select_options(page.events)))
    return view


async def people_map(bot: BriefingBot, guild_id: int | None) -> dict[str, Person]:
    return {p.id: p for p in await bot.store.list_typed(Person, guild_id)}


async def turn_page(interaction: discord.Interaction[Any], target: brief.NavTarget) -> None:
    bot = bot_of(interaction)
    guild_id = interaction.guild_id
    flt = TimelineFilter()
    if target.key != brief.NO_FILTER:
        payload = await bot.store.get_meta(brief.META_PREFIX + target.key)
        if payload is None:
            raise UserError("I no longer know this timeline's filters; run /timeline again.")
        flt = brief.filter_from_payload(payload)
    if target.older:
        page = await bot.store.timeline(
            guild_id, flt, older_than=target.cursor, limit=brief.PAGE_SIZE
        )
    else:
        page = await bot.store.timeline(
            guild_id, flt, newer_than=target.cursor, limit=brief.PAGE_SIZE
        )
    if not page.events:
        raise UserError("There are no more events that way; run /timeline to start again.")
    people = await people_map(bot, guild_id)
    await interaction.response.edit_message(
        embed=brief.page_embed(page, flt, people),
        view=page_view(target.key, page),
        allowed_mentions=NONE,
    )


class Timeline(commands.Cog):
    def __init__(self, bot: BriefingBot) -> None:
        self.bot = bot

    @app_commands.command(
        name="timeline", description="Events in date order, newest first, with sources"
    )
    @app_commands.describe(
        query="Words to look for in titles and summaries",
        person="Only events involving this person",
        topic="Only events on this topic",
        since="From this date (2025-10-09, 9 Oct 2025 or Oct 2025)",
        until="Up to this date (2025-10-09, 9 Oct 2025 or Oct 2025)",
    )
    @app_commands.choices(topic=[app_commands.Choice(name=t, value=t) for t in TOPICS])
    async def timeline(
        self,
        interaction: discord.Interaction[BriefingBot],
        query: app_commands.Range[str, 1, 100] | None = None,
        person: str | None = None,
        topic: app_commands.Choice[str] | None = None,
        since: app_commands.Range[str, 1, 40] | None = None,
        until: app_commands.Range[str, 1, 40] | None = None,
    ) -> None:
        guild_id = interaction.guild_id
        start = parse_day("since", since)
        end = parse_day("until", until, end=True)
        if start and end and start > end:
            raise UserError("`since` is after `until`; swap them or widen the dates.")
        people = await people_map(self.bot, guild_id)
        person_id = None
        if person:
            found = people_brief.resolve_person(list(people.values()), person)
            if found is None:
                raise UserError(people_brief.did_you_mean(list(people.values()), person))
            person_id = found.id
        flt = TimelineFilter(
            query=query.strip() if query else None,
            person=person_id,
            topic=topic.value if topic else None,
            since=start,
            until=end,
        )
        payload = brief.filter_payload(flt)
        key = brief.filter_key(payload)
        if payload is not None and await self.bot.store.get_meta(brief.META_PREFIX + key) is None:
            await self.bot.store.set_meta(brief.META_PREFIX + key, payload)
        page = await self.bot.store.timeline(guild_id, flt, limit=brief.PAGE_SIZE)
        if not page.events:
            await interaction.response.send_message(
                brief.empty_message(flt, people), ephemeral=True, allowed_mentions=NONE
            )
            return
        await interaction.response.send_message(
            embed=brief.page_embed(page, flt, people),
            view=page_view(key, page),
            allowed_mentions=NONE,
        )

    @timeline.autocomplete("person")
    async def person_autocomplete(
        self, interaction: discord.Interaction[BriefingBot], current: str
    ) -> list[app_commands.Choice[str]]:
        people = await self.bot.store.list_typed(Person, interaction.guild_id)
        return [
            app_commands.Choice(name=label, value=pid)
            for label, pid in people_brief.choices(people, current)
        ]


async def setup(bot: BriefingBot) -> None:
    bot.add_dynamic_items(TimelineNav, TimelineOpen)
    await bot.add_cog(Timeline(bot))


async def teardown(bot: BriefingBot) -> None:
    bot.remove_dynamic_items(TimelineNav, TimelineOpen)
