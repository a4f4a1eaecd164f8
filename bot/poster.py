"""Scheduled posts, each sent at most once and none lost: the runner behind bot.scheduler.

The runner is driven from outside: APScheduler jobs call it at each server's digest time and
at each alert time, and a sweep every few minutes calls `tick()`, which posts whatever is owed
and has not been claimed. Tests call `tick()` directly with a FixedClock, so they walk
through days without waiting.

How a post goes out exactly once
--------------------------------
1. **Claim.** The post (server, kind, slot) is inserted into the ledger; the insert fails when
   the row exists, so a cron job and a sweep racing for the same slot cannot both send it.
2. **Send, part by part.** Each message carries a nonce derived from (post, part). Discord
   (with `enforce_nonce`, which discord.py sets whenever a nonce is given) returns the
   existing message instead of creating a second one when the same nonce comes again within
   a few minutes, so retrying a send whose answer was lost (a timeout) does not double it.
   After each message its id is written to the ledger.
3. **Mark sent.**

Failures. A 5xx, a timeout or a 429 (discord.py already waits out rate limits; a 429 reaching
us means its own retries ran out) is retried with exponential backoff (or the server's
retry-after). When the retries run out the claim stays open with the error noted and the next
sweep takes it up again, until the grace period is over: then it is marked failed with a log
line. A deleted channel or a missing permission pauses that server's digest with the reason
stored (shown in /digest status); other servers carry on.

A claim left open by a crash. The ledger knows which messages went out, except the one in
flight when the bot died. Before resending, the runner reads the channel's recent messages
(the bot's own, since shortly before the claim) and looks for the post's reference in their
footers ("ref digest/2026-11-21 · 1/2", see bot.briefing.digest.ref_marker). Parts found are
recorded as sent; the rest are sent. So a crash between claim and send neither repeats a post
nor loses it. If the channel cannot be read, the post is not resent (at most once wins) and
the server is paused with the reason. A claim is only taken up once it is CLAIM_LEASE (5 min)
old, so a second instance overlapping during a deploy never resends one still in flight.

Missed slots. On start (the first sweep) a digest slot missed while the bot was down goes out
once if less than GRACE (6 h) late, else it is recorded as skipped with a log line. Alerts
likewise: the latest alert due for each milestone goes if less than 6 h late.

Fan-out. Posts to different servers run concurrently up to `concurrency` at a time, and every
request start is paced to at most `rate` per second, well under Discord's global limit of 50
per second: a thousand servers at 09:00 become a steady stream, not a burst.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Protocol

from bot.briefing.digest import DigestData, OutMessage, build_alert, build_digest
from bot.clock import Clock
from bot.models import GuildConfig, Kind, Milestone, Source, TariffMeasure
from bot.slots import (
    DIGEST_KIND,
    DIGEST_KINDS,
    GRACE,
    NOW_KIND,
    AlertSlot,
    alert_slots,
    due_alerts,
    owed_digest,
    parse_alert_kind,
)
from bot.store import CURATED, FAILED, SENT, PostRecord, Store

log = logging.getLogger(__name__)

LOOKBACK = timedelta(days=8)
"""How far back the ledger is read to know which recent slots were dealt with."""
HISTORY_SLACK = timedelta(minutes=2)
CLAIM_LEASE = timedelta(minutes=5)
"""An open claim younger than this may still be in flight in another process (two instances
overlapping during a deploy): recovery leaves it alone until then."""


# ---------------------------------------------------------------------------------------
# What the runner needs from Discord
# ---------------------------------------------------------------------------------------


class SendFailed(Exception):
    """A send that may work if tried again (5xx, timeout, rate limit)."""

    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class ChannelUnusable(Exception):
    """The channel is gone or the bot may not post or read there; str() says which."""


class PostRejected(Exception):
    """Discord refused the message itself (a 4xx other than the above): a bug on our side,
    so retrying would not help; the post is marked failed and the error logged."""


@dataclass(frozen=True)
class SeenMessage:
    id: int
    footers: tuple[str, ...]


class Sender(Protocol):
    async def send(self, channel_id: int, message: OutMessage, nonce: str) -> int:
        """Post a message; return its id. Raises SendFailed or ChannelUnusable."""
        ...

    async def recent(self, channel_id: int, after: datetime) -> list[SeenMessage]:
        """The bot's own messages in the channel since `after` (newest 100 at most)."""
        ...


