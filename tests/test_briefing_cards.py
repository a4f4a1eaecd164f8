"""The pure renderers: event/milestone/person cards and the audit diff stay within
Discord's limits, cut at words, and show text as written."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from bot.briefing import countdown, people, timeline
from bot.briefing.cards import event_embed, milestone_embed, person_embed
from bot.briefing.history import field_changes, history_embed
from bot.curated import Dataset
from bot.dates import FuzzyDate
from bot.models import AuditAction, AuditEntry, Event, Kind, Source
from tests.discord_spec import citation_problems, limit_problems

NOW = datetime(2026, 11, 21, 12, tzinfo=UTC)


def _check(embed: Any) -> None:
    assert limit_problems({"embeds": [embed.to_dict()]}) == []


def _without_footer(embed: Any) -> dict[str, Any]:
    data = dict(embed.to_dict())
    data.pop("footer", None)
    data.pop("color", None)
    return data


def test_event_card_is_what_readers_see(dataset: Dataset) -> None:
    people = {p.id: p for p in dataset.people}
    sources = {s.id: s for s in dataset.sources}
    conflicts = {c.id: c for c in dataset.conflicts}
    event = next(e for e in dataset.events if e.conflicts)
    embed = event_embed(event, people=people, sources=sources, conflicts=conflicts)
    _check(embed)
    reader = timeline.event_embed(event, sources, people, conflicts)
    assert _without_footer(embed) == _without_footer(reader)
    assert embed.title == event.title and event.summary in (embed.description or "")
    names = {f.name: f.value for f in embed.fields}
    assert names["When"] == event.date.label() and "⚠️ Sources disagree" in names
    assert embed.footer.text == f"id: {event.id}"
    hidden = event_embed(
        event, people=people, sources=sources, conflicts=conflicts, hidden_reason="dup @everyone"
    )
    assert hidden.footer.text == f"Hidden from readers: dup @everyone · id: {event.id}"
    assert hidden.colour != embed.colour


def test_event_card_with_the_largest_fields_stays_within_limits(dataset: Dataset) -> None:
    many = [
        Source(
            id=f"src-{i:03d}",
            outlet="Outlet [with] (brackets) " * 3,
            headline="H " * 100,
            url=f"https://example.com/{i}/a_(b)",  # type: ignore[arg-type]
            published_window=FuzzyDate.day(date(2025, 1, 1)),
            timezone="UTC",
        )
        for i in range(60)
    ]
    event = Event(
        id="big-event",
        date=FuzzyDate.day(date(2025, 1, 1)),
        title="T" * 200,
        summary="S " * 750,
        topic="talks",
        people=[p.id for p in dataset.people],
        sources=[s.id for s in many],
    )
    embed = event_embed(
        event,
        people={p.id: p for p in dataset.people},
        sources={s.id: s for s in many},
        conflicts={},
    )
    _check(embed)
    value = "\n".join(f.value or "" for f in embed.fields if (f.name or "").startswith("Sources"))
    assert "a_(b)" not in value  # no raw parenthesis in a link (it would end the link early)
    # every number the card shows is listed, or in the range that says where the rest are
    assert not citation_problems({"card": [embed.to_dict()]})
    assert "more sources, listed in /sources" in value
    few = event.model_copy(update={"sources": [s.id for s in many[:3]]})
    small = event_embed(few, people={}, sources={s.id: s for s in many}, conflicts={})
    links = "\n".join(f.value or "" for f in small.fields if (f.name or "").startswith("Sources"))
    assert "%28b%29" in links and "a_(b)" not in links  # full lines, links escaped


def test_milestone_card_is_what_countdown_shows(dataset: Dataset) -> None:
    sources = {s.id: s for s in dataset.sources}
    conflicts = {c.id: c for c in dataset.conflicts}
    for milestone in dataset.milestones:
        embed = milestone_embed(milestone, now=NOW, sources=sources, conflicts=conflicts)
        _check(embed)
        reader = countdown.milestone_embed(milestone, sources, NOW, conflicts)
        assert _without_footer(embed) == _without_footer(reader)
        assert embed.footer.text == f"id: {milestone.id}"


def test_person_card_is_what_who_shows(dataset: Dataset) -> None:
    sources = {s.id: s for s in dataset.sources}
    everyone = {p.id: p for p in dataset.people}
    conflicts = {c.id: c for c in dataset.conflicts}
    for person in dataset.people:
        embed = person_embed(person, sources=sources, conflicts=conflicts, everyone=everyone)
        _check(embed)
        reader = people.person_embed(
            person, people=everyone, sources=sources, events=[], conflicts=conflicts
        )
        assert _without_footer(embed) == _without_footer(reader)
        assert embed.title == person.name and embed.footer.text == f"id: {person.id}"


def _entry(action: AuditAction, before: Any, after: Any, reason: str | None = None) -> AuditEntry:
    return AuditEntry(
        at=NOW,
        guild_id=1,
        actor_id=2,
        actor_name="alice",
        kind=Kind.EVENT,
        item_id="geneva-talks",
        action=action,
        before=before,
        after=after,
        reason=reason,
    )


def test_field_changes_are_a_compact_diff() -> None:
    before = {"title": "Old", "summary": "word " * 50, "people": ["a", "b"], "date": "2025-05"}
    after = {"title": "New", "summary": "other " * 50, "people": ["b", "c"], "date": "2025-05"}
    lines = field_changes(before, after)
    assert lines[0] == "• title: “Old” → “New”"
    assert lines[1].startswith("• summary: “word word") and "…” → “other" in lines[1]
    assert lines[2] == "• people: +c −a"
    assert len(lines) == 3  # unchanged date left out


def test_history_embed_newest_first_and_within_limits() -> None:
    base = {"title": "T0", "summary": "S"}
    entries = [_entry(AuditAction.ADD, None, base)]
    for i in range(1, 200):
        before = {"title": f"T{i - 1} " + "x " * 30, "summary": "S"}
        after = {"title": f"T{i} " + "x " * 30, "summary": "S"}
        entries.append(_entry(AuditAction.EDIT, before, after, reason=f"fix {i}"))
    embed = history_embed("Geneva talks", "geneva-talks", entries)
    _check(embed)
    assert embed.description.startswith("**edited**") and "> fix 199" in embed.description
    assert "older not shown" in embed.footer.text and "200 change(s)" in embed.footer.text
    short = history_embed("G", "g", entries[:2])
    assert short.description.endswith("• as “T0”") and "older" not in short.footer.text
