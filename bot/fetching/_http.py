"""The safe HTTP fetch under both the article and the feed fetch: which addresses may be
reached, redirects followed by hand, a size and a time limit, errors as one line each."""

from __future__ import annotations

import asyncio
import ipaddress
import re
import socket
from collections.abc import Callable, Mapping
from contextlib import suppress
from dataclasses import dataclass

import aiohttp
from aiohttp.abc import AbstractResolver, ResolveResult
from aiohttp.resolver import DefaultResolver
from yarl import URL

from bot.bounds import MAX_URL

PASTE = "paste the article text as a .txt file instead"
_FINAL = "open it in a browser and give the address it ends on"
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_CHARSET_PARAM = re.compile(r"""charset\s*=\s*["']?([^\s;"']+)""", re.I)
USER_AGENT = "Mozilla/5.0 (compatible; tradetalks-briefing-bot/0.1)"

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


class FetchError(Exception):
    """A fetch or extraction that failed; str(exc) is one short line saying what to do instead."""


@dataclass(frozen=True)
class Fetched:
    """The final answer to a fetch: its URL, status (2xx, or 304 when asked conditionally),
    content type, validators and body (empty for a 304)."""

    url: URL
    status: int
    content_type: str | None
    etag: str | None
    last_modified: str | None
    body: bytes


# --- addresses -------------------------------------------------------------------------------


def _refused(ip: IPAddress) -> bool:
    """True for any address that is not a public internet address, including an IPv6 one
    that carries an IPv4 address (mapped, 6to4, Teredo) which is not public."""
    if isinstance(ip, ipaddress.IPv6Address):
        embedded = [ip.ipv4_mapped, ip.sixtofour, *(ip.teredo or ())]
        if any(v4 is not None and _refused(v4) for v4 in embedded):
            return True
        if ip.ipv4_mapped is not None:
            ip = ip.ipv4_mapped
    return (
        ip.is_loopback or ip.is_private or ip.is_link_local or ip.is_unspecified
        or ip.is_multicast or ip.is_reserved or not ip.is_global
    )  # fmt: skip


def _check_address(host: str, ip: IPAddress) -> None:
    if _refused(ip):
        raise FetchError(
            f"refused {host}: it is on the bot's own machine or a private network ({ip}); "
            "give a public web address"
        )


class _GuardedResolver(AbstractResolver):
    """Resolves through aiohttp's resolver and refuses if any address found is not public."""

    def __init__(self, inner: AbstractResolver) -> None:
        self._inner = inner

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        results = await self._inner.resolve(host, port, family)
        for result in results:
            _check_address(host, ipaddress.ip_address(result["host"]))
        return results

    async def close(self) -> None:
        await self._inner.close()


def check_url(raw: str | URL, allow_private: bool, *, hop: bool = False) -> URL:
    """The URL if it is http(s) with a host (and, unless allowed, not a private IP literal),
    at most MAX_URL characters (what the store keeps of an address)."""
    if len(str(raw).strip()) > MAX_URL:
        raise FetchError(
            f"that address is {len(str(raw).strip()):,} characters long; the limit is "
            f"{MAX_URL:,}: give the article's or feed's own short link"
        )
    try:
        url = raw if isinstance(raw, URL) else URL(raw.strip())
        ok = url.scheme in ("http", "https") and bool(url.host)
    except (TypeError, ValueError):
        ok = False
    if not ok:
        shown = str(raw).strip()[:80]
        start = f"that link redirects to '{shown}', which" if hop else f"'{shown}'"
        raise FetchError(
            f"{start} is not a web address; give an http(s) link like https://example.com/story"
        )
    if not allow_private and url.host:
        with suppress(ValueError):  # ValueError: a name, not an IP literal (the resolver checks it)
            _check_address(url.host, ipaddress.ip_address(url.host))
    return url


# --- fetching --------------------------------------------------------------------------------


