"""What a post says, read from the store at the moment it goes: a server's digest (changes
since its last one; the first looks back a week) and a countdown alert (nothing when the
milestone was removed or moved since)."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.briefing.digest import DigestData, OutMessage, build_alert, build_digest
from bot.models import AuditAction, GuildConfig, Kind, Milestone, Source, TariffMeasure
from bot.poster._parts import PostKey
from bot.slots import DIGEST_KINDS
from bot.store import Store

FIRST_LOOKBACK = timedelta(days=7)
"""How far back the first digest of a server counts changes from."""


async def digest_messages(
    store: Store, config: GuildConfig, ref: str, at: datetime
) -> list[OutMessage]:
    gid = config.guild_id
    last = await store.last_sent_post(gid, DIGEST_KINDS)
    # the first digest looks back a week (an event added minutes before setup counts)
    since = last.sent_at if last is not None else at - FIRST_LOOKBACK
    data = DigestData(
        now=at,
        config=config,
        milestones=await store.list_typed(Milestone, gid),
        tariff_measures=await store.list_typed(TariffMeasure, gid),
        changes=[
            c
            for c in await store.changes_between(gid, [Kind.EVENT], since, at)
            # the first digest's week: the server's own changes, not the record's load
            if last is not None or c.action is not AuditAction.IMPORT
        ],
        since=since,
        first=last is None,
        sources={s.id: s for s in await store.list_typed(Source, gid)},
        pending_review=await store.pending_count(gid),
    )
    return build_digest(data, ref)


async def alert_messages(
    store: Store,
    config: GuildConfig,
    key: PostKey,
    offset: str,
    milestone_at: datetime,
    at: datetime,
) -> list[OutMessage]:
    milestone = await store.get_item(Kind.MILESTONE, key.slot, config.guild_id)
    if not isinstance(milestone, Milestone) or milestone.at != milestone_at:
        return []  # removed or moved since: its new alerts have their own keys
    sources = {s.id: s for s in await store.list_typed(Source, config.guild_id)}
    return [build_alert(milestone, offset, sources, key.ref, at)]
