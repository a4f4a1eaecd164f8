"""Pieces every briefing shares: numbered source references, source and conflict lines."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from bot.briefing.text import join_fitting, shown
from bot.models import Conflict, Source

COLOUR = 0x2B6CB0
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

    def lines(self, *, headline_max: int = 90) -> list[str]:
        out: list[str] = []
        for source_id, n in self._numbers.items():
            source = self._sources.get(source_id)
            if source is None:
                out.append(f"[{n}] {source_id} (no longer in the record)")
            else:
                out.append(source_line(source, n, headline_max=headline_max))
        return out

    def __len__(self) -> int:
        return len(self._numbers)


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
