"""Stage 3a: a sentence of two facts cut into one statement each, before claims are built
from it: two rated, dated clauses ("the 5% duty on pork took effect on Tuesday, and ...
sorghum to zero from Dec. 10"), what someone said of the day beside what they did ("...,
and said circuit boards could be next, at 50 percent"), a dated act then a rate dated by it,
and a rate then what a procedure makes due. Pure; bot.ingest.pipeline reads each piece as a
sentence of its own."""

from __future__ import annotations

import re
from itertools import pairwise

from bot.ingest.due import DUE_NOUN
from bot.ingest.mentions import RATE, TARIFF, TO_ZERO, Mentions
from bot.ingest.phrases import WEEKDAYS
from bot.ingest.tense import AFTER_LAST, SAME_DAY
from bot.ingest.when import Found

ON_THE_DAY = r",\s+(?=the (?:same )?day\b)"
"""A turn to a clause on the day of the one before ("..., the day China's tariff falls")."""
FACTS = re.compile(rf";\s+|,\s+(?:and|while|with)\s+(?=\w)|{ON_THE_DAY}", re.IGNORECASE)
"""Where a sentence of two tariff facts turns to the second."""
SAID = re.compile(r"\b(?:said|says|warned|threatened)\b", re.IGNORECASE)
SUBJECT = re.compile(r"^(.{3,60}?)\s+(?:\w+ed|said|says|set|cut|put)\b")
"""A sentence's subject: what comes before its first verb ("President Donald Trump")."""


def label(m: Mentions) -> Found | None:
    """The day a calendar's line opens with ("Dec. 15: ...", "May 10, 2027: ..."), if any."""
    first = m.dates[0] if m.dates else None
    if first is None or not m.sentence[first.end :].startswith(": "):
        return None
    if first.start != 0 and not _WEEKDAY_FIRST.fullmatch(m.sentence[: first.start]):
        return None  # ("Thursday 17 December: ...": the weekday said before the day)
    return first


_WEEKDAY_FIRST = re.compile(rf"(?:{'|'.join(d.capitalize() for d in WEEKDAYS)}),?\s+")


SAME_TIME = re.compile(r"\b(?:from|on|at|as of)\s+the same (?:day|date|time)\b", re.IGNORECASE)
"""A later clause dated by the one before ("..., and that 12 categories will be excluded from
the 10 percent tariff from the same day")."""

THE_DAY = re.compile(r"the (?:same )?day\b", re.IGNORECASE)
"""A clause that opens on the day of the clause before ("..., the day China's tariff on coal
falls to 5%")."""

JOINER = re.compile(r"(?:;|,\s*(?:and|while|with))\s*$", re.IGNORECASE)


def _rated(text: str) -> bool:
    return bool(RATE.search(text) or TO_ZERO.search(text))


def _act_then_rate(m: Mentions) -> list[str] | None:
    """ "On Oct. 9, 2025, it widened its export controls, and Trump threatened an extra 100%
    tariff the next day": a dated act, then a rate dated by it, as two statements."""
    s = m.sentence
    if not m.tariff or len(m.rates) != 1 or not m.dates:
        return None
    cut = re.search(r",\s+and\s+(?=[A-Z]|(?:the|a) (?:next|following) day\b|a day later\b)", s)
    if cut is None or RATE.search(s[: cut.start()]) or not RATE.search(s[cut.end() :]):
        return None
    first, second = s[: cut.start()], s[cut.end() :]
    if not any(f.end <= cut.start() for f in m.dates) or TARIFF.search(first):
        return None
    if not (any(f.start >= cut.end() for f in m.dates) or AFTER_LAST.search(second)):
        return None
    return [f"{first.rstrip('.')}.", f"{second.rstrip('.')}."]


def _rate_then_due(m: Mentions) -> list[str] | None:
    """ "50% on Chinese circuit boards (Trump, Nov. 30); comments in the probe close Dec. 21":
    a rate, then what a procedure makes due, as two statements."""
    s = m.sentence
    if not m.tariff or "; " not in s:
        return None
    first, _, second = s.partition("; ")
    if not _rated(first) or _rated(second) or not DUE_NOUN.search(second):
        return None
    if not any(f.start > len(first) for f in m.dates):
        return None
    return [f"{first.rstrip('.')}.", f"{second[:1].upper()}{second[1:]}"]


def facts(m: Mentions) -> list[str]:
    """The clauses of a sentence that states two tariff facts, each with its own rate and
    date ("the 5% duty on pork took effect on Tuesday, and ... sorghum to zero from Dec. 10"),
    else the sentence whole. A clause with no rate (an aside) stays with the fact before it."""
    s = m.sentence
    act = _act_then_rate(m) or _rate_then_due(m)
    if act is not None:
        return act
    if not m.tariff or len(m.rates) + len(TO_ZERO.findall(s)) < 2:
        return [s]  # ("lowered to zero" is a rate said in words)
    if (
        len(m.dates) < 2
        and label(m) is None
        and not SAME_DAY.match(s)
        and not re.search(ON_THE_DAY, s, re.IGNORECASE)
    ):
        return [s]
    return _cut(m, FACTS) or [s]


def _cut(m: Mentions, where: re.Pattern[str]) -> list[str] | None:
    s = m.sentence
    cuts = [0, *(x.end() for x in where.finditer(s)), len(s)]
    spans = [(a, b) for a, b in pairwise(cuts) if b > a]
    pieces = [s[a:b] for a, b in spans]
    rated = [(a, b) for a, b in spans if _rated(s[a:b])]
    dated = [(a, b) for a, b in rated if any(a <= f.start and f.end <= b for f in m.dates)]
    if dated:
        dated += [
            (a, b)
            for a, b in rated
            if a > dated[0][0] and (SAME_TIME.search(s[a:b]) or THE_DAY.match(s[a:b]))
        ]
    if label(m) is not None or SAME_DAY.match(s):
        # "Dec. 15: the U.S. duty drops to 10%, and China's rate to 5%": the day a calendar's
        # line opens with is every clause's
        dated = rated
    # a rated clause with no date of its own is a fact of the sentence's day when it is
    # what someone said of it ("..., and said circuit boards could be next, at 50 percent")
    said = [(a, b) for a, b in rated if (a, b) not in dated and SAID.search(s[a:b])]
    if len(rated) < 2 or not dated or len(dated) + len(said) != len(rated):
        return None
    subject = SUBJECT.match(s)
    out: list[str] = []
    for (at, _), piece in zip(spans, pieces, strict=True):
        text = JOINER.sub("", piece).strip(" ,;").rstrip(".")
        if out and not _rated(piece):
            out[-1] = f"{out[-1]}, {text}"
            continue
        if out and subject is not None and SAID.match(text):
            text = f"{subject.group(1)} {text}"  # "..., and said ...": who said it
        before = [f for f in m.dates if f.end <= at]
        ref = SAME_TIME.search(text) if out and before else None
        if ref is not None:
            # "from the same day": the day of the clause before, said again
            day = f"{ref.group(0).split()[0]} {before[-1].text}"
            text = f"{text[: ref.start()]}{day}{text[ref.end() :]}"
        same = SAME_DAY.match(s)
        if out and same is not None:
            text = f"{same.group(0)}, {text}"  # "The same day, ..., and ...": each clause's day
        out.append(text)
    return [f"{x}." for x in out]
