"""/timeline: events newest first, Older/Newer buttons and a menu that opens one event.

The buttons and the menu are DynamicItems: their custom ids carry the state (filters key +
keyset cursor), so they keep working after the bot restarts.

Rendered pages and event cards are remembered per (server, filters, cursor, data version)
and sent as copies; a filters key (a hash of the filters, stored once in the meta table) is
remembered with its filters, which never change."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.briefing import people as people_brief
from bot.briefing import timeline as brief
from bot.briefing.text import shown as as_typed
from bot.client import BriefingBot, send_error
from bot.errors import UserError
from bot.lru import LRU
from bot.models import TOPICS, Cursor, Event, Kind, Person, Source, TimelineFilter, TimelinePage
from bot.store import words_to_match
from cogs._common import NONE, Rendered, bot_of, linked, parse_day, prepared

log = logging.getLogger(__name__)

Button = discord.ui.Button[discord.ui.View]
Select = discord.ui.Select[discord.ui.View]
FILTER_ENTRIES = 4096
"""Filters keys remembered with their filters (a few hundred bytes each)."""


@dataclass(frozen=True)
class RenderedPage:
    page: TimelinePage
    embed: discord.Embed | None
    """None when the page is empty; then `empty` says so."""
    empty: str = ""
    options: tuple[discord.SelectOption, ...] = ()
    """The event menu's options (discord.py never changes an option it is given)."""


def timeline_cog(interaction: discord.Interaction[Any]) -> Timeline:
    cog = bot_of(interaction).get_cog("Timeline")
    assert isinstance(cog, Timeline)
    return cog


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
        values = self.item.values
        embed = await timeline_cog(interaction).event_card(
            interaction.guild_id, values[0] if values else None
        )
        if embed is None:
            await send_error(interaction, "That event is no longer on record; run /timeline again.")
            return
        event_id = values[0]
        await interaction.response.send_message(
            embed=await linked(interaction.client, embed, "event", event_id, interaction.guild_id),
            ephemeral=True,
            allowed_mentions=NONE,
        )


def page_view(key: str, shown: RenderedPage) -> discord.ui.View:
    page = shown.page
    view = discord.ui.View(timeout=None)
    newest = brief.encode_cursor(Cursor.of(page.events[0]))
    oldest = brief.encode_cursor(Cursor.of(page.events[-1]))
    view.add_item(TimelineNav("n", key, newest, disabled=not page.has_newer))
    view.add_item(TimelineNav("o", key, oldest, disabled=not page.has_older))
    view.add_item(TimelineOpen(list(shown.options)))
    return view


async def people_map(bot: BriefingBot, guild_id: int | None) -> dict[str, Person]:
    return {p.id: p for p in await bot.store.list_typed(Person, guild_id)}


async def turn_page(interaction: discord.Interaction[Any], target: brief.NavTarget) -> None:
    cog = timeline_cog(interaction)
    flt = await cog.filters_for(target.key)
    shown = await cog.page(
        interaction.guild_id,
        flt,
        older_than=target.cursor if target.older else None,
        newer_than=None if target.older else target.cursor,
    )
    if shown.embed is None:
        raise UserError("There are no more events that way; run /timeline to start again.")
    await interaction.response.edit_message(
        embed=shown.embed.copy(),
        view=page_view(target.key, shown),
        allowed_mentions=NONE,
    )


