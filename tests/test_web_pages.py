"""The record on the web (bot.web): its HTML pages, parameters, errors, headers and caching,
against the curated data on a fixed date, on SQLite and (with TEST_DATABASE_URL) PostgreSQL.
Facts checked here are the curated data's (data/*.yaml)."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from aiohttp import ClientResponse
from aiohttp.test_utils import TestClient, TestServer
from markupsafe import escape

from bot.clock import FixedClock
from bot.curated import Dataset
from bot.dates import FuzzyDate
from bot.models import Event, Source
from bot.store import Actor, Store
from bot.web import WebSettings, make_app, set_published
from bot.web.core import STATE, State
from bot.web.views import safe_url
from tests.conftest import NOW

BASE = "https://record.example"
CURATOR = Actor(1, "curator")
GUILD = 4242
RECENT = FuzzyDate.day(date(2026, 11, 20))
"""Newer than every curated event: a test's event is first on the timeline."""
HOSTILE = '<script>alert("x")</script> & <b>bold</b>'


@dataclass
class Site:
    store: Store
    client: TestClient[Any, Any]
    clock: FixedClock

    async def get(self, path: str, **headers: str) -> tuple[ClientResponse, str]:
        response = await self.client.get(path, headers=headers)
        return response, await response.text()

    @property
    def state(self) -> State:
        app = self.client.app
        assert app is not None
        state: State = app[STATE]
        return state


@asynccontextmanager
async def open_site(store_factory: object, dataset: Dataset) -> AsyncIterator[Site]:
    """The curated record in a fresh store, served by the web app on the tests' clock."""
    clock = FixedClock(NOW)
    store: Store = await store_factory(clock)  # type: ignore[operator]
    await store.sync_curated(dataset.items())
    app = make_app(store, clock, WebSettings(BASE))
    async with TestClient(TestServer(app)) as client:
        yield Site(store, client, clock)


@pytest.fixture
async def site(store_factory: object, dataset: Dataset) -> AsyncIterator[Site]:
    async with open_site(store_factory, dataset) as opened:
        yield opened


def esc(text: str) -> str:
    """Text as the templates write it (autoescaped)."""
    return str(escape(text))


def sides(page: str) -> list[str]:
    """The two direction sections of a tariffs page (US on China, China on US)."""
    return page.split('<section class="side">')[1:]


def hostile_event(dataset: Dataset, event_id: str) -> Event:
    base = dataset.events[0]
    return base.model_copy(
        update={"id": event_id, "title": HOSTILE, "summary": HOSTILE, "date": RECENT}
    )


# -- tariffs ----------------------------------------------------------------------------------


async def test_tariffs_on_12_april_2025_are_145_and_125(site: Site) -> None:
    response, page = await site.get("/tariffs?as_of=2025-04-12")
    assert response.status == 200
    us, china = sides(page)
    assert "US on Chinese goods" in us and '<span class="total">145%</span>' in us
    assert "China on US goods" in china and '<span class="total">125%</span>' in china
    # the total's layers: the 20% fentanyl layer and the 125% reciprocal one
    across_us = us.split("<details")[0]
    assert 'id="layer-us-cn-fentanyl-20"' in across_us
    assert 'id="layer-us-cn-reciprocal-125"' in across_us
    # product layers are listed apart, never in the total
    assert 'id="layer-us-cn-301-list1-25"' not in across_us
    assert 'id="layer-us-cn-301-list1-25"' in us.split("<details")[1]
    assert 'src="/tariffs.png?as_of=2025-04-12"' in page


async def test_tariffs_today_show_the_suspended_layer_apart(site: Site) -> None:
    _, page = await site.get("/tariffs")  # the clock's day: 21 Nov 2026
    assert "Tariffs as of 21 Nov 2026" in page
    _, china = sides(page)
    assert '<span class="total">10%</span>' in china
    suspended = china.split("<h4>Suspended</h4>")[1].split("<details")[0]
    assert 'id="layer-cn-us-retaliation-suspended-24"' in suspended
    assert "suspended" in suspended


async def test_home_shows_both_directions_deadlines_and_latest_events(
    site: Site, dataset: Dataset
) -> None:
    _, page = await site.get("/")
    us, china = sides(page)
    assert "US on Chinese goods" in us and "China on US goods" in china
    ahead = sorted((m for m in dataset.milestones if not m.passed(NOW)), key=lambda m: m.at)
    assert ahead, "the curated data has milestones after the tests' date"
    assert f'href="/milestones/{ahead[0].id}"' in page
    newest = max(dataset.events, key=lambda e: (e.date.start, e.date.end, e.id))
    assert f'href="/events/{newest.id}"' in page


# -- items ------------------------------------------------------------------------------------


