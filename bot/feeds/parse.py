"""Pure: a feed document (RSS or Atom, as bytes) -> its items, newest first; and the keys by
which an item is known again when a feed re-publishes it under another id, date or link.

feedparser reads the bytes from memory (never a URL: it would fetch one itself). A document
that is HTML, not a feed at all, or broken XML is refused with one line saying so.
"""

from __future__ import annotations

import calendar
import io
import re
import xml.sax
from dataclasses import dataclass
from datetime import UTC, datetime
from html import unescape
from typing import Any
from urllib.parse import urljoin, urlsplit

import feedparser

from bot.bounds import MAX_URL, fit, instant_in_range
from bot.ingest.keys import digest as _digest
from bot.ingest.keys import link_key

PER_POLL = 50
"""The newest items taken from one document; older ones are left (and said to be)."""

_TAGS = re.compile(r"<[^>]+>")


class FeedError(Exception):
    """Not a usable feed; str(exc) is one line saying what to give instead."""


@dataclass(frozen=True)
class FeedEntry:
    guid: str | None
    link: str | None
    title: str | None
    published: datetime | None  # aware (UTC) when the item gives a date
    text: str  # the item's own content or summary, as plain text (may be empty)


@dataclass(frozen=True)
class ParsedFeed:
    title: str | None
    link: str | None  # the site's address
    entries: tuple[FeedEntry, ...]  # the newest, at most `limit`, newest first
    total: int  # items in the document

    @property
    def newest(self) -> datetime | None:
        dates = [e.published for e in self.entries if e.published is not None]
        return max(dates) if dates else None


def _when(entry: Any) -> datetime | None:
    """The item's date, or None when it gives none the bot can compute with (a date at the
    edge of the calendar, 9999-12-31T23:59:59-12:00, is no date: the item is undated)."""
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        value = entry.get(key)
        if value:
            try:
                at = datetime.fromtimestamp(calendar.timegm(value), UTC)
            except (OverflowError, ValueError, OSError):
                continue
            if instant_in_range(at):
                return at
    return None


def _link(value: object, base: str | None) -> str | None:
    """An item's link as an absolute http(s) address (a relative one read against the
    feed's address); None for javascript:, mailto:, malformed or over-long links."""
    raw = _clean(value)
    if raw is None:
        return None
    try:
        url = urljoin(base, raw) if base else raw
        parts = urlsplit(url)
        ok = parts.scheme in ("http", "https") and bool(parts.hostname)
    except ValueError:
        return None
    return url if ok and len(url) <= MAX_URL else None


def _bounded(value: str | None, limit: int) -> str | None:
    return None if value is None else fit(value, limit)


def _text(entry: Any) -> str:
    parts = [c.get("value", "") for c in entry.get("content") or []]
    if not any(p.strip() for p in parts):
        parts = [entry.get("summary") or ""]
    paragraphs = []
    for part in parts:
        for block in re.split(r"(?i)</p>|<br\s*/?>|\n\s*\n", part):
            line = " ".join(unescape(_TAGS.sub(" ", block)).split())
            if line:
                paragraphs.append(line)
    return "\n\n".join(paragraphs)


def _clean(value: object) -> str | None:
    return " ".join(value.split()) or None if isinstance(value, str) else None


def parse_feed(
    body: bytes, content_type: str | None = None, *, limit: int = PER_POLL, base: str | None = None
) -> ParsedFeed:
    """The feed's items, newest first (dated items by date, then undated in document order).
    `base` is the feed's address, against which relative item links are read."""
    head = body[:2048].lstrip().lower()
    if head.startswith((b"<!doctype html", b"<html")):
        raise FeedError(
            "that address gives a web page, not a feed; give the RSS or Atom feed's own "
            "address (often ending in /feed, /rss or .xml)"
        )
    if not head.startswith((b"<", b"\xef\xbb\xbf<")):
        raise FeedError(
            "that address does not give an RSS or Atom feed; give the feed's own address "
            "(often ending in /feed, /rss or .xml)"
        )
    headers = {"content-type": content_type} if content_type else {}
    doc: Any = feedparser.parse(io.BytesIO(body), response_headers=headers)
    broken = doc.get("bozo") and isinstance(doc.get("bozo_exception"), xml.sax.SAXException)
    if broken:
        where = doc.bozo_exception
        line = where.getLineNumber() if isinstance(where, xml.sax.SAXParseException) else None
        at = f" at line {line}" if line else ""
        raise FeedError(
            f"that feed's XML is broken{at} ({where.getMessage()}); check the address, or "
            "tell the site"
        )
    if not doc.get("version"):
        raise FeedError(
            "that address does not give an RSS or Atom feed; give the feed's own address "
            "(often ending in /feed, /rss or .xml)"
        )
    entries = [
        FeedEntry(
            guid=_clean(e.get("id")),
            link=_link(e.get("link"), base),
            title=_bounded(_clean(unescape(_TAGS.sub(" ", str(e.get("title") or "")))), 300),
            published=_when(e),
            text=_text(e),
        )
        for e in doc.entries
    ]
    dated = [(e.published, n) for n, e in enumerate(entries) if e.published is not None]
    order = [n for _, n in sorted(dated, key=lambda d: (-d[0].timestamp(), d[1]))]
    newest_first = [entries[n] for n in order] + [e for e in entries if e.published is None]
    feed = doc.get("feed", {})
    return ParsedFeed(
        title=_bounded(_clean(feed.get("title")), 300),
        link=_link(feed.get("link"), base),
        entries=tuple(newest_first[:limit]),
        total=len(entries),
    )


# --- recognising an item again ---------------------------------------------------------------


def entry_keys(feed_id: int, entry: FeedEntry) -> list[str]:
    """The keys known before the article is read: its GUID within its feed, its link."""
    keys = []
    if entry.guid:
        keys.append(f"guid:{feed_id}:{_digest(entry.guid)}")
    if entry.link:
        keys.append(link_key(entry.link))
    if not keys and entry.title:  # neither id nor link: the title is all there is
        keys.append(f"title:{feed_id}:{_digest(entry.title.casefold())}")
    return keys
