"""The pure briefing layer: text helpers, and every renderer within Discord's limits even
with very long synthetic data."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import discord
import pytest

from bot.briefing import countdown, people, sources, tariffs, timeline
from bot.briefing.help import help_embeds
from bot.briefing.text import (
    ELLIPSIS,
    add_field_lines,
    chunk_lines,
    embed_size,
    join_fitting,
    pack_messages,
    truncate,
    within_limits,
)
from bot.curated import Dataset
from bot.dates import FuzzyDate
from bot.models import (
    Claim,
    Conflict,
    Event,
    Milestone,
    MilestoneKind,
    Person,
    Post,
    Source,
    StatusChange,
    TariffMeasure,
    TariffStatus,
)
from bot.store import Cursor, TimelineFilter, TimelinePage

NOW = datetime(2026, 11, 21, 12, 0, tzinfo=UTC)
LONG = ("word " * 400).strip()


def test_truncate_cuts_at_a_word_and_says_so() -> None:
    assert truncate("short", 10) == "short"
    cut = truncate("the quick brown fox jumps", 14)
    assert cut == "the quick…" and len(cut) <= 14
    assert truncate("x" * 50, 10) == "x" * 9 + ELLIPSIS


def test_join_fitting_counts_what_it_leaves_out() -> None:
    lines = [f"line number {i}" for i in range(100)]
    text = join_fitting(lines, 200)
    assert len(text) <= 200 and text.endswith("more")
    shown = text.count("line number")
    assert f"… and {100 - shown} more" in text
    assert join_fitting(["a", "b"], 10) == "a\nb"
    assert len(join_fitting([LONG], 50)) <= 50


def test_chunks_and_fields_never_exceed_limits() -> None:
    lines = [f"{i} {LONG[: (i * 37) % 1500]}" for i in range(200)]
    assert all(len(c) <= 1024 for c in chunk_lines(lines, 1024))
    embed = discord.Embed(title="t")
    add_field_lines(embed, "Things", lines, max_fields=3)
    assert len(embed.fields) == 3 and not within_limits(embed)
    assert "more" in (embed.fields[-1].value or "")


def test_pack_messages_respects_6000_and_ten() -> None:
    embeds = [discord.Embed(description="x" * 2500) for _ in range(7)]
    embeds += [discord.Embed(description="y") for _ in range(15)]
    messages = pack_messages(embeds)
    assert sum(len(m) for m in messages) == 22
    for batch in messages:
        assert len(batch) <= 10 and sum(len(e) for e in batch) <= 6000


def _sources(n: int) -> list[Source]:
    return [
        Source(
            id=f"src-{i}",
            kind="article" if i % 5 == 0 else "record",
            outlet=("Outlet " * 30)[:200],
            headline=("Headline " * 30)[:200],
            published=datetime(2025, 1, 1, tzinfo=UTC) + timedelta(days=i),
            timezone="UTC",
            problems=[LONG[:1400]] * 3,
            retells=["src-0"] if i else [],
        )
        for i in range(n)
    ]


def _conflict(i: int, src: list[Source]) -> Conflict:
    return Conflict(
        id=f"c-{i}",
        question=("About " * 40)[:200],
        claims=[Claim(source=s.id, says=LONG[:500]) for s in src[:6]],
        verdict=LONG[:500],
        supported_by=[s.id for s in src[:10]],
    )


def _event(i: int, src: list[Source]) -> Event:
    return Event(
        id=f"ev-{i}",
        date=FuzzyDate.day(date(2025, 1, 1) + timedelta(days=i)),
        title=("Title " * 40)[:200],
        summary=LONG[:1500],
        topic="talks",
        people=[f"p-{j}" for j in range(30)],
        place="Somewhere " * 10,
        sources=[s.id for s in src[:40]],
        conflicts=[f"c-{j}" for j in range(6)],
    )


def _conflicts(src: list[Source], n: int = 10) -> dict[str, Conflict]:
    return {f"c-{i}": _conflict(i, src) for i in range(n)}


def test_timeline_renderers_fit_with_huge_events() -> None:
    src = _sources(60)
    events = [_event(i, src) for i in range(8)]
    page = TimelinePage(events, has_older=True, has_newer=True)
    flt = TimelineFilter(query="q" * 100, person="p-1", topic="talks", since=date(2025, 1, 1))
    assert not within_limits(timeline.page_embed(page, flt, {}))
    options = timeline.select_options(events)
    assert all(len(o.label) <= 100 and len(o.description or "") <= 100 for o in options)
    detail = timeline.event_embed(events[0], {s.id: s for s in src}, {}, _conflicts(src))
    assert not within_limits(detail)
    custom_id = timeline.nav_custom_id("o", "0123456789ab", Cursor.of(events[0]))
    assert len(custom_id) <= 100
    long_id = Cursor(date(2025, 1, 1), date(2025, 1, 2), "a" * 64)
    assert len(timeline.nav_custom_id("n", "0123456789ab", long_id)) <= 100
    decoded = timeline.decode_cursor(timeline.encode_cursor(long_id))
    assert decoded == long_id


def test_filter_payload_round_trips() -> None:
    flt = TimelineFilter(query="truce", person="li-chenggang", since=date(2025, 8, 1))
    payload = timeline.filter_payload(flt)
    assert payload is not None and timeline.filter_from_payload(payload) == flt
    assert timeline.filter_payload(TimelineFilter()) is None
    assert timeline.filter_key(None) == "-"


def test_person_embed_fits_with_huge_person(dataset: Dataset) -> None:
    src = _sources(60)
    person = Person(
        id="big",
        name="N" * 200,
        aliases=["alias"] * 50,
        country="C" * 200,
        affiliation="A" * 200,
        bio=LONG[:1500],
        posts=[
            Post(title="T" * 200, organisation="O" * 200, sources=[s.id for s in src[:30]])
            for _ in range(40)
        ],
        sources=[s.id for s in src],
        conflicts=[f"c-{i}" for i in range(10)],
        aide_to=["li-chenggang"],
    )
    events = [_event(i, src) for i in range(5)]
    embed = people.person_embed(
        person,
        people={p.id: p for p in dataset.people},
        sources={s.id: s for s in src},
        events=events,
        conflicts=_conflicts(src),
    )
    assert not within_limits(embed) and len(embed) <= 6000
    many = people.PeopleIndex.of([person] * 40)
    assert all(len(name) <= 100 for name, _ in people.choices(many, ""))
    assert len(people.choices(many, "")) == 25


def _measure(i: int, status: TariffStatus, target: str = "CN") -> TariffMeasure:
    return TariffMeasure(
        id=f"m-{i}",
        imposer="US",
        target=target,
        name="Name " * 40,
        legal_basis="Basis " * 30,
        rate=10,
        coverage="Coverage " * 20,
        applies_to_all=i % 2 == 0,
        planned_from=date(2026, 1, 1),
        history=[StatusChange(status=status, day=date(2025, 1, 1), note="note " * 40)],
        sources=[f"src-{j}" for j in range(40)],
    )


def test_tariffs_briefing_fits_with_many_layers() -> None:
    src = _sources(60)
    measures = [_measure(i, s) for i in range(30) for s in TariffStatus]
    measures += [_measure(100 + i, TariffStatus.IN_FORCE, "JP") for i in range(30)]
    briefing = tariffs.tariffs_briefing(
        measures,
        {s.id: s for s in src},
        date(2025, 6, 1),
        conflicts={},
        chart_name="tariffs.png",
    )
    for embed in briefing.embeds:
        assert not within_limits(embed)
    for batch in pack_messages(briefing.embeds):
        assert sum(len(e) for e in batch) <= 6000


def test_countdown_fits_with_many_milestones_and_never_counts_below_zero() -> None:
    ms = [
        Milestone(
            id=f"ms-{i}",
            name="M" * 200,
            at=NOW + timedelta(days=i - 50),
            timezone="UTC",
            kind=MilestoneKind.DEADLINE,
            description=LONG[:1000],
            place="P" * 200,
            sources=["src-1"],
        )
        for i in range(100)
    ]
    embed = countdown.countdown_embed(ms, NOW)
    assert not within_limits(embed) and len(embed.fields) <= 25
    assert "more not shown" in (embed.footer.text or "")
    passed, upcoming = countdown.status_line(ms[0], NOW), countdown.status_line(ms[-1], NOW)
    assert passed.startswith("Passed <t:") and "left" not in passed
    assert upcoming.endswith(" left") and "-" not in upcoming.split("·")[1]
    detail = countdown.milestone_embed(ms[0], {s.id: s for s in _sources(5)}, NOW, {})
    assert not within_limits(detail)
    assert len(countdown.choices(countdown.MilestoneIndex.of(ms), "", NOW)) == 25


def test_all_day_milestones_show_dates_on_their_own_day(dataset: Dataset) -> None:
    meeting = next(m for m in dataset.milestones if m.id == "trump-xi-meeting")
    stamp = countdown.when(meeting)
    assert stamp.endswith(":D>")
    unix = int(stamp.split(":")[1])
    assert datetime.fromtimestamp(unix, UTC).date() == date(2025, 10, 30)


def test_sources_pages_fit_with_many_long_sources() -> None:
    src = _sources(200)
    facts = [sources.SourceFacts(s, 3, [_conflict(0, src)] * 20) for s in src]
    titles = {s.id: s.outlet for s in src}
    pages = sources.paginate(facts, titles)
    assert len(pages) > 1
    for n in range(len(pages)):
        embed, page, total = sources.sources_embed(facts, titles, n)
        assert page == n and total == len(pages)
        assert not within_limits(embed)
    assert sources.sources_embed(facts, titles, 10_000)[1] == len(pages) - 1


def test_help_fits_with_many_other_commands() -> None:
    embeds = help_embeds([(f"/cmd{i}", "d" * 100) for i in range(60)])
    readers = len(help_embeds([])[0].fields)  # the readers' commands, /help among them
    assert [len(e.fields) for e in embeds] == [readers, 25, 25, 10]
    assert not any(within_limits(e) for e in embeds)
    for message in pack_messages(embeds):
        assert len(message) <= 10 and sum(embed_size(e) for e in message) <= 6000


@pytest.mark.parametrize("typed", ["", "x", "li", "zzzzzz", "Li Chenggang" * 8])
def test_people_matching_never_errors(dataset: Dataset, typed: str) -> None:
    found = people.choices(people.PeopleIndex.of(dataset.people), typed)
    assert len(found) <= 25
