"""The words claims are built on: what says a rate changes, a tariff is news, a meeting took
place, an act was done on a day; where a tariff takes effect, since when it applies, where a
deadline's new end stands and what it had been. Used by bot.ingest.claims."""

from __future__ import annotations

import re

CHANGES = re.compile(
    r"\b(cut|cuts|lower\w*|reduc\w*|rais\w*|increas\w*|hik\w*|fall|falls|fell|drop\w*|go(?:es)? up|"
    r"rose|rise|rises|climb\w*|jump\w*|went (?:up|down)|halv\w*|doubl\w*|"
    r"go(?:es)? down|bring \w+ down)\b.{0,130}?\bto\s+\d|\bnew (?:rate|level) of\s+\d",
    re.IGNORECASE,
)
TARIFF_NEWS = re.compile(
    r"\b(impos\w*|levy|levied|took effect|takes? effect|in force|cut|cuts|lower\w*|rais\w*|"
    r"hik\w*|suspend\w*|paus\w*|lift\w*|remov\w*|exempt\w*|announc\w*|threat\w*|propos\w*|"
    r"collect\w*|appl(?:y|ies)|slapp?\w*|put|reduc\w*|increas\w*|add(?:s|ed|ing)?|bring\w*|"
    r"brought|widen\w*|expand\w*|set|sets|assign\w*)\b",
    re.IGNORECASE,
)
MEETING = re.compile(
    r"\b(met|meet|meeting|talks|held|call|spoke|visit\w*|summit|round|consultations|"
    r"negotiat\w*|turned to|signed|ruled|ruling|sat (?:down|across)|sit down)\b",
    re.IGNORECASE,
)
SIDES = re.compile(
    r";\s+|,?\s+while\s+|,\s+and\s+|\s+and\s+(?=(?:beijing|china|washington|the u\.?s\.?|"
    r"the united states)\b)",
    re.IGNORECASE,
)
ANNOUNCED_AT = re.compile(
    r"\b(?:announced|unveiled|disclosed|confirmed|made public)(?:\s+(?:on|in|at|late on))?\s*$",
    re.IGNORECASE,
)
SAID_AT = re.compile(
    r"\b(?:said|says|announced|unveiled|published|posted|issued|confirmed)"
    r"(?:\s+(?:on|late on|early on|in|at))?\s*$",
    re.IGNORECASE,
)
"""The day a statement was made, said after it ("..., the ministry said on Wednesday")."""
UPHELD = re.compile(
    r"\b(?:upheld|ruled|struck down|signed|approved|rejected|blocked|voted|affirmed|sued|"
    r"challenged|heard argument|held a hearing)\b",
    re.I,
)
"""A court's, a legislature's or a leader's act on a layer (not a change of its rate)."""
ACT_ON = re.compile(
    r"\b(?:announced|imposed|introduced|unveiled|issued|widened|adopted)\s+(?:on\s+)?$", re.I
)
"""A recorded act named by the day it was done ("the controls it announced on Oct. 9")."""
OPENED = re.compile(
    r"\b(?:opened|launched|began|started|initiated|filed|issued|published|signed)\b", re.I
)
"""The act that set a procedure going (not a statement of what is due)."""
TO_RATE_ON = re.compile(r"\bto\s+\d{1,3}(?:\.\d+)?(?:\s*%|\s*percent)\s+on\s+$", re.IGNORECASE)
SINCE = re.compile(r"\bsince\s+$", re.IGNORECASE)
EFFECTIVE = re.compile(
    r"\b(?:from|starting|effective|beginning|as of|as from|(?:takes?|took) effect(?: on)?|"
    r"c[oa]me into (?:force|effect)(?: on)?|(?:in force|in effect|has applied|applied) since|"
    r"(?:it |they )?(?:starts?|begins?) on|"
    r"(?:goods )?(?:entered|declared) (?:on or after|from)|applies? (?:to goods entered )?from)\s+"
    r"(?:(?:\d{1,2}[:.]\d{2}|12:01)\s*[ap]\.?m\.?(?:\s+\w+)?\s+on\s+)?"
    r"(?:(?:next|this|coming)\s+\w+day,?\s+)?$",
    re.IGNORECASE,
)
NEW_END = re.compile(
    r"\b(?:to|until|till|through|into|by|runs? to|expires? on|ends? on|runs? out on|lapses? on|"
    r"(?:now )?takes? effect on|now (?:due|set) (?:on|for))\s+(?:\w+\s+){0,1}$",
    re.IGNORECASE,
)
OLD_END = re.compile(
    r"\b(?:had been |was |were )?(?:due|set|scheduled) to (?:end|expire|lapse|run out)"
    r"(?: on)?\s+$|\bhad been due (?:on\s+)?$",
    re.IGNORECASE,
)
"""The end a deadline had before it moved ("which had been due to end on Friday")."""
SUSPENDS = re.compile(
    r"\b(?:suspen\w*|paus\w*|on hold|truce|reprieve|keep\w* \w*suspend\w*)\b.{0,160}?"
    r"\b(?:until|through|till|runs?(?:\s+\w+)?\s+(?:to|until)|stays? suspended to)\b",
    re.IGNORECASE,
)
EXTEND_BY = re.compile(
    r"\bby (?P<n>one|a|two|three|six|\d{1,2}) (?P<unit>years?|months?)\b", re.IGNORECASE
)
COUNT = {"one": 1, "a": 1, "two": 2, "three": 3, "six": 6}


def months(m: re.Match[str]) -> int:
    """The months an EXTEND_BY match says ("by a year": 12)."""
    n = int(m["n"]) if m["n"].isdigit() else COUNT[m["n"].lower()]
    return n * 12 if m["unit"].lower().startswith("year") else n


EXPIRES = re.compile(
    r"\b(?:terms|truce|suspensions?|pause|exclusions?|exemptions?|waivers?|deadline|licen[cs]es?)"
    r"\b[^.;]{0,40}?\b(?:expires?|expiring|runs? out|lapses?|ends?)\b",
    re.IGNORECASE,
)
"""What a named instrument's end is ("The Busan terms expire on 10 January"): a deadline of
its own, with no actor to name."""
