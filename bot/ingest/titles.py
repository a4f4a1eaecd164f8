"""The posts an article gives people: a title before the name ("Commerce Minister Li
Chenggang"), a post after it set off by a comma ("Li Chenggang, China's commerce minister"),
and names the record does not know with their post beside them, in either order ("China's
agriculture minister, Han Jun"; "Zheng Shanjie, chairman of ..."). Part of stage 2
(bot.ingest.mentions), which finds the name and post spans and hands them here."""

from __future__ import annotations

import re
from dataclasses import dataclass

Span = tuple[int, int, str]
"""(start, end, text or record id) of a match in the sentence."""

POSTS = [
    "Vice Premier", "Vice-Premier", "Premier", "President", "Vice President",
    "U.S. Trade Representative",
    "US Trade Representative", "United States Trade Representative", "Trade Representative",
    "trade representative", "international trade representative", "Commerce Secretary",
    "Treasury Secretary", "Agriculture Secretary", "Secretary of State",
    "Secretary of Commerce", "Secretary of the Treasury", "Secretary of Agriculture",
    "Commerce Minister", "Minister of Commerce", "commerce minister", "Vice Minister",
    "Vice Commerce Minister", "Finance Minister", "Foreign Minister", "Ambassador",
    "Prime Minister", "Defence Minister", "Defense Minister", "Trade Minister",
    "Chinese Ambassador", "negotiator", "trade negotiator", "chief negotiator",
    "spokesperson", "spokesman", "spokeswoman", "Press Secretary", "Chief of Staff",
    "Deputy Trade Representative", "Deputy USTR", "Senator", "Sen.", "Governor", "Gov.",
    "Representative", "Rep.", "Chairman", "Chair",
    "Energy Secretary", "Economics Minister", "Economy Minister", "Agriculture Minister",
    "agriculture minister", "Minister of Agriculture", "Commissioner", "CBP Commissioner",
    "press secretary", "White House press secretary", "Under Secretary", "under secretary",
]  # fmt: skip
"""Titles a person is named with; the name follows."""
APPOSITIVE = re.compile(
    r",\s+(?:the\s+|then\s+)?(?P<whose>(?:China|Beijing|America|the United States|the U\.S\.|"
    r"U\.S\.|US)'s\s+|(?:Chinese|U\.S\.|US|American)\s+)?"
    r"(?P<post>(?i:vice[- ]premier|premier|vice president|president|trade representative|"
    r"commerce secretary|treasury secretary|agriculture secretary|secretary of \w+(?: \w+)?|"
    r"commerce minister|minister of commerce|vice (?:commerce )?minister(?: of commerce)?|"
    r"finance minister|foreign minister|agriculture minister|ambassador(?: to the [A-Z][\w.]*"
    r"(?: [A-Z][\w.]*){0,3})?|chairman|chairwoman|chair)(?: of (?:the )?[A-Z][\w.-]*)?)\b(?!'s|-)"
)
"""A post given after the name ("Li Chenggang, China's commerce minister")."""
NAME_THEN_POST = re.compile(
    r"\b(?P<name>[A-Z][a-z]+(?: [A-Z][a-z]+){1,2}), (?:the |a )?(?:(?:China|Beijing|"
    r"America|Switzerland)'s |(?:[A-Z][\w.]*(?: [A-Z][\w.]*){0,3})'s )?(?P<post>(?i:vice |deputy )?"
    r"(?i:chairman|chairwoman|chair|under secretary|secretary|minister|commissioner|ambassador|"
    r"governor|administrator|spokesperson|spokesman|spokeswoman)\b(?: (?:of|for) [A-Z]"
    r"[\w.']*(?: (?:[A-Z][\w.']*|and|of|for|the))*)?)"
)
"""An unknown name with a government post after it."""
NAME = re.compile(r"(?:[A-Z][a-z]+|[A-Z]{1,2}\.?)(?:[ -](?:[A-Z][a-z]+|[A-Z]\.)){1,2}")
NOT_NAMES = frozenset(
    {"Xi", "Trump", "The", "China", "Chinese", "Beijing", "Washington", "State", "Council"}
)


@dataclass(frozen=True)
class Titled:
    post: str
    name: str
    person: str | None  # the record's id, when it knows the name
    start: int


def titled_in(sentence: str, spans: list[Span], posts: list[Span]) -> list[Titled]:
    """Every person the sentence names with a post: `spans` are the record's people found
    in it (with their ids), `posts` the titles found in it."""
    titled: list[Titled] = []
    for start, end, post in posts:
        if re.search(r"\b(?:vice|deputy)[ -]$", sentence[max(0, start - 7) : start], re.I):
            continue  # "Vice-Premier": the tokenizer split it; not the Premier
        m = NAME.match(sentence, end + 1) if sentence[end : end + 1] == " " else None
        if m is None:
            continue
        name = m.group(0)
        known = next(
            (pid for s, e, pid in spans if s <= m.start() < e or m.start() <= s < m.end()), None
        )
        if known is None and name.split()[0] in NOT_NAMES:
            continue  # ("Premier Xi Jinping": a name the record knows is checked all the same)
        titled.append(Titled(" ".join(post.split()), name, known, start))
    for _, end, pid in spans:  # "Li Chenggang, China's commerce minister": the post after
        after = APPOSITIVE.match(sentence, end)
        if after is not None and not any(t.person == pid for t in titled):
            post = " ".join(f"{after.group('whose') or ''}{after.group('post')}".split())
            titled.append(Titled(post, sentence[:end].rsplit(",", 1)[-1].strip(), pid, end))
    titled += _unknown(sentence, spans, posts, titled)
    return titled


def _unknown(
    sentence: str, spans: list[Span], posts: list[Span], titled: list[Titled]
) -> list[Titled]:
    """Names the record does not know, with their post beside them: "China's agriculture
    minister, Han Jun"; "Zheng Shanjie, chairman of China's National Development and Reform
    Commission"; "Jeffrey Kessler, the Commerce Department's under secretary"."""
    out: list[Titled] = []
    seen = {t.name for t in titled}
    for start, end, post in posts:
        m = re.match(
            r",\s+(" + NAME.pattern + r")(?=[,.;]|\s+(?:said|says|on|in|and)\b)", sentence[end:]
        )
        if m is not None:
            out.append(Titled(" ".join(post.split()), m.group(1), None, start))
    for m in NAME_THEN_POST.finditer(sentence):
        name = m.group("name")
        if any(s <= m.start() < e for s, e, _ in spans) or name.split()[0] in NOT_NAMES:
            continue
        out.append(Titled(" ".join(m.group("post").split()), name, None, m.start()))
    kept: list[Titled] = []
    for t in out:
        if t.name in seen or t.name.split()[0] in NOT_NAMES:
            continue
        if any(s <= sentence.find(t.name) < e for s, e, _ in spans):
            continue  # a name the record knows (its posts are checked as such)
        seen.add(t.name)
        kept.append(t)
    return kept
