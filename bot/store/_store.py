"""The store: the only code that speaks SQL. `Store` puts its parts together:

- `_core.py`: opening and reads; `_writes.py`: visibility and the one audited write (save,
  remove, restore);
- `_timeline.py`: timeline pages, counts and the editors' pickers;
- `_curated.py`: curated loads and bulk inserts;
- `_settings.py`: server settings and meta;
- `_proposals.py`: the review queue of proposals made from ingested articles;
- `_feeds.py`: the news feeds a server follows and the items seen in them;
- `_briefing.py`, `_posts.py`, `_batch.py`, `_cache.py`: the briefing reads, the post ledger,
  batched writes and the caches kept by data version.

Shared types live in `_types.py` (and the timeline's in `bot.models`), so no part imports
another's module back.
"""

from __future__ import annotations

from bot.store._curated import CuratedLoads
from bot.store._feeds import FeedStore
from bot.store._settings import ServerSettings
from bot.store._timeline import TimelineQueries
from bot.store._types import (
    CURATED,
    CURATED_ACTOR,
    Actor,
    LoadReport,
    NotFound,
    Stored,
    StoreError,
    StoreUnavailable,
)

__all__ = [
    "CURATED",
    "CURATED_ACTOR",
    "Actor",
    "LoadReport",
    "NotFound",
    "Store",
    "StoreError",
    "StoreUnavailable",
    "Stored",
]


class Store(TimelineQueries, CuratedLoads, ServerSettings, FeedStore):
    """Async store over SQLite (aiosqlite) or PostgreSQL (asyncpg)."""
