"""/feed as curators use it, against a local feed site: add (checked, recent items read),
list, scheduled polls leaving one notice with a button into /review, a broken feed paused
and told, resume, remove; bad input refused with one line and nothing stored; a reader
refused; one server's feeds invisible to another; the digest counts what waits for review.
Every REST body is checked against Discord's API description (the world fixture)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from datetime import timedelta
from pathlib import Path
from typing import Any, cast

import discord
import pytest
import simcord

from bot.client import BriefingBot
from bot.errors import UserError
from bot.models import ACTIVE, PAUSED
from bot.store import StoreError
from cogs.feeds import Feeds
from tests.conftest import NOW, World, make_settings
from tests.feed_site import FeedSite, Item
from tests.seen import embed_text
from tests.test_review import messages


@pytest.fixture
def simcord_bot(bot_factory: Callable[..., BriefingBot], tmp_path: Path) -> BriefingBot:
    """The bot may fetch from this machine here: the feed site is local."""
    return bot_factory(settings=make_settings(tmp_path, fetch_allow_private=True))


@pytest.fixture
async def site() -> AsyncIterator[FeedSite]:
    s = await FeedSite().start()
    yield s
    await s.close()


def story(n: int, hours_ago: float) -> Item:
    return Item(slug=f"s{n}", title=f"Talks update number {n}",
                published=NOW - timedelta(hours=hours_ago))  # fmt: skip


def feeds_cog(world: World) -> Feeds:
    found = world.bot.get_cog("Feeds")
    assert found is not None and type(found).__name__ == "Feeds"
    return cast(Feeds, found)


def posted(world: World, channel: Any) -> list[discord.Message]:
    me = world.bot.user
    assert me is not None
    return [m for m in channel.history() if m.author.id == me.id and not m.flags.ephemeral]


async def test_a_curator_follows_a_feed_and_its_new_items_reach_review(
    world: World, site: FeedSite
) -> None:
    store, gid = world.bot.store, world.guild.id
    news = world.guild.create_text_channel("news-desk")
    site.channel("wire", items=[story(1, 72), story(2, 30), story(3, 2)])
    added = await world.admin.slash(
        world.channel, "feed add", url=site.feed_url("wire"), channel=news, every=60
    )
    reply = messages(added)[-1]
    assert reply.ephemeral
    assert reply.content.startswith("Following **Test Wire** (feed #1): 3 items, the newest <t:")
    assert "Items of the last 24 hours are read now: 1." in reply.content
    assert "1 new item →" in reply.content and "queued for review" in reply.content
    assert f"I poll it every 60 minutes and tell <#{news.id}>" in reply.content
    [feed] = await store.feeds(gid)
    assert (feed.every_minutes, feed.channel_id, feed.items_seen, feed.items_queued) == (
        60,
        news.id,
        3,
        1,
    )
    cog = feeds_cog(world)
    assert "feed:1" in {job.id for job in cog.scheduler.scheduler.get_jobs()}

    # a scheduled poll: two new items, one notice, with a button into the queue
    site.channels["wire"].items += [story(4, 1), story(5, 0.5)]
    report = await cog.scheduler.poll_feed(feed.id)
    assert report is not None and report.new == 2 and report.proposals > 0
    [notice] = posted(world, news)
    assert notice.content == (
        f"📥 {report.proposals} new proposals from **Test Wire** wait for review."
    )
    queue = messages(await world.admin.click(notice, label="Review the queue"))[-1]
    assert queue.ephemeral and queue.embeds[0].title == "Review queue"
    # nothing new: no second notice
    await cog.scheduler.poll_feed(feed.id)
    assert len(posted(world, news)) == 1

    listing = messages(await world.admin.slash(world.channel, "feed list"))[-1]
    text = embed_text(listing.embeds[0])
    assert "#1 · Test Wire" in text and "polled every 60 min" in text
    assert "5 items seen, 3 read into proposals" in text

    # the digest tells the curators how many proposals wait
    await world.admin.slash(world.channel, "digest setup", channel=world.channel)
    await world.admin.slash(world.channel, "digest now")
    pending = await store.pending_count(gid)
    digest = "\n".join(embed_text(e) for m in posted(world, world.channel) for e in m.embeds)
    assert f"{pending} proposals from new reporting wait for review" in digest

    # remove: the proposals stay, the job goes
    choices = await world.admin.autocomplete(world.channel, "feed remove", "feed", "wire")
    assert [c["value"] for c in choices] == [1]
    removed = messages(await world.admin.slash(world.channel, "feed remove", feed=1))[-1]
    assert removed.content.startswith("Stopped following **#1 · Test Wire**")
    assert await store.feeds(gid) == [] and await store.pending_count(gid) == pending
    assert "feed:1" not in {job.id for job in cog.scheduler.scheduler.get_jobs()}


async def test_a_broken_feed_is_paused_told_once_and_resumed(world: World, site: FeedSite) -> None:
    store, gid = world.bot.store, world.guild.id
    site.channel("wire", items=[story(1, 48)])
    await world.admin.slash(world.channel, "digest setup", channel=world.channel)
    await world.admin.slash(world.channel, "feed add", url=site.feed_url("wire"))
    cog = feeds_cog(world)
    site.channels["wire"].mode = "500"
    before = len(posted(world, world.channel))
    for _ in range(4):  # the fourth finds the feed paused and does nothing
        await cog.scheduler.poll_feed(1)
    notices = posted(world, world.channel)[before:]
    assert len(notices) == 1
    assert notices[0].content.startswith("⚠️ I paused the feed **Test Wire** (#1): 3 failed polls")
    assert "500 Internal Server Error" in notices[0].content
    assert "`/feed resume` tries it again." in notices[0].content
    assert "feed:1" not in {job.id for job in cog.scheduler.scheduler.get_jobs()}

    listing = embed_text(
        messages(await world.admin.slash(world.channel, "feed list"))[-1].embeds[0]
    )
    assert "**paused** since <t:" in listing and "3 failed polls in a row" in listing
    polled = messages(await world.admin.slash(world.channel, "feed poll", feed=1))[-1]
    assert polled.content == "#1 · Test Wire is paused; `/feed resume` polls it."

    site.channels["wire"].mode = "ok"
    site.channels["wire"].items.append(story(2, 0))
    resumed = messages(await world.admin.slash(world.channel, "feed resume", feed=1))[-1]
    assert resumed.content.startswith("Resumed. **Test Wire** (#1): 1 new item →")
    assert (await store.feed(gid, 1)).status == ACTIVE
    assert "feed:1" in {job.id for job in cog.scheduler.scheduler.get_jobs()}
    paused = messages(await world.admin.slash(world.channel, "feed pause", feed=1))[-1]
    assert paused.content == "Paused **#1 · Test Wire**; `/feed resume` restarts it."
    assert (await store.feed(gid, 1)).status == PAUSED
    simcord.assert_error(world.env, UserError)


async def test_bad_feeds_get_one_line_and_store_nothing(world: World, site: FeedSite) -> None:
    site.channel("page", mode="html")
    site.channel("empty", items=[])
    cases = [
        ("not a url", "is not a web address"),
        ("ftp://example.com/rss", "is not a web address"),
        (site.feed_url("page"), "a web page, not a feed"),
        (site.feed_url("empty"), "no items yet"),
        (site.feed_url("missing"), "answered 404 Not Found"),
    ]
    for url, expected in cases:
        sent = messages(await world.admin.slash(world.channel, "feed add", url=url))[-1]
        assert sent.ephemeral and expected in sent.content, (url, sent.content)
        assert "\n" not in sent.content.strip()
    site.channel("wire", items=[story(1, 48)])
    await world.admin.slash(world.channel, "feed add", url=site.feed_url("wire"))
    again = messages(await world.admin.slash(world.channel, "feed add", url=site.feed_url("wire")))
    assert again[-1].content == "This server already follows that feed (feed #1)."
    assert [f.id for f in await world.bot.store.feeds(world.guild.id)] == [1]


async def test_with_default_settings_a_private_address_is_refused(
    world: World, bot_factory: Callable[..., BriefingBot]
) -> None:
    # the world's bot may fetch locally; the default may not: check the default's refusal
    default = make_settings(Path("/nonexistent"))
    assert default.fetch_allow_private is False
    cog = feeds_cog(world)
    cog.options = type(cog.options)(allow_private=False)
    sent = messages(
        await world.admin.slash(world.channel, "feed add", url="http://127.0.0.1:9/rss")
    )
    assert sent[-1].ephemeral and "private network" in sent[-1].content
    assert await world.bot.store.feeds(world.guild.id) == []


async def test_one_servers_feeds_are_invisible_to_another(world: World, site: FeedSite) -> None:
    site.channel("wire", items=[story(1, 48)])
    await world.admin.slash(world.channel, "feed add", url=site.feed_url("wire"))
    other = world.env.create_guild("Other Desk")
    room = other.create_text_channel("briefing")
    admins = other.create_role("Admins", permissions=discord.Permissions(manage_guild=True))
    boss = other.add_member(world.env.create_user("boss"), roles=[admins])
    listing = messages(await boss.slash(room, "feed list"))[-1]
    assert "None yet." in embed_text(listing.embeds[0])
    assert await boss.autocomplete(room, "feed remove", "feed", "") == []
    refused = messages(await boss.slash(room, "feed remove", feed=1))[-1]
    assert refused.content == "No feed #1 in this server; /feed list shows its feeds."
    assert [f.id for f in await world.bot.store.feeds(world.guild.id)] == [1]
    simcord.assert_error(world.env, StoreError)
