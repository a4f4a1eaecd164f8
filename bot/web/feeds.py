"""/calendar.ics (RFC 5545) and /changes.atom (RFC 4287): what readers subscribe to.

A calendar client keeps an event by its UID and replaces it when SEQUENCE rises, so the UID
never changes (the milestone's id and the site) and SEQUENCE counts the accepted changes to
its time in the audit trail. Passed milestones stay in the calendar, with their outcome.
The feed has one entry per accepted change, newest first, its id the audit entry's, which
never changes either."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta
from typing import Any

from icalendar import Calendar
from icalendar import Event as VEvent

from bot.models import AuditAction, AuditEntry, Kind, Milestone
from bot.web import views
from bot.web.cache import Body
from bot.web.core import Ctx
from bot.web.pages import KIND_LABELS
from bot.web.record import Record, title_in

ICS = "text/calendar; charset=utf-8"
ATOM = "application/atom+xml; charset=utf-8"
ATOM_NS = "http://www.w3.org/2005/Atom"
FEED_ENTRIES = 100
PRODID = "-//US-China trade talks briefing//web//EN"
TIMING = ("at", "ends", "all_day")


def _instant(value: Any) -> Any:
    """A stored time as an instant to compare (the same time in two offsets is equal)."""
    if isinstance(value, str):
        try:
            return datetime.fromisoformat(value).astimezone(UTC)
        except ValueError:
            return value
    return value


def _timing(data: dict[str, Any] | None) -> tuple[Any, ...] | None:
    if data is None:
        return None
    return tuple(_instant(data.get(k)) for k in TIMING)


def sequence(history: list[AuditEntry]) -> int:
    """How many accepted changes moved the milestone's time (0 when it never moved)."""
    moved = 0
    for entry in history:
        before, after = _timing(entry.before), _timing(entry.after)
        if before is not None and after is not None and before != after:
            moved += 1
    return moved


def uid(m: Milestone, record: Record, host: str) -> str:
    scope = "" if record.guild_id is None else f".g{record.guild_id}"
    return f"milestone-{m.id}{scope}@{host}"


def _description(m: Milestone, record: Record) -> str:
    lines = [m.description] if m.description else []
    if m.outcome is not None:
        lines.append(f"Outcome: {m.outcome.status.value}. {m.outcome.note}")
    lines.append("Sources:")
    for sid in sorted(m.all_source_ids()):
        s = record.sources.get(sid)
        if s is None:
            continue
        url = views.safe_url(s.url)
        lines.append(f"- {s.outlet}: {s.headline}" + (f" <{url}>" if url else ""))
    return "\n".join(lines)


def vevent(m: Milestone, ctx: Ctx) -> VEvent:
    record = ctx.record
    history = record.history(Kind.MILESTONE, m.id)
    stamp = history[-1].at if history else record.last_modified
    ev = VEvent()
    ev.add("uid", uid(m, record, ctx.state.host))
    ev.add("dtstamp", stamp.astimezone(UTC))
    ev.add("sequence", sequence(history))
    if history:
        ev.add("created", history[0].at.astimezone(UTC))
        ev.add("last-modified", stamp.astimezone(UTC))
    if m.all_day:
        ev.add("dtstart", views.first_day(m))
        ev.add("dtend", views.last_day(m) + timedelta(days=1))  # exclusive
    else:
        ev.add("dtstart", m.at.astimezone(UTC))
        if m.ends is not None:
            ev.add("dtend", m.ends.astimezone(UTC))
    summary = m.name if m.outcome is None else f"{m.name} ({m.outcome.status.value})"
    ev.add("summary", summary)
    ev.add("description", _description(m, record))
    ev.add("url", ctx.absolute(f"/milestones/{m.id}"))
    ev.add("categories", [m.kind.value])
    if m.place:
        ev.add("location", m.place)
    return ev


async def calendar(ctx: Ctx) -> Body:
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", "US-China trade talks: deadlines and meetings")
    for m in sorted(ctx.record.milestones, key=lambda x: (x.at, x.id)):
        cal.add_component(vevent(m, ctx))
    return Body(cal.to_ical(), ICS)


# -- Atom --------------------------------------------------------------------------------------

VERBS = {
    AuditAction.ADD: "Added",
    AuditAction.EDIT: "Corrected",
    AuditAction.REMOVE: "Removed",
    AuditAction.RESTORE: "Restored",
    AuditAction.IMPORT: "Recorded",
}


def _changed_fields(entry: AuditEntry) -> list[str]:
    before, after = entry.before or {}, entry.after or {}
    return sorted(k for k in before.keys() | after.keys() if before.get(k) != after.get(k))


def _summary(entry: AuditEntry) -> str:
    if entry.action is AuditAction.REMOVE:
        return "Taken off the record" + (f": {entry.reason}" if entry.reason else ".")
    if entry.before is None:
        return "New on the record."
    fields = _changed_fields(entry)
    changed = f"Changed: {', '.join(fields)}." if fields else "Confirmed unchanged."
    return changed + (f" Reason: {entry.reason}" if entry.reason else "")


def _entry_link(entry: AuditEntry, ctx: Ctx) -> str:
    item = ctx.record.item(entry.kind, entry.item_id)
    return ctx.absolute(ctx.record.path_of(item) if item is not None else "/timeline")


NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
"""Characters XML 1.0 cannot carry at all, even escaped: dropped from the feed's text."""


def _add(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    clean = {k: NOT_XML.sub("", v) for k, v in attrs.items()}
    el = ET.SubElement(parent, f"{{{ATOM_NS}}}{tag}", clean)
    if text is not None:
        el.text = NOT_XML.sub("", text)
    return el


def _stamp(at: datetime) -> str:
    return at.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def atom_entry(feed: ET.Element, entry: AuditEntry, ctx: Ctx) -> None:
    el = _add(feed, "entry")
    _add(el, "id", f"tag:{ctx.state.host},2025:change/{entry.id}")
    title = title_in(entry.after) or title_in(entry.before) or entry.item_id
    _add(el, "title", f"{VERBS[entry.action]} {KIND_LABELS[entry.kind].lower()}: {title}")
    _add(el, "updated", _stamp(entry.at))
    _add(el, "link", href=_entry_link(entry, ctx), rel="alternate", type="text/html")
    _add(el, "summary", _summary(entry))


async def changes(ctx: Ctx) -> Body:
    ET.register_namespace("", ATOM_NS)
    record = ctx.record
    feed = ET.Element(f"{{{ATOM_NS}}}feed")
    _add(feed, "id", ctx.absolute("/changes.atom"))
    _add(feed, "title", "US-China trade talks: changes to the record")
    newest = record.changes[0].at if record.changes else record.last_modified
    _add(feed, "updated", _stamp(newest))
    _add(feed, "link", href=ctx.absolute("/changes.atom"), rel="self", type=ATOM.split(";")[0])
    _add(feed, "link", href=ctx.absolute("/"), rel="alternate", type="text/html")
    author = _add(feed, "author")
    _add(author, "name", "The trade-talks briefing's curators")
    for entry in record.changes[:FEED_ENTRIES]:
        atom_entry(feed, entry, ctx)
    data = ET.tostring(feed, encoding="utf-8", xml_declaration=True)
    return Body(data, ATOM)
