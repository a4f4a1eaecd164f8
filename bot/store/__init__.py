"""The store: SQLAlchemy Core on async drivers (aiosqlite by default, asyncpg for PostgreSQL).

The only package that speaks SQL; it never imports discord."""

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
    "CURATED",
    "CURATED_ACTOR",
    "Actor",
    "Cursor",
    "LoadReport",
    "NotFound",
    "Store",
    "StoreError",
    "Stored",
    "TimelineFilter",
    "TimelinePage",
]
