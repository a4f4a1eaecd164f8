"""Stage 3: claims built from a sentence's mentions: who did what, when; who imposes what
rate on whom under which basis, in what state, from when; what is due when; what happened
to a deadline (extended to a new date); who holds which post. At most one dated claim of
an event or a milestone per sentence: its main date, not one per date expression.

Pure: mentions and the article's day in, claims out; the record is consulted later
(bot.ingest.compare).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from bot.dates import FuzzyDate
from bot.ingest.cues import (
    ACT_ON,
    ANNOUNCED_AT,
    CHANGES,
    EFFECTIVE,
    EXTEND_BY,
    MEETING,
    NEW_END,
    OLD_END,
    OPENED,
    SIDES,
    SINCE,
    SUSPENDS,
    TARIFF_NEWS,
    TO_RATE_ON,
    UPHELD,
    months,
)
from bot.ingest.due import due_claims
from bot.ingest.mentions import (
    EXTEND,
    HAD_CLAUSE,
    MILESTONE,
    MOVED_TO,
    ON_CN,
    ON_US,
    RATE,
    TARIFF,
    TO_ZERO,
    UNDER_WAY,
    Mentions,
    direction,
    retag,
)
from bot.ingest.tense import DONE, after_last, is_background, is_relative
from bot.ingest.text import headline
from bot.ingest.titles import Titled
from bot.ingest.when import Found, _future


@dataclass
class Claim:
    kind: str  # event | milestone | tariff | person | update | post | layer | restated
    sentence: str
    when: FuzzyDate | None = None
    found: Found | None = None
    people: list[str] = field(default_factory=list)
    words: set[str] = field(default_factory=set)
    reasons: list[str] = field(default_factory=list)
    # tariffs
    rate: float | None = None
    imposer: str | None = None
    target: str | None = None
    basis: str | None = None
    status: str | None = None
    announced: FuzzyDate | None = None
    """The statement's own date when the tariff takes effect later ("announced last
    Thursday, took effect on Tuesday")."""
    # updates: the new end, as the article gives it, or how far it moves
    new_end: FuzzyDate | None = None
    extend_months: int | None = None
    # people and posts
    titled: Titled | None = None
    relative: bool = False
    changes: bool = False
    """A rate statement that moves a rate ("cut to 10%", "raise to 25%")."""

    clause: str | None = None
    """The part of the sentence the claim states, when it is not all of it."""

    @property
    def title(self) -> str:
        return headline(self.clause or self.sentence)


def _status(sentence: str, when: FuzzyDate | None, today: date) -> str:
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
    if ahead or re.search(r"\bwill\b|\bset to\b|\bplans?\b|\bto (?:cut|lower|raise|reduce)", low):
        return "announced"
    if re.search(r"took effect|takes effect|in force|in effect|imposed|collect|\bcut\b|rais", low):
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


def _date_after(m: Mentions, pattern: re.Pattern[str], after: int = 0) -> Found | None:
    """The first date the pattern introduces ("until May 10"), at or after `after` when one
    is there, else the first anywhere."""
    hits = [f for f in m.dates if pattern.search(m.sentence[max(0, f.start - 60) : f.start])]
    return next((f for f in hits if f.start >= after), hits[0] if hits else None)


def extension_end(m: Mentions) -> Found | None:
    """The new end of an extension: a date the verb leads to ("were extended on Sept. 28 to
    Jan. 10"), not the old end named before it ("due to expire on Nov. 10")."""
    verb = EXTEND.search(m.sentence) if m.extends else None
    found = _date_after(m, NEW_END, verb.end() if verb else 0)
    if found is not None and OLD_END.search(m.sentence[max(0, found.start - 40) : found.start]):
        return None  # "which had been due to end on Friday": the end it had, not the new one
    return found


