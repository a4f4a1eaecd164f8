"""The console session's directives (:as, :press, :select, :form, :history …): what a member
does besides running a command."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

import discord
from simcord import (
    BackendError,
    InteractionResult,
    SetupError,
)

from bot.console._output import SessionOutput
from bot.console._scene import (
    CHANNEL_NAME,
    OK,
    ConsoleError,
    Outcome,
    PendingModal,
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
    ParseError,
    Suggestion,
    split_options,
)
from bot.console.render import (
    STRING_SELECT,
    Control,
    form_key,
    modal_fields,
    render_modal,
)

_SELECT_ENTITY = {5: USER, 6: ROLE, 7: MENTIONABLE, 8: CHANNEL}


class SessionDirectives(SessionOutput):
    """Part of ConsoleSession (bot.console.session): the directives."""

    _modal: PendingModal | None

    if TYPE_CHECKING:  # in ConsoleSession

        @property
        def catalog(self) -> Catalog: ...

        @property
        def full_catalog(self) -> Catalog: ...

        @property
        def actor_label(self) -> str: ...

        async def _interact(
            self, action: Callable[[], Awaitable[InteractionResult]], expect_error: bool
        ) -> Outcome: ...

        def _entity(self, kind: int, name: str) -> Any: ...

        async def suggest(self, text: str) -> list[Suggestion]: ...

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
        self._modal = PendingModal(result, self.actor, payload, keys)
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
