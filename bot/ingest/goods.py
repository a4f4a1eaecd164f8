"""The goods a tariff statement names ("the tariff on U.S. pork", "Electric vehicles from
China have paid ...", "the 25% drone tariff"), by which bot.ingest.compare tells one layer
from another. Pure."""

from __future__ import annotations

import re

from bot.ingest.mentions import words
from bot.models import TariffMeasure

_GOODS = re.compile(
    r"\b(?:tariffs?|dut(?:y|ies)|levy|levies)\s+on\s+(?:imports of\s+)?"
    r"(?:(?:most|all|many|some|certain|other|nearly all)\s+)?(?:u\.s\.|us|american|"
    r"chinese|china'?s?)?\s*(?:-made\s+)?(?P<goods>[a-z][a-z-]+(?:\s+(?:and|or)\s+[a-z-]+)?)",
    re.IGNORECASE,
)
_ALL_GOODS = frozenset(
    {"goods", "imports", "products", "exports", "all", "everything", "items"}
    | {"these", "those", "them", "the", "such", "its", "their"}  # goods named before
)


_GOODS_PAY = re.compile(
    r"^(?:(?:certain|some|most)\s+)?(?:(?:u\.s\.|us|american|chinese)\s+)?"
    r"(?P<goods>[a-z][a-z-]+(?:\s+[a-z-]+)?)\s+"
    r"(?:(?:from|made in|imported from)\s+(?:china|the united states|the u\.s\.)\s+)?"
    r"(?:have |has |had )?(?:paid|pay|pays|faced|face|faces)\b",
    re.IGNORECASE,
)


_GOODS_BEFORE = re.compile(
    r"\b\d{1,3}(?:\.\d+)?\s*%\s+(?P<goods>[a-z][a-z-]+)\s+(?:tariffs?|dut(?:y|ies)|levy)\b",
    re.IGNORECASE,
)
"""The goods named before the tariff's word ("the 25% drone tariff")."""
_KIND_WORDS = frozenset({
    "additional", "extra", "reciprocal", "fentanyl", "counter", "retaliatory",
    "across-the-board", "blanket", "new", "higher", "lower", "current", "import", "export",
    "punitive", "special", "general", "baseline", "flat", "universal", "global", "forced-labor",
    "forced-labour", "countervailing", "anti-dumping", "antidumping", "preliminary", "final",
    "tit-for-tat", "emergency", "section",
})  # fmt: skip
"""Words that say what kind of tariff it is, not on which goods."""


def named_goods(sentence: str) -> str | None:
    """The goods a tariff statement names ("the tariff on U.S. pork": pork; "Electric
    vehicles from China have paid ...": electric vehicles; "the 25% drone tariff"), if not
    all."""
    m = _GOODS.search(sentence) or _GOODS_PAY.search(sentence)
    if m is None:
        before = _GOODS_BEFORE.search(sentence)
        if before is None or before["goods"].casefold() in _KIND_WORDS:
            return None
        return before["goods"]
    first = m["goods"].split()[0].casefold()
    return None if first in _ALL_GOODS else m["goods"]


COVERED_AT = re.compile(r"(?P<goods>[a-z][a-z -]{2,60}?)\s+(?P<rate>\d{1,3}(?:\.\d+)?)%")
"""A layer's goods said with their own rate in its coverage ("certain tungsten products 25%")."""


def covered_rates(t: TariffMeasure, said: set[str]) -> list[tuple[str, float]]:
    """The rates the layer's coverage gives the goods said, with the goods' own words."""
    return [
        (m["goods"].strip(), float(m["rate"]))
        for m in COVERED_AT.finditer(t.coverage)
        if said & words(m["goods"])
    ]


def covered_at(t: TariffMeasure, said: set[str], rate: float) -> bool:
    """Whether the layer's coverage gives the goods said this rate of their own."""
    return any(r == rate for _, r in covered_rates(t, said))
