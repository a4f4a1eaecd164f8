"""Milestones from /milestone add and /milestone edit (including the outcome once passed).

`when` is a day as people type it ("10 Nov 2026", "2026-11-10"), optionally followed by a
time ("2026-11-10 00:01", "10 Nov 2026 9:30 pm"), read in the milestone's time zone. A day
without a time makes an all-day milestone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from bot.bounds import RANGE_TEXT, instant_in_range, is_zone, quoted, zone_error
from bot.curation.common import (
    PLACE_MAX,
    Changes,
    Context,
    Draft,
    changed_fields,
    clean_text,
    new_id,
    optional_text,
    parse_date,
    validated,
)
from bot.dates import FuzzyDate, Precision
from bot.errors import UserError
from bot.models import TITLE_MAX, Milestone, MilestoneKind, OutcomeStatus

NOTE_MAX = 500
DESCRIPTION_MAX = 1000
_TIME = re.compile(r"(?:^|[\sT])(\d{1,2}):(\d{2})\s*(am|pm)?\s*$", re.IGNORECASE)


def parse_zone(text: str | None, default: str) -> str:
    if text is None or not text.strip():
        return default
    name = text.strip()
    if not is_zone(name):
        raise UserError(f"{zone_error(name)}.")
    return name


def parse_when(text: str, zone: str) -> tuple[datetime, bool]:
    """(aware start, all_day) from a day with an optional time, in `zone`."""
    raw = text.strip()
    clock: time | None = None
    m = _TIME.search(raw)
    if m:
        hour, minute, half = int(m[1]), int(m[2]), (m[3] or "").lower()
        if half:
            if not 1 <= hour <= 12:
                raise UserError(f"'{m[0].strip()}' is not a time; use 09:30 or 9:30 pm.")
            hour = hour % 12 + (12 if half == "pm" else 0)
        if hour > 23 or minute > 59:
            raise UserError(f"'{m[0].strip()}' is not a time; use 24-hour 09:30 or 9:30 pm.")
        clock = time(hour, minute)
        raw = raw[: m.start()].strip()
    day = parse_date(raw)
    if day.precision is not Precision.DAY:
        raise UserError(
            f"'{quoted(text.strip())}' is not a single day; a milestone needs one, like 2026-11-10 "
            "or 10 Nov 2026 09:30."
        )
    at = datetime.combine(day.start, clock or time(0, 0), tzinfo=ZoneInfo(zone))
    if not instant_in_range(at):
        raise UserError(
            f"'{quoted(text.strip())}' in {zone} is out of range; use a date {RANGE_TEXT}."
        )
    return at, clock is None


def _kind(text: str | None, default: MilestoneKind) -> MilestoneKind:
    if text is None or not text.strip():
        return default
    try:
        return MilestoneKind(text.strip().lower())
    except ValueError:
        kinds = ", ".join(k.value for k in MilestoneKind)
        raise UserError(f"Unknown kind '{quoted(text.strip())}': use one of {kinds}.") from None


@dataclass(frozen=True)
class MilestoneInput:
    name: str | None = None
    when: str | None = None
    timezone: str | None = None
    place: str | None = None
    kind: str | None = None
    outcome: str | None = None
    outcome_note: str | None = None
    source_url: str | None = None
    source_name: str | None = None
    description: str | None = None


def _day(at: datetime) -> FuzzyDate:
    return FuzzyDate.day(at.date())


def build_milestone(inp: MilestoneInput, ctx: Context, today: date) -> Draft:
    name = clean_text(inp.name or "", "name", TITLE_MAX)
    zone = parse_zone(inp.timezone, ctx.timezone)
    at, all_day = parse_when(inp.when or "", zone)
    if inp.outcome:
        raise UserError("Record an outcome with /milestone edit once the milestone has passed.")
    if not inp.source_url or not inp.source_url.strip():
        raise UserError(
            "Every milestone cites a source: give source_url (an http(s) link, or pick a "
            "known source from the list)."
        )
    changes = Changes()
    source_id = changes.cite(
        inp.source_url, name=inp.source_name, about=name, when=FuzzyDate.day(today), ctx=ctx
    )
    milestone = validated(
        Milestone,
        {
            "id": new_id(name, ctx.taken_ids, "milestone"),
            "name": name,
            "at": at,
            "all_day": all_day,
            "timezone": zone,
            "place": optional_text(inp.place, "place", PLACE_MAX),
            "kind": _kind(inp.kind, MilestoneKind.DEADLINE),
            "description": optional_text(inp.description, "description", DESCRIPTION_MAX),
            "sources": [source_id],
        },
    )
    return Draft(milestone, tuple(changes.sources))


def edit_milestone(current: Milestone, inp: MilestoneInput, ctx: Context, now: datetime) -> Draft:
    """Replace the given fields. A new `timezone` without `when` re-reads the same wall-clock
    time in the new zone (fixing a wrong zone); moving `at` moves `ends` with it. With an
    outcome, source_url cites the outcome; otherwise it adds a source to the milestone."""
    data: dict[str, Any] = current.model_dump()
    if inp.name is not None:
        data["name"] = clean_text(inp.name, "name", TITLE_MAX)
    zone = parse_zone(inp.timezone, current.timezone)
    if inp.when is not None:
        at, all_day = parse_when(inp.when, zone)
    else:
        local = current.at.astimezone(ZoneInfo(current.timezone)).replace(tzinfo=None)
        at, all_day = local.replace(tzinfo=ZoneInfo(zone)), current.all_day
    if current.ends is not None:
        data["ends"] = current.ends + (at - current.at)
    data.update(at=at, all_day=all_day, timezone=zone)
    if inp.place is not None:
        data["place"] = optional_text(inp.place, "place", PLACE_MAX)
    if inp.description is not None:
        data["description"] = optional_text(inp.description, "description", DESCRIPTION_MAX)
    if inp.kind is not None:
        data["kind"] = _kind(inp.kind, current.kind)
    changes = Changes()
    cite = inp.source_url.strip() if inp.source_url else ""
    if inp.outcome:
        data["outcome"] = _outcome(current, inp, ctx, now, changes, cite)
    elif inp.outcome_note:
        raise UserError("Give the outcome (extended, met, lapsed, ...) with its note.")
    elif cite:
        source_id = changes.cite(
            cite, name=inp.source_name, about=data["name"], when=_day(now), ctx=ctx
        )
        if source_id not in current.sources:
            data["sources"] = [*current.sources, source_id]
    milestone = validated(Milestone, data)
    changed = changed_fields(current, milestone)
    if not changed:
        raise UserError("That is what the milestone already says; nothing changed.")
    return Draft(milestone, tuple(changes.sources), changed)


def _outcome(
    current: Milestone,
    inp: MilestoneInput,
    ctx: Context,
    now: datetime,
    changes: Changes,
    cite: str,
) -> dict[str, Any]:
    try:
        status = OutcomeStatus((inp.outcome or "").strip().lower())
    except ValueError:
        options = ", ".join(s.value for s in OutcomeStatus)
        raise UserError(f"Unknown outcome '{inp.outcome}': use one of {options}.") from None
    if not current.passed(now):
        due = int((current.ends or current.at).timestamp())
        raise UserError(
            f"That milestone is still ahead (<t:{due}:R>); record its outcome once it has passed."
        )
    note = clean_text(inp.outcome_note or "", "outcome note", NOTE_MAX)
    if not cite:
        raise UserError("Cite the outcome: give source_url (a link or a known source).")
    source_id = changes.cite(
        cite,
        name=inp.source_name,
        about=f"{current.name}: {status.value}"[:TITLE_MAX],
        when=_day(now),
        ctx=ctx,
    )
    return {"status": status, "note": note, "sources": [source_id]}
