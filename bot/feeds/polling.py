"""Following a feed: checking it when a curator adds it, and each poll after that.

A poll fetches the feed conditionally (a 304 costs nothing), parses it, and takes each of the
newest items it has not seen (by GUID, link or article text) through the same fetch and
ingest as `/source add url:`; the item's keys are claimed and its proposals queued in one
transaction. An item whose article cannot be fetched is read from the feed's own text when
that is a whole article, else noted as unreadable and tried again at each poll for a day
(the feed is then fetched without validators, so a 304 does not hide it). A poll that
fails (HTTP error, not a feed, too large) counts towards pausing the feed.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
from dataclasses import dataclass
from datetime import timedelta

from bot import metrics
from bot.clock import Clock
from bot.feeds.parse import FeedEntry, FeedError, ParsedFeed, entry_keys
from bot.feeds.parse import parse_feed as _parse
from bot.fetching import (
    MIN_WORDS,
    Article,
    FeedDocument,
    FetchError,
    check_url,
    fetch_article,
    fetch_feed,
    word_count,
)
from bot.ingest.items import source_for
from bot.ingest.keys import text_key as _text_key
from bot.ingesting import IngestError, ingest_article, proposal_data
from bot.models import EVERY_MAX, EVERY_MIN, Feed, Kind, PollReport
from bot.store import Actor, Store
from bot.store._feeds import DUPLICATE, SEEN, SKIPPED, UNREADABLE

log = logging.getLogger(__name__)

RECENT = timedelta(hours=24)
"""Items this recent when a feed is added are ingested; older ones are taken as seen."""
RETRY_FOR = timedelta(hours=24)
"""An item whose article could not be read is tried again at each poll for this long."""


@dataclass(frozen=True)
class FeedOptions:
    allow_private: bool = False
    pause_after: int = 3
    per_poll: int = 50
    max_bytes: int = 5_000_000
    timeout: float = 20.0
    article_concurrency: int = 4  # article fetches of one poll at once


@dataclass(frozen=True)
class Checked:
    """A feed checked before it is followed."""

    url: str  # the address to poll (as given, tidied)
    document: FeedDocument
    parsed: ParsedFeed


def feed_actor(feed: Feed) -> Actor:
    return Actor(None, f"feed #{feed.id} ({feed.name})"[:100])


def check_every(minutes: int) -> int:
    if not EVERY_MIN <= minutes <= EVERY_MAX:
        raise FeedError(
            f"poll every {EVERY_MIN} to {EVERY_MAX} minutes (a day); {minutes} is out of range"
        )
    return minutes


async def check_feed(url: str, options: FeedOptions) -> Checked:
    """Fetch and parse a feed a curator gives; FetchError or FeedError says what is wrong."""
    given = str(check_url(url.strip(), options.allow_private))
    document = await fetch_feed(
        given,
        allow_private=options.allow_private,
        max_bytes=options.max_bytes,
        timeout=options.timeout,
    )
    parsed = await asyncio.to_thread(
        _parse, document.body, document.content_type, limit=options.per_poll, base=given
    )
    if parsed.total == 0:
        raise FeedError(
            "that feed has no items yet, so there is nothing to check it by; add it once it "
            "has published something"
        )
    return Checked(url=given, document=document, parsed=parsed)


async def follow(
    store: Store,
    guild_id: int,
    checked: Checked,
    *,
    channel_id: int | None,
    every_minutes: int,
    actor: Actor,
    clock: Clock,
    options: FeedOptions,
) -> tuple[Feed, PollReport]:
    """Store the feed with its older items taken as seen, then take its recent ones."""
    since = clock.now() - RECENT
    feed = await store.add_feed(
        guild_id,
        checked.url,
        title=checked.parsed.title,
        channel_id=channel_id,
        every_minutes=every_minutes,
        actor=actor,
    )
    old = [
        entry_keys(feed.id, e)
        for e in checked.parsed.entries
        if e.published is None or e.published < since
    ]
    try:
        await store.mark_items(guild_id, feed.id, old, SEEN)
        report = await take(store, feed, checked.parsed, checked.document, clock, options)
        if report.error is not None:
            raise FeedError(report.error)
    except Exception as exc:
        await store.discard_feed(guild_id, feed.id)
        if isinstance(exc, FeedError | FetchError):
            raise
        log.exception("following %s failed", checked.url)
        raise FeedError(
            f"reading that feed's items failed ({type(exc).__name__}), so I am not following "
            "it; try again later, or tell the bot's operator"
        ) from None
    return await store.feed(guild_id, feed.id), report


async def poll(store: Store, feed: Feed, clock: Clock, options: FeedOptions) -> PollReport:
    """One poll of a feed: fetch, parse and take what is new; a failure is counted (and
    pauses the feed after `options.pause_after` in a row)."""
    retry = await store.retrying(feed.id, clock.now() - RETRY_FOR)
    try:
        document = await fetch_feed(  # no validators while items wait to be read again
            feed.url,
            etag=None if retry else feed.etag,
            last_modified=None if retry else feed.last_modified,
            allow_private=options.allow_private,
            max_bytes=options.max_bytes,
            timeout=options.timeout,
        )
        if document.not_modified:
            await store.record_poll(
                feed.id,
                at=clock.now(),
                etag=document.etag,
                last_modified=document.last_modified,
            )
            metrics.feed_poll("not_modified")
            return PollReport(feed=feed, not_modified=True)
        parsed = await asyncio.to_thread(
            _parse, document.body, document.content_type, limit=options.per_poll, base=feed.url
        )
        taken = await take(store, feed, parsed, document, clock, options)
        metrics.feed_poll("ok")
        return taken
    except (FetchError, FeedError) as exc:
        why = str(exc)
        log.info("feed #%d (%s) failed: %s", feed.id, feed.url, exc)
    except Exception as exc:  # any other failure counts too: a feed never dies silently
        why = f"the poll failed unexpectedly ({type(exc).__name__}); the bot's log has the details"
        log.exception("feed #%d (%s): poll failed", feed.id, feed.url)
    metrics.feed_poll("error")
    now, paused = await store.record_poll(
        feed.id, at=clock.now(), error=why, pause_after=options.pause_after
    )
    return PollReport(feed=now, error=why, paused=paused)


async def take(
    store: Store,
    feed: Feed,
    parsed: ParsedFeed,
    document: FeedDocument,
    clock: Clock,
    options: FeedOptions,
) -> PollReport:
    """Ingest the entries not seen yet, oldest first, and note the poll."""
    keyed = [(e, keys) for e in reversed(parsed.entries) if (keys := entry_keys(feed.id, e))]
    known = await store.seen_keys(
        feed.guild_id, [k for _, keys in keyed for k in keys], retry_since=clock.now() - RETRY_FOR
    )
    fresh = [(e, keys) for e, keys in keyed if known.isdisjoint(keys)]
    # a new GUID or link for an item seen: remember it as that item's too
    aliases = [keys for _, keys in keyed if not known.isdisjoint(keys) and not known >= set(keys)]
    await store.mark_items(feed.guild_id, feed.id, aliases, DUPLICATE)
    gate = asyncio.Semaphore(options.article_concurrency)

    async def read(entry: FeedEntry) -> Article | str:
        async with gate:
            try:
                return await _article(entry, options)
            except Exception as exc:  # one item's page fails alone
                log.exception("feed #%d: reading %s failed", feed.id, entry.link)
                return f"reading it failed ({type(exc).__name__})"

    articles = await asyncio.gather(*(read(entry) for entry, _ in fresh))
    config = await store.guild_config(feed.guild_id)
    report = PollReport(feed=feed, entries=parsed.total, considered=len(parsed.entries))
    counts = _Tally()
    for (entry, keys), article in zip(fresh, articles, strict=True):
        name = entry.title or entry.link or entry.guid or "an item"
        try:
            await _take_one(store, feed, config.timezone, entry, keys, article, clock, counts)
        except Exception as exc:  # one item fails alone: skipped, with the reason, and noted
            log.exception("feed #%d: item %r failed", feed.id, name)
            counts.unreadable.append(
                f"{name}: could not be handled ({type(exc).__name__}); skipped"[:300]
            )
            with contextlib.suppress(Exception):
                await store.mark_items(feed.guild_id, feed.id, [keys], SKIPPED)
    new, proposals, duplicates, unreadable = (
        counts.new,
        counts.proposals,
        counts.duplicates,
        counts.unreadable,
    )
    now, _ = await store.record_poll(
        feed.id,
        at=clock.now(),
        etag=document.etag,
        last_modified=document.last_modified,
        title=parsed.title,
        skipped=unreadable[-1] if unreadable else None,
    )
    return dataclasses.replace(
        report,
        feed=now,
        new=new,
        proposals=proposals,
        duplicates=duplicates,
        unreadable=unreadable,
    )


@dataclass
class _Tally:
    new: int = 0
    proposals: int = 0
    duplicates: int = 0
    unreadable: list[str] = dataclasses.field(default_factory=list)


async def _take_one(
    store: Store,
    feed: Feed,
    zone: str,
    entry: FeedEntry,
    keys: list[str],
    article: Article | str,
    clock: Clock,
    counts: _Tally,
) -> None:
    """One new item: its article read into proposals queued (keys claimed in the same
    transaction), or noted as a duplicate or unreadable."""
    if isinstance(article, str):
        counts.unreadable.append(f"{entry.title or entry.link or entry.guid}: {article}"[:300])
        await store.mark_items(feed.guild_id, feed.id, [keys], UNREADABLE)
        return
    keys = [*keys, _text_key(article.text)]
    if await store.seen_keys(feed.guild_id, keys[-1:]):
        counts.duplicates += 1
        await store.mark_items(feed.guild_id, feed.id, [keys], DUPLICATE)
        return
    if article.published is None and article.published_date is None:
        article = dataclasses.replace(article, published=entry.published or clock.now())
    try:
        done = await ingest_article(
            store,
            article,
            guild_id=feed.guild_id,
            outlet=article.outlet or feed.title,
            default_zone=zone,
        )
    except IngestError as exc:
        counts.unreadable.append(f"{entry.title or entry.link}: {exc}"[:300])
        await store.mark_items(feed.guild_id, feed.id, [keys], UNREADABLE)
        return
    taken = await store.item_ids(Kind.SOURCE, feed.guild_id)
    source = source_for(done.source, author=article.author, taken=taken)
    queued = await store.queue_item(
        feed.guild_id, feed.id, keys, source, proposal_data(done), actor=feed_actor(feed)
    )
    if queued is None:  # another poll took it meanwhile
        counts.duplicates += 1
        return
    counts.new += 1
    counts.proposals += len(queued)
    metrics.proposals_queued(len(queued), "feed")


async def _article(entry: FeedEntry, options: FeedOptions) -> Article | str:
    """The item's article: its page, else the feed's own text when that is a whole article;
    else why it could not be read."""
    why = "the item has no link"
    if entry.link:
        try:
            return await fetch_article(
                entry.link,
                allow_private=options.allow_private,
                max_bytes=options.max_bytes,
                timeout=options.timeout,
            )
        except FetchError as exc:
            why = str(exc)
    if word_count(entry.text) >= MIN_WORDS:
        return Article(
            text=entry.text,
            title=entry.title,
            outlet=None,
            author=None,
            published=entry.published,
            published_date=None,
            url=entry.link,
        )
    return why
