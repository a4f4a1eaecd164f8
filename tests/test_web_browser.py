"""The site in a real browser: Debian's Chromium (/usr/bin/chromium), headless, driven by
Playwright, against the web app served on a loopback port with the curated record on the
tests' clock. A reader's walk through the pages, the tariffs page and its chart, the
calendar parsed back, and every kind of page at 375 px and 1280 px wide: no console or page
error, nothing wider than a phone, and a full-page screenshot in out/screenshots/.

Nothing is downloaded: Playwright's own browsers are never used (no `playwright install`),
and every request for an address off the loopback site is aborted and counted as a fault.
Without /usr/bin/chromium or the playwright package the tests are skipped, saying which is
missing (in CI, where .ci/run installs chromium, they fail instead)."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from icalendar import Calendar

from bot.clock import FixedClock
from bot.config import PROJECT_ROOT
from bot.curated import Dataset
from bot.store import Store
from bot.web import WebSettings, start_site
from tests.conftest import NOW

try:
    from playwright.async_api import Browser, ConsoleMessage, Page, Route, async_playwright
except ImportError:  # the skip below says so
    HAVE_PLAYWRIGHT = False
else:
    HAVE_PLAYWRIGHT = True

CHROMIUM = Path("/usr/bin/chromium")
LAUNCH_ARGS = [
    "--no-sandbox",  # runs as root
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",  # closed network: no update or safe-browsing calls
    "--disable-component-update",
    "--disable-sync",
]
BASE = "https://record.example"
"""The site's public address as the app is told it (calendar UIDs and permalinks)."""
SCREENSHOTS = PROJECT_ROOT / "out" / "screenshots"
PHONE, DESKTOP = 375, 1280
HEIGHT = {PHONE: 812, DESKTOP: 800}

PAGES = {
    "home": "/",
    "timeline": "/timeline",
    "event": "/events/us-fentanyl-tariff-10",
    "person": "/people/li-chenggang",
    "milestone": "/milestones/truce-expiry",
    "source": "/sources/rec-eo-14195",
    "tariffs": "/tariffs",
    "deadlines": "/deadlines",
    "not-found": "/events/no-such-event",
}
"""Every kind of page the site has, by the name its screenshots take."""


def _missing() -> str | None:
    if not CHROMIUM.exists():
        return f"needs Debian's chromium at {CHROMIUM}: apt-get install chromium"
    if not HAVE_PLAYWRIGHT:
        return "needs the playwright package (pip install -e '.[dev]'; no browser download)"
    return None


@pytest.fixture(autouse=True)
def _needs_a_browser() -> None:
    reason = _missing()
    if reason is not None:
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)


# -- the site and the browser -----------------------------------------------------------------


@dataclass
class Served:
    url: str
    dataset: Dataset

    def at(self, path: str) -> str:
        return self.url + path


@pytest.fixture
async def served(store_factory: object, dataset: Dataset) -> AsyncIterator[Served]:
    """The curated record in a fresh store, served on 127.0.0.1 on a free port."""
    clock = FixedClock(NOW)
    store: Store = await store_factory(clock)  # type: ignore[operator]
    await store.sync_curated(dataset.items())
    runner = await start_site(store, clock, WebSettings(BASE), host="127.0.0.1", port=0)
    try:
        host, port = runner.addresses[0][:2]
        yield Served(f"http://{host}:{port}", dataset)
    finally:
        await runner.cleanup()


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    async with async_playwright() as pw:
        launched = await pw.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=LAUNCH_ARGS
        )
        try:
            yield launched
        finally:
            await launched.close()


@dataclass
class Tab:
    """A page in its own browser context, with what went wrong on it written down."""

    page: Page
    errors: list[str] = field(default_factory=list)
    """Console errors and uncaught page errors, each with where it happened."""
    outside: list[str] = field(default_factory=list)
    """Requests for addresses off the served site (aborted: the network is closed)."""

    def clear(self) -> None:
        self.errors.clear()
        self.outside.clear()


