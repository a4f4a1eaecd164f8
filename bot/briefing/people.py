"""/who: finding a person by what readers type, and the profile they see."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import accumulate

import discord
from rapidfuzz import fuzz, process, utils
from rapidfuzz.distance import OSA

from bot.briefing.common import COLOUR, WARN, Refs, add_sources, conflict_lines, named_conflicts
from bot.briefing.text import (
    CHOICE_NAME_MAX,
    CHOICES_MAX,
    DESCRIPTION_MAX,
    add_field_lines,
    plain,
    shown,
    shrink_to_total,
    truncate,
)
from bot.models import Conflict, Event, Person, Post, Source

GOOD_MATCH = 88.0
"""A typed name that scores at least this against a name or alias is taken as that person."""
SUGGEST_MIN = 45.0
SUGGEST_CLOSE = 70.0
"""An unknown name is answered with the people that score at least this, or with none."""


@dataclass(frozen=True)
class Match:
    person: Person
    score: float
    matched: str
    """The name or alias that matched best."""


@dataclass(frozen=True)
class PeopleIndex:
    """People prepared for matching what readers type, built once per list of people (the
    cogs keep one per server and data version). A person's candidates are the name, the id
    with dashes as spaces, and the aliases; each distinct text among them, processed as
    rapidfuzz's default does (lower case, no punctuation), is scored once per query in
    rapidfuzz's C loop."""

    people: Sequence[Person]
    labels: Sequence[str]
    """Each person's autocomplete label."""
    folded: Sequence[str]
    """Each person's name, case-folded: the order among equal scores."""
    texts: Sequence[str]
    """The distinct processed candidates."""
    joined: str
    """The texts, one a line, to find the few that hold the query."""
    starts: Sequence[int]
    """Where each text starts in `joined`, then where one more would."""
    candidates: Sequence[str]
    """Every candidate as written, person by person."""
    spans: Sequence[tuple[int, int]]
    """Where each person's candidates start and end."""
    text_of: Sequence[tuple[int, float]]
    """Each candidate's index in `texts`, and 1 for one other than the person's name (so
    that the name wins a tie)."""

    @classmethod
    def of(cls, people: Sequence[Person]) -> PeopleIndex:
        written: list[tuple[str, float]] = []
        spans: list[tuple[int, int]] = []
        for person in people:
            start = len(written)
            for candidate in (person.name, person.id.replace("-", " "), *person.aliases):
                written.append((candidate, 0.0 if candidate == person.name else 1.0))
            spans.append((start, len(written)))
        processed = [utils.default_process(candidate) for candidate, _ in written]
        position = {text: i for i, text in enumerate(dict.fromkeys(processed))}
        return cls(
            people=list(people),
            labels=[choice_label(p) for p in people],
            folded=[p.name.casefold() for p in people],
            texts=list(position),
            joined="\n".join(position),
            starts=list(accumulate((len(text) + 1 for text in position), initial=0)),
            candidates=[candidate for candidate, _ in written],
            spans=spans,
            text_of=[
                (position[text], penalty)
                for text, (_, penalty) in zip(processed, written, strict=True)
            ],
        )

    def _text_scores(self, q: str) -> list[float]:
        """How well the processed query `q` fits each text: the best of WRatio (100 for the
        same text), token_sort_ratio, and for a `q` of 3 characters or more 95 when the
        text starts with it, 90 when a word does. A score under SUGGEST_MIN may read 0 (it
        is not shown either way)."""
        scores = [0.0] * len(self.texts)
        for scorer in (fuzz.WRatio, fuzz.token_sort_ratio):
            for _, score, i in process.extract(
                q, self.texts, scorer=scorer, score_cutoff=SUGGEST_MIN, limit=None
            ):
                scores[i] = max(scores[i], score)
        if len(q) >= 3:
            for i in self._holding(q):
                if self.texts[i].startswith(q):
                    # a phrase that starts the text ("commerce minister" of "commerce
                    # minister wang") beats one held inside it ("vice commerce minister")
                    scores[i] = max(scores[i], 97.0 if " " in q else 95.0)
                elif any(word.startswith(q) for word in self.texts[i].split()):
                    scores[i] = max(scores[i], 90.0)
        if len(q) >= 5:  # one slip of the keys, a swap included ("Bessnet"): a good match
            for _, _, i in process.extract(
                q, self.texts, scorer=OSA.distance, score_cutoff=1, limit=None
            ):
                if len(self.texts[i]) >= 5:
                    scores[i] = max(scores[i], 92.0)
        for i, text in enumerate(self.texts):  # "He", "Tai" are no match for a long name
            if len(text) <= 3 and len(q) > len(text) + 2:
                scores[i] = 0.0
        return scores

    def _holding(self, q: str) -> list[int]:
        """The texts that hold `q` (a text, or a word in it, can start with `q` only then)."""
        found: list[int] = []
        at = self.joined.find(q)
        while at >= 0:
            i = bisect_right(self.starts, at) - 1
            found.append(i)
            at = self.joined.find(q, self.starts[i + 1])
        return found

    def ranked(self, query: str, limit: int) -> list[tuple[int, float, str]]:
        """`match_people` by index: (person's index, score, candidate matched), best first."""
        if not query.strip():
            by_name = sorted(range(len(self.people)), key=self.folded.__getitem__)
            return [(i, 0.0, self.people[i].name) for i in by_name[:limit]]
        q = utils.default_process(query)
        if not q:
            return []
        scores = self._text_scores(q)
        per_candidate = [scores[text] - penalty for text, penalty in self.text_of]
        best = [max(per_candidate[start:end]) for start, end in self.spans]
        shown = [i for i, score in enumerate(best) if score >= SUGGEST_MIN]
        shown.sort(key=lambda i: (-best[i], self.folded[i]))
        return [
            (i, best[i], self.candidates[per_candidate.index(best[i], *self.spans[i])])
            for i in shown[:limit]
        ]


