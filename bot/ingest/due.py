"""Claims of what is due on a date in a procedure: comments, requests to appear and hearings
on a proposed list, an oral argument, the next phase of a refund tool ("Written comments are
due by Jan. 8, and a public hearing is set for Jan. 21": two milestones). They need no named
person: the procedure is the actor. Pure; bot.ingest.claims asks it of every sentence."""

from __future__ import annotations

import re
from datetime import date

from bot.ingest.mentions import Mentions

DUE_NOUN = re.compile(
    r"\b(?:comments?|hearings?|requests? to appear|submissions?|rebuttals?|petitions?|"
    r"(?:oral )?arguments?|phase \d+|deadline|filings?|briefs?|testif\w*|nominations?|"
    r"determinations?)\b",
    re.IGNORECASE,
)
DUE_VERB = re.compile(
    r"\b(?:(?:are|is) due|due (?:on|by)|due|set for|(?:is|are) set|will be held|scheduled|"
    r"will open|opens|will begin|begins|will hear|hears|will testify|by|closes?|will close)\b",
    re.IGNORECASE,
)
OURS = re.compile(r"\b(?:send us|let us know|tell us|contact us|our office|we will|we'll)\b", re.I)
"""A firm's or a newsletter's own request to its readers: not the record's."""


def due_claims(m: Mentions, today: date) -> list[tuple[int, str]]:
    """(index of the date in m.dates, the clause that makes it due) for each date ahead that a
    procedure's noun and a due-verb lead to, within its own clause."""
    if OURS.search(m.sentence):
        return []
    out: list[tuple[int, str]] = []
    for i, found in enumerate(m.dates):
        if found.when.start <= today:
            continue
        lo = m.dates[i - 1].end if i else 0
        clause = m.sentence[lo : found.start]
        clause = re.split(r"[;:]|,\s+and\b|\band\s+(?=(?:a|the|written)\b)", clause)[-1]
        if DUE_NOUN.search(clause) and DUE_VERB.search(clause):
            out.append((i, f"{clause.strip(' ,')} {found.text}".strip()))
    return out
