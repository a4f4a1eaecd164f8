"""The scheduled digest, countdown alerts and the digest status card. Pure: models + now in,
discord.Embed out; no I/O.

A digest is a list of messages (each a few embeds); when the content is long it runs over
several messages rather than being cut. Every message carries, in its last embed's footer, a
reference naming the post and its part ("ref digest/2026-11-21 · 1/2"): the scheduler looks
for it in the channel to tell whether a post interrupted by a crash went out.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

import discord

from bot import tariffs
from bot.briefing import countdown
from bot.briefing.tariffs import rate
from bot.briefing.text import one_line, shown, timestamp, truncate
from bot.models import (
    AuditAction,
    AuditEntry,
    Event,
    Frequency,
    GuildConfig,
    Milestone,
    Source,
    TariffMeasure,
)

BRAND = "Trade talks briefing"
DESCRIPTION_BUDGET = 3900
"""Characters per embed description we fill (Discord allows 4096)."""
MESSAGE_BUDGET = 5500
"""Characters per message across its embeds (Discord allows 6000; the footer and the
author line come on top)."""
MAX_EMBEDS = 10
LINE_MAX = 900
UPCOMING_MAX = 6
PASSED_MAX = 3
SOURCES_MAX = 12

COLOUR_DIGEST = discord.Colour.blurple()
COLOUR_ALERT = discord.Colour.orange()
COLOUR_DUE = discord.Colour.red()
COLOUR_PAUSED = discord.Colour.dark_grey()


@dataclass(frozen=True)
class OutMessage:
    """One message the scheduler sends: embeds only, mentions off."""

    embeds: tuple[discord.Embed, ...]
    content: str | None = None


@dataclass(frozen=True)
class DigestData:
    """Everything a digest shows, as one server sees it."""

    now: datetime
    config: GuildConfig
    milestones: Sequence[Milestone]
    tariff_measures: Sequence[TariffMeasure]
    changes: Sequence[AuditEntry]
    """Audit entries about events since the last digest, oldest first."""
    since: datetime | None
    """When the previous digest went; for the first one, a week before it (None
    when unknown)."""
    first: bool = False
    """No digest has gone to this server before."""
    sources: dict[str, Source] = field(default_factory=dict)
    weekly: bool = False
    pending_review: int = 0
    """Proposals from new reporting waiting for a curator (told to the curators)."""


# ---------------------------------------------------------------------------------------
# Small formatting helpers
# ---------------------------------------------------------------------------------------


def clip(text: str, limit: int = LINE_MAX) -> str:
    """One line, shortened at a word boundary with an ellipsis (never a silent cut)."""
    return truncate(one_line(text), limit)


def ref_marker(ref: str, part: int, total: int) -> str:
    """The footer text that names part `part` (1-based) of the post `ref`."""
    return f"ref {ref} · {part}/{total}"


def when(milestone: Milestone, now: datetime | None = None) -> str:
    """As /countdown shows it (all-day milestones as dates), plus the time left."""
    if milestone.all_day:
        return f"{countdown.when(milestone)}{_days_left(milestone, now)}"
    return f"{countdown.when(milestone)} ({timestamp(milestone.at, 'R')})"


def _days_left(milestone: Milestone, now: datetime | None) -> str:
    """' (in 12 days)' for a milestone known only by its day, as its zone counts days; a
    Discord timestamp would count from midnight UTC and mislead by a day."""
    if now is None:
        return ""
    zone = ZoneInfo(milestone.timezone)
    days = (milestone.at.astimezone(zone).date() - now.astimezone(zone).date()).days
    if days < 0:
        return ""
    return {0: " (today)", 1: " (tomorrow)"}.get(days, f" (in {days} days)")


def _source_line(source: Source) -> str:
    text = shown(f"{source.outlet} — {source.headline}")
    if source.url is not None:
        # brackets in the text and parentheses in the address would end the link early
        label = clip(text, 200).replace("[", "(").replace("]", ")")
        target = str(source.url).replace("(", "%28").replace(")", "%29")
        return f"[{label}]({target})"
    return clip(text, 300)


def source_lines(ids: Iterable[str], sources: dict[str, Source], limit: int) -> list[str]:
    known = [sources[i] for i in dict.fromkeys(ids) if i in sources]
    lines = [f"• {_source_line(s)}" for s in known[:limit]]
    if len(known) > limit:
        lines.append(f"…and {len(known) - limit} more sources.")
    return lines


# ---------------------------------------------------------------------------------------
# Packing sections into embeds and messages
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Section:
    title: str
    lines: list[str]
    colour: discord.Colour = COLOUR_DIGEST


class _Packer:
    """Fills embeds line by line, starting a new embed when one is full and a new message
    when the next embed would break the 10-embed or 6000-character limit."""

    def __init__(self) -> None:
        self.messages: list[list[discord.Embed]] = [[]]
        self.used = 0
        self.title = ""
        self.colour = COLOUR_DIGEST
        self.lines: list[str] = []
        self.size = 0

    def room(self) -> int:
        return min(DESCRIPTION_BUDGET, MESSAGE_BUDGET - self.used - len(self.title))

    def start(self, title: str, colour: discord.Colour) -> None:
        if len(self.messages[-1]) >= MAX_EMBEDS or MESSAGE_BUDGET - self.used - len(title) < 400:
            self.messages.append([])
            self.used = 0
        self.title, self.colour, self.lines, self.size = title, colour, [], 0

    def add(self, line: str, section: str) -> None:
        if self.lines and self.size + len(line) + 1 > self.room():
            self.close()
            self.start(f"{section} (continued)", self.colour)
            if len(line) + 1 > self.room():
                self.messages.append([])
                self.used = 0
        self.lines.append(line)
        self.size += len(line) + 1

    def close(self) -> None:
        embed = discord.Embed(
            title=self.title, description="\n".join(self.lines), colour=self.colour
        )
        self.messages[-1].append(embed)
        self.used += len(self.title) + len(embed.description or "")


def pack(sections: Sequence[Section], ref: str, now: datetime) -> list[OutMessage]:
    """Sections -> messages within Discord's limits, each footed with its part marker."""
    packer = _Packer()
    for section in sections:
        packer.start(section.title, section.colour)
        for line in section.lines:
            packer.add(clip(line), section.title)
        packer.close()
    groups = [g for g in packer.messages if g]
    total = len(groups)
    for i, group in enumerate(groups, start=1):
        group[-1].set_footer(text=f"{BRAND} · {ref_marker(ref, i, total)}")
        group[-1].timestamp = now
    return [OutMessage(tuple(group)) for group in groups]


