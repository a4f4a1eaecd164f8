"""Where an article contradicts the record: an official given a post the record says they
did not hold on that day (any post, not only a former holder's), and a recorded fact given
another date (in any clause, background included: "Nine months after the Supreme Court's
Feb. 27 ruling"). Pure; bot.ingest.pipeline asks it of every sentence."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.dates import FuzzyDate, Precision
from bot.ingest.claim import Claim
from bot.ingest.compare import GENERIC, Record, near, place_in, when_of
from bot.ingest.goods import covered_at, covered_rates, named_goods
from bot.ingest.mentions import RATE, Mentions, words
from bot.ingest.models import ConflictNote
from bot.ingest.text import headline
from bot.ingest.when import Found, find_dates
from bot.models import Event, Milestone, Person, TariffMeasure

POST_KEYS = [
    ("trade representative", ("trade representative", "ustr")),
    ("treasury secretary", ("treasury", "secretary of the treasury")),
    ("commerce secretary", ("secretary of commerce", "commerce secretary")),
    ("agriculture secretary", ("agriculture",)),
    ("vice premier", ("vice premier",)),
    ("premier", ("premier",)),
    ("commerce minister", ("minister of commerce", "commerce minister")),
    ("vice president", ("vice president",)),
    ("president", ("president",)),
    ("ambassador", ("ambassador",)),
]


def _post_key(post: str) -> str | None:
    low = post.casefold().replace("-", " ")
    for key, _ in POST_KEYS:
        if key in low:
            return key
    if "minister of commerce" in low:
        return "commerce minister"
    return None


OFFICE = re.compile(
    r"\b(?:(?P<rank>vice|deputy|under)[\s-]+)?(?P<before>[a-z]+\s+)?"
    r"(?P<office>minister|secretary|premier|governor|chancellor|chairman|chairwoman)\b"
    r"(?:\s+of\s+(?:the\s+)?(?P<after>[a-z]+))?",
    re.IGNORECASE,
)
"""An office and its portfolio ("Finance Minister", "Prime Minister", "Minister of Finance")."""
NOT_PORTFOLIO = frozenset(
    {"chinese", "korean", "japanese", "american", "us", "the", "then", "former", "top"}
)


def _office_words(post: str) -> set[str] | None:
    """The words of an office the record's title must hold ("finance minister": both; "vice
    minister of commerce": all three), or None when the post names no office with a
    portfolio or rank."""
    m = OFFICE.search(post)
    if m is None:
        return None
    portfolio = {
        w.strip().casefold()
        for w in (m["before"], m["after"])
        if w and w.strip().casefold() not in NOT_PORTFOLIO
    }
    rank = {m["rank"].casefold()} if m["rank"] else set()
    if not portfolio and not rank:
        return None
    return {m["office"].casefold(), *portfolio, *rank}


def _other_office(person: Person, post: str, day: date) -> ConflictNote | None:
    """A post outside the lexicon of POST_KEYS ("Finance Minister He Lifeng", "Prime Minister
    Lee Jae Myung"): a conflict when no title the record gives them on `day` holds its
    office and portfolio."""
    needed = _office_words(post)
    if needed is None:
        return None
    now = [
        q.title
        for q in person.posts
        if (q.start is None or q.start.start <= day) and (q.end is None or q.end.end >= day)
    ]
    if not now or any(needed <= set(re.findall(r"[a-z]+", t.casefold())) for t in now):
        return None
    return ConflictNote(
        claim=f"{person.name} is {post}",
        record=f"the record has no such post for {person.name} on {FuzzyDate.day(day).label()}; "
        f"{person.name} was {now[0]}",
        why="an official given a post the record says they did not hold on that date",
        item=person.id,
    )


def post_conflict(rec: Record, person: Person, post: str, day: date) -> ConflictNote | None:
    """The article gives `person` a post the record says they did not hold on `day`."""
    key = _post_key(post)
    if key is None or re.match(r"(?i)(?:vice|deputy|under)[\s-]+(?!premier|president)", post):
        # "Vice Minister of Commerce": the rank is part of the post
        return _other_office(person, post, day)
    if key == "premier" and "vice" in post.casefold():
        key = "vice premier"
    names = dict(POST_KEYS)[key]

    def holds(p: Person) -> bool:
        return any(
            any(re.search(rf"(?<!vice ){re.escape(n)}", q.title.casefold()) for n in names)
            and (key != "premier" or "vice premier" not in q.title.casefold())
            and (key != "president" or "vice president" not in q.title.casefold())
            and (q.start is None or q.start.start <= day)
            and (q.end is None or q.end.end >= day)
            for q in p.posts
        )

    if holds(person):
        return None
    if key == "president" and not any("president" in q.title.casefold() for q in person.posts):
        return None
    country = "United States" if re.search(r"\bU\.?S\.?\b|United States", post) else person.country
    holder = next(
        (
            p
            for p in rec.view.people
            if holds(p)
            and p.id != person.id
            and p.country == country
            and key != "ambassador"  # one for each posting: another's is no evidence
        ),
        None,
    )
    now = [q.title for q in person.posts if q.end is None or q.end.end >= day]
    past = next(
        (
            q
            for q in person.posts
            if q.end is not None and q.end.end < day and any(n in q.title.casefold() for n in names)
        ),
        None,
    )
    on = FuzzyDate.day(day).label()
    if holder:
        record = f"{holder.name} held that post on {on}"
    elif past is not None and past.end is not None:
        record = f"{person.name} left that post in {past.end.label()}"
    else:
        record = f"the record has no such post for {person.name} on {on}"
    if now:
        record += f"; {person.name} was {now[0]}"
    return ConflictNote(
        claim=f"{person.name} is {post}",
        record=record,
        why="an official given a post the record says they did not hold on that date",
        item=holder.id if holder else person.id,
    )


MISDATED_WORDS = 4
"""Content words the text around a date must share with a recorded item of another date to
name that item (people count three each)."""
MISDATED_DAYS = 62
"""How far off a date may be and still be read as the same fact misdated."""
EXPLICIT = re.compile(r"\d|(?i:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)")
"""A date written out (a month's name or a number), not a weekday or a relative one."""
ANNOUNCED = re.compile(r"\b(?:announc\w*|unveil\w*)(?:\s+(?:of|on|in))?\s*$", re.IGNORECASE)
_CLAUSE = 80
"""Characters each side of a date read as its clause (cut at the next date)."""


def _loose(a: FuzzyDate, b: FuzzyDate) -> bool:
    """The two dates can be one: `near`, with its day's slack between days (Washington and
    Beijing) and none between months or coarser."""
    fine = (Precision.DAY, Precision.SPAN)
    return near(a, b, slack=1 if a.precision in fine and b.precision in fine else 0)


def misdated(rec: Record, m: Mentions) -> list[tuple[Found, ConflictNote]]:
    """Each date of the sentence whose clause clearly describes a recorded event or passed
    milestone of another date, when no recorded item of that date fits the clause as well,
    with its note."""
    notes: list[tuple[Found, ConflictNote]] = []
    for i, found in enumerate(m.dates):
        if found.when.precision not in (Precision.DAY, Precision.SPAN, Precision.MONTH):
            continue
        if not EXPLICIT.search(found.text) or re.match(r"(?i)the\b|since\b", found.text):
            continue  # "on Friday", "since May", "the April escalation": not a fact's date
        lo = max(found.start - _CLAUSE, m.dates[i - 1].end if i else 0)
        hi = min(found.end + _CLAUSE, m.dates[i + 1].start if i + 1 < len(m.dates) else 10**6)
        clause = m.sentence[lo : found.start] + " " + m.sentence[found.end : hi]
        if ANNOUNCED.search(m.sentence[max(lo, found.start - 30) : found.start]):
            continue  # "(announcement of February 4)": the record dates what then happened
        around = words(clause)
        named = [  # the people of this clause, not of the whole sentence
            pid
            for pid in m.people
            if (p := rec.people.get(pid)) is not None
            and any(len(part) > 2 and part in clause for part in p.name.split())
        ]
        best: tuple[int, Event | Milestone] | None = None
        fits = 0
        for item in rec.items:
            if isinstance(item, Milestone) and item.outcome is None:
                continue  # a deadline still open is not a fact with a date yet
            people = len(set(named) & set(getattr(item, "people", [])))
            score = 3 * people + len(around & rec.item_words[id(item)])
            if item.place and place_in(item.place, m.sentence[lo : found.start]):
                score += 3  # "met in Paris on April 15-16": the Paris talks, not another round
            window = when_of(item)
            if _loose(found.when, window):
                fits = max(fits, score)
            elif abs((found.when.start - window.start).days) <= MISDATED_DAYS and (
                best is None or score > best[0]
            ):
                best = (score, item)
        for t in rec.view.tariffs:  # a layer's own steps date facts too ("from Nov. 9")
            if any(_loose(found.when, FuzzyDate.day(d)) for d in t.change_dates()):
                fits = max(fits, len(around & rec.tariff_words[id(t)]))
        if best is None or best[0] < MISDATED_WORDS or fits >= min(2, best[0] - 1):
            continue
        item = best[1]
        if any(_loose(found.when, d) for d in _dates_in(item)):
            continue  # a date the item's own text gives ("signed on 29 September")
        notes.append((found, date_conflict(found, item)))
    return notes


def date_conflict(found: Found, item: Event | Milestone) -> ConflictNote:
    """The article's date for a recorded fact, beside the record's."""
    return ConflictNote(
        claim=f"“{found.text}”: {found.when.label()}",
        record=f"{item.id}: {when_of(item).label()}",
        why="a date that differs from the recorded one for the same fact",
        item=item.id,
    )


def rate_conflict(c: Claim, layer: TariffMeasure, on: date | None = None) -> ConflictNote:
    """The article's rate for a recorded layer, beside the record's (on that day)."""
    then = f" in force on {FuzzyDate.day(on).label()}" if on is not None else ""
    return ConflictNote(
        claim=f"{c.rate:g}%: {headline(c.sentence, 120)}",
        record=f"{layer.id}: {layer.rate:g}%{then}",
        why="a rate that differs from the recorded one",
        item=layer.id,
    )


def _dates_in(item: Event | Milestone) -> list[FuzzyDate]:
    """The dates an item's own text gives (an event "announced on 10 April")."""
    text = item.summary if isinstance(item, Event) else item.description or ""
    return [f.when for f in find_dates(text, when_of(item).start)]


def day_off(zone: str, said: FuzzyDate, recorded: FuzzyDate) -> bool:
    """A day's difference the zones cannot explain: an article in the Americas dates things
    on or before the day they were in Asia or Europe, never after; one in Asia never
    before."""
    if said.precision is not Precision.DAY or recorded.precision is not Precision.DAY:
        return False
    days = (said.start - recorded.start).days
    delta = datetime(recorded.start.year, 1, 15, 12, tzinfo=ZoneInfo(zone)).utcoffset()
    hours = delta.total_seconds() / 3600 if delta is not None else 0.0
    return (days == 1 and hours < 0) or (days == -1 and hours > 5)


STANDING = re.compile(
    r"\b(?:still|pays?|paying|(?:has|have) paid|has been|have been|stands? at|stood at|"
    r"remains?|is|are|current)\b",
    re.IGNORECASE,
)
"""A rate said as it stands."""
ACTED = re.compile(
    r"\b(?:put|impos\w*|took effect|takes effect|went|goes|set|lower\w*|new|announc\w*|"
    r"rais\w*|cut|from(?!\s+(?:china|the united states|the u\.s\.|abroad)\b)|until|will|"
    r"would|due|rising|falls?|suspend\w*|exclu\w*|exempt\w*|preliminary|determination)\b",
    re.IGNORECASE,
)
"""Words of a rate's change, start or step rather than its standing (a trade remedy's
preliminary rate is the news of its determination)."""


def standing(c: Claim) -> bool:
    """The rate is said as it stands ("still pays 15%"), not as a change, a start or a step."""
    return bool(STANDING.search(c.sentence)) and not ACTED.search(c.sentence)


NEWS_DAYS = 60
"""A rate said to stand since a day this recent, after the layer's last recorded step, is
news the record has not caught up with, not a misstatement of the layer."""
RATE_WORDS = 2
"""Content words a rate statement must share with a layer to be read as about it (one is
enough when it names the goods: "the duty on U.S. soybeans")."""


def misrated(rec: Record, c: Claim, today: date) -> ConflictNote | None:
    """A rate stated as it stands ("crude oil still pays a 15% counter-tariff"), not moved,
    for goods whose recorded layer in force that day has another rate, when no layer then in
    force has the stated one for them."""
    if c.changes or c.rate is None or c.imposer is None:
        return None
    if not standing(c):
        return None  # a new rate, a step or an act: compared as such, not as a standing one
    on = c.when.start if c.when is not None else today
    goods = named_goods(c.sentence)
    said = (words(goods) if goods else c.words) - GENERIC
    need = 1 if goods else RATE_WORDS
    best: tuple[int, TariffMeasure] | None = None
    for t in rec.view.tariffs:
        if (t.imposer, t.target) != (c.imposer, c.target):
            continue
        if not t.in_force_on(on) and not (c.when is not None and t.in_force_on(c.when.end)):
            continue  # (in force by the end of the month the article names will do)
        shared = len(said & rec.tariff_words[id(t)])
        if shared < need:
            continue
        if t.rate == c.rate or covered_at(t, said, c.rate):
            return None  # the statement is about this one, and right
        if best is None or shared > best[0]:
            best = (shared, t)
    if best is None:
        return None
    layer = best[1]
    if (
        c.when is not None
        and c.when.start >= today - timedelta(days=NEWS_DAYS)
        and all(step.day < c.when.start for step in layer.history)
    ):
        return None  # "has paid 5% since Dec. 1": a start of the last weeks the record lacks
    return rate_conflict(c, layer, on)


_RATE_ON = re.compile(
    r"(?<![\d.])(?P<rate>\d{1,3}(?:\.\d+)?)(?:\s*%|[\s-]*(?:per ?cent|percent))"
    r"(?:\s+(?:\w+\s+){0,2}?(?:duty|tariff|levy))?\s+on\s+(?:(?:u\.s\.|us|american|chinese)\s+)?"
    r"(?P<goods>[a-z][a-z-]+(?:\s+(?:and|or)\s+[a-z-]+)?)",
    re.IGNORECASE,
)


def _goods_at(sentence: str, rate: float) -> str | None:
    """The goods a rate is said for: "15 percent duty on U.S. soybeans and 10 percent on pork"
    gives soybeans for 15; a sentence of one rate, the goods it names."""
    for m in _RATE_ON.finditer(sentence):
        if float(m["rate"]) == rate:
            return m["goods"]
    if len(set(RATE.findall(sentence))) > 1:
        return None  # several rates, none said with its goods
    return named_goods(sentence)


def misset(rec: Record, c: Claim, today: date) -> ConflictNote | None:
    """A past act that set a rate for named goods ("Beijing first put a 15% duty on American
    pork in April 2018") where the record's layer for those goods began in that window at
    another rate, and no layer of that start has the stated rate for them."""
    if c.rate is None or c.when is None or c.when.end >= today or c.changes:
        return None
    goods = _goods_at(c.sentence, c.rate)
    if goods is None:
        return None
    said = words(goods) - GENERIC
    began = [
        t
        for t in rec.view.tariffs
        if (t.imposer, t.target) == (c.imposer, c.target)
        and said & rec.tariff_words[id(t)]
        and any(
            c.when.start - timedelta(days=3) <= d <= c.when.end for d in list(t.change_dates())[:2]
        )
    ]
    if not began:
        return None
    for t in began:
        # "Certain tungsten products have paid 50% since Jan. 1, 2025" of a layer whose 50% is
        # for wafers: its coverage gives each of its goods their own rate
        other = [(g, r) for g, r in covered_rates(t, said) if r != c.rate]
        if t.rate == c.rate and other:
            goods, rate = other[0]
            return ConflictNote(
                claim=f"{c.rate:g}%: {headline(c.sentence, 120)}",
                record=f"{t.id}: {goods} at {rate:g}%",
                why="a rate that differs from the recorded one",
                item=t.id,
            )
    if any(t.rate == c.rate or covered_at(t, said, c.rate) for t in began):
        return None
    return rate_conflict(c, began[0], c.when.start)
