"""The reader cogs remember rendered answers per data version (and per minute where the time
matters): a member asking again gets the same answer, and after any change to the data, or
once the minute has moved on, the new one."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.clock import FixedClock
from bot.models import Kind, Milestone, Person, Source
from bot.store import Actor
from tests.conftest import World
from tests.seen import embed_text

EDITOR = Actor(7, "editor")


async def _show(world: World, command: str, **options: str) -> str:
    result = await world.member.slash(world.channel, command, **options)
    assert result.response is not None and result.response.embeds
    return "\n".join(embed_text(e) for e in result.response.embeds)


async def test_who_and_timeline_follow_a_servers_edit(world: World) -> None:
    store, gid = world.bot.store, world.guild.id
    before = await _show(world, "who", name="li-chenggang")
    assert await _show(world, "who", name="li-chenggang") == before  # remembered, unchanged
    li = await store.get_item(Kind.PERSON, "li-chenggang", gid)
    assert isinstance(li, Person)
    await store.save(
        li.model_copy(update={"bio": "A rewritten biography."}), guild_id=gid, actor=EDITOR
    )
    after = await _show(world, "who", name="li-chenggang")
    assert "A rewritten biography." in after and after != before

    page = await _show(world, "timeline")
    newest = (await store.timeline(gid, limit=1)).events[0]
    assert newest.title in page
    renamed = newest.model_copy(update={"title": "A title changed by an editor"})
    await store.save(renamed, guild_id=gid, actor=EDITOR)
    page = await _show(world, "timeline")
    assert "A title changed by an editor" in page and newest.title not in page

    first = await world.member.slash(world.channel, "timeline")
    assert first.response is not None
    opened = await world.member.select(first.response, [newest.id])
    assert opened.response is not None
    assert "A title changed by an editor" in embed_text(opened.response.embeds[0])


async def test_sources_tariffs_and_countdown_follow_a_curated_change(world: World) -> None:
    store, gid = world.bot.store, world.guild.id
    source = next(s for s in await store.list_typed(Source, gid))
    sources_before = await _show(world, "sources")
    await store.save(
        source.model_copy(update={"outlet": "Renamed Outlet"}), guild_id=None, actor=EDITOR
    )
    assert "Renamed Outlet" in await _show(world, "sources") != sources_before

    tariffs_before = await _show(world, "tariffs", as_of="2025-06-01")
    assert await _show(world, "tariffs", as_of="2025-06-01") == tariffs_before
    await store.remove(Kind.TARIFF, "us-cn-baseline-10", guild_id=gid, actor=EDITOR, reason="x")
    assert await _show(world, "tariffs", as_of="2025-06-01") != tariffs_before

    milestone = next(m for m in await store.list_typed(Milestone, gid))
    countdown_before = await _show(world, "countdown")
    await store.save(
        milestone.model_copy(update={"name": "A renamed milestone"}), guild_id=gid, actor=EDITOR
    )
    assert "A renamed milestone" in await _show(world, "countdown") != countdown_before


async def test_countdown_moves_on_with_the_minute(world: World, clock: FixedClock) -> None:
    clock.set(datetime(2025, 10, 20, 12, 0, tzinfo=UTC))
    first = await _show(world, "countdown")
    clock.advance(timedelta(seconds=30))
    assert await _show(world, "countdown") == first  # the same minute: the same answer
    clock.advance(timedelta(days=2))
    assert await _show(world, "countdown") != first


async def test_who_autocomplete_follows_a_new_person(world: World) -> None:
    store, gid = world.bot.store, world.guild.id
    before = await world.member.autocomplete(world.channel, "who", "name", "zhang wei")
    assert "zhang-wei" not in [c["value"] for c in before]
    li = await store.get_item(Kind.PERSON, "li-chenggang", gid)
    assert isinstance(li, Person)
    await store.save(
        li.model_copy(update={"id": "zhang-wei", "name": "Zhang Wei", "aliases": []}),
        guild_id=gid,
        actor=EDITOR,
    )
    choices = await world.member.autocomplete(world.channel, "who", "name", "zhang wei")
    assert choices and choices[0]["value"] == "zhang-wei"
