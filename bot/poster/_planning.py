"""Which posts a server is owed now (the poster's planning, bot.poster._runner): its digest
slot and its countdown alerts not in the ledger yet; slots missed by more than the grace
period are recorded as skipped, once."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime, timedelta

from bot import metrics
from bot.models import GuildConfig, Milestone
from bot.poster._parts import (
    LOOKBACK,
    Outcome,
    PostKey,
    TickReport,
    missed_alerts,
    span,
    visible_milestones,
)
from bot.slots import DIGEST_KIND, due_alerts, owed_digest
from bot.store import Store

log = logging.getLogger("bot.poster")


async def plan_digest(
    store: Store,
    config: GuildConfig,
    now: datetime,
    known: set[tuple[int, str, str]],
    report: TickReport,
    grace: timedelta,
) -> list[PostKey]:
    """The server's digest slot when it is owed and not in the ledger (at most one)."""
    slot = owed_digest(config, now)
    if slot is None:
        return []
    key = PostKey(config.guild_id, DIGEST_KIND, slot.key)
    if (key.guild_id, key.kind, key.slot) in known:
        return []
    late = now - slot.at
    if late >= grace:
        if now - slot.at < LOOKBACK - timedelta(days=1) and await store.record_skipped(
            key.guild_id, key.kind, key.slot, f"missed by {span(late)} (bot offline)"
        ):
            log.warning(
                "digest %s for guild %s missed by %s (more than the %s grace): skipped",
                key.slot,
                key.guild_id,
                span(late),
                span(grace),
            )
            report.outcomes[key] = Outcome.SKIPPED
            metrics.post(key.kind, Outcome.SKIPPED)
        return []
    if late > timedelta(minutes=1):
        log.info(
            "digest %s for guild %s is %s late: posting now",
            key.slot,
            key.guild_id,
            span(late),
        )
    return [key]


async def plan_alerts(
    store: Store,
    config: GuildConfig,
    now: datetime,
    known: set[tuple[int, str, str]],
    rows: Sequence[tuple[int, bool, Milestone]],
    report: TickReport,
    grace: timedelta,
) -> list[PostKey]:
    """The server's alerts due now and not in the ledger; those missed are skipped."""
    milestones = visible_milestones(rows, config.guild_id)
    keys: list[PostKey] = []
    for alert in due_alerts(milestones, now, since=config.digest_since, grace=grace):
        key = PostKey(config.guild_id, alert.kind, alert.slot)
        if (key.guild_id, key.kind, key.slot) not in known:
            keys.append(key)
    for alert in missed_alerts(milestones, now, config.digest_since, grace):
        key = PostKey(config.guild_id, alert.kind, alert.slot)
        if (key.guild_id, key.kind, key.slot) in known:
            continue
        reason = f"missed by {span(now - alert.at)} (bot offline)"
        if await store.record_skipped(key.guild_id, key.kind, key.slot, reason):
            log.warning("alert %s for guild %s %s: skipped", key.ref, key.guild_id, reason)
            report.outcomes[key] = Outcome.SKIPPED
            metrics.post(key.kind, Outcome.SKIPPED)
    return keys