# ---------------------------------------------------------------------------------------
# Keys, outcomes, pacing
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PostKey:
    guild_id: int
    kind: str
    slot: str

    @property
    def ref(self) -> str:
        return f"{self.kind}/{self.slot}"

    def nonce(self, part: int) -> str:
        """Stable per (post, part); 25 characters, Discord's limit."""
        raw = f"{self.guild_id}:{self.kind}:{self.slot}:{part}".encode()
        return hashlib.sha256(raw).hexdigest()[:25]

    @classmethod
    def of(cls, record: PostRecord) -> PostKey:
        return cls(record.guild_id, record.kind, record.slot)


class Outcome(StrEnum):
    SENT = "sent"
    TAKEN = "taken"
    """Claimed before (sent, skipped, failed, or in flight elsewhere): nothing done."""
    SKIPPED = "skipped"
    PAUSED = "paused"
    RETRY = "retry"
    """Retries ran out; the claim stays open for the next sweep."""
    FAILED = "failed"


@dataclass
class TickReport:
    outcomes: dict[PostKey, Outcome] = field(default_factory=dict)

    def keys(self, outcome: Outcome) -> list[PostKey]:
        return [k for k, o in self.outcomes.items() if o is outcome]


class Pacer:
    """Spaces request starts at least 1/rate seconds apart (rate None: no pacing)."""

    def __init__(
        self,
        rate: float | None,
        sleep: Callable[[float], Awaitable[None]],
        monotonic: Callable[[], float] | None = None,
    ) -> None:
        self._gap = 1.0 / rate if rate else 0.0
        self._sleep = sleep
        self._monotonic = monotonic
        self._next = 0.0

    async def wait(self) -> None:
        if not self._gap:
            return
        now = self._monotonic() if self._monotonic else asyncio.get_running_loop().time()
        start = max(now, self._next)
        self._next = start + self._gap
        if start > now:
            await self._sleep(start - now)


def visible_milestones(
    rows: Sequence[tuple[int, bool, Milestone]], guild_id: int
) -> list[Milestone]:
    """What one server sees of all milestone rows: its own row where it has one (a removed
    one hides the curated row), else the curated row."""
    own = {m.id: (removed, m) for scope, removed, m in rows if scope == guild_id}
    out = [m for removed, m in own.values() if not removed]
    out.extend(
        m for scope, removed, m in rows if scope == CURATED and not removed and m.id not in own
    )
    return out


Builder = Callable[[datetime], Awaitable[list[OutMessage]]]


# ---------------------------------------------------------------------------------------
# The runner
# ---------------------------------------------------------------------------------------


