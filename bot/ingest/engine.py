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
   item on another date carries a conflict; so does an official given a post the record
   says someone else held on the article's date. When the relative dates, read against
   the page's date, land consistently after the record's dates for the same events, the
   result says the page may be dated later than its story.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from bot.dates import FuzzyDate
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
SAME_DAY = re.compile(r"\b(?:the same day|that day|on the same day)\b", re.IGNORECASE)
BROAD = re.compile(
    r"\b(all|on) (chinese|us|u\.s\.|american) (goods|imports|products)|across the board", re.I
)
TARIFF = re.compile(r"\b(tariffs?|dut(?:y|ies)|levy|levies|surcharge)\b", re.IGNORECASE)
RATE = re.compile(r"(\d{1,3}(?:\.\d+)?)\s*(?:%|per ?cent|percent)", re.IGNORECASE)
MILESTONE = re.compile(
    r"\b(deadline|expir\w*|runs? out|lapses?|scheduled|summit|leaders' meeting|will meet|"
    r"to meet|gathering|forum|takes? effect|due to)\b",
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
            same = SAME_DAY.search(sentence)
            if not dates and same and last_when is not None:
                dates = [Found(same.group(0), same.start(), same.end(), last_when)]
            if dates:
                last_when = dates[-1].when
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
            made.append(self._tariff(sentence, clause, when))
        ahead = when.start > today or bool(FUTURE.search(clause))
        kind = "milestone" if ahead and MILESTONE.search(clause) else "event"
        context = f"{before} {clause}" if len(clause.split()) < 12 else clause
        match, shift = self._match(when, people, context, kind, relative=_relative(found))
        other = self._also(when, people, context, match)
        if other is not None:
            made.append(self._cite(other, when, clause, sentence, people))
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
            shared = len(set(people) & set(getattr(item, "people", [])))
            score = 2 * shared + len(mine & words(_text_of(item)))
            if score >= 2 and (best is None or score > best[0]):
                best = (score, item)
        return best[1] if best is not None else None

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
        rate_text = RATE.search(clause)
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
        match = same[0] if len(same) == 1 else None
        return Proposal(
            kind="source-only" if match else "tariff",
            date=when.canonical(),
            title=_title(clause),
            summary=sentence,
            evidence=[sentence],
            matches=match.id if match else None,
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
            shared = len(set(people) & set(getattr(item, "people", [])))
            base = 2 * shared + len(mine & words(_text_of(item)))
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
