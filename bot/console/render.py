"""Discord messages as a reader sees them, in plain text.

Input is Discord's own JSON for messages (content, embeds, components, attachments), so the
same functions serve any bot output. Timestamps (<t:UNIX:STYLE>) are shown in the reader's
zone, mentions as inert names, buttons and menus as numbered controls. Pure: no discord
import, no I/O; the zone and "now" are passed in."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, tzinfo
from typing import Any

ACTION_ROW, BUTTON, STRING_SELECT, TEXT_INPUT = 1, 2, 3, 4
USER_SELECT, ROLE_SELECT, MENTIONABLE_SELECT, CHANNEL_SELECT = 5, 6, 7, 8
SECTION, TEXT_DISPLAY, THUMBNAIL, MEDIA_GALLERY, FILE, SEPARATOR = 9, 10, 11, 12, 13, 14
CONTAINER, LABEL = 17, 18
SELECTS = (STRING_SELECT, USER_SELECT, ROLE_SELECT, MENTIONABLE_SELECT, CHANNEL_SELECT)
LINK_BUTTON, PREMIUM_BUTTON = 5, 6
SELECT_KINDS = {
    USER_SELECT: "a member",
    ROLE_SELECT: "a role",
    MENTIONABLE_SELECT: "a member or role",
    CHANNEL_SELECT: "a channel",
}
EMBED_BAR = "│ "


@dataclass(frozen=True)
class Names:
    """Display names for ids, so mentions read as names and never ping."""

    users: Mapping[int, str] = field(default_factory=dict)
    roles: Mapping[int, str] = field(default_factory=dict)
    channels: Mapping[int, str] = field(default_factory=dict)


@dataclass(frozen=True)
class RenderContext:
    zone: tzinfo
    now: datetime
    names: Names = field(default_factory=Names)


@dataclass(frozen=True)
class SelectOption:
    label: str
    value: str
    description: str = ""
    default: bool = False


@dataclass(frozen=True)
class Control:
    """A numbered button or menu that `:press N` / `:select N ...` acts on."""

    number: int
    message_id: int
    kind: str  # "button" or "select"
    custom_id: str
    label: str
    disabled: bool = False
    component_type: int = BUTTON
    options: tuple[SelectOption, ...] = ()
    min_values: int = 1
    max_values: int = 1


@dataclass(frozen=True)
class SavedFile:
    filename: str
    path: str | None
    size: int
    content_type: str = ""


# ---- timestamps and mentions --------------------------------------------------------------

_TIMESTAMP = re.compile(r"<t:(-?\d{1,13})(?::([tTdDfFR]))?>")
_USER = re.compile(r"<@!?(\d+)>")
_ROLE = re.compile(r"<@&(\d+)>")
_CHANNEL = re.compile(r"<#(\d+)>")
_SLASH = re.compile(r"</([\w -]+):\d+>")
_EMOJI = re.compile(r"<a?:(\w+):\d+>")

_RELATIVE_STEPS = (
    # (limit in seconds, unit seconds, singular phrase, plural unit) after moment.js
    (45, 1, "a few seconds", None),
    (90, 60, "a minute", None),
    (45 * 60, 60, None, "minutes"),
    (90 * 60, 3600, "an hour", None),
    (22 * 3600, 3600, None, "hours"),
    (36 * 3600, 86400, "a day", None),
    (26 * 86400, 86400, None, "days"),
    (45 * 86400, 30 * 86400, "a month", None),
    (320 * 86400, 30 * 86400, None, "months"),
    (548 * 86400, 365 * 86400, "a year", None),
)


def relative_time(when: datetime, now: datetime) -> str:
    """'in 3 days' / '2 months ago', the way Discord shows <t:...:R>."""
    delta = (when - now).total_seconds()
    seconds = abs(delta)
    phrase = ""
    for limit, unit, singular, plural in _RELATIVE_STEPS:
        if seconds < limit:
            phrase = singular or f"{round(seconds / unit)} {plural}"
            break
    else:
        phrase = f"{max(2, round(seconds / (365 * 86400)))} years"
    return f"in {phrase}" if delta >= 0 else f"{phrase} ago"


def format_timestamp(unix: int, style: str | None, zone: tzinfo, now: datetime) -> str:
    """One Discord timestamp in `zone`; `style` is one of t T d D f F R (default f)."""
    when = datetime.fromtimestamp(unix, tz=UTC).astimezone(zone)
    day = f"{when.day} {when:%B %Y}"
    if style == "t":
        return f"{when:%H:%M}"
    if style == "T":
        return f"{when:%H:%M:%S}"
    if style == "d":
        return f"{when:%Y-%m-%d}"
    if style == "D":
        return day
    if style == "F":
        return f"{when:%A}, {day} {when:%H:%M}"
    if style == "R":
        return relative_time(when, now)
    return f"{day} {when:%H:%M}"


def render_text(text: str, ctx: RenderContext) -> str:
    """Message text with timestamps in the local zone and mentions as inert names."""
    names = ctx.names

    def timestamp(match: re.Match[str]) -> str:
        try:
            return format_timestamp(int(match.group(1)), match.group(2), ctx.zone, ctx.now)
        except (OverflowError, OSError, ValueError):
            return match.group(0)

    text = _TIMESTAMP.sub(timestamp, text)
    text = _USER.sub(lambda m: "@" + names.users.get(int(m.group(1)), "unknown-user"), text)
    text = _ROLE.sub(lambda m: "@" + names.roles.get(int(m.group(1)), "unknown-role"), text)
    text = _CHANNEL.sub(
        lambda m: "#" + names.channels.get(int(m.group(1)), "unknown-channel"), text
    )
    text = _SLASH.sub(lambda m: "/" + m.group(1), text)
    return _EMOJI.sub(lambda m: f":{m.group(1)}:", text)


def _iso_time(value: str, ctx: RenderContext) -> str:
    try:
        when = datetime.fromisoformat(value)
    except ValueError:
        return value
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return format_timestamp(int(when.timestamp()), "f", ctx.zone, ctx.now)


# ---- embeds -------------------------------------------------------------------------------


def _indented(prefix: str, text: str, rest_prefix: str | None = None) -> list[str]:
    lines = text.splitlines() or [""]
    follow = prefix if rest_prefix is None else rest_prefix
    return [prefix + lines[0], *(follow + line for line in lines[1:])]


def _media(label: str, url: str | None, files: Mapping[str, str]) -> str | None:
    if not url:
        return None
    if url.startswith("attachment://"):
        name = url.removeprefix("attachment://")
        return f"{label}: {files.get(name, name)}"
    return f"{label}: {url}"


def render_embed(
    embed: Mapping[str, Any], ctx: RenderContext, files: Mapping[str, str] | None = None
) -> list[str]:
    """An embed as lines: author, title, description, fields (name: value), media, footer."""
    files = files or {}
    lines: list[str] = []
    author = (embed.get("author") or {}).get("name")
    if author:
        lines.append(render_text(str(author), ctx))
    if embed.get("title"):
        title = "# " + render_text(str(embed["title"]), ctx)
        lines.append(title + (f"  <{embed['url']}>" if embed.get("url") else ""))
    if embed.get("description"):
        if lines:
            lines.append("")
        lines.extend(render_text(str(embed["description"]), ctx).splitlines())
    fields = embed.get("fields") or []
    if fields:
        lines.append("")
    for item in fields:
        name = render_text(str(item.get("name", "")), ctx)
        value = render_text(str(item.get("value", "")), ctx)
        lines.extend(_indented(f"{name}: ", value, "  "))
    for label, key in (("image", "image"), ("thumbnail", "thumbnail")):
        shown = _media(label, (embed.get(key) or {}).get("url"), files)
        if shown:
            lines.append(shown)
    footer = render_text(str((embed.get("footer") or {}).get("text") or ""), ctx)
    stamp = _iso_time(str(embed["timestamp"]), ctx) if embed.get("timestamp") else ""
    tail = " · ".join(part for part in (footer, stamp) if part)
    if tail:
        lines.append("")
        lines.extend(_indented("— ", tail, "  "))
    return [EMBED_BAR + line if line else EMBED_BAR.rstrip() for line in lines]


# ---- components ---------------------------------------------------------------------------


def _emoji(component: Mapping[str, Any]) -> str:
    emoji = component.get("emoji") or {}
    name = emoji.get("name")
    if not name:
        return ""
    return f":{name}:" if emoji.get("id") else str(name)


def _button_label(component: Mapping[str, Any]) -> str:
    parts = [p for p in (_emoji(component), component.get("label")) if p]
    return " ".join(str(p) for p in parts) or str(component.get("custom_id") or "button")


def walk_components(components: Iterable[Mapping[str, Any]]) -> Iterable[Mapping[str, Any]]:
    """Every component, depth-first, through rows, containers, sections and labels."""
    for component in components:
        yield component
        children = list(component.get("components") or [])
        for key in ("accessory", "component"):
            if component.get(key):
                children.append(component[key])
        yield from walk_components(children)


@dataclass
class Rendered:
    lines: list[str] = field(default_factory=list)
    controls: list[Control] = field(default_factory=list)


def render_components(
    components: Sequence[Mapping[str, Any]],
    ctx: RenderContext,
    message_id: int,
    first_number: int,
) -> Rendered:
    """Rows of buttons on one line each; menus with their options numbered beneath."""
    out = Rendered()
    number = first_number

    def button(component: Mapping[str, Any]) -> str:
        nonlocal number
        label = _button_label(component)
        if component.get("style") == LINK_BUTTON or not component.get("custom_id"):
            return f"{label} <{component.get('url', '')}>"
        disabled = bool(component.get("disabled"))
        out.controls.append(
            Control(number, message_id, "button", str(component["custom_id"]), label, disabled)
        )
        text = f"[{number}] {label}" + (" (disabled)" if disabled else "")
        number += 1
        return text

    def select(component: Mapping[str, Any]) -> None:
        nonlocal number
        lo, hi = int(component.get("min_values", 1)), int(component.get("max_values", 1))
        kind = int(component["type"])
        options = tuple(
            SelectOption(
                str(o.get("label", "")),
                str(o.get("value", "")),
                str(o.get("description") or ""),
                bool(o.get("default")),
            )
            for o in component.get("options") or []
        )
        placeholder = render_text(str(component.get("placeholder") or "Make a selection"), ctx)
        disabled = bool(component.get("disabled"))
        count = str(lo) if lo == hi else f"{lo} to {hi}"
        what = SELECT_KINDS.get(kind, "")
        how = f"choose {count}" + (f" × {what}" if what else "")
        out.controls.append(
            Control(
                number,
                message_id,
                "select",
                str(component.get("custom_id", "")),
                placeholder,
                disabled,
                kind,
                options,
                lo,
                hi,
            )
        )
        out.lines.append(
            f"[{number}] menu: {placeholder} ({how})" + (" (disabled)" if disabled else "")
        )
        for index, option in enumerate(options, start=1):
            text = f"    {index}. {render_text(option.label, ctx)}"
            if option.description:
                text += f" — {render_text(option.description, ctx)}"
            if option.default:
                text += " (selected)"
            out.lines.append(text)
        number += 1

    def visit(items: Sequence[Mapping[str, Any]]) -> None:
        for component in items:
            kind = component.get("type")
            if kind == ACTION_ROW:
                children = list(component.get("components") or [])
                buttons = [button(c) for c in children if c.get("type") == BUTTON]
                if buttons:
                    out.lines.append("   ".join(buttons))
                for child in children:
                    if child.get("type") in SELECTS:
                        select(child)
            elif kind == BUTTON:
                out.lines.append(button(component))
            elif kind in SELECTS:
                select(component)
            elif kind == TEXT_DISPLAY:
                out.lines.extend(render_text(str(component.get("content", "")), ctx).splitlines())
            elif kind == SEPARATOR:
                out.lines.append("─" * 20)
            elif kind in (CONTAINER, SECTION):
                visit(list(component.get("components") or []))
                accessory = component.get("accessory")
                if accessory:
                    visit([accessory])
            elif kind in (THUMBNAIL, MEDIA_GALLERY, FILE):
                out.lines.append(f"({'media' if kind != FILE else 'file'} attached)")

    visit(components)
    return out


# ---- messages -----------------------------------------------------------------------------


def render_message(
    *,
    content: str,
    embeds: Sequence[Mapping[str, Any]],
    components: Sequence[Mapping[str, Any]],
    attachments: Sequence[SavedFile],
    ctx: RenderContext,
    message_id: int = 0,
    first_number: int = 1,
) -> Rendered:
    """The whole message: content, each embed, its controls, then where its files were saved."""
    out = Rendered()
    if content:
        out.lines.extend(render_text(content, ctx).splitlines())
    files = {a.filename: a.path or a.filename for a in attachments}
    for embed in embeds:
        if out.lines:
            out.lines.append("")
        out.lines.extend(render_embed(embed, ctx, files))
    controls = render_components(components, ctx, message_id, first_number)
    if controls.lines and out.lines:
        out.lines.append("")
    out.lines.extend(controls.lines)
    out.controls.extend(controls.controls)
    for attachment in attachments:
        where = attachment.path or "(not saved)"
        kind = f"{attachment.content_type}, " if attachment.content_type else ""
        out.lines.append(
            f"attachment {attachment.filename}: {where} ({kind}{_size(attachment.size)})"
        )
    return out


def _size(size: int) -> str:
    if size < 1024:
        return f"{size} bytes"
    return f"{size / 1024:.1f} KB"


def render_modal(modal: Mapping[str, Any], ctx: RenderContext) -> list[str]:
    """The form a bot opened: its title and numbered fields (`:form` fills them)."""
    lines = [f"form: {render_text(str(modal.get('title', '')), ctx)}"]
    for index, field_ in enumerate(modal_fields(modal), start=1):
        label, control = field_
        need = "required" if control.get("required", True) else "optional"
        key = form_key(label, control)
        style = "paragraph" if control.get("style") == 2 else "short text"
        if control.get("type") != TEXT_INPUT:
            style = "choice"
        text = f"  [{index}] {label} ({key}:, {style}, {need})"
        if control.get("value"):
            text += f" = {control['value']}"
        lines.append(text)
    lines.append("  fill it in with :form " + " ".join(f"{k}:..." for k in form_keys(modal)))
    return lines


def modal_fields(modal: Mapping[str, Any]) -> list[tuple[str, Mapping[str, Any]]]:
    """(label, control) for each input of a modal, V1 rows or V2 labels."""
    fields: list[tuple[str, Mapping[str, Any]]] = []
    for component in modal.get("components") or []:
        if component.get("type") == LABEL and component.get("component"):
            control = component["component"]
            fields.append((str(component.get("label", "")), control))
        elif component.get("type") == ACTION_ROW:
            for child in component.get("components") or []:
                if child.get("custom_id"):
                    fields.append((str(child.get("label", "")), child))
    return fields


def form_key(label: str, control: Mapping[str, Any]) -> str:
    """A short typed name for a form field: its label, lowercased, words joined by '-'."""
    slug = re.sub(r"[^a-z0-9]+", "-", label.lower()).strip("-")
    return slug or str(control.get("custom_id", "field"))


def form_keys(modal: Mapping[str, Any]) -> list[str]:
    return [form_key(label, control) for label, control in modal_fields(modal)]