def match_people(people: PeopleIndex, query: str, limit: int = CHOICES_MAX) -> list[Match]:
    """People ranked by how well `query` fits their name or an alias (case, order, typos):
    each by their best candidate, an alias a point below the name; best first, then by
    name; none under SUGGEST_MIN. An empty query lists everyone by name."""
    return [
        Match(people.people[i], score, matched) for i, score, matched in people.ranked(query, limit)
    ]


def resolve_person(people: PeopleIndex, typed: str) -> Person | None:
    """The person an option value names: an id (from autocomplete) or a close-enough name."""
    typed = typed.strip()
    for person in people.people:
        if person.id == typed:
            return person
    found = match_people(people, typed, limit=1)
    if found and found[0].score >= GOOD_MATCH:
        return found[0].person
    return None


def did_you_mean(people: PeopleIndex, typed: str) -> str:
    """The error for an unknown name, naming the closest people."""
    close = [m for m in match_people(people, typed, limit=3) if m.score >= SUGGEST_CLOSE]
    name = shown(typed, 80)
    if close:
        names = " or ".join(f"**{shown(m.person.name)}**" for m in close)
        return (
            f"I don't know anyone called “{name}”. Did you mean {names}? "
            "Pick from the list as you type."
        )
    return f"I don't know anyone called “{name}”. Start typing a name and pick from the list."


def choice_label(person: Person) -> str:
    current = person.current_posts()
    role = current[0].title if current else person.affiliation
    return truncate(f"{plain(person.name)} — {plain(role)}", CHOICE_NAME_MAX)


def choices(people: PeopleIndex, typed: str) -> list[tuple[str, str]]:
    """(label, person id) pairs for autocomplete: at most 25, labels at most 100."""
    return [
        (people.labels[i], people.people[i].id) for i, _, _ in people.ranked(typed, CHOICES_MAX)
    ]


# -- the profile -------------------------------------------------------------------------------


def post_line(post: Post, refs: Refs) -> str:
    if post.start and post.end:
        when = f"{post.start.label()} – {post.end.label()}"
    elif post.start:
        when = f"since {post.start.label()}"
    elif post.end:
        when = f"until {post.end.label()}"
    else:
        when = "current" if post.current else "dates not recorded"
    title = shown(post.title, 200)
    # "President of the People's Republic of China", not "…, People's Republic of China"
    named = post.organisation.casefold() in post.title.casefold()
    org = "" if named or not post.organisation.strip() else f", {shown(post.organisation, 120)}"
    return f"**{title}**{org} ({when}) {refs.cite(post.sources)}"


def person_embed(
    person: Person,
    *,
    people: Mapping[str, Person],
    sources: Mapping[str, Source],
    events: Sequence[Event],
    conflicts: Mapping[str, Conflict],
) -> discord.Embed:
    """Name, posts with dates, country, affiliation, bio, whose aide, latest events, conflicts
    (the person's own, then their latest events', each once) and sources (numbered; every
    post and event line cites its own)."""
    refs = Refs(sources)
    for source_id in person.sources:
        refs.number(source_id)
    embed = discord.Embed(
        title=shown(person.name, 256),
        description=shown(person.bio, DESCRIPTION_MAX - 60) + f" {refs.cite(person.sources)}",
        colour=COLOUR,
    )
    embed.add_field(name="Country", value=truncate(person.country, 1024), inline=True)
    embed.add_field(name="Affiliation", value=shown(person.affiliation, 1024), inline=True)
    if person.aliases:
        embed.add_field(
            name="Also called",
            value=shown(", ".join(person.aliases), 1024),
            inline=True,
        )
    current = [post_line(p, refs) for p in person.posts if p.current]
    earlier = [post_line(p, refs) for p in person.posts if not p.current]
    add_field_lines(embed, "Current post" if len(current) == 1 else "Current posts", current)
    add_field_lines(embed, "Earlier posts", earlier)
    if person.aide_to:
        bosses = []
        for boss_id in person.aide_to:
            boss = people.get(boss_id)
            if boss is None:
                bosses.append(boss_id)
                continue
            role = boss.current_posts()[0].title if boss.current_posts() else boss.affiliation
            bosses.append(f"{shown(boss.name)} ({shown(role, 120)})")
        add_field_lines(embed, "Aide to", bosses, max_fields=1)
    aides = [p.name for p in people.values() if person.id in p.aide_to]
    add_field_lines(embed, "Aides", aides, max_fields=1)
    event_lines = [
        f"**{e.date.label()}** · {shown(e.title, 140)} {refs.cite(e.sources)}"
        + (f" {WARN}" if e.has_conflict else "")
        for e in events
    ]
    add_field_lines(embed, "Latest events", event_lines or ["None recorded."], max_fields=1)
    named = [*person.conflicts, *(c for e in events for c in e.conflicts)]
    disputes = [conflict_lines(c, refs) for c in named_conflicts(named, conflicts)[:4]]
    add_sources(embed, refs, max_fields=2, headline_max=70)
    for lines in disputes:
        add_field_lines(embed, f"{WARN} Sources disagree", lines, max_fields=1)
    embed.set_footer(text="Numbers in [brackets] point to the sources listed above.")
    return shrink_to_total(embed)
