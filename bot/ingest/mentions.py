"""Stage 2: what a sentence mentions, each with where it stands: dates (bot.ingest.when),
people the record knows (by name and alias), titled names ("Agriculture Secretary Brooke
Rollins"; read in bot.ingest.titles), rates, legal bases, who acts on whom (which side a
tariff is about is read in bot.ingest.sides), and the words that say what kind of statement
it is.

The tagger sits behind `Tagger`, so a trained model could later fill it; today's is rules:
spaCy's PhraseMatcher built from the record's names and aliases and a lexicon of posts, on
the blank English tokenizer (no model, nothing fetched).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Protocol

from bot.ingest.text import _nlp
from bot.ingest.titles import POSTS, Titled, titled_in
from bot.ingest.when import Found, find_dates
from bot.models import Person

TRADE = re.compile(
    r"\b(tariffs?|dut(?:y|ies)|talks|truce|trade|exports?|imports?|controls?|sanctions?|deal|"
    r"meeting|summit|negotiat\w*|rare[- ]earths?|soybeans?|call|visit|agreement|court|ruling|"
    r"surcharge|investigations?|probes?|framework|consultations?|meet|gathering|forum|"
    r"apec|g20|leaders|bans?|chips|sales|purchases|trip|round|delegation|proclamation|"
    r"notice|pause|suspension|exemptions?|executive order|entity list|licen[cs]es?|quotas?|"
    r"port fees|shipbuilding|minerals|gallium|germanium|antimony|boeing|farm goods|"
    r"agricultur\w*|sorghum|pork|steel|alumin(?:i)?um|drones?|refunds?|appeals?|busan|"
    r"early[- ]harvest|by video|working teams?)\b",
    re.IGNORECASE,
)
TARIFF = re.compile(r"\b(tariffs?|dut(?:y|ies)|levy|levies|surcharge)\b", re.IGNORECASE)
TARIFF_BY_RATE = re.compile(
    r"\b(?:section (?:122|232|301)|list (?:[1-4]a?|one|two|three|four)|(?:first|second|third) list|"
    r"(?:301|232) rate|(?:forced[- ]labou?r|reciprocal|fentanyl|retaliatory) rates?|"
    r"(?:derivatives?|metals?|anti-?dumping|countervailing|deposit|china-wide|subsidy) rates?|"
    r"(?:cash )?deposits (?:of|at) (?=\d)|(?:^|:\s)(?:cut|lowered|reduced|raised) to (?=\d)|"
    r"(?<=%\s)(?:anti-?dumping|countervailing)\b|"
    r"(?:charged|charges|levied|collected) on|"
    r"(?<!the )(?<!that )(?<!this )(?<!its )"  # "that coal and LNG rate will fall to 5%"
    r"rates? (?:will |would |is to |is set to )?(?:fall|falls|fell|drop|drops|dropped|rise|"
    r"rises|rose|go|goes|went|be cut|be lowered|be raised) to|"
    r"rates? on (?:products of |imports from |goods from )?"
    r"(?:china|chinese|u\.s\.|us|american)\b)\b",
    re.IGNORECASE,
)
"""With a rate, a tariff named without the word: "List 3 went to 25%", "a 100% Section 301
rate", "the first list, 25% on $34 billion of goods"."""
PERCENT = r"(?:\s*%|[\s-]*(?:per ?cent|percent))"
"""What follows a rate's number: "%", " percent", "-percent", " per cent"."""
RATE = re.compile(r"(?<![\d.])(\d{1,3}(?:\.\d+)?)" + PERCENT, re.IGNORECASE)
"""A rate: "25%", "25 percent", "25-percent" (the hyphen of Chinese state media's English)."""
TO_ZERO = re.compile(
    r"\b(?:to|at)\s+zero\b|\bno (?:longer (?:subject to|pays?|paying) (?:the |any )?|additional |"
    r"extra )(?:[\w-]+\s+){0,2}?(?:tariffs?|dut(?:y|ies))\b|"
    r"\bfree of (?:any )?(?:additional |extra )?(?:[\w-]+\s+)?(?:tariffs?|dut(?:y|ies))\b|"
    r"\bpay none of\b|\b(?:be|been|is|are) exempt(?:ed)?\b",
    re.IGNORECASE,
)
"""A rate said in words: "lowered to zero", "pays no additional Chinese tariff", "free of any
additional tariff"."""
EXEMPTED = re.compile(
    r"\b(?:exclud|exempt)\w*\b.{0,200}?\bfrom\s+(?:(?:china|beijing|washington)'?s\s+|"
    r"its\s+|the\s+|an?\s+)?(?:[\w-]+\s+){0,3}?\d{1,3}(?:\.\d+)?[\s-]*(?:%|percent)|"
    r"\bno longer (?:pay|be subject to|face)\b.{0,60}?\d{1,3}(?:\.\d+)?[\s-]*(?:%|percent)|"
    r"\b(?:comes?|came|coming) off\s+(?:(?:china|beijing|washington)'?s\s+|its\s+|the\s+)?"
    r"(?:[\w-]+\s+){0,3}?\d{1,3}(?:\.\d+)?[\s-]*(?:%|percent)",
    re.IGNORECASE,
)
"""Goods excluded or exempted from a tariff ("from its 10% counter-tariff", "come off China's
10% tariff")."""
EXCLUSIONS = re.compile(
    r"\b(?:section (?:301|232|122)|forced[- ]labou?r)\s+(?:tariff\s+|duty\s+)?"
    r"(?:exclusions?|exemptions?)\b(?!\s+process)|"
    r"\b(?:exclu[ds]|exempt)\w*\b.{0,120}?\bfrom\s+(?:the\s+|its\s+)?section (?:301|232|122)\b",
    re.IGNORECASE,
)
"""Goods carved out of a recorded layer by its basis ("Section 301 exclusions for 27 lines"):
a rate of zero for them."""
NEW_RATE = re.compile(
    r"\b(?:to|at|of|by|into)\s+(?:an?\s+)?(?:additional\s+)?(\d{1,3}(?:\.\d+)?)" + PERCENT,
    re.IGNORECASE,
)
HAD_CLAUSE = re.compile(r",[^,]*\b(?:that|which|who)\s+had\b", re.IGNORECASE)
"""A background clause in the past perfect ("..., the top of a spiral that had ...")."""
MOVED_TO = re.compile(
    r"\b(?:cut|cuts|lower\w*|reduc\w*|rais\w*|increas\w*|fall|falls|fell|drop\w*|rise|rises|"
    r"rose)\b[^.%]{0,80}?\bto\s+(\d{1,3}(?:\.\d+)?)" + PERCENT,
    re.IGNORECASE,
)
"""The rate a change moves to ("charged at 12.5% ..., falls to 10%": 10)."""
MILESTONE = re.compile(
    r"\b(deadline|expir\w*|runs? out|lapses?|scheduled|summit|leaders' meeting|meet\w*|"
    r"lead\w*|visit\w*|trip|delegation|mission|"
    r"to meet|gathering|forum|takes? effect|due to|due (?:by|on)|comments?|round|will hold|"
    r"to hold|will visit|to visit|will lead|to lead|will travel|talks|consultations|hearing|"
    r"ends?|ending|votes?|to vote|(?:video|phone) call|holds?|testif\w*|to exchange|to send|"
    r"to submit|to sign|agreed to \w+|to swap|to speak|will speak|by video)\b",
    re.IGNORECASE,
)
EXTEND = re.compile(
    r"(?<!unless )(?<!if not )(?<!whether to )(?<!not to )"
    r"\b(extend\w*|extension|prolong\w*|push(?:ed|es)? back|postpon\w*|"
    r"delay(?:s|ed|ing)?|rolled over|renew\w*|put(?:s|ting)? off|"
    r"carr(?:y|ies|ied)\b(?=.{0,80}\bto\b)|stretch\w*|moved? (?:back|out))\b",
    re.IGNORECASE,
)
UNDER_WAY = re.compile(r"\b(?:is|are)\s+(?:\w+ing|set to|expected to|due to)\b", re.IGNORECASE)
BACKGROUND = re.compile(
    r"\b(since|after|following|before|ahead of|unlike|as in|as it did|like the|recalled|"
    r"first (?:agreed|struck|reached|imposed)|began|started the)\b",
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
AMBIGUOUS = frozenset({"He", "Li", "Lee", "Wang", "Xi Jinping's"})

CN_ACTOR = re.compile(
    r"\b(china|beijing|chinese (?:government|side|authorities|officials|commerce ministry)|"
    r"mofcom|(?:ministry|minister) of commerce|commerce ministry|state council|"
    r"customs tariff commission|tariff commission|xi jinping|he lifeng|li chenggang)\b",
    re.IGNORECASE,
)
US_ACTOR = re.compile(
    r"\bu\.s\.|\b(united states|(?-i:US)|washington|white house|trump|ustr|cbp|customs and border|"
    r"treasury|commerce department|bessent|greer|lutnick|the administration)\b",
    re.IGNORECASE,
)


class Tagger(Protocol):
    """Finds the record's people and the posts named in a sentence (character spans)."""

    def people(self, text: str) -> list[tuple[int, int, str]]: ...

    def posts(self, text: str) -> list[tuple[int, int, str]]: ...


POST_OF = re.compile(
    r"\b(?:(?:Vice|Deputy|Under) )?(?:Minister|Secretary|Commissioner|Administrator|Director|"
    r"Chairman|Chairwoman|Chair|Governor|Ambassador) (?:of|for|to) (?:the )?[A-Z][a-z]+"
    r"(?: (?:and |of |for )?[A-Z][a-z]+)*(?= [A-Z][a-z]+ [A-Z][a-z]+(?![\w-]| [A-Z]))"
)
"""A post of the form "Vice Minister of Finance", before a name ("... Liao Min took part"): any
ministry, not only the lexicon's."""


class RuleTagger:
    """spaCy PhraseMatcher over the record's names and aliases, and the posts lexicon."""

    def __init__(self, people: list[Person]) -> None:
        from spacy.matcher import PhraseMatcher

        nlp = _nlp()
        self._nlp = nlp
        self._names = PhraseMatcher(nlp.vocab, attr="ORTH")
        for p in people:
            names = {p.name}
            names.update(a for a in p.aliases if a[:1].isupper() and a not in AMBIGUOUS)
            first, *rest = p.name.split()
            if rest and len(rest[-1]) >= 4 and first not in AMBIGUOUS:
                names.add(rest[-1])
            kept = [
                n
                for n in names
                if n.casefold() != n
                and not re.search(r"\b(secretary|representative|minister)\b", n, re.I)
            ]
            if kept:
                self._names.add(p.id, [nlp.make_doc(n) for n in kept])
        self._posts = PhraseMatcher(nlp.vocab, attr="ORTH")
        # a lower-case title opens a sentence capitalised ("Spokesperson He Yongqian said")
        titles = {*POSTS, *(t[0].upper() + t[1:] for t in POSTS)}
        self._posts.add("POST", [nlp.make_doc(t) for t in sorted(titles)])

    def _spans(self, matcher: Any, text: str) -> list[tuple[int, int, str]]:
        doc = self._nlp.make_doc(text)
        out = []
        for match_id, start, end in matcher(doc):
            span = doc[start:end]
            out.append((span.start_char, span.end_char, self._nlp.vocab.strings[match_id]))
        return out

    def people(self, text: str) -> list[tuple[int, int, str]]:
        return self._spans(self._names, text)

    def posts(self, text: str) -> list[tuple[int, int, str]]:
        spans = self._spans(self._posts, text)
        spans += [(m.start(), m.end(), "POST") for m in POST_OF.finditer(text)]
        # the longest post at each place ("U.S. Trade Representative", not "Representative")
        spans.sort(key=lambda s: (s[0], -(s[1] - s[0])))
        out: list[tuple[int, int, str]] = []
        for s in spans:
            if out and s[0] < out[-1][1]:
                continue
            out.append((s[0], s[1], text[s[0] : s[1]]))
        return out


@dataclass
class Mentions:
    sentence: str
    dates: list[Found]
    people: list[str]
    titled: list[Titled]
    rates: list[float]
    new_rate: float | None
    basis: str | None
    tariff: bool
    trade: bool
    extends: bool
    cn_first: int | None = None
    us_first: int | None = None
    words: set[str] = field(default_factory=set)
    lean: tuple[str, str] | None = None
    """The direction of the tariff named just before ("The 15 percent tariff on these
    products ..."), for a statement that gives none of its own."""


STOP = frozenset(
    """
    that this with from have been will would their there which while about after before
    said says were they them than then into over also more most some such only other what
    when where your year years week weeks month months days time both each officials
    official people against under between during since because could should chinese china
    united states american beijing washington trade talks tariff tariffs goods economic
    countries sides president secretary minister administration senior monday tuesday
    wednesday thursday friday saturday sunday january february march april june july
    august september october november december next last says told added
    """.split()  # noqa: SIM905 (a word list reads best as words)
)


_SPELLING = {"aluminium": "aluminum", "programme": "program", "tonne": "ton"}
"""British spellings the US wires do not use, read as the American word."""


_SAME_SENSE = {
    **dict.fromkeys(("expir", "expire", "expiry", "lapse", "laps"), "expire"),
    **dict.fromkeys(("pause", "paus", "suspend", "suspension"), "suspend"),
    "ceasefire": "truce",
}
"""Stems a deadline's story says in several words ("the pause runs out", "the suspension
expires", "the truce lapses"), read as one word each."""


def _stem(word: str) -> str:
    """One form for a word's variants: British -our and -ise read as -or and -ize (the record
    says "forced-labour", US notices "forced-labor"), then plural and tense endings cut."""
    word = _SPELLING.get(word, word)
    if len(word) > 5 and word.endswith("our"):
        word = word[:-3] + "or"
    elif len(word) > 6 and word.endswith(("ise", "ised", "ising")):
        at = word.rfind("is")
        word = word[:at] + "iz" + word[at + 2 :]
    for suffix in ("ing", "ed", "es", "s"):
        if len(word) > len(suffix) + 3 and word.endswith(suffix):
            word = word[: -len(suffix)]
            break
    return _SAME_SENSE.get(word, word)


def words(text: str) -> set[str]:
    """Content words, lower case, plural and tense endings cut ("LNG" read out)."""
    text = re.sub(r"\bLNG\b", "liquefied natural gas", text)
    return {_stem(w) for w in re.findall(r"[a-z]{4,}", text.casefold()) if w not in STOP} - STOP


def tag(sentence: str, today: date, tagger: Tagger) -> Mentions:
    found_people: list[str] = []
    spans = sorted(tagger.people(sentence))
    for _, _, pid in spans:
        if pid not in found_people:
            found_people.append(pid)
    titled = titled_in(sentence, spans, tagger.posts(sentence))
    rates = [float(r) for r in RATE.findall(sentence)]
    new = _new_rate(sentence)
    if new is None:
        rates_now = _not_from(sentence)
        rates = rates_now or rates
    zero = TO_ZERO.search(sentence)
    carved = EXEMPTED.search(sentence) or (not rates and EXCLUSIONS.search(sentence))
    if (zero is not None or carved) and new is None:
        # "lower the tariff on US sorghum to zero"; "excluded 12 categories of U.S. goods
        # from China's 10% counter-tariff": a rate of zero for those goods
        rates = [0.0, *rates]
    cn = CN_ACTOR.search(sentence)
    us = US_ACTOR.search(sentence)
    return Mentions(
        sentence=sentence,
        dates=find_dates(sentence, today),
        people=found_people,
        titled=titled,
        rates=rates,
        new_rate=float(new.group(1)) if new else (rates[0] if rates else None),
        basis=basis_of(sentence),
        tariff=bool(TARIFF.search(sentence) or (rates and TARIFF_BY_RATE.search(sentence))),
        trade=bool(TRADE.search(sentence)),
        extends=bool(EXTEND.search(sentence)),
        cn_first=cn.start() if cn else None,
        us_first=us.start() if us else None,
        words=words(sentence),
    )


def _new_rate(text: str) -> re.Match[str] | None:
    """The rate a statement moves to or sets ("falls to 10%", "at 25%"), in the clause of
    its own news: "reached 125% on April 12, the top of a spiral that had lifted U.S. duties
    to 145%" sets none (its rate is then the first not said as an old one: 125)."""
    had = HAD_CLAUSE.search(text)
    core = text[: had.start()] if had is not None and RATE.search(text[: had.start()]) else text
    return MOVED_TO.search(core) or NEW_RATE.search(core)


ANSWER = re.compile(
    r",?\s+\b(?:in (?:answer|response|retaliation) (?:to|for)|answering|retaliating for)\b",
    re.IGNORECASE,
)
"""Where a statement turns to what its tariff answered ("..., in answer to Washington's
first fentanyl tariff"): the other side's measure, not this one's basis."""


def basis_of(text: str) -> str | None:
    """The legal basis a statement gives its tariff, not the one of what it answered."""
    own = ANSWER.split(text, maxsplit=1)[0]
    return next((b for b, pat in BASES if re.search(pat, own, re.IGNORECASE)), None)


def _not_from(text: str) -> list[float]:
    """The rates of a sentence that are not the old rate ("5%, down from 10%": 5)."""
    return [
        float(r.group(1))
        for r in RATE.finditer(text)
        if not re.search(r"\b(?:from|down from|up from|was|were)\s+$", text[: r.start()], re.I)
    ]


def retag(m: Mentions, piece: str) -> Mentions:
    """The mentions of one clause of the sentence (its rates, basis and actors)."""
    rates = [float(r) for r in RATE.findall(piece)]
    new = _new_rate(piece)
    if new is None:
        rates = _not_from(piece) or rates
    cn, us = CN_ACTOR.search(piece), US_ACTOR.search(piece)
    return Mentions(
        sentence=piece,
        dates=m.dates,
        people=m.people,
        titled=m.titled,
        rates=rates,
        new_rate=float(new.group(1)) if new else (rates[0] if rates else None),
        basis=basis_of(piece),
        tariff=m.tariff,
        trade=m.trade,
        extends=m.extends,
        cn_first=cn.start() if cn else None,
        us_first=us.start() if us else None,
        words=m.words,
        lean=m.lean,
    )
