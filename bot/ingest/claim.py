"""A claim: one fact a sentence states, built by bot.ingest.claims (and bot.ingest.rated for
rates) from the sentence's mentions, before the record is consulted."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.dates import FuzzyDate
from bot.ingest.text import headline
from bot.ingest.titles import Titled
from bot.ingest.when import Found


@dataclass
class Claim:
    kind: str  # event | milestone | tariff | person | update | post | layer | restated
    sentence: str
    when: FuzzyDate | None = None
    found: Found | None = None
    people: list[str] = field(default_factory=list)
    words: set[str] = field(default_factory=set)
    reasons: list[str] = field(default_factory=list)
    # tariffs
    rate: float | None = None
    imposer: str | None = None
    target: str | None = None
    basis: str | None = None
    status: str | None = None
    announced: FuzzyDate | None = None
    """The statement's own date when the tariff takes effect later ("announced last
    Thursday, took effect on Tuesday")."""
    # updates: the new end, as the article gives it, or how far it moves
    new_end: FuzzyDate | None = None
    extend_months: int | None = None
    # people and posts
    titled: Titled | None = None
    relative: bool = False
    changes: bool = False
    side_said: bool = True
    """For a rate: whether the statement said whose tariff it is (not guessed, nor taken from
    the sentence before); where it did not, the record's layer may say."""
    """A rate statement that moves a rate ("cut to 10%", "raise to 25%")."""

    clause: str | None = None
    """The part of the sentence the claim states, when it is not all of it."""

    @property
    def title(self) -> str:
        return headline(self.clause or self.sentence)
