"""The machinery every route shares: the app's state, the view a request asks for (the
public record, or a server that published), the templates, and the wrapper that serves a
rendered page from memory or renders it once per data version, with ETag, Last-Modified
and 304 on revalidation."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import urlencode, urlsplit

import jinja2
from aiohttp import web

from bot.clock import Clock
from bot.store import Store
from bot.web import views
from bot.web.cache import Body, ResponseCache, etag_for, http_date, not_modified
from bot.web.published import is_published
from bot.web.record import Record, Records

log = logging.getLogger(__name__)

HERE = Path(__file__).resolve().parent
HTML = "text/html; charset=utf-8"
CACHE_CONTROL = "public, max-age=60"


class WebConfig(Protocol):
    """What the site needs of the settings (bot.config.Settings can provide it)."""

    @property
    def web_base_url(self) -> str:
        """The site's public address, e.g. https://tradetalks.example (no trailing slash):
        the permalinks in the calendar, the feed and the JSON, and the calendar's UIDs."""
        ...


@dataclass(frozen=True)
class WebSettings:
    """A WebConfig on its own, for tests and for running the site without the bot."""

    web_base_url: str = "http://127.0.0.1:8080"


class Missing(Exception):
    """Nothing on record at this address; str() says what was asked for (HTTP 404)."""


@dataclass
class State:
    store: Store
    clock: Clock
    base_url: str
    templates: jinja2.Environment
    records: Records
    responses: ResponseCache = field(default_factory=ResponseCache)
    ready_checks: Mapping[str, Callable[[], bool]] = field(default_factory=dict)

    @property
    def host(self) -> str:
        return urlsplit(self.base_url).hostname or "localhost"


STATE: web.AppKey[State] = web.AppKey("bot.web.state", State)
PREFIX: web.RequestKey[str] = web.RequestKey("bot.web.prefix", str)
"""Where a request's view prefix is kept (for the error pages' links)."""


def templates() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(HERE / "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["safe_url"] = views.safe_url
    env.filters["day"] = views.day_label
    env.filters["precision"] = views.precision_label
    env.filters["status_word"] = views.status_word
    return env


@dataclass(frozen=True)
class Ctx:
    """One request's view: what a route renders from."""

    request: web.Request
    state: State
    record: Record
    now: datetime
    prefix: str
    """'' for the public record, '/g/<id>' for a server's published view."""

    @property
    def query(self) -> Mapping[str, str]:
        return self.request.query

    def link(self, path: str, params: Mapping[str, str] | None = None) -> str:
        """A path within this view, with its query in a stable order."""
        qs = f"?{urlencode(params)}" if params else ""
        return f"{self.prefix}{path}{qs}"

    def absolute(self, path: str) -> str:
        return f"{self.state.base_url}{self.link(path)}"

    def html(self, template: str, **values: Any) -> Body:
        page = self.state.templates.get_template(template).render(
            p=self.prefix, now=self.now, guild_id=self.record.guild_id, **values
        )
        return Body(page.encode("utf-8"), HTML)


Render = Callable[[Ctx], Awaitable[Body]]
Bucket = Callable[[web.Request, datetime], tuple[str, datetime | None]]
"""(token, start) of the stretch of time a page stays the same in: '' and None for a page
that depends on the data alone."""


def timeless(request: web.Request, now: datetime) -> tuple[str, datetime | None]:
    return "", None


def by_minute(request: web.Request, now: datetime) -> tuple[str, datetime | None]:
    start = now.astimezone(UTC).replace(second=0, microsecond=0)
    return start.strftime("%Y%m%dT%H%M"), start


def by_day(request: web.Request, now: datetime) -> tuple[str, datetime | None]:
    start = now.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    return start.strftime("%Y%m%d"), start


def by_day_unless_as_of(request: web.Request, now: datetime) -> tuple[str, datetime | None]:
    """A page for a day asked for stays; today's changes at midnight (UTC)."""
    if request.query.get("as_of", "").strip():
        return timeless(request, now)
    return by_day(request, now)


async def view_of(request: web.Request, state: State) -> tuple[int | None, str]:
    """(guild id, path prefix) of the view asked for; a server that did not publish has no
    pages at all (404, the same as one that does not exist)."""
    raw = request.match_info.get("guild_id")
    if raw is None:
        return None, ""
    guild_id = int(raw)
    if not await is_published(state.store, guild_id):
        raise Missing("There is no published server view at this address.")
    return guild_id, f"/g/{guild_id}"


def page(render: Render, bucket: Bucket = timeless) -> Callable[[web.Request], Awaitable[Any]]:
    """A GET/HEAD handler serving `render`'s body once per (address, version, bucket)."""

    async def handler(request: web.Request) -> web.StreamResponse:
        state = request.app[STATE]
        guild_id, prefix = await view_of(request, state)
        request[PREFIX] = prefix
        version = await state.store.data_version()
        now = state.clock.now()
        token, start = bucket(request, now)
        record = await state.records.get(guild_id, version)
        etag = etag_for(record.version, token)
        modified = max(record.last_modified, start) if start else record.last_modified
        headers = {
            "ETag": etag,
            "Last-Modified": http_date(modified),
            "Cache-Control": CACHE_CONTROL,
        }
        if not_modified(request.headers.get("If-None-Match"), _since(request), etag, modified):
            return web.Response(status=304, headers=headers)
        key = (request.path, tuple(sorted(request.query.items())), record.version, token)
        ctx = Ctx(request, state, record, now, prefix)
        body = await state.responses.get(key, lambda: render(ctx))
        return web.Response(body=body.data, headers={**headers, "Content-Type": body.content_type})

    return handler


def _since(request: web.Request) -> datetime | None:
    try:
        return request.if_modified_since
    except (ValueError, OverflowError):
        return None
