"""From an article (a file, an attachment or a link) to proposals a curator can read: reading
the article (bot.fetching), setting its publication time and zone, the engine
(bot.ingest, pure) against what one server sees, and the proposals as text or JSON.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from bot import metrics, worker
from bot.bounds import RANGE_TEXT, instant_in_range, is_zone, quoted, zone_error
from bot.dates import DateParseError, Precision, parse_user_date
from bot.fetching import Article, FetchError, fetch_article, read_file
from bot.ingest import ArticleIn, IngestResult, Proposal, RecordView, propose
from bot.ingest.items import source_for
from bot.ingest.keys import link_key, text_key
from bot.models import (
    Event,
    Kind,
    Milestone,
    Person,
    Source,
    TariffMeasure,
)
from bot.store import Actor, Queued, Store


class IngestError(Exception):
    """Bad input for ingest; str(exc) is one line saying how to do it right."""


INGEST_BUDGET = 30.0
"""Seconds the engine may take over one article in its worker (bot.worker)."""
MAX_TEXT = 100_000
"""Characters of an article the engine reads (about 16,000 words; a long feature is 5,000):
past that it reads the first MAX_TEXT and says so, so one huge page costs seconds, not
minutes."""


@dataclass(frozen=True)
class Ingested:
    article: Article
    source: ArticleIn
    result: IngestResult
    notes: tuple[str, ...] = ()
    """What the curator should know about how it was read (the text was cut)."""


async def read_article(where: str, *, allow_private: bool = False) -> Article:
    """A link is fetched safely; anything else is a file path."""
    if "://" in where or where.split(":", 1)[0].lower() in ("javascript", "data", "file"):
        return await fetch_article(where, allow_private=allow_private)
    path = Path(where)
    if not await asyncio.to_thread(path.is_file):
        raise FetchError(f"no file at {where}; give a path to a .txt or .html file, or a link")
    return await read_file(path)


def zone_for(published: datetime, name: str | None, default: str) -> str:
    """The zone the article speaks in: the one given; else, from the publication time's
    offset, a fixed zone (Etc/GMT-8 for +08:00); else the default."""
    if name:
        if not is_zone(name):
            raise IngestError(zone_error(name))
        return name
    offset = published.utcoffset()
    if (
        offset is not None
        and offset != timedelta(0)
        and offset % timedelta(hours=1) == timedelta(0)
    ):
        hours = int(offset / timedelta(hours=1))
        return f"Etc/GMT{-hours:+d}"
    return default if offset is None or offset != timedelta(0) else "UTC"


PUBLISHED = "published"
"""What the publication time is called in messages; the command line says --published."""


def zone_label(zone: str, at: datetime) -> str:
    """A zone as readers read it: an IANA name as it is, a fixed offset (Etc/GMT-8, whose
    sign POSIX inverts) as UTC+08:00."""
    if not zone.startswith("Etc/GMT"):
        return zone
    offset = at.utcoffset() or timedelta(0)
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    return f"UTC{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def parse_published(text: str, zone: str | None = None, *, name: str = PUBLISHED) -> datetime:
    """A publication time as people give it: ISO 8601 with an offset, or without one when
    the article's zone is given, or a day as the bot prints days ('28 Nov 2026': noon there)."""
    raw = text.strip()
    try:
        value = datetime.fromisoformat(raw)
    except ValueError:
        try:
            day = parse_user_date(raw)
        except DateParseError:
            raise IngestError(
                f"{name}: '{quoted(raw)}' is not a time I can read; use e.g. "
                "2025-08-25T22:38-04:00 or 25 Aug 2025"
            ) from None
        if day.precision is not Precision.DAY:
            raise IngestError(
                f"{name}: '{quoted(raw)}' is not one day; use e.g. 25 Aug 2025"
            ) from None
        return datetime.combine(day.start, time(12), ZoneInfo(zone) if zone else UTC)
    if value.tzinfo is None:
        if zone is None:
            raise IngestError(
                f"{name} needs an offset or Z (e.g. 2025-08-25T22:38-04:00), or give the "
                "article's time zone"
            )
        value = value.replace(tzinfo=ZoneInfo(zone))
    if not instant_in_range(value):
        raise IngestError(f"{name}: '{quoted(raw)}' is out of range; use a date {RANGE_TEXT}")
    return value


