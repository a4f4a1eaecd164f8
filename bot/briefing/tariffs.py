"""/tariffs: the stack both ways on a date, the peak, threats, and the other partners.

Every figure cites its sources by number; the numbers are listed in a final embed. Totals
count only across-the-board layers, the duty every good from the country pays (see
bot.tariffs); the product-specific layers in force (Section 301 lists, Section 232 sectors,
China's 2018-19 lists) follow each side in an embed of their own, never added in.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

import discord

from bot import tariffs as stack
from bot.briefing.common import COLOUR, WARN, Refs, conflict_lines, named_conflicts
from bot.briefing.text import (
    DESCRIPTION_MAX,
    FOOTER_MAX,
    add_field_lines,
    chunk_lines,
    join_fitting,
    shown,
    shrink_to_total,
    truncate,
)
from bot.dates import FuzzyDate
from bot.models import Conflict, Source, TariffMeasure, TariffStatus

MAIN_PAIRS: tuple[tuple[str, str], ...] = (("US", "CN"), ("CN", "US"))
NAMES = {"US": "US", "CN": "China", "JP": "Japan", "EU": "EU", "GB": "UK"}
GOODS = {"US": "US goods", "CN": "Chinese goods", "JP": "Japanese goods", "EU": "EU goods"}
FROM = {"US": "the US", "EU": "the EU", "GB": "the UK"}
SOURCES_CHUNK = 3900
"""Characters of source lines per Sources embed (a long list continues in the next one)."""
ENDED_SHOWN = 3


def country(code: str) -> str:
    return NAMES.get(code, code)


def rate(value: float) -> str:
    return f"{value:g}%"


def rate_of(m: TariffMeasure) -> str:
    """A layer's rate, or its range of rates when it varies by product (5–25%)."""
    if m.rate_from is not None:
        return f"{m.rate_from:g}–{m.rate:g}%"
    return rate(m.rate)


def _unknown_after(m: TariffMeasure, as_of: date) -> str:
    """'; due to end 10 Nov 2026, what followed is not on record' when that date has passed
    with no later change recorded."""
    until = m.overdue_on(as_of)
    return f"; due to end {day(until)}, what followed is not on record" if until else ""


def _collected(m: TariffMeasure, as_of: date) -> str:
    """'; void in law from 20 Feb 2026, collected until 24 Feb 2026' on the days between a
    layer's legal end and the day customs stopped collecting it."""
    legal, end = m.legal_end, m.effective_until
    if legal is None or end is None or not legal <= as_of < end:
        return ""
    return f"; void in law from {day(legal)}, collected until {day(end)}"


def day(d: date) -> str:
    return FuzzyDate.day(d).label()


def _last_note(measure: TariffMeasure, until: date) -> str | None:
    note = None
    for change in measure.history:
        if change.day <= until and change.note:
            note = change.note
    return note


@dataclass(frozen=True)
class TariffBriefing:
    embeds: list[discord.Embed]
    scope_note: str


def _layer(m: TariffMeasure, refs: Refs, as_of: date) -> str:
    since = stack.in_force_since(m, as_of) or m.effective_from
    when = f"since {day(since)}" if since else ""
    coverage = "" if m.coverage == "all goods" else f" on {shown(m.coverage, 80)}"
    return (
        f"**{rate_of(m)}**{coverage} · {shown(m.name, 80)} · "
        f"{shown(m.legal_basis, 90)} · {when}{_unknown_after(m, as_of)}{_collected(m, as_of)} "
        f"{refs.cite(m.sources)}"
    )


def _product_layer(m: TariffMeasure, refs: Refs, as_of: date) -> str:
    since = stack.in_force_since(m, as_of) or m.effective_from
    when = f" · since {day(since)}" if since else ""
    return (
        f"**{rate_of(m)}** · {shown(m.name, 70)}: {shown(m.coverage, 110)}"
        f"{when}{_unknown_after(m, as_of)} {refs.cite(m.sources)}"
    )


def _threat(m: TariffMeasure, refs: Refs, as_of: date) -> str:
    status = m.status_on(as_of)
    label = "announced" if status is TariffStatus.ANNOUNCED else "threatened"
    first = next((c.day for c in m.history if c.status is status), None)
    due = m.planned_from or next(
        (c.day for c in m.history if c.day > as_of and c.status is TariffStatus.IN_FORCE), None
    )
    planned = f", due {day(due)}" if due else ", no start date given"
    heard = f" ({label} {day(first)})" if first else f" ({label})"
    return (
        f"**{rate_of(m)}** · {shown(m.name, 80)}{planned}{heard} · "
        f"{shown(m.legal_basis, 80)} {refs.cite(m.sources)}"
    )


