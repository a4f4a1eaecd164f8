"""/countdown: every milestone, nearest upcoming first; or one in detail."""

from __future__ import annotations

from discord import Interaction, app_commands
from discord.ext import commands

from bot.briefing import countdown as brief
from bot.client import BriefingBot
from bot.errors import UserError
from bot.models import Milestone, Source
from cogs._common import NONE


class Countdown(commands.Cog):
    def __init__(self, bot: BriefingBot) -> None:
        self.bot = bot

    @app_commands.command(
        name="countdown", description="Deadlines and meetings: time left, or passed"
    )
    @app_commands.describe(milestone="Show one milestone in detail")
    async def countdown(
        self,
        interaction: Interaction[BriefingBot],
        milestone: app_commands.Range[str, 1, 100] | None = None,
    ) -> None:
        now = self.bot.clock.now()
        milestones = await self.bot.store.list_typed(Milestone, interaction.guild_id)
        if milestone is None:
            embed = brief.countdown_embed(milestones, now)
            await interaction.response.send_message(embed=embed, allowed_mentions=NONE)
            return
        found = next((m for m in milestones if m.id == milestone.strip()), None)
        if found is None:
            close = brief.choices(milestones, milestone, now)
            found = next((m for m in milestones if close and m.id == close[0][1]), None)
            if found is None or not brief.is_good_match(found, milestone):
                raise UserError(brief.unknown_milestone(milestones, milestone, now))
        sources = await self.bot.store.list_typed(Source, interaction.guild_id)
        embed = brief.milestone_embed(found, {s.id: s for s in sources}, now)
        await interaction.response.send_message(embed=embed, allowed_mentions=NONE)

    @countdown.autocomplete("milestone")
    async def milestone_autocomplete(
        self, interaction: Interaction[BriefingBot], current: str
    ) -> list[app_commands.Choice[str]]:
        milestones = await self.bot.store.list_typed(Milestone, interaction.guild_id)
        return [
            app_commands.Choice(name=label, value=mid)
            for label, mid in brief.choices(milestones, current, self.bot.clock.now())
        ]


async def setup(bot: BriefingBot) -> None:
    await bot.add_cog(Countdown(bot))
