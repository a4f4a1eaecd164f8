"""The readers' autocompletes (/who, /timeline person, /countdown milestone) rank in
rapidfuzz's C loop over names and texts prepared once per list; the rankings (names and
scores) are the ones the plain per-candidate loops below give."""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

import pytest
from rapidfuzz import fuzz, utils
from rapidfuzz.distance import OSA

from bot import config
from bot.briefing import countdown, people
from bot.briefing.text import CHOICE_NAME_MAX, CHOICES_MAX, one_line, truncate
from bot.curated import Dataset, load_dataset
from bot.dates import FuzzyDate
from bot.models import Milestone, Person

TYPED = [
    "", " ", "bessnet", "Bessent", "BESSENT ", "scott bessent", "bessent scott", "li cheng",
    "li chenggang", "cheng li", "Li", "li", "he lifeng", "he li feng", "lifeng he", "ustr",
    "USTR", "us trade rep", "trade representative", "greer", "jamison grer", "trump",
    "president", "pres", "xi", "xi jinping", "jinping", "katherine", "tai", "ambassador",
    "lee", "이재명", "李成钢", "何立峰", "习近平", "习", "xyz", "zzzzzz", "a", "b", "x", "q",
    "!!!", "-", "?", "li-chenggang", "scott-bessent", "d. j. trump", "donald j  trump",
    "Jamieson\tGreer", "li\u3000cheng", "trade", "vice", "secretary", "commerce minister",
    "Ｘｉ", "élysée", "china", "us", "sean", "council", "truce", "geneva", "malaysia",
    "apec", "tariff 100", "kuala lumpur", "busan", "meeting", "expiry", "2026", "nov",
]  # fmt: skip


def typed_texts(words: Sequence[str], seed: int) -> list[str]:
    """TYPED, then every prefix of each word, and each of those with one letter changed."""
    rng = random.Random(seed)
    texts = list(TYPED)
    for word in words:
        for k in range(1, len(word) + 1):
            texts.append(word[:k])
            typo = list(word[:k])
            typo[rng.randrange(k)] = rng.choice("aeiounrst -")
            texts.append("".join(typo))
    return texts


@pytest.fixture(scope="module")
def curated() -> Dataset:
    return load_dataset(config.PROJECT_ROOT / "data")


# -- people ------------------------------------------------------------------------------------


def person_score(q: str, c: str) -> float:
    if not q or not c:
        return 0.0
    if q == c:
        return 100.0
    if len(c) <= 3 and len(q) > len(c) + 2:
        return 0.0  # "He" is no match for "howard lutnick"
    scores = [fuzz.WRatio(q, c), fuzz.token_sort_ratio(q, c)]
    if len(q) >= 3 and c.startswith(q):
        scores.append(97.0 if " " in q else 95.0)
    elif len(q) >= 3 and any(word.startswith(q) for word in c.split()):
        scores.append(90.0)
    if len(q) >= 5 and len(c) >= 5 and OSA.distance(q, c) <= 1:
        scores.append(92.0)  # one slip of the keys, a swap included
    return float(max(scores))


def reference_people(
    everyone: Sequence[Person], query: str, limit: int = CHOICES_MAX
) -> list[tuple[str, float, str]]:
    """(person id, score, candidate matched), as the per-candidate loop ranks them."""
    query = query.strip()
    if not query:
        ranked = sorted(everyone, key=lambda p: p.name.casefold())
        return [(p.id, 0.0, p.name) for p in ranked[:limit]]
    q = utils.default_process(query)
    found: list[tuple[Person, float, str]] = []
    for person in everyone:
        best, matched = 0.0, person.name
        for candidate in (person.name, person.id.replace("-", " "), *person.aliases):
            score = person_score(q, utils.default_process(candidate))
            if candidate != person.name:
                score -= 1.0
            if score > best:
                best, matched = score, candidate
        found.append((person, best, matched))
    found.sort(key=lambda m: (-m[1], m[0].name.casefold()))
    return [(p.id, s, c) for p, s, c in found if s >= people.SUGGEST_MIN][:limit]


