"""People and the posts they hold."""

from __future__ import annotations

from bot.dates import FuzzyDate
from bot.models._common import (
    ItemId,
    LongText,
    Model,
    ShortText,
    SourceIds,
)
from bot.models._sources import ConflictIds

# ---------------------------------------------------------------------------------------
# People
# ---------------------------------------------------------------------------------------


class Post(Model):
    title: ShortText
    organisation: ShortText
    start: FuzzyDate | None = None
    end: FuzzyDate | None = None
    """None while held."""
    sources: SourceIds

    @property
    def current(self) -> bool:
        return self.end is None


class Person(Model):
    id: ItemId
    name: ShortText
    aliases: list[str] = []
    country: ShortText
    affiliation: ShortText
    bio: LongText
    posts: list[Post] = []
    aide_to: list[ItemId] = []
    sources: SourceIds
    conflicts: ConflictIds = []

    def current_posts(self) -> list[Post]:
        return [p for p in self.posts if p.current]

    def all_source_ids(self) -> set[str]:
        ids = set(self.sources)
        for p in self.posts:
            ids.update(p.sources)
        return ids
