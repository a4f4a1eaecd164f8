"""The only code that reaches the web: a safe fetch of one article, and the same extraction for
a file or a Discord attachment.

Rules, each enforced here:
- Only http(s) URLs with a host; anything else is refused before any network use.
- Never the bot's own machine or private network (unless `allow_private`, for tests and demos):
  a literal IP host is checked directly, and a host name by every address it resolves to,
  through a resolver the connector itself uses, so the check covers the address connected to.
- Redirects are followed by hand, at most `max_redirects`, each hop re-checked; loops refused.
- The body is read in chunks and refused past `max_bytes` (and early when Content-Length says
  so); the whole fetch (connect, hops, body) must finish within `timeout` seconds.
- Text is decoded by its declared charset (HTTP header, then <meta>), else detected by
  charset_normalizer, else UTF-8 with replacement.
- HTML goes through trafilatura (precision first, no network of its own); plain text is taken
  as is, its first line a title when it looks like a headline.
- No article (under MIN_WORDS words), a PDF, an image, binary or an empty file is refused.
Every failure is a FetchError whose message is one line saying what to do instead.
"""

from __future__ import annotations

import asyncio
import codecs
import ipaddress
import re
import socket
from contextlib import suppress
from dataclasses import dataclass
from datetime import date, datetime
from html import unescape
from pathlib import Path
from typing import Any, Literal

import aiohttp
import charset_normalizer
import trafilatura
from aiohttp.abc import AbstractResolver, ResolveResult
from aiohttp.resolver import DefaultResolver
from yarl import URL

