"""The review queue as curators see it: what an ingested article proposed, one proposal in
full (its evidence, what would change in the record, any conflict), and the summary after
an article is added. Pure: models in, embeds out."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import discord

from bot.briefing.common import COLOUR, WARN
from bot.briefing.text import (
    add_field_lines,
    join_fitting,
    shown,
    shrink_to_total,
    truncate,
)
from bot.dates import FuzzyDate
from bot.ingest import ConflictNote, Proposal
from bot.models import Queued, Source

PAGE_SIZE = 8
PAGE_TEMPLATE = r"rv:page:(?P<offset>\d{1,6})"


def page_id(offset: int) -> str:
    """The custom id of a button that opens the review queue at `offset` (cogs.review)."""
    return f"rv:page:{offset}"


ACT_TEMPLATE = r"rv:(?P<act>acc|edit|rej|cite):(?P<id>\d{1,12})"
OPEN_ID = "rv:open"
KIND_LABEL = {
    "event": "new event",
    "tariff": "tariff change",
    "milestone": "new milestone",
    "person": "new person",
    "update": "change to an item on record",
    "source-only": "cite on an item on record",
}


def _when(date: str | None) -> str:
    if not date:
        return "no date"
    try:
        return FuzzyDate.model_validate(date).label()
    except ValueError:
        return date


def source_label(source: Source | None, source_id: str) -> str:
    if source is None:
        return source_id
    return f"{shown(source.outlet)}, {source.date_window.label()}"


def line(q: Queued) -> str:
    p = q.data
    return (
        f"**#{q.id}** · {KIND_LABEL.get(str(p.get('kind')), str(p.get('kind')))} · "
        f"{_when(p.get('date'))} · {shown(str(p.get('title', '')), 90)}"
        + (f" {WARN}" if p.get("conflicts") else "")
    )


def queue_embed(
    page: Sequence[Queued], total: int, offset: int, sources: Mapping[str, Source]
) -> discord.Embed:
    """A page of pending proposals, newest article first, grouped under their article."""
    embed = discord.Embed(title="Review queue", colour=COLOUR)
    if not page:
        embed.description = (
            "Nothing waits for review. Add an article with `/source add url:` or `file:`."
        )
        return embed
    by_source: dict[str, list[str]] = {}
    for q in page:
        by_source.setdefault(q.source_id, []).append(line(q))
    for source_id, lines in by_source.items():
        name = source_label(sources.get(source_id), source_id)
        # room for every line of the page (8 at most), so the footer's count is what shows
        add_field_lines(embed, truncate(name, 200), lines, max_fields=3)
    last = min(offset + len(page), total)
    legend = (
        f" · {WARN} = conflicts with the record"
        if any(q.data.get("conflicts") for q in page)
        else ""
    )
    embed.set_footer(
        text=f"{offset + 1}–{last} of {total} pending · pick one below to review it{legend}"
    )
    return shrink_to_total(embed)


def _conflict_line(c: ConflictNote) -> str:
    return (
        f"{WARN} {shown(c.why)}: the article says {shown(c.claim)}; the record: {shown(c.record)}"
    )


def _tariff_state(p: Proposal) -> str:
    """ "announced 26 Nov 2026, in force from 1 Dec 2026" for a new layer with its start
    ("in force since" once that day has come)."""
    status = p.status or "announced"
    if status not in ("announced", "in_force") or p.announced_on is None or not p.date:
        return status.replace("_", " ")
    start = FuzzyDate.model_validate(p.date).start
    state = f"in force {'since' if status == 'in_force' else 'from'} {_when(p.date)}"
    if p.announced_on >= start:
        return state
    return f"announced {FuzzyDate.day(p.announced_on).label()}, {state}"


def proposal_embed(
    q: Queued, proposal: Proposal, source: Source | None, matched_title: str | None
) -> discord.Embed:
    """One proposal in full: evidence, what would change in the record, conflicts."""
    embed = discord.Embed(
        title=truncate(f"#{q.id} · {shown(proposal.title)}", 256),
        description=shown(proposal.summary, 1000),
        colour=COLOUR,
    )
    embed.add_field(name="Kind", value=KIND_LABEL.get(proposal.kind, proposal.kind))
    embed.add_field(name="When", value=_when(proposal.date))
    if proposal.people:
        embed.add_field(name="People", value=shown(", ".join(proposal.people), 1024))
    if proposal.rate is not None:
        basis = f" under {shown(proposal.legal_basis)}" if proposal.legal_basis else ""
        embed.add_field(
            name="Tariff",
            value=f"{proposal.imposer} on {proposal.target}: **{proposal.rate:g}%**{basis} "
            f"({_tariff_state(proposal)})",
            inline=False,
        )
    if proposal.kind == "update" and proposal.change is not None:
        c = proposal.change
        change = (
            f"Change the {c.field} of **{shown(matched_title or proposal.matches or '', 200)}** "
            f"(`{proposal.matches}`): now {shown(c.old or 'not on record', 200)} → "
            f"**{shown(c.new, 200)}**"
        )
    elif proposal.matches:
        change = (
            f"Cite this article on **{shown(matched_title or proposal.matches, 200)}** "
            f"(`{proposal.matches}`)"
        )
    else:
        change = f"Add a {KIND_LABEL.get(proposal.kind, proposal.kind)} citing this article"
    embed.add_field(name="Would change", value=change, inline=False)
    if proposal.reasons:
        embed.add_field(
            name="Why proposed",
            value=shown(f"score {proposal.score:g}: " + "; ".join(proposal.reasons), 1024),
            inline=False,
        )
    quoted = [f"> {shown(e, 400)}" for e in proposal.evidence]
    add_field_lines(embed, "Evidence", quoted, max_fields=2)
    add_field_lines(
        embed, "Conflicts", [_conflict_line(c) for c in proposal.conflicts], max_fields=1
    )
    status = "pending" if q.pending else f"{q.status} by {q.decided_by}"
    embed.set_footer(
        text=truncate(f"From {source_label(source, q.source_id)} · proposal {status}", 2048)
    )
    return shrink_to_total(embed)


def added_embed(
    source: Source, proposals: Sequence[Proposal], article_conflicts: Sequence[ConflictNote]
) -> discord.Embed:
    """What /source add answers: the article stored, and what it proposed."""
    counts: dict[str, int] = {}
    for p in proposals:
        label = KIND_LABEL.get(p.kind, p.kind)
        counts[label] = counts.get(label, 0) + 1
    if article_conflicts:  # queued too, as notes for the curator: counted as the queue counts
        counts["problem of the article, flagged"] = len(article_conflicts)
    embed = discord.Embed(
        title=truncate(f"Added: {shown(source.headline)}", 256),
        description=(
            f"{shown(source.outlet)} · {source.date_window.label()} · source id `{source.id}`"
        ),
        colour=COLOUR,
    )
    summary = [f"{n} × {label}" for label, n in sorted(counts.items())] or ["none"]
    embed.add_field(
        name=f"{len(proposals) + len(article_conflicts)} proposal(s) for review",
        value=join_fitting(summary, 1024),
        inline=False,
    )
    flagged = [_conflict_line(c) for p in proposals for c in p.conflicts]
    flagged += [_conflict_line(c) for c in article_conflicts]
    add_field_lines(embed, "Flagged", flagged, max_fields=1)
    embed.set_footer(text="Nothing reaches readers until a curator accepts it: /review")
    return shrink_to_total(embed)
