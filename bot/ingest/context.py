"""What one sentence leaves for the next: the people and the tariff it named, its first date,
an extension whose new end is still to come, a new rate whose start may follow ("Cash
deposits at that rate start tomorrow"), and the year "that year" means. Used by
bot.ingest.pipeline as it reads an article sentence by sentence."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date, timedelta

from bot.dates import FuzzyDate, Precision
from bot.ingest.claim import Claim
from bot.ingest.mentions import Mentions
from bot.ingest.models import ConflictNote, Proposal
from bot.ingest.phrases import MONTH
from bot.ingest.when import Found

THAT_TARIFF = re.compile(
    r"^(?:That|This|The same)\s+(?:duty|tariff|levy|layer)\b|"
    r"\bon (?:these|those|the same) (?:products|goods|items)\b"
)
"""A sentence about the tariff named just before ("That duty ... falls to 10%")."""
THAT_RATE = re.compile(r"^(?:The|That|This|Its|The new)\s+(?:\w+\s+)?rate\b")
"""A sentence about the rate of the tariff named just before ("The new rate of 10%")."""

CONTINUES = re.compile(
    r"^(?:They|It|These|Those|This|That|The (?:rises?|increases?|suspension|pause|deadline)s?)"
    r"\b.{0,120}?\b(?:now|instead)\b",
)
"""A sentence that goes on with the extension before it: "They now take effect on Jan. 1"."""

PRONOUN = re.compile(r"^(?:He|She)\b")
NAMED_BEFORE = re.compile(r"^(?:The|That|Its)\s+(?:\w+\s+){0,2}?(?:was|were|had|\w+ed)\b")
"""A short sentence about a thing of the sentence before ("The first phase opened on ...")."""
AT_THAT_RATE = re.compile(
    r"\bat (?:that|this|the (?:final|new|same|lower|higher|preliminary)) rate\b|"
    r"\b(?:the|that) (?:new|final|lower|higher) rate (?:applies|starts|takes effect|begins)\b|"
    r"^(?:It|The (?:new )?(?:duty|tariff|levy|rate))\s+(?:takes effect|will take effect|"
    r"applies|starts|begins|kicks in)\b|"
    r"^(?:cash )?deposits? (?:will be |are |is )?(?:collected|start|begin|will start|will begin|"
    r"are due|apply)\b|\b(?:post|pay|posting) (?:cash )?deposits\b",
    re.IGNORECASE,
)
"""A sentence that dates the rate of the tariff just before ("Commerce set a final rate of
92.46% ... Cash deposits at that rate start tomorrow")."""
SIDE_HEADING = re.compile(
    r"^(?P<us>u\.s\.|us|united states|american|washington)?(?P<cn>china|chinese|beijing)?"
    r"(?:'s)?\s+(?:tariffs?\s+|duties\s+)?on\s+(?:(?P<on_cn>china|chinese goods)|"
    r"(?P<on_us>u\.s\.|us|the u\.s\.|the united states|american goods|us goods|u\.s\. goods))"
    r"\s*:?$",
    re.IGNORECASE,
)
"""A ledger's heading for one side's tariffs ("U.S. on China", "China on U.S."), whose bullets
name no side of their own."""


def side_of(heading: str) -> tuple[str, str] | None:
    m = SIDE_HEADING.match(heading.strip())
    if m is None:
        return None
    if m["us"] and m["on_cn"]:
        return ("US", "CN")
    if m["cn"] and m["on_us"]:
        return ("CN", "US")
    return None


SIGNED = re.compile(r"\b(?:proclaimed|signed)\b", re.IGNORECASE)
THAT_DATE = re.compile(r"\b(?:on or after|from|since|on) (?:that|this) (?:date|day)\b", re.I)
THAT_YEAR = re.compile(r"^,?\s+(?:of\s+)?(?:that|the same) year\b", re.IGNORECASE)


def that_year(found: Found, sentence: str, last: FuzzyDate) -> Found:
    """ "June 19-20 that year": the year of the date said before, not the article's."""
    year = last.start.year
    if not THAT_YEAR.match(sentence[found.end :]) or found.when.start.year == year:
        return found
    try:
        start = found.when.start.replace(year=year)
        end = found.when.end.replace(year=year + found.when.end.year - found.when.start.year)
    except ValueError:  # (29 February)
        return found
    when = FuzzyDate(start=start, end=end, precision=found.when.precision)
    return replace(found, when=when)


_MONTH = re.compile(rf"\b{MONTH}", re.IGNORECASE)
_YEAR = re.compile(r"\b(?:19|20)\d{2}\b|'\d{2}\b")
_YEAR_AFTER = re.compile(r"^,?\s+(?:[\w-]+\s+){0,4}?(?:last|this|next|that) year\b", re.I)
NARRATIVE_DAYS = 60
"""How far before the article's day a date must lie to be the background a piece tells."""
RECENT_DAYS = 30
"""A yearless date this close before the article's day is this year's news, whatever the
sentences before it told."""


def yearless(found: Found, sentence: str) -> bool:
    """A calendar date said without its year ("on Oct. 30", "in mid-May")."""
    return bool(
        _MONTH.search(found.text)
        and not _YEAR.search(found.text)
        and not re.search(r"\byear\b", found.text, re.I)
        and not _YEAR_AFTER.match(sentence[found.end :])
    )


def in_story_year(found: Found, sentence: str, story: FuzzyDate, today: date) -> Found:
    """A yearless date in a piece telling the past, read in the year the telling has
    reached ("In February 2025 ... The fentanyl rate doubled to 20% on March 4"): the first
    of that year or the next that falls after the story's last date, if it is still past."""
    if (
        not yearless(found, sentence)
        or found.when.start.year <= story.start.year
        or found.when.start > today - timedelta(days=RECENT_DAYS)
    ):  # (what is ahead, and the news of the last weeks, are not the story told)
        return found
    for year in (story.start.year, story.start.year + 1):
        shift = year - found.when.start.year
        try:
            start = found.when.start.replace(year=found.when.start.year + shift)
            end = found.when.end.replace(year=found.when.end.year + shift)
        except ValueError:  # (29 February)
            return found
        if end < story.start - timedelta(days=30):
            continue  # a story runs forward
        if end >= today - timedelta(days=NARRATIVE_DAYS):
            return found
        return replace(found, when=FuzzyDate(start=start, end=end, precision=found.when.precision))
    return found


def story_after(
    dates: list[Found], sentence: str, story: FuzzyDate | None, today: date
) -> FuzzyDate | None:
    """Where the story told stands after a sentence: at its last date well in the past when
    the year was said or carried, gone when a date of the present (relative, or with its
    year, near the article's day) says the telling has come back to the news."""
    for f in dates:
        recent = f.when.end >= today - timedelta(days=NARRATIVE_DAYS)
        if (recent and not yearless(f, sentence)) or f.when.start > today:
            story = None
        elif not recent and (_YEAR.search(f.text) or story is not None):
            story = f.when
    return story


@dataclass
class Reading:
    """What the sentences read so far leave for the next (one article's reading)."""

    today: date
    out: list[Proposal] = field(default_factory=list)
    notes: list[ConflictNote] = field(default_factory=list)
    shifts: list[int] = field(default_factory=list)
    last: FuzzyDate | None = None  # the first date of the last dated sentence
    story: FuzzyDate | None = None  # where a piece telling the past has reached
    previous: list[str] = field(default_factory=list)  # the people of the sentence before
    recent: list[str] = field(default_factory=list)  # the people named lately
    before: set[str] = field(default_factory=set)  # the words of the sentence before
    trade_before: bool = False  # whether the sentence before was about trade
    extending: str | None = None  # an extension whose new date is still to come
    tariff_before: Mentions | None = None  # the sentence before, when it named a tariff
    pending: int | None = None  # a new tariff of the last sentences, its start to come
    waiting: Claim | None = None  # a new rate of the last sentences, with no date yet
    pending_age: int = 0
    side: tuple[str, str] | None = None  # a ledger's "U.S. on China" heading, for its bullets
    last_side: tuple[str, str] | None = None  # the side of the last tariff that said its side


def start_said(m: Mentions, last: FuzzyDate | None) -> FuzzyDate | None:
    """The start a follow-on sentence gives a rate: "from that date" is the date said
    before, else the sentence's own first date."""
    before = last if THAT_DATE.search(m.sentence) else None
    return before or (m.dates[0].when if m.dates else None)


def dated_later(
    out: list[Proposal], at: int, m: Mentions, last: FuzzyDate | None, today: date
) -> None:
    """A new tariff's start given a sentence or two after its rate: the proposal takes
    that start, its earlier date the day it was announced."""
    start = start_said(m, last)
    p = out[at]
    if start is None or p.date is None:
        return
    said = FuzzyDate.model_validate(p.date)
    if start.start < said.start:
        return
    if SIGNED.search(p.evidence[0]) and said.precision is Precision.DAY:
        # "Trump proclaimed the 25% tariff on Monday. It takes effect Jan. 1.": the
        # signing is an event of its own day (gold rule 2)
        out.append(
            p.model_copy(
                update={
                    "kind": "event",
                    "rate": None,
                    "imposer": None,
                    "target": None,
                    "status": None,
                    "legal_basis": None,
                    "announced_on": None,
                    "reasons": [*p.reasons, "the act that set the tariff, on its own day"],
                }
            )
        )
    out[at] = p.model_copy(
        update={
            "date": start.canonical(),
            "status": "in_force" if start.start <= today else "announced",
            "announced_on": said.start if said.start < start.start else p.announced_on,
            "evidence": [*p.evidence, m.sentence],
            "reasons": [*p.reasons, "in force from a date the next sentences give"],
        }
    )