class Timeline(commands.Cog):
    def __init__(self, bot: BriefingBot) -> None:
        self.bot = bot
        self.filters: LRU[TimelineFilter] = LRU(FILTER_ENTRIES)
        self.keys: LRU[str] = LRU(FILTER_ENTRIES)
        self.pages = Rendered()
        self.cards = Rendered()
        self.choices = Rendered()

    async def filters_for(self, key: str) -> TimelineFilter:
        """The filters a button's key stands for."""
        if key == brief.NO_FILTER:
            return TimelineFilter()
        flt = self.filters.get(key)
        if flt is None:
            payload = await self.bot.store.get_meta(brief.META_PREFIX + key)
            if payload is None:
                raise UserError("I no longer know this timeline's filters; run /timeline again.")
            flt = brief.filter_from_payload(payload)
            self.filters.put(key, flt)
        return flt

    async def remember(self, flt: TimelineFilter) -> str:
        """The key for these filters, stored for the buttons (once)."""
        key = self.keys.get(flt)
        if key is not None:
            return key
        payload = brief.filter_payload(flt)
        key = brief.filter_key(payload)
        if payload is not None and self.filters.get(key) is None:
            if await self.bot.store.get_meta(brief.META_PREFIX + key) is None:
                await self.bot.store.set_meta(brief.META_PREFIX + key, payload)
            self.filters.put(key, brief.filter_from_payload(payload))
        self.keys.put(flt, key)
        return key

    async def page(
        self,
        guild_id: int | None,
        flt: TimelineFilter,
        *,
        older_than: Cursor | None = None,
        newer_than: Cursor | None = None,
    ) -> RenderedPage:
        """A page of events and its embed (cached: copy the embed to send)."""
        store = self.bot.store
        key = (guild_id, flt, older_than, newer_than, await store.data_version())
        shown: RenderedPage | None = self.pages.get(key)
        if shown is not None:
            return shown
        page = await store.timeline(
            guild_id, flt, older_than=older_than, newer_than=newer_than, limit=brief.PAGE_SIZE
        )
        people = await people_map(self.bot, guild_id)
        if page.events:
            embed = brief.page_embed(page, flt, people)
            shown = RenderedPage(page, embed, options=tuple(brief.select_options(page.events)))
        else:
            shown = RenderedPage(page, None, brief.empty_message(flt, people))
        self.pages.put(key, shown)
        return shown

    async def event_card(self, guild_id: int | None, event_id: str | None) -> discord.Embed | None:
        """One event in full (cached: copy to send); None when it is not on record."""
        if event_id is None:
            return None
        store = self.bot.store
        key = (guild_id, event_id, await store.data_version())
        embed: discord.Embed | None = self.cards.get(key)
        if embed is not None:
            return embed
        event = await store.get_item(Kind.EVENT, event_id, guild_id)
        if not isinstance(event, Event):
            return None
        sources = await store.list_typed(Source, guild_id)
        people = await store.items_by_ids(Kind.PERSON, event.people, guild_id)
        embed = brief.event_embed(
            event,
            {s.id: s for s in sources},
            {p.id: p for p in people if isinstance(p, Person)},
            await store.conflicts_by_id(guild_id),
        )
        self.cards.put(key, embed)
        return embed

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
        person_id = None
        if person:
            store = self.bot.store
            version = await store.data_version()
            people = await prepared(store, people_brief.PeopleIndex.of, Person, guild_id, version)
            found = people_brief.resolve_person(people, person)
            if found is None:
                raise UserError(people_brief.did_you_mean(people, person))
            person_id = found.id
        if query is not None and not words_to_match(query):
            raise UserError(
                f"“{as_typed(query, 60)}” has no words to match; give a word from a title or "
                "summary, like Geneva, soybeans or 301."
            )
        flt = TimelineFilter(
            query=query.strip() if query else None,
            person=person_id,
            topic=topic.value if topic else None,
            since=start,
            until=end,
        )
        key = await self.remember(flt)
        shown = await self.page(guild_id, flt)
        if shown.embed is None:
            await interaction.response.send_message(
                shown.empty, ephemeral=True, allowed_mentions=NONE
            )
            return
        await interaction.response.send_message(
            embed=shown.embed.copy(),
            view=page_view(key, shown),
            allowed_mentions=NONE,
        )

    @timeline.autocomplete("person")
    async def person_autocomplete(
        self, interaction: discord.Interaction[BriefingBot], current: str
    ) -> list[app_commands.Choice[str]]:
        store = self.bot.store
        guild_id = interaction.guild_id
        version = await store.data_version()
        key = (guild_id, current, version)
        pairs: list[tuple[str, str]] | None = self.choices.get(key)
        if pairs is None:
            people = await prepared(store, people_brief.PeopleIndex.of, Person, guild_id, version)
            pairs = people_brief.choices(people, current)
            self.choices.put(key, pairs)
        return [app_commands.Choice(name=label, value=pid) for label, pid in pairs]


async def setup(bot: BriefingBot) -> None:
    bot.add_dynamic_items(TimelineNav, TimelineOpen)
    await bot.add_cog(Timeline(bot))


async def teardown(bot: BriefingBot) -> None:
    bot.remove_dynamic_items(TimelineNav, TimelineOpen)
