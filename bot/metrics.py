"""The process's Prometheus metrics, served as text at the site's /metrics.

One `Metrics` (a `CollectorRegistry` of its own, never prometheus_client's global default
one) per process: `current()` makes it on first use (nothing happens at import time) and
`fresh()` puts a new, empty one in its place, so each test counts from zero. The hooks in
the bot are one line each (`metrics.feed_poll("ok")`) and never raise: a metrics failure is
logged at debug level and the bot goes on.

Names. Where ours overlap with the discord.py exporter discord-ext-prometheus
(PyPI `discord-ext-prometheus`, github.com/Apollo-Roboto/discord.py-ext-prometheus, 0.2.x),
they are its names and labels, so its Grafana dashboard (grafana.com 17670) reads them:

- `discord_connected{shard}`: 1 while the shard's gateway connection is open, else 0;
- `discord_latency_seconds{shard}`: the shard's heartbeat latency;
- `discord_event_on_interaction_total{shard,interaction,command}`: every interaction
  (`interaction` is the type's name: application_command, component, autocomplete, modal
  submit; `command` the command's name, 'None' for a button or a modal);
- `discord_stat_total_guilds`: servers the process sees.

The exporter keeps the gauges up to date from a 5-second loop; here a collector reads
`bot.shards` / `bot.latencies` at scrape time. The rest are the bot's own, `briefing_`:

- `briefing_app_commands_total{command,outcome}`: app commands (qualified name) by outcome:
  `ok` (completed), `user_error` (a known refusal the tree turns into a short reply: bad
  input, missing permission, a check, a store refusal), `error` (anything else);
- `briefing_posts_sent_total{kind}` and `briefing_posts_failed_total{kind,outcome}`:
  scheduled posts (`kind`: digest, digest-now, alert) as the poster settles each one;
  `outcome` is `failed` (given up), `paused` (the channel is unusable), `skipped` (missed
  while the bot was down) or `retry` (retries ran out; the next sweep tries again, so a post
  can count here and later as sent);
- `briefing_alert_lag_seconds`: histogram of an alert's due time to the time it was sent;
- `briefing_discord_rate_limited_total{action}`: 429s discord.py logged on `discord.http`
  ('We are being rate limited...'): `retry` (it waits and retries), `raise` (the wait was
  too long, so it raised); `briefing_discord_global_rate_limited_total` for its 'Global rate
  limit has been hit' (the same 429s, counted again when they were global);
- `briefing_feed_polls_total{outcome}`: feed polls: `ok` (fetched and taken),
  `not_modified` (a 304), `error` (counted towards pausing the feed);
- `briefing_proposals_queued_total{via}`: proposals queued for review (`hand`: /source add
  or `ingest --queue`; `feed`: a feed poll);
- `briefing_proposals_decided_total{decision}`: a curator's decisions: accepted (a new item
  or an update), cited (the article cited on an item it repeats), rejected.
"""

from __future__ import annotations

import functools
import logging
import math
import weakref
from collections.abc import Callable, Iterable
from typing import Any, ParamSpec

from prometheus_client import CollectorRegistry, Counter, Histogram
from prometheus_client.core import GaugeMetricFamily, Metric

log = logging.getLogger(__name__)

P = ParamSpec("P")

LAG_BUCKETS = (1.0, 5.0, 15.0, 30.0, 60.0, 120.0, 300.0, 600.0, 1800.0, 3600.0, 21600.0)
"""Alert lag buckets in seconds: on time (seconds) to the grace period (6 h)."""

RATE_LIMITED = "We are being rate limited."
GLOBAL_LIMIT = "Global rate limit has been hit"
GAVE_UP = "was too long, erroring instead"


class Gateway:
    """Reads the bot's shards at scrape time (a weak reference: a closed bot goes away)."""

    def __init__(self) -> None:
        self._bot: Callable[[], Any] = lambda: None

    def watch(self, bot: Any) -> None:
        self._bot = weakref.ref(bot)

    def describe(self) -> Iterable[Metric]:
        return self._families()

    def collect(self) -> Iterable[Metric]:
        bot = self._bot()
        connected, latency, guilds = self._families()
        if bot is not None:
            try:
                for shard_id, info in sorted(getattr(bot, "shards", {}).items()):
                    connected.add_metric([str(shard_id)], 0.0 if info.is_closed() else 1.0)
                for shard_id, seconds in bot.latencies:
                    if math.isfinite(seconds):
                        latency.add_metric([str(shard_id)], seconds)
                guilds.add_metric([], float(len(bot.guilds)))
            except Exception:  # a scrape never fails for the gateway's sake
                log.debug("metrics: reading the gateway failed", exc_info=True)
        return [connected, latency, guilds]

    @staticmethod
    def _families() -> list[GaugeMetricFamily]:
        return [
            GaugeMetricFamily(
                "discord_connected",
                "Determines if the bot is connected to Discord",
                labels=["shard"],
            ),
            GaugeMetricFamily(
                "discord_latency_seconds", "Latency to Discord", labels=["shard"], unit="seconds"
            ),
            GaugeMetricFamily(
                "discord_stat_total_guilds", "Amount of guild this bot is a member of"
            ),
        ]


