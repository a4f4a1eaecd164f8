"""/countdown: milestones, nearest upcoming first, then the passed ones, newest first.

Times are Discord timestamps (each reader sees their own zone); a milestone whose hour the
sources do not give (all_day) shows dates only. A passed milestone says so, how long ago,
and its outcome, or that none is recorded yet; it never counts below zero.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

import discord
from rapidfuzz import fuzz, process, utils

from bot.briefing.common import COLOUR, WARN, Refs, add_sources, conflict_lines, named_conflicts
from bot.briefing.text import (
    CHOICE_NAME_MAX,
    CHOICES_MAX,
    FIELD_VALUE_MAX,
    FIELDS_MAX,
    add_field_lines,
    plain,
    shown,
    shrink_to_total,
    timestamp,
    truncate,
)
from bot.dates import FuzzyDate
from bot.models import Conflict, Milestone, Source

PASSED_SHOWN = 10


def span_words(delta: timedelta) -> str:
    """'3 days 4 hours', '5 hours 2 minutes', '12 minutes': a time span in words (never
    below a minute; the web's deadlines say it the same way)."""
    seconds = max(int(delta.total_seconds()), 0)
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


def _by_start(m: Milestone) -> tuple[datetime, str]:
    return m.at, m.id


def _by_end(m: Milestone) -> tuple[datetime, str]:
    return m.ends or m.at, m.id


def split(
    milestones: Sequence[Milestone], now: datetime
) -> tuple[list[Milestone], list[Milestone]]:
    """(upcoming nearest first, passed most recent first). One under way counts as upcoming."""
    upcoming = sorted((m for m in milestones if not m.passed(now)), key=_by_start)
    passed = sorted((m for m in milestones if m.passed(now)), key=_by_end, reverse=True)
    return upcoming, passed


def status_line(m: Milestone, now: datetime, *, with_outcome: bool = True) -> str:
    """Time left, or passed and (unless the card shows it apart) its outcome."""
    if not m.passed(now):
        if m.at <= now:
            return f"Under way; ends {timestamp(m.ends or m.at, 'R')}"
        return f"{timestamp(m.at, 'R')} · {span_words(m.at - now)} left"
    end = m.ends or m.at
    line = f"Passed {timestamp(end, 'R')}"
    if m.outcome is None:
        return line + " · outcome not yet recorded"
    if not with_outcome:
        return line
    return f"{line} · **{m.outcome.status.value}**: {shown(m.outcome.note)}"


def milestone_field(m: Milestone, now: datetime) -> tuple[str, str]:
    place = f" · {shown(m.place)}" if m.place else ""
    flag = f" {WARN}" if m.conflicts else ""
    name = truncate(f"{shown(m.name)}{flag}", 256)
    value = f"{when(m)}{place}\n{status_line(m, now)}"
    return name, truncate(value, FIELD_VALUE_MAX)


def countdown_embed(milestones: Sequence[Milestone], now: datetime) -> discord.Embed:
    upcoming, passed = split(milestones, now)
    embed = discord.Embed(title="Countdown", colour=COLOUR)
    if upcoming:
        nearest = upcoming[0]
        embed.description = (
            f"Next: **{shown(nearest.name, 200)}** {when(nearest)} ({timestamp(nearest.at, 'R')})."
        )
    elif passed:
        latest = passed[0]
        embed.description = (
            "Nothing is coming up: every milestone on record has passed. "
            f"The latest was **{shown(latest.name, 200)}** "
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


def earlier_ends(m: Milestone, milestones: Sequence[Milestone]) -> list[Milestone]:
    """The deadlines `m` continues (its `follows` chain), earliest first: how it moved."""
    by_id = {x.id: x for x in milestones}
    chain: list[Milestone] = []
    step = by_id.get(m.follows) if m.follows else None
    while step is not None and step not in chain and step.id != m.id:
        chain.append(step)
        step = by_id.get(step.follows) if step.follows else None
    return chain[::-1]


def moved_line(m: Milestone, earlier: Sequence[Milestone], refs: Refs) -> str:
    """'12 Aug 2025 → 10 Nov 2025 → **10 Nov 2026**', then each extension's note cited."""
    ends = [FuzzyDate.day(x.at.date()).label() for x in [*earlier, m]]
    lines = [" → ".join([*ends[:-1], f"**{ends[-1]}**"])]
    for x in earlier:
        if x.outcome is not None:
            lines.append(f"• {shown(x.outcome.note, 200)} {refs.cite(x.outcome.sources)}")
    return "\n".join(lines)


def milestone_embed(
    m: Milestone,
    sources: Mapping[str, Source],
    now: datetime,
    conflicts: Mapping[str, Conflict],
    *,
    earlier: Sequence[Milestone] = (),
) -> discord.Embed:
    """One milestone's card; `earlier` (from earlier_ends) adds how its date moved."""
    refs = Refs(sources)
    embed = discord.Embed(
        title=shown(m.name, 256),
        description=(shown(m.description, 3000) + " " + refs.cite(m.sources))
        if m.description
        else refs.cite(m.sources),
        colour=COLOUR,
    )
    embed.add_field(name="When", value=when(m), inline=True)
    embed.add_field(name="Kind", value=m.kind.value, inline=True)
    if m.place:
        embed.add_field(name="Where", value=shown(m.place, 1024), inline=True)
    embed.add_field(
        name="Status", value=truncate(status_line(m, now, with_outcome=False), 1024), inline=False
    )
    if m.outcome is not None:
        embed.add_field(
            name="Outcome",
            value=truncate(
                f"**{m.outcome.status.value}**: {shown(m.outcome.note)} "
                f"{refs.cite(m.outcome.sources)}",
                1024,
            ),
            inline=False,
        )
    if earlier:
        embed.add_field(
            name=f"How it moved ({len(earlier)} extension{'s' if len(earlier) > 1 else ''})",
            value=truncate(moved_line(m, earlier, refs), 1024),
            inline=False,
        )
    disputes = [conflict_lines(c, refs) for c in named_conflicts(m.conflicts, conflicts)[:4]]
    add_sources(embed, refs, max_fields=2)
    for lines in disputes:
        add_field_lines(embed, f"{WARN} Sources disagree", lines, max_fields=1)
    embed.set_footer(text=f"Milestone id: {m.id} · times shown in your own time zone")
    return shrink_to_total(embed)


GOOD_MATCH = 85.0
SUGGEST_MIN = 50.0


def _match_text(m: Milestone) -> str:
    """What a typed text is matched against: the name, the place and the id."""
    return f"{m.name} {m.place or ''} {m.id.replace('-', ' ')}"


def _score(m: Milestone, typed: str) -> float:
    return float(fuzz.WRatio(typed, _match_text(m), processor=utils.default_process))


def is_good_match(m: Milestone, typed: str) -> bool:
    return typed.strip() == m.id or _score(m, typed) >= GOOD_MATCH


@dataclass(frozen=True)
class MilestoneIndex:
    """Milestones prepared for autocomplete, built once per list (the cog keeps one per
    server and data version): sorted both ways `split` sorts them, their match texts
    processed as rapidfuzz's default does, their labels written up to the state."""

    milestones: Sequence[Milestone]
    by_start: Sequence[int]
    """Nearest start first: the order of the upcoming."""
    by_end: Sequence[int]
    """Latest end first: the order of the passed."""
    texts: Sequence[str]
    labels: Sequence[str]
    """'Name (9 Oct 2025, ': the state and ')' follow."""

    @classmethod
    def of(cls, milestones: Sequence[Milestone]) -> MilestoneIndex:
        every = range(len(milestones))
        return cls(
            milestones=list(milestones),
            by_start=sorted(every, key=lambda i: _by_start(milestones[i])),
            by_end=sorted(every, key=lambda i: _by_end(milestones[i]), reverse=True),
            texts=[utils.default_process(_match_text(m)) for m in milestones],
            labels=[f"{plain(m.name)} ({FuzzyDate.day(m.at.date()).label()}, " for m in milestones],
        )

    def scores(self, typed: str) -> list[float]:
        """WRatio of `typed` against each match text, in rapidfuzz's C loop. A score under
        SUGGEST_MIN may read 0 (it is not offered either way)."""
        found = [0.0] * len(self.texts)
        for _, score, i in process.extract(
            utils.default_process(typed),
            self.texts,
            scorer=fuzz.WRatio,
            score_cutoff=SUGGEST_MIN,
            limit=None,
        ):
            found[i] = score
        return found


def choices(index: MilestoneIndex, typed: str, now: datetime) -> list[tuple[str, str]]:
    """(label, id) for autocomplete: best matches first; upcoming before passed on a tie."""
    passed = [m.passed(now) for m in index.milestones]
    ordered = [i for i in index.by_start if not passed[i]] + [i for i in index.by_end if passed[i]]
    if typed.strip():
        scores = index.scores(typed)
        ordered = sorted((i for i in ordered if scores[i] >= SUGGEST_MIN), key=lambda i: -scores[i])
    return [
        (
            truncate(index.labels[i] + ("passed)" if passed[i] else "upcoming)"), CHOICE_NAME_MAX),
            index.milestones[i].id,
        )
        for i in ordered[:CHOICES_MAX]
    ]


def only_match(milestones: Sequence[Milestone], typed: str) -> Milestone | None:
    """The one milestone whose name, place or id holds every word typed ("G20", "gallium"),
    when exactly one does: shown rather than asked about."""
    wanted = re.findall(r"\w+", typed.casefold())
    if not wanted:
        return None
    hits = [
        m
        for m in milestones
        if all(
            re.search(rf"\b{re.escape(w)}", f"{m.name} {m.place or ''} {m.id}".casefold())
            for w in wanted
        )
    ]
    return hits[0] if len(hits) == 1 else None


def unknown_milestone(index: MilestoneIndex, typed: str, now: datetime) -> str:
    close = choices(index, typed, now)[:3]
    name = shown(typed, 80)
    if close:
        names = " or ".join(f"**{shown(label)}**" for label, _ in close)
        return (
            f"No milestone called “{name}”. Did you mean {names}? "
            "Pick one from the list as you type."
        )
    return f"No milestone called “{name}”. Use /countdown without a name to see them all."
