"""Types the store's modules share (what a write returns, who made it, what a load did):
their own module, so the store's parts import them without importing one another."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from pydantic import ValidationError

from bot.models import MODEL_FOR_KIND, AnyItem, AuditAction, AuditEntry, Kind
from bot.store import _schema as t

CURATED = t.CURATED_SCOPE
log = logging.getLogger("bot.store")


class StoreError(Exception):
    """A write the store refuses; str() is a short sentence for the user."""


class NotFound(StoreError):
    pass


class StoreUnavailable(StoreError):
    """The database cannot be opened or written (unreachable, refused, read-only); str() is
    one line naming DATABASE_URL."""


def unavailable(url: str, exc: BaseException) -> StoreUnavailable:
    """One line for a database that cannot be used, naming the setting and, without its
    password, the address."""
    try:
        shown = sa.engine.make_url(url).render_as_string(hide_password=True)
    except Exception:
        shown = "(unreadable)"
    text = " ".join(str(getattr(exc, "orig", None) or exc).split())[:200]
    low = text.lower()
    if "readonly" in low or "read-only" in low or "read only" in low:
        why = "it is read-only; give a file the bot may write, or fix its permissions"
    elif "unable to open database file" in low:
        why = "the file cannot be opened; check that its folder exists and may be written"
    elif isinstance(exc, OSError) or "connect" in low or "refused" in low or "timeout" in low:
        why = f"the server does not answer ({text}); check the address and that it runs"
    else:
        why = text
    return StoreUnavailable(f"cannot use the database DATABASE_URL={shown}: {why}")


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


def row_models(kind: Kind, rows: Iterable[tuple[int, dict[str, Any]]]) -> list[AnyItem]:
    """The (scope, data) rows of a list as models. A row the models no longer accept (stored
    before a check was added: a milestone at 0001-01-01, a zone a machine no longer has) is
    logged with its server and id and left out, so one server's item cannot stop every
    server's reads, sweeps or the bot's start."""
    out: list[AnyItem] = []
    for scope, data in rows:
        item = lenient_model(kind, scope, data)
        if item is not None:
            out.append(item)
    return out


def lenient_model(kind: Kind, scope: int, data: dict[str, Any]) -> AnyItem | None:
    try:
        return row_model(kind, data)
    except ValidationError as exc:
        item_id = data.get("id") if isinstance(data, dict) else None
        log.error(
            "stored %s %r of %s is not valid and is left out: %s",
            kind.value,
            item_id,
            "the curated record" if scope == CURATED else f"server {scope}",
            exc.errors()[0].get("msg", exc),
        )
        return None


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
