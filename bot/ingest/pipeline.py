"""Article text -> proposals for the record. Pure: no I/O, no clock (the article's own
publication time is the only 'now').

The stages, each a module of its own:

1. bot.ingest.text: the article cut into sentences; datelines, bylines and boilerplate set
   aside.
2. bot.ingest.mentions: dates, people, posts, rates, legal bases, who acts on whom (the side
   of a tariff in bot.ingest.sides).
3. bot.ingest.claims: one claim per fact a sentence states (its main date, not one per
   date expression; bot.ingest.rated builds the claims of a rate; bot.ingest.tense says
   which dates are the news's own, bot.ingest.due what a procedure makes due,
   bot.ingest.cues the words claims are built on); a sentence
   of two facts is first cut in two (bot.ingest.clauses), and what one sentence leaves for
   the next is kept in bot.ingest.context.
4. here: the claims compared with the record (bot.ingest.compare; extensions and rate
   statements in bot.ingest.changes), each scored with its reasons (a new fact's score in
   bot.ingest.score); bot.ingest.checks
   flags where the article contradicts the record (posts, dates, rates);
5. bot.ingest.merge: claims about the same fact merged into one proposal with all its
   evidence; here again: the strongest first, and those under THRESHOLD held back (kept
   for a curator to see).
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from bot.dates import FuzzyDate, Precision
from bot.ingest.changes import extension, rate_statement
from bot.ingest.checks import (
    date_conflict,
    day_off,
    misdated,
    misrated,
    misset,
    post_conflict,
    standing,
)
from bot.ingest.claim import Claim
from bot.ingest.claims import build, extension_end
from bot.ingest.clauses import facts
from bot.ingest.compare import Record, proposal, when_of
from bot.ingest.context import (
    AT_THAT_RATE,
    CONTINUES,
    NAMED_BEFORE,
    PRONOUN,
    THAT_RATE,
    THAT_TARIFF,
    Reading,
    dated_later,
    in_story_year,
    side_of,
    start_said,
    story_after,
    that_year,
)
from bot.ingest.mentions import Mentions, RuleTagger, tag
from bot.ingest.merge import merge, page_date, unique
from bot.ingest.models import ArticleIn, ConflictNote, IngestResult, Proposal, RecordView
from bot.ingest.score import new_fact_score
from bot.ingest.sides import DEFAULT_SIDE, direction
from bot.ingest.tense import AFTER_LAST
from bot.ingest.text import read
from bot.models import Milestone

TO_MEET = re.compile(r"\b(?:to meet|will meet|to hold talks with)\b", re.IGNORECASE)
MET = re.compile(r"\b(?:met|meets|held talks with|sat down with)\b", re.IGNORECASE)
GOODS_BEFORE = re.compile(
    r"\b(?:these|those|such|the same)\s+(?:products|goods|items|lines|imports)\b", re.I
)
"""Goods named before by another sentence."""
THRESHOLD = 2.0
"""Proposals scoring under this are held back (measured on the dev corpus: see
bench/README.md)."""


MOVED_TODAY = re.compile(
    r"\b(?:fell|dropped|went|was (?:cut|lowered|reduced|raised)) (?:to|by)\b"
    r".*\bat \d{1,2}[:.]\d{2}\b"
)
"""A rate's move told as done at a clock time of the day."""
GOODS_LINE = re.compile(r"^(?:-\s+)?\w[\w ,()-]{0,50}:\s+(?!.*\b(?:U\.S\.|US|China|Chinese)\b)")
"""A ledger's line for some goods ("Pork: a 5% additional tariff since 1 December"), naming
no side of its own."""


