"""/sources: every source with its outlet, date, headline, how often it is cited, its known
problems, what it retells and the conflicts it is part of. Seed articles come first."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import discord

from bot.briefing.common import COLOUR, WARN, source_when
from bot.briefing.text import (
    EMBED_TOTAL_MAX,
    FIELD_VALUE_MAX,
    FIELDS_MAX,
    chunk_lines,
    join_fitting,
    shown,
    truncate,
)
from bot.models import Conflict, Source

PAGE_BUDGET = 5200
"""Characters per page (under Discord's 6000, leaving room for title and footer)."""
FIELDS_PER_PAGE = 12
SOURCES_TEMPLATE = r"src:p:(?P<page>[0-9]{1,4})"


def page_custom_id(page: int) -> str:
    return f"src:p:{page}"


@dataclass(frozen=True)
class SourceFacts:
    source: Source
    cited_by: int
    conflicts: list[Conflict]


def _kind(source: Source) -> str:
    if source.kind != "article":
        return "public record"
    return "seed article" if source.seed_file else "article added by this server's curators"


def source_block(facts: SourceFacts, titles: Mapping[str, str]) -> list[tuple[str, str]]:
    """(field name, field value) pairs for one source: one field, or two when it has much
    to say; what does not fit even then is counted, never dropped silently."""
    s = facts.source
    name = truncate(f"{shown(s.outlet)} · {source_when(s)}", 256)
    head = shown(s.headline, 200)
    lines = [f"[{head}]({s.url})" if s.url else f"“{head}”"]
    meta = [_kind(s), f"cited by {facts.cited_by} item{'s' if facts.cited_by != 1 else ''}"]
    if s.author:
        meta.append(f"by {shown(s.author, 60)}")
    if s.page_date is not None:
        meta.append(f"page dated {s.page_date.day} {s.page_date:%b %Y}")
    lines.append(" · ".join(meta))
    if s.retells:
        retold = ", ".join(truncate(titles.get(r, r), 60) for r in s.retells)
        lines.append(f"Retells: {retold}")
    for problem in s.problems:
        lines.append(f"{WARN} {shown(problem)}")
    for c in facts.conflicts:
        state = "settled" if c.settled else "unsettled"
        lines.append(f"In conflict: {shown(c.question, 120)} ({state})")
    chunks = chunk_lines(lines, FIELD_VALUE_MAX)
    if len(chunks) > 2:
        first = chunks[0]
        rest = lines[first.count("\n") + 1 :]
        chunks = [first, join_fitting(rest, FIELD_VALUE_MAX, more="… and {n} more not shown")]
    return [(name if i == 0 else truncate(f"{name} (cont.)", 256), c) for i, c in enumerate(chunks)]


def ordered(facts: Sequence[SourceFacts]) -> list[SourceFacts]:
    """Seed articles first, then the public record; each by date."""
    return sorted(
        facts,
        key=lambda f: (f.source.kind != "article", f.source.date_window.sort_key, f.source.id),
    )


def paginate(
    facts: Sequence[SourceFacts], titles: Mapping[str, str]
) -> list[list[tuple[str, str]]]:
    pages: list[list[tuple[str, str]]] = []
    current: list[tuple[str, str]] = []
    used = 0
    for f in ordered(facts):
        block = source_block(f, titles)
        size = sum(len(n) + len(v) for n, v in block)
        if current and (used + size > PAGE_BUDGET or len(current) + len(block) > FIELDS_PER_PAGE):
            pages.append(current)
            current, used = [], 0
        current.extend(block)
        used += size
    if current:
        pages.append(current)
    return pages


def sources_embed(
    facts: Sequence[SourceFacts], titles: Mapping[str, str], page: int
) -> tuple[discord.Embed, int, int]:
    """The embed for one page, the page actually shown (clamped) and the number of pages."""
    pages = paginate(facts, titles) or [[]]
    page = max(0, min(page, len(pages) - 1))
    seeds = sum(1 for f in facts if f.source.kind == "article" and f.source.seed_file)
    added = sum(1 for f in facts if f.source.kind == "article" and not f.source.seed_file)
    records = len(facts) - seeds - added
    extra = f", {added} added by this server" if added else ""
    embed = discord.Embed(
        title=f"Sources ({seeds} seed articles{extra}, {records} public-record references)",
        description=(
            "Seed articles are the five reports this briefing is drawn from; public-record "
            "references (official documents, wire reports) date facts and settle conflicts."
            if facts
            else "No sources on record."
        ),
        colour=COLOUR,
    )
    for name, value in pages[page][:FIELDS_MAX]:
        embed.add_field(name=name, value=value, inline=False)
    embed.set_footer(text=f"Page {page + 1} of {len(pages)} · {WARN} = known problem")
    assert len(embed) <= EMBED_TOTAL_MAX
    return embed, page, len(pages)