# ---------------------------------------------------------------------------------------
# The digest
# ---------------------------------------------------------------------------------------


def _upcoming(data: DigestData) -> tuple[Section, list[str]]:
    upcoming = sorted((m for m in data.milestones if not m.passed(data.now)), key=lambda m: m.at)
    lines, cited = [], []
    for m in upcoming[:UPCOMING_MAX]:
        place = f" · {shown(m.place)}" if m.place else ""
        lines.append(f"**{shown(m.name)}** — {when(m, data.now)}{place}")
        cited.extend(m.sources)
    if len(upcoming) > UPCOMING_MAX:
        lines.append(f"…and {len(upcoming) - UPCOMING_MAX} more.")
    if not lines:
        lines.append("No deadline or meeting is on the calendar.")
    return Section("⏳ Coming up", lines), cited


def outcome_text(milestone: Milestone) -> str:
    if milestone.outcome is None:
        return "outcome not yet recorded"
    return f"{milestone.outcome.status.value}: {shown(milestone.outcome.note)}"


def _passed(data: DigestData) -> tuple[Section, list[str]]:
    passed = sorted(
        (m for m in data.milestones if m.passed(data.now)), key=lambda m: m.at, reverse=True
    )
    lines, cited = [], []
    for m in passed[:PASSED_MAX]:
        day = countdown.day_stamp(m.at) if m.all_day else timestamp(m.at, "D")
        lines.append(f"**{shown(m.name)}** — {day}: {outcome_text(m)}")
        cited.extend(m.sources)
        if m.outcome is not None:
            cited.extend(m.outcome.sources)
    if not lines:
        lines.append("None yet.")
    return Section("📌 Latest passed", lines), cited


def tariff_lines(measures: Sequence[TariffMeasure], today: datetime) -> tuple[list[str], list[str]]:
    lines, cited = [], []
    for imposer, target, label in (("US", "CN", "US on China"), ("CN", "US", "China on US")):
        view = tariffs.view(measures, imposer, target, today.date())
        layers = ", ".join(f"{clip(shown(m.name), 80)} {rate(m.rate)}" for m in view.in_force)
        detail = f" ({layers})" if layers else ""
        lines.append(f"**{label}: {rate(view.total)}** across the board{detail}")
        if view.targeted:
            lines.append(f"  plus {len(view.targeted)} product-specific layer(s), not in the total")
        for m in (*view.in_force, *view.targeted):
            cited.extend(m.sources)
    lines.append(
        "Across the board: what every good pays on top of its ordinary duty; `/tariffs` lists "
        "the product-specific layers."
    )
    return lines, cited


