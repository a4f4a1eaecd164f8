"""Article text -> proposals for the record. Pure: no I/O, no clock (the article's own
publication time is the only 'now').

The stages, each a module of its own:

1. bot.ingest.text: the article cut into sentences; datelines, bylines and boilerplate set
   aside.
2. bot.ingest.mentions: dates, people, posts, rates, legal bases, who acts on whom.
3. bot.ingest.claims: one claim per fact a sentence states (its main date, not one per
   date expression).
4. here: the claims compared with the record (bot.ingest.compare), claims about the same
   fact merged into one proposal with all its evidence, each scored with its reasons; the
   strongest first, and those under THRESHOLD held back (kept for a curator to see).
"""

from __future__ import annotations

import re
from datetime import date
from zoneinfo import ZoneInfo

from dateutil.relativedelta import relativedelta

from bot.dates import FuzzyDate, Precision
from bot.ingest.claims import NEW_END, Claim, build, headline
from bot.ingest.compare import (
    GENERIC,
    Record,
    change_of,
    end_of,
    near,
    proposal,
    text_of,
    when_of,
)
from bot.ingest.mentions import PERCENT, Mentions, RuleTagger, tag
from bot.ingest.merge import merge, page_date, unique
from bot.ingest.models import ArticleIn, ConflictNote, IngestResult, Proposal, RecordView
from bot.ingest.text import read
from bot.ingest.when import find_dates
from bot.models import Event, Milestone, TariffMeasure, TariffStatus

THAT_RATE = re.compile(r"^(?:The|That|This|Its|The new)\s+(?:\w+\s+)?rate\b")
"""A sentence about the rate of the tariff named just before ("The new rate of 10%")."""

CONTINUES = re.compile(
    r"^(?:They|It|These|Those|This|That|The (?:rises?|increases?|suspension|pause|deadline)s?)"
    r"\b[^.]{0,40}?\b(?:now|instead)\b",
)
"""A sentence that goes on with the extension before it: "They now take effect on Jan. 1"."""

STRONG = re.compile(
    r"\b(held|met|meet|signed|agreed|announced|imposed|ruled|spoke|call|talks|round|summit|"
    r"visit|consultations|delegation|proclamation|notice|order|ruling|launched|opened|"
    r"published|confirmed|added|restored|issued|approved|granted|banned|booked|ordered|"
    r"upheld|blacklisted|opened|began)\b",
    re.IGNORECASE,
)
REMARKS = re.compile(
    r"\b(?:(?:regular|daily|weekly) (?:press|news) (?:conference|briefing)|made the remarks|"
    r"in response to a (?:reporter's )?question|told reporters|at a panel|on a panel)\b",
    re.IGNORECASE,
)
"""A spokesperson's or a panel's remarks: the day they spoke is not a fact of the record
(what they announced, when dated, is a claim of its own)."""

AGENCY = re.compile(
    r"\b(?:ministry|customs|tariff commission|state council|ustr|trade representative's office|"
    r"commerce department|treasury|white house|federal register|trade court|court of "
    r"international trade|federal circuit|supreme court|cbp|mofcom|general administration)\b",
    re.IGNORECASE,
)
"""A government body as the subject of a dated act, where a person would otherwise be."""

HEARSAY = re.compile(
    r"^(?:observers|analysts|traders|investors|economists|some|many|critics|business "
    r"delegates)\b|\b(?:expected|hoped|believed|speculat\w*)\b",
    re.IGNORECASE,
)
PRONOUN = re.compile(r"^(?:He|She)\b")
THRESHOLD = 2.0
"""Proposals scoring under this are held back (measured on the dev corpus: see
bench/README.md)."""


