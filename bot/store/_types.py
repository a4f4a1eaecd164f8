"""Types the store's modules share (what a write returns, who made it, what a load did):
their own module, so the store's parts import them without importing one another."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from bot.models import MODEL_FOR_KIND, AnyItem, AuditAction, AuditEntry, Kind
from bot.store import _schema as t

CURATED = t.CURATED_SCOPE


class StoreError(Exception):
    """A write the store refuses; str() is a short sentence for the user."""


class NotFound(StoreError):
    pass


@dataclass(frozen=True)
class Actor:
    id: int | None
    name: str


CURATED_ACTOR = Actor(None, "curated data")


@dataclass(frozen=True)
class Stored:
    """An item as one server sees it, with its storage facts."""

    item: AnyItem
    scope: int
    origin: str
    removed: bool
    removed_reason: str | None
    modified: bool
    version: int
    updated_at: datetime
    updated_by: str

    @property
    def curated(self) -> bool:
        return self.scope == CURATED


@dataclass
class LoadReport:
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    kept_modified: int = 0
    retired: int = 0
    kept_ids: list[str] = field(default_factory=list)

    @property
    def changed(self) -> int:
        return self.inserted + self.updated + self.retired


def row_model(kind: Kind, data: dict[str, Any]) -> AnyItem:
    return MODEL_FOR_KIND[kind].model_validate(data)


def audit_entry(row: sa.Row[Any]) -> AuditEntry:
    return AuditEntry(
        id=row.id,
        at=row.at,
        guild_id=row.guild_id,
        actor_id=row.actor_id,
        actor_name=row.actor_name,
        kind=Kind(row.kind),
        item_id=row.item_id,
        action=AuditAction(row.action),
        before=row.before,
        after=row.after,
        reason=row.reason,
    )
