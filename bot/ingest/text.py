"""Stage 1: an article's text cut into the sentences that carry its story.

spaCy's rule-based sentencizer (`spacy.blank("en")`, no model to download) splits the
paragraphs, keeping "U.S.", "Oct. 9" and "Mr." inside their sentences. Page furniture is
recognised and set aside before anything reads a date in it: the dateline ("WASHINGTON,
Nov 24 (Wire) -", whose date is the filing day, not an event), bylines and sign-offs
("Reporting by ...; Editing by ..."), calls to sign up or share, "Related coverage" and the
links listed under it, headings of a notice or alert (a short line with no full stop, or a
line of short fields set off by "|", or one in capitals), and the clock time that opens a
live blog's entry. A page that repeats its story is read once. A sentence is said as a
headline (for a proposal's title) here too.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from typing import Any

_MONTH = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?"
DATELINE = re.compile(
    rf"^(?P<place>[A-Z][A-Z.'\- ]{{2,}}(?:,\s*[A-Z][A-Za-z.' ]+)?)"
    rf"(?:,?\s+(?:{_MONTH}\s+\d{{1,2}}|\d{{1,2}}\s+{_MONTH}))?"
    r"(?:,?\s+\d{4})?\s*(?:\([^)]{1,40}\))?\s*(?:--|-|–|—|:)\s+"
)
"""WASHINGTON, Nov 24 (Wire) -  /  BEIJING, Nov. 26 (ZNS) --  /  GENEVA, May 12 -"""
ENTRY_TIME = re.compile(
    r"^(?:\d{1,2}[:.]\d{2}\s*(?:[ap]\.?m\.?)?\s*(?:[A-Z]{2,4}|[A-Z][a-z]+ time)?|"
    r"\d{1,2}\s*[ap]\.?m\.?\s*(?:[A-Z]{2,4}|[A-Z][a-z]+ time)?)"
    r"(?:\s*\([^)]{1,40}\))?\s*(?:--|-|–|—|:|\|)\s+"
)
"""A live blog's entry stamp: "09:15 ET —", "10:02 p.m. Beijing time:", "8.40am (Beijing) -"."""
BOILERPLATE = re.compile(
    r"^\(?\s*(?:reporting by|additional reporting|editing by|writing by|compiled by|"
    r"sign up|subscribe|follow us|related (?:coverage|articles|stories|reading)|related:|"
    r"read more|more from|share this|advertisement|copyright|©|all rights reserved|tags:|"
    r"this (?:alert|article|newsletter) (?:is|was|does)|disclaimer|for more information|"
    r"contact us|click here|our standards|photo:|image:|file photo|you are receiving|"
    r"unsubscribe|forward this|was this forwarded)",
    re.IGNORECASE,
)
LINK_LIST = re.compile(r"^\s*(?:[-•*]|\d+\.)\s+")


@dataclass(frozen=True)
class Sentence:
    text: str
    paragraph: int
    heading: str | None = None
    """The heading the sentence stands under ("China on U.S.", "2. WHAT CHANGES"), if any."""


@cache
def _nlp() -> Any:
    """spaCy's blank English pipeline with the rule-based sentencizer, built once a process."""
    import spacy

    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    return nlp


def _paragraphs(text: str) -> list[tuple[str, str | None]]:
    """Paragraphs with the furniture set aside: a list under a 'Related' heading, headings,
    boilerplate; datelines and entry stamps cut from the front of what stays. Each with the
    heading it stands under."""
    out: list[tuple[str, str | None]] = []
    in_links = False
    heading: str | None = None
    for raw in re.split(r"\n\s*\n|\n(?=\s*(?:[-•*]|\d{1,2}[:.]\d{2}))", text):
        lines = [" ".join(line.split()) for line in raw.splitlines() if line.strip()]
        for line in lines:
            if BOILERPLATE.match(line):
                in_links = bool(re.match(r"(?i)\(?\s*related|more from|read more", line))
                continue
            if in_links and LINK_LIST.match(line):
                continue
            in_links = False
            line = DATELINE.sub("", line, count=1)
            line = ENTRY_TIME.sub("", line, count=1)
            if LINK_LIST.match(line):
                line = LINK_LIST.sub("", line, count=1)
            fields = line.split(" | ")
            if len(fields) >= 2 and all(len(f.split()) <= 6 for f in fields):
                continue  # "December 4, 2026 | International Trade Group | Los Angeles"
            letters = [c for c in line if c.isalpha()]
            if len(letters) >= 12 and sum(c.isupper() for c in letters) >= 0.7 * len(letters):
                heading = line  # "SECTION 301 FORCED-LABOR DUTY (CSMS #67411873, issued ...)"
                continue
            words = line.split()
            if len(words) < 4 or (len(words) <= 9 and not re.search(r"[.!?”\"]$", line)):
                heading = line  # a heading
                continue
            out.append((line, heading))
    return out


NUMBERED = re.compile(r"\b(?:No|Nos|Art|Para|Sec|Vol)\.$")
"""An abbreviation the sentencizer cuts at ("Announcement No. | 15 of 2026")."""


def _joined(sents: Iterable[str]) -> list[str]:
    out: list[str] = []
    for s in sents:
        if out and NUMBERED.search(out[-1]) and s[:1].isdigit():
            out[-1] = f"{out[-1]} {s}"
        else:
            out.append(s)
    return out


def read(text: str) -> list[Sentence]:
    """The article's sentences that carry its story, each once, in order."""
    nlp = _nlp()
    seen: set[str] = set()
    out: list[Sentence] = []
    for n, (para, heading) in enumerate(_paragraphs(text)):
        for s in _joined(" ".join(sent.text.split()) for sent in nlp(para).sents):
            key = s.casefold()
            if len(s.split()) < 4 or key in seen:
                continue
            seen.add(key)
            out.append(Sentence(s, n, heading))
    return out


def sentences(text: str) -> list[str]:
    return [s.text for s in read(text)]


ATTRIBUTION = re.compile(
    r",?\s*(?:officials?|sources?|analysts?|people familiar[^,]*|the ministry|\w+ said|"
    r"said \w+(?: \w+)?|according to [^,.]+)\s*(?:said|say|says)?\.?$",
    re.IGNORECASE,
)
LEAD_IN = re.compile(
    r"^(?:on|late on|early on|by|in|at)\s+[^,]{1,40},(?:\s+\d{4},)?\s+|"
    r"^(?:separately|meanwhile|also|however|earlier|later),\s+",
    re.IGNORECASE,
)


def headline(sentence: str, limit: int = 110) -> str:
    """A sentence said as a headline: no lead-in date phrase, no attribution, no full stop,
    cut at a word."""
    text = LEAD_IN.sub("", sentence.strip())
    text = ATTRIBUTION.sub("", text).strip().rstrip(".")
    text = re.sub(r"^[\"“”']+|[\"“”']+$", "", text)
    text = text[:1].upper() + text[1:]
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0]
    return cut.rstrip(",;:") + "…"
