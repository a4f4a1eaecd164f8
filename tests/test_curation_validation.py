"""The validation layer on its own: what curators type -> items, or a clear error."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.curated import Dataset
from bot.curation import (
    Context,
    EventInput,
    MilestoneInput,
    PersonInput,
    build_event,
    build_milestone,
    build_person,
    check_url,
    edit_event,
    edit_milestone,
    edit_person,
    match_people,
    new_id,
    parse_date,
    parse_when,
    slugify,
)
from bot.errors import UserError
from bot.models import Event, Milestone, Person, Source

ITEM_ID = re.compile(r"^[a-z0-9][a-z0-9-]{1,63}$")
NOW = datetime(2026, 11, 21, 12, tzinfo=UTC)


@pytest.fixture
def ctx(dataset: Dataset) -> Context:
    return Context(
        people=dataset.people,
        sources=dataset.sources,
        taken_ids={e.id for e in dataset.events},
        source_ids={s.id for s in dataset.sources},
        timezone="Asia/Shanghai",
        actor_name="alice",
    )


@pytest.mark.parametrize(
    ("typed", "canonical"),
    [
        ("2025-10-09", "2025-10-09"),
        ("9 Oct 2025", "2025-10-09"),
        ("Oct 9, 2025", "2025-10-09"),
        ("2025/10/09", "2025-10-09"),
        ("Oct 2025", "2025-10"),
        ("mid Nov 2025", "mid 2025-11"),
        ("week of 25 Aug 2025", "week of 2025-08-25"),
        ("2025-Q3", "2025-Q3"),
    ],
)
def test_dates_as_people_type_them(typed: str, canonical: str) -> None:
    assert parse_date(typed).canonical() == canonical


@pytest.mark.parametrize(
    ("typed", "says"),
    [
        ("2025-02-30", "February 2025 has 28 days"),
        ("2024-02-30", "February 2024 has 29 days"),
        ("2025-13-01", "there is no month 13"),
        ("30 Feb 2025", "not a real date"),
        ("tomorrow", "use a date like 2025-10-09"),
        ("", "empty date"),
    ],
)
def test_impossible_dates_say_why(typed: str, says: str) -> None:
    with pytest.raises(UserError, match=says):
        parse_date(typed)


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        " JavaScript:alert(1)",
        "data:text/html;base64,PHNjcmlwdD4=",
        "vbscript:msgbox",
        "file:///etc/passwd",
        "ftp://example.com/x",
        "example.com/story",
        "https://exa mple.com/",
        "https://",
        "http://[oops",
        "https://exa]mple.com/",
    ],
)
def test_only_http_links_are_accepted(url: str) -> None:
    with pytest.raises(UserError, match="source_url"):
        check_url(url)


def test_http_links_are_kept_normalised() -> None:
    assert check_url("https://example.com") == "https://example.com/"
    assert check_url(" http://news.example.org/a?b=1 ") == "http://news.example.org/a?b=1"


def test_people_match_names_aliases_and_near_spellings(dataset: Dataset) -> None:
    people = dataset.people
    assert match_people("Bessent, 何立峰, greer", people) == [
        "scott-bessent",
        "he-lifeng",
        "jamieson-greer",
    ]
    assert match_people("Scott Bessnet; Bessent", people) == ["scott-bessent"]
    assert match_people("none", people) == []
    with pytest.raises(UserError) as caught:
        match_people("Bessent, Jane Roe, Xyzzy", people)
    assert "'Jane Roe', 'Xyzzy'" in str(caught.value) and "/person add" in str(caught.value)


@pytest.mark.parametrize(
    "title", ["Geneva talks", "🇺🇸🤝🇨🇳", "محادثات", "x" * 200, "Robert'); DROP TABLE--"]
)
def test_generated_ids_are_valid_and_free(title: str) -> None:
    taken = {f"{slugify(title) or 'event'}-aaaaaa"}
    tokens = iter(["aaaaaa", "bbbbbb"])
    made = new_id(title, taken, "event", token=lambda: next(tokens))
    assert ITEM_ID.match(made) and made.endswith("-bbbbbb")


def test_a_new_event_builds_its_source_from_the_link(ctx: Context) -> None:
    draft = build_event(
        EventInput(
            date="9 Oct 2025",
            title="  Rare-earth controls widen  ",
            summary="Five more elements.",
            topic="Export-Controls",
            people="He Lifeng",
            source_url="https://www.example.com/story",
        ),
        ctx,
    )
    event, (source,) = draft.item, draft.new_sources
    assert isinstance(event, Event) and event.title == "Rare-earth controls widen"
    assert event.topic == "export-controls" and event.sources == [source.id]
    assert source.outlet == "example.com" and source.kind == "article"
    assert source.published_window == event.date and source.timezone == "Asia/Shanghai"
    assert source.headline == event.title and "alice" in source.problems[0]
    assert draft.items() == [source, event]


def test_a_known_source_is_cited_not_copied(ctx: Context, dataset: Dataset) -> None:
    known = next(s for s in dataset.sources if s.url is not None)
    for value in (known.id, str(known.url)):
        draft = build_event(EventInput(date="2025", title="T", summary="S", source_url=value), ctx)
        assert draft.new_sources == () and isinstance(draft.item, Event)
        assert draft.item.sources == [known.id]


@pytest.mark.parametrize(
    ("fields", "says"),
    [
        ({"source_url": None}, "cites a source"),
        ({"source_url": "nonsense"}, "neither a link nor a known source"),
        ({"topic": "weather"}, "Unknown topic 'weather'"),
        ({"title": "x" * 201}, "201 characters long; the limit is 200"),
        ({"summary": "\x00\x01 "}, "The summary is empty"),
    ],
)
def test_add_refuses_bad_fields(ctx: Context, fields: dict[str, str | None], says: str) -> None:
    base: dict[str, str | None] = {
        "date": "2025-01-01",
        "title": "T",
        "summary": "S",
        "source_url": "https://example.com/",
    }
    with pytest.raises(UserError, match=re.escape(says)):
        build_event(EventInput(**{**base, **fields}), ctx)


def test_edit_replaces_given_fields_and_adds_a_source(ctx: Context, dataset: Dataset) -> None:
    current = next(e for e in dataset.events if e.people)
    draft = edit_event(
        current, EventInput(people="none", source_url="https://example.org/new"), ctx
    )
    assert isinstance(draft.item, Event) and draft.item.people == []
    assert draft.item.sources == [*current.sources, draft.new_sources[0].id]
    assert draft.changed == ("people", "sources")
    with pytest.raises(UserError, match="nothing changed"):
        edit_event(current, EventInput(title=current.title), ctx)


def test_when_reads_day_and_time_in_the_zone() -> None:
    at, all_day = parse_when("2026-11-10 00:01", "America/New_York")
    assert at == datetime(2026, 11, 10, 5, 1, tzinfo=UTC) and not all_day
    at, all_day = parse_when("10 Nov 2026 9:30 pm", "Asia/Shanghai")
    assert at == datetime(2026, 11, 10, 13, 30, tzinfo=UTC)
    at, all_day = parse_when("2026-07-01", "Europe/London")
    assert all_day and at == datetime(2026, 6, 30, 23, 0, tzinfo=UTC)
    for bad, says in (("Nov 2026", "single day"), ("2026-11-10 24:00", "not a time")):
        with pytest.raises(UserError, match=says):
            parse_when(bad, "UTC")


def test_milestone_edit_fixes_the_zone_and_moves_the_end(ctx: Context, dataset: Dataset) -> None:
    current = next(m for m in dataset.milestones if m.ends is not None)
    length = current.ends - current.at  # type: ignore[operator]
    draft = edit_milestone(current, MilestoneInput(timezone="UTC"), ctx, NOW)
    moved = draft.item
    assert isinstance(moved, Milestone) and moved.timezone == "UTC"
    wall_clock = current.at.astimezone(ZoneInfo(current.timezone)).replace(tzinfo=None)
    assert current.timezone != "UTC" and moved.at != current.at
    assert moved.at.astimezone(UTC).replace(tzinfo=None) == wall_clock
    assert moved.ends is not None and moved.ends - moved.at == length


def test_new_milestones_need_a_source_and_no_outcome(ctx: Context) -> None:
    with pytest.raises(UserError, match="once the milestone has passed"):
        build_milestone(
            MilestoneInput(name="X", when="2027-01-01", outcome="met", source_url="x.com"),
            ctx,
            date(2026, 11, 21),
        )
    draft = build_milestone(
        MilestoneInput(name="X", when="2027-01-01", source_url="https://x.com/a"),
        ctx,
        date(2026, 11, 21),
    )
    assert isinstance(draft.item, Milestone) and draft.item.timezone == "Asia/Shanghai"
    assert draft.new_sources[0].published_window == parse_date("2026-11-21")


def test_people_are_not_added_twice(ctx: Context, dataset: Dataset) -> None:
    with pytest.raises(UserError, match="already known as Scott Bessent"):
        build_person(
            PersonInput("Secretary Bessent", None, "US", "Treasury", "Bio", "https://a.com/"),
            ctx,
            date(2026, 11, 21),
        )
    bessent = next(p for p in dataset.people if p.id == "scott-bessent")
    with pytest.raises(UserError, match="already known as He Lifeng"):
        edit_person(bessent, PersonInput(aliases="He"), ctx, date(2026, 11, 21))
    draft = edit_person(bessent, PersonInput(aliases="SB, Bessent"), ctx, date(2026, 11, 21))
    assert isinstance(draft.item, Person) and draft.item.aliases == ["SB", "Bessent"]


def test_source_objects_stay_valid_models(ctx: Context) -> None:
    draft = build_event(
        EventInput(
            date="2025",
            title="🇺🇸",
            summary="s",
            source_url="https://example.com/",
            source_name="<@&123> Outlet",
        ),
        ctx,
    )
    (source,) = draft.new_sources
    assert Source.model_validate(source.model_dump()) == source
    assert source.outlet == "<@&123> Outlet"
