"""Reading what a console user types: slash-command lines, console directives, completion.

A slash line is typed the way Discord's client shows it once filled in:

    /event add date:2025-11-10 title:Talks resume in Kuala Lumpur summary:Both sides ...

Values may contain spaces: the rest of the line is split only at `` name:`` where ``name`` is
one of the command's own options. Quote a value ("..." or '...') to keep such text in it.
A line starting with ``!`` expects an error (see bot/console/session.py). Pure functions."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from bot.console.catalog import (
    ATTACHMENT,
    BOOLEAN,
    CHANNEL,
    INTEGER,
    MENTIONABLE,
    NUMBER,
    ROLE,
    STRING,
    USER,
    Catalog,
    CommandSpec,
    OptionSpec,
)

DIRECTIVES: dict[str, str] = {
    "help": "this list",
    "commands": "the slash commands you can use here, with their options",
    "as": "switch who is typing: ':as member' or ':as admin'",
    "press": "press a numbered button: ':press 2' (or ':press Older', by label)",
    "select": "choose in a numbered menu: ':select 3 1 2' = menu 3, its options 1 and 2",
    "form": "fill the form the bot opened: ':form title:Some text details:More text'",
    "history": "show the channel's last messages: ':history 5'",
    "complete": "show what Tab offers, with the bot's autocomplete: ':complete /who name:Li'",
    "quit": "leave the console (also Ctrl-D)",
}

_BOOLEANS = {
    "true": True,
    "yes": True,
    "y": True,
    "on": True,
    "1": True,
    "false": False,
    "no": False,
    "n": False,
    "off": False,
    "0": False,
}
_QUOTES = "\"'"


class ParseError(ValueError):
    """What was typed cannot be sent; str() is one line saying what to type instead."""


@dataclass(frozen=True)
class EntityRef:
    """A member, role or channel named by the user; the session resolves it."""

    kind: int
    name: str


@dataclass(frozen=True)
class FileRef:
    """A local file to upload as an attachment option."""

    path: Path


OptionValue = str | int | float | bool | EntityRef | FileRef


@dataclass(frozen=True)
class SlashLine:
    command: CommandSpec
    raw: Mapping[str, str]
    values: Mapping[str, OptionValue]


@dataclass(frozen=True)
class Directive:
    name: str
    args: tuple[str, ...] = ()
    rest: str = ""


@dataclass(frozen=True)
class Line:
    """One parsed input line; `action` is None for blank lines and # comments."""

    action: SlashLine | Directive | None
    expect_error: bool = False


# ---- splitting ------------------------------------------------------------------------------


def split_command(text: str, catalog: Catalog) -> tuple[CommandSpec, str]:
    """'/event add date:...' -> (the 'event add' leaf, 'date:...')."""
    body = text.strip().removeprefix("/")
    words = body.split()
    if not words:
        raise ParseError("type a command after '/'; :commands lists them")
    path: list[str] = []
    for word in words:
        if catalog.is_prefix([*path, word.lower()]):
            path.append(word.lower())
            if catalog.find(path):
                break
        else:
            break
    command = catalog.find(path)
    if command is None:
        if not path:
            raise ParseError(
                f"unknown command /{words[0]}; :commands lists the ones you can use here"
            )
        choices = ", ".join(w for w, _ in catalog.next_words(path))
        raise ParseError(f"/{' '.join(path)} needs a subcommand: {choices}")
    rest = body
    for word in path:
        rest = rest.lstrip()[len(word) :]
    return command, rest.strip()


def _option_pattern(names: list[str]) -> re.Pattern[str]:
    alternatives = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
    return re.compile(rf"(?:^|(?<=\s))({alternatives}):", re.IGNORECASE)


@dataclass
class _Scan:
    values: dict[str, str] = field(default_factory=dict)
    last_name: str | None = None
    last_start: int = 0
    last_quoted: bool = False
    last_closed: bool = True


