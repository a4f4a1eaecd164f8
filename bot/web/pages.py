"""The HTML pages: home, timeline, one event, person, milestone or source, tariffs on a day,
deadlines. Each reads the request's view of the record (bot.web.record) and renders a
template; the templates escape every value."""

from __future__ import annotations

import math
from typing import Any

from bot.briefing.common import source_when
from bot.briefing.tariffs import scope_note
from bot.models import TOPICS, AnyItem, Kind, Milestone, TimelineFilter, kind_of
from bot.web import params, views
from bot.web.cache import Body
from bot.web.core import Ctx, Missing
from bot.web.record import Record, title_of

PAGE_SIZE = 20
HOME_EVENTS = 6
HOME_MILESTONES = 5
PERSON_EVENTS = 10


def _lookups(record: Record) -> dict[str, Any]:
    return {"sources": record.sources, "people": record.people, "conflicts": record.conflicts}


def _item_id(ctx: Ctx) -> str:
    return ctx.request.match_info["item_id"]


def _missing(what: str) -> Missing:
    return Missing(f"There is no {what} with this id on record.")


def _with_times(milestones: list[Milestone], ctx: Ctx) -> list[tuple[Milestone, Any, str]]:
    return [(m, views.times(m), views.state(m, ctx.now)) for m in milestones]


async def home(ctx: Ctx) -> Body:
    today = ctx.now.date()
    upcoming, _ = views.split_milestones(ctx.record.milestones, ctx.now)
    return ctx.html(
        "home.html",
        title="Home",
        today=today,
        sides=views.sides(ctx.record.tariffs, today),
        upcoming=_with_times(upcoming[:HOME_MILESTONES], ctx),
        events=ctx.record.events[:HOME_EVENTS],
        **_lookups(ctx.record),
    )


async def timeline(ctx: Ctx) -> Body:
    """Newest first, PAGE_SIZE a page; page N is a stable address (?page=N with the
    filters in one order). The store's keyset pages are read as one run of N pages."""
    record = ctx.record
    flt = params.timeline_filter(ctx.query, record.people)
    number = params.page(ctx.query)
    store = ctx.state.store
    count = await store.count_events(record.guild_id, flt)
    pages = max(1, math.ceil(count / PAGE_SIZE))
    if number > pages:
        raise Missing(f"There is no page {number}: these filters give {pages} page(s).")
    run = await store.timeline(record.guild_id, flt, limit=number * PAGE_SIZE)
    events = run.events[(number - 1) * PAGE_SIZE :]
    base = params.filter_query(flt)

    def at(n: int) -> str:
        return ctx.link("/timeline", {**base, "page": str(n)} if n > 1 else base)

    return ctx.html(
        "timeline.html",
        title="Timeline",
        flt=flt,
        filtered=flt != TimelineFilter(),
        people=sorted(record.people.values(), key=lambda x: x.name),
        topics=TOPICS,
        count=count,
        page=number,
        pages=pages,
        events=events,
        newer=at(number - 1) if number > 1 else None,
        older=at(number + 1) if number < pages else None,
    )


async def event(ctx: Ctx) -> Body:
    found = ctx.record.events_by_id.get(_item_id(ctx))
    if found is None:
        raise _missing("event")
    return ctx.html("event.html", title=found.title, e=found, **_lookups(ctx.record))


async def person(ctx: Ctx) -> Body:
    record = ctx.record
    found = record.people.get(_item_id(ctx))
    if found is None:
        raise _missing("person")
    events = [e for e in record.events if found.id in e.people][:PERSON_EVENTS]
    aides_to = [record.people[i] for i in found.aide_to if i in record.people]
    return ctx.html(
        "person.html",
        title=found.name,
        person=found,
        events=events,
        aides_to=aides_to,
        **_lookups(record),
    )


async def milestone(ctx: Ctx) -> Body:
    found = ctx.record.milestones_by_id.get(_item_id(ctx))
    if found is None:
        raise _missing("milestone")
    return ctx.html(
        "milestone.html",
        title=found.name,
        m=found,
        times=views.times(found),
        state=views.state(found, ctx.now),
        passed=found.passed(ctx.now),
        **_lookups(ctx.record),
    )


async def source(ctx: Ctx) -> Body:
    record = ctx.record
    found = record.sources.get(_item_id(ctx))
    if found is None:
        raise _missing("source")
    citing = [
        (f"{kind_label(item)}: {title_of(item)}", record.path_of(item))
        for item in record.citing.get(found.id, [])
    ]
    conflict_ids = [c.id for c in record.conflicts.values() if found.id in c.source_ids()]
    return ctx.html(
        "source.html",
        title=found.headline,
        s=found,
        when=source_when(found),
        citing=citing,
        conflict_ids=conflict_ids,
        **_lookups(record),
    )


KIND_LABELS = {
    Kind.EVENT: "Event",
    Kind.PERSON: "Person",
    Kind.MILESTONE: "Milestone",
    Kind.TARIFF: "Tariff layer",
    Kind.CONFLICT: "Dispute",
    Kind.SOURCE: "Source",
}


def kind_label(item: AnyItem) -> str:
    return KIND_LABELS[kind_of(item)]


async def tariffs(ctx: Ctx) -> Body:
    day, asked = params.as_of(ctx.query, ctx.now.date())
    record = ctx.record
    sides = views.sides(record.tariffs, day)
    named = [
        cid
        for s in sides
        for group in (s.across, s.products, s.suspended, s.threatened)
        for layer in group
        for cid in layer.measure.conflicts
    ]
    query = {"as_of": day.isoformat()} if asked else None
    return ctx.html(
        "tariffs.html",
        title=f"Tariffs as of {views.day_label(day)}",
        as_of=day,
        sides=sides,
        scope=scope_note(record.tariffs, day),
        conflict_ids=list(dict.fromkeys(named)),
        chart=ctx.link("/tariffs.png", query),
        csv=ctx.link("/tariffs.csv", query),
        json=ctx.link("/tariffs.json", query),
        **_lookups(record),
    )


async def deadlines(ctx: Ctx) -> Body:
    upcoming, passed = views.split_milestones(ctx.record.milestones, ctx.now)
    return ctx.html(
        "deadlines.html",
        title="Deadlines",
        upcoming=_with_times(upcoming, ctx),
        passed=_with_times(passed, ctx),
    )
