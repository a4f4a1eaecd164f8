"""Which side a tariff statement is about: who imposes it on whom, read from its object ("on
U.S. pork"), whose tariff it is ("China's additional tariff"), whose makers a trade-remedy rate
is set for, else who acts first; the clause of what it answered or came after is not read.
Part of stage 2 (bot.ingest.mentions). Pure."""

from __future__ import annotations

import re

from bot.ingest.mentions import ANSWER, Mentions

_NOT_GOODS = (
    r"(?!(?:trade|treasury|commerce|officials?|government|administration|side|president|customs|"
    r"tariffs?|dut(?:y|ies)|negotiators?|importers?|buyers?|companies|firms|retailers|consumers|"
    r"lawmakers|senators?|and|says?|said|will|would|has|have)\b)"
)
_GOODS_PAY = (
    r"[a-z][\w-]*(?:\s+(?:and\s+)?[a-z][\w-]*){0,3}\s+(?:declared|pays?|paid|will pay|has entered|"
    r"entered|enters|comes? off|came off|(?:is|are|will be|has been|have been) exempt|"
    r"has paid|have paid|faces?|faced|follows? on)\b"
)
"""A sentence whose subject is a side's goods ("U.S. alfalfa and timothy hay come off China's
10% tariff", "- U.S. sorghum declared from today pays no additional tariff"): the goods are
the target, whoever's tariff it is."""
ON_US = re.compile(
    r"(?:^|;\s+|\b(?:that|said|says)\s+)(?:[^:]{0,30}:\s+|-\s+)?(?:u\.s\.|(?-i:US)|american)\s+"
    + _NOT_GOODS
    + _GOODS_PAY
    + "|"
    # "would exempt American soybeans from its 10% tariff"; "has entered China free of ..."
    r"\b(?:exempt|exclude)(?:s|d|ed|ing)?\s+(?:u\.s\.|(?-i:US)|american)\s|"
    r"\b(?:enter(?:s|ed|ing)?|into)\s+china\b|"
    r"\bappl(?:y|ies|ied)\s+to\s+(?:all\s+)?(?:other\s+)?(?:u\.s\.|(?-i:US)|american)\s|"
    r"\b(?:on|against)\s+(?:imports of\s+|some\s+|all\s+|(?:the\s+)?\d[\d,]*\s+|the\s+)?"
    r"(?:u\.s\.|(?:(?-i:US)|american|united states)(?:-made|-origin)?\b)"
    r"|\bfor\s+(?:u\.s\.|us|american)\s+(?:goods|imports|products|exports)\b"
    r"|\bfrom the (?:u\.s\.|united states)|\bof (?:u\.s\.|us|american) origin\b"
    r"|\b(?:originating|made|produced) in the (?:u\.s\.|united states)"
    r"|^(?:u\.s\.|(?-i:US)|american)\s+[\w\s-]{0,40}?\b"
    r"(?:will pay|pays?|paid|will face|faces?|faced)\b"
    r"|\b(?:products|goods|imports|exports) of the (?:u\.s\.|united states)"
    r"|\b(?:categories|lines|items|kinds|types|subheadings)\s+of\s+(?:u\.s\.|(?-i:US)|american)\s"
    # "on about 34 billion U.S. dollars of U.S. goods"
    r"|\b(?:billion|million|bn)\b[^;]{0,30}?\bof\s+(?:u\.s\.|(?-i:US)|american)\s+"
    r"(?:goods|imports|products|exports)\b",
    re.IGNORECASE,
)
ON_CN = re.compile(
    r"(?:^|;\s+|\b(?:that|said|says)\s+)(?:[^:]{0,30}:\s+|-\s+)?chinese\s+"
    + _NOT_GOODS
    + _GOODS_PAY
    + "|"
    r"\b(?:exempt|exclude)(?:s|d|ed|ing)?\s+chinese\s|"
    r"\b(?:enter(?:s|ed|ing)?|into)\s+the\s+(?:united states|u\.s\.)\b|"
    r"\b(?:on|against)\s+(?:imports of\s+|some\s+|all\s+)?(?:chinese|china'?s?)\b|"
    r"\bfor\s+chinese\s+(?:goods|imports|products|exports)\b|"
    r"\bfrom china\b(?!'s)|\bchinese-made\b|\bof chinese origin\b|\b(?:china|chinese)-origin\b|"
    r"\b(?:originating|made|produced) in china\b|"
    r"^chinese\s+[\w\s-]{0,40}?\b(?:will pay|pays?|paid|will face|faces?|faced)\b|"
    r"\b(?:products|goods|imports|exports|shipments) (?:of|from) (?:china|the prc)\b|"
    r"\b(?:categories|lines|items|kinds|types|subheadings)\s+of\s+chinese\s|"
    r"\b(?:billion|million|bn)\b[^;]{0,30}?\bof\s+chinese\s+(?:goods|imports|products|exports)\b",
    re.IGNORECASE,
)
CN_OWNS = re.compile(
    r"\b(china'?s|beijing'?s|chinese)\s+(?:[\w%.-]+\s+){0,3}(?:counter-?tariffs?|tariffs?|dut(?:y|ies)|"
    r"levies|retaliat\w*)",
    re.IGNORECASE,
)
US_OWNS = re.compile(
    r"\b(u\.s\.|(?-i:US)|american|washington'?s|america'?s)\s+(?:\w+\s+){0,2}(?:tariffs?|dut(?:y|ies)|"
    r"levies|surcharge)",
    re.IGNORECASE,
)