def _scan_options(rest: str, command: CommandSpec, *, partial: bool) -> _Scan:
    names = [o.name for o in command.options]
    scan = _Scan()
    if not rest.strip():
        return scan
    if not names:
        raise ParseError(f"/{command.name} takes no options")
    pattern = _option_pattern(names)
    head = re.compile(r"\s*([^\s:]+):")
    pos = 0
    while pos < len(rest):
        if not rest[pos:].strip():
            break
        match = head.match(rest, pos)
        if match is None or match.group(1).lower() not in names:
            if partial:
                break
            word = (match.group(1) if match else rest[pos:].split()[0]).strip()
            raise ParseError(
                f"/{command.name} has no option '{word}'; its options: "
                + ", ".join(f"{n}:" for n in names)
            )
        name = match.group(1).lower()
        if name in scan.values and not partial:
            raise ParseError(f"option {name}: is given twice")
        start = match.end()
        scan.last_name, scan.last_start = name, start
        scan.last_quoted, scan.last_closed = False, True
        if start < len(rest) and rest[start] in _QUOTES:
            quote = rest[start]
            end = start + 1
            while True:
                end = rest.find(quote, end)
                if end == -1 or end + 1 == len(rest) or rest[end + 1].isspace():
                    break
                end += 1
            scan.last_quoted = True
            if end == -1:
                if not partial:
                    raise ParseError(f"the value of {name}: opens a {quote} but never closes it")
                scan.last_closed = False
                scan.values[name] = rest[start + 1 :]
                pos = len(rest)
                break
            scan.values[name] = rest[start + 1 : end].replace("\\" + quote, quote)
            pos = end + 1
            continue
        following = pattern.search(rest, start)
        end = following.start() if following else len(rest)
        value = rest[start:end].strip()
        if not partial:
            _refuse_lookalike(command, name, value)
        scan.values[name] = value
        pos = end
    return scan


_LOOKALIKE = re.compile(r"(?:^|\s)([a-z][a-z0-9_]*(?:-[a-z0-9_]+)*):(?=[^\s/])")


def _refuse_lookalike(command: CommandSpec, name: str, value: str) -> None:
    """`title:x bogus:1`: a word shaped like an option name inside a value is most likely a
    mistyped option; the value can be quoted when it really belongs there."""
    match = _LOOKALIKE.search(value)
    if match is None:
        return
    word = match.group(1)
    options = ", ".join(f"{o.name}:" for o in command.options)
    raise ParseError(
        f"/{command.name} has no option '{word}'; its options: {options}"
        f" (quote the value of {name}: if '{word}:' belongs in it)"
    )


def split_options(rest: str, command: CommandSpec) -> dict[str, str]:
    """'date:2025-11-10 title:Talks resume' -> {'date': '2025-11-10', 'title': 'Talks resume'}."""
    return _scan_options(rest, command, partial=False).values


# ---- values -----------------------------------------------------------------------------------


