"""Does the tariff ledger hold the layers the record's own words name?

An event's summary, a milestone's description or outcome, or a tariff change's note can name
a tariff by its legal basis ("the Section 232 steel duties", "China's counter-tariff"). When
no layer under that basis, on those goods, is on record by that date, `/tariffs as_of` for
the date would leave it out. `make check-data` lists each such sentence, so the gap is filled
or the words are corrected.

The test is deliberately coarse: a basis named with goods (steel, lumber) needs a layer under
that basis whose name or coverage names those goods; a basis named alone needs any layer
under it. A layer counts from the first day of its history (announced or threatened
included) and may start up to GRACE_DAYS after the note's date (a note of the announcement
day for a layer dated from its effective day).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from bot.models import Event, Milestone, TariffMeasure

GRACE_DAYS = 120
"""How long after a note's date a layer may begin and still be the one it names."""

BASES: dict[str, re.Pattern[str]] = {
    "Section 232": re.compile(r"\bSection 232\b", re.IGNORECASE),
    "Section 301": re.compile(r"\bSection 301\b", re.IGNORECASE),
    "Section 122": re.compile(r"\bSection 122\b", re.IGNORECASE),
    "Section 201": re.compile(r"\bSection 201\b", re.IGNORECASE),
    "IEEPA": re.compile(r"\bIEEPA\b"),
    "Customs Tariff Commission": re.compile(
        r"\bCustoms Tariff Commission\b|\bcounter-tariffs?\b", re.IGNORECASE
    ),
}
"""Legal bases by the words the record's notes use for them."""

IN_LEDGER: dict[str, re.Pattern[str]] = {
    "Section 232": re.compile(r"\b(?:Section |s\.)232\b", re.IGNORECASE),
    "Section 301": re.compile(r"\b(?:Section |s\.)301\b", re.IGNORECASE),
    "Section 122": re.compile(r"\b(?:Section |s\.)122\b", re.IGNORECASE),
    "Section 201": re.compile(r"\b(?:Section |s\.)201\b", re.IGNORECASE),
    "IEEPA": re.compile(r"\bIEEPA\b"),
    "Customs Tariff Commission": re.compile(r"\bCustoms Tariff Commission\b", re.IGNORECASE),
}
"""The same bases as a layer's legal_basis writes them ("Trade Act 1974 s.301")."""

GOODS: dict[str, re.Pattern[str]] = {
    "steel": re.compile(r"\bsteel\b", re.IGNORECASE),
    "aluminium": re.compile(r"\balumin(?:i)?um\b", re.IGNORECASE),
    "copper": re.compile(r"\bcopper\b", re.IGNORECASE),
    "lumber": re.compile(r"\b(?:lumber|timber)\b", re.IGNORECASE),
    "furniture": re.compile(r"\bfurniture\b", re.IGNORECASE),
    "cabinet": re.compile(r"\bcabinets?\b", re.IGNORECASE),
    "truck": re.compile(r"\btrucks?\b", re.IGNORECASE),
    "crane": re.compile(r"\bcranes?\b", re.IGNORECASE),
    "semiconductor": re.compile(r"\b(?:semiconductors?|chips?)\b", re.IGNORECASE),
    "solar": re.compile(r"\bsolar\b", re.IGNORECASE),
    "washing machine": re.compile(r"\b(?:washing machines?|washers)\b", re.IGNORECASE),
    "pork": re.compile(r"\bpork\b", re.IGNORECASE),
    "soybean": re.compile(r"\bsoybeans?\b", re.IGNORECASE),
}
"""Goods whose layers the record tracks by name; the same pattern finds them in a note and
in a layer's name or coverage."""

NEAR_BEFORE, NEAR_AFTER = 40, 60
"""Goods count as the basis's own when named this many characters before or after it ("steel
duties under Section 232", "Section 232 tariffs on lumber"), not elsewhere in a long list."""

_SENTENCE = re.compile(r"(?<=[.;!?])\s+")


@dataclass(frozen=True)
class Gap:
    where: str
    day: date
    basis: str
    goods: str | None
    sentence: str

    def line(self) -> str:
        what = f"{self.basis} on {self.goods}" if self.goods else self.basis
        return (
            f"{self.where} ({self.day.isoformat()}): names a {what} tariff, but no such layer "
            f"is in data/tariffs.yaml by then: “{self.sentence[:120]}”"
        )


def _texts(
    events: Sequence[Event], milestones: Sequence[Milestone], tariffs: Sequence[TariffMeasure]
) -> Iterator[tuple[str, date, str]]:
    for e in events:
        yield f"data/events.yaml: event '{e.id}'", e.date.start, f"{e.title}. {e.summary}"
    for m in milestones:
        where = f"data/milestones.yaml: milestone '{m.id}'"
        yield where, m.at.date(), f"{m.name}. {m.description or ''}"
        if m.outcome is not None:
            yield where + " outcome", m.at.date(), m.outcome.note
    for t in tariffs:
        for change in t.history:
            if change.note:
                yield f"data/tariffs.yaml: tariff '{t.id}'", change.day, change.note


def _covered(tariffs: Sequence[TariffMeasure], basis: str, goods: str | None, by: date) -> bool:
    for t in tariffs:
        if not IN_LEDGER[basis].search(t.legal_basis):
            continue
        if goods is not None and not GOODS[goods].search(f"{t.name} {t.coverage}"):
            continue
        if t.history[0].day <= by:
            return True
    return False


def gaps(
    events: Sequence[Event], milestones: Sequence[Milestone], tariffs: Sequence[TariffMeasure]
) -> list[Gap]:
    """Every sentence of the record that names a tariff the ledger does not hold by then."""
    found: list[Gap] = []
    for where, day, text in _texts(events, milestones, tariffs):
        for sentence in _SENTENCE.split(text):
            for basis, pattern in BASES.items():
                hit = pattern.search(sentence)
                if hit is None:
                    continue
                near = sentence[max(0, hit.start() - NEAR_BEFORE) : hit.end() + NEAR_AFTER]
                named: list[str | None] = [g for g, p in GOODS.items() if p.search(near)] or [None]
                by = day + timedelta(days=GRACE_DAYS)
                found.extend(
                    Gap(where, day, basis, goods, sentence.strip())
                    for goods in named
                    if not _covered(tariffs, basis, goods, by)
                )
    return found