def _suspended(m: TariffMeasure, refs: Refs, as_of: date) -> str:
    start = stack.status_since(m, TariffStatus.SUSPENDED, as_of)
    note = _last_note(m, as_of)
    tail = f"; {shown(note, 90)}" if note else ""
    since = f" since {day(start)}" if start else ""
    return (
        f"**{rate_of(m)}** · {shown(m.name, 80)} · suspended{since}{tail}"
        f"{_unknown_after(m, as_of)} {refs.cite(m.sources)}"
    )


def _ended(m: TariffMeasure, refs: Refs, as_of: date) -> str:
    start, end = m.effective_from, m.effective_until
    span = f"{day(start)} – {day(end)}" if start and end else ""
    if m.legal_end is not None:
        span += f" (void in law from {day(m.legal_end)})"
    note = _last_note(m, as_of)
    tail = f"; {shown(note, 90)}" if note else ""
    return f"**{rate_of(m)}** · {shown(m.name, 80)} · in force {span}{tail} {refs.cite(m.sources)}"


def _ended_layers(pair: Sequence[TariffMeasure], as_of: date) -> list[TariffMeasure]:
    ended = [
        m
        for m in pair
        if m.effective_until is not None and m.effective_until <= as_of and m.applies_to_all
    ]
    ended.sort(key=lambda m: (m.effective_until or as_of, m.id), reverse=True)
    return ended[:ENDED_SHOWN]


def pair_embed(
    measures: Sequence[TariffMeasure],
    imposer: str,
    target: str,
    as_of: date,
    refs: Refs,
    conflicts: Mapping[str, Conflict],
) -> list[discord.Embed]:
    """The side's stack: its across-the-board total and layers, peak, threats, suspensions
    and what ended lately; then, when any are in force, its product-specific layers."""
    view = stack.view(measures, imposer, target, as_of)
    pair = stack.of_pair(measures, imposer, target)
    goods = GOODS.get(target, f"goods from {country(target)}")
    total_refs = refs.cite(s for m in view.in_force for s in m.sources)
    # a suspension whose end has passed with nothing later on record: the total holds only
    # if it continued, and the headline says so rather than assuming it
    lapsed = [(m, end) for m in view.suspended if m.applies_to_all and (end := m.overdue_on(as_of))]
    unsure = ""
    if lapsed:
        m, end = lapsed[0]
        unsure = (
            f" if the suspension of {rate(m.rate)} continued past {day(end)}; not confirmed "
            f"({rate(view.total + sum(x.rate for x, _ in lapsed))} if it lapsed)"
        )
    lines = [
        f"**Across the board: {rate(view.total)}**{unsure} {total_refs}".rstrip(),
        f"*What every good from {FROM.get(target, country(target))} pays on top of its "
        "ordinary duty, bar "
        "listed exemptions.*",
    ]
    if view.targeted:
        lines.append(
            f"Plus **{len(view.targeted)} product-specific layer"
            f"{'s' if len(view.targeted) != 1 else ''}** in force (up to "
            f"{rate(max(m.rate for m in view.targeted))}), listed below: a good pays those "
            "that cover it; they are not added into the total."
        )
    if view.peak is not None:
        at_peak = [m for m in pair if m.applies_to_all and m.in_force_on(view.peak.start)]
        until = f" to {day(view.peak.end)}" if view.peak.end else " (still in force)"
        lines.append(
            f"Peak: **{rate(view.peak.rate)}** from {day(view.peak.start)}{until} "
            f"{refs.cite(s for m in at_peak for s in m.sources)}"
        )
    else:
        lines.append("Peak: none recorded.")
    embed = discord.Embed(
        title=f"{country(imposer)} tariffs on {goods}, as of {day(as_of)}",
        description=truncate("\n".join(lines), DESCRIPTION_MAX),
        colour=COLOUR,
    )
    add_field_lines(
        embed,
        "Across the board, in force (the total)",
        [_layer(m, refs, as_of) for m in view.in_force] or ["None."],
    )
    # under the total only what would change it; product layers, in any state, go with the
    # product layers (a suspended 100% on cranes read as a suspended 100% on everything)
    broad_threats = [m for m in view.threatened if m.applies_to_all]
    broad_suspended = [m for m in view.suspended if m.applies_to_all]
    product_threats = [m for m in view.threatened if not m.applies_to_all]
    product_suspended = [m for m in view.suspended if not m.applies_to_all]
    add_field_lines(
        embed, "Threatened or announced", [_threat(m, refs, as_of) for m in broad_threats]
    )
    add_field_lines(embed, "Suspended", [_suspended(m, refs, as_of) for m in broad_suspended])
    add_field_lines(
        embed, "Ended lately", [_ended(m, refs, as_of) for m in _ended_layers(pair, as_of)]
    )
    named = [c for m in view.in_force + view.targeted + view.suspended for c in m.conflicts]
    for conflict in named_conflicts(named, conflicts)[:2]:
        add_field_lines(
            embed, f"{WARN} Sources disagree", conflict_lines(conflict, refs), max_fields=1
        )
    embeds = [shrink_to_total(embed, 2400)]
    if view.targeted or product_threats or product_suspended:
        products = discord.Embed(
            title=f"{country(imposer)} duties on particular {goods}, as of {day(as_of)}",
            description=(
                "Product-specific layers in force: each covers only the goods named, on top "
                "of the across-the-board duty (so they are not added into the total)."
            ),
            colour=COLOUR,
        )
        product_lines = [_product_layer(m, refs, as_of) for m in view.targeted]
        add_field_lines(products, "In force", product_lines or ["None."], max_fields=4)
        add_field_lines(
            products,
            "Threatened or announced",
            [_threat(m, refs, as_of) for m in product_threats],
            max_fields=1,
        )
        add_field_lines(
            products,
            "Suspended",
            [_suspended(m, refs, as_of) for m in product_suspended],
            max_fields=1,
        )
        embeds.append(shrink_to_total(products, 4000))
    return embeds