class Poster:
    def __init__(
        self,
        store: Store,
        sender: Sender,
        clock: Clock,
        *,
        concurrency: int = 8,
        rate: float | None = 40.0,
        attempts: int = 4,
        backoff: float = 2.0,
        grace: timedelta = GRACE,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        monotonic: Callable[[], float] | None = None,
    ) -> None:
        self.store = store
        self.sender = sender
        self.clock = clock
        self.grace = grace
        self.attempts = attempts
        self.backoff = backoff
        self.sleep = sleep
        """Waits between retries (tests put a recorder here)."""
        self._limit = asyncio.Semaphore(concurrency)
        self._pacer = Pacer(rate, sleep, monotonic)
        self._inflight: set[PostKey] = set()

    # -- entry points ------------------------------------------------------------------------
    async def tick(self) -> TickReport:
        """Post everything owed now: open claims first, then digests and alerts due."""
        report = TickReport()
        now = self.clock.now()
        await self.recover(report)
        configs = [c for c in await self.store.guild_configs() if _active(c)]
        known = await self.store.post_keys_since(now - LOOKBACK)
        milestones = await self.store.all_milestones()
        plans = []
        for config in configs:
            posts = await self._plan_digest(config, now, known, report)
            if config.alerts_enabled:
                posts.extend(await self._plan_alerts(config, now, known, milestones, report))
            if posts:
                plans.append((config, posts))
        await self._fan_out(plans, report)
        return report

    async def run_digest(self, guild_id: int) -> TickReport:
        """A server's digest job: post its slot if owed and unclaimed."""
        report = TickReport()
        config = await self.store.guild_config(guild_id)
        if _active(config):
            now = self.clock.now()
            known = await self.store.post_keys_since(now - LOOKBACK)
            posts = await self._plan_digest(config, now, known, report)
            await self._fan_out([(config, posts)], report)
        return report

    async def run_alerts(self) -> TickReport:
        """An alert job: post every alert due now, in every server that has them on."""
        report = TickReport()
        now = self.clock.now()
        known = await self.store.post_keys_since(now - LOOKBACK)
        milestones = await self.store.all_milestones()
        plans = []
        for config in await self.store.guild_configs():
            if _active(config) and config.alerts_enabled:
                posts = await self._plan_alerts(config, now, known, milestones, report)
                if posts:
                    plans.append((config, posts))
        await self._fan_out(plans, report)
        return report

    async def post_now(self, config: GuildConfig, slot: str) -> tuple[Outcome, list[int]]:
        """/digest now: one digest at once, claimed and recorded like a scheduled one."""
        key = PostKey(config.guild_id, NOW_KIND, slot)
        async with self._limit:
            outcome = await self._deliver(config, key, self._builder(config, key))
        record = await self.store.get_post(key.guild_id, key.kind, key.slot)
        return outcome, (record.message_ids if record else [])

    # -- planning ------------------------------------------------------------------------------
    async def _plan_digest(
        self,
        config: GuildConfig,
        now: datetime,
        known: set[tuple[int, str, str]],
        report: TickReport,
    ) -> list[tuple[PostKey, Builder]]:
        slot = owed_digest(config, now)
        if slot is None:
            return []
        key = PostKey(config.guild_id, DIGEST_KIND, slot.key)
        if (key.guild_id, key.kind, key.slot) in known:
            return []
        late = now - slot.at
        if late >= self.grace:
            if now - slot.at < LOOKBACK - timedelta(days=1) and await self.store.record_skipped(
                key.guild_id, key.kind, key.slot, f"missed by {_span(late)} (bot offline)"
            ):
                log.warning(
                    "digest %s for guild %s missed by %s (more than the %s grace): skipped",
                    key.slot,
                    key.guild_id,
                    _span(late),
                    _span(self.grace),
                )
                report.outcomes[key] = Outcome.SKIPPED
            return []
        if late > timedelta(minutes=1):
            log.info(
                "digest %s for guild %s is %s late: posting now",
                key.slot,
                key.guild_id,
                _span(late),
            )
        return [(key, self._builder(config, key))]

    async def _plan_alerts(
        self,
        config: GuildConfig,
        now: datetime,
        known: set[tuple[int, str, str]],
        rows: Sequence[tuple[int, bool, Milestone]],
        report: TickReport,
    ) -> list[tuple[PostKey, Builder]]:
        milestones = visible_milestones(rows, config.guild_id)
        posts: list[tuple[PostKey, Builder]] = []
        for alert in due_alerts(milestones, now, since=config.digest_since, grace=self.grace):
            key = PostKey(config.guild_id, alert.kind, alert.slot)
            if (key.guild_id, key.kind, key.slot) not in known:
                posts.append((key, self._builder(config, key)))
        for alert in _missed_alerts(milestones, now, config.digest_since, self.grace):
            key = PostKey(config.guild_id, alert.kind, alert.slot)
            if (key.guild_id, key.kind, key.slot) in known:
                continue
            reason = f"missed by {_span(now - alert.at)} (bot offline)"
            if await self.store.record_skipped(key.guild_id, key.kind, key.slot, reason):
                log.warning("alert %s for guild %s %s: skipped", key.ref, key.guild_id, reason)
                report.outcomes[key] = Outcome.SKIPPED
        return posts

    async def _fan_out(
        self,
        plans: Sequence[tuple[GuildConfig, Sequence[tuple[PostKey, Builder]]]],
        report: TickReport,
    ) -> None:
        async def one_server(config: GuildConfig, posts: Sequence[tuple[PostKey, Builder]]) -> None:
            async with self._limit:
                for key, build in posts:
                    try:
                        outcome = await self._deliver(config, key, build)
                    except Exception:
                        log.exception("post %s for guild %s failed", key.ref, key.guild_id)
                        outcome = Outcome.RETRY
                    report.outcomes[key] = outcome
                    if outcome is Outcome.PAUSED:
                        break

        await asyncio.gather(*(one_server(c, p) for c, p in plans if p))

    # -- building ------------------------------------------------------------------------------
    def _builder(self, config: GuildConfig, key: PostKey) -> Builder:
        if key.kind in DIGEST_KINDS:
            return lambda at: self._digest_messages(config, key, at)
        parsed = parse_alert_kind(key.kind)
        if parsed is None:
            raise ValueError(f"unknown post kind {key.kind!r}")
        offset, milestone_at = parsed
        return lambda at: self._alert_messages(config, key, offset, milestone_at, at)

    async def _digest_messages(
        self, config: GuildConfig, key: PostKey, at: datetime
    ) -> list[OutMessage]:
        gid = config.guild_id
        last = await self.store.last_sent_post(gid, DIGEST_KINDS)
        since = last.sent_at if last is not None else config.digest_since
        data = DigestData(
            now=at,
            config=config,
            milestones=await self.store.list_typed(Milestone, gid),
            tariff_measures=await self.store.list_typed(TariffMeasure, gid),
            changes=await self.store.changes_between(gid, [Kind.EVENT], since, at),
            since=since,
            first=last is None,
            sources={s.id: s for s in await self.store.list_typed(Source, gid)},
        )
        return build_digest(data, key.ref)

    async def _alert_messages(
        self,
        config: GuildConfig,
        key: PostKey,
        offset: str,
        milestone_at: datetime,
        at: datetime,
    ) -> list[OutMessage]:
        milestone = await self.store.get_item(Kind.MILESTONE, key.slot, config.guild_id)
        if not isinstance(milestone, Milestone) or milestone.at != milestone_at:
            return []  # removed or moved since: its new alerts have their own keys
        sources = {s.id: s for s in await self.store.list_typed(Source, config.guild_id)}
        return [build_alert(milestone, offset, sources, key.ref, at)]

    # -- delivering ------------------------------------------------------------------------------
    async def _deliver(self, config: GuildConfig, key: PostKey, build: Builder) -> Outcome:
        if key in self._inflight:
            return Outcome.TAKEN
        # in flight before the claim commits, so a concurrent recover() never takes it up
        self._inflight.add(key)
        try:
            if not await self.store.claim_post(key.guild_id, key.kind, key.slot):
                return Outcome.TAKEN
            messages = await build(self.clock.now())
            return await self._send_parts(config, key, messages, [])
        finally:
            self._inflight.discard(key)

    async def _send_parts(
        self,
        config: GuildConfig,
        key: PostKey,
        messages: Sequence[OutMessage],
        already: list[int],
    ) -> Outcome:
        assert config.digest_channel_id is not None
        channel = config.digest_channel_id
        ids = list(already)
        if not messages:
            await self.store.finish_post(
                key.guild_id, key.kind, key.slot, FAILED, error="nothing to post any more"
            )
            return Outcome.FAILED
        for part in range(len(ids), len(messages)):
            for attempt in range(1, self.attempts + 1):
                try:
                    await self._pacer.wait()
                    message_id = await self.sender.send(channel, messages[part], key.nonce(part))
                except SendFailed as exc:
                    await self.store.post_attempt(key.guild_id, key.kind, key.slot, str(exc))
                    if attempt == self.attempts:
                        log.warning(
                            "post %s for guild %s: %s; %d attempts, will try again later",
                            key.ref,
                            key.guild_id,
                            exc,
                            attempt,
                        )
                        return Outcome.RETRY
                    delay = exc.retry_after or self.backoff * 2 ** (attempt - 1)
                    await self.sleep(delay)
                    continue
                except ChannelUnusable as exc:
                    await self.store.post_attempt(key.guild_id, key.kind, key.slot, str(exc))
                    await self._pause(config, key, str(exc), ids)
                    return Outcome.PAUSED
                except PostRejected as exc:
                    await self.store.finish_post(
                        key.guild_id, key.kind, key.slot, FAILED, message_ids=ids, error=str(exc)
                    )
                    log.error("post %s for guild %s rejected: %s", key.ref, key.guild_id, exc)
                    return Outcome.FAILED
                ids.append(message_id)
                await self.store.post_part_sent(
                    key.guild_id, key.kind, key.slot, ids, last=len(ids) == len(messages)
                )
                break
        if len(already) == len(messages):  # every part was found in the channel
            await self.store.finish_post(key.guild_id, key.kind, key.slot, SENT, message_ids=ids)
        return Outcome.SENT

    async def _pause(
        self, config: GuildConfig, key: PostKey, reason: str, ids: Sequence[int]
    ) -> None:
        await self.store.finish_post(
            key.guild_id, key.kind, key.slot, FAILED, message_ids=ids, error=reason
        )
        fresh = await self.store.guild_config(config.guild_id)
        if fresh.digest_channel_id == config.digest_channel_id:
            await self.store.save_guild_config(fresh.model_copy(update={"paused_reason": reason}))
        log.warning("digest for guild %s paused: %s", key.guild_id, reason)

    # -- open claims ------------------------------------------------------------------------------
    async def recover(self, report: TickReport | None = None) -> None:
        """Resolve claims left open (by a crash, or retries that ran out): find what went
        out in the channel, send the rest, or give up after the grace period."""
        report = report if report is not None else TickReport()
        now = self.clock.now()
        for record in await self.store.open_claims():
            key = PostKey.of(record)
            if key in self._inflight or now - record.claimed_at < CLAIM_LEASE:
                continue
            self._inflight.add(key)
            try:
                report.outcomes[key] = await self._recover_one(record, now)
            except Exception:
                log.exception(
                    "could not resolve the open post %s for guild %s", key.ref, key.guild_id
                )
                report.outcomes[key] = Outcome.RETRY
            finally:
                self._inflight.discard(key)

    async def _recover_one(self, record: PostRecord, now: datetime) -> Outcome:
        key = PostKey.of(record)
        config = await self.store.guild_config(key.guild_id)
        if not _active(config):
            why = "the digest was turned off or paused before this post went out"
            await self.store.finish_post(key.guild_id, key.kind, key.slot, FAILED, error=why)
            log.warning("post %s for guild %s dropped: %s", key.ref, key.guild_id, why)
            return Outcome.FAILED
        if now - record.claimed_at >= self.grace:
            why = f"not confirmed within {_span(self.grace)} of its claim; not resent"
            await self.store.finish_post(
                key.guild_id, key.kind, key.slot, FAILED, error=why, message_ids=record.message_ids
            )
            log.warning("post %s for guild %s failed: %s", key.ref, key.guild_id, why)
            return Outcome.FAILED
        assert config.digest_channel_id is not None
        async with self._limit:
            messages = await self._builder(config, key)(record.claimed_at)
            ids = list(record.message_ids)
            if len(ids) < len(messages):
                try:
                    await self._pacer.wait()
                    seen = await self.sender.recent(
                        config.digest_channel_id, record.claimed_at - HISTORY_SLACK
                    )
                except ChannelUnusable as exc:
                    await self._pause(config, key, str(exc), ids)
                    return Outcome.PAUSED
                except SendFailed as exc:
                    await self.store.post_attempt(key.guild_id, key.kind, key.slot, str(exc))
                    return Outcome.RETRY
                ids = _match_parts(key, ids, len(messages), seen)
                if len(ids) > len(record.message_ids):
                    log.info(
                        "post %s for guild %s: found %d part(s) already in the channel",
                        key.ref,
                        key.guild_id,
                        len(ids) - len(record.message_ids),
                    )
                    await self.store.post_progress(key.guild_id, key.kind, key.slot, ids)
            return await self._send_parts(config, key, messages, ids)


