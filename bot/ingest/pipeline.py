"""Article text -> proposals for the record. Pure: no I/O, no clock (the article's own
publication time is the only 'now').

The stages, each a module of its own:

1. bot.ingest.text: the article cut into sentences; datelines, bylines and boilerplate set
   aside.
2. bot.ingest.mentions: dates, people, posts, rates, legal bases, who acts on whom.
3. bot.ingest.claims: one claim per fact a sentence states (its main date, not one per
   date expression; bot.ingest.tense says which dates are the news's own, bot.ingest.due
   what a procedure makes due).
4. here: the claims compared with the record (bot.ingest.compare; extensions and rate
   statements in bot.ingest.changes), each scored with its reasons; bot.ingest.checks
   flags where the article contradicts the record (posts, dates, rates);
5. bot.ingest.merge: claims about the same fact merged into one proposal with all its
   evidence; here again: the strongest first, and those under THRESHOLD held back (kept
   for a curator to see).
"""

from __future__ import annotations

import re
from datetime import date
from zoneinfo import ZoneInfo

from bot.dates import FuzzyDate, Precision
from bot.ingest.changes import extension, rate_statement
from bot.ingest.checks import date_conflict, day_off, misdated, misrated, post_conflict
from bot.ingest.claims import Claim, build, extension_end
from bot.ingest.compare import Record, proposal, when_of
from bot.ingest.mentions import Mentions, RuleTagger, tag
from bot.ingest.merge import merge, page_date, unique
from bot.ingest.models import ArticleIn, ConflictNote, IngestResult, Proposal, RecordView
from bot.ingest.text import read
from bot.models import Milestone

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
            # an extension whose sentence gives no new end: the next may ("They now take...")
            extending = text if m.extends and extension_end(m) is None else None
            if not m.people and sentence.text[:1] in '“"':
                m.people = previous  # a quote that goes on from the sentence before
            m.people += [p for p in self._recent(sentence.text, recent) if p not in m.people]
            m.people += [t.name for t in m.titled if t.person is None and t.name not in m.people]
            if not m.people and previous and PRONOUN.match(sentence.text):
                m.people = previous[:1]  # "She said...": the subject of the sentence before
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
            notes += misdated(self.record, m)
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
                note = post_conflict(rec, person, c.titled.post, today)
                if note is not None:
                    notes.append(note)
            return
        if c.kind == "update":
            extension(rec, c, today, out)
            return
        if c.kind == "tariff":
            wrong = misrated(rec, c, today)
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
        score = 1.0 + 2 * min(len(c.people), 2) + (0.5 if c.found and not c.relative else 0)
        if not c.people and AGENCY.search(c.sentence):
            score += 1  # a government body acting: the ministry, customs, USTR, the court
        if STRONG.search(c.sentence):
            score += 1
        if c.clause is not None:
            score += 1.5  # what a procedure makes due: the procedure is the actor
        if HEARSAY.search(c.sentence):
            score -= 1
        if REMARKS.search(c.sentence) and c.kind == "event":
            score -= 2
        if c.when.precision in (Precision.YEAR, Precision.QUARTER):
            score -= 2
        out.append(proposal(c, c.kind, score=score))

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
