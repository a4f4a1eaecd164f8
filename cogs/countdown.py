"""/countdown: every milestone, nearest upcoming first; or one in detail.

Answers depend on the time: they are rendered for the current minute and remembered per
(server, milestone typed, data version, minute); so are autocomplete choices. The milestones,
prepared for matching, are kept once per (server, data version)."""

from __future__ import annotations

from discord import Embed, Interaction, app_commands
from discord.ext import commands

from bot.briefing import countdown as brief
from bot.client import BriefingBot
from bot.errors import UserError
from bot.models import Milestone, Source
from cogs._common import NONE, Rendered, linked, minute, prepared


class Countdown(commands.Cog):
    def __init__(self, bot: BriefingBot) -> None:
        self.bot = bot
        self.answers = Rendered()
        self.choices = Rendered()

    async def answer(self, guild_id: int | None, milestone: str | None) -> tuple[Embed, str | None]:
        """The embed for this minute and the milestone it shows, if one (cached: copy before
        sending)."""
        store = self.bot.store
        now = minute(self.bot.clock.now())
        typed = milestone.strip() if milestone is not None else None
        version = await store.data_version()
        key = (guild_id, typed, version, now)
        hit: tuple[Embed, str | None] | None = self.answers.get(key)
        if hit is not None:
            return hit
        milestones = await store.list_typed(Milestone, guild_id)
        shown: str | None = None
        if milestone is None:
            embed = brief.countdown_embed(milestones, now)
        else:
            found = next((m for m in milestones if m.id == milestone.strip()), None)
            if found is None:
                index = await prepared(store, brief.MilestoneIndex.of, Milestone, guild_id, version)
                close = brief.choices(index, milestone, now)
                found = next((m for m in milestones if close and m.id == close[0][1]), None)
                if found is None or not brief.is_good_match(found, milestone):
                    found = brief.only_match(milestones, milestone)
                if found is None:
                    raise UserError(brief.unknown_milestone(index, milestone, now))
            sources = await store.list_typed(Source, guild_id)
            conflicts = await store.conflicts_by_id(guild_id)
            embed = brief.milestone_embed(
                found,
                {s.id: s for s in sources},
                now,
                conflicts,
                earlier=brief.earlier_ends(found, milestones),
            )
            shown = found.id
        self.answers.put(key, (embed, shown))
        return embed, shown

    @app_commands.command(
        name="countdown", description="Deadlines and meetings: time left, or passed"
    )
    @app_commands.describe(milestone="Show one milestone in detail")
    async def countdown(
        self,
        interaction: Interaction[BriefingBot],
        milestone: app_commands.Range[str, 1, 100] | None = None,
    ) -> None:
        embed, shown = await self.answer(interaction.guild_id, milestone)
        if shown is not None:
            embed = await linked(self.bot, embed, "milestone", shown, interaction.guild_id)
        else:
            embed = embed.copy()
        await interaction.response.send_message(embed=embed, allowed_mentions=NONE)

    @countdown.autocomplete("milestone")
    async def milestone_autocomplete(
        self, interaction: Interaction[BriefingBot], current: str
    ) -> list[app_commands.Choice[str]]:
        store = self.bot.store
        guild_id = interaction.guild_id
        now = minute(self.bot.clock.now())
        version = await store.data_version()
        key = (guild_id, current, version, now)
        pairs: list[tuple[str, str]] | None = self.choices.get(key)
        if pairs is None:
            index = await prepared(store, brief.MilestoneIndex.of, Milestone, guild_id, version)
            pairs = brief.choices(index, current, now)
            self.choices.put(key, pairs)
        return [app_commands.Choice(name=label, value=mid) for label, mid in pairs]


async def setup(bot: BriefingBot) -> None:
    await bot.add_cog(Countdown(bot))
