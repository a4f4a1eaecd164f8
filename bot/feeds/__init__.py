"""News feeds a server follows: parsing (pure), polling (fetch, ingest, queue) and the
schedule that polls each feed, spread over its interval."""

from bot.feeds.parse import FeedEntry, FeedError, ParsedFeed, parse_feed
from bot.feeds.polling import (
    RECENT,
    Checked,
    FeedOptions,
    check_every,
    check_feed,
    feed_actor,
    follow,
    poll,
)
from bot.ingest.keys import normalize_link

__all__ = [
    "RECENT",
    "Checked",
    "FeedEntry",
    "FeedError",
    "FeedOptions",
    "ParsedFeed",
    "check_every",
    "check_feed",
    "feed_actor",
    "follow",
    "normalize_link",
    "parse_feed",
    "poll",
]
