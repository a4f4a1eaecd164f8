"""The aiohttp application: routes, the headers every response carries, error pages, and
`start_site` for the bot (setup_hook) or a command that serves the site alone.

Routes answer GET and HEAD only (aiohttp answers HEAD for every GET route and 405 for any
other method). A server's published view has the same pages under /g/<guild_id>/.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Awaitable, Callable, Mapping

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest

from bot.clock import Clock
from bot.store import Store, StoreError
from bot.web import data, feeds, health, pages
from bot.web.core import (
    HERE,
    HTML,
    PREFIX,
    STATE,
    Missing,
    State,
    WebConfig,
    by_day,
    by_day_unless_as_of,
    by_minute,
    page,
    templates,
)
from bot.web.params import BadParam
from bot.web.record import Records

log = logging.getLogger(__name__)

CSP = (
    "default-src 'self'; script-src 'none'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
}
ID = r"{item_id:[a-z0-9][a-z0-9-]{1,63}}"
GUILD = r"/g/{guild_id:[1-9][0-9]{0,19}}"
SERVER_ARGS = {"max_line_size": 16384}
"""aiohttp refuses request lines past 8190 bytes with a message of its own; the site takes
twice that, so an absurd parameter (a 10,000-digit page number) gets its own one-line
400 from the parameter checks, not the server's."""
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

ROUTES: tuple[tuple[str, Handler], ...] = (
    ("/", page(pages.home, by_minute)),
    ("/timeline", page(pages.timeline)),
    (f"/events/{ID}", page(pages.event)),
    (f"/people/{ID}", page(pages.person)),
    (f"/milestones/{ID}", page(pages.milestone, by_minute)),
    (f"/sources/{ID}", page(pages.source)),
    ("/tariffs", page(pages.tariffs, by_day_unless_as_of)),
    ("/tariffs.png", page(data.tariffs_png, by_day)),
    ("/tariffs.csv", page(data.tariffs_csv, by_day_unless_as_of)),
    ("/tariffs.json", page(data.tariffs_json, by_day_unless_as_of)),
    ("/events.json", page(data.events_json)),
    ("/deadlines", page(pages.deadlines, by_minute)),
    ("/calendar.ics", page(feeds.calendar)),
    ("/changes.atom", page(feeds.changes)),
)


def _text(status: int, line: str) -> web.Response:
    return web.Response(status=status, text=line.rstrip("\n") + "\n", content_type="text/plain")


def _not_found(request: web.Request, message: str) -> web.Response:
    state = request.app[STATE]
    html = state.templates.get_template("error.html").render(
        p=request.get(PREFIX, ""),
        guild_id=None,
        title="Not found",
        heading="Not found",
        message=message,
    )
    return web.Response(status=404, body=html.encode("utf-8"), headers={"Content-Type": HTML})


@web.middleware
async def errors(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Known failures as short answers: a bad parameter (400, one line), nothing here (404,
    a page that helps), a method other than GET or HEAD (405); the rest logged (500)."""
    try:
        return await handler(request)
    except BadParam as exc:
        return _text(400, str(exc))
    except Missing as exc:
        return _not_found(request, str(exc))
    except web.HTTPNotFound:
        return _not_found(request, "There is no page at this address.")
    except web.HTTPMethodNotAllowed as exc:
        allowed = ", ".join(sorted(exc.allowed_methods)) or "GET, HEAD"
        response = _text(405, f"{exc.method} is not allowed here: this site only reads (GET, HEAD)")
        response.headers["Allow"] = allowed
        return response
    except web.HTTPException:
        raise
    except StoreError as exc:
        log.warning("web: the store failed: %s", exc)
        return _text(503, "the record cannot be read just now; try again in a minute")
    except Exception:
        log.exception("web: %s %s failed", request.method, request.path_qs[:200])
        return _text(500, "something went wrong on our side; it has been logged")


async def _security_headers(request: web.Request, response: web.StreamResponse) -> None:
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)


def _stylesheet() -> Handler:
    """The one stylesheet, read once; its ETag is its hash."""
    css = (HERE / "static" / "site.css").read_bytes()
    etag = f'"{hashlib.sha256(css).hexdigest()[:16]}"'

    async def handler(request: web.Request) -> web.StreamResponse:
        headers = {"ETag": etag, "Cache-Control": "public, max-age=86400"}
        if etag in request.headers.get("If-None-Match", ""):
            return web.Response(status=304, headers=headers)
        return web.Response(
            body=css, headers={**headers, "Content-Type": "text/css; charset=utf-8"}
        )

    return handler


def _metrics(registry: CollectorRegistry) -> Handler:
    """/metrics: the registry in Prometheus's text format, never cached."""

    async def handler(request: web.Request) -> web.StreamResponse:
        headers = {"Content-Type": CONTENT_TYPE_LATEST, "Cache-Control": "no-store"}
        return web.Response(body=generate_latest(registry), headers=headers)

    return handler


def make_app(
    store: Store,
    clock: Clock,
    settings: WebConfig,
    *,
    ready_checks: Mapping[str, Callable[[], bool]] | None = None,
    metrics: CollectorRegistry | None = None,
) -> web.Application:
    """The site over an open store. `ready_checks`: name -> callable, each True when that
    part is ready (e.g. {"shards not connected": lambda: bot.is_ready()}); /readyz names the
    ones that are not. `metrics`: a Prometheus registry served at /metrics (bot.metrics);
    without it there is no /metrics."""
    app = web.Application(middlewares=[errors], handler_args=SERVER_ARGS)
    app[STATE] = State(
        store=store,
        clock=clock,
        base_url=settings.web_base_url.rstrip("/"),
        templates=templates(),
        records=Records(store, clock),
        ready_checks=dict(ready_checks or {}),
    )
    for path, handler in ROUTES:
        app.router.add_get(path, handler)
        app.router.add_get(GUILD + ("" if path == "/" else path), handler)
        if path == "/":
            app.router.add_get(GUILD + "/", handler)
    app.router.add_get("/static/site.css", _stylesheet())
    app.router.add_get("/healthz", health.healthz)
    app.router.add_get("/readyz", health.readyz)
    if metrics is not None:
        app.router.add_get("/metrics", _metrics(metrics))
    app.on_response_prepare.append(_security_headers)
    return app


async def start_site(
    store: Store,
    clock: Clock,
    settings: WebConfig,
    *,
    host: str = "127.0.0.1",
    port: int = 8080,
    ready_checks: Mapping[str, Callable[[], bool]] | None = None,
    metrics: CollectorRegistry | None = None,
) -> web.AppRunner:
    """Serve the site on host:port in the running loop; `await runner.cleanup()` stops it."""
    app = make_app(store, clock, settings, ready_checks=ready_checks, metrics=metrics)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, host, port)
    await site.start()
    log.info("web: serving the record on http://%s:%d (as %s)", host, port, settings.web_base_url)
    return runner
