"""Article text -> proposals for the record. Pure: no I/O, no clock (the article's own
publication time is the only 'now').

The rules, in the order they run:

1. The text is cut into sentences (a page that repeats its story is read once).
2. Each date expression in a sentence is resolved against the article's day in its own zone
   (bot.ingest.when) and read with the clause around it: a rate and a tariff word make a
   tariff change; a deadline, expiry or scheduled meeting still ahead makes a milestone;
   anything else that names someone on record or a trade matter makes an event.
3. People are found by the record's names and aliases; a titled name the record does not
   know ("Commerce Secretary Jane Doe") becomes a person proposal.
4. Against the record: a proposal that repeats an item (same window, shared people or
   words) becomes "source-only" (cite this article there); one that describes a recorded
   item on another date carries a conflict; so do a rate that differs from the layer on
   record under the same legal basis, and an official given a post the record says
   someone else held on the article's date. When the relative dates, read against the
   page's date, land consistently after the record's dates for the same events, the
   result says the page may be dated later than its story.
5. A statement with no date of its own is dated by the one before ("hours after", "days
   later", "the same day"); a tariff named only by its rate is cited on the recorded layer
   (dated by it); an event under way as the article is written is cited where recorded.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from bot.dates import FuzzyDate, Precision
from bot.ingest.models import ArticleIn, ConflictNote, IngestResult, Proposal, RecordView
from bot.ingest.when import FUTURE, Found, find_dates
from bot.models import Event, Milestone, Person

_SENTENCE_END = re.compile(r"(?<=[.!?])[”\"’']?\s+(?=[“\"A-Z(])")
_ABBREV = re.compile(
    r"(?:\b[A-Z]|U\.S|U\.K|\bUS|\bUK|Mr|Mrs|Ms|Dr|St|No|Gen|Sen|Rep|Gov|Jan|Feb|Mar|Apr|Aug|Sept?|Oct|Nov|"
    r"Dec|Inc|Corp|Co|vs|\bv|a\.m|p\.m)\.[”\"’']?$"
)
_NOISE = re.compile(r"^(related articles|tags|share|advertisement|read more)\b", re.IGNORECASE)
TRADE = re.compile(
    r"\b(tariffs?|dut(?:y|ies)|talks|truce|trade|exports?|imports?|controls?|sanctions?|deal|"
    r"meeting|summit|negotiat\w*|rare[- ]earths?|soybeans?|call|visit|agreement|court|ruling|"
    r"surcharge|investigations?|probes?|framework|consultations?|meet|meeting|gathering|forum|"
    r"apec|g20|leaders|bans?|chips|sales|purchases|trip)\b",
    re.IGNORECASE,
)
UNDER_WAY = re.compile(r"\b(?:is|are)\s+(?:\w+ing|set to|expected to|due to)\b", re.IGNORECASE)
"""A statement about what is happening as the article is written ("is preparing to")."""
SAME_DAY = re.compile(r"\b(?:the same day|that day|on the same day)\b", re.IGNORECASE)
AFTER_LAST = re.compile(
    r"\b(?P<hours>hours|minutes) (?:after|later)\b|\b(?P<days>days) later\b|"
    r"\b(?P<next>the next day|a day later|the following day)\b",
    re.IGNORECASE,
)
"""Dated by the statement before: "hours after" (that day or the next), "days later" (the
six days after), "the next day"."""
BROAD = re.compile(
    r"\b(all|on) (chinese|us|u\.s\.|american) (goods|imports|products)|across the board", re.I
)
TARIFF = re.compile(r"\b(tariffs?|dut(?:y|ies)|levy|levies|surcharge)\b", re.IGNORECASE)
RATE = re.compile(r"(\d{1,3}(?:\.\d+)?)\s*(?:%|per ?cent|percent)", re.IGNORECASE)
MILESTONE = re.compile(
    r"\b(deadline|expir\w*|runs? out|lapses?|scheduled|summit|leaders' meeting|will meet|"
    r"to meet|gathering|forum|takes? effect|due to|due (?:by|on)|comments?)\b",
    re.IGNORECASE,
)
BASES = [
    ("Section 122", r"section 122"),
    ("Section 232", r"section 232"),
    ("Section 301", r"section 301"),
    ("IEEPA", r"\bieepa\b|emergency economic powers"),
    ("fentanyl", r"fentanyl"),
    ("reciprocal", r"reciprocal"),
    ("Customs Tariff Commission", r"tariff commission"),
]
TITLES = (
    r"(?:Vice[- ]Premier|Premier|President|(?:US\.?|U\.S\.|United States) Trade Representative|"
    r"Trade Representative|Commerce Secretary|Treasury Secretary|Secretary of (?:State|Commerce|"
    r"the Treasury)|Commerce Minister|Minister of Commerce|Vice Minister|Ambassador|"
    r"negotiator)"
)
TITLED = re.compile(rf"\b(?P<title>{TITLES})\s+(?P<name>[A-Z][a-z]+(?:[ -][A-Z][a-z]+){{1,2}})\b")
STOP = frozenset(
    """
    that this with from have been will would their there which while about after before
    said says were they them than then into over also more most some such only other what
    when where your year years week weeks month months days time both each officials
    official people against under between during since because could should chinese china
    united states american beijing washington trade talks tariff tariffs goods economic
    countries sides president secretary minister administration senior
    """.split()  # noqa: SIM905 (a word list reads best as words)
)
AMBIGUOUS = frozenset({"He", "Li", "Lee", "Wang", "Xi Jinping's"})


def sentences(text: str) -> list[str]:
    """The article's sentences, each once, without page furniture."""
    seen: set[str] = set()
    out: list[str] = []
    for para in re.split(r"\n+", text):
        parts: list[str] = []
        for piece in _SENTENCE_END.split(para.strip()):
            if parts and _ABBREV.search(parts[-1]):
                parts[-1] = f"{parts[-1]} {piece}"  # "U.S. Trade Representative": one sentence
            else:
                parts.append(piece)
        for raw in parts:
            s = " ".join(raw.split())
            key = s.casefold()
            if len(s.split()) < 4 or _NOISE.match(s) or key in seen:
                continue
            seen.add(key)
            out.append(s)
    return out


