"""How an article is known again, however it is re-published: its link with tracking
parameters, fragment, scheme and www. set aside, and its text however spaced, cased or
punctuated. Used by feeds and by /source add alike, so one story is one article."""

from __future__ import annotations

import hashlib
import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

_TRACKING = re.compile(
    r"^(utm_\w+|fbclid|gclid|dclid|msclkid|mc_cid|mc_eid|igshid|yclid|_hsenc|_hsmi|mkt_tok"
    r"|cmpid|ocid|smid|sr_share|ref|ref_src|src|taid|at_\w+|guccounter|rss|feed|outputtype)$",
    re.I,
)
_NOT_WORD = re.compile(r"[^\w]+")


def normalize_link(url: str) -> str:
    """The same story's address however it is dressed: no tracking parameters, no fragment,
    either scheme, with or without www., the remaining parameters in order, no trailing /."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return url.strip()
    host = (parts.hostname or "").lower().removeprefix("www.")
    if parts.port and parts.port not in (80, 443):
        host = f"{host}:{parts.port}"
    query = sorted((k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
                   if not _TRACKING.match(k))  # fmt: skip
    path = parts.path.rstrip("/") or "/"
    return urlunsplit(("", host, path, urlencode(query), ""))


def digest(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def link_key(url: str) -> str:
    """An article's link as a key (the same story however its address is dressed)."""
    return f"link:{digest(normalize_link(url))}"


def text_key(text: str) -> str:
    """The article's text, however it is spaced, cased or punctuated."""
    words = _NOT_WORD.sub(" ", text.casefold()).split()
    return f"text:{digest(' '.join(words))}"
