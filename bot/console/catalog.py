"""The slash commands a console user can type, read from the bot's own command tree.

Built from the JSON Discord receives when the tree is synced (``command.to_dict(tree)``), so
the console knows exactly what a Discord client would show: command paths, options, their
types, choices, limits and whether the bot autocompletes them. Pure: no discord import."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

SUBCOMMAND, SUBCOMMAND_GROUP = 1, 2
STRING, INTEGER, BOOLEAN, USER, CHANNEL, ROLE, MENTIONABLE, NUMBER, ATTACHMENT = (
    3,
    4,
    5,
    6,
    7,
    8,
    9,
    10,
    11,
)
TYPE_LABELS = {
    STRING: "text",
    INTEGER: "whole number",
    BOOLEAN: "true/false",
    USER: "member",
    CHANNEL: "channel",
    ROLE: "role",
    MENTIONABLE: "member or role",
    NUMBER: "number",
    ATTACHMENT: "file path",
}
CHAT_INPUT = 1


@dataclass(frozen=True)
class Choice:
    name: str
    value: str | int | float


@dataclass(frozen=True)
class OptionSpec:
    name: str
    type: int
    description: str = ""
    required: bool = False
    choices: tuple[Choice, ...] = ()
    autocomplete: bool = False
    min_value: float | None = None
    max_value: float | None = None
    min_length: int | None = None
    max_length: int | None = None

    @property
    def type_label(self) -> str:
        return TYPE_LABELS.get(self.type, f"type {self.type}")

    @classmethod
    def from_payload(cls, data: Mapping[str, Any]) -> OptionSpec:
        return cls(
            name=str(data["name"]),
            type=int(data["type"]),
            description=str(data.get("description") or ""),
            required=bool(data.get("required", False)),
            choices=tuple(Choice(str(c["name"]), c["value"]) for c in data.get("choices") or ()),
            autocomplete=bool(data.get("autocomplete", False)),
            min_value=data.get("min_value"),
            max_value=data.get("max_value"),
            min_length=data.get("min_length"),
            max_length=data.get("max_length"),
        )


@dataclass(frozen=True)
class CommandSpec:
    """One invocable slash command: a root without subcommands, or a subcommand leaf."""

    path: tuple[str, ...]
    description: str = ""
    options: tuple[OptionSpec, ...] = ()

    @property
    def name(self) -> str:
        return " ".join(self.path)

    def option(self, name: str) -> OptionSpec | None:
        return next((o for o in self.options if o.name == name), None)

    def usage(self) -> str:
        parts = [f"/{self.name}"]
        for option in self.options:
            kind = "choice" if option.choices else option.type_label
            text = f"{option.name}:<{kind}>"
            parts.append(text if option.required else f"[{text}]")
        return " ".join(parts)


def _leaves(node: Mapping[str, Any], path: tuple[str, ...]) -> Iterable[CommandSpec]:
    options = node.get("options") or ()
    children = [o for o in options if o.get("type") in (SUBCOMMAND, SUBCOMMAND_GROUP)]
    if not children:
        yield CommandSpec(
            path=path,
            description=str(node.get("description") or ""),
            options=tuple(OptionSpec.from_payload(o) for o in options),
        )
        return
    for child in children:
        yield from _leaves(child, (*path, str(child["name"])))


class Catalog:
    """The invocable commands, with lookups for parsing and completion."""

    def __init__(self, leaves: Sequence[CommandSpec], descriptions: Mapping[tuple[str, ...], str]):
        self._leaves = {leaf.path: leaf for leaf in leaves}
        self._descriptions = dict(descriptions)

    @classmethod
    def from_payloads(cls, payloads: Iterable[Mapping[str, Any]]) -> Catalog:
        """From application-command JSON (as synced); only chat-input (slash) commands."""
        leaves: list[CommandSpec] = []
        descriptions: dict[tuple[str, ...], str] = {}

        def describe(node: Mapping[str, Any], path: tuple[str, ...]) -> None:
            descriptions[path] = str(node.get("description") or "")
            for child in node.get("options") or ():
                if child.get("type") in (SUBCOMMAND, SUBCOMMAND_GROUP):
                    describe(child, (*path, str(child["name"])))

        for payload in payloads:
            if int(payload.get("type", CHAT_INPUT)) != CHAT_INPUT:
                continue
            root = (str(payload["name"]),)
            describe(payload, root)
            leaves.extend(_leaves(payload, root))
        return cls(sorted(leaves, key=lambda c: c.path), descriptions)

    def restricted_to(self, names: Iterable[str]) -> Catalog:
        """Only the leaves whose full names ("event add") are listed."""
        keep = {tuple(name.split()) for name in names}
        leaves = [leaf for path, leaf in self._leaves.items() if path in keep]
        return Catalog(leaves, self._descriptions)

    @property
    def leaves(self) -> list[CommandSpec]:
        return list(self._leaves.values())

    def find(self, path: Sequence[str]) -> CommandSpec | None:
        return self._leaves.get(tuple(path))

    def is_prefix(self, path: Sequence[str]) -> bool:
        """True when the words start at least one command (a root or group name)."""
        n = len(path)
        return any(p[:n] == tuple(path) for p in self._leaves)

    def next_words(self, path: Sequence[str]) -> list[tuple[str, str]]:
        """(word, description) for what may follow `path`: roots, groups or subcommands."""
        n = len(path)
        words: dict[str, str] = {}
        for leaf in self._leaves:
            if len(leaf) > n and leaf[:n] == tuple(path):
                words.setdefault(leaf[n], self._descriptions.get(leaf[: n + 1], ""))
        return sorted(words.items())