def namesakes(curated: Dataset) -> list[Person]:
    """The curated people and some awkward ones: an alias that is the name, one that is
    only punctuation, two people sharing an alias, a name with a double space."""
    base = curated.people[0]
    odd = [
        base.model_copy(update={"id": "li-two", "name": "Li  Two", "aliases": ["Li", "!!!"]}),
        base.model_copy(update={"id": "lee-li", "name": "Lee Li", "aliases": ["Lee Li", "li"]}),
        base.model_copy(update={"id": "x", "name": "X", "aliases": ["Li Chenggang"]}),
    ]
    return [*curated.people, *odd]


@pytest.mark.parametrize("pool", ["curated", "namesakes"])
def test_people_rank_as_the_per_candidate_loop(curated: Dataset, pool: str) -> None:
    everyone = curated.people if pool == "curated" else namesakes(curated)
    index = people.PeopleIndex.of(everyone)
    by_id = {p.id: p for p in everyone}
    words = [w for p in everyone for w in (p.name, p.id, *p.aliases)]
    for text in typed_texts(words, seed=1):
        want = reference_people(everyone, text)
        got = [(m.person.id, m.score, m.matched) for m in people.match_people(index, text)]
        assert got == want, text
        labels = [(people.choice_label(by_id[i]), i) for i, *_ in want]
        assert people.choices(index, text) == labels, text
        assert people.match_people(index, text, limit=1) == people.match_people(index, text)[:1]


def test_resolving_a_typed_name(curated: Dataset) -> None:
    index = people.PeopleIndex.of(curated.people)
    typed = ("bessent", "USTR", "li-chenggang", "he lifeng", "bessnet", "xyz")
    resolved = [people.resolve_person(index, t) for t in typed]
    assert [p.id if p else None for p in resolved] == [
        "scott-bessent",
        "jamieson-greer",
        "li-chenggang",
        "he-lifeng",
        "scott-bessent",  # two letters swapped: one slip, taken
        None,
    ]
    assert "**Scott Bessent**" in people.did_you_mean(index, "bessnet")
    assert "Start typing" in people.did_you_mean(index, "zzzzzz")
    assert people.choices(people.PeopleIndex.of([]), "li") == []


# -- milestones --------------------------------------------------------------------------------


def reference_milestones(
    milestones: Sequence[Milestone], typed: str, now: datetime
) -> list[tuple[str, str]]:
    """(label, id), as the per-milestone loop ranks them."""
    upcoming = sorted((m for m in milestones if not m.passed(now)), key=lambda m: (m.at, m.id))
    passed = sorted(
        (m for m in milestones if m.passed(now)), key=lambda m: (m.ends or m.at, m.id), reverse=True
    )
    ordered = upcoming + passed
    typed = typed.strip()
    if typed:
        scored = [
            (
                fuzz.WRatio(
                    typed,
                    f"{m.name} {m.place or ''} {m.id.replace('-', ' ')}",
                    processor=utils.default_process,
                ),
                i,
                m,
            )
            for i, m in enumerate(ordered)
        ]
        ordered = [m for s, _, m in sorted(scored, key=lambda x: (-x[0], x[1])) if s >= 50]
    out = []
    for m in ordered[:CHOICES_MAX]:
        state = "passed" if m.passed(now) else "upcoming"
        label = f"{one_line(m.name)} ({FuzzyDate.day(m.at.date()).label()}, {state})"
        out.append((truncate(label, CHOICE_NAME_MAX), m.id))
    return out


def test_milestones_rank_as_the_per_milestone_loop(curated: Dataset) -> None:
    twins = [  # the same name and time, listed first: `split` orders by id after time
        m.model_copy(update={"id": f"{m.id}-twin", "place": None}) for m in curated.milestones
    ]
    milestones = [*twins, *curated.milestones]
    index = countdown.MilestoneIndex.of(milestones)
    words = [w for m in milestones for w in (m.name, m.id, m.place or "")]
    texts = typed_texts(words, seed=2)
    firsts = sorted(m.at for m in curated.milestones)
    moments = [firsts[0] - timedelta(days=1), firsts[3], firsts[-1] + timedelta(days=1)]
    moments.append(datetime(2025, 10, 26, 12, tzinfo=UTC))  # Kuala Lumpur under way
    for now in moments:
        for text in texts:
            assert countdown.choices(index, text, now) == reference_milestones(
                milestones, text, now
            ), (now, text)
