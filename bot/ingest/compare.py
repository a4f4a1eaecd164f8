"""Stage 5: claims against the record.

- A statement repeats a recorded item only when the kind agrees (an event an event, a
  milestone a milestone, a rate a tariff layer), the dates agree within both precisions,
  and the actors or the words agree (shared people, or the item's distinctive words);
  otherwise it is new. New news is never glued to an old item of another year.
- An extension names the recorded deadline or suspension it moves: an update, with the
  record's value beside the article's (and the new date as a milestone of its own).
- Conflicts: an official named with a post the record says they did not hold on that day
  (any post, not only a former holder's); a date that differs from the recorded one for
  the same fact; a rate that differs from the layer on record; a page dated later than its
  story (from facts that really match).
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from bot.dates import FuzzyDate
from bot.ingest.claim import Claim
from bot.ingest.cues import EXPIRES
from bot.ingest.goods import covered_at, named_goods
from bot.ingest.mentions import PERCENT, RATE, words
from bot.ingest.models import Change, Proposal, RecordView
from bot.models import Event, Milestone, TariffMeasure, TariffStatus

GENERIC = frozenset(
    words(
        "additional tariff tariffs duty duties goods imports rate percent points cut lower "
        "products action measure effect layer"
    )
)
TRUCE_NAMED = re.compile(
    r"\b(?:truce|arrangements?|deal|terms|consensus|understanding)\b", re.IGNORECASE
)
"""Words that name the truce itself beside a layer it suspends."""
SUSPENSION = re.compile(
    r"\b(truce|terms|suspension|suspended|pause|paused|hold|deadline|expir\w*|cranes?|port fees|"
    r"rare[- ]earths?|gallium|germanium|antimony|export (?:ban|controls?)|counter-?tariffs?|"
    r"24[- ](?:point|percentage)|reciprocal)\b",
    re.IGNORECASE,
)


def when_of(item: Event | Milestone) -> FuzzyDate:
    if isinstance(item, Event):
        return item.date
    local = item.at.astimezone(ZoneInfo(item.timezone)).date()
    end = (item.ends or item.at).astimezone(ZoneInfo(item.timezone)).date()
    if end == local:
        return FuzzyDate.day(local)
    return FuzzyDate.model_validate(f"{local.isoformat()}..{end.isoformat()}")


def text_of(item: Event | Milestone | TariffMeasure) -> str:
    if isinstance(item, Event):
        return f"{item.title} {item.summary} {item.place or ''}"
    if isinstance(item, Milestone):
        return f"{item.name} {item.description or ''} {item.place or ''}"
    return f"{item.name} {item.legal_basis} {item.coverage}"


def near(a: FuzzyDate, b: FuzzyDate, slack: int = 1) -> bool:
    return a.start <= b.end + timedelta(days=slack) and b.start <= a.end + timedelta(days=slack)


WIDENS = re.compile(
    r"\b(?:add(?:s|ed|ing)?\b.{0,100}\bto\b|(?:bring\w*|brought)\b.{0,100}\bunder\b|widen\w*|"
    r"\d+ more (?:categories|products|items|tariff lines))",
    re.IGNORECASE,
)
"""Goods brought under a layer's rate ("184 more derivative products under its 25% rate"):
a new layer for those goods, not the recorded layer restated."""
_OLD_RATE = re.compile(r"\bfrom\s+(\d{1,3}(?:\.\d+)?)" + PERCENT, re.I)


def _same_basis(basis: str, t: TariffMeasure) -> bool:
    """The legal basis a statement names is the layer's ("Section 301" of a Section 301 list)."""
    return basis.casefold() in (t.legal_basis + t.name).casefold()


def place_in(place: str, sentence: str) -> bool:
    """The item's place (its first name: 'Geneva' of 'Geneva, Switzerland') in the text."""
    head = re.split(r"[,(]", place)[0].strip()
    return len(head) >= 4 and re.search(rf"\b{re.escape(head)}\b", sentence) is not None


