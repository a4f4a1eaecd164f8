"""Which way the clause of a date leans: to the future ("would meet next week", "with deposits
from Tuesday") or to the past ("held a call on Saturday"), and whether the date is the day a
past act happened ("stopped collecting them on February 24"). bot.ingest.when uses it to pick
a weekday's week and a month's year. Pure."""

from __future__ import annotations

import re

FUTURE = re.compile(
    r"\b(will|would|shall|is set to|are set to|is due|are due|is expected|are expected|"
    r"expected to|plans? to|planned|scheduled|is to|are to|next|upcoming|to meet|to hold|"
    r"is going to|are going to|aims? to|on track|takes? effect|comes? into (?:force|effect)|"
    r"kicks? in|goes into effect|starting|effective|expects?|to be)\b",
    re.IGNORECASE,
)

_BREAK = re.compile(r";|(?<!\d):(?!\d)|,\s|\band\b|\bbut\b")


_SCHEDULED = re.compile(
    r"\b(?:holds|meets?|visits|travels|hosts|heads|leads|opens|begins|starts|resumes|"
    r"arrives|convenes|gathers|testifies|appears|(?<!to )start|(?<!to )begin|goes|"
    r"follows?(?= on\b)|falls|drops|rises|expires|lapses)\b"
    r"(?!.*\b(?:ago|last|yesterday)\b)",
    re.IGNORECASE,
)
"""The present tense of a schedule ("Li holds talks in Washington on Tuesday"): news
writes what is planned this way, and what happened in the past tense."""
_PAST = re.compile(
    r"\b\w+ed\b|\b(held|said|met|took|made|wrote|spoke|began|gave|came|told|sent|won|led)\b"
)


_ON = re.compile(r"\b(?:on|in)\s+$", re.IGNORECASE)
_DUE_VERB = re.compile(r"\b(?:expires?|ends?|falls?|runs?|lapses?|is|are)\b", re.IGNORECASE)
_LABEL = re.compile(r"(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day:\s")
_UNTIL = re.compile(
    r"\b(?:remains?|stays?|runs?|is|are|will)\b[^,;]{0,60}\b(?:until|till|through)\s+$", re.I
)
_BEGUN = re.compile(r"\b(?:began|begun|started|has|have|had)\b", re.IGNORECASE)
_FROM = re.compile(
    r"\b(?:deposits?|collection|rates?|dut(?:y|ies)|tariffs?|levy|appl(?:y|ies)|effect)\b"
    r"[^,;]{0,50}\b(?:from|as of)\s+(?:next\s+)?$",
    re.IGNORECASE,
)


def past_act_day(sentence: str, at: int) -> bool:
    """Whether the date at `at` is the day a past act of its clause happened ("Customs stopped
    collecting them on February 24"), not where a past act led ("extended to Jan. 10")."""
    starts = [m.end() for m in _BREAK.finditer(sentence, 0, at)]
    clause = sentence[max(starts, default=0) : at]
    near = clause[-32:]  # the act's own verb, not a participle further back
    return (
        bool(_ON.search(clause))
        and not FUTURE.search(clause)
        and not _SCHEDULED.search(clause)
        and bool(_PAST.search(near))
        and not _DUE_VERB.search(near)
    )


def leans_future(sentence: str, at: int) -> bool:
    """Whether the clause that leads up to position `at` speaks of the future ("would meet
    next week"), as opposed to the sentence as a whole ("held a call on Saturday and said
    they would meet")."""
    if at == 0 and _LABEL.match(sentence):
        # a calendar's line ("Tuesday: the working teams hold a video call"): what is ahead,
        # unless the line tells it in the past ("Monday: Li met ...")
        return not _PAST.search(sentence[sentence.index(":") :])
    starts = [m.end() for m in _BREAK.finditer(sentence, 0, at)]
    clause = sentence[max(starts, default=0) : at]
    if FUTURE.search(clause) or _SCHEDULED.search(clause):
        return True
    if _UNTIL.search(clause):
        return True  # "remains suspended until May 10": to a day ahead
    if _FROM.search(clause) and not _BEGUN.search(clause):
        # "with deposits from Tuesday", "imposed duties of 43.6% on U.S. nylon 66 chips from
        # Saturday": a start, said ahead of it (not "began collecting them from Monday")
        return True
    if _PAST.search(clause):
        return False
    # the words after: "on Friday Beijing said Li would attend" is past, said before would
    ahead = sentence[at : at + 70]
    future = FUTURE.search(ahead) or _SCHEDULED.search(sentence[at : at + 100])
    past = _PAST.search(ahead)
    if past is not None and (future is None or past.start() < future.start()):
        return False
    return future is not None
