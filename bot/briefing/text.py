"""Text that fits Discord's limits without cutting a word silently.

Every shortening here says so: a cut ends in "…", a list that runs out of room ends in a
line saying how many entries were left out. Pure functions, no I/O.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Literal

import discord

from bot.bounds import INVISIBLE

# Discord's limits (https://discord.com/developers/docs/resources/message#embed-object-embed-limits)
TITLE_MAX = 256
DESCRIPTION_MAX = 4096
FIELD_NAME_MAX = 256
FIELD_VALUE_MAX = 1024
FIELDS_MAX = 25
FOOTER_MAX = 2048
AUTHOR_MAX = 256
EMBED_TOTAL_MAX = 6000
EMBEDS_PER_MESSAGE = 10
CONTENT_MAX = 2000
CHOICES_MAX = 25
CHOICE_NAME_MAX = 100
SELECT_LABEL_MAX = 100
SELECT_DESCRIPTION_MAX = 100
SELECT_OPTIONS_MAX = 25

ELLIPSIS = "…"
CUT_MARK = " (cut, see more)"

TimestampStyle = Literal["f", "F", "d", "D", "t", "T", "R"]


def one_line(text: str) -> str:
    """Collapse all whitespace (newlines included) to single spaces."""
    return " ".join(text.split())


_ZERO_WIDTH = dict.fromkeys(map(ord, INVISIBLE))


def inert(text: str) -> str:
    """Text from articles, feeds, curators or the record as Discord shows it literally: its
    markdown escaped (bold, masked links, headings, quotes, spoilers, code), so only the
    bot's own formatting is markdown. (Mentions stay as typed: every message the bot sends
    has mentions disabled, so none pings.)"""
    return discord.utils.escape_markdown(text)


def shown(text: str, limit: int | None = None) -> str:
    """Third-party or user text for a place Discord renders as markdown: on one line,
    inert, and cut at a word boundary to `limit` (marked)."""
    out = inert(one_line(text))
    return out if limit is None else truncate(out, limit)


def plain(text: str) -> str:
    """Text on one line without zero-width characters: for labels Discord shows without
    markdown (menu options, autocomplete choices)."""
    return one_line(text.translate(_ZERO_WIDTH))


def truncate(text: str, limit: int, marker: str = ELLIPSIS) -> str:
    """`text` if it fits in `limit` characters, else cut at a word boundary with `marker`.

    Only a single word longer than the whole limit is cut inside the word (still marked)."""
    if limit <= 0:
        return ""
    if len(text) <= limit:
        return text
    if len(marker) >= limit:
        return marker[:limit]
    room = limit - len(marker)
    head = text[: room + 1]
    cut = head.rfind(" ")
    newline = head.rfind("\n")
    cut = max(cut, newline)
    head = text[:room] if cut <= 0 else text[:cut]
    head = head.rstrip(" \n,;:-–—(")
    open_at = _unclosed(head)
    if open_at is not None and open_at > room // 3:
        # "face masks (2026…:" reads broken: end before the bracket the cut left open
        head = head[:open_at].rstrip(" \n,;:-–—")
    if not head:
        head = text[:room]
    return head + marker


def _unclosed(text: str) -> int | None:
    """Where the last bracket that `text` opens and does not close stands, if any."""
    stack: list[int] = []
    for i, ch in enumerate(text):
        if ch in "([":
            stack.append(i)
        elif ch in ")]" and stack:
            stack.pop()
    return stack[-1] if stack else None


def timestamp(at: datetime, style: TimestampStyle = "F") -> str:
    """A Discord timestamp: each reader sees it in their own time zone."""
    return f"<t:{int(at.timestamp())}:{style}>"


def join_fitting(
    lines: Sequence[str],
    limit: int,
    *,
    sep: str = "\n",
    more: str = "… and {n} more",
) -> str:
    """Join as many whole lines as fit in `limit`, then a line saying how many were left out.

    When not even the first line fits whole, it is shortened at a word boundary (marked)."""
    if not lines:
        return ""
    ends: list[int] = []  # ends[k-1] = len(sep.join(lines[:k]))
    total = 0
    for i, line in enumerate(lines):
        total += len(line) + (len(sep) if i else 0)
        ends.append(total)
    if ends[-1] <= limit:
        return sep.join(lines)
    for k in range(len(lines) - 1, 0, -1):
        tail = more.format(n=len(lines) - k)
        if ends[k - 1] + len(sep) + len(tail) <= limit:
            return sep.join(lines[:k]) + sep + tail
    tail = more.format(n=len(lines) - 1)
    room = limit - len(sep) - len(tail)
    if len(lines) > 1 and room >= 20:
        return truncate(lines[0], room) + sep + tail
    if len(lines) == 1:
        return truncate(lines[0], limit)
    return truncate(more.format(n=len(lines)), limit)


def _chunks(lines: Iterable[str], limit: int, sep: str) -> list[tuple[str, int]]:
    chunks: list[tuple[str, int]] = []
    current: list[str] = []
    used = 0
    for raw in lines:
        line = truncate(raw, limit)
        cost = len(line) + (len(sep) if current else 0)
        if current and used + cost > limit:
            chunks.append((sep.join(current), len(current)))
            current, used = [], 0
            cost = len(line)
        current.append(line)
        used += cost
    if current:
        chunks.append((sep.join(current), len(current)))
    return chunks


def chunk_lines(lines: Iterable[str], limit: int, *, sep: str = "\n") -> list[str]:
    """Group lines into chunks of at most `limit` characters; no line is split across chunks
    (a line longer than `limit` is shortened at a word boundary, marked)."""
    return [text for text, _ in _chunks(lines, limit, sep)]


def add_field_lines(
    embed: discord.Embed,
    name: str,
    lines: Sequence[str],
    *,
    max_fields: int = 3,
    inline: bool = False,
) -> None:
    """Add `lines` as one field, continued in up to `max_fields` fields when long; what still
    does not fit is counted in a final '… and N more' line. Empty lists add nothing."""
    if not lines:
        return
    max_fields = max(0, min(max_fields, FIELDS_MAX - len(embed.fields)))
    if max_fields == 0:
        return
    chunks = _chunks(lines, FIELD_VALUE_MAX, "\n")
    values = [text for text, _ in chunks]
    if len(chunks) > max_fields:
        head = chunks[: max_fields - 1]
        shown = sum(n for _, n in head)
        values = [text for text, _ in head]
        values.append(join_fitting(list(lines[shown:]), FIELD_VALUE_MAX))
    for i, value in enumerate(values):
        title = name if i == 0 else f"{name} (cont.)"
        embed.add_field(name=truncate(title, FIELD_NAME_MAX), value=value, inline=inline)


def embed_size(embed: discord.Embed) -> int:
    """Characters Discord counts toward the 6000 per message."""
    total = len(embed.title or "") + len(embed.description or "")
    total += len(embed.footer.text or "") + len(embed.author.name or "")
    for f in embed.fields:
        total += len(f.name or "") + len(f.value or "")
    return total


def within_limits(embed: discord.Embed) -> list[str]:
    """What breaks Discord's per-embed limits (empty when it fits)."""
    problems: list[str] = []
    if len(embed.title or "") > TITLE_MAX:
        problems.append("title")
    if len(embed.description or "") > DESCRIPTION_MAX:
        problems.append("description")
    if len(embed.footer.text or "") > FOOTER_MAX:
        problems.append("footer")
    if len(embed.author.name or "") > AUTHOR_MAX:
        problems.append("author")
    if len(embed.fields) > FIELDS_MAX:
        problems.append("fields")
    for f in embed.fields:
        if not f.name or len(f.name) > FIELD_NAME_MAX:
            problems.append(f"field name {f.name!r}")
        if not f.value or len(f.value) > FIELD_VALUE_MAX:
            problems.append(f"field value of {f.name!r}")
    if embed_size(embed) > EMBED_TOTAL_MAX:
        problems.append("total")
    return problems