def _event_of(data: dict[str, object] | None) -> Event | None:
    if data is None:
        return None
    try:
        return Event.model_validate(data)
    except ValueError:
        return None


_VERB = {
    AuditAction.ADD: "Added",
    AuditAction.IMPORT: "Added",
    AuditAction.EDIT: "Updated",
    AuditAction.REMOVE: "Removed",
    AuditAction.RESTORE: "Restored",
}


def change_lines(changes: Sequence[AuditEntry]) -> tuple[list[str], list[str]]:
    """One line per event (its latest change wins), newest change first."""
    latest: dict[str, AuditEntry] = {}
    for entry in changes:
        latest.pop(entry.item_id, None)
        latest[entry.item_id] = entry
    lines, cited = [], []
    for entry in reversed(latest.values()):
        event = _event_of(entry.after) or _event_of(entry.before)
        if event is None:
            lines.append(f"{_VERB[entry.action]}: {entry.item_id}")
            continue
        lines.append(f"{_VERB[entry.action]}: **{shown(event.title)}** ({event.date.label()})")
        if entry.action is not AuditAction.REMOVE:
            cited.extend(event.sources)
    return lines, cited


def build_digest(data: DigestData, ref: str) -> list[OutMessage]:
    """The digest for one server: countdowns, latest passed milestones with outcomes, what
    changed since the last digest, the tariff headline, and the sources behind them."""
    zone = ZoneInfo(data.config.timezone)
    local = data.now.astimezone(zone)
    upcoming, cited_up = _upcoming(data)
    passed, cited_past = _passed(data)
    t_lines, cited_tariffs = tariff_lines(data.tariff_measures, local)
    c_lines, cited_changes = change_lines(data.changes)
    if data.since is None:
        since = "lately"
    elif data.first:
        since = f"in the last week (since {timestamp(data.since, 'f')})"
    else:
        since = f"since the last digest ({timestamp(data.since, 'f')})"
    if not c_lines:
        c_lines = [f"No event was added or changed {since}."]
    cited = [*cited_changes, *cited_up, *cited_past, *cited_tariffs]
    s_lines = source_lines(cited, data.sources, SOURCES_MAX) or ["No sources to list."]
    frequency = "weekly" if data.config.frequency is Frequency.WEEKLY else "daily"
    sections = [
        upcoming,
        passed,
        Section(f"🆕 Events added or changed {since}", c_lines),
        Section("📊 Tariffs in force today", t_lines),
        Section("📰 Sources", s_lines),
    ]
    if data.pending_review:
        n = data.pending_review
        waiting = (
            f"{n} proposal{'s' if n != 1 else ''} from new reporting wait{'s' if n == 1 else ''}"
        )
        sections.append(
            Section("📥 For curators", [f"{waiting} for review: `/review` to accept or reject."])
        )
    messages = pack(sections, ref, data.now)
    first = messages[0].embeds[0]
    first.set_author(name=f"{BRAND} · {frequency} digest for {local:%a} {local.day} {local:%b %Y}")
    return messages


# ---------------------------------------------------------------------------------------
# Countdown alerts
# ---------------------------------------------------------------------------------------

_ALERT_TITLE = {
    "7d": "⏰ In 7 days: {name}",
    "1d": "⏰ Tomorrow: {name}",
    "1h": "⏰ Within the hour: {name}",
    "due": "🔔 Now: {name}",
}


def build_alert(
    milestone: Milestone,
    offset: str,
    sources: dict[str, Source],
    ref: str,
    now: datetime,
) -> OutMessage:
    title = _ALERT_TITLE[offset].format(name=shown(milestone.name))
    lines = [f"**When:** {when(milestone, now)}"]
    if milestone.place:
        lines.append(f"**Where:** {shown(milestone.place)}")
    if milestone.description:
        lines.append(shown(milestone.description))
    lines.append("")
    lines.append("**Sources**")
    lines.extend(source_lines(milestone.sources, sources, 5))
    embed = discord.Embed(
        title=clip(title, 256),
        description="\n".join(clip(line) for line in lines),
        colour=COLOUR_DUE if offset == "due" else COLOUR_ALERT,
        timestamp=now,
    )
    embed.set_footer(text=f"{BRAND} · {ref_marker(ref, 1, 1)}")
    return OutMessage((embed,))
