"""Small helpers the reader cogs share: the bot's store and clock, parsing a user date,
sending one or more messages with mentions off, remembering rendered answers, and items
prepared for matching what readers type.

Rendered answers are kept per key in a bounded LRU (`Rendered`); every key carries the
store's data version (and the minute, where the answer depends on the time), so a change
to the data or the passing of time makes a new answer. Embeds are mutable: the cache keeps
its own and sends copies (`fresh`)."""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from datetime import date, datetime
from functools import lru_cache
from typing import TYPE_CHECKING, Any, TypeVar

import discord

from bot.briefing.text import pack_messages
from bot.dates import DateParseError, FuzzyDate, parse_user_date
from bot.errors import UserError
from bot.lru import LRU

if TYPE_CHECKING:
    from bot.client import BriefingBot
    from bot.models import AnyItem
    from bot.store import Store

T = TypeVar("T", bound="AnyItem")
P = TypeVar("P")

NONE = discord.AllowedMentions.none()
ADMIN = discord.Permissions(manage_guild=True)
"""A group's default permissions for admins' commands (require_admin checks it again)."""
RENDERED_ENTRIES = 256
"""Rendered answers kept per cog (a few KB each)."""


class Rendered(LRU[Any]):
    """Rendered answers (embeds, texts, choice lists) per key, least recently used first out."""

    def __init__(self, size: int = RENDERED_ENTRIES) -> None:
        super().__init__(size)


async def prepared(
    store: Store,
    build: Callable[[list[T]], P],
    model: type[T],
    guild_id: int | None,
    version: int,
) -> P:
    """`build` over the server's items of a kind (e.g. the people prepared for matching),
    once per data version: kept in the store's cache of derived values."""
    key = ("prepared", build, guild_id)
    found: P | None = store.caches.derived.get(key, version)
    if found is None:
        found = build(await store.list_typed(model, guild_id))
        store.caches.derived.put(key, version, found)
    return found


def fresh(embeds: Sequence[discord.Embed]) -> list[discord.Embed]:
    """Copies of cached embeds, to send (the cached ones stay as they are)."""
    return [e.copy() for e in embeds]


def minute(now: datetime) -> datetime:
    """`now` to the minute: answers that depend on the time are rendered once a minute."""
    return now.replace(second=0, microsecond=0)


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
        window = _parsed(text)
    except DateParseError as exc:
        raise UserError(f"`{option}`: {exc}.") from None
    return window.end if end else window.start


@lru_cache(maxsize=1024)
def _parsed(text: str) -> FuzzyDate:
    """parse_user_date, remembered (a pure function of the text; the result is frozen)."""
    return parse_user_date(text)


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


async def site_view(bot: BriefingBot, guild_id: int | None) -> tuple[str, bool] | None:
    """(the site's address for this server, whether that is its own published view), or
    None when the bot has no site."""
    from bot.web import is_published

    base = bot.settings.site_url
    if base is None:
        return None
    if guild_id is not None and await is_published(bot.store, guild_id):
        return f"{base}/g/{guild_id}", True
    return base, False


async def item_url(bot: BriefingBot, kind: str, item_id: str, guild_id: int | None) -> str | None:
    """The item's page on the web site, for an embed's URL: the server's published view when
    it published, else the public page when the item is on the public record; None when the
    bot has no site or the item is this server's own and unpublished (no page to link)."""
    from bot.models import Kind
    from bot.web import PAGE_PATHS

    view = await site_view(bot, guild_id)
    if view is None or Kind(kind) not in PAGE_PATHS:
        return None
    base, own = view
    if not own and await bot.store.get(Kind(kind), item_id, None) is None:
        return None
    return f"{base}/{PAGE_PATHS[Kind(kind)]}/{item_id}"


async def linked(
    bot: BriefingBot, embed: discord.Embed, kind: str, item_id: str, guild_id: int | None
) -> discord.Embed:
    """A copy of a cached embed to send, with its item's page as the title's link."""
    out = embed.copy()
    url = await item_url(bot, kind, item_id, guild_id)
    if url is not None:
        out.url = url
    return out


async def tariffs_url(bot: BriefingBot, day: date, guild_id: int | None) -> str | None:
    """/tariffs on the web site as of `day` (the server's published view when it published)."""
    view = await site_view(bot, guild_id)
    return None if view is None else f"{view[0]}/tariffs?as_of={day.isoformat()}"


async def require_admin(interaction: discord.Interaction[Any]) -> bool:
    """The runtime half of an admin (Manage Server) check; Discord's default permissions are
    the other half, and a server can grant a command to others in its Integrations settings."""
    from discord import app_commands

    member = interaction.user
    if not isinstance(member, discord.Member) or not member.guild_permissions.manage_guild:
        raise app_commands.MissingPermissions(["manage_guild"])
    return True
