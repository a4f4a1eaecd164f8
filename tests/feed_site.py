"""A local news site with feeds (RSS 2.0 and Atom) and article pages, for the feed tests and
the feed benchmark: items can be added, re-published under a new GUID, date or link, and a
feed can be made to fail (500, HTML). It answers conditional requests (ETag and
Last-Modified) with 304 when nothing changed, and counts what it served. Loopback only."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from email.utils import format_datetime
from html import escape

from aiohttp import web
from aiohttp.test_utils import TestServer

STORIES = [  # against the curated record these propose a person, events and a milestone
    "Treasury Secretary Scott Bessent and Vice Premier He Lifeng held talks in Paris on March "
    "15 and March 16, with Jamieson Greer and Li Chenggang at the table, to prepare a planned "
    "visit to Beijing.",
    "Commerce Secretary Howard Lutnick said on Monday that a new investigation into excess "
    "industrial capacity would open later this week.",
    "Negotiators will meet again in Geneva on December 14, officials said, to review the "
    "tariff truce.",
    "Markets rose on the news. Analysts said the talks lowered the risk of a return to the "
    "triple-digit tariffs that both countries imposed on each other in the spring of 2025.",
]


@dataclass
class Item:
    slug: str
    title: str
    published: datetime
    guid: str = ""
    link_suffix: str = ""  # e.g. "?utm_source=rss": the same story's link, dressed
    body: str = ""  # the article's text; made from the title and STORIES when empty
    missing: bool = False  # its page answers 404

    def text(self) -> str:
        lead = f"{self.title}. This report, {self.slug}, follows the latest round of talks."
        return self.body or "\n\n".join([lead, *STORIES])


@dataclass
class Channel:
    kind: str = "rss"  # rss | atom
    title: str = "Test Wire"
    items: list[Item] = field(default_factory=list)
    mode: str = "ok"  # ok | 500 | html | empty-body
    full_text: bool = False  # the feed carries each article's text (content:encoded)


class FeedSite:
    def __init__(self) -> None:
        self.channels: dict[str, Channel] = {}
        self.hits: dict[str, int] = {}
        self.not_modified = 0
        self.article_hits: dict[str, int] = {}
        self.server: TestServer | None = None

    # -- running --------------------------------------------------------------------------------
    async def start(self) -> FeedSite:
        app = web.Application()
        app.router.add_get("/feeds/{name}", self._feed)
        app.router.add_get("/a/{slug}", self._article)
        self.server = TestServer(app, host="127.0.0.1")
        await self.server.start_server()
        return self

    async def close(self) -> None:
        if self.server is not None:
            await self.server.close()

    def url(self, path: str) -> str:
        assert self.server is not None
        return str(self.server.make_url(path))

    def feed_url(self, name: str) -> str:
        return self.url(f"/feeds/{name}")

    # -- content ---------------------------------------------------------------------------------
    def channel(self, name: str, **kwargs: object) -> Channel:
        self.channels[name] = Channel(**kwargs)  # type: ignore[arg-type]
        return self.channels[name]

    def find(self, slug: str) -> Item | None:
        for channel in self.channels.values():
            for item in channel.items:
                if item.slug == slug:
                    return item
        return None

    def render(self, name: str) -> str:
        ch = self.channels[name]
        items = sorted(ch.items, key=lambda i: i.published, reverse=True)
        if ch.kind == "atom":
            entries = "".join(
                f"<entry><title>{escape(i.title)}</title><id>{escape(i.guid or i.slug)}</id>"
                f'<link href="{escape(self.url("/a/" + i.slug) + i.link_suffix)}"/>'
                f"<updated>{i.published.isoformat()}</updated>"
                + (f'<content type="text">{escape(i.text())}</content>' if ch.full_text else "")
                + "</entry>"
                for i in items
            )
            return (
                '<?xml version="1.0" encoding="utf-8"?>'
                f'<feed xmlns="http://www.w3.org/2005/Atom"><title>{escape(ch.title)}</title>'
                f"<id>urn:{name}</id>{entries}</feed>"
            )
        rss_items = "".join(
            f"<item><title>{escape(i.title)}</title>"
            f"<link>{escape(self.url('/a/' + i.slug) + i.link_suffix)}</link>"
            f'<guid isPermaLink="false">{escape(i.guid or i.slug)}</guid>'
            f"<pubDate>{format_datetime(i.published)}</pubDate>"
            + (f"<description>{escape(i.text())}</description>" if ch.full_text else "")
            + "</item>"
            for i in items
        )
        return (
            '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
            f"<title>{escape(ch.title)}</title><link>{self.url('/')}</link>"
            f"<description>News</description>{rss_items}</channel></rss>"
        )

    # -- handlers --------------------------------------------------------------------------------
    async def _feed(self, request: web.Request) -> web.Response:
        name = request.match_info["name"]
        self.hits[name] = self.hits.get(name, 0) + 1
        ch = self.channels.get(name)
        if ch is None:
            raise web.HTTPNotFound()
        if ch.mode == "500":
            raise web.HTTPInternalServerError()
        if ch.mode == "html":
            return web.Response(text="<!DOCTYPE html><html><body>Moved</body></html>",
                                content_type="text/html")  # fmt: skip
        body = self.render(name)
        etag = '"' + hashlib.sha256(body.encode()).hexdigest()[:16] + '"'
        if request.headers.get("If-None-Match") == etag:
            self.not_modified += 1
            return web.Response(status=304, headers={"ETag": etag})
        kind = "application/atom+xml" if ch.kind == "atom" else "application/rss+xml"
        return web.Response(text=body, content_type=kind, headers={"ETag": etag})

    async def _article(self, request: web.Request) -> web.Response:
        slug = request.match_info["slug"]
        self.article_hits[slug] = self.article_hits.get(slug, 0) + 1
        item = self.find(slug)
        if item is None or item.missing:
            raise web.HTTPNotFound()
        paragraphs = "".join(f"<p>{escape(p)}</p>" for p in item.text().split("\n\n"))
        page = (
            f"<!DOCTYPE html><html><head><title>{escape(item.title)}</title>"
            '<meta property="og:site_name" content="Test Wire">'
            f'<meta property="article:published_time" content="{item.published.isoformat()}">'
            f"</head><body><article><h1>{escape(item.title)}</h1>{paragraphs}</article>"
            "</body></html>"
        )
        return web.Response(text=page, content_type="text/html")
