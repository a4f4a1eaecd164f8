"""The console's scene (one simulated server, its channel, an admin and a member), a line's
outcome, and the small helpers the session's parts share."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, TypeVar

import discord
import simcord
from discord import app_commands
from simcord import ChannelHandle, GuildHandle, InteractionResult, MemberActor

from bot.errors import UserError
from bot.store import StoreError

T = TypeVar("T")

SERVER_NAME = "Console server"
CHANNEL_NAME = "briefing"
ADMIN_NAME, MEMBER_NAME = "curator", "reader"
CONSOLE_GUILD_ID = 1_300_000_000_000_000_001
"""Fixed, so what an admin adds in the console is still there next time (per-server data)."""
LOADING_FLAG = 1 << 7
USER_ERRORS = (UserError, StoreError)


@dataclass(frozen=True)
class Outcome:
    ok: bool = True
    reason: str = ""
    quit: bool = False


OK = Outcome()


class ConsoleError(Exception):
    """A line the console cannot run; str() is one line."""


def is_user_facing(error: BaseException) -> bool:
    """True for errors the bot answers with a short reply (see BriefingTree.on_error)."""
    original = getattr(error, "original", error)
    return isinstance(original, USER_ERRORS) or isinstance(
        error, app_commands.CheckFailure | app_commands.TransformerError
    )


@dataclass
class Scene:
    env: simcord.Env
    guild: GuildHandle
    channel: ChannelHandle
    admin: MemberActor
    member: MemberActor


def build_scene(env: simcord.Env) -> Scene:
    guild = env.create_guild(SERVER_NAME, id=CONSOLE_GUILD_ID)
    channel = guild.create_text_channel(CHANNEL_NAME)
    admins = guild.create_role("Admins", permissions=discord.Permissions(manage_guild=True))
    admin = guild.add_member(env.create_user(ADMIN_NAME), roles=[admins])
    member = guild.add_member(env.create_user(MEMBER_NAME))
    return Scene(env, guild, channel, admin, member)


def fingerprint(message: discord.Message) -> str:
    return json.dumps(
        [
            message.content,
            [e.to_dict() for e in message.embeds],
            [c.to_dict() for c in message.components],
            [a.id for a in message.attachments],
            message.flags.value,
        ],
        sort_keys=True,
        default=str,
    )


@dataclass
class PendingModal:
    result: InteractionResult
    actor: MemberActor
    payload: dict[str, Any]
    keys: dict[str, str] = field(default_factory=dict)  # typed key -> custom_id


def one_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__
