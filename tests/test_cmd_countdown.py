"""/countdown as a member uses it: passed and upcoming milestones, one in detail."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import simcord

from bot.clock import FixedClock
from bot.curated import Dataset
from bot.errors import UserError
from tests.conftest import World
from tests.seen import embed_text


async def test_all_passed_says_so_with_outcomes(
    world: World, clock: FixedClock, dataset: Dataset
) -> None:
    last = max(dataset.milestones, key=lambda m: m.ends or m.at)
    clock.set((last.ends or last.at) + timedelta(days=1))
    result = await world.member.slash(world.channel, "countdown")
    assert result.response is not None
    embed = result.response.embeds[0]
    assert embed.description is not None and "Nothing is coming up" in embed.description
    assert last.name in embed.description
    fields = {f.name: f.value for f in embed.fields}
    truce = fields["✓ Tariff truce expires (August extension) ⚠️"]
    assert "Passed <t:1762750860:R>" in truce and "**extended**" in truce
    apec = fields["✓ APEC Economic Leaders' Meeting"]
    assert "Passed" in apec and "**held**" in apec and ":D>" in apec and ":F>" not in apec
    assert "outcome not yet recorded" in fields["✓ Extended truce expires (Busan deal)"]
    names = list(fields)
    assert names[0] == f"✓ {last.name}"  # latest passed first


async def test_today_counts_down_to_what_is_next_on_record(
    world: World, clock: FixedClock, dataset: Dataset
) -> None:
    now = clock.now()
    upcoming = sorted((m for m in dataset.milestones if m.at > now), key=lambda m: m.at)
    assert upcoming, "the record has something scheduled after the tests' date"
    result = await world.member.slash(world.channel, "countdown")
    assert result.response is not None
    embed = result.response.embeds[0]
    assert f"Next: **{upcoming[0].name}**" in (embed.description or "")
    names = [f.name for f in embed.fields]
    assert names[: len(upcoming)] == [f"⏳ {m.name}" for m in upcoming]
    # the Busan terms' end has passed with no outcome on record: it says so
    assert (
        "outcome not yet recorded"
        in dict(zip(names, [f.value for f in embed.fields], strict=True))[
            "✓ Extended truce expires (Busan deal)"
        ]
    )


async def test_upcoming_first_with_time_left(world: World, clock: FixedClock) -> None:
    clock.set(datetime(2025, 10, 20, 12, 0, tzinfo=UTC))
    result = await world.member.slash(world.channel, "countdown")
    assert result.response is not None
    embed = result.response.embeds[0]
    names = [f.name for f in embed.fields]
    assert names[0] == "⏳ US-China talks in Malaysia"
    assert names[1] == "⏳ Trump-Xi meeting"
    assert "Next: **US-China talks in Malaysia**" in (embed.description or "")
    first = embed.fields[0].value or ""
    assert "left" in first and "<t:" in first
    assert any(n.startswith("✓ Geneva truce expires") for n in names)


async def test_one_milestone_in_detail_via_autocomplete(world: World) -> None:
    choices = await world.member.autocomplete(world.channel, "countdown", "milestone", "apec")
    values = [c["value"] for c in choices]
    assert values[:2] == ["apec-shenzhen-2026", "apec-leaders-meeting"]  # the newest first
    result = await world.member.slash(world.channel, "countdown", milestone=values[1])
    assert result.response is not None
    text = embed_text(result.response.embeds[0])
    assert "Gyeongju, South Korea" in text and "Annual APEC leaders' meeting" in text
    assert "FIELD Outcome" in text and "Gyeongju Declaration" in text
    assert "FIELD Sources" in text


async def test_detail_shows_conflicts_and_unknown_names_error(world: World) -> None:
    result = await world.member.slash(world.channel, "countdown", milestone="truce-expiry")
    assert result.response is not None
    text = embed_text(result.response.embeds[0])
    assert (
        "When did the truce as extended in August 2025 run out?" in text
        and "12:01 a.m. EST" in text
    )
    bad = await world.member.slash(world.channel, "countdown", milestone="moon landing")
    assert bad.response is not None and bad.response.ephemeral
    assert "No milestone called “moon landing”" in bad.response.content
    simcord.assert_error(world.env, UserError)


async def test_a_single_obvious_match_is_shown_not_asked_about(world: World) -> None:
    for typed, name in (("G20", "G20 leaders' summit (Miami)"), ("gallium", None)):
        result = await world.member.slash(world.channel, "countdown", milestone=typed)
        message = result.response
        assert message is not None and not message.ephemeral, typed
        title = message.embeds[0].title or ""
        assert (name is None and "gallium" in title.casefold()) or title.startswith(name or "")
    # several milestones hold the word: still asked which
    from tests.curation_helpers import refused

    assert "Did you mean" in await refused(world, world.member, "countdown", milestone="truce")


async def test_an_extended_deadline_shows_how_it_moved(world: World) -> None:
    result = await world.member.slash(world.channel, "countdown", milestone="truce-expiry-2026")
    assert result.response is not None
    text = embed_text(result.response.embeds[0])
    assert "FIELD How it moved (2 extensions)" in text
    assert "12 Aug 2025 → 10 Nov 2025 → **10 Nov 2026**" in text
    assert "under the deal struck at the Trump-Xi meeting in Busan" in text
