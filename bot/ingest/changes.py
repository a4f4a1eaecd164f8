"""Stage 5 for the claims that change a tariff or a deadline: an extension (or a delay) of a
recorded deadline or layer, and a rate statement, compared with the record (bot.ingest.
compare) into updates with the record's value beside the new one, citations, or new items.
Pure; bot.ingest.pipeline hands each such claim here."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date

from dateutil.relativedelta import relativedelta

from bot.dates import FuzzyDate
from bot.ingest.checks import rate_conflict, standing
from bot.ingest.claim import Claim
from bot.ingest.compare import (
    GENERIC,
    Record,
    change_of,
    end_of,
    near,
    proposal,
    text_of,
    when_of,
)
from bot.ingest.cues import SINCE
from bot.ingest.mentions import PERCENT
from bot.ingest.merge import NEW_END
from bot.ingest.models import ConflictNote, Proposal
from bot.ingest.text import headline
from bot.ingest.when import find_dates
from bot.models import Event, Milestone, TariffMeasure, TariffStatus

STEP_WORDS = 2
"""Content words a rate statement shares with a recorded tariff milestone of its date."""

WITH_RATE_WORDS = 2
"""Content words a sentence citing a layer must share with an event of that day for the
event to be cited as well (dev corpus: 2 drops 7 noise cites and no right one; 3 loses 4)."""
TOOK_EFFECT = re.compile(
    r"\b(?:took effect|came into (?:force|effect)|went into effect|entered into force)\b", re.I
)
ACT_TOLD = re.compile(
    r"(?<!been )(?<!was )(?<!were )\b(?:put|imposed|added|raised|slapped|doubled|hiked)\b",
    re.IGNORECASE,
)
"""A layer's start told as an act by its maker ("Washington put a 10% tariff on ..."), not as
a state ("has been levied since"): the event of that day and rate is cited whatever words
they share."""


def extension(rec: Record, c: Claim, today: date, out: list[Proposal]) -> None:
    """What an extension (or a delay) proposes: an update of each item it moves and one
    milestone for the new end, or citations when the record already holds it."""
    moved = rec.extended(c, today)
    item = moved[0] if moved else None
    if c.new_end is None:
        end = end_of(item) if item is not None else None
        if item is None or end is None or c.extend_months is None:
            return
        c.new_end = FuzzyDate.day(end + relativedelta(months=c.extend_months))
    due = _due_on(rec, c.new_end)
    if item is not None and c.new_end.start in _ends_of(rec, item):
        # the record has caught up: the article is a source for it, nothing to change; with
        # no date of its own the sentence states the end ("suspended until Nov. 10, 2026")
        if c.found is None:
            c.when = c.new_end
        out.append(proposal(c, "source-only", matches=item.id, score=3.0))
        if due is not None and due.id != item.id:
            out.append(proposal(c, "source-only", matches=due.id, score=3.0))
        return
    if due is not None:
        out.append(proposal(c, "source-only", matches=due.id, score=3.0))
        if item is None:
            return
    if item is not None:
        for each in moved:
            out.append(
                proposal(
                    c,
                    "update",
                    matches=each.id,
                    change=change_of(each, c.new_end, today),
                    score=4.0,
                    title=f"{each.name}: extended to {c.new_end.label()}",
                )
            )
        if isinstance(item, Milestone):
            name = item.name
        elif item.status_on(today) is TariffStatus.SUSPENDED:
            name = f"{item.name}: suspension ends"
        else:
            name = f"{item.name}: the postponed change is due"
    else:
        name = headline(c.sentence, 80)
        if c.found is not None and c.when is not None and c.when.end <= today:
            # an extension of what the record does not hold: the decision is news of its own
            out.append(proposal(c, "event", score=3.0, reasons=[*c.reasons, "a dated decision"]))
    out.append(
        Proposal(
            kind="milestone",
            date=c.new_end.canonical(),
            title=f"{name} (new end date)" if item is not None else name,
            summary=c.sentence,
            people=c.people,
            evidence=[c.sentence],
            score=3.0,
            reasons=[*c.reasons, NEW_END],
        )
    )


def _step_due(rec: Record, c: Claim, today: date) -> tuple[Milestone, FuzzyDate] | None:
    """A recorded tariff step the rate statement names by its date ("due to rise on June
    23, 2027"): a tariff milestone on one of the sentence's dates, sharing STEP_WORDS of
    its words with the sentence."""
    for found in find_dates(c.sentence, today):
        for m in rec.view.milestones:
            if m.kind.value != "tariff" or not near(when_of(m), found.when, slack=0):
                continue
            if len((c.words - GENERIC) & rec.item_words[id(m)]) >= STEP_WORDS:
                return m, found.when
    return None


def _ends_of(rec: Record, item: Milestone | TariffMeasure) -> set[date]:
    """Every end the record gives the item: a layer's `until` dates, a deadline's own
    date and those of the deadlines that continue it (their `follows` chain)."""
    if isinstance(item, TariffMeasure):
        return {c.until for c in item.history if c.until is not None}
    ends = {when_of(item).start}
    step: Milestone | None = item
    while step is not None:
        step = next((m for m in rec.view.milestones if m.follows == step.id), None)
        if step is not None:
            if when_of(step).start in ends:
                break
            ends.add(when_of(step).start)
    return ends


def _due_on(rec: Record, when: FuzzyDate) -> Milestone | None:
    """A recorded deadline due within `when` (the new date of an extension, when the
    record already counts down to it)."""
    for m in rec.view.milestones:
        if m.kind.value == "deadline" and near(when_of(m), when, slack=0):
            return m
    return None


LAYER_ACT = re.compile(
    r"\b(?:levied|imposed|introduced|took effect|came into (?:force|effect)|began|put)\b",
    re.IGNORECASE,
)
"""A layer's start said as an act on a day ("first levied the 15% duty ... on March 10")."""


def _misdated_act(c: Claim, layer: TariffMeasure, today: date) -> bool:
    if c.when is None or c.when.end >= today or c.changes or not LAYER_ACT.search(c.sentence):
        return False
    if re.search(r"\bsince\b", c.sentence, re.IGNORECASE):
        return False  # a standing rate "since" a day: checked as such
    days = layer.change_dates()
    if TOOK_EFFECT.search(c.sentence):
        # "took effect on March 8, 2018" of a layer announced that day, in force on the 23rd
        days = [h.day for h in layer.history if h.status is TariffStatus.IN_FORCE] or days
    return not any(near(c.when, FuzzyDate.day(d)) for d in days)


def _step_said(
    layer: TariffMeasure, sentence: str, today: date, after_since: bool = False
) -> FuzzyDate | None:
    """The first date of the sentence that is one of the layer's own changes ("has paid 12.5%
    since July 24"); with `after_since`, only one said after "since", on the very day."""
    steps = [FuzzyDate.day(d) for d in layer.change_dates()]
    slack = 0 if after_since else 1
    for f in find_dates(sentence, today):
        if after_since and not SINCE.search(sentence[: f.start]):
            continue
        if any(near(f.when, step, slack=slack) for step in steps):
            return f.when
    return None


def rate_statement(
    rec: Record, c: Claim, today: date, out: list[Proposal], notes: list[ConflictNote]
) -> None:
    """What a rate statement proposes: an update of the layer whose rate it moves, a
    citation of the layer (or tariff step) it repeats, else a new tariff."""
    if c.when is not None and rec.layer(c) is None:
        moved = rec.rate_moved(c)
        if moved is None and c.changes and not c.side_said:
            # "15 December: the additional tariff on coal and LNG falls to 5% from 15%": no
            # side said, and the record's layer of those goods at the old rate says whose
            flipped = replace(c, imposer=c.target, target=c.imposer)
            moved = rec.rate_moved(flipped)
            if moved is not None:
                c.imposer, c.target = flipped.imposer, flipped.target
        if moved is not None and c.changes:
            out.append(
                proposal(
                    c,
                    "update",
                    matches=moved.id,
                    change={"field": "rate", "old": f"{moved.rate:g}%", "new": f"{c.rate:g}%"},
                    score=4.0,
                    reasons=[*c.reasons, f"moves the rate of {moved.id}"],
                )
            )
            # "The duty, 12.5% since July 24, 2026, falls to 10%": the old rate's start,
            # restated, is a citation of the layer as well
            since = _step_said(moved, c.sentence, today, after_since=True)
            if since is not None:
                c.when = since
                out.append(proposal(c, "source-only", matches=moved.id, score=3.0))
            return
        if moved is not None and c.when.end < today and c.rate is not None and standing(c):
            notes.append(rate_conflict(c, moved))
            return
    fields: dict[str, object] = {
        "rate": c.rate,
        "imposer": c.imposer,
        "target": c.target,
        "legal_basis": c.basis,
        "status": c.status,
    }
    if c.when is None:
        # a recorded rate restated: a citation when the sentence gives one of the layer's
        # own dates ("has paid 12.5% since July 24"), else no proposal (gold rule 4)
        layer = rec.layer(c)
        if layer is None:
            return
        said = _step_said(layer, c.sentence, today)
        if said is not None:
            c.when = said
            out.append(proposal(c, "source-only", matches=layer.id, score=2.5, **fields))
            for item in _with_rate(rec, c):
                out.append(proposal(c, "source-only", matches=item.id, score=2.5))
        return
    layer = rec.layer(c)
    if layer is not None and _misdated_act(c, layer, today):
        # "Beijing first levied the 15% duty on coal and LNG on March 10, 2025": the layer's
        # start said on a day it did not change
        started = [h.day for h in layer.history if h.status is TariffStatus.IN_FORCE]
        first = min(started or layer.change_dates())
        notes.append(
            ConflictNote(
                claim=f"{headline(c.sentence, 120)} ({c.when.label()})",
                record=f"{layer.id}: from {FuzzyDate.day(first).label()}",
                why="a date that differs from the recorded one for the same fact",
                item=layer.id,
            )
        )
        return
    if layer is not None:
        out.append(proposal(c, "source-only", matches=layer.id, score=3.0, **fields))
        for item in _with_rate(rec, c):
            out.append(proposal(c, "source-only", matches=item.id, score=2.5))
        return
    told = _with_rate(rec, c) if c.when.end < today and not c.changes else []
    if told:
        # "the 25% rates on furniture and cabinets have applied since Oct. 14, 2025": no one
        # layer, but the recorded event of that day that set them
        for item in told:
            out.append(proposal(c, "source-only", matches=item.id, score=2.5))
        return
    step = _step_due(rec, c, today)
    if step is not None:  # "the duty is due to rise from 0% on June 23, 2027": recorded
        milestone, when = step
        c.when = when
        out.append(proposal(c, "source-only", matches=milestone.id, score=3.0))
        return
    conflicts = []
    other = rec.other_rate(c)
    if other is not None and c.rate is not None:
        conflicts.append(
            ConflictNote(
                claim=f"{c.basis} at {c.rate:g}%",
                record=f"{other.id}: {other.rate:g}% in force on {c.when.label()}",
                why="a rate that differs from the recorded one",
                item=other.id,
            )
        )
    score = 2.0 + (1 if c.basis else 0) + (1 if c.found else 0)
    start = c.when.start
    if c.status == "in_force" or (c.status == "announced" and (c.announced or start > today)):
        # a new layer is proposed in its state on the article's day (in force once its start
        # has come), dated the day it takes effect, with the day it was announced (its
        # statement's own date, else the article's day for a start still ahead, else that
        # day itself): accepting it records both steps
        fields["status"] = "in_force" if start <= today else "announced"
        fields["announced_on"] = c.announced.start if c.announced is not None else min(today, start)
    out.append(proposal(c, "tariff", conflicts=conflicts, score=score, **fields))


def _with_rate(rec: Record, c: Claim) -> list[Event | Milestone]:
    """Recorded events and milestones on this date that state the same rate and that the
    sentence describes too (WITH_RATE_WORDS of their words), not only share a day with
    the layer it cites."""
    when, rate = c.when, c.rate
    if rate is None or when is None:
        return []
    pattern = re.compile(rf"(?<![\d.]){re.escape(f'{rate:g}')}" + PERCENT)
    # "Washington put a 10% tariff on all Chinese goods on Feb. 4, 2025": the act itself,
    # told as an act, is the recorded event of that day and rate
    need = 0 if ACT_TOLD.search(c.sentence) else WITH_RATE_WORDS
    return [
        i
        for i in rec.items
        if near(when, when_of(i), slack=0)
        and pattern.search(text_of(i))
        and len((c.words - GENERIC) & rec.item_words[id(i)]) >= need
    ][:2]
