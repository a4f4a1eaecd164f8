"""The record on the web (bot.web), what keeps it safe and cheap: bad parameters, unknown
ids, headers, HEAD and revalidation, rendering once per data version, escaping, links only
http(s), a server's private data nowhere, and the health probes; on SQLite and (with
TEST_DATABASE_URL) PostgreSQL."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.clock import FixedClock
from bot.curated import Dataset
from bot.models import Event, Source
from bot.store import Store
from bot.web import WebSettings, make_app, set_published
from bot.web.views import safe_url
from tests.conftest import NOW
from tests.web_site import (
    BASE,
    CURATOR,
    GUILD,
    HOSTILE,
    RECENT,
    Site,
    hostile_event,
    open_site,
)


@pytest.fixture
async def site(store_factory: object, dataset: Dataset) -> AsyncIterator[Site]:
    async with open_site(store_factory, dataset) as opened:
        yield opened


@pytest.mark.parametrize(
    ("path", "says"),
    [
        ("/tariffs?as_of=banana", "YYYY-MM-DD"),
        ("/tariffs?as_of=2025-02-30", "not a real date"),
        ("/tariffs?as_of=0001-01-01", "between 1900 and 2199"),
        ("/tariffs.csv?as_of=" + "9" * 10_000, "YYYY-MM-DD"),
        ("/timeline?page=-1", "whole number from 1"),
        ("/timeline?page=0", "whole number from 1"),
        ("/timeline?page=" + "1" * 10_000, "whole number from 1"),
        ("/timeline?since=1800-01-01", "1900"),
        ("/timeline?since=banana", "2025-10-09"),
        ("/timeline?since=2025-05-01&until=2025-04-01", "swap them"),
        ("/timeline?topic=weather", "use one of"),
        ("/timeline?person=nobody-here", "no one on record"),
        ("/timeline?query=%20%2B%2B", "no words to match"),
        ("/tariffs.png?as_of=banana", "YYYY-MM-DD"),
    ],
)
async def test_bad_parameters_get_400_with_one_line(site: Site, path: str, says: str) -> None:
    response, body = await site.get(path)
    assert response.status == 400
    assert response.content_type == "text/plain"
    assert body.endswith("\n") and body.count("\n") == 1 and len(body) < 300
    assert says in body


async def test_unknown_ids_get_a_404_page_that_helps(site: Site) -> None:
    for path in ("/events/no-such-event", "/people/nobody", "/milestones/x-y", "/sources/zz"):
        response, page = await site.get(path)
        assert response.status == 404, path
        assert 'href="/timeline"' in page and '<form method="get" action="/timeline">' in page
    response, page = await site.get("/no/such/page")
    assert response.status == 404 and 'href="/timeline"' in page


# -- HTTP -------------------------------------------------------------------------------------

SECURITY = ("Content-Security-Policy", "X-Content-Type-Options", "Referrer-Policy")


async def test_every_response_has_the_security_headers(site: Site) -> None:
    for path in ("/", "/events/nope", "/tariffs?as_of=banana", "/calendar.ics", "/healthz"):
        response, _ = await site.get(path)
        for name in SECURITY:
            assert name in response.headers, (path, name)
        assert "default-src 'self'" in response.headers["Content-Security-Policy"]
        assert "unsafe-inline" not in response.headers["Content-Security-Policy"]
        assert response.headers["X-Content-Type-Options"] == "nosniff"
    post = await site.client.post("/tariffs")
    assert post.status == 405 and "GET" in post.headers["Allow"]
    assert "Content-Security-Policy" in post.headers


async def test_head_and_revalidation(site: Site) -> None:
    got, body = await site.get("/tariffs?as_of=2025-04-12")
    head = await site.client.head("/tariffs?as_of=2025-04-12")
    assert head.status == 200 and await head.read() == b"" and body
    etag = got.headers["ETag"]
    assert head.headers["ETag"] == etag and "Last-Modified" in got.headers
    again, empty = await site.get("/tariffs?as_of=2025-04-12", **{"If-None-Match": etag})
    assert again.status == 304 and empty == ""
    assert "Content-Security-Policy" in again.headers
    since, _ = await site.get("/events.json", **{"If-Modified-Since": got.headers["Last-Modified"]})
    assert since.status == 304
    # a change to the record is a new version: a new tag, and the page again
    await site.store.save(
        curated_hostile(), guild_id=None, actor=CURATOR, reason="test", expect_new=True
    )
    await site.store.recheck_version()
    changed, _ = await site.get("/tariffs?as_of=2025-04-12", **{"If-None-Match": etag})
    assert changed.status == 200 and changed.headers["ETag"] != etag


def curated_hostile() -> Event:
    return Event(
        id="hostile-title",
        date=RECENT,
        title=HOSTILE,
        summary=HOSTILE,
        topic="talks",
        sources=["rec-eo-14195"],
    )


async def test_a_page_is_rendered_once_per_data_version(site: Site) -> None:
    responses = site.state.responses
    before = responses.renders
    for _ in range(3):
        response, _ = await site.get("/timeline?topic=tariffs")
        assert response.status == 200
    assert responses.renders == before + 1
    site.clock.advance(timedelta(minutes=5))  # the home page counts time: once a minute
    await site.get("/")
    await site.get("/")
    assert responses.renders == before + 2


async def test_hostile_text_is_escaped_everywhere(site: Site) -> None:
    await site.store.save(curated_hostile(), guild_id=None, actor=CURATOR, expect_new=True)
    for path in ("/events/hostile-title", "/timeline", "/sources/rec-eo-14195", "/changes.atom"):
        response, body = await site.get(path)
        assert response.status == 200, path
        assert "<script>" not in body, path
        assert "&lt;script&gt;" in body, path
    _, data = await site.get("/events.json")
    assert HOSTILE.replace('"', '\\"') in data  # JSON carries it as text, for its reader


def test_only_http_links_are_links() -> None:
    assert safe_url("https://example.com/a?b=1") == "https://example.com/a?b=1"
    assert safe_url("http://example.com") == "http://example.com"
    for bad in ("javascript:alert(1)", "data:text/html,x", "ftp://x", "//x", "", None):
        assert safe_url(bad) is None


# -- a server's own record --------------------------------------------------------------------


async def test_a_servers_private_event_appears_nowhere(site: Site, dataset: Dataset) -> None:
    private = hostile_event(dataset, "private-server-event").model_copy(
        update={"title": "Private server note"}
    )
    await site.store.save(private, guild_id=GUILD, actor=CURATOR, expect_new=True)
    public = ["/", "/timeline", "/events.json", "/changes.atom", "/calendar.ics", "/tariffs.json"]
    for path in public:
        _, body = await site.get(path)
        assert "private-server-event" not in body and "Private server note" not in body, path
    response, _ = await site.get("/events/private-server-event")
    assert response.status == 404
    for path in ("/g/4242/events/private-server-event", "/g/4242/", "/g/4242/timeline"):
        response, _ = await site.get(path)
        assert response.status == 404, path  # not published: no server view at all
    await set_published(site.store, GUILD, True)
    response, page = await site.get("/g/4242/events/private-server-event")
    assert response.status == 200 and "Private server note" in page
    assert 'href="/g/4242/timeline"' in page
    _, page = await site.get("/g/4242/timeline")
    assert "private-server-event" in page
    response, _ = await site.get("/events/private-server-event")
    assert response.status == 404  # the public record still has none of it
    await set_published(site.store, GUILD, False)
    response, _ = await site.get("/g/4242/events/private-server-event")
    assert response.status == 404


async def test_an_uncited_server_source_is_not_shown_until_an_item_cites_it(
    site: Site, dataset: Dataset
) -> None:
    article = Source(
        id="server-article",
        outlet="Some Outlet",
        headline="An article a feed found",
        url="https://news.example/a",
        published=datetime(2026, 11, 20, 9, 0, tzinfo=UTC),
        timezone="UTC",
    )
    await site.store.save(article, guild_id=GUILD, actor=CURATOR, expect_new=True)
    await set_published(site.store, GUILD, True)
    response, _ = await site.get("/g/4242/sources/server-article")
    assert response.status == 404
    _, feed = await site.get("/g/4242/changes.atom")
    assert "An article a feed found" not in feed
    citing = hostile_event(dataset, "server-cites").model_copy(
        update={"title": "Cited now", "sources": ["server-article"]}
    )
    await site.store.save(citing, guild_id=GUILD, actor=CURATOR, expect_new=True)
    response, page = await site.get("/g/4242/sources/server-article")
    assert response.status == 200 and 'href="https://news.example/a"' in page
    response, _ = await site.get("/sources/server-article")
    assert response.status == 404


# -- health -----------------------------------------------------------------------------------


async def test_health_and_readiness(store_factory: object, dataset: Dataset) -> None:
    clock = FixedClock(NOW)
    store: Store = await store_factory(clock)  # type: ignore[operator]
    flags = {"shards": True}
    app = make_app(
        store,
        clock,
        WebSettings(BASE),
        ready_checks={"shards not connected": lambda: flags["shards"]},
    )
    async with TestClient(TestServer(app)) as client:
        response = await client.get("/healthz")
        assert response.status == 200 and await response.text() == "ok\n"
        response = await client.get("/readyz")
        assert response.status == 200
        flags["shards"] = False
        response = await client.get("/readyz")
        assert response.status == 503
        assert await response.text() == "not ready: shards not connected\n"
        await store.engine.dispose()
        store.engine = _broken_engine(store)
        response = await client.get("/readyz")
        text = await response.text()
        assert response.status == 503 and "database does not answer" in text
        assert response.headers["Cache-Control"] == "no-store"
        await store.engine.dispose()


def _broken_engine(store: Store):  # type: ignore[no-untyped-def]
    """An engine whose every connection fails, as a database that went away."""
    from sqlalchemy.ext.asyncio import create_async_engine

    if store.dialect == "sqlite":
        return create_async_engine("sqlite+aiosqlite:////nonexistent/dir/db.sqlite")
    return create_async_engine("postgresql+asyncpg://nobody@127.0.0.1:1/none")


async def test_kinds_with_pages_link_from_the_source_page(site: Site) -> None:
    _, page = await site.get("/sources/rec-wh-busan-deal")
    assert 'href="/milestones/truce-expiry"' in page
    assert "Tariff layer:" in page and "/tariffs?as_of=" in page
