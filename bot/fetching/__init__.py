"""The only code that reaches the web: a safe fetch of one article or one feed, and the same
article extraction for a file or a Discord attachment.

Rules, each enforced in `_http.py`:
- Only http(s) URLs with a host; anything else is refused before any network use.
- Never the bot's own machine or private network (unless `allow_private`, for tests and demos):
  a literal IP host is checked directly, and a host name by every address it resolves to,
  through a resolver the connector itself uses, so the check covers the address connected to.
- Redirects are followed by hand, at most `max_redirects`, each hop re-checked; loops refused.
- The body is read in chunks and refused past `max_bytes` (and early when Content-Length says
  so); the whole fetch (connect, hops, body) must finish within `timeout` seconds.
Every failure is a FetchError whose message is one line saying what to do instead.
"""

from bot.fetching._article import (
    MAX_FILE_BYTES,
    MIN_WORDS,
    Article,
    article_from_bytes,
    article_from_file,
    extract,
    fetch_article,
    read_file,
    too_big,
    word_count,
)
from bot.fetching._feed import FeedDocument, fetch_feed
from bot.fetching._http import FetchError, check_url

__all__ = [
    "MAX_FILE_BYTES",
    "MIN_WORDS",
    "Article",
    "FeedDocument",
    "FetchError",
    "article_from_bytes",
    "article_from_file",
    "check_url",
    "extract",
    "fetch_article",
    "fetch_feed",
    "read_file",
    "too_big",
    "word_count",
]
