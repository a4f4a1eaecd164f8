"""The timeline's filter, its keyset cursor and a page of it: shared by the store, which
reads pages, and the renderers, which show them and put cursors in button ids."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from bot.models._events import Event


@dataclass(frozen=True)
class Cursor:
    """Keyset position in the timeline order (newest first)."""

    start: date
    end: date
    item_id: str

    def encode(self) -> str:
        return f"{self.start.isoformat()}|{self.end.isoformat()}|{self.item_id}"

    @classmethod
    def decode(cls, text: str) -> Cursor:
        start, end, item_id = text.split("|", 2)
        return cls(date.fromisoformat(start), date.fromisoformat(end), item_id)

    @classmethod
    def of(cls, event: Event) -> Cursor:
        return cls(event.date.start, event.date.end, event.id)


@dataclass(frozen=True)
class TimelineFilter:
    query: str | None = None
    person: str | None = None
    topic: str | None = None
    since: date | None = None
    until: date | None = None


@dataclass(frozen=True)
class TimelinePage:
    events: list[Event]
    has_older: bool
    has_newer: bool
