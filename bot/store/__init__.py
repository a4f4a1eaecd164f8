"""The store: SQLAlchemy Core on async drivers (aiosqlite by default, asyncpg for PostgreSQL).

The only package that speaks SQL; it never imports discord."""

from bot.store._posts import CLAIMED, FAILED, SENT, SKIPPED, PostRecord
from bot.store._store import (
    CURATED,
    CURATED_ACTOR,
    Actor,
    Cursor,
    LoadReport,
    NotFound,
    Store,
    Stored,
    StoreError,
    TimelineFilter,
    TimelinePage,
)

__all__ = [
    "CLAIMED",
    "CURATED",
    "CURATED_ACTOR",
    "FAILED",
    "SENT",
    "SKIPPED",
    "Actor",
    "Cursor",
    "LoadReport",
    "NotFound",
    "PostRecord",
    "Store",
    "StoreError",
    "Stored",
    "TimelineFilter",
    "TimelinePage",
]