def pack_messages(embeds: Sequence[discord.Embed]) -> list[list[discord.Embed]]:
    """Split embeds into messages of at most 10 embeds and 6000 characters each."""
    messages: list[list[discord.Embed]] = []
    current: list[discord.Embed] = []
    used = 0
    for embed in embeds:
        size = embed_size(embed)
        if current and (len(current) >= EMBEDS_PER_MESSAGE or used + size > EMBED_TOTAL_MAX):
            messages.append(current)
            current, used = [], 0
        current.append(embed)
        used += size
    if current:
        messages.append(current)
    return messages


def shrink_to_total(embed: discord.Embed, limit: int = EMBED_TOTAL_MAX) -> discord.Embed:
    """Drop trailing fields (counted in the footer) until the embed fits `limit` in all."""
    dropped = 0
    while embed_size(embed) > limit and embed.fields:
        embed.remove_field(len(embed.fields) - 1)
        dropped += 1
    if dropped:
        note = f"{dropped} section(s) left out to fit Discord's limits."
        text = f"{embed.footer.text} · {note}" if embed.footer.text else note
        embed.set_footer(text=truncate(text, FOOTER_MAX))
    if embed_size(embed) > limit and embed.description:
        room = max(0, len(embed.description) - (embed_size(embed) - limit))
        embed.description = truncate(embed.description, room, CUT_MARK)
    return embed
