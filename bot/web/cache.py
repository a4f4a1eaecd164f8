"""Rendered responses kept per (address, data version, time bucket), and revalidation.

A page is a pure function of the record at a data version (and, for pages that count time,
of the minute or the day), so it is rendered once per such key, even when requests for it
arrive together, and served from memory until the data changes. Its validator is that key:
the ETag names the data version and the bucket, so a client that revalidates gets 304
without the page being rendered again. Tags are weak: a page rendered again after it was
dropped from memory means the same but may differ in bytes (a JSON manifest's
generated_at)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Hashable
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime

from bot.lru import LRU

RESPONSES_KEPT = 512
"""Rendered responses kept (a few KB each; a chart some tens of KB)."""


@dataclass(frozen=True)
class Body:
    """What a route renders: its bytes and their type."""

    data: bytes
    content_type: str
    """With its charset for text, e.g. 'text/html; charset=utf-8'."""


def etag_for(version: int, bucket: str) -> str:
    return f'W/"v{version}{"-" + bucket if bucket else ""}"'


def http_date(at: datetime) -> str:
    return format_datetime(at.astimezone(UTC).replace(microsecond=0), usegmt=True)


def _tags(header: str) -> list[str]:
    return [t.strip().removeprefix("W/") for t in header.split(",") if t.strip()]


def not_modified(
    if_none_match: str | None,
    if_modified_since: datetime | None,
    etag: str,
    last_modified: datetime,
) -> bool:
    """Whether the client's copy is current (RFC 9110 §13.2.2: If-None-Match, compared
    weakly, wins over If-Modified-Since)."""
    if if_none_match is not None:
        tags = _tags(if_none_match)
        return "*" in tags or etag.removeprefix("W/") in tags
    if if_modified_since is not None:
        return last_modified.replace(microsecond=0) <= if_modified_since
    return False


class ResponseCache:
    """Bodies per key, each rendered once (single flight), the newest RESPONSES_KEPT kept."""

    def __init__(self, size: int = RESPONSES_KEPT) -> None:
        self._kept: LRU[Body] = LRU(size)
        self._pending: dict[Hashable, asyncio.Future[Body]] = {}
        self.renders = 0

    def cached(self, key: Hashable) -> Body | None:
        return self._kept.get(key)

    async def get(self, key: Hashable, render: Callable[[], Awaitable[Body]]) -> Body:
        hit = self._kept.get(key)
        if hit is not None:
            return hit
        pending = self._pending.get(key)
        if pending is not None:
            return await asyncio.shield(pending)
        future: asyncio.Future[Body] = asyncio.get_running_loop().create_future()
        self._pending[key] = future
        try:
            body = await render()
        except BaseException as exc:
            future.set_exception(exc)
            future.exception()  # retrieved: waiters re-raise it, nobody else needs it
            raise
        finally:
            self._pending.pop(key, None)
        self.renders += 1
        self._kept.put(key, body)
        future.set_result(body)
        return body