def article_in(
    article: Article,
    *,
    published: datetime | None,
    zone: str | None,
    outlet: str | None,
    default_zone: str,
) -> ArticleIn:
    when = published or article.published
    if when is None and article.published_date is not None:
        noon = ZoneInfo(zone) if zone else UTC
        when = datetime.combine(article.published_date, time(12), noon)
    if when is None:
        raise IngestError(
            f"the article gives no publication date; give it as {PUBLISHED} "
            "(e.g. 2025-08-25T22:38-04:00 or 25 Aug 2025)"
        )
    return ArticleIn(
        text=article.text,
        published=when,
        timezone=zone_for(when, zone, default_zone),
        headline=article.title,
        outlet=outlet or article.outlet,
        url=article.url,
    )


async def record_view(store: Store, guild_id: int | None) -> RecordView:
    """What the server sees of the record, as the engine compares against it."""
    return RecordView(
        events=await store.list_typed(Event, guild_id),
        people=await store.list_typed(Person, guild_id),
        milestones=await store.list_typed(Milestone, guild_id),
        tariffs=await store.list_typed(TariffMeasure, guild_id),
    )


def as_json(ingested: Ingested) -> dict[str, Any]:
    source = ingested.source
    return {
        "source": {
            "headline": source.headline,
            "outlet": source.outlet,
            "url": source.url,
            "published": source.published.isoformat(),
            "timezone": source.timezone,
            "author": ingested.article.author,
        },
        "proposals": [
            p.model_dump(mode="json", exclude_none=True) for p in ingested.result.proposals
        ],
        "conflicts": [c.model_dump(mode="json") for c in ingested.result.conflicts],
        "held_back": [
            p.model_dump(mode="json", exclude_none=True) for p in ingested.result.held_back
        ],
    }


def _line(i: int, p: Proposal) -> list[str]:
    head = f"{i:>2}. [{p.kind}] {p.date or '—'} · {p.title}"
    out = [head]
    if p.kind == "tariff" or p.rate is not None:
        basis = f", {p.legal_basis}" if p.legal_basis else ""
        out.append(f"      {p.imposer} on {p.target}: {p.rate:g}% ({p.status}{basis})")
    if p.people:
        out.append(f"      people: {', '.join(p.people)}")
    if p.kind == "update" and p.change is not None:
        ch = p.change
        out.append(f"      changes {p.matches} {ch.field}: {ch.old or 'not on record'} -> {ch.new}")
    elif p.matches:
        verb = "cite this article on" if p.kind == "source-only" else "changes"
        out.append(f"      {verb}: {p.matches}")
    if p.reasons:
        out.append(f"      score {p.score:g}: {'; '.join(p.reasons)}")
    for c in p.conflicts:
        out.append(f"      ⚠ {c.why}: the article says {c.claim}; the record: {c.record}")
    for e in p.evidence[:2]:
        out.append(f"      “{e if len(e) <= 220 else e[:219] + '…'}”")
    return out


def as_text(ingested: Ingested) -> str:
    s, result = ingested.source, ingested.result
    zone = ZoneInfo(s.timezone)
    local = s.published.astimezone(zone)
    kinds: dict[str, int] = {}
    for p in result.proposals:
        kinds[p.kind] = kinds.get(p.kind, 0) + 1
    counts = ", ".join(f"{n} {k}" for k, n in sorted(kinds.items())) or "none"
    lines = [
        f"{s.outlet or 'Unknown outlet'} · {s.headline or '(no headline)'}",
        f"published {local:%a %d %b %Y %H:%M} {zone_label(s.timezone, local)}"
        + (f" · {s.url}" if s.url else ""),
        f"{len(result.proposals)} proposal(s): {counts}",
    ]
    lines.extend(ingested.notes)
    for c in result.conflicts:
        lines.append(f"⚠ {c.why}: {c.claim}; {c.record}")
    for i, p in enumerate(result.proposals, 1):
        lines.extend(_line(i, p))
    if result.held_back:
        lines.append(f"{len(result.held_back)} weaker proposal(s) held back (not queued):")
        for p in result.held_back:
            lines.append(f"    [{p.kind}] {p.date or '—'} · {p.title} (score {p.score:g})")
    return "\n".join(lines)


