"""/countdown: milestones, nearest upcoming first, then the passed ones, newest first.

Times are Discord timestamps (each reader sees their own zone); a milestone whose hour the
sources do not give (all_day) shows dates only. A passed milestone says so, how long ago,
and its outcome, or that none is recorded yet; it never counts below zero.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, time, timedelta

import discord
from rapidfuzz import fuzz, utils

from bot.briefing.common import COLOUR, WARN, Refs, conflict_lines
from bot.briefing.text import (
    CHOICE_NAME_MAX,
    CHOICES_MAX,
    FIELD_VALUE_MAX,
    FIELDS_MAX,
    add_field_lines,
    one_line,
    shrink_to_total,
    timestamp,
    truncate,
)
from bot.dates import FuzzyDate
from bot.models import Milestone, Source

PASSED_SHOWN = 10


def _left(delta: timedelta) -> str:
    """'3 days 4 hours', '5 hours 2 minutes', '12 minutes': a time span in words."""
    seconds = int(delta.total_seconds())
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    parts: list[tuple[int, str]] = []
    if days:
        parts = [(days, "day"), (hours, "hour")]
    elif hours:
        parts = [(hours, "hour"), (minutes, "minute")]
    else:
        parts = [(max(minutes, 1), "minute")]
    return " ".join(f"{n} {unit}{'s' if n != 1 else ''}" for n, unit in parts if n)


def day_stamp(at: datetime) -> str:
    """A date-only timestamp for the day `at` falls on in its own zone. Noon UTC of that day
    shows the same date to readers from UTC-11 to UTC+11 (midnight local would show the
    day before to everyone west of the zone)."""
    local = at.date()
    return timestamp(datetime.combine(local, time(12, 0), tzinfo=UTC), "D")


def when(m: Milestone) -> str:
    """'<t:..:F>' or, for all-day milestones, '<t:..:D>' (and '– <t:..:D>' when it spans)."""
    if m.all_day:
        text = day_stamp(m.at)
        if m.ends is not None and m.ends.date() != m.at.date():
            text += f" – {day_stamp(m.ends)}"
        return text
    text = timestamp(m.at, "F")
    if m.ends is not None:
        text += f" – {timestamp(m.ends, 'F')}"
    return text


def split(
    milestones: Sequence[Milestone], now: datetime
) -> tuple[list[Milestone], list[Milestone]]:
    """(upcoming nearest first, passed most recent first). One under way counts as upcoming."""
    upcoming = sorted((m for m in milestones if not m.passed(now)), key=lambda m: (m.at, m.id))
    passed = sorted(
        (m for m in milestones if m.passed(now)), key=lambda m: (m.ends or m.at, m.id), reverse=True
    )
    return upcoming, passed


def status_line(m: Milestone, now: datetime) -> str:
    if not m.passed(now):
        if m.at <= now:
            return f"Under way; ends {timestamp(m.ends or m.at, 'R')}"
        return f"{timestamp(m.at, 'R')} · {_left(m.at - now)} left"
    end = m.ends or m.at
    line = f"Passed {timestamp(end, 'R')}"
    if m.outcome is None:
        return line + " · outcome not yet recorded"
    return f"{line} · **{m.outcome.status.value}**: {one_line(m.outcome.note)}"


def milestone_field(m: Milestone, now: datetime) -> tuple[str, str]:
    place = f" · {one_line(m.place)}" if m.place else ""
    flag = f" {WARN}" if m.conflicts else ""
    name = truncate(f"{one_line(m.name)}{flag}", 256)
    value = f"{when(m)}{place}\n{status_line(m, now)}"
    return name, truncate(value, FIELD_VALUE_MAX)


def countdown_embed(milestones: Sequence[Milestone], now: datetime) -> discord.Embed:
    upcoming, passed = split(milestones, now)
    embed = discord.Embed(title="Countdown", colour=COLOUR)
    if upcoming:
        nearest = upcoming[0]
        embed.description = (
            f"Next: **{truncate(one_line(nearest.name), 200)}** {when(nearest)} "
            f"({timestamp(nearest.at, 'R')})."
        )
    elif passed:
        latest = passed[0]
        embed.description = (
            "Nothing is coming up: every milestone on record has passed. "
            f"The latest was **{truncate(one_line(latest.name), 200)}** "
            f"{timestamp(latest.ends or latest.at, 'R')}."
        )
    else:
        embed.description = "No milestones are on record yet."
    room = FIELDS_MAX - 1
    shown_up = upcoming[:room]
    for m in shown_up:
        name, value = milestone_field(m, now)
        embed.add_field(name=f"⏳ {name}"[:256], value=value, inline=False)
    room -= len(shown_up)
    shown_passed = passed[: min(PASSED_SHOWN, room)]
    for m in shown_passed:
        name, value = milestone_field(m, now)
        embed.add_field(name=f"✓ {name}"[:256], value=value, inline=False)
    left = len(upcoming) - len(shown_up) + len(passed) - len(shown_passed)
    footer = "⏳ upcoming · ✓ passed · ⚠️ sources disagree · /countdown milestone:<name> for details"
    if left:
        footer = f"{left} more not shown · " + footer
    embed.set_footer(text=footer)
    return shrink_to_total(embed)


def milestone_embed(m: Milestone, sources: Mapping[str, Source], now: datetime) -> discord.Embed:
    refs = Refs(sources)
    embed = discord.Embed(
        title=truncate(one_line(m.name), 256),
        description=(truncate(one_line(m.description), 3000) + " " + refs.cite(m.sources))
        if m.description
        else refs.cite(m.sources),
        colour=COLOUR,
    )
    embed.add_field(name="When", value=when(m), inline=True)
    embed.add_field(name="Kind", value=m.kind.value, inline=True)
    if m.place:
        embed.add_field(name="Where", value=truncate(m.place, 1024), inline=True)
    embed.add_field(name="Status", value=truncate(status_line(m, now), 1024), inline=False)
    if m.outcome is not None:
        embed.add_field(
            name="Outcome",
            value=truncate(
                f"**{m.outcome.status.value}**: {one_line(m.outcome.note)} "
                f"{refs.cite(m.outcome.sources)}",
                1024,
            ),
            inline=False,
        )
    conflicts = [conflict_lines(c, refs) for c in m.conflicts[:4]]
    add_field_lines(embed, "Sources", refs.lines(), max_fields=2)
    for lines in conflicts:
        add_field_lines(embed, f"{WARN} Sources disagree", lines, max_fields=1)
    embed.set_footer(text=f"Milestone id: {m.id} · times shown in your own time zone")
    return shrink_to_total(embed)


GOOD_MATCH = 85.0


def _score(m: Milestone, typed: str) -> float:
    text = f"{m.name} {m.place or ''} {m.id.replace('-', ' ')}"
    return float(fuzz.WRatio(typed, text, processor=utils.default_process))


def is_good_match(m: Milestone, typed: str) -> bool:
    return typed.strip() == m.id or _score(m, typed) >= GOOD_MATCH


def choices(milestones: Sequence[Milestone], typed: str, now: datetime) -> list[tuple[str, str]]:
    """(label, id) for autocomplete: best matches first; upcoming before passed on a tie."""
    upcoming, passed = split(milestones, now)
    ordered = upcoming + passed
    typed = typed.strip()
    if typed:
        scored = [(_score(m, typed), i, m) for i, m in enumerate(ordered)]
        ordered = [m for s, _, m in sorted(scored, key=lambda x: (-x[0], x[1])) if s >= 50]
    out = []
    for m in ordered[:CHOICES_MAX]:
        state = "passed" if m.passed(now) else "upcoming"
        label = f"{one_line(m.name)} ({FuzzyDate.day(m.at.date()).label()}, {state})"
        out.append((truncate(label, CHOICE_NAME_MAX), m.id))
    return out


def unknown_milestone(milestones: Sequence[Milestone], typed: str, now: datetime) -> str:
    close = choices(milestones, typed, now)[:3]
    shown = truncate(one_line(typed), 80)
    if close:
        names = " or ".join(f"**{label}**" for label, _ in close)
        return (
            f"No milestone called “{shown}”. Did you mean {names}? "
            "Pick one from the list as you type."
        )
    return f"No milestone called “{shown}”. Use /countdown without a name to see them all."