def partner_line(measures: Sequence[TariffMeasure], target: str, as_of: date, refs: Refs) -> str:
    view = stack.view(measures, "US", target, as_of)
    pair = stack.of_pair(measures, "US", target)
    name = country(target)
    if view.in_force:
        layers = "; ".join(
            f"{rate(m.rate)} {shown(m.name, 40)} since "
            f"{day(stack.in_force_since(m, as_of) or as_of)} {refs.cite(m.sources)}"
            for m in view.in_force
        )
        text = f"**{name}**: {rate(view.total)} in force ({layers})"
    else:
        ended = _ended_layers(pair, as_of)
        if ended:
            m = ended[0]
            text = (
                f"**{name}**: none in force; {rate(m.rate)} {shown(m.name, 40)} "
                f"ran {day(m.effective_from or as_of)} – {day(m.effective_until or as_of)} "
                f"{refs.cite(m.sources)}"
            )
        else:
            text = f"**{name}**: none in force"
    if view.peak is not None:
        text += f"; peak {rate(view.peak.rate)} from {day(view.peak.start)}"
    for m in view.threatened:
        due = f" due {day(m.planned_from)}" if m.planned_from else ""
        text += f"; threatened {rate(m.rate)}{due} {refs.cite(m.sources)}"
    return text


def scope_note(measures: Sequence[TariffMeasure], as_of: date) -> str:
    """Says what the totals count, and when the US IEEPA layers ended (from the data)."""
    note = (
        "Scope: a total is the duty every good from that country pays on top of its ordinary "
        "(MFN) tariff, bar listed exemptions. Product-specific layers (Section 301 lists, "
        "Section 232 sectors, China's 2018-19 lists) are listed beside it, never added in. "
        "Anti-dumping and countervailing duties are not tracked."
    )
    ieepa = [
        m
        for m in stack.of_pair(measures, "US", "CN")
        if "IEEPA" in m.legal_basis and m.effective_from is not None
    ]
    if ieepa and all(m.effective_until is not None and m.effective_until <= as_of for m in ieepa):
        last = max(m.effective_until for m in ieepa if m.effective_until is not None)
        why = next((c.note for m in ieepa for c in m.history if c.day == last and c.note), None)
        reason = f" ({why})" if why else ""
        note += f" The US IEEPA layers ended on {day(last)}{reason}."
    return note


def tariffs_briefing(
    measures: Sequence[TariffMeasure],
    sources: Mapping[str, Source],
    as_of: date,
    *,
    conflicts: Mapping[str, Conflict],
    chart_name: str | None = None,
) -> TariffBriefing:
    refs = Refs(sources)
    embeds = [e for a, b in MAIN_PAIRS for e in pair_embed(measures, a, b, as_of, refs, conflicts)]
    others = sorted(
        {m.target for m in measures if m.imposer == "US" and m.target != "CN"}
        | {m.imposer for m in measures if m.target == "US" and m.imposer != "CN"}
    )
    if others:
        lines = [partner_line(measures, t, as_of, refs) for t in others if t != "US"]
        partners = discord.Embed(
            title=f"US tariffs on the other partners the articles name, as of {day(as_of)}",
            description=join_fitting(lines, 1500)
            + "\n*Across-the-board layers only; their product-specific and 2026 Section 301 "
            "duties are not tracked here.*",
            colour=COLOUR,
        )
        embeds.append(partners)
    note = scope_note(measures, as_of)
    chunks = chunk_lines(refs.lines(headline_max=70), SOURCES_CHUNK) or ["None."]
    for i, chunk in enumerate(chunks):
        title = "Sources" if i == 0 else "Sources (cont.)"
        embeds.append(discord.Embed(title=title, description=chunk, colour=COLOUR))
    refs_embed = embeds[-1]
    refs_embed.set_footer(text=truncate(note, FOOTER_MAX))
    if chart_name:
        refs_embed.set_image(url=f"attachment://{chart_name}")
    return TariffBriefing(embeds=embeds, scope_note=note)
