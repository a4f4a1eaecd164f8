"""Whether a date of a sentence is the time of its own news: the tense around it (the past
perfect of background, unless it is reported speech; the present perfect of what is done),
background phrases ("since May", "the call of October 2025"), and dates said against the
sentence before ("the same day", "a day earlier", "hours later"). Pure; bot.ingest.claims
asks it."""

from __future__ import annotations

import re
from datetime import timedelta

from bot.dates import FuzzyDate
from bot.ingest.mentions import BACKGROUND, Mentions
from bot.ingest.when import Found

SAME_DAY = re.compile(r"\b(?:the same day|that day|on the same day)\b", re.IGNORECASE)
AFTER_LAST = re.compile(
    r"\b(?P<hours>hours|minutes) (?:after|later)\b|\b(?P<days>days) later\b|"
    r"\b(?P<next>the next day|a day later|the following day)\b|"
    r"\b(?P<prev>the day before|a day earlier|the previous day)\b",
    re.IGNORECASE,
)
REPORTED = re.compile(r"\b(?:said|says|announced|told|confirmed)\b[^.]{0,60}?\bthat\b", re.I)
"""Reported speech: "said ... that it had ended the probe" is the news, in the past perfect
only by the tense of the telling."""
NOW_VERB = re.compile(
    r"\b(?:that|which)\s+(?:expires?|runs?|ends?|lapses?|will|is|are)\b|,\s+and\s+(?:that\s+)?\w+\s+"
    r"(?:will|would)\b",
    re.I,
)
"""A clause of the present or the future after a past perfect ("no decision had been taken
on the terms that expire on Jan. 10"): its date is not the perfect's."""
DONE = re.compile(r"\b(?:has|have)\s+(?:just\s+|now\s+|already\s+)?(?:been\s+)?\w+(?:ed|en)\b")
"""The present perfect: what the sentence reports is done."""


def is_background(m: Mentions, found: Found) -> bool:
    """A date in a clause about what came before ("since May last year", "after the
    Geneva talks"): background, not the statement's own time."""
    before = m.sentence[max(0, found.start - 40) : found.start]
    perfect = re.search(r"\bhad (?:been |\w+ed\b)", m.sentence[: found.start], re.IGNORECASE)
    if (
        perfect is not None
        and not REPORTED.search(m.sentence[: perfect.start()])
        and not NOW_VERB.search(m.sentence[perfect.end() : found.start])
    ):
        return True  # past perfect: what had happened before the news
    if re.search(r"\b(?:the|its|a|that)\s+[a-z-]+(?:\s+[a-z-]+)?\s+of\s*$", before, re.I) and (
        found.when.precision.value in ("month", "year", "quarter")
    ):
        return True  # "the call of October 2025", "its controls of October 2025": a name
    return bool(BACKGROUND.search(before)) and not re.search(
        r"\b(on|this|next|last)\s*$|\bon or after\b[^,;]{0,20}$", before, re.IGNORECASE
    )  # ("entered on or after 12:01 a.m. today": a start, not what came before)


def after_last(sentence: str, last: FuzzyDate) -> Found | None:
    """A date the sentence gives only against the statement before it."""
    same = SAME_DAY.search(sentence)
    if same:
        return Found(same.group(0), same.start(), same.end(), last)
    m = AFTER_LAST.search(sentence)
    if m is None:
        return None
    if m["hours"]:
        when = FuzzyDate.model_validate(f"{last.end}..{last.end + timedelta(days=1)}")
    elif m["prev"]:
        when = FuzzyDate.day(last.start - timedelta(days=1))
    elif m["days"]:
        end = last.end + timedelta(days=6)
        when = FuzzyDate.model_validate(f"{last.end + timedelta(days=1)}..{end}")
    else:
        when = FuzzyDate.day(last.end + timedelta(days=1))
    return Found(m.group(0), m.start(), m.end(), when)


def is_relative(found: Found) -> bool:
    return not re.search(r"\d", found.text)
