"""/editors role: which role, besides Manage Server, may change this server's record."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.client import BriefingBot
from cogs._editing import Interaction, guild_id, reply

INTEGRATIONS_HINT = (
    "Discord shows the edit commands only to members with Manage Server until a server admin "
    "allows the role for them under Server Settings > Integrations > this bot."
)


async def manages_server(interaction: Interaction) -> bool:
    if interaction.guild is None:
        raise app_commands.NoPrivateMessage()
    if not interaction.permissions.manage_guild:
        raise app_commands.CheckFailure(
            "Only members with the Manage Server permission can choose the editor role."
        )
    return True


@app_commands.guild_only()
@app_commands.default_permissions(manage_guild=True)
class Editors(
    commands.GroupCog,
    group_name="editors",
    group_description="Choose who may edit this server's record (Manage Server only)",
):
    def __init__(self, bot: BriefingBot) -> None:
        self.bot = bot

    @app_commands.command(name="role", description="Set the editor role; leave it out to clear it")
    @app_commands.describe(role="Members with this role may add and correct events and more")
    @app_commands.check(manages_server)
    async def role(self, interaction: Interaction, role: discord.Role | None = None) -> None:
        store = self.bot.store
        config = await store.guild_config(guild_id(interaction))
        await store.save_guild_config(
            config.model_copy(update={"editor_role_id": role.id if role else None})
        )
        if role is None:
            text = "No editor role now: only members with Manage Server can edit the record."
        else:
            text = (
                f"Members with {role.mention} may now edit the record (as may anyone with "
                f"Manage Server). {INTEGRATIONS_HINT}"
            )
        await reply(interaction, text)


async def setup(bot: BriefingBot) -> None:
    await bot.add_cog(Editors(bot))
