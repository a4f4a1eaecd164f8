"""/tariffs: the stack both ways (on a date), with a chart drawn once per data version and day.

The briefing's embeds are remembered per (server, day, data version) and sent as copies."""

from __future__ import annotations

from datetime import date

from discord import Embed, Interaction, app_commands
from discord.ext import commands

from bot.briefing import tariffs as brief
from bot.charts import CHART_NAME, ChartCache, key_markers, render_tariff_chart
from bot.client import BriefingBot
from bot.models import Milestone, Source, TariffMeasure
from cogs._common import Rendered, fresh, parse_day, send_embeds, tariffs_url


class Tariffs(commands.Cog):
    def __init__(self, bot: BriefingBot) -> None:
        self.bot = bot
        self.charts = ChartCache()
        self.answers = Rendered()

    def chart_key(
        self, guild_id: int | None, version: int, as_of: date | None = None
    ) -> tuple[int | None, int, date, date | None]:
        """A chart per server, data version and date asked for, drawn again each day (its
        axis runs to today)."""
        return (guild_id, version, self.bot.clock.now().date(), as_of)

    async def chart(
        self, guild_id: int | None, measures: list[TariffMeasure], as_of: date | None = None
    ) -> bytes:
        """The chart for what this server sees (around `as_of` when a date was asked for),
        rendered only when the data (or the day) changed."""
        key = self.chart_key(guild_id, await self.bot.store.data_version(), as_of)
        cached = self.charts.cached(key)
        if cached is not None:
            return cached
        milestones = await self.bot.store.list_typed(Milestone, guild_id)
        markers = key_markers(measures, milestones)
        today = key[2]
        return await self.charts.get(
            key, lambda: render_tariff_chart(measures, markers, today, as_of)
        )

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
        store = self.bot.store
        asked = parse_day("as_of", as_of, end=True)
        day = asked or self.bot.clock.now().date()
        version = await store.data_version()
        png = self.charts.cached(self.chart_key(guild_id, version, asked))
        key = (guild_id, day, version)
        embeds: list[Embed] | None = self.answers.get(key)
        if png is None or embeds is None:
            measures = await store.list_typed(TariffMeasure, guild_id)
            if png is None:
                await interaction.response.defer(thinking=True)  # the chart takes a moment
                png = await self.chart(guild_id, measures, asked)
            if embeds is None:
                sources = await store.list_typed(Source, guild_id)
                briefing = brief.tariffs_briefing(
                    measures,
                    {s.id: s for s in sources},
                    day,
                    conflicts=await store.conflicts_by_id(guild_id),
                    chart_name=CHART_NAME,
                )
                embeds = list(briefing.embeds)
                self.answers.put(key, embeds)
        shown = fresh(embeds)
        page = await tariffs_url(self.bot, day, guild_id)
        if page is not None and shown:
            shown[0].url = page  # the same ledger on the web, as of the same day
        await send_embeds(interaction, shown, file=(CHART_NAME, png))


async def setup(bot: BriefingBot) -> None:
    await bot.add_cog(Tariffs(bot))
