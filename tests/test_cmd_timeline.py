"""/timeline as a member uses it: pages both ways, the event menu, filters, a button pressed
after the bot restarted, and the errors for bad input."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import simcord

from bot.briefing.timeline import META_PREFIX
from bot.client import BriefingBot
from bot.curated import Dataset
from bot.errors import UserError
from bot.models import Event, Kind
from tests.conftest import World
from tests.seen import button, custom_ids, embed_text, seen


def _newest(events: list[Event]) -> list[Event]:
    """Events in the timeline's order: newest first, by start, end and id."""
    return sorted(events, key=lambda e: (e.date.start, e.date.end, e.id), reverse=True)


def _titles(message: Any) -> list[str]:
    """Event titles on a timeline page, top to bottom."""
    description = message.embeds[0].description or ""
    return re.findall(r"^\*\*[^*]+\*\* · (.+)$", description, flags=re.MULTILINE)


async def test_first_page_is_newest_eight_with_sources_and_conflict_marks(
    world: World, dataset: Dataset
) -> None:
    result = await world.member.slash(world.channel, "timeline")
    message = result.response
    assert message is not None and not message.ephemeral
    newest = _newest(dataset.events)[:8]
    assert _titles(message) == [e.title for e in newest]
    text = seen(result)
    assert f"**{newest[0].date.label()}**" in text and f"{len(newest[0].sources)} sources" in text
    if any(e.conflicts for e in newest):
        assert "⚠️ sources disagree" in text
    assert button(message, "◀ Newer").get("disabled") is True
    assert not button(message, "Older ▶").get("disabled")


async def test_older_then_newer_pages_back_to_the_start(world: World) -> None:
    first = await world.member.slash(world.channel, "timeline")
    assert first.response is not None
    page1 = _titles(first.response)
    seen_titles = list(page1)
    message = first.response
    pages = 1
    while not button(message, "Older ▶").get("disabled"):
        await world.member.click(message, label="Older ▶")
        message = first.response  # the page is edited in place
        assert message is not None
        seen_titles.extend(_titles(message))
        pages += 1
    events = await world.bot.store.list_items(Kind.EVENT, world.guild.id)
    assert pages == -(-len(events) // 8)
    assert len(seen_titles) == len(events) == len(set(seen_titles))
    assert seen_titles[-1].startswith("US Section 232 duties on steel (25%)")
    assert button(message, "◀ Newer").get("disabled") is False
    while not button(message, "◀ Newer").get("disabled"):
        await world.member.click(message, label="◀ Newer")
        message = first.response
        assert message is not None
    assert _titles(message) == page1


async def test_select_opens_one_event_in_full_for_the_picker_only(world: World) -> None:
    result = await world.member.slash(world.channel, "timeline", topic="talks")
    assert result.response is not None
    opened = await world.member.select(result.response, ["li-washington-visit"])
    detail = opened.response
    assert detail is not None and detail.ephemeral
    text = embed_text(detail.embeds[0])
    assert "Li Chenggang heads to Washington" in text
    assert "FIELD People" in text and "Li Chenggang" in text
    assert "Dow Jones Newswires" in text and "Caliber.az" in text
    assert "Sources disagree" in text and "Katherine Tai" in text


async def test_buttons_and_menu_work_after_a_restart(
    world: World, bot_factory: Callable[..., BriefingBot], dataset: Dataset
) -> None:
    result = await world.member.slash(world.channel, "timeline", person="li-chenggang")
    assert result.response is not None
    his = _newest([e for e in dataset.events if "li-chenggang" in e.people])
    assert _titles(result.response) == [e.title for e in his][:8]
    assert "Li Chenggang named China's international trade representative" in {e.title for e in his}
    key = next(c for c in custom_ids(result.response) if c.startswith("tl:o:")).split(":")[2]
    assert await world.bot.store.get_meta(META_PREFIX + key) is not None  # filters persisted

    plain = await world.member.slash(world.channel, "timeline")
    assert plain.response is not None
    newest = _titles(plain.response)

    await world.env.restart_bot(bot_factory())
    await world.member.click(plain.response, label="Older ▶")
    older = _titles(plain.response)
    assert len(older) == 8 and not set(older) & set(newest)
    await world.member.click(plain.response, label="◀ Newer")
    assert _titles(plain.response) == newest
    opened = await world.member.select(result.response, ["li-appointed-trade-rep"])
    assert opened.response is not None and "WTO" in embed_text(opened.response.embeds[0])


async def test_filtered_page_keeps_its_filters_across_a_restart(
    world: World, bot_factory: Callable[..., BriefingBot]
) -> None:
    result = await world.member.slash(world.channel, "timeline", topic="tariffs")
    assert result.response is not None
    first = _titles(result.response)
    await world.env.restart_bot(bot_factory())
    await world.member.click(result.response, label="Older ▶")
    older = _titles(result.response)
    assert older and not set(older) & set(first)
    tariff_titles = {
        e.title
        for e in await world.bot.store.list_typed(Event, world.guild.id)
        if e.topic == "tariffs"
    }
    assert set(older) <= tariff_titles


async def test_person_autocomplete_and_filters(world: World) -> None:
    choices = await world.member.autocomplete(world.channel, "timeline", "person", "li cheng")
    assert choices[0]["value"] == "li-chenggang"
    assert len(choices) <= 25 and all(len(c["name"]) <= 100 for c in choices)
    result = await world.member.slash(
        world.channel, "timeline", query="truce", since="Aug 2025", until="2025-12-31"
    )
    assert result.response is not None
    text = seen(result)
    assert "matching “truce”" in text and "from 1 Aug 2025 to 31 Dec 2025" in text
    for title in _titles(result.response):
        assert title


async def test_nothing_found_says_so_and_suggests_widening(world: World) -> None:
    result = await world.member.slash(world.channel, "timeline", query="zeppelin")
    assert result.response is not None and result.response.ephemeral
    assert "No events found" in result.response.content
    assert "fewer or shorter words" in result.response.content


async def test_bad_dates_and_unknown_person_are_short_ephemeral_errors(world: World) -> None:
    bad = await world.member.slash(world.channel, "timeline", since="yesterday-ish")
    assert bad.response is not None and bad.response.ephemeral
    assert "2025-10-09, 9 Oct 2025, Oct 2025" in bad.response.content
    simcord.assert_error(world.env, UserError, contains="since")

    swapped = await world.member.slash(world.channel, "timeline", since="2026", until="2025")
    assert swapped.response is not None and "swap" in swapped.response.content

    nobody = await world.member.slash(world.channel, "timeline", person="Zorro")
    assert nobody.response is not None and nobody.response.ephemeral
    assert "I don't know anyone called “Zorro”" in nobody.response.content
    simcord.assert_error(world.env, UserError, contains="Zorro")


async def test_a_query_with_no_words_to_match_says_so(world: World) -> None:
    from tests.curation_helpers import refused

    for query in ("the", "!!!", "💥🇨🇳", "of the"):
        text = await refused(world, world.member, "timeline", query=query)
        assert "has no words to match" in text, query
    found = await world.member.slash(world.channel, "timeline", query="the Geneva")
    assert found.response is not None and not found.response.ephemeral
    assert "Geneva" in (found.response.embeds[0].description or "")
