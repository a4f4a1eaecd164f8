"""/help: each command with an example (rendered again only when the commands change)."""

from __future__ import annotations

from discord import Embed, Interaction, app_commands
from discord.ext import commands

from bot.briefing.help import help_embeds
from bot.briefing.text import pack_messages
from bot.client import BriefingBot
from cogs._common import NONE


class Help(commands.Cog):
    def __init__(self, bot: BriefingBot) -> None:
        self.bot = bot
        self._rendered: tuple[tuple[tuple[str, str], ...], list[list[Embed]]] | None = None

    @app_commands.command(name="help", description="What each command does, with an example")
    async def help(self, interaction: Interaction[BriefingBot]) -> None:
        others = tuple(
            (f"/{c.qualified_name}", c.description)
            for c in self.bot.tree.walk_commands()
            if isinstance(c, app_commands.Command)
        )
        if self._rendered is None or self._rendered[0] != others:
            self._rendered = (others, pack_messages(help_embeds(list(others))))
        first, *rest = self._rendered[1]
        await interaction.response.send_message(
            embeds=[e.copy() for e in first], ephemeral=True, allowed_mentions=NONE
        )
        for embeds in rest:
            await interaction.followup.send(
                embeds=[e.copy() for e in embeds], ephemeral=True, allowed_mentions=NONE
            )


async def setup(bot: BriefingBot) -> None:
    await bot.add_cog(Help(bot))