def _match_parts(
    key: PostKey, ids: list[int], total: int, seen: Sequence[SeenMessage]
) -> list[int]:
    out = list(ids)
    for part in range(len(ids), total):
        tag = f"ref {key.ref} · {part + 1}/"
        found = next((m.id for m in seen if any(tag in f for f in m.footers)), None)
        if found is None:
            break
        out.append(found)
    return out


def _active(config: GuildConfig) -> bool:
    return config.digest_channel_id is not None and config.paused_reason is None


def _missed_alerts(
    milestones: Sequence[Milestone], now: datetime, since: datetime | None, grace: timedelta
) -> list[AlertSlot]:
    """The latest alert of each milestone when it came more than `grace` ago (but within the
    ledger's look-back, after `since`): to be recorded as skipped, once."""
    out = []
    for milestone in milestones:
        came = [a for a in alert_slots(milestone) if a.at <= now]
        if not came:
            continue
        latest = came[-1]
        if grace <= now - latest.at < LOOKBACK - timedelta(days=1) and (
            since is None or latest.at >= since
        ):
            out.append(latest)
    return out


def _span(delta: timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    hours, minutes = divmod(minutes, 60)
    days, hours = divmod(hours, 24)
    parts = [f"{days}d"] if days else []
    if hours:
        parts.append(f"{hours}h")
    if minutes or not parts:
        parts.append(f"{minutes}m")
    return " ".join(parts)
