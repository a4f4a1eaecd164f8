"""/healthz (the process answers) and /readyz (it can do its work: the database answers,
and whatever else the bot plugs in: its shards are connected, its scheduler ticked lately).
Never cached: a probe must see now."""

from __future__ import annotations

import asyncio
import logging

from aiohttp import web

from bot.web.core import STATE

log = logging.getLogger(__name__)

DB_TIMEOUT = 3.0
"""Seconds the database may take to answer a readiness probe."""
PROBE_KEY = "web_ready_probe"
NO_STORE = {"Cache-Control": "no-store"}


async def healthz(request: web.Request) -> web.Response:
    return web.Response(text="ok\n", content_type="text/plain", headers=NO_STORE)


async def _database_answers(request: web.Request) -> bool:
    store = request.app[STATE].store
    try:
        await asyncio.wait_for(store.get_meta(PROBE_KEY), DB_TIMEOUT)
    except Exception as exc:  # any failure means not ready; the probe says which part
        log.warning("readiness: the database does not answer: %s", exc)
        return False
    return True


async def readyz(request: web.Request) -> web.Response:
    """200 'ready', or 503 with one line naming every part that is not ready."""
    failing: list[str] = []
    if not await _database_answers(request):
        failing.append("database does not answer")
    for name, check in request.app[STATE].ready_checks.items():
        try:
            ok = bool(check())
        except Exception:
            log.exception("readiness check %r raised", name)
            ok = False
        if not ok:
            failing.append(name)
    if failing:
        return web.Response(
            status=503,
            text="not ready: " + "; ".join(failing) + "\n",
            content_type="text/plain",
            headers=NO_STORE,
        )
    return web.Response(text="ready\n", content_type="text/plain", headers=NO_STORE)