async def test_event_page_shows_date_precision_people_and_source_links(
    site: Site, dataset: Dataset
) -> None:
    event = next(e for e in dataset.events if e.id == "us-fentanyl-tariff-10")
    response, page = await site.get(f"/events/{event.id}")
    assert response.status == 200
    assert "4 Feb 2025 (to the day)" in page
    assert 'href="/people/donald-trump"' in page
    sources = {s.id: s for s in dataset.sources}
    for sid in event.sources:
        url = sources[sid].url
        if url is None:  # the Federal Register copy this one cites gives no address
            assert f"“{esc(sources[sid].headline)}”" in page
        else:
            assert f'href="{esc(str(url))}"' in page
        assert f'href="/sources/{sid}"' in page
    linked = next(e for e in dataset.events if all(sources[s].url is not None for s in e.sources))
    _, page = await site.get(f"/events/{linked.id}")
    hrefs = re.findall(r'href="(https?://[^"]+)"', page)
    assert sorted(hrefs) == sorted(esc(str(sources[s].url)) for s in linked.sources)


async def test_event_page_shows_every_claim_of_its_conflicts(site: Site, dataset: Dataset) -> None:
    event = next(e for e in dataset.events if e.conflicts)
    conflicts = {c.id: c for c in dataset.conflicts}
    _, page = await site.get(f"/events/{event.id}")
    for cid in event.conflicts:
        conflict = conflicts[cid]
        assert f'id="conflict-{cid}"' in page
        for claim in conflict.claims:
            assert esc(claim.says) in page
        if conflict.verdict:
            assert esc(conflict.verdict) in page


async def test_person_milestone_and_source_pages(site: Site, dataset: Dataset) -> None:
    _, page = await site.get("/people/li-chenggang")
    assert "Li Chenggang" in page and 'href="/people/he-lifeng"' in page
    assert "Ministry of Commerce" in page
    _, page = await site.get("/milestones/truce-expiry")
    # 00:01 in Washington on 10 Nov 2025 (EST) is 05:01 UTC and 13:01 in Beijing
    assert "10 Nov 2025, 05:01 UTC" in page
    assert "10 Nov 2025, 00:01 EST" in page
    assert "10 Nov 2025, 13:01 CST" in page
    assert "Outcome: extended" in page and "10 Nov 2026" in page
    source = next(s for s in dataset.sources if s.id == "rec-eo-14195")
    _, page = await site.get("/sources/rec-eo-14195")
    assert esc(source.headline) in page
    assert 'href="/events/us-fentanyl-tariff-10"' in page  # cited by


async def test_deadlines_show_upcoming_and_passed_with_outcomes(
    site: Site, dataset: Dataset
) -> None:
    _, page = await site.get("/deadlines")
    upcoming, passed = page.split("<h2>Passed</h2>")
    for m in dataset.milestones:
        assert f'id="m-{m.id}"' in (passed if m.passed(NOW) else upcoming)
    truce = passed.split('id="m-truce-expiry"')[1].split("</section>")[0]
    assert "<strong>extended</strong>" in truce
    assert "UTC" in truce and "Washington" in truce and "Beijing" in truce


# -- the timeline -----------------------------------------------------------------------------


def event_links(page: str) -> list[str]:
    return re.findall(r'<li><a href="/events/([a-z0-9-]+)"', page)


async def test_timeline_pages_by_links_newest_first(site: Site, dataset: Dataset) -> None:
    ordered = sorted(dataset.events, key=lambda e: (e.date.start, e.date.end, e.id), reverse=True)
    _, first = await site.get("/timeline")
    assert event_links(first) == [e.id for e in ordered[:20]]
    assert 'href="/timeline?page=2"' in first
    _, second = await site.get("/timeline?page=2")
    assert event_links(second) == [e.id for e in ordered[20:40]]
    assert 'rel="prev" href="/timeline"' in second
    response, _ = await site.get("/timeline?page=99")
    assert response.status == 404


async def test_timeline_filters_as_the_bot_has_them(site: Site, dataset: Dataset) -> None:
    _, page = await site.get("/timeline?topic=talks&person=he-lifeng")
    expected = {e.id for e in dataset.events if e.topic == "talks" and "he-lifeng" in e.people}
    assert expected and set(event_links(page)) == expected
    _, page = await site.get("/timeline?since=2025-04-01&until=Apr+2025")
    april = {
        e.id
        for e in dataset.events
        if e.date.end >= date(2025, 4, 1) and e.date.start <= date(2025, 4, 30)
    }
    assert april and set(event_links(page)) == april
    _, page = await site.get("/timeline?query=Geneva")
    assert event_links(page) and all(
        "geneva" in f"{e.title} {e.summary}".lower()
        for e in dataset.events
        if e.id in event_links(page)
    )


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