def _stem(word: str) -> str:
    for suffix in ("ing", "ed", "es", "s"):
        if len(word) > len(suffix) + 3 and word.endswith(suffix):
            return word[: -len(suffix)]
    return word


def words(text: str) -> set[str]:
    """Content words, lower case, hyphenated words split, plural and tense endings cut, so
    "proposes forced-labour duties" and "proposed forced labour duty" share their words."""
    return {_stem(w) for w in re.findall(r"[a-z]{4,}", text.casefold()) if w not in STOP} - STOP


def _name_patterns(people: list[Person]) -> list[tuple[re.Pattern[str], str]]:
    pats: list[tuple[re.Pattern[str], str]] = []
    for p in people:
        names = {p.name}
        names.update(a for a in p.aliases if a[:1].isupper() and a not in AMBIGUOUS)
        last = p.name.split()[-1]
        if len(last) >= 4 and p.name.split()[0] not in AMBIGUOUS:
            names.add(last)
        for n in names:
            if n.casefold() == n or re.search(r"\b(secretary|representative|minister)\b", n, re.I):
                continue  # a title, not a name
            pats.append((re.compile(rf"\b{re.escape(n)}\b"), p.id))
    return pats


def _clause(sentence: str, found: Found) -> str:
    """The part of the sentence a date belongs to: from the last clause break before it
    to the next one after it."""
    breaks = [m.end() for m in re.finditer(r"[;:]|,\s+(?:but|and|while)\s|\band\b", sentence)]
    start = max((b for b in breaks if b <= found.start), default=0)
    ends = [m.start() for m in re.finditer(r"[;]|,\s+(?:but|and|while)\s|\band\b", sentence)]
    end = min((e for e in ends if e >= found.end), default=len(sentence))
    return sentence[start:end].strip(" ,")


def _title(text: str, limit: int = 110) -> str:
    text = text.strip().rstrip(".")
    text = text[:1].upper() + text[1:]
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0]
    return cut.rstrip(",;:") + "…"


def _direction(text: str) -> tuple[str, str]:
    low = text.casefold()
    china_acts = re.search(
        r"\b(beijing|china|chinese)\b[^.]{0,60}\b(retaliat|counter|impos|levy)", low
    )
    on_us = re.search(r"\bon (us|u\.s\.|american|united states)\b", low)
    if (china_acts and on_us) or "counter-tariff" in low or "retaliatory" in low:
        return "CN", "US"
    return "US", "CN"


def _status(text: str) -> str:
    low = text.casefold()
    for status, pattern in (
        ("suspended", r"suspend|pause"),
        ("lifted", r"\blift|remov|drop|scrap|void|struck down|expire|lapse"),
        ("threatened", r"threat|could|would|warn"),
        ("in_force", r"took effect|takes effect|in force|in effect|imposed|collect"),
        ("announced", r"announc|will|set to|plans?|propos"),
    ):
        if re.search(pattern, low):
            return status
    return "announced"


