"""Stage 3: claims built from a sentence's mentions: who did what, when; who imposes what
rate on whom under which basis, in what state, from when; what is due when; what happened
to a deadline (extended to a new date); who holds which post. At most one dated claim of
an event or a milestone per sentence: its main date, not one per date expression.

The claims of a rate are built in bot.ingest.rated, and the claim itself is the value of
bot.ingest.claim. Pure: mentions and the article's day in, claims out; the record is
consulted later (bot.ingest.compare).
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from bot.dates import FuzzyDate
from bot.ingest.claim import Claim
from bot.ingest.clauses import label
from bot.ingest.cues import (
    ACT_ON,
    EXTEND_BY,
    NEW_END,
    OLD_END,
    OPENED,
    SAID_AT,
    SUSPENDS,
    months,
)
from bot.ingest.due import due_claims
from bot.ingest.lean import leans_future
from bot.ingest.mentions import (
    EXTEND,
    MILESTONE,
    UNDER_WAY,
    Mentions,
)
from bot.ingest.rated import date_after, rated
from bot.ingest.sides import direction
from bot.ingest.tense import DONE, after_last, is_background, is_relative
from bot.ingest.when import Found

OWN_CLAUSE = re.compile(
    r"\b(?:and|while)\s+(?:that\s+)?(?:[\w-]+\s+){0,4}?"
    r"(?:to|will|would|is\s+to|are\s+to|plans?\s+to)\s+\w+"
    r"|,\s+and\s+(?:the\s+)?(?:[\w-]+\s+){1,3}(?:on|in|from)\s*$",
    re.IGNORECASE,
)
"""A second date ahead in a clause of its own ("agreed to exchange lists by Dec. 18 and to
hold another call on Dec. 22"): a second milestone, however close to the first."""


def extension_end(m: Mentions) -> Found | None:
    """The new end of an extension: a date the verb leads to ("were extended on Sept. 28 to
    Jan. 10"), not the old end named before it ("due to expire on Nov. 10")."""
    verb = EXTEND.search(m.sentence) if m.extends else None
    found = date_after(m, NEW_END, verb.end() if verb else 0)
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
        day = label(m)
        if new_end is None and day is not None and day.when.start > today:
            # "May 10, 2027: the crane suspension, extended on Nov. 20, runs out": a
            # calendar's day is the new end of what its line says was extended
            new_end = day
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

    r = rated(m, main, today)
    out += r.claims
    if r.final:
        return out
    effective, since = r.effective, r.since
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
        and leans_future(s, main.start)
        and not DONE.search(s[: main.start])  # "has terminated ..., effective today": done
    )
    # what is due, or a calendar's line for a day ahead ("Friday 18 December: the two
    # governments exchange draft lists")
    kind = "milestone" if ahead and (MILESTONE.search(s) or label(m) is main) else "event"
    if ahead and kind == "event" and main is effective:
        # "China will require export licences ..., starting Jan. 1, the ministry said on
        # Wednesday": a measure that takes effect ahead, announced on a day that has passed
        kind = "milestone"
        said = next(
            (
                f
                for f in own[1:]
                if f.when.end <= today and SAID_AT.search(s[max(0, f.start - 30) : f.start])
            ),
            None,
        )
        if said is not None:
            out.append(_dated("event", m, said, f"a measure announced “{said.text}”"))
    if ahead and kind == "event":
        if not m.people:
            return out  # a future statement with nothing due: not a fact yet
        kind = "milestone"  # what named people will do on a date ahead: nothing happened yet
    later = next(
        (
            f
            for f in own[1:]
            if f.when.start > today
            and not (f is effective and m.tariff and m.rates)  # (the rate's start: its own)
            and MILESTONE.search(s[max(0, f.start - 60) : f.start])
            # "will hold a video call on Tuesday to prepare for the round in Geneva on Jan.
            # 13 and 14": a second meeting ahead, weeks from the first
            and (
                kind == "event"
                or f.when.start - main.when.end > timedelta(days=14)
                or OWN_CLAUSE.search(s[main.end : f.start])
            )
            and not re.search(r"\b(?:unless|if)\b", s[main.end : f.start], re.IGNORECASE)
        ),
        None,
    )
    if later is not None:  # "held a call on Tuesday and agreed to meet in mid-January"
        out.append(_dated("milestone", m, later, f"milestone dated by “{later.text}”"))
    out.append(_dated(kind, m, main, f"{kind} dated by “{main.text}”"))
    return out


def _dated(kind: str, m: Mentions, found: Found, reason: str) -> Claim:
    """A claim of the sentence's people and words, dated by one of its dates."""
    return Claim(
        kind,
        m.sentence,
        when=found.when,
        found=found,
        relative=is_relative(found),
        reasons=[reason],
        people=list(m.people),
        words=set(m.words),
    )
