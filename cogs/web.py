"""The record's web site from Discord: /subscribe (the calendar and the feed of changes) and
/web publish (a server's own view of the record on the site, Manage Server only).

A server's additions and corrections are private to it until its admins publish them; the
public pages show the curated record only. Calendar apps fetch a subscribed calendar on
their own schedule, so the bot's alerts stay the timely reminder, and /subscribe says so.
"""

from __future__ import annotations

from typing import Literal

import discord
from discord import app_commands
from discord.ext import commands

from bot.client import BriefingBot
from bot.errors import UserError
from bot.web import is_published, set_published
from cogs._common import ADMIN, NONE, require_admin

COLOUR = discord.Colour.dark_teal()
NO_SITE = (
    "This bot has no web site set up. Its operator can serve one with WEB_PORT (and "
    "WEB_BASE_URL for its public address); until then, /countdown and /digest setup keep "
    "you posted."
)
LAG = (
    "Calendar apps fetch a subscribed calendar on their own schedule (Google Calendar can "
    "take a day or more), so a moved deadline may show late there. For timely reminders, "
    "an admin can set the bot's own alerts with /digest setup."
)


def webcal(url: str) -> str:
    """The same address for calendar apps that subscribe on a click (webcal://)."""
    return "webcal://" + url.split("://", 1)[1]


def subscribe_embed(base: str, guild_id: int | None, published: bool) -> discord.Embed:
    calendar = f"{base}/calendar.ics"
    embed = discord.Embed(
        title="Follow the record outside Discord",
        description=(
            f"**Deadlines calendar** (every milestone, passed ones with their outcome):\n"
            f"{webcal(calendar)}\n{calendar}\n\n"
            f"**Changes to the record** (Atom feed, one entry per accepted change):\n"
            f"{base}/changes.atom\n\n"
            f"**Tariffs as data**: {base}/tariffs.csv · {base}/tariffs.json"
        ),
        url=base,
        colour=COLOUR,
    )
    if guild_id is not None and published:
        own = f"{base}/g/{guild_id}"
        embed.add_field(
            name="This server's view (published)",
            value=f"{webcal(own + '/calendar.ics')}\n{own}/calendar.ics\n{own}/changes.atom",
            inline=False,
        )
    embed.add_field(name="How often calendars refresh", value=LAG, inline=False)
    return embed


class Web(commands.Cog):
    web = app_commands.Group(
        name="web",
        description="This server's view of the record on the bot's web site",
        guild_only=True,
        default_permissions=ADMIN,
    )

    def __init__(self, bot: BriefingBot) -> None:
        self.bot = bot

    @app_commands.command(
        name="subscribe", description="The deadlines calendar and the feed of changes, as links"
    )
    async def subscribe(self, interaction: discord.Interaction[BriefingBot]) -> None:
        base = self.bot.settings.site_url
        if base is None:  # nothing the member did wrong: say so plainly, not as an error
            await interaction.response.send_message(NO_SITE, ephemeral=True)
            return
        gid = interaction.guild_id
        published = gid is not None and await is_published(self.bot.store, gid)
        await interaction.response.send_message(
            embed=subscribe_embed(base, gid, published), ephemeral=True, allowed_mentions=NONE
        )

    @web.command(
        name="publish", description="Show (or stop showing) this server's view on the site"
    )
    @app_commands.describe(state="on: this server's additions and corrections get pages; off: not")
    @app_commands.check(require_admin)
    async def publish(
        self, interaction: discord.Interaction[BriefingBot], state: Literal["on", "off"]
    ) -> None:
        guild = interaction.guild
        if guild is None:
            raise UserError("Use /web publish in the server whose view it is.")
        on = state == "on"
        await set_published(self.bot.store, guild.id, on)
        base = self.bot.settings.site_url
        where = f"{base}/g/{guild.id}" if base else f"/g/{guild.id} on the bot's site"
        if on:
            text = (
                f"This server's view of the record is now published at {where}: the curated "
                "record with this server's own additions and corrections. Nothing unreviewed "
                "is shown. /web publish off takes it down."
            )
        else:
            text = (
                f"This server's view is no longer published; {where} now answers 'not found'. "
                "The public record is unchanged."
            )
        if base is None:
            text += " (This bot process has no site address set: WEB_BASE_URL.)"
        await interaction.response.send_message(text, ephemeral=True, allowed_mentions=NONE)


async def setup(bot: BriefingBot) -> None:
    await bot.add_cog(Web(bot))
