"""/sources and /help as a member uses them."""

from __future__ import annotations

from collections.abc import Callable

from bot.client import BriefingBot
from bot.curated import Dataset
from tests.conftest import World
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


async def test_help_lists_every_command_with_an_example(world: World) -> None:
    result = await world.member.slash(world.channel, "help")
    assert result.response is not None and result.response.ephemeral
    fields = {f.name: f.value or "" for f in result.response.embeds[0].fields}
    for name in ("/timeline", "/who", "/tariffs", "/countdown", "/sources", "/help"):
        assert "Example: `" in fields[name]
