"""/help: each command with an example."""

from __future__ import annotations

from discord import Interaction, app_commands
from discord.ext import commands

from bot.briefing.help import help_embed
from bot.client import BriefingBot
from cogs._common import NONE


class Help(commands.Cog):
    def __init__(self, bot: BriefingBot) -> None:
        self.bot = bot

    @app_commands.command(name="help", description="What each command does, with an example")
    async def help(self, interaction: Interaction[BriefingBot]) -> None:
        others = [
            (f"/{c.qualified_name}", c.description)
            for c in self.bot.tree.walk_commands()
            if isinstance(c, app_commands.Command)
        ]
        await interaction.response.send_message(
            embed=help_embed(others), ephemeral=True, allowed_mentions=NONE
        )


async def setup(bot: BriefingBot) -> None:
    await bot.add_cog(Help(bot))
