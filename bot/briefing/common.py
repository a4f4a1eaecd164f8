"""Pieces every briefing shares: numbered source references, source and conflict lines."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

import discord

from bot.briefing.text import (
    EMBED_TOTAL_MAX,
    FIELD_VALUE_MAX,
    FIELDS_MAX,
    chunk_lines,
    embed_size,
    join_fitting,
    shown,
)
from bot.models import Conflict, Source

COLOUR = 0x2B6CB0
SOURCES_RESERVE = 1200
"""Room kept after the sources for what the card adds below them (conflicts, footer)."""
WARN = "⚠️"


def source_when(source: Source) -> str:
    """'25 Aug 2025'; an article whose page gives no date shows the window inferred from its
    story. (A public-record document's date is its date, not an inference.)"""
    window = source.date_window
    if source.published is not None or source.kind == "record":
        return window.label()
    return f"{window.label()} (inferred)"


def source_line(source: Source, ref: int | None = None, *, headline_max: int = 90) -> str:
    """'[3] Dow Jones Newswires, 25 Aug 2025: [Headline](url)'."""
    head = shown(source.headline, headline_max)
    if source.url is not None:
        # Brackets in the text and parentheses in the address would end the link early.
        label = head.replace("[", "(").replace("]", ")")
        target = str(source.url).replace("(", "%28").replace(")", "%29")
        title = f"[{label}]({target})"
    else:
        title = f"“{head}”"
    prefix = f"[{ref}] " if ref is not None else ""
    return f"{prefix}{shown(source.outlet, 60)}, {source_when(source)}: {title}"


class Refs:
    """Numbers sources in the order they are first cited: `cite(ids)` -> '[1][3]'."""

    def __init__(self, sources: Mapping[str, Source]) -> None:
        self._sources = sources
        self._numbers: dict[str, int] = {}

    def number(self, source_id: str) -> int:
        if source_id not in self._numbers:
            self._numbers[source_id] = len(self._numbers) + 1
        return self._numbers[source_id]

    def cite(self, ids: Iterable[str]) -> str:
        nums = sorted({self.number(i) for i in ids})
        return "".join(f"[{n}]" for n in nums)

    def _listed(self, line: Callable[[Source, int], str]) -> list[str]:
        out: list[str] = []
        for source_id, n in self._numbers.items():
            source = self._sources.get(source_id)
            gone = f"[{n}] {source_id} (no longer in the record)"
            out.append(gone if source is None else line(source, n))
        return out

    def lines(self, *, headline_max: int = 90) -> list[str]:
        return self._listed(lambda s, n: source_line(s, n, headline_max=headline_max))

    def short_lines(self) -> list[str]:
        """'[3] Dow Jones Newswires, 25 Aug 2025': the list when full lines do not fit."""
        return self._listed(lambda s, n: f"[{n}] {shown(s.outlet, 40)}, {source_when(s)}")

    def __len__(self) -> int:
        return len(self._numbers)


def add_sources(
    embed: discord.Embed, refs: Refs, *, max_fields: int = 2, headline_max: int = 90
) -> None:
    """Every numbered source of the answer, however many: full lines when they fit in
    `max_fields` fields, else shorter headlines, else outlet and date alone, in more fields
    if the embed has room. Never '… and N more': a number shown must be listed."""
    if not len(refs):
        return
    room = max(1, FIELDS_MAX - len(embed.fields))
    budget = EMBED_TOTAL_MAX - embed_size(embed) - SOURCES_RESERVE
    options = [refs.lines(headline_max=headline_max), refs.lines(headline_max=40)]
    options.append(refs.short_lines())
    chunks: list[str] = []
    for lines in options:
        chunks = chunk_lines(lines, FIELD_VALUE_MAX)
        if len(chunks) <= max_fields and sum(map(len, chunks)) + 20 * len(chunks) <= budget:
            break
    else:
        # still too many: the first ones in short, then the rest as a range pointing to
        # /sources, where every source is listed
        lines = refs.short_lines()
        kept: list[str] = []
        used = 60
        for line in lines:
            if used + len(line) + 1 > budget - 80 or len(kept) >= len(lines) - 1:
                break
            kept.append(line)
            used += len(line) + 1
        first, last = len(kept) + 1, len(lines)
        kept.append(f"[{first}]–[{last}]: {last - first + 1} more sources, listed in /sources")
        chunks = chunk_lines(kept, FIELD_VALUE_MAX)
    for i, value in enumerate(chunks[:room]):
        name = "Sources" if i == 0 else "Sources (cont.)"
        embed.add_field(name=name, value=value, inline=False)


def outlet_names(ids: Iterable[str], sources: Mapping[str, Source]) -> str:
    """Short attribution: 'Dow Jones Newswires; Caliber.az'."""
    names = []
    for i in ids:
        s = sources.get(i)
        name = s.outlet.split(" (")[0] if s is not None else i
        if name not in names:
            names.append(name)
    return "; ".join(shown(n) for n in names)


def named_conflicts(ids: Iterable[str], conflicts: Mapping[str, Conflict]) -> list[Conflict]:
    """The conflicts that items name, in the order named, each once; an id with no conflict
    (one a curator has removed) is passed over."""
    out: dict[str, Conflict] = {}
    for conflict_id in ids:
        conflict = conflicts.get(conflict_id)
        if conflict is not None:
            out.setdefault(conflict_id, conflict)
    return list(out.values())


def conflict_lines(conflict: Conflict, refs: Refs, *, says_max: int = 160) -> list[str]:
    """A conflict as lines: the question, each claim with its source, the verdict."""
    lines = [f"**{shown(conflict.question, 150)}**"]
    for claim in conflict.claims:
        lines.append(f"• {refs.cite([claim.source])} {shown(claim.says, says_max)}")
    if conflict.verdict:
        support = refs.cite(conflict.supported_by) if conflict.supported_by else ""
        verdict = shown(conflict.verdict, 300)
        lines.append(f"→ Record: {verdict} {support}".rstrip())
    else:
        lines.append("→ Not settled by the public record yet.")
    return lines


def conflict_text(conflict: Conflict, refs: Refs, limit: int = 1024) -> str:
    """One conflict as a block of at most `limit` characters."""
    return join_fitting(conflict_lines(conflict, refs), limit)
