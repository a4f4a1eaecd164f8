"""What the poster's runner (bot.poster._runner) needs from Discord, and the small parts it
works with: post keys and their nonces, outcomes, the pacer, what a server sees of the
milestones."""

from __future__ import annotations

import asyncio
import hashlib
import logging
from collections import deque
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Protocol

from bot import metrics
from bot.briefing.digest import OutMessage
from bot.models import Milestone
from bot.slots import ALERT_OFFSETS, AlertSlot, alert_slots, parse_alert_kind
from bot.store import CURATED, PostRecord

log = logging.getLogger("bot.poster")

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


def settled(key: PostKey, outcome: Outcome, now: datetime) -> Outcome:
    """Count a post's outcome (bot.metrics), with an alert's lag behind its due time when it
    was sent; returns the outcome. Never raises."""
    try:
        lag = None
        parsed = parse_alert_kind(key.kind)
        if parsed is not None and outcome is Outcome.SENT:
            offset, milestone_at = parsed
            lag = (now - (milestone_at - dict(ALERT_OFFSETS)[offset])).total_seconds()
        metrics.post(key.kind, outcome, lag)
    except Exception:
        log.debug("counting post %s failed", key.ref, exc_info=True)
    return outcome


@dataclass
class TickReport:
    outcomes: dict[PostKey, Outcome] = field(default_factory=dict)
    failed_servers: list[int] = field(default_factory=list)
    """Servers whose planning raised this time (logged; the others went on)."""

    def keys(self, outcome: Outcome) -> list[PostKey]:
        return [k for k, o in self.outcomes.items() if o is outcome]


class Pacer:
    """Spaces request starts at least 1/rate seconds apart, and never lets more than `rate`
    start in any one second, however late a busy event loop wakes the waiting senders (a
    stall would otherwise release several at once). `rate` None: no pacing."""

    def __init__(
        self,
        rate: float | None,
        sleep: Callable[[float], Awaitable[None]],
        monotonic: Callable[[], float] | None = None,
    ) -> None:
        self._gap = 1.0 / rate if rate else 0.0
        self._cap = max(1, int(rate)) if rate else 0
        self._sleep = sleep
        self._monotonic = monotonic
        self._next = 0.0
        self._recent: deque[float] = deque()

    def _now(self) -> float:
        return self._monotonic() if self._monotonic else asyncio.get_running_loop().time()

    async def wait(self) -> None:
        if not self._gap:
            return
        now = self._now()
        start = max(now, self._next)
        self._next = start + self._gap
        if start > now:
            await self._sleep(start - now)
        while True:  # the strict part: a sliding one-second window
            now = self._now()
            while self._recent and self._recent[0] <= now - 1.0:
                self._recent.popleft()
            if len(self._recent) < self._cap:
                break
            await self._sleep(self._recent[0] + 1.0 - now)
        self._recent.append(now)


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


def match_parts(key: PostKey, ids: list[int], total: int, seen: Sequence[SeenMessage]) -> list[int]:
    out = list(ids)
    for part in range(len(ids), total):
        tag = f"ref {key.ref} · {part + 1}/"
        found = next((m.id for m in seen if any(tag in f for f in m.footers)), None)
        if found is None:
            break
        out.append(found)
    return out


def missed_alerts(
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


def span(delta: timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    hours, minutes = divmod(minutes, 60)
    days, hours = divmod(hours, 24)
    parts = [f"{days}d"] if days else []
    if hours:
        parts.append(f"{hours}h")
    if minutes or not parts:
        parts.append(f"{minutes}m")
    return " ".join(parts)
