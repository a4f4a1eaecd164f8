"""What curators type -> validated items, ready for the store. Pure: no I/O, no discord.

Every check raises `UserError` with a short sentence that says what is wrong and how to do it
right; cogs let the command tree show it ephemerally. Text is stored as typed (trimmed of
outer whitespace, control characters such as NUL dropped): SQL-looking text, emoji and
right-to-left scripts (with their direction marks) are data like any other.

Decisions:
- Topics come from `bot.models.TOPICS` only: readers filter the timeline by topic and the
  data files (and imports) are checked against that list, so a free-form topic would be
  invisible to filters and break a later import.
- Every item cites a source. `source_url` takes an http(s) link (a new Source of kind
  "article" is built and saved with the item) or the id of a known source; a link that
  matches a known source's URL cites that source instead of making a copy.
- Generated ids are a slug of the title (or name) plus a short random suffix.
"""

from __future__ import annotations

import calendar
import re
import secrets
import unicodedata
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar
from urllib.parse import urlsplit

from pydantic import BaseModel, HttpUrl, TypeAdapter, ValidationError
from rapidfuzz import fuzz, process

from bot.bounds import quoted, visible
from bot.dates import DateParseError, FuzzyDate, Precision, parse_canonical, parse_user_date
from bot.errors import UserError
from bot.models import TITLE_MAX, TOPICS, AnyItem, Person, Source

M = TypeVar("M", bound=BaseModel)

DEFAULT_TOPIC = "talks"
PLACE_MAX = 200
REASON_MAX = 500
NAME_MATCH_CUTOFF = 85.0
CLEAR = frozenset({"none", "-", "nobody"})

_HTTP_URL: TypeAdapter[HttpUrl] = TypeAdapter(HttpUrl)


# ---- small parsers ------------------------------------------------------------------------


_CONTROL = {c: None for c in range(32) if chr(c) not in "\n\t"} | {0x7F: None}


def clean_text(value: str, what: str, limit: int) -> str:
    """Trim outer whitespace and drop control characters (NUL and the like, which no one
    types and PostgreSQL refuses); refuse empty or over-long text, naming the limit."""
    text = value.translate(_CONTROL).strip()
    if not visible(text):
        raise UserError(f"The {what} is empty: write up to {limit:,} characters.")
    if len(text) > limit:
        raise UserError(
            f"The {what} is {len(text):,} characters long; the limit is {limit:,}. "
            "Shorten it and try again."
        )
    return text


def optional_text(value: str | None, what: str, limit: int) -> str | None:
    if value is None or not value.strip():
        return None
    return clean_text(value, what, limit)


_NUMERIC_DAY = re.compile(r"^(\d{4})[-/](\d{1,2})[-/](\d{1,2})$")


def parse_date(text: str) -> FuzzyDate:
    """A date as people type it; an impossible day says why ('February 2025 has 28 days')."""
    shown = quoted(text.strip())
    m = _NUMERIC_DAY.match(text.strip())
    if m:
        year, month, day = (int(g) for g in m.groups())
        if not 1 <= month <= 12:
            raise UserError(
                f"'{quoted(text.strip())}' is not a real date: there is no month {month}."
            )
        days = calendar.monthrange(year, month)[1]
        if not 1 <= day <= days:
            raise UserError(
                f"'{shown}' is not a real date: {calendar.month_name[month]} {year} has "
                f"{days} days. Use a date like 2025-10-09 or 9 Oct 2025."
            )
    try:
        return parse_user_date(text)
    except DateParseError as exc:
        vaguer = _vague_date(text)
        if vaguer is None:
            raise UserError(f"Date: {exc}.") from None
        return vaguer


_VAGUE = re.compile(r"^(early|mid|late|week of)\s+(.+)$", re.IGNORECASE)


def _vague_date(text: str) -> FuzzyDate | None:
    """'mid Nov 2025' and 'week of 25 Aug 2025', as people type them."""
    m = _VAGUE.match(" ".join(text.split()))
    if not m:
        return None
    try:
        inner = parse_user_date(m[2])
    except DateParseError:
        return None
    part = m[1].lower()
    if part == "week of" and inner.precision is Precision.DAY:
        return parse_canonical(f"week of {inner.start.isoformat()}")
    if part != "week of" and inner.precision is Precision.MONTH:
        return parse_canonical(f"{part} {inner.start:%Y-%m}")
    return None


_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]{0,30}):")


def check_url(text: str) -> str:
    """An http(s) link, normalised as the store keeps it; anything else is refused."""
    url = text.strip()
    m = _SCHEME.match(url)
    scheme = m[1].lower() if m else ""
    if scheme not in {"http", "https"}:
        shown = f"a '{scheme}:' link" if scheme else "no link"
        raise UserError(
            f"source_url must be an http:// or https:// link to the article (got {shown})."
        )
    if any(ch.isspace() for ch in url):
        raise UserError("source_url has spaces in it; paste the link exactly as the browser shows.")
    try:
        return str(_HTTP_URL.validate_python(url))
    except ValidationError:
        raise UserError(
            "source_url is not a link I can read; paste it as https://example.com/story."
        ) from None


def parse_topic(text: str | None, default: str = DEFAULT_TOPIC) -> str:
    if text is None or not text.strip():
        return default
    value = text.strip().lower()
    if value not in TOPICS:
        raise UserError(f"Unknown topic '{quoted(text.strip())}': use one of {', '.join(TOPICS)}.")
    return value


