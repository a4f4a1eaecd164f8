"""/digest: set up, inspect, pause and trigger the scheduled digest and countdown alerts.

Admins only: Discord hides the commands from members without Manage Server (default
permissions), and each command checks again at run time, since a server can grant a command
to anyone in its Integrations settings.
"""

from __future__ import annotations

import asyncio
import logging
import re
from datetime import time
from functools import cache, lru_cache
from typing import Any, Literal

import discord
from discord import app_commands
from discord.ext import commands

from bot.bounds import iana_zones, is_zone, quoted, zone_error
from bot.briefing.digest_status import WEEKDAYS, schedule_text, status_embed
from bot.briefing.text import timestamp as ts
from bot.client import BriefingBot
from bot.errors import UserError
from bot.models import Frequency, GuildConfig
from bot.poster import Outcome
from bot.scheduler import DigestScheduler, DiscordSender
from bot.slots import DIGEST_KINDS, next_digest_slot
from cogs._common import ADMIN, require_admin

log = logging.getLogger(__name__)

NONE = discord.AllowedMentions.none()
NEEDED_IN_CHANNEL = ("view_channel", "send_messages", "embed_links", "read_message_history")
_TIME = re.compile(r"^\s*(\d{1,2})(?::(\d{2}))?\s*$")


@cache
def _zones() -> tuple[str, ...]:
    return tuple(sorted(z for z in iana_zones() if "/" in z or z == "UTC"))


@cache
def _zones_lower() -> tuple[tuple[str, str], ...]:
    """(lower-case, zone) pairs, worked out once for autocomplete."""
    return tuple((z.lower(), z) for z in _zones())


def zone_choices(current: str, limit: int = 25) -> list[str]:
    """IANA zones matching what was typed: prefix matches first, then any part."""
    return list(_zone_choices(current, limit))


@lru_cache(maxsize=512)
def _zone_choices(current: str, limit: int) -> tuple[str, ...]:
    needle = current.strip().lower().replace(" ", "_")
    if not needle:
        return ("UTC", "Europe/London", "America/New_York", "Asia/Shanghai", "Asia/Tokyo")[:limit]
    zones = _zones_lower()
    starts = [z for low, z in zones if low.startswith(needle)]
    if len(starts) >= limit:
        return tuple(starts[:limit])
    parts = [z for low, z in zones if needle in low and not low.startswith(needle)]
    return tuple((starts + parts)[:limit])


def parse_time(text: str) -> time:
    match = _TIME.match(text)
    hour = int(match.group(1)) if match else -1
    minute = int(match.group(2) or 0) if match else -1
    if not (0 <= hour <= 23 and 0 <= minute <= 59):
        raise UserError(
            f"'{quoted(text)}' is not a time I can use: give HH:MM in 24-hour form, e.g. 09:00."
        )
    return time(hour, minute)


def parse_zone(text: str) -> str:
    if not is_zone(text):
        raise UserError(f"{zone_error(text)} (pick one from the list).")
    return text


def missing_permissions(channel: discord.abc.GuildChannel, me: discord.Member) -> list[str]:
    perms = channel.permissions_for(me)
    return [p.replace("_", " ").title() for p in NEEDED_IN_CHANNEL if not getattr(perms, p)]