class Metrics:
    """The registry and the metric objects of one process (see the module's docstring)."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        r = self.registry
        self.gateway = Gateway()
        r.register(self.gateway)
        self.interactions = Counter(
            "discord_event_on_interaction",
            "Amount of interactions called by users",
            ["shard", "interaction", "command"],
            registry=r,
        )
        self.app_commands = Counter(
            "briefing_app_commands",
            "App commands by outcome (ok, user_error, error)",
            ["command", "outcome"],
            registry=r,
        )
        self.posts_sent = Counter(
            "briefing_posts_sent", "Scheduled posts sent", ["kind"], registry=r
        )
        self.posts_failed = Counter(
            "briefing_posts_failed",
            "Scheduled posts not sent (failed, paused, skipped, retry)",
            ["kind", "outcome"],
            registry=r,
        )
        self.alert_lag = Histogram(
            "briefing_alert_lag_seconds",
            "Countdown alerts: due time to sent time",
            buckets=LAG_BUCKETS,
            registry=r,
        )
        self.rate_limited = Counter(
            "briefing_discord_rate_limited",
            "429s from Discord that discord.py logged (action: retry or raise)",
            ["action"],
            registry=r,
        )
        self.global_rate_limited = Counter(
            "briefing_discord_global_rate_limited",
            "429s from Discord that were global rate limits",
            registry=r,
        )
        self.feed_polls = Counter(
            "briefing_feed_polls", "Feed polls by outcome", ["outcome"], registry=r
        )
        self.proposals_queued = Counter(
            "briefing_proposals_queued",
            "Proposals queued for review (via: hand, feed)",
            ["via"],
            registry=r,
        )
        self.proposals_decided = Counter(
            "briefing_proposals_decided",
            "Curators' decisions on proposals (accepted, cited, rejected)",
            ["decision"],
            registry=r,
        )


_current: Metrics | None = None


def current() -> Metrics:
    """The process's metrics, made on first use."""
    global _current
    if _current is None:
        _current = Metrics()
    return _current


def fresh() -> Metrics:
    """A new, empty set in place of the process's (tests)."""
    global _current
    _current = Metrics()
    return _current


def _safe(hook: Callable[P, None]) -> Callable[P, None]:
    """A hook never raises into the code it counts for."""

    @functools.wraps(hook)
    def run(*args: P.args, **kwargs: P.kwargs) -> None:
        try:
            hook(*args, **kwargs)
        except Exception:
            log.debug("metrics: %s failed", hook.__name__, exc_info=True)

    return run


# -- hooks (one line at the place counted) ------------------------------------------------


@_safe
def watch(bot: Any) -> None:
    """Report this bot's gateway at each scrape, and count discord.py's 429 log records."""
    current().gateway.watch(bot)
    count_rate_limits()


@_safe
def interaction(item: Any) -> None:
    """Any interaction (discord.py's on_interaction), as discord-ext-prometheus counts it."""
    guild = item.guild
    command = None
    if item.type.name == "application_command" and item.command is not None:
        command = item.command.name
    shard = guild.shard_id if guild is not None else None
    current().interactions.labels(str(shard), item.type.name, str(command)).inc()


@_safe
def app_command(name: str, outcome: str) -> None:
    current().app_commands.labels(name, outcome).inc()


@_safe
def post(kind: str, outcome: str, lag: float | None = None) -> None:
    """A scheduled post settled: `outcome` is the poster's (sent, failed, paused, skipped,
    retry; taken is not counted: nothing was done); `lag` in seconds for an alert sent."""
    label = "alert" if kind.startswith("alert-") else kind
    m = current()
    if outcome == "sent":
        m.posts_sent.labels(label).inc()
        if lag is not None:
            m.alert_lag.observe(max(0.0, lag))
    elif outcome != "taken":
        m.posts_failed.labels(label, outcome).inc()


@_safe
def feed_poll(outcome: str) -> None:
    current().feed_polls.labels(outcome).inc()


@_safe
def proposals_queued(count: int, via: str) -> None:
    current().proposals_queued.labels(via).inc(count)


@_safe
def proposal_decided(decision: str) -> None:
    current().proposals_decided.labels(decision).inc()


# -- 429s, from discord.py's log ------------------------------------------------------------


class RateLimitCounter(logging.Handler):
    """Counts discord.py's rate-limit warnings on the `discord.http` logger (it reports 429s
    only there). It counts into `current()` at each record, so a fresh set counts too."""

    def __init__(self) -> None:
        super().__init__(level=logging.WARNING)

    def emit(self, record: logging.LogRecord) -> None:
        try:
            text = str(record.msg)
            if text.startswith(RATE_LIMITED):
                current().rate_limited.labels("raise" if GAVE_UP in text else "retry").inc()
            elif text.startswith(GLOBAL_LIMIT):
                current().global_rate_limited.inc()
        except Exception:
            log.debug("metrics: counting a rate limit failed", exc_info=True)


def count_rate_limits(logger: logging.Logger | None = None) -> RateLimitCounter:
    """Attach the counter to `discord.http` (once; again returns the one attached)."""
    target = logger or logging.getLogger("discord.http")
    for handler in target.handlers:
        if isinstance(handler, RateLimitCounter):
            return handler
    handler = RateLimitCounter()
    target.addHandler(handler)
    return handler