class Engine:
    """Proposals for one article against one view of the record."""

    def __init__(self, record: RecordView) -> None:
        self.record = record
        self.names = _name_patterns(record.people)
        self.people = {p.id: p for p in record.people}
        self.known_names = {p.name.casefold() for p in record.people} | {
            a.casefold() for p in record.people for a in p.aliases
        }
        # each recorded event's and milestone's words, read once per engine (not per date
        # expression); keyed by identity, the engine holds the record they belong to
        items: list[Event | Milestone] = [*record.events, *record.milestones]
        self.item_words = {id(item): words(_text_of(item)) for item in items}

    def _score(self, item: Event | Milestone, people: list[str], mine: set[str]) -> int:
        """How strongly a statement names a recorded item: two for each person both name,
        one for each content word they share."""
        shared = len(set(people) & set(getattr(item, "people", [])))
        return 2 * shared + len(mine & self.item_words[id(item)])

    def run(self, article: ArticleIn) -> IngestResult:
        local = article.published.astimezone(ZoneInfo(article.timezone))
        today = local.date()
        proposals: list[Proposal] = []
        shifts: list[int] = []
        seen_people: set[str] = set()
        last: list[str] = []
        before = ""
        last_when: FuzzyDate | None = None
        for sentence in sentences(article.text):
            people = self._people(sentence)
            if not people and sentence[:1] in '“"':
                people = last  # a quote that goes on from the sentence before
            last = people
            proposals.extend(self._people_proposals(sentence, today, seen_people))
            dates = find_dates(sentence, today)
            after = _after(sentence, last_when) if last_when is not None else []
            if after and (not dates or after[0].start < dates[0].start):
                dates = [*after, *dates]
            if dates:
                last_when = dates[0].when  # the statement's own time comes first
            if not dates:
                proposals.extend(self._undated(sentence, people, today))
            for found in dates:
                made, shift = self._dated(sentence, found, people, today, before)
                proposals.extend(made)
                if shift is not None:
                    shifts.append(shift)
            before = sentence
        return IngestResult(
            proposals=_merge(proposals), conflicts=self._page_date(shifts, local.date())
        )

    # -- people ---------------------------------------------------------------------------
    def _people(self, text: str) -> list[str]:
        found: list[str] = []
        for pattern, pid in self.names:
            if pattern.search(text) and pid not in found:
                found.append(pid)
        return found

    def _people_proposals(self, sentence: str, today: date, seen: set[str]) -> list[Proposal]:
        out: list[Proposal] = []
        tokens = sentence.split()
        if sum(t[:1].isupper() for t in tokens) > 0.6 * len(tokens):
            return out  # a headline in title case: every word looks like a name
        for m in TITLED.finditer(sentence):
            name, title = m.group("name"), " ".join(m.group("title").split())
            person = next((p for p in self.record.people if p.name == name), None)
            if person is None:
                if name.casefold() in self.known_names or name in seen:
                    continue
                seen.add(name)
                out.append(
                    Proposal(
                        kind="person",
                        title=name,
                        summary=f"Named in the article as {title}.",
                        people=[name],
                        evidence=[sentence],
                    )
                )
                continue
            note = self._post_conflict(person, title, today)
            if note is not None and person.id not in seen:
                seen.add(person.id)
                out.append(
                    Proposal(
                        kind="source-only",
                        title=f"{name} named as {title}",
                        summary=f"The article calls {name} {title}.",
                        people=[person.id],
                        evidence=[sentence],
                        matches=person.id,
                        conflicts=[note],
                    )
                )
        return out

    def _post_conflict(self, person: Person, title: str, today: date) -> ConflictNote | None:
        key = re.sub(r"^(us\.?|u\.s\.|united states)\s+", "", title.casefold())
        if key in ("president", "negotiator", "trade negotiator", "ambassador"):
            return None

        def holds(p: Person) -> bool:
            return any(
                key in post.title.casefold()
                and (post.start is None or post.start.start <= today)
                and (post.end is None or post.end.end >= today)
                for post in p.posts
            )

        if holds(person) or not any(key in post.title.casefold() for post in person.posts):
            return None
        holder = next(
            (p for p in self.record.people if p.country == person.country and holds(p)), None
        )
        record = (
            f"{holder.name} held that post on {FuzzyDate.day(today).label()}"
            if holder
            else f"the record has {person.name} out of that post by then"
        )
        return ConflictNote(
            claim=f"{person.name} is {title}",
            record=record,
            why="an official given a post the record says someone else held on that date",
            item=holder.id if holder else person.id,
        )

    # -- dated statements -------------------------------------------------------------------
    def _dated(
        self, sentence: str, found: Found, people: list[str], today: date, before: str
    ) -> tuple[list[Proposal], int | None]:
        """What one dated statement proposes: a tariff change when it states a rate, and the
        event or milestone it describes (new, or "cite here" on the item it repeats; a
        statement that repeats both a recorded event and a recorded milestone cites both)."""
        clause = _clause(sentence, found)
        if not people and not TRADE.search(f"{before} {sentence}"):
            return [], None
        when = found.when
        made: list[Proposal] = []
        tariff = TARIFF.search(clause) and RATE.search(clause)
        if tariff:
            layer = self._tariff(sentence, clause, when)
            made.append(layer)
            for item in self._with_rate(when, layer.rate):
                made.append(self._cite(item, when, clause, sentence, people))
        ahead = when.start > today or bool(FUTURE.search(clause))
        kind = "milestone" if ahead and MILESTONE.search(clause) else "event"
        context = f"{before} {clause}" if len(clause.split()) < 12 else clause
        match, shift = self._match(when, people, context, kind, relative=_relative(found))
        other = self._also(when, people, context, match)
        if other is not None:
            made.append(self._cite(other, when, clause, sentence, people))
        for named in self._by_place(when, sentence, match):
            made.append(self._cite(named, when, clause, sentence, people))
        for more in self._others_in(when, people, context, match, other):
            made.append(self._cite(more, when, clause, sentence, people))
        if tariff and (match is None or shift is not None):
            return made, None  # the rate is the news; no event proposed beside it
        made.append(
            Proposal(
                kind="source-only" if match is not None and shift is None else kind,
                date=when.canonical(),
                title=_title(clause if len(clause.split()) >= 5 else sentence),
                summary=sentence,
                people=people,
                evidence=[sentence],
                matches=match.id if match is not None else None,
                conflicts=(
                    [
                        ConflictNote(
                            claim=f"{found.text!r}: {when.label()}",
                            record=f"{match.id}: {_when_of(match).label()}",
                            why="a date that differs from the recorded one",
                            item=match.id,
                        )
                    ]
                    if match is not None and shift is not None
                    else []
                ),
            )
        )
        return made, shift

    def _also(
        self, when: FuzzyDate, people: list[str], context: str, first: Event | Milestone | None
    ) -> Event | Milestone | None:
        """The recorded item of the other type (a milestone beside an event, or the reverse)
        that the same statement repeats on the same dates, if any."""
        if first is None:
            return None
        pool: list[Event | Milestone] = list(
            self.record.events if isinstance(first, Milestone) else self.record.milestones
        )
        mine = words(context)
        best: tuple[int, Event | Milestone] | None = None
        for item in pool:
            window = _when_of(item)
            if not (window.start <= when.end and when.start <= window.end):
                continue
            score = self._score(item, people, mine)
            if score >= 2 and (best is None or score > best[0]):
                best = (score, item)
        return best[1] if best is not None else None

    def _undated(self, sentence: str, people: list[str], today: date) -> list[Proposal]:
        """A statement with no date can still repeat the record: a tariff layer it names by
        rate (and the event of its start), or an event under way as the article is written
        ("is preparing to step up scrutiny"). Such proposals only cite; their date is the
        recorded item's."""
        out: list[Proposal] = []
        if TARIFF.search(sentence) and RATE.search(sentence):
            layer = self._tariff(sentence, sentence, FuzzyDate.day(today))
            measure = next((m for m in self.record.tariffs if m.id == layer.matches), None)
            start = measure.effective_from if measure is not None else None
            if measure is not None and start is not None:
                when = FuzzyDate.day(start)
                out.append(layer.model_copy(update={"date": when.canonical()}))
                for item in self._with_rate(when, layer.rate):
                    out.append(self._cite(item, _when_of(item), sentence, sentence, people))
            return out
        if (not people and not TRADE.search(sentence)) or not UNDER_WAY.search(sentence):
            return out
        mine = words(sentence)
        for event in self.record.events:
            if not event.date.contains(today) and not (
                event.date.start.year == today.year
                and event.date.start.month == today.month
                and event.date.precision is Precision.MONTH
            ):
                continue
            if self._score(event, people, mine) >= 3:
                out.append(self._cite(event, event.date, sentence, sentence, people))
        return out[:2]

    def _with_rate(self, when: FuzzyDate, rate: float | None) -> list[Event | Milestone]:
        """Recorded events and milestones on these dates that state the same rate (the event
        of a threatened 100% tariff, the day it was due to start)."""
        if rate is None:
            return []
        pattern = re.compile(rf"(?<![\d.]){re.escape(f'{rate:g}')}\s*(?:%|per ?cent|percent)")
        items: list[Event | Milestone] = [*self.record.events, *self.record.milestones]
        return [
            item
            for item in items
            if _near(when, _when_of(item), slack=0) and pattern.search(_text_of(item))
        ][:3]

    def _others_in(
        self,
        when: FuzzyDate,
        people: list[str],
        context: str,
        *taken: Event | Milestone | None,
    ) -> list[Event]:
        """Further recorded events inside a window of several days that the statement names
        as strongly as the first ("days ago ... deals with the EU and Japan")."""
        if when.start == when.end or taken[0] is None:
            return []
        ids = {t.id for t in taken if t is not None}
        mine = words(context)
        out = []
        for event in self.record.events:
            if event.id in ids or not (when.start <= event.date.start <= when.end):
                continue
            if self._score(event, people, mine) >= 3:
                out.append(event)
        return out[:3]

    def _by_place(
        self, when: FuzzyDate, sentence: str, first: Event | Milestone | None
    ) -> list[Event]:
        """For a vague window ("earlier this year in Geneva, London and Stockholm"): every
        recorded event in it held in a place the sentence names."""
        if when.precision not in (Precision.YEAR, Precision.QUARTER, Precision.MONTH):
            return []
        names = {w for w in re.findall(r"\b[A-Z][a-z]{3,}\b", sentence)} - {w.title() for w in STOP}
        found = []
        for event in self.record.events:
            if first is not None and event.id == first.id:
                continue
            place = event.place or ""
            if (
                place
                and when.start <= event.date.start
                and event.date.end <= when.end
                and any(re.search(rf"\b{n}\b", place) for n in names)
            ):
                found.append(event)
        return found[:4]

    def _cite(
        self,
        item: Event | Milestone,
        when: FuzzyDate,
        clause: str,
        sentence: str,
        people: list[str],
    ) -> Proposal:
        return Proposal(
            kind="source-only",
            date=when.canonical(),
            title=_title(clause if len(clause.split()) >= 5 else sentence),
            summary=sentence,
            people=people,
            evidence=[sentence],
            matches=item.id,
        )

    def _tariff(self, sentence: str, clause: str, when: FuzzyDate) -> Proposal:
        target_rate = re.search(r"\bto (\d{1,3}(?:\.\d+)?)\s*(?:%|per ?cent|percent)", clause)
        rate_text = target_rate or RATE.search(clause)  # "from 20% to 10%": the new rate
        rate = float(rate_text.group(1)) if rate_text else None
        imposer, target = _direction(sentence)
        basis = next((b for b, pat in BASES if re.search(pat, sentence, re.IGNORECASE)), None)
        status = _status(clause)
        broad = bool(BROAD.search(sentence))
        same = [
            m
            for m in self.record.tariffs
            if m.rate == rate
            and (m.imposer, m.target) == (imposer, target)
            and (basis is None or basis.casefold() in (m.legal_basis + m.name).casefold())
            and (m.applies_to_all or not broad)
        ]
        if len(same) > 1:  # several layers at this rate: the one that changed on this date
            same = [
                m
                for m in same
                if any(when.start - timedelta(days=3) <= d <= when.end for d in m.change_dates())
            ]
        match = same[0] if len(same) == 1 else None
        conflicts = []
        if match is None and basis is not None and rate is not None:
            recorded = [
                m
                for m in self.record.tariffs
                if (m.imposer, m.target) == (imposer, target)
                and basis.casefold() in (m.legal_basis + m.name).casefold()
                and m.rate != rate
                and m.in_force_on(when.start)
            ]
            if recorded:
                m = recorded[0]
                conflicts.append(
                    ConflictNote(
                        claim=f"{basis} at {rate:g}%",
                        record=f"{m.id}: {m.rate:g}% in force on {when.label()}",
                        why="a rate that differs from the recorded one",
                        item=m.id,
                    )
                )
        return Proposal(
            kind="source-only" if match else "tariff",
            date=when.canonical(),
            title=_title(clause),
            summary=sentence,
            evidence=[sentence],
            matches=match.id if match else None,
            conflicts=conflicts,
            rate=rate,
            imposer=imposer,
            target=target,
            legal_basis=basis,
            status=status,
        )

    def _match(
        self, when: FuzzyDate, people: list[str], clause: str, kind: str, *, relative: bool
    ) -> tuple[Event | Milestone | None, int | None]:
        """The record item this statement repeats (shift None), or the one it describes on
        another date (with the shift in days, for relative dates only)."""
        mine = words(clause)
        best: tuple[int, int, Event | Milestone] | None = None
        candidates: list[Event | Milestone] = [*self.record.events, *self.record.milestones]
        for item in candidates:
            base = self._score(item, people, mine)
            window = _when_of(item)
            score = base
            if _near(when, window):
                score += 5 + (2 if window.start <= when.start and when.end <= window.end else 0)
                score += 2 if window.canonical() == when.canonical() else 0
            if isinstance(item, Milestone) == (kind == "milestone"):
                score += 1
            if best is None or score > best[0]:
                best = (score, base, item)
        if best is None:
            return None, None
        _, base, item = best
        window = _when_of(item)
        same_span = window.canonical() == when.canonical() and window.start != window.end
        if _near(when, window) and (base >= 2 or same_span):
            return item, None
        if relative and base >= 5 and not _near(when, window):
            return item, (when.start - window.start).days
        return None, None

    def _page_date(self, shifts: list[int], page_day: date) -> list[ConflictNote]:
        late = [s for s in shifts if s >= 2]
        if len(late) < 2 or len(late) < len(shifts) / 2:
            return []
        days = min(late)
        story = page_day - timedelta(days=days)
        return [
            ConflictNote(
                claim=f"the page is dated {FuzzyDate.day(page_day).label()}",
                record=(
                    f"read against that date, {len(late)} of its relative dates fall "
                    f"{days} or more days after the record's dates for the same events: the "
                    f"story reads as written on or before {FuzzyDate.day(story).label()}"
                ),
                why="a page date that differs from the story's own date",
            )
        ]


