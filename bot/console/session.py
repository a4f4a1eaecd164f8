"""Driving the real bot through SimCord: the one module of the console that touches Discord.

A ConsoleSession owns one simulated server (a text channel, an admin with Manage Server and a
plain member) and turns typed lines into what a member would do in Discord: run a slash
command, press a button, choose in a menu, fill a form, type into an autocompleted option.
After each action it prints every message the bot created, edited or deleted, as the acting
member sees it.

Errors. A line fails when the console cannot run it (unknown command or option, bad value,
a command this member cannot see), when the bot raises an error it does not handle, when it
does not answer at all, or when it answers with an error reply (its command tree's error
handler ran, e.g. a UserError or a failed permission check). A line starting with ``!``
expects an error reply or a refusal: it fails when the action succeeds instead. A crash of
the bot fails even then."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import datetime, tzinfo
from pathlib import Path
from typing import Any, TextIO

from discord.ext import commands
from simcord import (
    BackendError,
    InteractionResult,
    OptionError,
    SetupError,
)

from bot.console._directives import SessionDirectives
from bot.console._scene import (
    ADMIN_NAME,
    CHANNEL_NAME,
    CONSOLE_GUILD_ID,
    MEMBER_NAME,
    OK,
    SERVER_NAME,
    ConsoleError,
    Outcome,
    PendingModal,
    Scene,
    T,
    build_scene,
    is_user_facing,
    one_line,
)
from bot.console.catalog import (
    CHANNEL,
    MENTIONABLE,
    ROLE,
    USER,
    Catalog,
)
from bot.console.parse import (
    Directive,
    EntityRef,
    FileRef,
    OptionValue,
    ParseError,
    SlashLine,
    Suggestion,
    completion_state,
    convert_value,
    parse_line,
    static_choices,
    value_suggestions,
)
from bot.console.render import (
    Control,
)

__all__ = [
    "ADMIN_NAME",
    "CHANNEL_NAME",
    "CONSOLE_GUILD_ID",
    "MEMBER_NAME",
    "OK",
    "SERVER_NAME",
    "ConsoleError",
    "ConsoleSession",
    "Outcome",
    "Scene",
    "build_scene",
    "is_user_facing",
]


class ConsoleSession(SessionDirectives):
    def __init__(
        self,
        scene: Scene,
        *,
        out: TextIO,
        out_dir: Path,
        zone: tzinfo,
        now: Callable[[], datetime],
        log_path: Path | None = None,
    ) -> None:
        self.scene = scene
        self.log_path = log_path
        self.env = scene.env
        self.out = out
        self.out_dir = out_dir
        self.zone = zone
        self._now = now
        self.actors = {"member": scene.member, "admin": scene.admin}
        self.actor = scene.member
        self._lock = asyncio.Lock()
        self._seen: dict[int, str] = {}
        self._printed: set[int] = set()
        self._saved: dict[int, str] = {}
        self._controls: dict[int, Control] = {}
        self._modal: PendingModal | None = None
        self._catalogs: dict[int, Catalog] = {}
        self._full: Catalog | None = None

    # ---- set-up -----------------------------------------------------------------------------

    async def start(self) -> None:
        """Register the bot's command tree with the simulated Discord, as a sync would."""
        bot = self.env.bot
        assert isinstance(bot, commands.Bot | commands.AutoShardedBot)
        await self._op(lambda: bot.tree.sync())
        payloads = [c.to_dict(bot.tree) for c in bot.tree.get_commands()]
        self._full = Catalog.from_payloads(payloads)
        self._snapshot(mark_only=True)

    @property
    def full_catalog(self) -> Catalog:
        assert self._full is not None, "call start() first"
        return self._full

    @property
    def catalog(self) -> Catalog:
        """The commands the current member can see here, as Discord's picker shows them."""
        catalog = self._catalogs.get(self.actor.id)
        if catalog is None:
            visible = self.actor.available_commands(self.scene.channel)
            catalog = self._catalogs[self.actor.id] = self.full_catalog.restricted_to(visible)
        return catalog

    @property
    def actor_label(self) -> str:
        role = "admin" if self.actor is self.scene.admin else "member"
        return f"{self.actor.name} ({role})"

    # ---- running lines ------------------------------------------------------------------------

    async def execute(self, text: str) -> Outcome:
        """Run one typed line and print what it did."""
        try:
            line = parse_line(text, self.full_catalog)
        except ParseError as exc:
            return self._refused(str(exc), text.strip().startswith("!"))
        action = line.action
        if action is None:
            return OK
        try:
            if isinstance(action, Directive):
                return await self._directive(action, line.expect_error)
            return await self._slash(action, line.expect_error)
        except (ConsoleError, SetupError, OptionError, BackendError) as exc:
            return self._refused(one_line(exc), line.expect_error)
        except TimeoutError as exc:
            self.write(f"error: the bot did not finish in time ({one_line(exc)})")
            return Outcome(False, "the bot did not finish in time")

    def _refused(self, message: str, expect_error: bool) -> Outcome:
        self.write(f"error: {message}")
        if expect_error:
            return OK
        return Outcome(False, message)

    async def _slash(self, line: SlashLine, expect_error: bool) -> Outcome:
        command = line.command
        if self.catalog.find(command.path) is None:
            other = "admin" if self.actor is self.scene.member else "member"
            raise ConsoleError(
                f"/{command.name} is not available to {self.actor_label} in #{CHANNEL_NAME}"
                f" (Discord hides it; try :as {other})"
            )
        values = {name: self._resolve(value) for name, value in line.values.items()}
        actor, channel = self.actor, self.scene.channel
        return await self._interact(
            lambda: actor.slash(channel, command.name, **values), expect_error
        )

    async def _interact(
        self, action: Callable[[], Awaitable[InteractionResult]], expect_error: bool
    ) -> Outcome:
        self._modal = None  # a form left open is dismissed by whatever is done next
        cursor = self.env.error_cursor
        result = await self._op(action)
        errors = self.env.errors_since(cursor)
        crashes = [e for e in errors if not is_user_facing(e)]
        shown = await self._print_changes(result)
        silent = False
        if result.modal is not None:
            self._show_modal(result)
        elif not shown:
            silent = not result.acknowledged
            self.write(
                "error: the bot did not answer"
                " (Discord would say 'The application did not respond')"
                if silent
                else "(the bot acknowledged it; nothing you can see changed)"
            )
        if crashes:
            where = f"traceback in {self.log_path}" if self.log_path else "traceback in the log"
            for crash in crashes:
                original = getattr(crash, "original", crash)
                self.write(f"bot error: {type(original).__name__}: {original} ({where})")
            return Outcome(False, "the bot raised an error it did not handle")
        if silent:
            return Outcome(False, "the bot did not answer")
        if errors and not expect_error:
            return Outcome(
                False, "the bot answered with an error (prefix the line with ! if that is expected)"
            )
        if expect_error and not errors:
            self.write("error: an error was expected (the line starts with !), but it succeeded")
            return Outcome(False, "an error was expected but the action succeeded")
        return OK

    async def _op(self, action: Callable[[], Awaitable[T]]) -> T:
        """One SimCord operation at a time. A caller cancelled while waiting for its turn (a
        completion overtaken by the next keystroke) gives it up; once started, the operation
        always finishes, so the simulation never stops halfway."""
        async with self._lock:
            task = asyncio.ensure_future(action())
            try:
                return await asyncio.shield(task)
            except asyncio.CancelledError:
                await asyncio.wait([task])
                raise

    # ---- values -------------------------------------------------------------------------------

    def _resolve(self, value: OptionValue) -> Any:
        if isinstance(value, EntityRef):
            return self._entity(value.kind, value.name)
        if isinstance(value, FileRef):
            try:
                return (value.path.name, value.path.read_bytes())
            except OSError as exc:
                raise ConsoleError(f"cannot read {value.path}: {exc.strerror}") from None
        return value

    def _entity(self, kind: int, name: str) -> Any:
        key = name.casefold().lstrip("@#")
        members = {
            **{a.name.casefold(): a for a in self.actors.values()},
            **{k: a for k, a in self.actors.items()},
        }
        if kind in (USER, MENTIONABLE) and key in members:
            return members[key]
        if kind in (ROLE, MENTIONABLE):
            for role_name, role in self.scene.guild.roles.items():
                if role_name.casefold().lstrip("@") == key:
                    return role
        if kind == CHANNEL:
            for channel_name, channel in self.scene.guild.channels.items():
                if channel_name.casefold() == key:
                    return channel
        known = {
            USER: [a.name for a in self.actors.values()],
            ROLE: [n for n in self.scene.guild.roles if n != "@everyone"],
            CHANNEL: list(self.scene.guild.channels),
        }
        names = known.get(kind) or [*known[USER], *known[ROLE]]
        raise ConsoleError(f"nobody or nothing named '{name}' here; try one of: {', '.join(names)}")

    # ---- completion ---------------------------------------------------------------------------

    async def suggest(self, text: str) -> list[Suggestion]:
        """Completions for `text` (before the cursor), with the bot's own autocomplete."""
        state = completion_state(text, self.catalog)
        suggestions = list(state.suggestions)
        focus = state.focus
        if focus is None:
            return suggestions
        pairs = static_choices(focus)
        if focus.option.autocomplete:
            filled: dict[str, Any] = {}
            for name, raw in focus.filled.items():
                option = focus.command.option(name)
                try:
                    if option is not None and raw:
                        value = convert_value(focus.command, option, raw)
                        if not isinstance(value, FileRef):
                            filled[name] = self._resolve(value)
                except (ParseError, ConsoleError):
                    continue
            actor, channel = self.actor, self.scene.channel
            try:
                choices = await self._op(
                    lambda: actor.autocomplete(
                        channel, focus.command.name, focus.option.name, focus.partial, **filled
                    )
                )
            except (SetupError, OptionError, BackendError, TimeoutError):
                choices = []
            pairs = [(str(c["value"]), str(c["name"])) for c in choices]
        suggestions.extend(value_suggestions(focus, pairs))
        return suggestions
