"""One article: fetched safely (bot.fetching._http), or read from a file or an attachment,
and extracted.

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
import dataclasses
import re
from contextlib import suppress
from dataclasses import dataclass
from datetime import date, datetime
from html import unescape
from pathlib import Path
from typing import Any, Literal

import charset_normalizer
import trafilatura

from bot import worker
from bot.bounds import fit
from bot.fetching._http import PASTE as _PASTE
from bot.fetching._http import FetchError, fetch, parse_type
from bot.worker import WorkFailed

MIN_WORDS = 40
_NO_TEXT = "found no article text on that page (a paywall, an index page or an empty page?); "
_HEADERS = {
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
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""", re.I)
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]")
_PUBLISHED_META = frozenset({"article:published_time", "datepublished", "og:published_time"})
_TAG = re.compile(r"<(meta|time)\b([^>]*)>", re.I)
_ATTR = re.compile(r"""([\w:.-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))""")
_LD_DATE = re.compile(r'"datePublished"\s*:\s*"([^"]+)"')

Kind = Literal["html", "text", "pdf", "image", "other"]


@dataclass(frozen=True)
class Article:
    text: str  # the article body, plain text, paragraphs separated by blank lines
    title: str | None  # headline
    outlet: str | None  # site name / publisher
    author: str | None
    published: datetime | None  # aware datetime when the page gives an instant; None otherwise
    published_date: date | None  # the page's date when only a date is given (or the date part)
    url: str | None  # final URL after redirects (None for a file)


# --- fetching --------------------------------------------------------------------------------


def _refuse_for_link(mime: str) -> str | None:
    kind = _kind(mime)
    return _refusal(kind, mime, "link") if kind in ("pdf", "image", "other") else None


async def fetch_article(
    url: str,
    *,
    allow_private: bool = False,
    max_bytes: int = 5_000_000,
    timeout: float = 20.0,  # noqa: ASYNC109 - the public API: one limit for the whole fetch
    max_redirects: int = 5,
) -> Article:
    """Fetch one article page and extract it; any failure is a FetchError."""
    got = await fetch(
        url,
        allow_private=allow_private,
        max_bytes=max_bytes,
        timeout=timeout,
        max_redirects=max_redirects,
        headers=_HEADERS,
        refuse=_refuse_for_link,
    )
    return await extract(got.body, content_type=got.content_type, url=str(got.url), source="link")


# --- files and bytes -------------------------------------------------------------------------

EXTRACT_BUDGET = 20.0
"""Seconds one extraction may take in its worker process (bot.worker) before it is stopped."""
MAX_FILE_BYTES = 5_000_000
"""The largest file or attachment read, as for a link (fetch_article's max_bytes)."""


def too_big(size: int, what: str) -> FetchError:
    return FetchError(
        f"{what} is {size / 1e6:.1f} MB; the limit is {MAX_FILE_BYTES // 1_000_000} MB: "
        "send only the article's text, as a .txt file"
    )


async def extract(
    data: bytes,
    *,
    content_type: str | None = None,
    url: str | None = None,
    name: str | None = None,
    source: str = "file",
) -> Article:
    """The article in a page's or file's bytes, extracted in a worker process within
    EXTRACT_BUDGET: a pathological page costs its own worker, never the event loop."""
    if len(data) > MAX_FILE_BYTES:
        raise too_big(len(data), "that page" if source == "link" else "that file")
    try:
        return await worker.run(
            _article, data, content_type, url, name, source,
            timeout=EXTRACT_BUDGET, what="reading the article",
        )  # fmt: skip
    except WorkFailed as exc:
        raise FetchError(f"{exc}; {_PASTE}") from None


def article_from_bytes(
    data: bytes, *, content_type: str | None = None, url: str | None = None, name: str | None = None
) -> Article:
    """Extract an article from a file's or attachment's bytes (HTML or plain text)."""
    return _article(data, content_type, url, name, "file")


def article_from_file(path: Path) -> Article:
    return _article(_read(path), None, None, path.name, "file")


async def read_file(path: Path) -> Article:
    """A file's article, extracted in a worker (bot.worker) like a page."""
    data = await asyncio.to_thread(_read, path)
    return await extract(data, name=path.name)


def _read(path: Path) -> bytes:
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise too_big(size, path.name)
        return path.read_bytes()
    except OSError as exc:
        raise FetchError(f"could not read {path.name}: {exc.strerror or exc}") from None


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
    mime, charset = parse_type(content_type)
    kind = _kind(mime, data, name)
    if kind in ("pdf", "image", "other"):
        raise FetchError(_refusal(kind, mime, source))
    text = _decode(data, charset, kind == "html", source)
    article = _from_html(text, url) if kind == "html" else _from_plain(text, url)
    article = _without_controls(article)
    if word_count(article.text) < MIN_WORDS:
        where = "on that page" if source == "link" else "in that file"
        raise FetchError(_NO_TEXT.replace("on that page", where) + _PASTE)
    return article


_CONTROLS = {c: None for c in range(32) if chr(c) not in "\n\t"} | {0x7F: None}


def _without_controls(article: Article) -> Article:
    """No NUL or other control characters in anything kept (PostgreSQL refuses NUL in text;
    a UTF-16 page read as another encoding is full of them), and no text of the page's
    that is longer than any column it may reach."""

    def clean(value: str | None, limit: int) -> str | None:
        if value is None:
            return None
        return fit(" ".join(value.translate(_CONTROLS).split()), limit) or None

    return dataclasses.replace(
        article,
        text=article.text.translate(_CONTROLS),
        title=clean(article.title, 300),
        outlet=clean(article.outlet, 200),
        author=clean(article.author, 200),
        url=article.url if article.url is None or len(article.url) <= 2000 else None,
    )


def word_count(text: str) -> int:
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
