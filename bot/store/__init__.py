"""The store: SQLAlchemy Core on async drivers (aiosqlite by default, asyncpg for PostgreSQL).

The only package that speaks SQL; it never imports discord."""

from bot.models import (
    ACCEPTED,
    CITED,
    PENDING,
    REJECTED,
    Cursor,
    Queued,
    TimelineFilter,
    TimelinePage,
)
from bot.store._indexing import words_to_match
from bot.store._posts import CLAIMED, FAILED, SENT, SKIPPED, PostRecord
from bot.store._store import (
    CURATED,
    CURATED_ACTOR,
    Actor,
    LoadReport,
    NotFound,
    Store,
    Stored,
    StoreError,
    StoreUnavailable,
)

__all__ = [
    "ACCEPTED",
    "CITED",
    "CLAIMED",
    "CURATED",
    "CURATED_ACTOR",
    "FAILED",
    "PENDING",
    "REJECTED",
    "SENT",
    "SKIPPED",
    "Actor",
    "Cursor",
    "LoadReport",
    "NotFound",
    "PostRecord",
    "Queued",
    "Store",
    "StoreError",
    "StoreUnavailable",
    "Stored",
    "TimelineFilter",
    "TimelinePage",
    "words_to_match",
]
