"""A feed never dies silently: items with dates at the edge of the calendar, links that are
relative, javascript:, mailto: or malformed, validators too long for their columns, NUL
characters in a page, and an item whose handling raises each leave the poll working; the
failures of a poll are counted and pause the feed; a failed `/feed add` (`follow`) stores
nothing. Both backends."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import timedelta

import pytest
import sqlalchemy as sa
from aiohttp import web
from aiohttp.test_utils import TestServer

from bot.clock import FixedClock
from bot.feeds import FeedError, FeedOptions, check_feed, follow, parse_feed, poll, polling
from bot.models import PAUSED
from bot.store import Actor, Store
from bot.store import _schema as schema
from tests.conftest import NOW

GUILD = 42
CURATOR = Actor(7, "curator")
OPTIONS = FeedOptions(allow_private=True, pause_after=3)
STORY = (
    "Negotiators will meet again in Geneva on December 14, officials said, to review the "
    "tariff truce. Treasury Secretary Scott Bessent and Vice Premier He Lifeng held talks in "
    "Paris on March 15 and March 16, with Jamieson Greer and Li Chenggang at the table."
)


@dataclass
class Raw:
    """A loopback site serving fixed bytes at /feed and article pages at /a/<slug>."""

    feed: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    pages: dict[str, tuple[bytes, str]] = field(default_factory=dict)
    server: TestServer | None = None

    async def start(self) -> Raw:
        app = web.Application()
        app.router.add_get("/feed", self._feed)
        app.router.add_get("/a/{slug}", self._page)
        self.server = TestServer(app, host="127.0.0.1")
        await self.server.start_server()
        return self

    async def _feed(self, request: web.Request) -> web.Response:
        return web.Response(
            body=self.feed, content_type="application/rss+xml", headers=self.headers
        )

    async def _page(self, request: web.Request) -> web.Response:
        body, ctype = self.pages.get(request.match_info["slug"], (b"", "text/plain"))
        if not body:
            raise web.HTTPNotFound()
        return web.Response(body=body, headers={"Content-Type": ctype})

    def url(self, path: str = "/feed") -> str:
        assert self.server is not None
        return str(self.server.make_url(path))


@pytest.fixture
async def raw() -> AsyncIterator[Raw]:
    site = await Raw().start()
    yield site
    assert site.server is not None
    await site.server.close()


def rss(*items: str) -> bytes:
    body = "".join(items)
    return (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Raw Wire</title>'
        f"<link>https://example.com/</link>{body}</channel></rss>"
    ).encode()


def item(guid: str, link: str, date: str, text: str = STORY) -> str:
    return (
        f"<item><guid>{guid}</guid><title>Story {guid}</title><link>{link}</link>"
        f"<pubDate>{date}</pubDate><description>{text}</description></item>"
    )


def recent(hours: float = 1) -> str:
    from email.utils import format_datetime

    return format_datetime(NOW - timedelta(hours=hours))


async def follow_raw(store: Store, raw: Raw, clock: FixedClock) -> polling.PollReport:
    checked = await check_feed(raw.url(), OPTIONS)
    _, report = await follow(
        store,
        GUILD,
        checked,
        channel_id=None,
        every_minutes=30,
        actor=CURATOR,
        clock=clock,
        options=OPTIONS,
    )
    return report


def test_dates_at_the_edge_of_the_calendar_make_an_item_undated() -> None:
    doc = rss(
        item("a", "https://example.com/a", "Fri, 31 Dec 9999 23:59:59 -1200"),
        item("b", "https://example.com/b", "Mon, 01 Jan 0001 00:00:00 +1400"),
        item("c", "https://example.com/c", recent()),
    )
    parsed = parse_feed(doc)
    dates = {e.guid: e.published for e in parsed.entries}
    assert dates["a"] is None and dates["b"] is None and dates["c"] is not None


def test_links_are_absolute_http_or_none() -> None:
    doc = rss(
        item("rel", "/a/story", recent()),
        item("js", "javascript:alert(1)", recent()),
        item("mail", "mailto:desk@example.com", recent()),
        item("bad", "http://[::1", recent()),
        item("long", "https://example.com/" + "x" * 3000, recent()),
    )
    links = {e.guid: e.link for e in parse_feed(doc, base="https://news.example/feed").entries}
    assert links == {
        "rel": "https://news.example/a/story",
        "js": None,
        "mail": None,
        "bad": None,
        "long": None,
    }


async def test_hostile_items_do_not_stop_the_feed(store: Store, raw: Raw) -> None:
    clock = FixedClock(NOW)
    full = f"{STORY} {STORY} {STORY}"
    raw.feed = rss(
        item("edge", "https://example.com/x", "Fri, 31 Dec 9999 23:59:59 -1200", full),
        item("rel", "/a/good", recent(2)),
        item("js", "javascript:alert(1)", recent(2), full),
        item("mail", "mailto:desk@example.com", recent(2), full),
        item("bad", "http://[::1", recent(2), full),
    )
    raw.pages["good"] = (STORY.encode() + b" " + STORY.encode(), "text/plain")
    raw.headers = {"Last-Modified": "Sat, 21 Nov 2026 10:00:00 GMT" + " " * 120 + "x"}
    report = await follow_raw(store, raw, clock)
    assert report.ok, report.error
    # the relative link was read as the page on the feed's site; the others from their text
    assert report.new >= 2
    feed = (await store.feeds(GUILD))[0]
    assert feed.last_modified is None  # too long to keep: dropped, not cut or a crash
    clock.advance(timedelta(minutes=30))
    again = await poll(store, feed, clock, OPTIONS)
    assert again.ok and again.new == 0


async def test_nul_characters_in_a_page_are_dropped(store: Store, raw: Raw) -> None:
    clock = FixedClock(NOW)
    raw.feed = rss(item("u16", raw.url("/a/u16"), recent()))
    page = f"<html><head><title>Talks\x00 resume</title></head><body><p>{STORY}</p></body></html>"
    raw.pages["u16"] = (page.encode("utf-16"), "text/html")  # no charset: NULs everywhere
    report = await follow_raw(store, raw, clock)
    assert report.ok, report.error
    assert report.new + len(report.unreadable) == 1


async def test_an_item_that_raises_is_skipped_alone_and_listed(
    store: Store, raw: Raw, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = FixedClock(NOW)
    full = f"{STORY} {STORY} {STORY}"
    raw.feed = rss(
        item("boom", "mailto:x", recent(), "BOOM " + full), item("ok", "mailto:y", recent(), full)
    )
    real = polling.ingest_article

    async def flaky(store: Store, article: polling.Article, **kwargs: object) -> object:
        if article.text.startswith("BOOM"):
            raise RuntimeError("engine fell over")
        return await real(store, article, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(polling, "ingest_article", flaky)
    report = await follow_raw(store, raw, clock)
    assert report.ok and report.new == 1
    assert any("could not be handled (RuntimeError); skipped" in u for u in report.unreadable)
    feed = (await store.feeds(GUILD))[0]
    assert feed.last_skipped is not None and "RuntimeError" in feed.last_skipped
    assert feed.last_skipped_at == clock.now()


async def test_any_failure_of_a_poll_counts_and_pauses_the_feed(
    store: Store, raw: Raw, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = FixedClock(NOW)
    raw.feed = rss(item("a", "mailto:x", recent(30)))
    await follow_raw(store, raw, clock)
    feed = (await store.feeds(GUILD))[0]

    def broken(*args: object, **kwargs: object) -> object:
        raise ValueError("parser exploded")

    monkeypatch.setattr(polling, "_parse", broken)
    for n in range(1, 4):
        clock.advance(timedelta(minutes=30))
        report = await poll(store, await store.feed(GUILD, feed.id), clock, OPTIONS)
        assert report.error is not None and "ValueError" in report.error
        assert report.feed.failures == n
    assert report.paused and report.feed.status == PAUSED


async def test_a_follow_whose_first_poll_fails_stores_nothing(
    store: Store, raw: Raw, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = FixedClock(NOW)
    raw.feed = rss(item("a", "https://example.com/a", recent(30)))

    async def broken(*args: object, **kwargs: object) -> object:
        raise KeyError("store fell over")

    monkeypatch.setattr(polling, "take", broken)
    with pytest.raises(FeedError, match="not following it"):
        await follow_raw(store, raw, clock)
    assert await store.feeds(GUILD) == []
    async with store.engine.connect() as conn:
        rows = (await conn.execute(sa.select(schema.feed_items))).all()
    assert rows == []


async def test_a_feed_url_too_long_for_the_store_is_one_line(store: Store) -> None:
    from bot.fetching import FetchError

    with pytest.raises(FetchError, match="the limit is 2,000"):
        await check_feed("https://example.com/" + "a" * 2100, OPTIONS)
