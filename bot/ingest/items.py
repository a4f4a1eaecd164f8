"""From an article and an accepted proposal to the record's own items (pure): the article as a
Source, a proposal as an Event, TariffMeasure, Milestone or Person, and "source only" as the
matched item citing the article. A proposal the record has already caught up with says so
(`moot`) instead of being applied twice.
"""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from bot.dates import FuzzyDate
from bot.ingest.models import ArticleIn, Proposal
from bot.models import (
    TOPICS,
    AnyItem,
    Event,
    Milestone,
    MilestoneKind,
    Outcome,
    Person,
    Source,
    StatusChange,
    TariffMeasure,
    TariffStatus,
)

_TOPIC_WORDS = {
    "tariffs": r"tariff|duty|duties|surcharge|levy",
    "export-controls": r"export control|rare earth|chips?\b|semiconductor",
    "agriculture": r"soybean|farm|agricultur|beef|pork",
    "courts": r"court|ruling|judge|lawsuit",
    "sanctions": r"sanction|entity list",
    "talks": r"talks|negotiat|round|consultation",
    "diplomacy": r"summit|visit|call|leaders|meeting",
    "trade-deals": r"deal|agreement|framework|purchase",
}


class ProposalError(ValueError):
    """A proposal that cannot become a record item as it stands; the message says why."""


def slug(*parts: str, taken: set[str] | frozenset[str] = frozenset(), limit: int = 56) -> str:
    """A record id from words: lower case, hyphens, at most `limit` characters, not one of
    `taken` (a number is added when it is)."""
    text = "-".join(p for p in parts if p)
    words = re.findall(r"[a-z0-9]+", text.casefold())
    base = "-".join(words)[:limit].strip("-") or "item"
    if len(base) < 2:
        base = f"{base}-x"
    candidate, n = base, 2
    while candidate in taken:
        candidate = f"{base}-{n}"
        n += 1
    return candidate


def source_for(article: ArticleIn, *, author: str | None, taken: set[str]) -> Source:
    """The article as a source of this server: outlet, headline, author, publication time and
    the zone it speaks in."""
    local = article.published.astimezone(ZoneInfo(article.timezone))
    outlet = article.outlet or (
        re.sub(r"^www\.", "", article.url.split("/")[2]) if article.url else "Unknown outlet"
    )
    headline = article.headline or article.text.strip().split("\n", 1)[0][:200]
    data: dict[str, Any] = {
        "id": slug(outlet, local.date().isoformat(), headline, taken=taken, limit=60),
        "kind": "article",
        "outlet": outlet[:200],
        "headline": headline[:200],
        "published": article.published,
        "timezone": article.timezone,
    }
    if author:
        data["author"] = author
    if article.url:
        data["url"] = article.url
    return Source.model_validate(data)


def topic_for(text: str) -> str:
    for topic, pattern in _TOPIC_WORDS.items():
        if re.search(pattern, text, re.IGNORECASE):
            return topic
    return TOPICS[1]  # talks


