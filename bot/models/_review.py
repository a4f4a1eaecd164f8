"""A proposal in a server's review queue, with the curator's decision once made: shared by
the store, which keeps the queue, and the renderers, which show it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

PENDING = "pending"
ACCEPTED = "accepted"
REJECTED = "rejected"
CITED = "cited"
"""Decided as "source only": the article was cited on the item it repeats."""
DECIDED = (ACCEPTED, REJECTED, CITED)


@dataclass(frozen=True)
class Queued:
    """One proposal in a server's queue, with its decision once made."""

    id: int
    guild_id: int
    source_id: str
    kind: str
    data: dict[str, Any]
    status: str
    created_at: datetime
    created_by: str
    decided_at: datetime | None
    decided_by: str | None
    reason: str | None
    item_kind: str | None
    item_id: str | None

    @property
    def pending(self) -> bool:
        return self.status == PENDING
