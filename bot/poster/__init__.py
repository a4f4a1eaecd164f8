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
request start is paced to at most `rate` per second (spaced evenly, and never more than
`rate` in any one second), under Discord's global limit of 50 per second for the whole bot:
a thousand servers at 09:00 become a steady stream, not a burst. With several processes
(shards), each posts only for its own servers (`mine`) at its share of the budget.
"""

from __future__ import annotations

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
    SeenMessage,
    Sender,
    SendFailed,
    TickReport,
    visible_milestones,
)
from bot.poster._runner import Poster

__all__ = [
    "CLAIM_LEASE",
    "HISTORY_SLACK",
    "LOOKBACK",
    "Builder",
    "ChannelUnusable",
    "Outcome",
    "Pacer",
    "PostKey",
    "PostRejected",
    "Poster",
    "SeenMessage",
    "SendFailed",
    "Sender",
    "TickReport",
    "visible_milestones",
]
