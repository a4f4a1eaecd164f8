"""BriefingBot: a thin client whose setup_hook opens the store, loads the curated data and
the cogs, and syncs the command tree when it changed."""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
from collections.abc import Callable, Sequence
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot import metrics
from bot.clock import Clock, SystemClock
from bot.config import Settings
from bot.curated import load_once
from bot.errors import UserError
from bot.sharding import Shards
from bot.store import Store, StoreError

log = logging.getLogger(__name__)

EXTENSIONS: tuple[str, ...] = (
    "cogs.timeline",
    "cogs.who",
    "cogs.tariffs",
    "cogs.countdown",
    "cogs.sources",
    "cogs.help",
    "cogs.editors",
    "cogs.curation_events",
    "cogs.curation_milestones",
    "cogs.curation_people",
    "cogs.digest",
    "cogs.review",
    "cogs.source_add",
    "cogs.feeds",
    "cogs.web",
)
"""Cogs loaded at start-up, in order (module paths under cogs/)."""

HEALTH_EVERY = 300.0
"""Seconds between health lines in the log."""

PERMISSIONS = discord.Permissions(
    view_channel=True,
    send_messages=True,
    embed_links=True,
    attach_files=True,
    read_message_history=True,
)
"""What the bot needs in a channel: read it, post embeds and chart attachments."""


def invite_url(application_id: int | str = "YOUR_APPLICATION_ID") -> str:
    return (
        "https://discord.com/oauth2/authorize"
        f"?client_id={application_id}&scope=bot+applications.commands&permissions={PERMISSIONS.value}"
    )


PERMISSION_NAMES: dict[str, str] = {
    "manage_guild": "Manage Server",
    "view_guild_insights": "View Server Insights",
    "read_messages": "View Channel",
    "create_instant_invite": "Create Invite",
    "stream": "Video",
    "send_tts_messages": "Send Text-to-Speech Messages",
    "mention_everyone": "Mention @everyone, @here, and All Roles",
    "external_emojis": "Use External Emojis",
    "external_stickers": "Use External Stickers",
    "use_voice_activation": "Use Voice Activity",
    "manage_permissions": "Manage Roles",
    "manage_emojis": "Manage Expressions",
    "manage_emojis_and_stickers": "Manage Expressions",
    "send_messages_in_threads": "Send Messages in Threads",
    "request_to_speak": "Request to Speak",
    "use_embedded_activities": "Use Activities",
    "moderate_members": "Timeout Members",
    "send_polls": "Create Polls",
}
"""discord.py's permission names whose label in Discord's UI is not just the name title-cased."""


def permission_name(flag: str) -> str:
    """What Discord's UI calls a permission: manage_guild -> 'Manage Server'."""
    return PERMISSION_NAMES.get(flag) or flag.replace("_", " ").title()


def permissions_phrase(flags: Sequence[str]) -> str:
    """'the Manage Server permission', 'the Manage Roles and Manage Server permissions'."""
    names = [permission_name(f) for f in flags]
    if not names:
        return "a permission this server has not given you"
    if len(names) == 1:
        return f"the {names[0]} permission"
    return f"the {', '.join(names[:-1])} and {names[-1]} permissions"


async def send_error(interaction: discord.Interaction[Any], message: str) -> None:
    """Reply (or follow up) ephemerally, with mentions off; never acknowledge twice."""
    none = discord.AllowedMentions.none()
    if interaction.response.is_done():
        await interaction.followup.send(message, ephemeral=True, allowed_mentions=none)
    else:
        await interaction.response.send_message(message, ephemeral=True, allowed_mentions=none)


class BriefingTree(app_commands.CommandTree["BriefingBot"]):
    """One place where errors become short ephemeral replies."""

    async def on_error(
        self, interaction: discord.Interaction[BriefingBot], error: app_commands.AppCommandError
    ) -> None:
        original = getattr(error, "original", error)
        outcome = "user_error"
        if isinstance(original, UserError | StoreError):
            message = str(original)
        elif isinstance(error, app_commands.MissingPermissions):
            message = (
                f"You need {permissions_phrase(error.missing_permissions)} to use this command."
            )
        elif isinstance(error, app_commands.NoPrivateMessage):
            message = "This command works in a server channel, not in direct messages."
        elif isinstance(error, app_commands.CheckFailure):
            message = str(error) or "You are not allowed to use this command."
        elif isinstance(error, app_commands.TransformerError):
            message = f"I could not read '{error.value}'. {error}"
        else:
            command = interaction.command.qualified_name if interaction.command else "?"
            log.error("command /%s failed", command, exc_info=original)
            message = "Something went wrong on my side; it has been logged. Please try again."
            outcome = "error"
        metrics.app_command(
            interaction.command.qualified_name if interaction.command else "?", outcome
        )
        try:
            await send_error(interaction, message[:2000])
        except discord.HTTPException:
            log.warning("could not send the error reply", exc_info=True)


