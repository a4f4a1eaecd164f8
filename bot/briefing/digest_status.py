"""The digest's settings as an admin sees them in /digest setup and /digest status: its
schedule in words, and the status card (on, off or paused, next and last post, alerts).
Pure."""

from __future__ import annotations

from datetime import datetime

import discord

from bot.briefing.digest import COLOUR_DIGEST, COLOUR_PAUSED, clip
from bot.briefing.text import timestamp
from bot.models import Frequency, GuildConfig

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def schedule_text(config: GuildConfig) -> str:
    at = f"{config.digest_time:%H:%M} ({config.timezone})"
    if config.frequency is Frequency.WEEKLY:
        return f"Weekly, {WEEKDAYS[config.weekday]}s at {at}"
    return f"Daily at {at}"


def status_embed(
    config: GuildConfig,
    *,
    next_at: datetime | None,
    last_sent_at: datetime | None,
    last_error: str | None = None,
) -> discord.Embed:
    if config.digest_channel_id is None:
        return discord.Embed(
            title="Digest: off",
            description="No digest is set up. An admin can start one with `/digest setup`.",
            colour=COLOUR_PAUSED,
        )
    paused = config.paused_reason is not None
    embed = discord.Embed(
        title="Digest: paused" if paused else "Digest: on",
        colour=COLOUR_PAUSED if paused else COLOUR_DIGEST,
    )
    embed.add_field(name="Channel", value=f"<#{config.digest_channel_id}>", inline=True)
    embed.add_field(name="Schedule", value=schedule_text(config), inline=True)
    if paused:
        embed.add_field(
            name="Paused",
            value=clip(f"{config.paused_reason} Run `/digest setup` again to resume.", 1000),
            inline=False,
        )
    elif next_at is not None:
        embed.add_field(
            name="Next digest",
            value=f"{timestamp(next_at)} ({timestamp(next_at, 'R')})",
            inline=False,
        )
    embed.add_field(
        name="Last digest",
        value=f"{timestamp(last_sent_at)} ({timestamp(last_sent_at, 'R')})"
        if last_sent_at
        else "None yet",
        inline=False,
    )
    alerts = "on (7 days, 1 day and 1 hour before, and when it arrives)"
    embed.add_field(
        name="Countdown alerts",
        value=alerts if config.alerts_enabled else "off",
        inline=False,
    )
    if last_error and not paused:
        embed.add_field(name="Last problem", value=clip(last_error, 1000), inline=False)
    return embed
