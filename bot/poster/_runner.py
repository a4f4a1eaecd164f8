"""The runner that claims, sends and recovers scheduled posts (see bot.poster)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime, timedelta

from bot.briefing.digest import OutMessage
from bot.clock import Clock
from bot.models import GuildConfig, Milestone
from bot.poster._content import alert_messages, digest_messages
from bot.poster._parts import (
    CLAIM_LEASE,
    HISTORY_SLACK,
    LOOKBACK,
    Builder,
    ChannelUnusable,
    Outcome,
    Pacer,
    PostKey,
    PostRejected,
    Sender,
    SendFailed,
    TickReport,
    match_parts,
    settled,
    span,
)
from bot.poster._planning import plan_alerts, plan_digest
from bot.slots import DIGEST_KINDS, GRACE, NOW_KIND, parse_alert_kind
from bot.store import FAILED, SENT, PostRecord, Store

log = logging.getLogger("bot.poster")


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
        mine: Callable[[int], bool] = lambda guild_id: True,
    ) -> None:
        """`rate`: request starts per second, this process's share of the bot's global
        budget; `mine(guild_id)`: whether this process posts for a server (its shard)."""
        self.store = store
        self.mine = mine
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
        configs = [c for c in await self.store.guild_configs() if self._ours(c)]
        known = await self.store.post_keys_since(now - LOOKBACK)
        milestones = await self.store.all_milestones()
        plans = []
        for config in configs:
            try:
                posts = await self._plan_digest(config, now, known, report)
                if config.alerts_enabled:
                    posts.extend(await self._plan_alerts(config, now, known, milestones, report))
            except Exception:
                self._plan_failed(config, report)
                continue
            if posts:
                plans.append((config, posts))
        await self._fan_out(plans, report)
        return report

    async def run_digest(self, guild_id: int) -> TickReport:
        """A server's digest job: post its slot if owed and unclaimed."""
        report = TickReport()
        config = await self.store.guild_config(guild_id)
        if self._ours(config):
            now = self.clock.now()
            known = await self.store.post_keys_since(now - LOOKBACK)
            try:
                posts = await self._plan_digest(config, now, known, report)
            except Exception:
                self._plan_failed(config, report)
                return report
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
            if self._ours(config) and config.alerts_enabled:
                try:
                    posts = await self._plan_alerts(config, now, known, milestones, report)
                except Exception:
                    self._plan_failed(config, report)
                    continue
                if posts:
                    plans.append((config, posts))
        await self._fan_out(plans, report)
        return report

    async def post_now(self, config: GuildConfig, slot: str) -> tuple[Outcome, list[int]]:
        """/digest now: one digest at once, claimed and recorded like a scheduled one."""
        key = PostKey(config.guild_id, NOW_KIND, slot)
        async with self._limit:
            outcome = await self._deliver(config, key, self._builder(config, key))
        settled(key, outcome, self.clock.now())
        record = await self.store.get_post(key.guild_id, key.kind, key.slot)
        return outcome, (record.message_ids if record else [])

    @staticmethod
    def _plan_failed(config: GuildConfig, report: TickReport) -> None:
        """One server's planning raised: logged with the server, counted, and the others go
        on (its posts are tried again at the next sweep)."""
        log.exception("planning posts for guild %s failed; other servers go on", config.guild_id)
        report.failed_servers.append(config.guild_id)

    def _ours(self, config: GuildConfig) -> bool:
        return _active(config) and self.mine(config.guild_id)

    # -- planning ------------------------------------------------------------------------------
    async def _plan_digest(
        self,
        config: GuildConfig,
        now: datetime,
        known: set[tuple[int, str, str]],
        report: TickReport,
    ) -> list[tuple[PostKey, Builder]]:
        keys = await plan_digest(self.store, config, now, known, report, self.grace)
        return [(key, self._builder(config, key)) for key in keys]

    async def _plan_alerts(
        self,
        config: GuildConfig,
        now: datetime,
        known: set[tuple[int, str, str]],
        rows: Sequence[tuple[int, bool, Milestone]],
        report: TickReport,
    ) -> list[tuple[PostKey, Builder]]:
        keys = await plan_alerts(self.store, config, now, known, rows, report, self.grace)
        return [(key, self._builder(config, key)) for key in keys]

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
                    report.outcomes[key] = settled(key, outcome, self.clock.now())
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
        return await digest_messages(self.store, config, key.ref, at)

    async def _alert_messages(
        self,
        config: GuildConfig,
        key: PostKey,
        offset: str,
        milestone_at: datetime,
        at: datetime,
    ) -> list[OutMessage]:
        return await alert_messages(self.store, config, key, offset, milestone_at, at)

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
            if not self.mine(key.guild_id):  # another process's server: its to resolve
                continue
            self._inflight.add(key)
            try:
                outcome = await self._recover_one(record, now)
            except Exception:
                log.exception(
                    "could not resolve the open post %s for guild %s", key.ref, key.guild_id
                )
                outcome = Outcome.RETRY
            finally:
                self._inflight.discard(key)
            report.outcomes[key] = settled(key, outcome, self.clock.now())

    async def _recover_one(self, record: PostRecord, now: datetime) -> Outcome:
        key = PostKey.of(record)
        config = await self.store.guild_config(key.guild_id)
        if not _active(config):
            why = "the digest was turned off or paused before this post went out"
            await self.store.finish_post(key.guild_id, key.kind, key.slot, FAILED, error=why)
            log.warning("post %s for guild %s dropped: %s", key.ref, key.guild_id, why)
            return Outcome.FAILED
        if now - record.claimed_at >= self.grace:
            why = f"not confirmed within {span(self.grace)} of its claim; not resent"
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
                ids = match_parts(key, ids, len(messages), seen)
                if len(ids) > len(record.message_ids):
                    log.info(
                        "post %s for guild %s: found %d part(s) already in the channel",
                        key.ref,
                        key.guild_id,
                        len(ids) - len(record.message_ids),
                    )
                    await self.store.post_progress(key.guild_id, key.kind, key.slot, ids)
            return await self._send_parts(config, key, messages, ids)


def _active(config: GuildConfig) -> bool:
    return config.digest_channel_id is not None and config.paused_reason is None
