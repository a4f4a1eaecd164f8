"""The record on the web (bot.web): its HTML pages (tariffs, home, events, people,
milestones, sources, deadlines, the timeline), against the curated data on a fixed date, on
SQLite and (with TEST_DATABASE_URL) PostgreSQL. Facts checked here are the curated data's
(data/*.yaml); errors, headers, caching and privacy are in test_web_safety.py."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import date

import pytest

from bot.curated import Dataset
from tests.conftest import NOW
from tests.web_site import (
    Site,
    esc,
    open_site,
    sides,
)


@pytest.fixture
async def site(store_factory: object, dataset: Dataset) -> AsyncIterator[Site]:
    async with open_site(store_factory, dataset) as opened:
        yield opened


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
