"""One feed (RSS or Atom), fetched safely and conditionally: the ETag and Last-Modified of the
last answer go back as If-None-Match and If-Modified-Since, so an unchanged feed costs a 304
and no body. Parsing is not done here (bot.feeds.parse, pure)."""

from __future__ import annotations

from dataclasses import dataclass

from bot.fetching._http import fetch

_ACCEPT = (
    "application/rss+xml, application/atom+xml, application/rdf+xml;q=0.9, "
    "application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5"
)
_ADVICE = "check the feed's address in a browser"


@dataclass(frozen=True)
class FeedDocument:
    url: str  # where it ended, after redirects
    not_modified: bool  # a 304: nothing new since the validators sent
    content_type: str | None
    etag: str | None
    last_modified: str | None
    body: bytes


def _refuse(mime: str) -> str | None:
    if mime == "application/pdf" or mime.startswith(("image/", "audio/", "video/")):
        return f"that address gives {mime} content, not a feed; give an RSS or Atom feed's address"
    return None


async def fetch_feed(
    url: str,
    *,
    etag: str | None = None,
    last_modified: str | None = None,
    allow_private: bool = False,
    max_bytes: int = 5_000_000,
    timeout: float = 20.0,  # noqa: ASYNC109 - one limit for the whole fetch
    max_redirects: int = 5,
) -> FeedDocument:
    headers = {"Accept": _ACCEPT}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    got = await fetch(
        url,
        allow_private=allow_private,
        max_bytes=max_bytes,
        timeout=timeout,
        max_redirects=max_redirects,
        headers=headers,
        refuse=_refuse,
        what="feed",
        advice=_ADVICE,
    )
    return FeedDocument(
        url=str(got.url),
        not_modified=got.status == 304,
        content_type=got.content_type,
        etag=got.etag or etag,
        last_modified=got.last_modified or last_modified,
        body=got.body,
    )