@asynccontextmanager
async def open_tab(browser: Browser, served: Served, width: int = DESKTOP) -> AsyncIterator[Tab]:
    phone = width <= PHONE
    context = await browser.new_context(
        viewport={"width": width, "height": HEIGHT.get(width, 800)},
        device_scale_factor=1,
        is_mobile=phone,
        has_touch=phone,
    )
    page = await context.new_page()
    tab = Tab(page)

    async def only_the_site(route: Route) -> None:
        url = route.request.url
        if url.startswith(served.url + "/"):
            await route.continue_()
        else:
            tab.outside.append(url)
            await route.abort()

    def console(message: ConsoleMessage) -> None:
        if message.type == "error":
            where = message.location.get("url", "")
            tab.errors.append(f"console error on {page.url}: {message.text} ({where})")

    def page_error(error: Exception) -> None:
        tab.errors.append(f"page error on {page.url}: {error}")

    await context.route("**/*", only_the_site)
    page.on("console", console)
    page.on("pageerror", page_error)
    try:
        yield tab
    finally:
        await context.close()


def is_own_404(message: str, url: str) -> bool:
    """The one console line Chromium always writes for a document answered with 404: the
    not-found page itself, which is what that address should answer."""
    return "status of 404" in message and f"({url})" in message


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

OVERFLOWING = """() => {
  const limit = document.documentElement.clientWidth;
  return [...document.querySelectorAll('body *')]
    .filter(el => el.getBoundingClientRect().right > limit + 1)
    .slice(0, 5)
    .map(el => `<${el.tagName.toLowerCase()}${el.className ? ' class=' + el.className : ''}>`
      + ` right=${Math.round(el.getBoundingClientRect().right)}`
      + ` "${(el.textContent || '').trim().slice(0, 60)}"`);
}"""


@pytest.mark.parametrize("width", [PHONE, DESKTOP], ids=["375px", "1280px"])
async def test_every_page_logs_no_error_fits_and_is_photographed(
    browser: Browser, served: Served, width: int
) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    problems: list[str] = []
    async with open_tab(browser, served, width) as tab:
        page = tab.page
        for name, path in PAGES.items():
            tab.clear()
            url = served.at(path)
            response = await page.goto(url, wait_until="load")
            assert response is not None
            expected = 404 if name == "not-found" else 200
            if response.status != expected:
                problems.append(f"{path}: HTTP {response.status}, expected {expected}")
            shot = SCREENSHOTS / f"{name}-{width}.png"
            await page.screenshot(path=str(shot), full_page=True)
            errors = [e for e in tab.errors if not (expected == 404 and is_own_404(e, url))]
            problems += [f"{path} at {width}px: {e} [{shot}]" for e in errors]
            problems += [f"{path} at {width}px: asked the network for {u}" for u in tab.outside]
            broken = await page.evaluate(
                "[...document.images].filter(i => !i.complete || i.naturalWidth === 0)"
                ".map(i => i.getAttribute('src'))"
            )
            problems += [f"{path} at {width}px: image {src} did not load" for src in broken]
            if width == PHONE:
                scroll = await page.evaluate("document.documentElement.scrollWidth")
                if scroll > PHONE + 1:
                    wide = await page.evaluate(OVERFLOWING)
                    problems.append(
                        f"{path} at {width}px: {scroll}px wide, overflows; widest: {wide} [{shot}]"
                    )
    assert not problems, "\n".join(problems)


async def test_every_link_within_the_site_answers(browser: Browser, served: Served) -> None:
    """Each page's links to the site itself (the nav, items, pagers, data and feeds)."""
    async with open_tab(browser, served) as tab:
        page = tab.page
        linked: dict[str, str] = {}
        for path in PAGES.values():
            await page.goto(served.at(path))
            for href in await page.locator("a[href]").evaluate_all(
                "links => links.map(a => a.href)"
            ):
                if href.startswith(served.url + "/"):
                    linked.setdefault(href.split("#")[0], path)
        assert len(linked) > 30
        broken = []
        for href, found_on in sorted(linked.items()):
            response = await page.request.get(href)
            if response.status != 200:
                broken.append(
                    f"{href[len(served.url) :]} (linked from {found_on}): {response.status}"
                )
    assert not broken, "\n".join(broken)