class Pipeline:
    def __init__(self, view: RecordView) -> None:
        self.record = Record(view)
        self.tagger = RuleTagger(view.people)
        self.known_names = {p.name.casefold() for p in view.people} | {
            a.casefold() for p in view.people for a in p.aliases
        }

    def run(self, article: ArticleIn) -> IngestResult:
        local = article.published.astimezone(ZoneInfo(article.timezone))
        today = local.date()
        self.record.today = today
        out: list[Proposal] = []
        notes: list[ConflictNote] = []
        shifts: list[int] = []
        last: FuzzyDate | None = None
        previous: list[str] = []
        recent: list[str] = []
        before: set[str] = set()
        extending: str | None = None  # an extension whose new date is still to come
        tariff_before: Mentions | None = None  # the sentence before, when it named a tariff
        for sentence in read(article.text):
            text = sentence.text
            if extending is not None and CONTINUES.match(text):
                text = f"{extending} {text}"  # "...delays the rises. They now take effect on X."
            m = tag(text, today, self.tagger)
            extending = (
                text
                if m.extends
                and not any(NEW_END.search(text[max(0, f.start - 60) : f.start]) for f in m.dates)
                else None
            )
            if not m.people and sentence.text[:1] in '“"':
                m.people = previous  # a quote that goes on from the sentence before
            m.people += [p for p in self._recent(sentence.text, recent) if p not in m.people]
            m.people += [t.name for t in m.titled if t.person is None and t.name not in m.people]
            if not m.people and len(previous) == 1 and PRONOUN.match(sentence.text):
                m.people = list(previous)  # "She said...": the one person just named
            recent = (m.people + [p for p in recent if p not in m.people])[:4]
            previous = m.people
            if len(sentence.text.split()) < 14:
                m.words |= before  # a short statement is read with the one before
            if m.rates and not m.tariff and tariff_before is not None and THAT_RATE.match(text):
                # "The new rate of 10% applies from Dec. 15": the tariff named just before
                m.tariff, m.basis = True, m.basis or tariff_before.basis
                m.words |= tariff_before.words
            tariff_before = m if m.tariff else None
            before = m.words
            for claim in build(m, today, last):
                self._claim(claim, today, out, notes, shifts)
            if m.dates:
                last = m.dates[0].when
        merged = sorted(merge(out), key=lambda p: -p.score)
        kept = [p for p in merged if p.score >= THRESHOLD]
        held = [p for p in merged if p.score < THRESHOLD]
        return IngestResult(
            proposals=kept,
            conflicts=unique([*notes, *page_date(shifts, today)]),
            held_back=held,
        )

    def _recent(self, text: str, recent: list[str]) -> list[str]:
        """People named lately, named again by surname alone ("Li would lead")."""
        out = []
        for pid in recent:
            person = self.record.people.get(pid)
            if person is None:
                continue
            surname = person.name.split()[0 if person.country == "China" else -1]
            if len(surname) < 2 or not re.search(rf"\b{re.escape(surname)}\b(?!\s+[A-Z])", text):
                continue
            if surname == "He" and re.match(r"He\s+(said|says|added|told|is|was)\b", text):
                continue  # the pronoun
            out.append(pid)
        return out

    # -- one claim -----------------------------------------------------------------------
    def _claim(
        self,
        c: Claim,
        today: date,
        out: list[Proposal],
        notes: list[ConflictNote],
        shifts: list[int],
    ) -> None:
        rec = self.record
        if c.kind == "person":
            assert c.titled is not None
            name = c.titled.name
            if name.casefold() in self.known_names:
                return
            out.append(
                Proposal(
                    kind="person",
                    title=name,
                    summary=f"Named in the article as {c.titled.post}.",
                    people=[name],
                    evidence=[c.sentence],
                    score=3.0,
                    reasons=[f"a titled name the record does not know ({c.titled.post})"],
                )
            )
            return
        if c.kind == "post":
            assert c.titled is not None and c.titled.person is not None
            person = rec.people.get(c.titled.person)
            if person is not None:
                note = rec.post_conflict(person, c.titled.post, today)
                if note is not None:
                    notes.append(note)
            return
        if c.kind == "update":
            self._update(c, today, out)
            return
        if c.kind == "tariff":
            self._tariff(c, today, out, notes)
            return
        if c.when is None:
            self._under_way(c, today, out)
            return
        item = rec.repeats(c)
        if item is not None:
            if (
                isinstance(item, Milestone)
                and c.kind == "event"
                and item.outcome is None
                and when_of(item).end < today
            ):
                out.append(
                    proposal(
                        c,
                        "update",
                        matches=item.id,
                        change={"field": "outcome", "old": None, "new": "held"},
                        score=4.0,
                    )
                )
                return
            out.append(proposal(c, "source-only", matches=item.id, score=3.0))
            return
        moved = rec.moved(c)
        if moved is not None:
            item, days = moved
            if c.relative:
                shifts.append(days)
                out.append(proposal(c, "source-only", matches=item.id, score=2.0))
            else:
                assert c.found is not None
                notes.append(
                    ConflictNote(
                        claim=f"“{c.found.text}”: {c.when.label()}",
                        record=f"{item.id}: {when_of(item).label()}",
                        why="a date that differs from the recorded one for the same fact",
                        item=item.id,
                    )
                )
            return
        score = 1.0 + 2 * min(len(c.people), 2) + (0.5 if c.found and not c.relative else 0)
        if not c.people and AGENCY.search(c.sentence):
            score += 1  # a government body acting: the ministry, customs, USTR, the court
        if STRONG.search(c.sentence):
            score += 1
        if HEARSAY.search(c.sentence):
            score -= 1
        if REMARKS.search(c.sentence) and c.kind == "event":
            score -= 2
        if c.when.precision in (Precision.YEAR, Precision.QUARTER):
            score -= 2
        out.append(proposal(c, c.kind, score=score))

    def _update(self, c: Claim, today: date, out: list[Proposal]) -> None:
        item = self.record.extended(c, today)
        if c.new_end is None:
            end = end_of(item) if item is not None else None
            if item is None or end is None or c.extend_months is None:
                return
            c.new_end = FuzzyDate.day(end + relativedelta(months=c.extend_months))
        due = self._due_on(c.new_end)
        if item is not None and c.new_end.start in self._ends_of(item):
            # the record has caught up: the article is a source for it, nothing to change; with
            # no date of its own the sentence states the end ("suspended until Nov. 10, 2026")
            if c.found is None:
                c.when = c.new_end
            out.append(proposal(c, "source-only", matches=item.id, score=3.0))
            if due is not None and due.id != item.id:
                out.append(proposal(c, "source-only", matches=due.id, score=3.0))
            return
        if due is not None:
            out.append(proposal(c, "source-only", matches=due.id, score=3.0))
            if item is None:
                return
        if item is not None:
            for moved in [item, *self.record.also_moved]:
                out.append(
                    proposal(
                        c,
                        "update",
                        matches=moved.id,
                        change=change_of(moved, c.new_end, today),
                        score=4.0,
                        title=f"{moved.name}: extended to {c.new_end.label()}",
                    )
                )
            if isinstance(item, Milestone):
                name = item.name
            elif item.status_on(today) is TariffStatus.SUSPENDED:
                name = f"{item.name}: suspension ends"
            else:
                name = f"{item.name}: the postponed change is due"
        else:
            name = headline(c.sentence, 80)
        out.append(
            Proposal(
                kind="milestone",
                date=c.new_end.canonical(),
                title=f"{name} (new end date)" if item is not None else name,
                summary=c.sentence,
                people=c.people,
                evidence=[c.sentence],
                score=3.0,
                reasons=[*c.reasons, "the new date to count down to"],
            )
        )

    def _step_due(self, c: Claim, today: date) -> tuple[Milestone, FuzzyDate] | None:
        """A recorded tariff step the rate statement names by its date ("due to rise on June
        23, 2027"): a tariff milestone on one of the sentence's dates, sharing STEP_WORDS of
        its words with the sentence."""
        for found in find_dates(c.sentence, today):
            for m in self.record.view.milestones:
                if m.kind.value != "tariff" or not near(when_of(m), found.when, slack=0):
                    continue
                if len((c.words - GENERIC) & self.record.item_words[id(m)]) >= STEP_WORDS:
                    return m, found.when
        return None

    def _ends_of(self, item: Milestone | TariffMeasure) -> set[date]:
        """Every end the record gives the item: a layer's `until` dates, a deadline's own
        date and those of the deadlines that continue it (their `follows` chain)."""
        if isinstance(item, TariffMeasure):
            return {c.until for c in item.history if c.until is not None}
        ends = {when_of(item).start}
        step: Milestone | None = item
        while step is not None:
            step = next((m for m in self.record.view.milestones if m.follows == step.id), None)
            if step is not None:
                if when_of(step).start in ends:
                    break
                ends.add(when_of(step).start)
        return ends

    def _due_on(self, when: FuzzyDate) -> Milestone | None:
        """A recorded deadline due within `when` (the new date of an extension, when the
        record already counts down to it)."""
        for m in self.record.view.milestones:
            if m.kind.value == "deadline" and near(when_of(m), when, slack=0):
                return m
        return None

    def _tariff(
        self, c: Claim, today: date, out: list[Proposal], notes: list[ConflictNote]
    ) -> None:
        rec = self.record
        if c.when is not None and rec.layer(c) is None:
            moved = rec.rate_moved(c)
            if moved is not None and c.changes:
                out.append(
                    proposal(
                        c,
                        "update",
                        matches=moved.id,
                        change={"field": "rate", "old": f"{moved.rate:g}%", "new": f"{c.rate:g}%"},
                        score=4.0,
                        reasons=[*c.reasons, f"moves the rate of {moved.id}"],
                    )
                )
                return
            if moved is not None and c.when.end < today and c.rate is not None:
                notes.append(
                    ConflictNote(
                        claim=f"{c.rate:g}%: {headline(c.sentence, 120)}",
                        record=f"{moved.id}: {moved.rate:g}%",
                        why="a rate that differs from the recorded one",
                        item=moved.id,
                    )
                )
                return
        fields = {
            "rate": c.rate,
            "imposer": c.imposer,
            "target": c.target,
            "legal_basis": c.basis,
            "status": c.status,
        }
        if c.when is None:
            layer = rec.layer(c)
            start = layer.effective_from if layer is not None else None
            if layer is not None and start is not None:
                c.when = FuzzyDate.day(start)
                out.append(proposal(c, "source-only", matches=layer.id, score=2.5, **fields))
                for item in self._with_rate(c):
                    out.append(proposal(c, "source-only", matches=item.id, score=2.5))
            return
        layer = rec.layer(c)
        if layer is not None:
            out.append(proposal(c, "source-only", matches=layer.id, score=3.0, **fields))
            for item in self._with_rate(c):
                out.append(proposal(c, "source-only", matches=item.id, score=2.5))
            return
        step = self._step_due(c, today)
        if step is not None:  # "the duty is due to rise from 0% on June 23, 2027": recorded
            milestone, when = step
            c.when = when
            out.append(proposal(c, "source-only", matches=milestone.id, score=3.0))
            return
        conflicts = []
        other = rec.other_rate(c)
        if other is not None and c.rate is not None:
            conflicts.append(
                ConflictNote(
                    claim=f"{c.basis} at {c.rate:g}%",
                    record=f"{other.id}: {other.rate:g}% in force on {c.when.label()}",
                    why="a rate that differs from the recorded one",
                    item=other.id,
                )
            )
        score = 2.0 + (1 if c.basis else 0) + (1 if c.found else 0)
        out.append(proposal(c, "tariff", conflicts=conflicts, score=score, **fields))

    def _with_rate(self, c: Claim) -> list[Event | Milestone]:
        """Recorded events and milestones on this date that state the same rate and that the
        sentence describes too (WITH_RATE_WORDS of their words), not only share a day with
        the layer it cites."""
        when, rate = c.when, c.rate
        if rate is None or when is None:
            return []
        pattern = re.compile(rf"(?<![\d.]){re.escape(f'{rate:g}')}" + PERCENT)
        return [
            i
            for i in self.record.items
            if near(when, when_of(i), slack=0)
            and pattern.search(text_of(i))
            and len((c.words - GENERIC) & self.record.item_words[id(i)]) >= WITH_RATE_WORDS
        ][:2]

    def _under_way(self, c: Claim, today: date, out: list[Proposal]) -> None:
        """An event under way as the article is written ("is preparing to") is cited where
        recorded; its date is the recorded item's."""
        for event in self.record.view.events:
            if not event.date.contains(today) and not (
                event.date.start.year == today.year
                and event.date.start.month == today.month
                and event.date.precision is Precision.MONTH
            ):
                continue
            people, shared = self.record._score(event, c)
            if 3 * people + shared >= 4:
                c.when = event.date
                out.append(proposal(c, "source-only", matches=event.id, score=2.5))
                return


STEP_WORDS = 2
"""Content words a rate statement shares with a recorded tariff milestone of its date."""

WITH_RATE_WORDS = 2
"""Content words a sentence citing a layer must share with an event of that day for the
event to be cited as well (dev corpus: 2 drops 7 noise cites and no right one; 3 loses 4)."""


def propose(article: ArticleIn, record: RecordView) -> IngestResult:
    """The proposals an article makes against the record (see the module doc)."""
    return Pipeline(record).run(article)
