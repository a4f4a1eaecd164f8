"""/sources and /help as a member uses them."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from pathlib import Path
from typing import cast
from zoneinfo import ZoneInfo

import pytest
from discord import app_commands

from bot.client import BriefingBot
from bot.config import PROJECT_ROOT
from bot.console.session import ConsoleSession, Scene
from bot.curated import Dataset
from bot.feeds import FeedOptions
from bot.models import Event, Kind, Milestone, Person
from cogs.feeds import Feeds
from tests.conftest import NOW, World
from tests.feed_site import FeedSite, Item
from tests.seen import embed_text


async def test_sources_lists_seed_articles_first_with_counts_and_problems(
    world: World, dataset: Dataset
) -> None:
    result = await world.member.slash(world.channel, "sources")
    assert result.response is not None
    embed = result.response.embeds[0]
    records = sum(1 for s in dataset.sources if s.kind == "record")
    assert embed.title == f"Sources (5 seed articles, {records} public-record references)"
    text = embed_text(embed)
    assert "seed article · cited by" in text
    caliber = next(f.value for f in embed.fields if f.name.startswith("Caliber.az"))
    assert "Retells: Dow Jones Newswires" in caliber
    reuters = "".join(
        f.value or "" for f in embed.fields if (f.name or "").startswith("Reuters (label")
    )
    assert "Names Katherine Tai" in reuters and "In conflict:" in reuters
    assert "Page 1 of" in (embed.footer.text or "")


async def test_sources_pages_survive_a_restart(
    world: World, bot_factory: Callable[..., BriefingBot]
) -> None:
    result = await world.member.slash(world.channel, "sources")
    assert result.response is not None
    await world.env.restart_bot(bot_factory())
    await world.member.click(result.response, label="Next ▶")
    embed = result.response.embeds[0]
    assert "Page 2 of" in (embed.footer.text or "")
    assert "public record · cited by" in embed_text(embed)
    await world.member.click(result.response, label="◀ Previous")
    assert "Page 1 of" in (result.response.embeds[0].footer.text or "")


async def test_citation_counts_follow_the_store(world: World) -> None:
    counts = await world.bot.store.citation_counts(world.guild.id)
    result = await world.member.slash(world.channel, "sources")
    assert result.response is not None
    dj = next(f.value for f in result.response.embeds[0].fields if f.name.startswith("Dow Jones"))
    assert f"cited by {counts['dj-li-heads-to-us']} items" in (dj or "")


async def help_examples(world: World) -> dict[str, str]:
    """/help as a member sees it: command name -> its example."""
    result = await world.member.slash(world.channel, "help")
    assert result.response is not None and result.response.ephemeral
    examples: dict[str, str] = {}
    for message in [result.response, *result.followups]:
        assert message.ephemeral
        for embed in message.embeds:
            assert "left out" not in (embed.footer.text or "")
            for f in embed.fields:
                found = re.search(r"\nExample: `([^`]+)`$", f.value or "")
                assert found, f"{f.name} has no example: {f.value!r}"
                examples[str(f.name)] = found[1]
    return examples


async def test_help_lists_every_command_with_an_example(world: World) -> None:
    examples = await help_examples(world)
    commands = [
        f"/{c.qualified_name}"
        for c in world.bot.tree.walk_commands()
        if isinstance(c, app_commands.Command)
    ]
    assert sorted(examples) == sorted(commands)
    assert list(examples)[:7] == [
        "/timeline",
        "/who",
        "/tariffs",
        "/countdown",
        "/sources",
        "/subscribe",
        "/help",
    ]
    for name, example in examples.items():
        assert example == name or example.startswith(name + " "), (name, example)


async def test_every_example_in_help_works_as_typed(
    world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each example, typed by an admin (through the console's parser, as Discord's picker
    would fill the options), is answered without an error."""
    examples = await help_examples(world)
    monkeypatch.chdir(tmp_path)  # where /source add's example finds its article.txt
    story = (PROJECT_ROOT / "tests" / "ingest_articles" / "02_beijing_video_call.txt").read_text(
        encoding="utf-8"
    )
    (tmp_path / "article.txt").write_text(story.split("\n---\n", 1)[1], encoding="utf-8")
    world.guild.create_role("Curators")
    out = io.StringIO()
    session = ConsoleSession(
        Scene(world.env, world.guild, world.channel, world.admin, world.member),
        out=out,
        out_dir=tmp_path / "out",
        zone=ZoneInfo("UTC"),
        now=world.bot.clock.now,
    )
    await session.start()
    assert (await session.execute(":as admin")).ok
    # in the order /help lists them, but with /digest off last (it stops the digest /digest
    # now posts)
    order = sorted(examples.values(), key=lambda e: e == "/digest off")
    # /feed add's example address is served by a local feed site, which the bot may reach
    site = await FeedSite().start()
    site.channel("feed", items=[Item(slug="s1", title="Talks resume", published=NOW)])
    feeds = cast(Feeds, world.bot.get_cog("Feeds"))
    feeds.options = feeds.scheduler.options = FeedOptions(allow_private=True)
    order = [e.replace("https://example.com/feed", site.feed_url("feed")) for e in order]
    for example in order:
        outcome = await session.execute(example)
        assert outcome.ok, f"{example}: {outcome.reason}\n{out.getvalue()[-1500:]}"
    store, gid = world.bot.store, world.guild.id
    assert "Wang Wentao" in {title for _, title in await store.titles(Kind.PERSON, gid)}
    assert "Next round of talks" in {t for _, t in await store.titles(Kind.MILESTONE, gid)}
    geneva = await store.get_item(Kind.EVENT, "geneva-talks", gid)
    assert isinstance(geneva, Event) and geneva.title == "Geneva talks agree a 90-day truce"
    malaysia = await store.get_item(Kind.MILESTONE, "malaysia-round", gid)
    assert isinstance(malaysia, Milestone) and malaysia.place == "Merdeka 118, Kuala Lumpur"
    assert await store.get_item(Kind.MILESTONE, "truce-expiry-2026", gid) is not None
    stein = await store.get_item(Kind.PERSON, "sean-stein", gid)
    assert isinstance(stein, Person) and "USCBC president" in stein.aliases
    config = await store.guild_config(gid)
    assert config.editor_role_id == world.guild.roles["Curators"].id
    assert config.digest_channel_id is None and not config.alerts_enabled
    assert [p.kind for p in await store.posts_for(gid)] == ["digest-now"]
    assert (await store.review_queue(gid))[1] > 0  # the article's proposals wait for review
    assert await store.feeds(gid) == [] and site.article_hits == {"s1": 1}
    await site.close()