class Digest(commands.Cog):
    digest = app_commands.Group(
        name="digest",
        description="Scheduled briefing digest and countdown alerts for this server",
        guild_only=True,
        default_permissions=ADMIN,
    )

    def __init__(self, bot: BriefingBot) -> None:
        self.bot = bot
        self.scheduler = DigestScheduler(
            bot.store, DiscordSender(bot), bot.clock, mine=bot.owns, rate=bot.post_rate()
        )
        self._startup: asyncio.Task[None] | None = None

    async def cog_load(self) -> None:
        await self.scheduler.start()
        self.bot.ready_checks["scheduler has not ticked lately"] = self.scheduler.ticked_lately
        self._startup = asyncio.create_task(self._catch_up())

    async def cog_unload(self) -> None:
        if self._startup is not None and not self._startup.done():
            self._startup.cancel()
        self.bot.ready_checks.pop("scheduler has not ticked lately", None)
        self.scheduler.shutdown()

    async def _catch_up(self) -> None:
        """Once connected: resolve open claims and post what was missed while down."""
        await self.bot.wait_until_ready()
        try:
            await self.scheduler.sweep()
        except Exception:
            log.exception("the start-up digest sweep failed")

    # -- commands -------------------------------------------------------------------------------
    @digest.command(name="setup", description="Post the digest in a channel at a time you choose")
    @app_commands.describe(
        channel="Where the digest and countdown alerts go",
        time="When, as HH:MM in 24-hour form (default 09:00)",
        timezone="IANA time zone for that time, e.g. Europe/London (default: the bot's)",
        frequency="Daily or weekly (default daily)",
        weekday="For a weekly digest: the day it goes (default Monday)",
    )
    @app_commands.check(require_admin)
    async def setup(
        self,
        interaction: discord.Interaction[BriefingBot],
        channel: discord.TextChannel,
        time: str | None = None,
        timezone: str | None = None,
        frequency: Literal["daily", "weekly"] | None = None,
        weekday: Literal[
            "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"
        ]
        | None = None,
    ) -> None:
        guild = _guild(interaction)
        at = parse_time(time) if time is not None else None
        zone = parse_zone(timezone) if timezone is not None else None
        missing = missing_permissions(channel, guild.me)
        if missing:
            raise UserError(
                f"I cannot post the digest in {channel.mention}: I need {', '.join(missing)} "
                "there. Grant my role those in the channel's settings, then run /digest setup "
                "again."
            )
        old = await self.bot.store.guild_config(guild.id)
        update: dict[str, object] = {
            "digest_channel_id": channel.id,
            "paused_reason": None,
            "digest_since": self.bot.clock.now(),
        }
        if at is not None:
            update["digest_time"] = at
        if zone is not None or old.digest_channel_id is None:
            update["timezone"] = zone or self.bot.settings.default_timezone
        if frequency is not None:
            update["frequency"] = Frequency(frequency)
        if weekday is not None:
            update["weekday"] = WEEKDAYS.index(weekday.title())
        config = old.model_copy(update=update)
        config = GuildConfig.model_validate(config.model_dump())
        await self.bot.store.save_guild_config(config)
        await self.scheduler.reschedule(guild.id)
        nxt = next_digest_slot(config, self.bot.clock.now()).at
        alerts = "on" if config.alerts_enabled else "off (turn on with /digest alerts)"
        note = ""
        if not channel.permissions_for(guild.me).attach_files:
            note = (
                "\nNote: I cannot attach files there; the digest needs none, "
                "but charts could not be posted."
            )
        await interaction.response.send_message(
            f"The digest goes to {channel.mention}: {schedule_text(config)}.\n"
            f"Next one: {ts(nxt)} ({ts(nxt, 'R')}). Countdown alerts: {alerts}.{note}",
            ephemeral=True,
            allowed_mentions=NONE,
        )

    @setup.autocomplete("timezone")
    async def _timezone_autocomplete(
        self, interaction: discord.Interaction[BriefingBot], current: str
    ) -> list[app_commands.Choice[str]]:
        return [app_commands.Choice(name=z, value=z) for z in zone_choices(current)]

    @digest.command(
        name="status", description="When the next digest goes, the last one, and any pause"
    )
    @app_commands.check(require_admin)
    async def status(self, interaction: discord.Interaction[BriefingBot]) -> None:
        guild = _guild(interaction)
        store = self.bot.store
        config = await store.guild_config(guild.id)
        now = self.bot.clock.now()
        last = await store.last_sent_post(guild.id, DIGEST_KINDS)
        problems = [p for p in await store.posts_for(guild.id) if p.error and p.status != "sent"]
        embed = status_embed(
            config,
            next_at=next_digest_slot(config, now).at if config.digest_channel_id else None,
            last_sent_at=last.sent_at if last else None,
            last_error=problems[-1].error if problems else None,
        )
        await interaction.response.send_message(embed=embed, ephemeral=True, allowed_mentions=NONE)

    @digest.command(name="off", description="Stop the digest and countdown alerts in this server")
    @app_commands.check(require_admin)
    async def off(self, interaction: discord.Interaction[BriefingBot]) -> None:
        guild = _guild(interaction)
        config = await self.bot.store.guild_config(guild.id)
        if config.digest_channel_id is None:
            raise UserError("The digest is already off. Start it with /digest setup.")
        await self.bot.store.save_guild_config(
            config.model_copy(update={"digest_channel_id": None, "paused_reason": None})
        )
        await self.scheduler.reschedule(guild.id)
        await interaction.response.send_message(
            "The digest is off, and countdown alerts with it. /digest setup starts it again.",
            ephemeral=True,
            allowed_mentions=NONE,
        )

    @digest.command(
        name="alerts", description="Turn countdown alerts (7 days, 1 day, 1 hour, due) on or off"
    )
    @app_commands.describe(state="on or off")
    @app_commands.check(require_admin)
    async def alerts(
        self, interaction: discord.Interaction[BriefingBot], state: Literal["on", "off"]
    ) -> None:
        guild = _guild(interaction)
        config = await self.bot.store.guild_config(guild.id)
        await self.bot.store.save_guild_config(
            config.model_copy(update={"alerts_enabled": state == "on"})
        )
        where = (
            f" in <#{config.digest_channel_id}>"
            if config.digest_channel_id
            else "; they go to the digest channel once /digest setup has chosen one"
        )
        text = "on" + where if state == "on" else "off"
        await interaction.response.send_message(
            f"Countdown alerts are {text}.", ephemeral=True, allowed_mentions=NONE
        )

    @digest.command(name="now", description="Post a digest to the digest channel right away")
    @app_commands.check(require_admin)
    async def now(self, interaction: discord.Interaction[BriefingBot]) -> None:
        guild = _guild(interaction)
        config = await self.bot.store.guild_config(guild.id)
        if config.digest_channel_id is None:
            raise UserError("No digest channel yet: choose one with /digest setup first.")
        if config.paused_reason is not None:
            raise UserError(
                f"The digest is paused: {config.paused_reason} Run /digest setup to resume."
            )
        await interaction.response.defer(ephemeral=True, thinking=True)
        outcome, ids = await self.scheduler.poster.post_now(config, str(interaction.id))
        channel = f"<#{config.digest_channel_id}>"
        if outcome is Outcome.SENT:
            parts = "1 message" if len(ids) == 1 else f"{len(ids)} messages"
            text = f"Posted the digest in {channel} ({parts})."
        elif outcome is Outcome.PAUSED:
            fresh = await self.bot.store.guild_config(guild.id)
            text = f"I could not post in {channel}: {fresh.paused_reason} The digest is paused."
        elif outcome is Outcome.RETRY:
            text = f"Discord did not take the post just now; I will retry in {channel} shortly."
        else:
            text = f"The digest could not be posted in {channel}; the problem has been logged."
        await interaction.followup.send(text, ephemeral=True, allowed_mentions=NONE)


def _guild(interaction: discord.Interaction[Any]) -> discord.Guild:
    if interaction.guild is None:
        raise app_commands.NoPrivateMessage()
    return interaction.guild


async def setup(bot: BriefingBot) -> None:
    await bot.add_cog(Digest(bot))
