"""Stage 3, the claims of a rate: who imposes what rate on whom under which basis, in what
state, from when; and whether the sentence's own date is an act of its own beside the rate
(bot.ingest.claims builds the rest of a sentence's claims)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from bot.dates import FuzzyDate
from bot.ingest.claim import Claim
from bot.ingest.cues import (
    ANNOUNCED_AT,
    CHANGES,
    EFFECTIVE,
    MEETING,
    SIDES,
    SINCE,
    TARIFF_NEWS,
    TO_RATE_ON,
    UPHELD,
)
from bot.ingest.mentions import (
    HAD_CLAUSE,
    MOVED_TO,
    RATE,
    TARIFF,
    TO_ZERO,
    Mentions,
    retag,
)
from bot.ingest.sides import GUESSED, ON_CN, ON_US, direction
from bot.ingest.when import Found


@dataclass
class Rated:
    """A sentence's rate claims, with the dates its rate cues introduce."""

    claims: list[Claim] = field(default_factory=list)
    effective: Found | None = None  # "from Dec. 15", "took effect on Tuesday"
    since: Found | None = None  # "since July 24"
    final: bool = False
    """Whether the rate is all the sentence says (no event of its own beside it)."""


def _status(sentence: str, when: FuzzyDate | None, today: date, started: bool = True) -> str:
    """The state of a rate on the article's day. `started`: the sentence gives the rate a
    start of its own ("from Dec. 10"); a rate someone said would come, with none ("Trump said
    the drone tariff would go to 50%"), is a threat."""
    had = HAD_CLAUSE.search(sentence)
    if had is not None:
        sentence = sentence[: had.start()]  # (not the background clause's verbs)
    low = sentence.casefold()
    ahead = when is not None and when.start > today
    moved = bool(MOVED_TO.search(sentence) or TO_ZERO.search(sentence))
    for status, pattern in (
        ("suspended", r"\bsuspend|\bpaus|on hold"),
        # an exemption of goods is a layer at zero for them (its rate), not a lifting
        ("lifted", r"\blift|\bremov|\bdrop|\bscrap|\bvoid|struck down|\bexpire|\blapse"),
        # "said it would lower": reported, so announced; "would ... if", "could": a threat
        ("threatened", r"\bthreat|\bcould\b|\bwarn|\bpropos|\bwould\b(?=.*\b(?:if|unless)\b)"),
    ):
        if status == "lifted" and moved:
            continue  # "will drop its tariff on sorghum to zero": a new rate, not a lifting
        if re.search(pattern, low):
            return status
    if not started and re.search(r"\bwould (?:go|rise|climb|jump|double|be raised)\b", low):
        return "threatened"
    if (
        when is not None
        and when.start == when.end <= today
        and (started or when.start == today)
        and not re.search(r"\bwill\b|\bwould\b|\bset to\b|\bplans?\b", low)
    ):
        return "in_force"  # its day has come: "pays no additional tariff from today"
    if ahead or re.search(r"\bwill\b|\bset to\b|\bplans?\b|\bto (?:cut|lower|raise|reduce)", low):
        return "announced"
    if re.search(
        r"took effect|takes effect|in force|in effect|imposed|collect|\bcut\b|rais|lowered|reduced|"
        r"halved|"
        r"(?:has|have) applied|appl(?:y|ies) since|in place since|(?:has|have) paid\b.*\bsince",
        low,
    ):
        return "in_force"
    return "announced"


def _clause_after(sentence: str, at: int) -> str:
    """The clause a date stands in, from the date to the next break ("Last Friday, USTR
    said ...": the clause after the comma that follows the date)."""
    lead = re.match(r"[\s,;:]*", sentence[at:])
    at += lead.end() if lead else 0
    # "and" breaks a clause before a verb ("... and threatened"), not inside a noun phrase
    # ("steel and aluminum derivative products")
    m = re.search(
        r",\s|;|\band\s+(?=\w+ed\b|then\b|also\b|later\b)|\bprompting\b|\bwhile\b",
        sentence[at:],
    )
    return sentence[at : at + m.start()] if m else sentence[at:]


