"""/sources: every source with its facts, paged with buttons that survive restarts.

The facts (citation counts, conflicts) are worked out once per (server, data version);
each page's embed is remembered per (server, page, data version) and sent as a copy."""

from __future__ import annotations

import re
from collections.abc import Hashable
from typing import Any

import discord
from discord import Interaction, app_commands
from discord.ext import commands

from bot.briefing import sources as brief
from bot.client import BriefingBot
from bot.models import Source
from cogs._common import NONE, Rendered, bot_of, send_embeds

Button = discord.ui.Button[discord.ui.View]


class SourcesPage(discord.ui.DynamicItem[Button], template=brief.SOURCES_TEMPLATE):
    def __init__(self, page: int, label: str, *, disabled: bool = False) -> None:
        super().__init__(
            discord.ui.Button(
                label=label,
                style=discord.ButtonStyle.secondary,
                custom_id=brief.page_custom_id(page),
                disabled=disabled,
            )
        )
        self.page = page

    @classmethod
    async def from_custom_id(
        cls, interaction: Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str]
    ) -> SourcesPage:
        return cls(int(match["page"]), "")

    async def callback(self, interaction: Interaction[Any]) -> None:
        cog = bot_of(interaction).get_cog("Sources")
        assert isinstance(cog, Sources)
        embed, page, pages = await cog.page(interaction.guild_id, self.page)
        await interaction.response.edit_message(
            embed=embed.copy(), view=page_view(page, pages), allowed_mentions=NONE
        )


def page_view(page: int, pages: int) -> discord.ui.View | None:
    if pages <= 1:
        return None
    view = discord.ui.View(timeout=None)
    # Custom ids must differ within a message: the disabled end buttons point nowhere new.
    view.add_item(SourcesPage(max(page - 1, 0), "◀ Previous", disabled=page == 0))
    nxt = min(page + 1, pages - 1)
    if nxt == max(page - 1, 0):
        nxt = page
    view.add_item(SourcesPage(nxt, "Next ▶", disabled=page >= pages - 1))
    return view


class Sources(commands.Cog):
    def __init__(self, bot: BriefingBot) -> None:
        self.bot = bot
        self._cache: dict[Hashable, tuple[list[brief.SourceFacts], dict[str, str]]] = {}
        self.pages = Rendered()

    async def facts(self, guild_id: int | None) -> tuple[list[brief.SourceFacts], dict[str, str]]:
        """Each source with its citation count and conflicts; computed once per data version."""
        key = (guild_id, await self.bot.store.data_version())
        hit = self._cache.get(key)
        if hit is not None:
            return hit
        counts = await self.bot.store.citation_counts(guild_id)
        curated = {s.id for s in await self.bot.store.list_typed(Source, None)}
        # an article a curator or a feed added reaches readers only once an accepted item
        # cites it; until then curators see it in /review
        sources = [
            s
            for s in await self.bot.store.list_typed(Source, guild_id)
            if s.id in curated or counts.get(s.id, 0) > 0
        ]
        conflicts = list((await self.bot.store.conflicts_by_id(guild_id)).values())
        facts = [
            brief.SourceFacts(
                source=s,
                cited_by=counts.get(s.id, 0),
                conflicts=[c for c in conflicts if s.id in c.source_ids()],
            )
            for s in sources
        ]
        titles = {s.id: s.outlet for s in sources}
        if len(self._cache) > 16:
            self._cache.clear()
        self._cache[key] = (facts, titles)
        return facts, titles

    async def page(self, guild_id: int | None, number: int) -> tuple[discord.Embed, int, int]:
        """(embed, page shown, pages) for a page number (cached: copy the embed to send)."""
        key = (guild_id, number, await self.bot.store.data_version())
        hit: tuple[discord.Embed, int, int] | None = self.pages.get(key)
        if hit is None:
            facts, titles = await self.facts(guild_id)
            hit = brief.sources_embed(facts, titles, number)
            self.pages.put(key, hit)
        return hit

    @app_commands.command(
        name="sources", description="Every source: outlet, date, citations, known problems"
    )
    async def sources(self, interaction: Interaction[BriefingBot]) -> None:
        key = (interaction.guild_id, await self.bot.store.data_version())
        if key not in self._cache:
            await interaction.response.defer(thinking=True)  # counting takes a moment
        embed, page, pages = await self.page(interaction.guild_id, 0)
        view = page_view(page, pages)
        await send_embeds(interaction, [embed.copy()], view=view)


async def setup(bot: BriefingBot) -> None:
    bot.add_dynamic_items(SourcesPage)
    await bot.add_cog(Sources(bot))


async def teardown(bot: BriefingBot) -> None:
    bot.remove_dynamic_items(SourcesPage)
