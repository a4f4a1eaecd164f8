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
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from pathlib import Path
from typing import Any, TextIO, TypeVar

import discord
import simcord
from discord import app_commands
from discord.ext import commands
from simcord import (
    BackendError,
    ChannelHandle,
    GuildHandle,
    InteractionResult,
    MemberActor,
    OptionError,
    SetupError,
)

from bot.console.catalog import (
    CHANNEL,
    MENTIONABLE,
    ROLE,
    STRING,
    USER,
    Catalog,
    CommandSpec,
    OptionSpec,
)
from bot.console.parse import (
    DIRECTIVES,
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
    split_options,
    static_choices,
    value_suggestions,
)
from bot.console.render import (
    STRING_SELECT,
    Control,
    Names,
    RenderContext,
    SavedFile,
    form_key,
    modal_fields,
    render_message,
    render_modal,
)
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


def _fingerprint(message: discord.Message) -> str:
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
class _Modal:
    result: InteractionResult
    actor: MemberActor
    payload: dict[str, Any]
    keys: dict[str, str] = field(default_factory=dict)  # typed key -> custom_id


class ConsoleSession:
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
        self._modal: _Modal | None = None
        self._catalogs: dict[int, Catalog] = {}
        self._full: Catalog | None = None

    # ---- set-up -----------------------------------------------------------------------------

    async def start(self) -> None:
        """Register the bot's command tree with the simulated Discord, as a sync would."""
        bot = self.env.bot
        assert isinstance(bot, commands.Bot)
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

    def write(self, text: str = "") -> None:
        self.out.write(text + "\n")
        self.out.flush()

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
            return self._refused(_one_line(exc), line.expect_error)
        except TimeoutError as exc:
            self.write(f"error: the bot did not finish in time ({_one_line(exc)})")
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

    # ---- directives ---------------------------------------------------------------------------

    async def _directive(self, directive: Directive, expect_error: bool) -> Outcome:
        name, args = directive.name, directive.args
        if name == "quit":
            return Outcome(quit=True)
        if name == "help":
            self._help()
            return OK
        if name == "commands":
            self._commands()
            return OK
        if name == "as":
            return self._switch(args)
        if name == "history":
            return await self._history(args)
        if name == "complete":
            return await self._complete_line(directive.rest)
        if name == "press":
            return await self._press(args, expect_error)
        if name == "select":
            return await self._select(args, expect_error)
        if name == "form":
            return await self._form(directive.rest, expect_error)
        raise ConsoleError(f":{name} is not implemented")  # pragma: no cover - DIRECTIVES

    def _help(self) -> None:
        leaves = self.catalog.leaves
        if leaves:
            self.write(f"Type a bot command as in Discord, e.g. {leaves[0].usage()}")
        else:
            self.write(f"The bot has no slash commands {self.actor_label} can use here.")
        self.write("  Tab completes commands, options and their choices.")
        self.write("  Values may contain spaces; quote a value that contains ' name:' text.")
        self.write("  A line starting with ! expects an error (scripts stop at other errors).")
        self.write("Console commands:")
        for directive, what in DIRECTIVES.items():
            self.write(f"  :{directive:<9} {what}")

    def _commands(self) -> None:
        leaves = self.catalog.leaves
        self.write(f"Commands {self.actor_label} can use in #{CHANNEL_NAME}:")
        if not leaves:
            self.write("  (none)")
        for leaf in leaves:
            self.write(f"  {leaf.usage()}")
            if leaf.description:
                self.write(f"      {leaf.description}")
            for option in leaf.options:
                if option.choices:
                    values = ", ".join(str(c.value) for c in option.choices)
                    self.write(f"      {option.name}: one of {values}")
        hidden = len(self.full_catalog.leaves) - len(leaves)
        if hidden:
            self.write(f"  ({hidden} more for members with other permissions)")

    def _switch(self, args: tuple[str, ...]) -> Outcome:
        wanted = args[0].casefold() if args else ""
        for key, actor in self.actors.items():
            if wanted in (key, actor.name.casefold()):
                self.actor = actor
                self.write(f"now typing as {self.actor_label}")
                return OK
        raise ConsoleError("say ':as member' or ':as admin'")

    async def _history(self, args: tuple[str, ...]) -> Outcome:
        try:
            count = int(args[0]) if args else 5
        except ValueError:
            raise ConsoleError("say ':history 5' for the last five messages") from None
        messages = [m for m in self.scene.channel.history(viewer=self.actor) if m.author.bot]
        if not messages:
            self.write(f"#{CHANNEL_NAME} has no messages from the bot yet")
            return OK
        controls: list[Control] = []
        for message in messages[-count:]:
            controls.extend(await self._print_message(message, "message", len(controls) + 1))
        self._remember(controls)
        return OK

    async def _complete_line(self, text: str) -> Outcome:
        suggestions = await self.suggest(text)
        if not suggestions:
            self.write("(no suggestions)")
        for suggestion in suggestions:
            meta = f"  ({suggestion.meta})" if suggestion.meta else ""
            self.write(f"  {suggestion.display}{meta}")
        return OK

    def _control(self, ref: str, kind: str) -> Control:
        if not self._controls:
            raise ConsoleError(
                "there is nothing to press; the last answers had no buttons or menus"
            )
        control: Control | None = None
        if ref.isdigit():
            control = self._controls.get(int(ref))
        else:
            # The whole label, else the one label that starts with what was typed
            # (":press older" for "Older ▶"), ignoring case.
            wanted = ref.casefold().strip()
            same_kind = [c for c in self._controls.values() if c.kind == kind]
            matches = [c for c in same_kind if c.label.casefold() == wanted] or [
                c for c in same_kind if c.label.casefold().startswith(wanted)
            ]
            control = matches[0] if len(matches) == 1 else None
        if control is None:
            shown = ", ".join(f"{c.number} {c.label}" for c in self._controls.values())
            raise ConsoleError(f"no {kind} '{ref}'; the last answer showed: {shown}")
        if control.kind != kind:
            verb = ":select" if control.kind == "select" else ":press"
            raise ConsoleError(f"{control.number} is a {control.kind}; use {verb} {control.number}")
        if control.disabled:
            raise ConsoleError(f"{kind} {control.number} ({control.label}) is disabled")
        return control

    def _find_message(self, message_id: int) -> discord.Message:
        for channel in self.scene.guild.channels.values():
            try:
                history = channel.history(viewer=self.actor)
            except (SetupError, BackendError):
                continue
            for message in history:
                if message.id == message_id:
                    return message
        raise ConsoleError("that message is gone or not visible to " + self.actor_label)

    async def _press(self, args: tuple[str, ...], expect_error: bool) -> Outcome:
        if not args:
            raise ConsoleError("say which button: ':press 1'")
        control = self._control(" ".join(args), "button")
        message, actor = self._find_message(control.message_id), self.actor
        return await self._interact(
            lambda: actor.click(message, custom_id=control.custom_id), expect_error
        )

    async def _select(self, args: tuple[str, ...], expect_error: bool) -> Outcome:
        if len(args) < 2:
            raise ConsoleError("say which menu and options: ':select 3 1 2'")
        control = self._control(args[0], "select")
        values: list[Any] = []
        for ref in args[1:]:
            if control.component_type != STRING_SELECT:
                values.append(self._entity(_SELECT_ENTITY[control.component_type], ref))
                continue
            option = None
            if ref.isdigit() and 1 <= int(ref) <= len(control.options):
                option = control.options[int(ref) - 1]
            else:
                option = next(
                    (
                        o
                        for o in control.options
                        if ref.casefold() in (o.value.casefold(), o.label.casefold())
                    ),
                    None,
                )
            if option is None:
                raise ConsoleError(
                    f"menu {control.number} has no option '{ref}'; pick 1 to {len(control.options)}"
                )
            values.append(option.value)
        if not control.min_values <= len(values) <= control.max_values:
            raise ConsoleError(
                f"menu {control.number} takes {control.min_values} to {control.max_values} choices"
            )
        message, actor = self._find_message(control.message_id), self.actor
        return await self._interact(
            lambda: actor.select(message, values, custom_id=control.custom_id), expect_error
        )

    def _show_modal(self, result: InteractionResult) -> None:
        payload = result.modal or {}
        keys = {form_key(label, c): str(c.get("custom_id")) for label, c in modal_fields(payload)}
        self._modal = _Modal(result, self.actor, payload, keys)
        for line in render_modal(payload, self._context()):
            self.write(line)

    async def _form(self, rest: str, expect_error: bool) -> Outcome:
        modal = self._modal
        if modal is None:
            raise ConsoleError("no form is open; a command or button opens one")
        spec = CommandSpec(("form",), options=tuple(OptionSpec(k, STRING) for k in modal.keys))
        try:
            raw = split_options(rest, spec)
        except ParseError as exc:
            raise ConsoleError(str(exc).replace("/form", "the form")) from None
        values = {modal.keys[key]: value for key, value in raw.items()}
        return await self._interact(
            lambda: modal.actor.submit_modal(modal.result, values), expect_error
        )

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

    # ---- output -------------------------------------------------------------------------------

    def _context(self) -> RenderContext:
        bot = self.env.bot
        users = {a.id: a.name for a in self.actors.values()}
        if bot.user is not None:
            users[bot.user.id] = bot.user.name
        roles = {r.id: r.name for r in self.scene.guild.roles.values()}
        channels = {c.id: c.name or str(c.id) for c in self.scene.guild.channels.values()}
        return RenderContext(self.zone, self._now(), Names(users, roles, channels))

    def _all_messages(self) -> list[tuple[ChannelHandle, discord.Message, bool]]:
        """(channel, message, visible to the current member) for every channel of the server."""
        out: list[tuple[ChannelHandle, discord.Message, bool]] = []
        for channel in self.scene.guild.channels.values():
            every: dict[int, discord.Message] = {}
            visible: set[int] = set()
            for actor in self.actors.values():  # ephemeral messages show only to their member
                try:
                    history = channel.history(viewer=actor)
                except (SetupError, BackendError):
                    continue
                every.update((m.id, m) for m in history)
                if actor is self.actor:
                    visible = {m.id for m in history}
            out.extend((channel, every[i], i in visible) for i in sorted(every))
        return out

    def _snapshot(self, *, mark_only: bool) -> list[tuple[ChannelHandle, discord.Message, str]]:
        changes = []
        current: set[int] = set()
        for channel, message, visible in self._all_messages():
            current.add(message.id)
            fingerprint = _fingerprint(message)
            before = self._seen.get(message.id)
            self._seen[message.id] = fingerprint
            if mark_only or before == fingerprint or not visible:
                continue
            changes.append((channel, message, "new" if before is None else "edited"))
        for gone in set(self._seen) - current:
            del self._seen[gone]
            if gone in self._printed and not mark_only:
                self.write("── the bot deleted a message it had shown ──")
        return changes

    async def _print_changes(self, result: InteractionResult) -> bool:
        changes = self._snapshot(mark_only=False)
        response = result.response
        response_id = response.id if response is not None else None
        followups = {m.id for m in result.followups}
        controls: list[Control] = []
        for channel, message, state in changes:
            if state == "edited":
                what = "edited its message"
            elif message.id == response_id:
                what = "reply"
            elif message.id in followups:
                what = "follow-up"
            else:
                what = f"posted in #{channel.name}"
            controls.extend(await self._print_message(message, what, len(controls) + 1))
        self._remember(controls)
        return bool(changes)

    async def _print_message(
        self, message: discord.Message, what: str, first_number: int
    ) -> list[Control]:
        header = f"── {message.author.name}: {what}"
        if message.flags.ephemeral:
            header += " (only visible to you)"
        self.write(header + " ──")
        if message.flags.value & LOADING_FLAG and not message.content and not message.embeds:
            self.write("(thinking…)")
        files = [await self._save(message, a) for a in message.attachments]
        rendered = render_message(
            content=message.content,
            embeds=[e.to_dict() for e in message.embeds],
            components=[c.to_dict() for c in message.components],
            attachments=files,
            ctx=self._context(),
            message_id=message.id,
            first_number=first_number,
        )
        for line in rendered.lines:
            self.write(line)
        self._printed.add(message.id)
        return rendered.controls

    async def _save(self, message: discord.Message, attachment: discord.Attachment) -> SavedFile:
        path = self._saved.get(attachment.id)
        if path is None:
            data = await attachment.read()
            self.out_dir.mkdir(parents=True, exist_ok=True)
            target = self.out_dir / f"{message.id}-{Path(attachment.filename).name}"
            target.write_bytes(data)
            path = self._saved[attachment.id] = str(target)
        return SavedFile(attachment.filename, path, attachment.size, attachment.content_type or "")

    def _remember(self, controls: list[Control]) -> None:
        if controls:
            self._controls = {c.number: c for c in controls}


_SELECT_ENTITY = {5: USER, 6: ROLE, 7: MENTIONABLE, 8: CHANNEL}


def _one_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__