class Record:
    """The record as the comparison reads it, each item's words read once."""

    def __init__(self, view: RecordView) -> None:
        self.view = view
        self.people = {p.id: p for p in view.people}
        self.items: list[Event | Milestone] = [*view.events, *view.milestones]
        self.item_words = {id(i): words(text_of(i)) for i in self.items}
        self.tariff_words = {id(t): words(text_of(t)) for t in view.tariffs}
        self.today: date | None = None

    # -- repeats -------------------------------------------------------------------------
    def _score(self, item: Event | Milestone, claim: Claim) -> tuple[int, int]:
        shared_people = len(set(claim.people) & set(getattr(item, "people", [])))
        shared_words = len(claim.words & self.item_words[id(item)])
        return shared_people, shared_words

    def repeats(self, claim: Claim) -> Event | Milestone | None:
        """The recorded item this dated statement repeats, under the rule above."""
        assert claim.when is not None
        want = Milestone if claim.kind == "milestone" else Event
        best: tuple[int, Event | Milestone] | None = None
        for item in self.items:
            passed_milestone = isinstance(item, Milestone) and claim.kind == "event"
            if not isinstance(item, want) and not passed_milestone:
                continue
            window = when_of(item)
            if not near(claim.when, window):
                continue
            people, shared = self._score(item, claim)
            if (
                isinstance(item, Milestone)
                and item.kind.value == "deadline"
                and claim.kind == "milestone"
                and EXPIRES.search(claim.sentence)
            ):
                shared += 2  # "when the 90-day pause runs out": a deadline's expiry
            place = bool(item.place) and place_in(item.place or "", claim.sentence)
            score = 3 * people + shared + (2 if place else 0)
            inside = claim.when.start <= window.start and window.end <= claim.when.end
            exact = claim.when.canonical() == window.canonical() and (
                claim.when.precision.value in ("day", "span")
            )
            enough = (exact and (people >= 1 or shared >= 1)) or (
                (people >= 1 and shared >= 1)
                or shared >= 3
                or people >= 2
                or (place and (shared >= 1 or inside))
            )
            if claim.when.precision.value in ("year", "quarter", "month", "week"):
                enough = enough and score >= 4
            if enough and (best is None or score > best[0]):
                best = (score, item)
        return best[1] if best is not None else None

    def moved(self, claim: Claim) -> tuple[Event | Milestone, int] | None:
        """A recorded item the statement clearly describes, on another date: (item, days
        the article's date lies after the record's)."""
        assert claim.when is not None
        for item in self.items:
            if isinstance(item, Milestone) != (claim.kind == "milestone"):
                continue
            window = when_of(item)
            if near(claim.when, window) or abs((claim.when.start - window.start).days) > 60:
                continue
            people, shared = self._score(item, claim)
            if (people >= 1 and 3 * people + shared >= 7) or shared >= 6:
                return item, (claim.when.start - window.start).days
        return None

    # -- tariffs --------------------------------------------------------------------------
    def _agrees(self, claim: Claim, t: TariffMeasure) -> bool:
        """The statement and the layer are about the same goods or the same legal basis."""
        if claim.basis is not None:
            return _same_basis(claim.basis, t)
        return len((claim.words - GENERIC) & self.tariff_words[id(t)]) >= 1

    def layer(self, claim: Claim) -> TariffMeasure | None:
        """The recorded layer a rate statement repeats: the same direction and rate, and
        what agrees of the rest — the legal basis (+3, and a different one excludes it),
        the goods' words (+1 each), a change of the layer near the statement's date (+3),
        the layer in force then (+1, not for a statement that moves a rate). The best at 3
        or more, when it is the only best."""
        if WIDENS.search(claim.sentence):
            return None
        goods = named_goods(claim.sentence)
        named = words(goods) - GENERIC if goods else set()
        scored: list[tuple[int, TariffMeasure]] = []
        for t in self.view.tariffs:
            if (t.imposer, t.target) != (claim.imposer, claim.target):
                continue
            rate = claim.rate
            if t.rate != rate and not (named and rate is not None and covered_at(t, named, rate)):
                continue  # (a layer whose coverage gives the goods named this rate will do)
            if named and not t.applies_to_all and not named & self.tariff_words[id(t)]:
                continue  # "the tariff on pork ... to 5 percent": not a list without pork
            score = len((claim.words - GENERIC) & self.tariff_words[id(t)])
            if claim.basis is not None:
                if not _same_basis(claim.basis, t):
                    continue
                score += 3
            if claim.when is not None:
                w = claim.when
                if any(w.start - timedelta(days=3) <= d <= w.end for d in t.change_dates()):
                    score += 3
                elif t.in_force_on(w.start) and not claim.changes:
                    score += 1
                elif claim.changes or not t.in_force_on(w.start):
                    continue
            if score >= 3:
                scored.append((score, t))
        scored.sort(key=lambda x: -x[0])
        if len(scored) > 1 and scored[0][0] == scored[1][0]:
            return None
        return scored[0][1] if scored else None

    def layer_started(self, claim: Claim) -> TariffMeasure | None:
        """The one recorded layer that changed on the day a statement gives and shares its
        words or legal basis ("the forced-labor duties ... since July 24, 2026")."""
        if claim.when is None:
            return None
        ranked: list[tuple[int, TariffMeasure]] = []
        for t in self.view.tariffs:
            if not any(claim.when.start <= d <= claim.when.end for d in t.change_dates()):
                continue
            shared = len((claim.words - GENERIC) & self.tariff_words[id(t)])
            basis = claim.basis is not None and _same_basis(claim.basis, t)
            score = shared + (2 if basis else 0)
            if score >= 2:
                ranked.append((score, t))
        ranked.sort(key=lambda x: -x[0])
        if not ranked or (len(ranked) > 1 and ranked[0][0] == ranked[1][0]):
            return None
        return ranked[0][1]

    def rate_moved(self, claim: Claim) -> TariffMeasure | None:
        """The recorded layer whose rate the statement moves ("the forced-labour duty cut
        to 10%"): same direction, the goods' or basis' words, another rate, in force (or
        suspended) when the article was written."""
        if claim.rate is None:
            return None
        ranked: list[tuple[int, TariffMeasure]] = []
        goods = named_goods(claim.sentence)
        was = _OLD_RATE.search(claim.sentence)
        others = sorted({float(r) for r in RATE.findall(claim.sentence)} - {float(claim.rate)})
        for t in self.view.tariffs:
            if (t.imposer, t.target) != (claim.imposer, claim.target) or t.rate == claim.rate:
                continue
            if was is not None and t.rate != float(was.group(1)):
                continue  # "to 5% from 10%": the layer moved is the one at 10%
            if goods and (t.applies_to_all or not words(goods) & self.tariff_words[id(t)]):
                continue  # "the tariff on US pork cut to 5%": only a layer on pork moves
            shared = len((claim.words - GENERIC) & self.tariff_words[id(t)])
            basis = claim.basis is not None and _same_basis(claim.basis, t)
            # "to 10% from 12.5%": the old rate names the layer as well as its words do; so
            # does the one other rate of the sentence ("12.5%: the duty, which drops to 10%")
            said_old = was is not None or (others == [t.rate])
            score = shared + (2 if basis else 0) + (2 if said_old else 0)
            status = t.status_on(self.today) if self.today else None
            if status is None or status.value not in ("in_force", "suspended"):
                continue
            if score >= 3 or (said_old and score >= 2):
                ranked.append((score, t))
        ranked.sort(key=lambda x: -x[0])
        if not ranked or (len(ranked) > 1 and ranked[0][0] == ranked[1][0] and ranked[0][0] < 3):
            return None  # "from 10%" alone, and more than one layer at 10%: which is unclear
        return ranked[0][1]

    def other_rate(self, claim: Claim) -> TariffMeasure | None:
        """An across-the-board layer of the same basis at another rate on that day, for a
        statement of a rate that names no goods and moves nothing (a product's own rate, or
        a change, is no contradiction of the general one)."""
        if claim.basis is None or claim.rate is None or claim.when is None:
            return None
        if claim.changes or claim.rate == 0 or named_goods(claim.sentence):
            return None  # (zero: goods excluded from the general layer, not its rate)
        for t in self.view.tariffs:
            if (
                (t.imposer, t.target) == (claim.imposer, claim.target)
                and _same_basis(claim.basis, t)
                and t.rate != claim.rate
                and t.in_force_on(claim.when.start)
                and t.applies_to_all
            ):
                return t
        return None

    # -- updates --------------------------------------------------------------------------
    def extended(self, claim: Claim, today: date) -> list[Milestone | TariffMeasure]:
        """The recorded deadlines or layers an extension moves, the one whose words the
        statement shares most first (due before the new end), then the further layers it
        names nearly as well ("the rises for furniture and cabinets"); empty for none."""
        best: tuple[int, Milestone | TariffMeasure] | None = None
        keys = {w.casefold() for w in SUSPENSION.findall(claim.sentence)}
        for m in self.view.milestones:
            if m.kind.value not in ("deadline", "tariff"):
                continue
            if claim.new_end is not None and when_of(m).start >= claim.new_end.start:
                continue
            if m.outcome is not None and m.outcome.status.value == "extended":
                continue
            score = len(claim.words & self.item_words[id(m)]) + 2 * len(
                keys & {w.casefold() for w in SUSPENSION.findall(text_of(m))}
            )
            if score >= 3 and (best is None or score > best[0]):
                best = (score, m)
        tariffs = [
            t
            for t in self.view.tariffs
            if claim.imposer is None or (t.imposer, t.target) == (claim.imposer, claim.target)
        ]  # "China will keep 24 points of its counter-tariff on US goods suspended": China's
        for t in tariffs:
            status = t.status_on(today)
            if (
                status is not None
                and status.value == "suspended"
                and claim.rate is not None
                and t.rate == claim.rate
                and (claim.words - GENERIC) & self.tariff_words[id(t)]
            ):
                # "the suspension of the 100% tariff on cranes": that layer; and the truce
                # too when the sentence names it ("under the arrangements ... extended")
                if best is not None and TRUCE_NAMED.search(claim.sentence):
                    return [t, best[1]]
                return [t]
        layers = self._moving_layers(claim, today, tariffs, keys)
        if layers and (best is None or layers[0][0] > best[0]):
            best = layers[0]
        if best is None:
            return []
        also = [t for score, t in layers if t is not best[1] and score >= best[0] - 1]
        return [best[1], *also]

    def _moving_layers(
        self, claim: Claim, today: date, tariffs: list[TariffMeasure], keys: set[str]
    ) -> list[tuple[int, TariffMeasure]]:
        """Layers an extension can move, best first: a suspended one, or one with a change
        scheduled ahead ("the rise to 30% set for 1 Jan 2027"), scoring 3 or more."""
        scored: list[tuple[int, TariffMeasure]] = []
        for t in tariffs:
            current = next((c for c in reversed(t.history) if c.day <= today), None)
            if current is None:
                continue
            scheduled = current.until is not None and current.until > today
            if current.status is not TariffStatus.SUSPENDED and not scheduled:
                continue
            score = len(claim.words & self.tariff_words[id(t)]) + 2 * len(
                keys & {w.casefold() for w in SUSPENSION.findall(text_of(t))}
            )
            if claim.rate is not None and t.rate == claim.rate:
                score += 3
            if score >= 3:
                scored.append((score, t))
        scored.sort(key=lambda x: -x[0])
        return scored

    # -- people -------------------------------------------------------------------------


def proposal(claim: Claim, kind: str, **extra: object) -> Proposal:
    fields: dict[str, object] = {
        "kind": kind,
        "date": claim.when.canonical() if claim.when is not None else None,
        "title": claim.title,
        "summary": claim.sentence,
        "people": claim.people,
        "evidence": [claim.sentence],
        "reasons": claim.reasons,
    }
    fields.update(extra)
    return Proposal.model_validate(fields)


def end_of(item: Milestone | TariffMeasure) -> date | None:
    if isinstance(item, Milestone):
        return when_of(item).start
    return next((c.until for c in reversed(item.history) if c.until is not None), None)


def change_of(item: Milestone | TariffMeasure, new_end: FuzzyDate, today: date) -> Change:
    if isinstance(item, Milestone):
        old = item.outcome.note if item.outcome else f"due {when_of(item).label()}"
        return Change(field="outcome", old=old, new=f"extended to {new_end.label()}")
    status = item.status_on(today)
    until = next((c.until for c in reversed(item.history) if c.until is not None), None)
    was = f"{status.value if status else 'unknown'} until {until.isoformat()}" if until else None
    return Change(field="end", old=was, new=new_end.canonical())
