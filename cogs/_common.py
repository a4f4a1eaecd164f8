"""Small helpers the reader cogs share: the bot's store and clock, parsing a user date, and
sending one or more messages with mentions off."""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

import discord

from bot.briefing.text import pack_messages
from bot.dates import DateParseError, parse_user_date
from bot.errors import UserError

if TYPE_CHECKING:
    from bot.client import BriefingBot

NONE = discord.AllowedMentions.none()


def bot_of(interaction: discord.Interaction[Any]) -> BriefingBot:
    from bot.client import BriefingBot

    client = interaction.client
    assert isinstance(client, BriefingBot)
    return client


def parse_day(option: str, text: str | None, *, end: bool = False) -> date | None:
    """The first (or last, with end=True) day of what the user typed; UserError otherwise."""
    if text is None or not text.strip():
        return None
    try:
        window = parse_user_date(text)
    except DateParseError as exc:
        raise UserError(f"`{option}`: {exc}.") from None
    return window.end if end else window.start


async def send_embeds(
    interaction: discord.Interaction[Any],
    embeds: Sequence[discord.Embed],
    *,
    ephemeral: bool = False,
    view: discord.ui.View | None = None,
    file: tuple[str, bytes] | None = None,
) -> None:
    """Send embeds as few messages as Discord allows (10 embeds, 6000 characters each): the
    reply first, then follow-ups. The view goes on the first message; a file goes with the
    message whose embed shows it (attachment://name), else with the first."""
    messages = pack_messages(embeds)
    file_at = 0
    if file is not None:
        ref = f"attachment://{file[0]}"
        for i, batch in enumerate(messages):
            if any(e.image.url == ref for e in batch):
                file_at = i
    for i, batch in enumerate(messages):
        kwargs: dict[str, Any] = {
            "embeds": batch,
            "ephemeral": ephemeral,
            "allowed_mentions": NONE,
        }
        if i == 0 and view is not None:
            kwargs["view"] = view
        if file is not None and i == file_at:
            kwargs["file"] = discord.File(io.BytesIO(file[1]), filename=file[0])
        if i == 0 and not interaction.response.is_done():
            await interaction.response.send_message(**kwargs)
        else:
            await interaction.followup.send(**kwargs)
