"""The site in a real browser (Debian's Chromium, headless, through Playwright; see
tests/web_browser.py): a reader's walk from home to an event and its source, the timeline
paged by its links and the back button, the tariffs of 12 Apr 2025 with their chart, and the
calendar parsed back. Without /usr/bin/chromium or the playwright package the tests are
skipped, saying which is missing (in CI, where .ci/run installs chromium, they fail)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import pytest
from icalendar import Calendar

from bot.curated import Dataset
from tests.web_browser import (
    BASE,
    Served,
    launch,
    needs_a_browser,
    open_tab,
    serve_record,
)

if TYPE_CHECKING:
    from playwright.async_api import Browser


@pytest.fixture(autouse=True)
def _needs_a_browser() -> None:
    needs_a_browser()


@pytest.fixture
async def served(store_factory: object, dataset: Dataset) -> AsyncIterator[Served]:
    async with serve_record(store_factory, dataset) as site:
        yield site


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    async with launch() as launched:
        yield launched


# -- a reader's walk --------------------------------------------------------------------------


async def test_home_to_timeline_to_an_event_and_its_source_link(
    browser: Browser, served: Served
) -> None:
    dataset = served.dataset
    sources = {s.id: s for s in dataset.sources}
    events = {e.id: e for e in dataset.events}
    async with open_tab(browser, served) as tab:
        page = tab.page
        response = await page.goto(served.at("/"))
        assert response is not None and response.status == 200
        assert (await page.title()).endswith(" · US–China trade talks")
        await page.get_by_role("link", name="The whole timeline").click()
        await page.wait_for_url(served.at("/timeline"))
        assert await page.get_by_role("heading", level=1).inner_text() == "Timeline"

        # the newest event on the page that cites a source with an address of its own
        hrefs = await page.locator("ul.events > li > a").evaluate_all(
            "links => links.map(a => a.getAttribute('href'))"
        )
        assert len(hrefs) == 20, hrefs
        linked = [
            h
            for h in hrefs
            if any(sources[s].url is not None for s in events[h.rsplit("/", 1)[1]].sources)
        ]
        assert linked, "no event on the timeline's first page cites a source with an address"
        event = events[linked[0].rsplit("/", 1)[1]]
        await page.locator(f'ul.events a[href="{linked[0]}"]').click()
        await page.wait_for_url(served.at(f"/events/{event.id}"))
        assert await page.get_by_role("heading", level=1).inner_text() == event.title

        # its sources: each with an address is a link straight to it (not followed here)
        outward = page.locator('ul.sources a[rel~="nofollow"]')
        shown = await outward.evaluate_all("links => links.map(a => a.href)")
        expected = [str(sources[s].url) for s in event.sources if sources[s].url is not None]
        assert sorted(urlsplit(u).geturl() for u in shown) == sorted(
            urlsplit(u).geturl() for u in expected
        )
        for url in shown:
            parts = urlsplit(url)
            assert parts.scheme in ("http", "https") and parts.netloc, url
            assert not url.startswith(served.url), url
        headlines = sorted(sources[s].headline for s in event.sources if sources[s].url)
        assert sorted(await outward.all_inner_texts()) == headlines
        # and each source has its details page on the site
        for sid in event.sources:
            assert await page.locator(f'a[href="/sources/{sid}"]').count() == 1, sid
        assert tab.errors == [] and tab.outside == []


async def test_timeline_pages_by_its_links_and_back_keeps_the_place(
    browser: Browser, served: Served
) -> None:
    async with open_tab(browser, served) as tab:
        page = tab.page
        await page.goto(served.at("/timeline"))
        first = await page.locator("ul.events > li > a").all_inner_texts()
        assert len(first) == 20
        assert await page.locator('a[rel="prev"]').count() == 0  # the newest page
        older = page.get_by_role("link", name="Older ▶")
        await older.scroll_into_view_if_needed()
        scrolled = await page.evaluate("window.scrollY")
        assert scrolled > 0, "the pager is below the fold at 1280x800"
        await older.click()
        await page.wait_for_url(served.at("/timeline?page=2"))
        assert "page 2 of" in await page.locator("main").inner_text()
        second = await page.locator("ul.events > li > a").all_inner_texts()
        assert second and not set(second) & set(first)
        assert await page.get_by_role("link", name="◀ Newer").get_attribute("href") == "/timeline"

        await page.go_back()
        await page.wait_for_url(served.at("/timeline"))
        assert await page.locator("ul.events > li > a").all_inner_texts() == first
        assert "page 1 of" in await page.locator("main").inner_text()
        back_at = await page.evaluate("window.scrollY")
        assert abs(back_at - scrolled) <= 2, (scrolled, back_at)

        await page.go_forward()
        await page.wait_for_url(served.at("/timeline?page=2"))
        assert await page.locator("ul.events > li > a").all_inner_texts() == second
        assert tab.errors == [] and tab.outside == []


# -- tariffs ----------------------------------------------------------------------------------


async def test_tariffs_on_12_april_2025_show_145_and_125_and_the_chart(
    browser: Browser, served: Served
) -> None:
    async with open_tab(browser, served) as tab:
        page = tab.page
        charts: list[tuple[int, str]] = []
        page.on(
            "response",
            lambda r: (
                charts.append((r.status, r.headers.get("content-type", "")))
                if "/tariffs.png" in r.url
                else None
            ),
        )
        response = await page.goto(served.at("/tariffs?as_of=2025-04-12"), wait_until="load")
        assert response is not None and response.status == 200
        assert await page.get_by_role("heading", level=1).inner_text() == (
            "Tariffs as of 12 Apr 2025"
        )
        us, china = page.locator("section.side").nth(0), page.locator("section.side").nth(1)
        assert "US on Chinese goods" in await us.inner_text()
        assert await us.locator(".total").first.inner_text() == "145%"
        assert "China on US goods" in await china.inner_text()
        assert await china.locator(".total").first.inner_text() == "125%"
        assert await us.locator(".total").first.is_visible()
        assert await china.locator(".total").first.is_visible()

        chart = page.locator(".chart img")
        assert await chart.get_attribute("src") == "/tariffs.png?as_of=2025-04-12"
        await chart.scroll_into_view_if_needed()
        loaded = await chart.evaluate(
            "img => img.complete ? [img.naturalWidth, img.naturalHeight] : null"
        )
        assert loaded is not None and loaded[0] > 0 and loaded[1] > 0, loaded
        assert charts == [(200, "image/png")]
        box = await chart.bounding_box()
        assert box is not None and box["width"] > 0 and box["height"] > 0
        assert tab.errors == [] and tab.outside == []


# -- the calendar -----------------------------------------------------------------------------


async def test_calendar_parses_back_one_vevent_per_milestone(
    browser: Browser, served: Served
) -> None:
    async with open_tab(browser, served) as tab:
        response = await tab.page.request.get(served.at("/calendar.ics"))
        assert response.status == 200
        assert response.headers["content-type"].startswith("text/calendar")
        calendar = Calendar.from_ical(await response.body())
    assert calendar.name == "VCALENDAR"
    vevents = list(calendar.walk("VEVENT"))
    milestones = served.dataset.milestones
    assert len(vevents) == len(milestones)
    uids = [str(v.get("UID", "")) for v in vevents]
    assert all(uids), uids
    assert len(set(uids)) == len(uids)
    host = urlsplit(BASE).hostname
    assert set(uids) == {f"milestone-{m.id}@{host}" for m in milestones}
    for v in vevents:
        assert v.get("DTSTART") is not None and str(v.get("SUMMARY", "")), v.get("UID")


# -- every page, at a phone's width and a desktop's -------------------------------------------