def item_for(
    proposal: Proposal, *, source_id: str, people: set[str], taken: set[str], zone: str
) -> AnyItem:
    """The new record item an accepted proposal makes (people the record does not know are
    left out of an event's people; accept their person proposal first)."""
    date = FuzzyDate.model_validate(proposal.date) if proposal.date else None
    known = [p for p in proposal.people if p in people]
    if proposal.kind == "event":
        if date is None:
            raise ProposalError("this proposal has no date; edit it to give one")
        return Event.model_validate(
            {
                "id": slug(date.start.isoformat(), proposal.title, taken=taken),
                "date": date,
                "title": proposal.title[:200],
                "summary": proposal.summary[:1500],
                "topic": topic_for(f"{proposal.title} {proposal.summary}"),
                "people": known,
                "sources": [source_id],
            }
        )
    if proposal.kind == "tariff":
        if date is None or proposal.rate is None or not proposal.imposer or not proposal.target:
            raise ProposalError("a tariff needs a date, a rate and who imposes it on whom")
        status = TariffStatus(proposal.status or "announced")
        history = [StatusChange(status=status, day=date.start)]
        if (
            status in (TariffStatus.ANNOUNCED, TariffStatus.IN_FORCE)
            and proposal.announced_on is not None
        ):
            # announced on that day, and in force from its date (the day it takes effect)
            history = [StatusChange(status=TariffStatus.IN_FORCE, day=date.start)]
            if proposal.announced_on < date.start:
                history.insert(
                    0, StatusChange(status=TariffStatus.ANNOUNCED, day=proposal.announced_on)
                )
        broad = bool(re.search(r"\ball\b|across the board", proposal.summary, re.IGNORECASE))
        return TariffMeasure(
            id=slug(proposal.imposer, proposal.target, proposal.title, taken=taken),
            imposer=proposal.imposer,
            target=proposal.target,
            name=proposal.title[:200],
            legal_basis=(proposal.legal_basis or "Not stated in the article")[:200],
            rate=proposal.rate,
            applies_to_all=broad,
            coverage="all goods" if broad else "as the article describes",
            history=history,
            sources=[source_id],
        )
    if proposal.kind == "milestone":
        if date is None:
            raise ProposalError("a milestone needs a date; edit it to give one")
        tz = ZoneInfo(proposal.timezone or zone)
        at = proposal.at or datetime.combine(date.start, time(0), tz)
        ends = datetime.combine(date.end, time(23, 59), tz) if date.end != date.start else None
        meeting = re.search(r"meet|summit|talks|forum|visit", proposal.summary, re.IGNORECASE)
        return Milestone.model_validate(
            {
                "id": slug(date.start.isoformat(), proposal.title, taken=taken),
                "name": proposal.title[:200],
                "at": at,
                "ends": ends,
                "all_day": proposal.at is None,
                "timezone": proposal.timezone or zone,
                "kind": MilestoneKind.MEETING if meeting else MilestoneKind.DEADLINE,
                "description": proposal.summary[:1000],
                "sources": [source_id],
            }
        )
    if proposal.kind == "person":
        name = proposal.people[0] if proposal.people else proposal.title
        return Person.model_validate(
            {
                "id": slug(name, taken=taken),
                "name": name,
                "country": "Not yet recorded",
                "affiliation": proposal.summary.removeprefix("Named in the article as ").rstrip(
                    "."
                )[:200]
                or "Not yet recorded",
                "bio": proposal.summary,
                "sources": [source_id],
            }
        )
    raise ProposalError(f"a {proposal.kind} proposal is not accepted as a new item")


def updated(item: AnyItem, proposal: Proposal, *, source_id: str) -> AnyItem:
    """The recorded item as an accepted update leaves it, citing the article: a milestone's
    outcome (extended, held), a tariff layer's end (its status runs to the new day, from
    the day the article reports it). A rate is not changed in place: a rate change is a new
    layer replacing the old on the same day, which a curator adds as a tariff."""
    change = proposal.change
    if change is None:
        raise ProposalError("this update says nothing about what it changes")
    day = FuzzyDate.model_validate(proposal.date).start if proposal.date else None
    sources = list(dict.fromkeys([*getattr(item, "sources", []), source_id]))
    if isinstance(item, Milestone) and change.field == "outcome":
        status = "held" if change.new == "held" else "extended"
        note = (
            "Held, as reported."
            if status == "held"
            else f"{change.new[:1].upper()}{change.new[1:]}."
        )
        return item.model_copy(
            update={
                "outcome": Outcome(status=status, note=note[:500], sources=[source_id]),
                "sources": sources,
            }
        )
    if isinstance(item, TariffMeasure) and change.field == "end":
        new_end = FuzzyDate.model_validate(change.new).start
        current = item.history[-1]
        start = max(day or current.day, current.day + timedelta(days=1))
        if new_end <= start:
            raise ProposalError(f"the new end ({new_end}) is not after {start}")
        step = StatusChange(
            status=current.status, day=start, until=new_end, note="end moved, as reported"
        )
        return TariffMeasure.model_validate(
            item.model_copy(
                update={"history": [*item.history, step], "sources": sources}
            ).model_dump()
        )
    raise ProposalError(
        f"a change of the {change.field} of {item.id} is not applied in place; add it with "
        "Edit as a new item (a new rate is a new tariff layer)"
    )


def cited(item: AnyItem, source_id: str) -> AnyItem | None:
    """The item citing the article too; None when it already does (the proposal is moot)."""
    sources = list(getattr(item, "sources", []))
    if source_id in sources:
        return None
    return item.model_copy(update={"sources": [*sources, source_id]})
