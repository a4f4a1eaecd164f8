"""A news feed a server follows, and what one poll of it found: shared by the store, which
keeps feeds and the items seen, the poller, and the renderers of /feed and its notices."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

ACTIVE = "active"
PAUSED = "paused"
REMOVED = "removed"

EVERY_DEFAULT = 30
EVERY_MIN = 10
EVERY_MAX = 24 * 60
"""How often a feed is polled, in minutes: the default and the bounds a curator may set."""


@dataclass(frozen=True)
class Feed:
    id: int
    guild_id: int
    url: str  # as given (normalised), the address polled
    title: str | None  # the feed's own title, the outlet named in notices
    channel_id: int | None  # where notices go (else the digest channel)
    every_minutes: int
    status: str  # active | paused | removed
    paused_reason: str | None  # why it was paused (a curator, or the failures)
    paused_at: datetime | None
    failures: int  # failed polls in a row
    last_error: str | None
    etag: str | None
    last_modified: str | None
    last_polled_at: datetime | None
    last_ok_at: datetime | None
    added_at: datetime
    added_by: str
    items_seen: int = 0
    items_queued: int = 0
    last_skipped: str | None = None  # the last item a poll skipped, and why
    last_skipped_at: datetime | None = None

    @property
    def name(self) -> str:
        return self.title or self.url


@dataclass(frozen=True)
class PollReport:
    """What one poll of a feed did."""

    feed: Feed
    not_modified: bool = False
    entries: int = 0  # items in the document
    considered: int = 0  # the newest, at most the per-poll limit
    new: int = 0  # items not seen before, ingested
    proposals: int = 0  # proposals queued from them
    duplicates: int = 0  # new ids or links whose article was already seen
    unreadable: list[str] = field(default_factory=list)  # one line per item that could not be read
    error: str | None = None  # the poll failed: why
    paused: bool = False  # this poll's failure paused the feed

    @property
    def ok(self) -> bool:
        return self.error is None
