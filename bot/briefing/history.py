"""An item's audit trail as a compact diff: who changed which fields, when, and why.

Pure: audit entries -> text / one embed, newest change first. Long values are shortened at
a word; list fields show what was added and removed.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import discord

from bot.briefing.text import shown
from bot.briefing.text import truncate as shorten
from bot.models import AuditAction, AuditEntry

DESCRIPTION_MAX = 4096
VALUE_MAX = 80
VERBS = {
    AuditAction.ADD: "added",
    AuditAction.EDIT: "edited",
    AuditAction.REMOVE: "removed",
    AuditAction.RESTORE: "restored",
    AuditAction.IMPORT: "loaded",
}


def _value(value: Any) -> str:
    if value is None or value == [] or value == "":
        return "—"
    if isinstance(value, str):
        return f"“{shown(value, VALUE_MAX)}”"
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return shown(", ".join(value), VALUE_MAX)
    return "(details)"


CONTEXT = 25
"""Characters of unchanged text shown either side of an edit."""


def changed_part(old: str, new: str) -> tuple[str, str]:
    """The part of a text an edit changed, with a little unchanged text either side, so
    'until May 2027' -> 'until 10 May 2027' shows, however long the summary around it."""
    a, b = " ".join(old.split()), " ".join(new.split())
    if len(a) <= VALUE_MAX and len(b) <= VALUE_MAX:
        return _value(a), _value(b)
    start = 0
    while start < min(len(a), len(b)) and a[start] == b[start]:
        start += 1
    end = 0
    while end < min(len(a), len(b)) - start and a[-1 - end] == b[-1 - end]:
        end += 1
    lead = max(0, start - CONTEXT)
    lead = a.rfind(" ", 0, lead + 1) + 1 if lead else 0

    def piece(text: str) -> str:
        stop = len(text) - end
        tail = min(len(text), stop + CONTEXT)
        cut = text.find(" ", tail)
        tail = len(text) if cut == -1 else cut
        body = text[lead:tail]
        shown_text = shorten(" ".join(body.split()), VALUE_MAX * 2)
        return f"“{'…' if lead else ''}{shown(shown_text)}{'…' if tail < len(text) else ''}”"

    return piece(a), piece(b)


def field_changes(before: dict[str, Any] | None, after: dict[str, Any] | None) -> list[str]:
    """One line per changed top-level field."""
    if before is None or after is None:
        return []
    lines: list[str] = []
    for key in dict.fromkeys([*before, *after]):
        old, new = before.get(key), after.get(key)
        if old == new:
            continue
        lists = isinstance(old, list | None) and isinstance(new, list | None)
        if lists and all(isinstance(v, str) for v in (old or []) + (new or [])):
            added = [v for v in new or [] if v not in (old or [])]
            gone = [v for v in old or [] if v not in (new or [])]
            parts = [f"+{shown(', '.join(added), VALUE_MAX)}"] if added else []
            parts += [f"−{shown(', '.join(gone), VALUE_MAX)}"] if gone else []
            lines.append(f"• {key}: {' '.join(parts) or 'reordered'}")
        elif isinstance(old, str) and isinstance(new, str):
            a, b = changed_part(old, new)
            lines.append(f"• {key}: {a} → {b}")
        elif isinstance(old, str | None) and isinstance(new, str | None):
            lines.append(f"• {key}: {_value(old)} → {_value(new)}")
        else:
            lines.append(f"• {key}: changed")
    return lines


def entry_text(entry: AuditEntry) -> str:
    unix = int(entry.at.timestamp())
    who = shown(entry.actor_name)
    head = f"**{VERBS[entry.action]}** <t:{unix}:f> by {who}"
    lines = [head]
    if entry.reason:
        lines.append(f"> {shown(entry.reason, 300)}")
    if entry.action is AuditAction.ADD and entry.after is not None:
        title = entry.after.get("title") or entry.after.get("name")
        if isinstance(title, str):
            lines.append(f"• as {_value(title)}")
    elif entry.action is AuditAction.IMPORT and entry.before is None:
        lines.append("• first loaded")
    else:
        lines.extend(field_changes(entry.before, entry.after))
    return "\n".join(lines)


def history_embed(title: str, item_id: str, entries: Sequence[AuditEntry]) -> discord.Embed:
    """Newest change first, as many as fit; the footer says how many older ones are left."""
    embed = discord.Embed(title=shorten(f"History: {shown(title)}", 256), colour=0x4A5568)
    blocks: list[str] = []
    used = 0
    listed = 0
    for entry in reversed(entries):
        block = entry_text(entry)
        cost = len(block) + (2 if blocks else 0)
        if used + cost > DESCRIPTION_MAX - 40:
            break
        blocks.append(block)
        used += cost
        listed += 1
    embed.description = "\n\n".join(blocks) or "No recorded changes."
    older = len(entries) - listed
    footer = f"id: {item_id} · {len(entries)} change(s)"
    if older:
        footer += f" · {older} older not shown"
    embed.set_footer(text=footer)
    return embed