AFTERWARDS = re.compile(
    r",\s+(?:(?:its|their|the|a)\s+(?:first|second|latest|biggest)\s+\w+\s+)?"
    r"(?:since|after|following)\s+(?=\w)",
    re.IGNORECASE,
)
"""A clause of what came before ("..., its first concession since Beijing cut duties on
American crude"): another act, on another side."""


MAKERS = re.compile(
    r"\b(?:for|to|on)\s+(?:all\s+)?(?:(?P<cn>chinese|china's)|u\.s\.|american)\s+"
    r"(?:producers|exporters|manufacturers|makers|respondents|companies)\b",
    re.IGNORECASE,
)
"""Whose makers a trade-remedy rate is set for (an anti-dumping or subsidy rate)."""


DEFAULT_SIDE = "the US acts"
"""Why a tariff statement that says nothing of its side is read as the US's."""
LEANED = "as the tariff of the sentence before"
"""Why a tariff statement that says nothing of its side takes the side said before it."""
GUESSED = (DEFAULT_SIDE, LEANED)
"""The sides a statement did not say (the record may know better)."""


def direction(m: Mentions) -> tuple[str, str, str]:
    """(imposer, target, why) of a tariff statement: its object ("on U.S. pork"), whose
    tariff it is ("China's additional tariff"), else who acts first in the sentence."""
    s = ANSWER.split(m.sentence, maxsplit=1)[0]  # (not the side of what it answered)
    s = AFTERWARDS.split(s, maxsplit=1)[0]  # (nor of what it came after)
    maker = MAKERS.search(s)
    if maker is not None:  # "a rate of 58.16% for all Chinese producers and exporters"
        return (("US", "CN") if maker["cn"] else ("CN", "US")) + (f"for {maker.group(0)}",)
    if ON_US.search(s):
        return "CN", "US", "on US goods"
    if m.basis in ("Section 122", "Section 232", "Section 301", "IEEPA", "fentanyl", "reciprocal"):
        return "US", "CN", f"a US measure ({m.basis})"
    if m.basis == "Customs Tariff Commission":
        return "CN", "US", "China's Customs Tariff Commission"
    if ON_CN.search(s):
        return "US", "CN", "on Chinese goods"
    if CN_OWNS.search(s) or re.search(r"counter-?tariff|countermeasure|retaliat", s, re.I):
        return "CN", "US", "China's tariff"
    if US_OWNS.search(s):
        return "US", "CN", "the US tariff"
    if m.cn_first is not None and (m.us_first is None or m.cn_first < m.us_first):
        return "CN", "US", "China acts"
    if m.us_first is None and m.lean is not None:
        return m.lean[0], m.lean[1], LEANED
    return "US", "CN", DEFAULT_SIDE
