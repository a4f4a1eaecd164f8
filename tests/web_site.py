"""The web app (bot.web) served over the curated record for the web tests: the Site a test
talks to and the values they share."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import date
from typing import Any

from aiohttp import ClientResponse
from aiohttp.test_utils import TestClient, TestServer
from markupsafe import escape

from bot.clock import FixedClock
from bot.curated import Dataset
from bot.dates import FuzzyDate
from bot.models import Event
from bot.store import Actor, Store
from bot.web import WebSettings, make_app
from bot.web.core import STATE, State
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
