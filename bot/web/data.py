"""The record as data: /tariffs.csv and /tariffs.json (one row per layer, as of a day),
/events.json, and the chart /tariffs.png. The JSON files open with a manifest (the day, the
data version, when it was generated) so a copy can say what it is a copy of."""

from __future__ import annotations

import asyncio
import csv
import io
import json
from datetime import date
from typing import Any

from bot.charts import key_markers, render_tariff_chart
from bot.models import Event, Source
from bot.web import params, views
from bot.web.cache import Body
from bot.web.core import Ctx
from bot.web.views import Layer

CSV = "text/csv; charset=utf-8"
JSON = "application/json; charset=utf-8"
PNG = "image/png"
COLUMNS = (
    "direction",
    "id",
    "name",
    "legal_basis",
    "instrument",
    "rate",
    "rate_from",
    "rate_text",
    "status",
    "since",
    "until",
    "overdue_since",
    "planned_from",
    "scope",
    "coverage",
    "sources",
    "conflicts",
)
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _iso(d: date | None) -> str | None:
    return d.isoformat() if d is not None else None


def layer_row(layer: Layer) -> dict[str, Any]:
    """A layer as plain values. `instrument` says how the layer applies (every good, or a
    product list): the record keeps the legal basis, not the text of each instrument."""
    m = layer.measure
    return {
        "direction": layer.direction,
        "id": m.id,
        "name": m.name,
        "legal_basis": m.legal_basis,
        "instrument": "across-the-board duty" if m.applies_to_all else "product list",
        "rate": m.rate,
        "rate_from": m.rate_from,
        "rate_text": layer.rate_text,
        "status": layer.status,
        "since": _iso(layer.since),
        "until": _iso(layer.until),
        "overdue_since": _iso(layer.overdue),
        "planned_from": _iso(m.planned_from),
        "scope": layer.scope,
        "coverage": m.coverage,
        "sources": list(m.sources),
        "conflicts": list(m.conflicts),
    }


def _cell(value: Any) -> str:
    """A CSV cell; text that a spreadsheet would run as a formula is quoted with '."""
    if value is None:
        return ""
    if isinstance(value, list):
        value = " ".join(value)
    if isinstance(value, float):
        return f"{value:g}"
    text = str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def _layers(ctx: Ctx) -> tuple[date, list[Layer]]:
    day, _ = params.as_of(ctx.query, ctx.now.date())
    return day, views.all_layers(ctx.record.tariffs, day)


def _source(s: Source) -> dict[str, Any]:
    return {
        "id": s.id,
        "outlet": s.outlet,
        "headline": s.headline,
        "url": views.safe_url(s.url),
        "published": s.published.isoformat() if s.published else None,
        "date": s.date_window.canonical(),
    }


def _manifest(ctx: Ctx, **extra: Any) -> dict[str, Any]:
    return {
        "data_version": ctx.record.version,
        "generated_at": ctx.now.isoformat(),
        "view": "curated record" if ctx.record.guild_id is None else "published server view",
        **extra,
    }


def _json(value: Any) -> Body:
    return Body(json.dumps(value, ensure_ascii=False, indent=1).encode("utf-8"), JSON)


async def tariffs_csv(ctx: Ctx) -> Body:
    _, layers = _layers(ctx)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for layer in layers:
        row = layer_row(layer)
        writer.writerow([_cell(row[c]) for c in COLUMNS])
    return Body(out.getvalue().encode("utf-8"), CSV)


async def tariffs_json(ctx: Ctx) -> Body:
    day, layers = _layers(ctx)
    cited = sorted({sid for layer in layers for sid in layer.measure.sources})
    sides = [
        {"direction": f"{s.imposer} on {s.target}", "across_the_board_total": s.total}
        for s in views.sides(ctx.record.tariffs, day)
    ]
    return _json(
        {
            "manifest": _manifest(ctx, as_of=day.isoformat(), rows=len(layers)),
            "totals": sides,
            "layers": [layer_row(x) for x in layers],
            "sources": [_source(ctx.record.sources[i]) for i in cited if i in ctx.record.sources],
        }
    )


def _event(e: Event, ctx: Ctx) -> dict[str, Any]:
    return {
        "id": e.id,
        "url": ctx.absolute(f"/events/{e.id}"),
        "date": e.date.canonical(),
        "start": e.date.start.isoformat(),
        "end": e.date.end.isoformat(),
        "precision": e.date.precision.value,
        "title": e.title,
        "summary": e.summary,
        "topic": e.topic,
        "place": e.place,
        "people": list(e.people),
        "sources": list(e.sources),
        "quotes": [q.model_dump() for q in e.quotes],
        "conflicts": list(e.conflicts),
    }


async def events_json(ctx: Ctx) -> Body:
    events = ctx.record.events
    cited = sorted({sid for e in events for sid in e.all_source_ids()})
    return _json(
        {
            "manifest": _manifest(ctx, rows=len(events)),
            "events": [_event(e, ctx) for e in events],
            "sources": [_source(ctx.record.sources[i]) for i in cited if i in ctx.record.sources],
        }
    )


async def tariffs_png(ctx: Ctx) -> Body:
    """The chart, drawn in a worker thread (tens of milliseconds of matplotlib), once per
    data version and day: the response cache keeps it."""
    day, asked = params.as_of(ctx.query, ctx.now.date())
    measures = list(ctx.record.tariffs)
    markers = key_markers(measures, ctx.record.milestones)
    today = ctx.now.date()
    png = await asyncio.to_thread(
        render_tariff_chart, measures, markers, today, day if asked else None
    )
    return Body(png, PNG)