async def fetch(
    url: str,
    *,
    allow_private: bool,
    max_bytes: int,
    timeout: float,  # noqa: ASYNC109 - one limit for the whole fetch
    max_redirects: int,
    headers: Mapping[str, str],
    refuse: Callable[[str], str | None],
    what: str = "page",
    advice: str = PASTE,
) -> Fetched:
    """GET `url` safely. `refuse(mime)` says why a content type is not wanted (or None);
    `what` names the thing fetched and `advice` what to do instead, in error lines."""
    start = check_url(url, allow_private)
    try:
        async with asyncio.timeout(timeout):
            return await _download(
                start, allow_private, max_bytes, max_redirects, headers, refuse, what, advice
            )
    except TimeoutError:
        raise FetchError(
            f"that {what} took longer than {timeout:g} s to load; try again later or {advice}"
        ) from None


async def _download(
    url: URL,
    allow_private: bool,
    max_bytes: int,
    max_redirects: int,
    headers: Mapping[str, str],
    refuse: Callable[[str], str | None],
    what: str,
    advice: str,
) -> Fetched:
    """Follow redirects by hand, re-checking each hop; the final answer."""
    resolver = None if allow_private else _GuardedResolver(DefaultResolver())
    connector = aiohttp.TCPConnector(resolver=resolver, use_dns_cache=False)
    session = aiohttp.ClientSession(  # no timeouts of its own: fetch's one limit rules
        connector=connector,
        headers={"User-Agent": USER_AGENT, **headers},
        timeout=aiohttp.ClientTimeout(),
        trust_env=False,
    )
    seen = {url}
    try:
        async with session:
            for _ in range(max_redirects + 1):
                async with session.get(url, allow_redirects=False) as resp:
                    location = resp.headers.get("Location", "")
                    if resp.status not in _REDIRECTS or not location:
                        body = b""
                        if resp.status != 304:
                            body = await _body(resp, max_bytes, refuse, what, advice)
                        return Fetched(
                            url=url,
                            status=resp.status,
                            content_type=resp.headers.get("Content-Type"),
                            etag=resp.headers.get("ETag"),
                            last_modified=resp.headers.get("Last-Modified"),
                            body=body,
                        )
                try:
                    target: URL | str = url.join(URL(location))
                except ValueError:
                    target = location
                url = check_url(target, allow_private, hop=True)
                if url in seen:
                    raise FetchError(f"that link redirects in a loop; {_FINAL}")
                seen.add(url)
    except aiohttp.InvalidURL:
        raise FetchError(f"'{url}' is not a valid web address; check the link") from None
    except aiohttp.ClientConnectorDNSError:
        raise FetchError(f"could not find the site {url.host}; check the link") from None
    except aiohttp.ClientConnectorError:
        raise FetchError(f"could not connect to {url.host}; check the link or try later") from None
    except aiohttp.ClientError as exc:
        raise FetchError(
            f"could not fetch that {what} ({type(exc).__name__}); try again later or {advice}"
        ) from None
    raise FetchError(f"that link redirects more than {max_redirects} times; {_FINAL}")


def parse_type(content_type: str | None) -> tuple[str, str | None]:
    """('text/html', 'utf-8') from 'text/html; charset="UTF-8"'; ('', None) when absent."""
    value = content_type or ""
    charset = _CHARSET_PARAM.search(value)
    return value.split(";")[0].strip().lower(), charset.group(1) if charset else None


async def _body(
    resp: aiohttp.ClientResponse,
    max_bytes: int,
    refuse: Callable[[str], str | None],
    what: str,
    advice: str,
) -> bytes:
    """The body of a final response: refused on an error status, an unwanted type or size."""
    if not 200 <= resp.status < 300:
        answer = f"{resp.status} {resp.reason or ''}".strip()
        raise FetchError(f"the site answered {answer} for that link; check it, or {advice}")
    mime, _ = parse_type(resp.headers.get("Content-Type"))
    if (refusal := refuse(mime)) is not None:
        raise FetchError(refusal)
    too_big = f"that {what} is larger than {max_bytes / 1_000_000:g} MB; {advice}"
    if (resp.content_length or 0) > max_bytes:
        raise FetchError(too_big)
    chunks: list[bytes] = []
    total = 0
    async for chunk in resp.content.iter_chunked(65536):
        total += len(chunk)
        if total > max_bytes:
            raise FetchError(too_big)
        chunks.append(chunk)
    return b"".join(chunks)