def _after(sentence: str, last: FuzzyDate) -> list[Found]:
    """A date the sentence gives only against the statement before it."""
    same = SAME_DAY.search(sentence)
    if same:
        return [Found(same.group(0), same.start(), same.end(), last)]
    m = AFTER_LAST.search(sentence)
    if m is None:
        return []
    if m["hours"]:
        when = FuzzyDate.model_validate(f"{last.end}..{last.end + timedelta(days=1)}")
    elif m["days"]:
        end = last.end + timedelta(days=6)
        when = FuzzyDate.model_validate(f"{last.end + timedelta(days=1)}..{end}")
    else:
        when = FuzzyDate.day(last.end + timedelta(days=1))
    return [Found(m.group(0), m.start(), m.end(), when)]


def _relative(found: Found) -> bool:
    return not re.search(r"\d", found.text)


def _near(a: FuzzyDate, b: FuzzyDate, slack: int = 1) -> bool:
    return a.start <= b.end + timedelta(days=slack) and b.start <= a.end + timedelta(days=slack)


def _when_of(item: Event | Milestone) -> FuzzyDate:
    if isinstance(item, Event):
        return item.date
    local = item.at.astimezone(ZoneInfo(item.timezone)).date()
    end = (item.ends or item.at).astimezone(ZoneInfo(item.timezone)).date()
    if end == local:
        return FuzzyDate.day(local)
    return FuzzyDate.model_validate(f"{local.isoformat()}..{end.isoformat()}")


def _text_of(item: Event | Milestone) -> str:
    if isinstance(item, Event):
        return f"{item.title} {item.summary} {item.place or ''}"
    return f"{item.name} {item.description or ''} {item.place or ''}"


def _merge(proposals: list[Proposal]) -> list[Proposal]:
    """One proposal per (kind, date, matched item): the first keeps the others' evidence."""
    out: dict[tuple[str, str | None, str | None, str], Proposal] = {}
    for p in proposals:
        key = (p.kind, p.date, p.matches, "" if p.matches else p.title)
        if key in out:
            kept = out[key]
            evidence = kept.evidence + [e for e in p.evidence if e not in kept.evidence]
            out[key] = kept.model_copy(update={"evidence": evidence})
        else:
            out[key] = p
    return list(out.values())


def propose(article: ArticleIn, record: RecordView) -> IngestResult:
    """The proposals an article makes against the record (see the module doc)."""
    return Engine(record).run(article)