def date_after(m: Mentions, pattern: re.Pattern[str], after: int = 0) -> Found | None:
    """The first date the pattern introduces ("until May 10"), at or after `after` when one
    is there, else the first anywhere."""
    hits = [f for f in m.dates if pattern.search(m.sentence[max(0, f.start - 60) : f.start])]
    return next((f for f in hits if f.start >= after), hits[0] if hits else None)


def rated(m: Mentions, main: Found | None, today: date) -> Rated:
    """The rate claims of a sentence whose main (own) date is `main`."""
    s = m.sentence
    out: list[Claim] = []
    effective = date_after(m, EFFECTIVE)
    since = date_after(m, SINCE)
    # "On Wednesday, the court upheld the duties, which the U.S. has charged at 12.5% since
    # July 24": the act of the day beside the layer it restates
    restated = (
        main is not None
        and since is not None
        and since is not main
        and since.when.end < main.when.start
        and bool(UPHELD.search(s))
    )
    event_too = (
        (bool(m.people) and bool(MEETING.search(s)))
        or (
            # "Beijing on Oct. 9 announced controls on rare earths, prompting Trump to threaten
            # 100% from Nov. 1": the statement's own date is an event of its own beside the
            # tariff's, when its clause is not about the tariff ("Greer said on Friday the duty
            # would be cut ... from Dec. 15" is one fact)
            main is not None
            and effective is not None
            and main is not effective
            and main.start < effective.start
            and main.when.end < effective.when.start
            and not (TARIFF.search(clause := _clause_after(s, main.end)) or RATE.search(clause))
            # "the lower tariff, announced last Thursday, took effect on Tuesday": the
            # announcement of the tariff itself, one fact with it (gold rule 2)
            and not ANNOUNCED_AT.search(s[max(0, main.start - 30) : main.start])
        )
        or restated
        or (
            # "Three importers sued on Wednesday to stop the 25% tariff before it starts on
            # Jan. 1": an act against the layer, on a day of its own
            main is not None
            and effective is not None
            and main.when.end < effective.when.start
            and bool(UPHELD.search(s[: main.start]))
        )
    )
    if (
        m.tariff
        and m.rates
        and (TARIFF_NEWS.search(s) or CHANGES.search(s) or not event_too or restated)
    ):
        # "has paid 25% since Aug. 1 last year": the rate's own date, though "since" makes
        # it background for an event
        # "falls to 10% on Dec. 15": a new rate's own date, before a "since" of the old one
        moved_on = date_after(m, TO_RATE_ON) if CHANGES.search(s) else None
        when_found = effective or moved_on or since or main
        # "Washington will cut its tariff on Chinese goods to 10% and Beijing its tariff on
        # US goods to 10%": one claim for each side
        parts = [m]
        if ON_US.search(s) and ON_CN.search(s):
            parts = [retag(m, piece) for piece in SIDES.split(s) if RATE.search(piece)] or [m]
        for part in parts:
            imposer, target, why = direction(part)
            out.append(
                Claim(
                    "tariff",
                    s,
                    when=when_found.when if when_found else None,
                    found=when_found,
                    rate=part.new_rate,
                    imposer=imposer,
                    target=target,
                    basis=part.basis if len(parts) > 1 else m.basis,
                    status=_status(
                        part.sentence,
                        when_found.when if when_found else None,
                        today,
                        started=effective is not None
                        or moved_on is not None
                        or (since is not None and when_found is since),
                    ),
                    announced=main.when
                    if main is not None
                    and effective is not None
                    and main is not effective
                    and main.when.end < effective.when.start
                    else None,
                    changes=bool(CHANGES.search(part.sentence)),
                    side_said=why not in GUESSED,
                    reasons=[f"rate {part.new_rate:g}%", f"direction: {why}"],
                    people=list(m.people),
                    words=set(m.words),
                )
            )
        return Rated(out, effective, since, final=not event_too)
    # "it would fall to 10 percent": a rate without its tariff named
    return Rated(out, effective, since, final=bool(m.rates and CHANGES.search(s) and not m.tariff))