def _number_text(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def convert_value(command: CommandSpec, option: OptionSpec, raw: str) -> OptionValue:
    """Turn typed text into the value Discord would send, or raise ParseError saying why."""
    label = f"{option.name}:"
    if option.choices and not option.autocomplete:
        for choice in option.choices:
            if raw.casefold() in (choice.name.casefold(), str(choice.value).casefold()):
                return choice.value
        names = ", ".join(str(c.value) for c in option.choices)
        raise ParseError(f"{label} must be one of {names} (got '{raw}')")
    if option.type == STRING:
        if option.min_length is not None and len(raw) < option.min_length:
            raise ParseError(f"{label} needs at least {option.min_length} characters")
        if option.max_length is not None and len(raw) > option.max_length:
            raise ParseError(f"{label} takes at most {option.max_length} characters")
        return raw
    if option.type in (INTEGER, NUMBER):
        try:
            number: int | float = int(raw) if option.type == INTEGER else float(raw)
        except ValueError:
            raise ParseError(f"{label} must be a {option.type_label} (got '{raw}')") from None
        if option.min_value is not None and number < option.min_value:
            raise ParseError(f"{label} must be at least {_number_text(option.min_value)}")
        if option.max_value is not None and number > option.max_value:
            raise ParseError(f"{label} must be at most {_number_text(option.max_value)}")
        return number
    if option.type == BOOLEAN:
        try:
            return _BOOLEANS[raw.casefold()]
        except KeyError:
            raise ParseError(f"{label} must be true or false (got '{raw}')") from None
    if option.type in (USER, CHANNEL, ROLE, MENTIONABLE):
        name = raw.strip().lstrip("@#")
        if not name:
            raise ParseError(f"{label} needs a {option.type_label} name")
        return EntityRef(option.type, name)
    if option.type == ATTACHMENT:
        return FileRef(Path(raw).expanduser())
    raise ParseError(f"{label} has a type the console cannot send ({option.type})")


def parse_slash(text: str, catalog: Catalog) -> SlashLine:
    command, rest = split_command(text, catalog)
    raw = split_options(rest, command)
    missing = [o.name for o in command.options if o.required and not raw.get(o.name)]
    if missing:
        raise ParseError(
            f"/{command.name} needs " + ", ".join(f"{m}:" for m in missing) + f"; {command.usage()}"
        )
    values: dict[str, OptionValue] = {}
    for name, text_value in raw.items():
        option = command.option(name)
        assert option is not None
        if text_value == "" and not option.required:
            continue
        values[name] = convert_value(command, option, text_value)
    return SlashLine(command, raw, values)


def parse_line(text: str, catalog: Catalog) -> Line:
    stripped = text.strip()
    expect_error = stripped.startswith("!")
    stripped = stripped.removeprefix("!").lstrip()
    if not stripped or stripped.startswith("#"):
        return Line(None, expect_error)
    if stripped.startswith(":"):
        word, _, rest = stripped[1:].partition(" ")
        name = word.lower()
        if name not in DIRECTIVES:
            raise ParseError(f"unknown console command :{word}; :help lists them")
        return Line(Directive(name, tuple(rest.split()), rest.strip()), expect_error)
    if stripped.startswith("/"):
        return Line(parse_slash(stripped, catalog), expect_error)
    raise ParseError("start with / for a bot command or : for a console command (:help)")


# ---- completion -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Suggestion:
    """Replace the last `replace` characters before the cursor with `text`."""

    text: str
    replace: int
    display: str
    meta: str = ""


@dataclass(frozen=True)
class Focus:
    """The user is typing the value of `option`; the session offers its choices."""

    command: CommandSpec
    option: OptionSpec
    partial: str
    filled: Mapping[str, str]


@dataclass(frozen=True)
class CompletionState:
    suggestions: tuple[Suggestion, ...] = ()
    focus: Focus | None = None


def _word_suggestions(
    words: list[tuple[str, str]], partial: str, suffix: str = " "
) -> tuple[Suggestion, ...]:
    return tuple(
        Suggestion(word + suffix, len(partial), word, meta)
        for word, meta in words
        if word.startswith(partial.lower())
    )


def completion_state(text: str, catalog: Catalog) -> CompletionState:
    """What to offer for `text` (everything before the cursor)."""
    body = text.lstrip().removeprefix("!").lstrip()
    if body.startswith(":"):
        word, space, rest = body[1:].partition(" ")
        if not space:
            return CompletionState(
                tuple(
                    Suggestion(":" + name + " ", len(word) + 1, ":" + name, meta)
                    for name, meta in DIRECTIVES.items()
                    if name.startswith(word.lower())
                )
            )
        if word.lower() == "as" and " " not in rest:
            return CompletionState(
                _word_suggestions([("member", "plain member"), ("admin", "Manage Server")], rest)
            )
        return CompletionState()
    if not body.startswith("/"):
        return CompletionState()
    body = body[1:]
    words = body.split(" ")
    path: list[str] = []
    index = 0
    while index < len(words) - 1 and catalog.is_prefix([*path, words[index].lower()]):
        path.append(words[index].lower())
        index += 1
        if catalog.find(path):
            break
    command = catalog.find(path)
    if command is None:
        if index < len(words) - 1:
            return CompletionState()
        return CompletionState(_word_suggestions(catalog.next_words(path), words[index]))
    rest = " ".join(words[index:])
    try:
        scan = _scan_options(rest, command, partial=True)
    except ParseError:
        return CompletionState()
    current = rest.rsplit(" ", 1)[-1] if rest and not rest.endswith(" ") else ""
    used = set(scan.values)
    suggestions: tuple[Suggestion, ...] = ()
    if ":" not in current and not (scan.last_quoted and not scan.last_closed):
        unused = [(o.name, _option_meta(o)) for o in command.options if o.name not in used]
        suggestions = _word_suggestions(unused, current, suffix=":")
    focus = None
    option = command.option(scan.last_name) if scan.last_name is not None else None
    if option is not None and not (scan.last_quoted and scan.last_closed):
        value_text = rest[scan.last_start :]
        if scan.last_quoted:
            value_text = value_text[1:]
        elif value_text.strip() and value_text[-1].isspace():
            value_text = ""  # the value is finished; only option names are offered
        if value_text or rest.endswith(":"):
            filled = {k: v for k, v in scan.values.items() if k != option.name}
            focus = Focus(command, option, value_text, filled)
    return CompletionState(suggestions, focus)


def _option_meta(option: OptionSpec) -> str:
    need = "required" if option.required else "optional"
    return f"{option.type_label}, {need}" + (
        f": {option.description}" if option.description else ""
    )


def value_suggestions(focus: Focus, choices: list[tuple[str, str]]) -> tuple[Suggestion, ...]:
    """(value, label) choices -> suggestions replacing what was typed of the value."""
    return tuple(
        Suggestion(value + " ", len(focus.partial), label, value if value != label else "")
        for value, label in choices
    )


def static_choices(focus: Focus) -> list[tuple[str, str]]:
    """The option's declared choices that match what was typed so far."""
    typed = focus.partial.casefold()
    out = []
    for choice in focus.option.choices:
        value = str(choice.value)
        if typed in choice.name.casefold() or value.casefold().startswith(typed):
            out.append((value, choice.name))
    if focus.option.type == BOOLEAN:
        out = [(v, v) for v in ("true", "false") if v.startswith(typed)]
    return out