def split_list(text: str) -> list[str]:
    return [p.strip() for p in re.split(r"[,;\n]", text.translate(_CONTROL)) if p.strip()]


def match_people(text: str, people: Sequence[Person]) -> list[str]:
    """Names as typed (comma-separated) -> person ids, by name, alias or id; close
    misspellings are accepted. 'none' clears the list. Unknown names are listed back."""
    if text.strip().casefold() in CLEAR:
        return []
    index: dict[str, str] = {}
    for person in people:
        for label in (person.id, person.name, *person.aliases):
            index.setdefault(label.casefold(), person.id)
    found: list[str] = []
    unknown: list[str] = []
    for name in split_list(text):
        key = name.casefold()
        pid = index.get(key)
        if pid is None and index:
            best = process.extractOne(
                key, index.keys(), scorer=fuzz.token_sort_ratio, score_cutoff=NAME_MATCH_CUTOFF
            )
            pid = index[best[0]] if best is not None else None
        if pid is None:
            unknown.append(name)
        elif pid not in found:
            found.append(pid)
    if unknown:
        listed = ", ".join(f"'{n}'" for n in unknown)
        raise UserError(
            f"Unknown people: {listed}. Use names the bot knows (see /who) or add them first "
            "with /person add."
        )
    return found


def slugify(text: str, limit: int = 48) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    if len(slug) > limit:
        slug = slug[:limit].rsplit("-", 1)[0] or slug[:limit]
    return slug.strip("-")


def _token() -> str:
    return secrets.token_hex(3)


def new_id(
    text: str, taken: Collection[str], fallback: str, token: Callable[[], str] = _token
) -> str:
    """Slug of `text` plus a short random suffix, not in `taken`."""
    base = slugify(text) or fallback
    for _ in range(50):
        candidate = f"{base}-{token()}"
        if candidate not in taken:
            return candidate
    raise UserError("Could not find a free id; try again.")


def validated(model: type[M], data: dict[str, Any]) -> M:
    """Build a model, turning pydantic's complaint into one short sentence."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(str(p) for p in err["loc"]) or "value"
        message = str(err["msg"]).removeprefix("Value error, ")
        raise UserError(f"{where}: {message}.") from None


# ---- sources ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Context:
    """What validation needs to know about the server's data (read by the cog)."""

    people: Sequence[Person] = ()
    sources: Sequence[Source] = ()
    taken_ids: Collection[str] = frozenset()
    """Ids of the kind being added (curated and this server's, removed included)."""
    source_ids: Collection[str] = frozenset()
    timezone: str = "UTC"
    actor_name: str = "a curator"


@dataclass(frozen=True)
class Draft:
    """A validated change: the item and the new sources it cites (saved together)."""

    item: AnyItem
    new_sources: tuple[Source, ...] = ()
    changed: tuple[str, ...] = ()

    def items(self) -> list[AnyItem]:
        return [*self.new_sources, self.item]


def resolve_source(
    value: str, *, name: str | None, about: str, when: FuzzyDate, ctx: Context
) -> tuple[str, Source | None]:
    """A source id (known) or an http(s) link (new Source, unless its URL is known)."""
    raw = value.strip()
    known = {s.id: s for s in ctx.sources}
    if raw in known:
        return raw, None
    if ":" not in raw and "." not in raw:
        raise UserError(
            f"'{raw}' is neither a link nor a known source: paste an http(s) link to the "
            "article or pick a source from the list."
        )
    url = check_url(raw)
    for source in ctx.sources:
        if source.url is not None and str(source.url) == url:
            return source.id, None
    host = (urlsplit(url).hostname or "").removeprefix("www.")
    outlet = clean_text(name, "source name", TITLE_MAX) if name and name.strip() else host
    source = validated(
        Source,
        {
            "id": new_id(outlet, ctx.source_ids, "source"),
            "kind": "article",
            "outlet": outlet,
            "headline": about,
            "url": url,
            "published_window": when,
            "timezone": ctx.timezone,
            "problems": [
                f"Added in Discord by {ctx.actor_name}; the headline is the item's title and "
                "the date the item's date, not checked against the page."
            ],
        },
    )
    return source.id, source


def changed_fields(before: BaseModel, after: BaseModel) -> tuple[str, ...]:
    a, b = before.model_dump(mode="json"), after.model_dump(mode="json")
    return tuple(k for k in b if a.get(k) != b.get(k))


def aliases(text: str) -> list[str]:
    out: list[str] = []
    for name in split_list(text):
        if name.casefold() not in CLEAR and name not in out:
            out.append(clean_text(name, "alias", TITLE_MAX))
    return out


def known_name(name: str, people: Iterable[Person], *, except_id: str | None = None) -> Person:
    """Raise if `name` is already a known person's name or alias (other than except_id)."""
    key = name.casefold()
    for person in people:
        if person.id != except_id and key in {
            person.name.casefold(),
            *(a.casefold() for a in person.aliases),
        }:
            return person
    raise LookupError(name)


@dataclass
class Changes:
    """Collects a change's new sources (helpers for milestones and people)."""

    sources: list[Source] = field(default_factory=list)

    def cite(
        self, value: str, *, name: str | None, about: str, when: FuzzyDate, ctx: Context
    ) -> str:
        source_id, new = resolve_source(value, name=name, about=about, when=when, ctx=ctx)
        if new is not None:
            self.sources.append(new)
        return source_id
