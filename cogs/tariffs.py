"""/tariffs: the stack both ways (on a date), with a chart drawn once per data version."""

from __future__ import annotations

from discord import Interaction, app_commands
from discord.ext import commands

from bot.briefing import tariffs as brief
from bot.charts import CHART_NAME, ChartCache, key_markers, render_tariff_chart
from bot.client import BriefingBot
from bot.models import Milestone, Source, TariffMeasure
from cogs._common import parse_day, send_embeds


class Tariffs(commands.Cog):
    def __init__(self, bot: BriefingBot) -> None:
        self.bot = bot
        self.charts = ChartCache()

    async def chart(self, guild_id: int | None, measures: list[TariffMeasure]) -> bytes:
        """The chart for what this server sees, rendered only when the data changed."""
        key = (guild_id, await self.bot.store.data_version())
        cached = self.charts.cached(key)
        if cached is not None:
            return cached
        milestones = await self.bot.store.list_typed(Milestone, guild_id)
        markers = key_markers(measures, milestones)
        return await self.charts.get(key, lambda: render_tariff_chart(measures, markers))

    @app_commands.command(
        name="tariffs", description="US and China tariffs in force, peak, threats; chart"
    )
    @app_commands.describe(
        as_of="Show the tariffs on this date (2025-04-12, 12 Apr 2025, Apr 2025)"
    )
    async def tariffs(
        self,
        interaction: Interaction[BriefingBot],
        as_of: app_commands.Range[str, 1, 40] | None = None,
    ) -> None:
        guild_id = interaction.guild_id
        day = parse_day("as_of", as_of, end=True) or self.bot.clock.now().date()
        measures = await self.bot.store.list_typed(TariffMeasure, guild_id)
        version = await self.bot.store.data_version()
        if self.charts.cached((guild_id, version)) is None:
            await interaction.response.defer(thinking=True)  # the chart takes a moment
        png = await self.chart(guild_id, measures)
        sources = await self.bot.store.list_typed(Source, guild_id)
        briefing = brief.tariffs_briefing(
            measures, {s.id: s for s in sources}, day, chart_name=CHART_NAME
        )
        await send_embeds(interaction, briefing.embeds, file=(CHART_NAME, png))


async def setup(bot: BriefingBot) -> None:
    await bot.add_cog(Tariffs(bot))