MIN_WORDS = 40
_PASTE = "paste the article text as a .txt file instead"
_NO_TEXT = "found no article text on that page (a paywall, an index page or an empty page?); "
_FINAL = "open it in a browser and give the address it ends on"
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_HEADERS = {
    "User-Agent": "Mozilla/5.0 (compatible; tradetalks-briefing-bot/0.1)",
    "Accept": "text/html,application/xhtml+xml,text/plain;q=0.9,*/*;q=0.5",
}
_HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
_SNIFF_TYPES = frozenset({"", "application/octet-stream", "binary/octet-stream"})
_BOMS = (  # UTF-32 LE first: its BOM starts with UTF-16 LE's
    (codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"),
)  # fmt: skip
# Labels that browsers read as a wider superset (WHATWG Encoding), so real pages decode right.
_SUPERSETS = {
    "iso-8859-1": "cp1252", "latin-1": "cp1252", "latin1": "cp1252", "ascii": "cp1252",
    "us-ascii": "cp1252", "gb2312": "gb18030", "gbk": "gb18030", "shift_jis": "cp932",
    "shift-jis": "cp932", "sjis": "cp932", "x-sjis": "cp932", "euc-kr": "cp949",
}  # fmt: skip
_CHARSET_PARAM = re.compile(r"""charset\s*=\s*["']?([^\s;"']+)""", re.I)
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""", re.I)
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]")
_PUBLISHED_META = frozenset({"article:published_time", "datepublished", "og:published_time"})
_TAG = re.compile(r"<(meta|time)\b([^>]*)>", re.I)
_ATTR = re.compile(r"""([\w:.-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))""")
_LD_DATE = re.compile(r'"datePublished"\s*:\s*"([^"]+)"')

Kind = Literal["html", "text", "pdf", "image", "other"]
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


class FetchError(Exception):
    """A fetch or extraction that failed; str(exc) is one short line saying what to do instead."""


@dataclass(frozen=True)
class Article:
    text: str  # the article body, plain text, paragraphs separated by blank lines
    title: str | None  # headline
    outlet: str | None  # site name / publisher
    author: str | None
    published: datetime | None  # aware datetime when the page gives an instant; None otherwise
    published_date: date | None  # the page's date when only a date is given (or the date part)
    url: str | None  # final URL after redirects (None for a file)


# --- addresses -------------------------------------------------------------------------------


def _refused(ip: IPAddress) -> bool:
    """True for any address that is not a public internet address."""
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
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


def _check_url(raw: str | URL, allow_private: bool, *, hop: bool = False) -> URL:
    """The URL if it is http(s) with a host (and, unless allowed, not a private IP literal)."""
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


async def fetch_article(
    url: str,
    *,
    allow_private: bool = False,
    max_bytes: int = 5_000_000,
    timeout: float = 20.0,  # noqa: ASYNC109 - the public API: one limit for the whole fetch
    max_redirects: int = 5,
) -> Article:
    """Fetch one article page and extract it; any failure is a FetchError."""
    start = _check_url(url, allow_private)
    try:
        async with asyncio.timeout(timeout):
            final, content_type, body = await _download(
                start, allow_private, max_bytes, max_redirects
            )
    except TimeoutError:
        raise FetchError(
            f"that page took longer than {timeout:g} s to load; try again later or {_PASTE}"
        ) from None
    return await asyncio.to_thread(_article, body, content_type, str(final), None, "link")


async def _download(
    url: URL, allow_private: bool, max_bytes: int, max_redirects: int
) -> tuple[URL, str | None, bytes]:
    """Follow redirects by hand, re-checking each hop; the final URL, its type and its body."""
    resolver = None if allow_private else _GuardedResolver(DefaultResolver())
    connector = aiohttp.TCPConnector(resolver=resolver, use_dns_cache=False)
    session = aiohttp.ClientSession(  # no timeouts of its own: fetch_article's one limit rules
        connector=connector, headers=_HEADERS, timeout=aiohttp.ClientTimeout(), trust_env=False
    )
    seen = {url}
    try:
        async with session:
            for _ in range(max_redirects + 1):
                async with session.get(url, allow_redirects=False) as resp:
                    location = resp.headers.get("Location", "")
                    if resp.status not in _REDIRECTS or not location:
                        return url, resp.headers.get("Content-Type"), await _body(resp, max_bytes)
                try:
                    target: URL | str = url.join(URL(location))
                except ValueError:
                    target = location
                url = _check_url(target, allow_private, hop=True)
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
            f"could not fetch that page ({type(exc).__name__}); try again later or {_PASTE}"
        ) from None
    raise FetchError(f"that link redirects more than {max_redirects} times; {_FINAL}")


async def _body(resp: aiohttp.ClientResponse, max_bytes: int) -> bytes:
    """The body of a final response: refused on an error status, a non-text type or size."""
    if not 200 <= resp.status < 300:
        answer = f"{resp.status} {resp.reason or ''}".strip()
        raise FetchError(f"the site answered {answer} for that link; check it, or {_PASTE}")
    mime, _ = _parse_type(resp.headers.get("Content-Type"))
    if (kind := _kind(mime)) in ("pdf", "image", "other"):
        raise FetchError(_refusal(kind, mime, "link"))
    too_big = f"that page is larger than {max_bytes / 1_000_000:g} MB; {_PASTE}"
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


# --- files and bytes -------------------------------------------------------------------------


def article_from_bytes(
    data: bytes, *, content_type: str | None = None, url: str | None = None, name: str | None = None
) -> Article:
    """Extract an article from a file's or attachment's bytes (HTML or plain text)."""
    return _article(data, content_type, url, name, "file")


def article_from_file(path: Path) -> Article:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise FetchError(f"could not read {path.name}: {exc.strerror or exc}") from None
    return _article(data, None, None, path.name, "file")


def _parse_type(content_type: str | None) -> tuple[str, str | None]:
    """('text/html', 'utf-8') from 'text/html; charset="UTF-8"'; ('', None) when absent."""
    value = content_type or ""
    charset = _CHARSET_PARAM.search(value)
    return value.split(";")[0].strip().lower(), charset.group(1) if charset else None


def _kind(mime: str, data: bytes = b"", name: str | None = None) -> Kind:
    """What the content is, by its declared type or else by its first bytes and file name."""
    if mime in _HTML_TYPES:
        return "html"
    if mime == "application/pdf":
        return "pdf"
    if mime.startswith(("image/", "text/")):
        return "image" if mime.startswith("image/") else "text"
    if mime not in _SNIFF_TYPES:
        return "other"
    suffix = Path(name).suffix.lower() if name else ""
    if data.startswith(b"%PDF-") or suffix == ".pdf":
        return "pdf"
    if data.startswith((b"\x89PNG", b"\xff\xd8\xff", b"GIF8")) or data[8:12] == b"WEBP":
        return "image"
    head = data[:1024].lstrip().lower()
    if suffix in (".html", ".htm", ".xhtml") or head.startswith((b"<!doctype html", b"<html")):
        return "html"
    return "text"


def _refusal(kind: Kind, mime: str, source: str) -> str:
    that, instead = f"that {source}", "a web page" if source == "link" else "text"
    what = {"pdf": "a PDF", "image": "an image"}.get(kind, f"{mime or 'binary'} content")
    return f"{that} is {what}, not {instead}; {_PASTE}"


def _codec(label: str | None) -> str | None:
    label = (label or "").strip().lower()
    with suppress(LookupError):
        return codecs.lookup(_SUPERSETS.get(label, label)).name if label else None
    return None


def _decode(data: bytes, declared: str | None, html: bool, source: str) -> str:
    for bom, bom_encoding in _BOMS:
        if data.startswith(bom):
            return data[len(bom) :].decode(bom_encoding, "replace")
    not_text = f"that {source} is binary content, not text; {_PASTE}"
    if b"\x00" in data:
        raise FetchError(not_text)
    encoding = _codec(declared)
    if encoding is None and html and (match := _META_CHARSET.search(data[:4096])):
        encoding = _codec(match.group(1).decode("ascii"))
    if encoding is not None:
        return data.decode(encoding, "replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    results = charset_normalizer.from_bytes(data)
    if (best := results.best()) is not None:  # ties go to cp1252, as browsers guess for the West
        tie = [m for m in results if m.encoding == "cp1252" and m.chaos <= best.chaos]
        return str(tie[0] if tie else best)
    if source == "file":
        raise FetchError(not_text)
    return data.decode("utf-8", "replace")


def _article(
    data: bytes, content_type: str | None, url: str | None, name: str | None, source: str
) -> Article:
    if not data.strip():
        if source == "file":
            raise FetchError(f"that file is empty; {_PASTE}")
        raise FetchError(_NO_TEXT + _PASTE)
    mime, charset = _parse_type(content_type)
    kind = _kind(mime, data, name)
    if kind in ("pdf", "image", "other"):
        raise FetchError(_refusal(kind, mime, source))
    text = _decode(data, charset, kind == "html", source)
    article = _from_html(text, url) if kind == "html" else _from_plain(text, url)
    if _word_count(article.text) < MIN_WORDS:
        where = "on that page" if source == "link" else "in that file"
        raise FetchError(_NO_TEXT.replace("on that page", where) + _PASTE)
    return article


def _word_count(text: str) -> int:
    """Words, counting two CJK characters as one word (those scripts use no spaces)."""
    cjk = len(_CJK.findall(text))
    return len(re.findall(r"\w+", _CJK.sub(" ", text))) + cjk // 2


def _from_plain(text: str, url: str | None) -> Article:
    lines = text.replace("\r\n", "\n").replace("\r", "\n").strip().split("\n")
    title = None
    first = lines[0].strip()
    if len(lines) > 1 and len(first) <= 150 and not first.endswith(tuple(".。,，:;：；")):
        title = first
        lines = lines[1:]
    body = "\n".join(line.rstrip() for line in lines).strip()
    paragraphs = re.split(r"\n\s*\n", body) if re.search(r"\n\s*\n", body) else body.split("\n")
    text = "\n\n".join(p.strip() for p in paragraphs if p.strip())
    return Article(text, title, None, None, None, None, url)


def _from_html(html: str, url: str | None) -> Article:
    try:
        doc: Any = trafilatura.bare_extraction(
            html, url=url, favor_precision=True, with_metadata=True, include_comments=False
        )
    except Exception:
        raise FetchError(f"could not read that page's HTML; {_PASTE}") from None
    title = _clean(getattr(doc, "title", None))
    lines = [line.strip() for line in (_clean(getattr(doc, "text", None)) or "").split("\n")]
    paragraphs = [line for line in lines if line]
    if paragraphs and title and paragraphs[0].casefold() == title.casefold():
        paragraphs = paragraphs[1:]  # the headline repeated as the body's first line
    published, day = _published(html)
    if day is None:
        try:
            day = date.fromisoformat(_clean(getattr(doc, "date", None)) or "")
        except ValueError:
            day = None
    return Article(
        text="\n\n".join(paragraphs),
        title=title,
        outlet=_clean(getattr(doc, "sitename", None)),
        author=_clean(getattr(doc, "author", None)),
        published=published,
        published_date=day,
        url=url,
    )


def _clean(value: object) -> str | None:
    return value.strip() or None if isinstance(value, str) else None


# --- publication time ------------------------------------------------------------------------


def _published(page: str) -> tuple[datetime | None, date | None]:
    """(the aware publication instant, its date in the page's own offset) from, in order,
    <meta property="article:published_time">, JSON-LD datePublished, <time datetime>."""
    metas: list[str] = []
    times: list[str] = []
    for tag, attributes in _TAG.findall(page):
        a = {k.lower(): unescape(v1 or v2 or v3) for k, v1, v2, v3 in _ATTR.findall(attributes)}
        if tag.lower() == "meta":
            key = (a.get("property") or a.get("name") or a.get("itemprop") or "").lower()
            metas += [a.get("content", "")] if key in _PUBLISHED_META else []
        elif "datetime" in a:
            first = a.get("itemprop", "").lower() == "datepublished"
            times.insert(0 if first else len(times), a["datetime"])
    day: date | None = None
    for candidate in [*metas, *_LD_DATE.findall(page), *times]:
        try:
            value = datetime.fromisoformat(candidate.strip())
        except ValueError:
            continue
        if value.utcoffset() is not None:
            return value, value.date()
        day = day or value.date()
    return None, day