async def ingest(
    store: Store,
    where: str,
    *,
    guild_id: int | None,
    published: datetime | None = None,
    zone: str | None = None,
    outlet: str | None = None,
    default_zone: str = "UTC",
    allow_private: bool = False,
) -> Ingested:
    article = await read_article(where, allow_private=allow_private)
    return await ingest_article(
        store,
        article,
        guild_id=guild_id,
        published=published,
        zone=zone,
        outlet=outlet,
        default_zone=default_zone,
    )


async def ingest_article(
    store: Store,
    article: Article,
    *,
    guild_id: int | None,
    published: datetime | None = None,
    zone: str | None = None,
    outlet: str | None = None,
    default_zone: str = "UTC",
) -> Ingested:
    """The proposals an article (already read) makes against what the server sees."""
    source = article_in(
        article, published=published, zone=zone, outlet=outlet, default_zone=default_zone
    )
    notes: tuple[str, ...] = ()
    if len(source.text) > MAX_TEXT:
        notes = (
            f"The article is {len(source.text):,} characters long; I read the first "
            f"{MAX_TEXT:,} (about {MAX_TEXT // 6:,} words).",
        )
        source = source.model_copy(update={"text": _cut(source.text, MAX_TEXT)})
    record = await record_view(store, guild_id)
    try:
        result = await worker.run(
            propose, source, record, timeout=INGEST_BUDGET, what="reading the article's facts"
        )
    except worker.WorkFailed as exc:
        raise IngestError(
            f"{exc}; send a shorter text (the article alone) as a .txt file"
        ) from None
    return Ingested(article=article, source=source, result=result, notes=notes)


def _cut(text: str, limit: int) -> str:
    """The first `limit` characters, ending at a paragraph or sentence break when one is
    near, so no statement is read half."""
    head = text[:limit]
    for brk in ("\n\n", ". ", "\n"):
        at = head.rfind(brk)
        if at > limit * 0.8:
            return head[: at + len(brk)].rstrip()
    return head


BY_HAND = 0
"""The feed id under which articles added by /source add or `ingest` keep their keys."""


def article_keys(ingested: Ingested) -> list[str]:
    """How the article is known again: its link (tracking parameters, scheme and www. set
    aside) and its text (however spaced or cased), as a feed's items are."""
    keys = [text_key(ingested.article.text)]
    if ingested.article.url:
        keys.insert(0, link_key(ingested.article.url))
    return keys


async def queue(
    store: Store, ingested: Ingested, guild_id: int, actor: Actor
) -> tuple[Source, list[Queued]]:
    """Store the article as a source of the server and queue its proposals for review; the
    same article added again (by link or by text, by hand or through a feed) is refused."""
    keys = article_keys(ingested)
    known = await store.source_of_keys(guild_id, keys)
    if known is None:
        taken = await store.item_ids(Kind.SOURCE, guild_id)
        source = source_for(ingested.source, author=ingested.article.author, taken=taken)
        queued = await store.queue_item(
            guild_id, BY_HAND, keys, source, proposal_data(ingested), actor=actor
        )
        if queued is not None:
            metrics.proposals_queued(len(queued), "hand")
            return source, queued
        known = await store.source_of_keys(guild_id, keys)
    raise IngestError(
        f"this server already has that article (source `{known or '?'}`); its proposals are "
        "in /review, and nothing was queued twice"
    )


def proposal_data(ingested: Ingested) -> list[dict[str, Any]]:
    """The proposals as the queue keeps them, with the article's own problems (its conflicts
    with the record) as source-only proposals, for the curator too."""
    data = [p.model_dump(mode="json", exclude_none=True) for p in ingested.result.proposals]
    for note in ingested.result.conflicts:
        data.append(
            {
                "kind": "source-only",
                "title": note.why[:1].upper() + note.why[1:],
                "summary": f"{note.claim}; {note.record}",
                "evidence": [note.claim],
                "conflicts": [note.model_dump(mode="json")],
            }
        )
    return data
