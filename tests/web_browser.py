"""What the browser tests share: the web app served on a loopback port over the curated
record, Debian's Chromium launched headless through Playwright, and a tab that writes down
every console error, page error and request off the site.

Nothing is downloaded: Playwright's own browsers are never used (no `playwright install`),
and every request for an address off the loopback site is aborted and counted as a fault."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest

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


def needs_a_browser() -> None:
    """Skip, saying what is missing (fail in CI, where .ci/run installs chromium)."""
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


@asynccontextmanager
async def serve_record(store_factory: object, dataset: Dataset) -> AsyncIterator[Served]:
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


@asynccontextmanager
async def launch() -> AsyncIterator[Browser]:
    """Debian's Chromium, headless, with the switches a closed network and root need."""
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
