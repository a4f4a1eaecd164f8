"""The bot as a whole under SimCord: it starts, loads the curated data, syncs its command
tree once, and skips the sync after a restart when nothing changed."""

from __future__ import annotations

from collections.abc import Callable

import discord

from bot.client import EXTENSIONS, BriefingBot, permission_name, permissions_phrase
from bot.models import Kind
from tests.conftest import World


async def test_bot_starts_with_curated_data_and_syncs_once(
    world: World, bot_factory: Callable[..., BriefingBot]
) -> None:
    bot = world.bot
    assert bot.intents.value == bot.intents.__class__(guilds=True).value
    events = await bot.store.list_items(Kind.EVENT, world.guild.id)
    assert len(events) >= 20
    syncs = [
        r for r in world.env.http_requests if r.method == "PUT" and r.path.endswith("/commands")
    ]
    assert len(syncs) == 1

    await world.env.restart_bot(bot_factory())
    syncs = [
        r for r in world.env.http_requests if r.method == "PUT" and r.path.endswith("/commands")
    ]
    assert len(syncs) == 1, "an unchanged tree must not be synced again"


async def test_every_cog_loads_and_no_command_name_repeats(world: World) -> None:
    bot = world.bot
    assert set(EXTENSIONS) <= set(bot.extensions)
    names = [c.qualified_name for c in bot.tree.walk_commands()]
    assert len(names) == len(set(names))
    for command in bot.tree.walk_commands():
        assert command.name == command.name.lower()
        assert 1 <= len(command.description) <= 100


def test_client_default_allows_no_mentions(bot_factory: Callable[..., BriefingBot]) -> None:
    bot = bot_factory()
    allowed = bot.allowed_mentions
    assert allowed is not None and allowed.to_dict() == {"parse": []}


def test_missing_permissions_are_named_as_discords_settings_name_them() -> None:
    assert permissions_phrase(["manage_guild"]) == "the Manage Server permission"
    assert permissions_phrase(["manage_roles", "manage_guild", "embed_links"]) == (
        "the Manage Roles, Manage Server and Embed Links permissions"
    )
    assert permission_name("moderate_members") == "Timeout Members"
    assert permission_name("send_messages") == "Send Messages"
    assert permission_name("view_guild_insights") == "View Server Insights"
    for flag in discord.Permissions.VALID_FLAGS:
        assert "Guild" not in permission_name(flag), flag
