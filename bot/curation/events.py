"""Events from /event add and /event edit."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.curation.common import (
    Context,
    Draft,
    changed_fields,
    clean_text,
    match_people,
    new_id,
    parse_date,
    parse_topic,
    resolve_source,
    validated,
)
from bot.errors import UserError
from bot.ingest.items import topic_for
from bot.models import SUMMARY_MAX, TITLE_MAX, Event, Source


@dataclass(frozen=True)
class EventInput:
    """Fields as typed; None means 'not given' (on edit: keep)."""

    date: str | None = None
    title: str | None = None
    summary: str | None = None
    topic: str | None = None
    people: str | None = None
    source_url: str | None = None
    source_name: str | None = None

    def given(self) -> bool:
        return any(
            v is not None for v in (self.date, self.title, self.summary, self.topic, self.people)
        ) or bool(self.source_url)


def build_event(inp: EventInput, ctx: Context) -> Draft:
    """A new event from /event add (date, title and summary are required)."""
    date = parse_date(inp.date or "")
    title = clean_text(inp.title or "", "title", TITLE_MAX)
    summary = clean_text(inp.summary or "", "summary", SUMMARY_MAX)
    topic = parse_topic(inp.topic, default=topic_for(f"{inp.title or ''} {inp.summary or ''}"))
    people = match_people(inp.people, ctx.people) if inp.people else []
    if not inp.source_url or not inp.source_url.strip():
        raise UserError(
            "Every event cites a source: give source_url (an http(s) link to the article, "
            "or pick a known source from the list)."
        )
    source_id, new_source = resolve_source(
        inp.source_url, name=inp.source_name, about=title, when=date, ctx=ctx
    )
    event = validated(
        Event,
        {
            "id": new_id(title, ctx.taken_ids, "event"),
            "date": date,
            "title": title,
            "summary": summary,
            "topic": topic,
            "people": people,
            "sources": [source_id],
        },
    )
    return Draft(event, (new_source,) if new_source else ())


def edit_event(current: Event, inp: EventInput, ctx: Context) -> Draft:
    """The event with the given fields replaced; a source_url adds a citation."""
    update: dict[str, Any] = {}
    if inp.date is not None:
        update["date"] = parse_date(inp.date)
    if inp.title is not None:
        update["title"] = clean_text(inp.title, "title", TITLE_MAX)
    if inp.summary is not None:
        update["summary"] = clean_text(inp.summary, "summary", SUMMARY_MAX)
    if inp.topic is not None:
        update["topic"] = parse_topic(inp.topic, current.topic)
    if inp.people is not None:
        update["people"] = match_people(inp.people, ctx.people) if inp.people.strip() else []
    new_sources: tuple[Source, ...] = ()
    if inp.source_url and inp.source_url.strip():
        source_id, new_source = resolve_source(
            inp.source_url,
            name=inp.source_name,
            about=update.get("title", current.title),
            when=update.get("date", current.date),
            ctx=ctx,
        )
        if source_id not in current.sources:
            update["sources"] = [*current.sources, source_id]
        new_sources = (new_source,) if new_source else ()
    data = current.model_dump()
    data.update(update)
    event = validated(Event, data)
    changed = changed_fields(current, event)
    if not changed:
        raise UserError("That is what the event already says; nothing changed.")
    return Draft(event, new_sources, changed)
