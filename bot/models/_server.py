"""Per-server settings and the audit trail."""

from __future__ import annotations

from datetime import time
from enum import StrEnum
from typing import Any

from pydantic import (
    Field,
)

from bot.models._common import (
    Instant,
    ItemId,
    Kind,
    Model,
    TimeZoneName,
)

# ---------------------------------------------------------------------------------------
# Per-server state
# ---------------------------------------------------------------------------------------


class Frequency(StrEnum):
    DAILY = "daily"
    WEEKLY = "weekly"


class GuildConfig(Model):
    guild_id: int
    digest_channel_id: int | None = None
    digest_time: time = time(9, 0)
    timezone: TimeZoneName = "UTC"
    frequency: Frequency = Frequency.DAILY
    weekday: int = Field(default=0, ge=0, le=6)
    """0 = Monday; used when frequency is weekly."""
    alerts_enabled: bool = True
    paused_reason: str | None = None
    editor_role_id: int | None = None
    digest_since: Instant | None = None
    """When the digest was (last) set up: slots and alerts before this are not owed."""


class AuditAction(StrEnum):
    ADD = "add"
    EDIT = "edit"
    REMOVE = "remove"
    RESTORE = "restore"
    IMPORT = "import"


class AuditEntry(Model):
    id: int | None = None
    at: Instant
    guild_id: int | None
    actor_id: int | None
    actor_name: str
    kind: Kind
    item_id: ItemId
    action: AuditAction
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    reason: str | None = None
