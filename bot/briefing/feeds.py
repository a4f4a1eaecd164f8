"""The feeds as curators see them: the list (with why and since when a feed is paused), what
adding or polling one found, and the notice a poll leaves in a channel. Pure: models in,
text, embeds and views out."""

from __future__ import annotations

from collections.abc import Sequence

import discord

from bot.briefing.common import COLOUR, WARN
from bot.briefing.review import page_id
from bot.briefing.text import add_field_lines, shown, shrink_to_total, truncate
from bot.briefing.text import timestamp as ts
from bot.feeds import ParsedFeed
from bot.models import PAUSED, Feed, PollReport


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def review_view() -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    view.add_item(discord.ui.Button(label="Review the queue", custom_id=page_id(0)))
    return view


def feed_label(feed: Feed) -> str:
    return truncate(f"#{feed.id} · {shown(feed.name)}", 100)


def _status(feed: Feed) -> str:
    if feed.status == PAUSED:
        since = f" since {ts(feed.paused_at, 'R')}" if feed.paused_at else ""
        return f"{WARN} **paused**{since}: {shown(feed.paused_reason or '', 300)}"
    return f"polled every {feed.every_minutes} min"


def feed_lines(feed: Feed) -> list[str]:
    lines = [f"<{truncate(feed.url, 300)}>", _status(feed)]
    if feed.last_polled_at is not None:
        last = f"last poll {ts(feed.last_polled_at, 'R')}"
        if feed.last_ok_at is not None and feed.last_ok_at != feed.last_polled_at:
            last += f", last good one {ts(feed.last_ok_at, 'R')}"
        lines.append(last)
    if feed.failures and feed.status != PAUSED:
        lines.append(
            f"{WARN} {_plural(feed.failures, 'failed poll')} in a row: "
            f"{shown(feed.last_error or '', 200)}"
        )
    if feed.last_skipped:
        when = f" {ts(feed.last_skipped_at, 'R')}" if feed.last_skipped_at else ""
        lines.append(f"{WARN} last item skipped{when}: {shown(feed.last_skipped, 200)}")
    where = (
        f"notices in <#{feed.channel_id}>" if feed.channel_id else "notices in the digest channel"
    )
    lines.append(
        f"{_plural(feed.items_seen, 'item')} seen, "
        f"{feed.items_queued} read into proposals · {where}"
    )
    return lines


def feeds_embed(feeds: Sequence[Feed]) -> discord.Embed:
    embed = discord.Embed(title="Feeds this server follows", colour=COLOUR)
    if not feeds:
        embed.description = (
            "None yet. `/feed add url:` follows an RSS or Atom feed; what its new items "
            "propose joins `/review`."
        )
        return embed
    for feed in feeds[:25]:
        add_field_lines(embed, feed_label(feed), feed_lines(feed), max_fields=1)
    paused = sum(f.status == PAUSED for f in feeds)
    footer = f"{_plural(len(feeds), 'feed')}" + (
        f" · {paused} paused: /feed resume" if paused else ""
    )
    if len(feeds) > 25:
        footer += " · the first 25 shown"
    embed.set_footer(text=footer)
    return shrink_to_total(embed)


def _took(report: PollReport) -> str | None:
    if report.entries > report.considered:
        return (
            f"The feed holds {report.entries:,} items; I read the newest {report.considered} "
            "and leave the older ones."
        )
    return None


def _outcome(report: PollReport) -> list[str]:
    lines = []
    if report.new:
        lines.append(
            f"{_plural(report.new, 'new item')} → {_plural(report.proposals, 'proposal')} "
            "queued for review."
        )
    if report.duplicates:
        lines.append(
            f"{_plural(report.duplicates, 'item')} repeated an article already read (not new)."
        )
    for why in report.unreadable[:5]:
        lines.append(f"{WARN} could not read {shown(why, 250)}")
    if len(report.unreadable) > 5:
        lines.append(f"… and {len(report.unreadable) - 5} more unreadable.")
    return lines


def added_text(feed: Feed, parsed: ParsedFeed, report: PollReport) -> str:
    """What /feed add answers."""
    newest = parsed.newest
    lines = [
        f"Following **{shown(feed.name, 200)}** (feed #{feed.id}): "
        f"{_plural(parsed.total, 'item')}"
        + (f", the newest {ts(newest, 'f')}." if newest else "."),
    ]
    if (took := _took(report)) is not None:
        lines.append(took)
    recent = report.new + report.duplicates + len(report.unreadable)
    if recent:
        lines.append(f"Items of the last 24 hours are read now: {recent}.")
    else:
        lines.append("Nothing from the last 24 hours; older items are taken as seen.")
    lines += _outcome(report)
    where = f"<#{feed.channel_id}>" if feed.channel_id else "the digest channel"
    lines.append(f"I poll it every {feed.every_minutes} minutes and tell {where} what it brings.")
    return "\n".join(lines)


def poll_text(report: PollReport) -> str:
    """What /feed poll and /feed resume answer for one feed."""
    name = f"**{shown(report.feed.name, 150)}** (#{report.feed.id})"
    if report.error is not None:
        line = f"{WARN} {name}: the poll failed: {shown(report.error, 300)}"
        if report.paused:
            line += " It is now paused; `/feed resume` tries it again."
        else:
            line += f" ({_plural(report.feed.failures, 'failure')} in a row.)"
        return line
    if report.not_modified:
        return f"{name}: unchanged since the last poll."
    lines = _outcome(report) or ["nothing new."]
    if (took := _took(report)) is not None:
        lines.append(took)
    return f"{name}: " + " ".join(lines)


def notice(report: PollReport) -> str | None:
    """The one message a poll leaves in the feed's channel: new proposals, the feed paused,
    or both; None when there is nothing to say."""
    feed = report.feed
    parts = []
    if report.proposals:
        parts.append(
            f"📥 {_plural(report.proposals, 'new proposal')} from "
            f"**{shown(feed.name, 150)}** wait for review."
        )
    if report.paused:
        parts.append(
            f"{WARN} I paused the feed **{shown(feed.name, 150)}** (#{feed.id}): "
            f"{shown(feed.paused_reason or report.error or '', 600)} "
            "`/feed resume` tries it again."
        )
    return "\n".join(parts) if parts else None