def build(m: Mentions, today: date, last: FuzzyDate | None) -> list[Claim]:
    """The claims of one sentence."""
    out: list[Claim] = []
    s = m.sentence
    for t in m.titled:
        if t.person is None:
            out.append(Claim("person", s, titled=t, people=[t.name], reasons=["titled name"]))
        else:
            out.append(Claim("post", s, titled=t, people=[t.person], when=FuzzyDate.day(today)))
    dates = list(m.dates)
    if last is not None:
        after = after_last(s, last)
        if after is not None and (not dates or after.start < dates[0].start):
            dates.insert(0, after)
    own = [f for f in dates if not is_background(m, f)]
    main = own[0] if own else None
    if main is not None and len(own) > 1:
        apposed = own[1]
        between = s[main.end : apposed.start]
        if (
            re.fullmatch(r",\s*(?:on|in)?\s*", between)
            and main.when.start <= apposed.when.start
            and apposed.when.end <= main.when.end
        ):
            main = apposed  # "a week ago, on Nov. 23": the exact date said beside it
    for i, clause in due_claims(m, today):
        f = m.dates[i]
        out.append(
            Claim(
                "milestone", s, when=f.when, found=f, clause=clause, reasons=["due in a procedure"]
            )
        )
    due = {id(m.dates[i]) for i, _ in due_claims(m, today)}
    # what is due, and nothing else dated; but "opened an investigation on Nov. 23 and has
    # asked for comments by Dec. 21": the act that set the procedure is an event of its day
    opened = main is not None and id(main) not in due and main.when.end < today
    if len(out) > len(m.titled) and not m.tariff and not (opened and OPENED.search(s)):
        return out

    # what happened to a deadline: extended (postponed) to a new date
    held = SUSPENDS.search(s)
    if m.extends or held:
        new_end = extension_end(m)
        if new_end is not None and not m.extends and new_end.when.start <= today:
            new_end = None  # "suspended until last May": not a move
        by = EXTEND_BY.search(s) if m.extends else None
        if new_end is None and by is not None:
            out.append(
                Claim(
                    "update",
                    s,
                    when=main.when if main else FuzzyDate.day(today),
                    found=main,
                    extend_months=months(by),
                    rate=m.new_rate,
                    reasons=[f"extended by {by.group(0)[3:]}"],
                    people=list(m.people),
                    words=set(m.words),
                )
            )
            return out
        if new_end is not None:
            said = next((f for f in own if f is not new_end), None)
            imposer, target, _ = direction(m) if m.tariff else (None, None, "")
            out.append(
                Claim(
                    "update",
                    s,
                    when=said.when if said else FuzzyDate.day(today),
                    found=said,
                    new_end=new_end.when,
                    rate=m.new_rate,
                    imposer=imposer,
                    target=target,
                    reasons=["extended to a new date" if m.extends else "suspended until a date"],
                    people=list(m.people),
                    words=set(m.words),
                )
            )
            return out

    effective = _date_after(m, EFFECTIVE)
    since = _date_after(m, SINCE)
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
        moved_on = _date_after(m, TO_RATE_ON) if CHANGES.search(s) else None
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
                    status=_status(part.sentence, when_found.when if when_found else None, today),
                    announced=main.when
                    if main is not None
                    and effective is not None
                    and main is not effective
                    and main.when.end < effective.when.start
                    else None,
                    changes=bool(CHANGES.search(part.sentence)),
                    reasons=[f"rate {part.new_rate:g}%", f"direction: {why}"],
                    people=list(m.people),
                    words=set(m.words),
                )
            )
        if not event_too:
            return out
    elif m.rates and CHANGES.search(s) and not m.tariff:
        return out  # "it would fall to 10 percent": a rate without its tariff named

    if m.tariff and not m.rates:
        # "the duties, which have applied since July 24, 2026": a recorded layer restated by
        # its start, with no rate said (a citation if the record has one layer of that start)
        start = since or effective
        if start is not None and start.when.end < today:
            out.append(
                Claim(
                    "layer",
                    s,
                    when=start.when,
                    found=start,
                    basis=m.basis,
                    reasons=[f"a layer restated by its start “{start.text}”"],
                    words=set(m.words),
                )
            )
    for f in own[1:] if main is not None else []:
        # "... the rare-earth controls it announced on Oct. 9, 2025": a recorded act restated
        # with its own date inside a sentence about something else (cited if recorded)
        if f is not main and ACT_ON.search(s[max(0, f.start - 40) : f.start]):
            out.append(
                Claim(
                    "restated",
                    s,
                    when=f.when,
                    found=f,
                    reasons=[f"a recorded act restated, dated “{f.text}”"],
                    people=list(m.people),
                    words=set(m.words),
                )
            )
    if main is None:
        if (m.people or m.trade) and UNDER_WAY.search(s):
            out.append(
                Claim("event", s, reasons=["under way"], people=list(m.people), words=set(m.words))
            )
        return out
    if not m.people and not m.trade:
        return out
    ahead = main.when.start > today or (
        main.when.end >= today
        and _future(s, main.start)
        and not DONE.search(s[: main.start])  # "has terminated ..., effective today": done
    )
    kind = "milestone" if ahead and MILESTONE.search(s) else "event"
    if ahead and kind == "event":
        if not m.people:
            return out  # a future statement with nothing due: not a fact yet
        kind = "milestone"  # what named people will do on a date ahead: nothing happened yet
    later = next(
        (
            f
            for f in own[1:]
            if kind == "event"
            and f.when.start > today
            and MILESTONE.search(s[max(0, f.start - 60) : f.start])
        ),
        None,
    )
    if later is not None:  # "held a call on Tuesday and agreed to meet in mid-January"
        out.append(
            Claim(
                "milestone",
                s,
                when=later.when,
                found=later,
                relative=is_relative(later),
                reasons=[f"milestone dated by “{later.text}”"],
                people=list(m.people),
                words=set(m.words),
            )
        )
    out.append(
        Claim(
            kind,
            s,
            when=main.when,
            found=main,
            relative=is_relative(main),
            reasons=[f"{kind} dated by “{main.text}”"],
            people=list(m.people),
            words=set(m.words),
        )
    )
    return out