class Pipeline:
    def __init__(self, view: RecordView) -> None:
        self.record = Record(view)
        self.zone = "UTC"
        self.tagger = RuleTagger(view.people)
        self.known_names = {p.name.casefold() for p in view.people} | {
            a.casefold() for p in view.people for a in p.aliases
        }

    def run(self, article: ArticleIn) -> IngestResult:
        local = article.published.astimezone(ZoneInfo(article.timezone))
        today = local.date()
        self.record.today = today
        self.zone = article.timezone
        r = Reading(today)
        for sentence in read(article.text):
            text = sentence.text
            r.side = side_of(sentence.heading or "")  # a ledger's side, for what it heads
            if r.extending is not None and CONTINUES.match(text):
                text = f"{r.extending} {text}"  # "...delays the rises. They now take effect on X."
            first = tag(text, today, self.tagger)
            pieces = facts(first)
            for piece in pieces:
                # two tariff facts of one sentence are read as two sentences
                m = first if len(pieces) == 1 else tag(piece, today, self.tagger)
                m.tariff = m.tariff or (first.tariff and bool(m.rates))
                if not m.dates and first.dates and not AFTER_LAST.search(piece):
                    # what was said of the day: the sentence's first date, placed first
                    m.dates = [replace(first.dates[0], start=0, end=0)]
                self._sentence(r, m, text, sentence.text)
        merged = sorted(merge(r.out), key=lambda p: -p.score)
        kept = [p for p in merged if p.score >= THRESHOLD]
        held = [p for p in merged if p.score < THRESHOLD]
        return IngestResult(
            proposals=kept,
            conflicts=unique([*r.notes, *page_date(r.shifts, today)]),
            held_back=held,
        )

    def _sentence(self, r: Reading, m: Mentions, text: str, raw: str) -> None:
        """One sentence (or one fact of it) read with what the sentences before it said."""
        today = r.today
        if r.last is not None:
            m.dates = [that_year(f, m.sentence, r.last) for f in m.dates]
        if r.story is not None and not any(f.when.start > today for f in m.dates):
            # (a sentence that looks ahead is back in the news, not in the story told)
            m.dates = [in_story_year(f, m.sentence, r.story, today) for f in m.dates]
        r.story = story_after(m.dates, m.sentence, r.story, today)
        # an extension whose sentence gives no new end: the next may ("They now take...")
        r.extending = text if m.extends and extension_end(m) is None else None
        if not m.people and raw[:1] in '“"':
            m.people = r.previous  # a quote that goes on from the sentence before
        m.people += [p for p in self._recent(raw, r.recent) if p not in m.people]
        m.people += [t.name for t in m.titled if t.person is None and t.name not in m.people]
        if not m.people and r.previous and PRONOUN.match(raw):
            m.people = r.previous[:1]  # "She said...": the subject of the sentence before
        r.recent = (m.people + [p for p in r.recent if p not in m.people])[:4]
        r.previous = m.people
        if len(raw.split()) < 14:
            m.words |= r.before  # a short statement is read with the one before
            # "The first delay was ordered on Dec. 31": an act of the trade story before
            m.trade = m.trade or (r.trade_before and bool(NAMED_BEFORE.match(raw)))
        if m.rates and not m.tariff and r.tariff_before is not None and THAT_RATE.match(text):
            # "The new rate of 10% applies from Dec. 15": the tariff named just before
            m.tariff, m.basis = True, m.basis or r.tariff_before.basis
            m.words |= r.tariff_before.words
        if m.tariff and r.tariff_before is not None and THAT_TARIFF.match(text):
            # "That duty, charged at 12.5% ..., falls to 10%": the tariff named just before
            # (its words; its basis may be another layer's it was named beside)
            m.words |= r.tariff_before.words
        if r.side is not None and m.rates:
            m.tariff, m.lean = True, r.side  # "- In force since Tuesday: 5% on pork."
        elif m.tariff and r.tariff_before is not None:
            m.lean = direction(r.tariff_before)[:2]
        elif m.tariff and (GOODS_BEFORE.search(text) or GOODS_LINE.match(text)):
            # "The 10 percent tariff on these products", "Pork: 5% since 1 December": the
            # side of the last tariff whose side was said, for a statement that says none
            m.lean = r.last_side
        if m.tariff:
            imposer, target, why = direction(m)
            if why != DEFAULT_SIDE:
                r.last_side = (imposer, target)
        r.tariff_before = m if m.tariff else None
        r.before = m.words
        r.trade_before = m.trade
        wrong = misdated(self.record, m)
        r.notes += [note for _, note in wrong]
        misdated_days = {found.start for found, _ in wrong}
        if not m.rates and AT_THAT_RATE.search(text):
            if r.pending is not None:
                dated_later(r.out, r.pending, m, r.last, today)
                r.pending = None
            elif r.waiting is not None:
                # "... lower the tariff on pork to 5 percent." "She says the lower rate
                # applies to goods declared from Dec. 1.": the rate's start; nothing else
                c, r.waiting = r.waiting, None
                start = start_said(m, r.last)
                if start is not None and start.end >= today - timedelta(days=7):
                    c.when = start
                    c.status = "in_force" if start.start <= today else "announced"
                    c.reasons = [*c.reasons, "in force from a date the next sentences give"]
                    self._claim(c, today, r.out, r.notes, r.shifts)
                    r.last = m.dates[0].when if m.dates else r.last
                    return
        size = len(r.out)
        for claim in build(m, today, r.last):
            if (
                claim.kind == "tariff"
                and claim.when is None
                and claim.changes
                and MOVED_TODAY.search(claim.sentence)
            ):
                # "the forced-labour duty fell to 10% from 12.5% at 4:01 p.m.": the move of
                # a rate, told as done, with no day but the article's
                claim.when = FuzzyDate.day(today)
            if (
                claim.kind == "tariff"
                and claim.when is None
                and claim.rate is not None
                and not standing(claim)  # (a rate said as it stands is checked as such)
                and self.record.layer(claim) is None
            ):
                r.waiting, r.pending_age = claim, 0  # a new rate; its start may follow
                continue
            if claim.kind == "event" and claim.found and claim.found.start in misdated_days:
                continue  # a recorded fact misdated (flagged): not a new one
            self._claim(claim, today, r.out, r.notes, r.shifts)
        fresh = [i for i in range(size, len(r.out)) if r.out[i].kind == "tariff"]
        if fresh:
            r.pending, r.pending_age = fresh[-1], 0
        elif r.pending is not None or r.waiting is not None:
            r.pending_age += 1
            if r.pending_age > 2:
                r.pending = r.waiting = None
        if m.dates:
            r.last = m.dates[0].when

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
                note = post_conflict(rec, person, c.titled.post, today)
                if note is not None:
                    notes.append(note)
            return
        if c.kind == "update":
            extension(rec, c, today, out)
            return
        if c.kind == "restated":
            item = rec.repeats(c)
            if item is not None:
                out.append(proposal(c, "source-only", matches=item.id, score=2.5))
            return
        if c.kind == "layer":
            layer = rec.layer_started(c)
            if layer is not None:
                out.append(proposal(c, "source-only", matches=layer.id, score=2.5))
            return
        if c.kind == "tariff":
            wrong = misrated(rec, c, today) or misset(rec, c, today)
            if wrong is not None:
                notes.append(wrong)
                return
            rate_statement(rec, c, today, out, notes)
            return
        if c.when is None:
            self._under_way(c, today, out)
            return
        item = rec.repeats(c)
        if item is not None and c.found is not None and day_off(self.zone, c.when, when_of(item)):
            # "met in Busan on Oct. 31" of a meeting on the 30th, from New York
            notes.append(date_conflict(c.found, item))
            return
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
                if len(c.people) >= 2 and MET.search(c.sentence):
                    # "Xi met Vice President JD Vance in Shenzhen on Nov. 18": the summit
                    # was held, and the two leaders' meeting on its sidelines is news too
                    out.append(proposal(c, "event", score=3.5))
                return
            if (
                isinstance(item, Milestone)
                and c.kind == "event"
                and len(c.people) >= 2
                and MET.search(c.sentence)
                and when_of(item).end >= today
            ):
                # "Trump met Premier Li Qiang at Doral on Monday", the summit's first day:
                # a meeting of its own, while the summit is still on
                out.append(proposal(c, "event", score=3.5))
                return
            if (
                isinstance(item, Milestone)
                and c.kind == "milestone"
                and len(c.people) >= 2
                and (MET.search(c.sentence) or TO_MEET.search(c.sentence))
                and c.when.precision is Precision.DAY
                and when_of(item).end > c.when.end
            ):
                # "Trump meets Premier Li Qiang at Doral on Dec. 14": a meeting of its own on
                # one day of the recorded summit
                out.append(proposal(c, "milestone", score=3.5))
                return
            out.append(proposal(c, "source-only", matches=item.id, score=3.0))
            return
        moved = rec.moved(c)
        if moved is not None:
            item, days = moved
            if c.relative:
                shifts.append(days)
                out.append(proposal(c, "source-only", matches=item.id, score=2.0))
            # a date written out that misdates the item is flagged by checks.misdated, which
            # reads the date's own clause; the statement itself is not proposed
            return
        out.append(proposal(c, c.kind, score=new_fact_score(c)))

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


def propose(article: ArticleIn, record: RecordView) -> IngestResult:
    """The proposals an article makes against the record (see the module doc)."""
    return Pipeline(record).run(article)
