"""Every kind of page of the site in a real browser at 375 px and 1280 px wide: no console
or page error, nothing wider than a phone, every image loaded, a full-page screenshot in
out/screenshots/, and every link within the site answering. Skipped as
test_web_browser.py is without a browser."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import TYPE_CHECKING

import pytest

from bot.curated import Dataset
from tests.web_browser import (
    DESKTOP,
    PAGES,
    PHONE,
    SCREENSHOTS,
    Served,
    is_own_404,
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