class BriefingBot(commands.AutoShardedBot):
    """Runs the shards of `settings.shards` (all of them by default, as many as Discord
    recommends); posts only for the servers of those shards (`owns`)."""

    def __init__(
        self,
        settings: Settings,
        *,
        store: Store | None = None,
        clock: Clock | None = None,
        extensions: Sequence[str] = EXTENSIONS,
        sync_commands: bool = True,
        listen: bool = True,
    ) -> None:
        """`listen`: hear other processes' changes at once (PostgreSQL LISTEN/NOTIFY); the
        console, one process by design, does without."""
        intents = discord.Intents.none()
        intents.guilds = True
        plan = settings.shards
        sharding: dict[str, Any] = {"shard_count": plan.count}
        if plan.ids is not None:
            sharding["shard_ids"] = list(plan.ids)
        super().__init__(
            command_prefix=commands.when_mentioned,
            intents=intents,
            tree_cls=BriefingTree,
            allowed_mentions=discord.AllowedMentions.none(),
            help_command=None,
            **sharding,
        )
        self.settings = settings
        self.shard_plan: Shards = plan
        self.single_process: object | None = None  # the SQLite process lock, held while running
        self._health: asyncio.Task[None] | None = None
        self.clock: Clock = clock or SystemClock()
        self._store = store
        self._owns_store = store is None
        self._extensions = tuple(extensions)
        self._sync_commands = sync_commands
        self._listen = listen
        self.ready_checks: dict[str, Callable[[], bool]] = {"shards not connected": self.is_ready}
        """For /readyz: name -> True when that part is ready (cogs add theirs)."""
        self.web_runner: Any = None  # aiohttp AppRunner of the site, when WEB_PORT is set
        metrics.watch(self)  # /metrics: this bot's shards, and discord.py's 429s

    async def on_interaction(self, interaction: discord.Interaction[Any]) -> None:
        metrics.interaction(interaction)

    async def on_app_command_completion(
        self, interaction: discord.Interaction[Any], command: Any
    ) -> None:
        metrics.app_command(command.qualified_name, "ok")

    @property
    def store(self) -> Store:
        if self._store is None:
            raise RuntimeError("the store is opened in setup_hook")
        return self._store

    def owns(self, guild_id: int) -> bool:
        """Is this server this process's to post for? (bot.sharding)"""
        return self.shard_plan.owns(guild_id)

    def post_rate(self) -> float:
        """This process's share of the bot's global request budget for scheduled posts."""
        return self.settings.post_rate * self.shard_plan.share()

    async def setup_hook(self) -> None:
        if self._store is None:
            self._store = await Store.open(self.settings.database_url, clock=self.clock)
        if self._listen:
            await self._store.listen()  # other processes' changes, at once (PostgreSQL)
        report = await load_once(self._store, self.settings.data_dir)
        if report is None:
            log.info("curated data: already loaded (unchanged since the last load)")
        else:
            log.info(
                "curated data: %d new, %d updated, %d unchanged, %d kept (admin-edited), "
                "%d retired",
                report.inserted,
                report.updated,
                report.unchanged,
                report.kept_modified,
                report.retired,
            )
        for extension in self._extensions:
            await self.load_extension(extension)
        if self._sync_commands:
            async with self._store.startup_lock("commands"):
                await self.sync_commands_if_changed()
        self._health = asyncio.create_task(self._health_loop())
        if self.settings.web_port is not None:
            await self.start_web(self.settings.web_host, self.settings.web_port)

    async def start_web(self, host: str, port: int) -> str:
        """Serve the record's site from this process's store; returns its address."""
        from bot.web import start_site

        self.web_runner = await start_site(
            self.store,
            self.clock,
            self.settings,
            host=host,
            port=port,
            ready_checks=self.ready_checks,
            metrics=metrics.current().registry,
        )
        return f"http://{host}:{port}"

    def health_line(self) -> str:
        """One line on how this process fares: its shards, servers, latency, posts waiting."""
        latencies = [lat for _, lat in self.latencies if lat == lat and lat != float("inf")]
        latency = f"{max(latencies) * 1000:.0f} ms" if latencies else "not connected"
        servers = sum(1 for g in self.guilds if self.owns(g.id))
        return (
            f"health: {self.shard_plan.describe()}, {servers} server(s), "
            f"gateway latency {latency} (worst shard)"
        )

    async def _health_loop(self) -> None:
        await self.wait_until_ready()
        while not self.is_closed():
            log.info("%s", self.health_line())
            await asyncio.sleep(HEALTH_EVERY)

    def _sync_target(self) -> discord.Object | None:
        gid = self.settings.discord_guild_id
        return discord.Object(id=gid) if gid else None

    def command_tree_hash(self) -> str:
        guild = self._sync_target()
        if guild is not None:
            self.tree.copy_global_to(guild=guild)
        payload = [cmd.to_dict(self.tree) for cmd in self.tree.get_commands(guild=guild)]
        blob = json.dumps(payload, sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(blob.encode()).hexdigest()

    async def sync_commands_if_changed(self) -> bool:
        """Sync the tree (to the dev guild when set) only when it differs from the last sync."""
        guild = self._sync_target()
        key = f"command_tree:{guild.id if guild else 'global'}:{self.application_id or 0}"
        digest = self.command_tree_hash()
        if await self.store.get_meta(key) == digest:
            log.info("command tree unchanged; not syncing")
            return False
        await self.tree.sync(guild=guild)
        await self.store.set_meta(key, digest)
        log.info("command tree synced %s", f"to guild {guild.id}" if guild else "globally")
        return True

    async def close(self) -> None:
        if self._health is not None:
            self._health.cancel()
        if self.web_runner is not None:
            await self.web_runner.cleanup()
            self.web_runner = None
        try:
            await super().close()
        finally:
            if self._store is not None and self._owns_store:
                await self._store.close()
