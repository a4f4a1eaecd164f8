"""The web site from Discord, as a member and an admin use it: /subscribe's links, /web publish,
and answers about an item linking its page once the bot has a site."""

from __future__ import annotations

import discord
import pytest
import simcord
from simcord import SetupError

from bot.web import is_published
from tests.conftest import World
from tests.curation_helpers import command_id

SITE = "https://tradetalks.example"


def give_site(world: World, url: str = SITE) -> None:
    """As if the bot had started with WEB_BASE_URL set."""
    settings = world.bot.settings
    settings.web_base_url = url
    settings._site_given = True


async def test_without_a_site_subscribe_says_so_in_one_short_ephemeral_line(world: World) -> None:
    result = await world.member.slash(world.channel, "subscribe")
    assert result.response is not None and result.response.ephemeral
    assert "no web site set up" in result.response.content
    # publishing still takes: the site may be served by another process on the same store
    publish = await world.admin.slash(world.channel, "web publish", state="on")
    assert publish.response is not None and publish.response.ephemeral
    assert "no site address set: WEB_BASE_URL" in publish.response.content
    assert await is_published(world.bot.store, world.guild.id)
    who = await world.member.slash(world.channel, "who", name="li-chenggang")
    assert who.response is not None and who.response.embeds[0].url is None  # nothing to link


async def test_subscribe_gives_the_calendar_and_the_feed_and_says_calendars_lag(
    world: World,
) -> None:
    give_site(world)
    result = await world.member.slash(world.channel, "subscribe")
    assert result.response is not None and result.response.ephemeral
    embed = result.response.embeds[0]
    text = embed.description or ""
    assert "webcal://tradetalks.example/calendar.ics" in text
    assert f"{SITE}/calendar.ics" in text and f"{SITE}/changes.atom" in text
    lag = next(f.value for f in embed.fields if f.name == "How often calendars refresh")
    assert "Google Calendar" in lag and "/digest setup" in lag
    assert not any("This server's view" in f.name for f in embed.fields)  # not published


async def test_answers_about_an_item_link_its_page(world: World) -> None:
    give_site(world)
    who = await world.member.slash(world.channel, "who", name="li-chenggang")
    assert who.response is not None
    assert who.response.embeds[0].url == f"{SITE}/people/li-chenggang"
    countdown = await world.member.slash(world.channel, "countdown", milestone="truce-expiry")
    assert countdown.response is not None
    assert countdown.response.embeds[0].url == f"{SITE}/milestones/truce-expiry"
    overview = await world.member.slash(world.channel, "countdown")
    assert overview.response is not None and overview.response.embeds[0].url is None


async def test_an_admin_publishes_the_servers_view_and_links_follow_it(world: World) -> None:
    give_site(world)
    on = await world.admin.slash(world.channel, "web publish", state="on")
    assert on.response is not None and on.response.ephemeral
    assert f"published at {SITE}/g/{world.guild.id}" in on.response.content
    assert await is_published(world.bot.store, world.guild.id)
    who = await world.member.slash(world.channel, "who", name="li-chenggang")
    assert who.response is not None
    assert who.response.embeds[0].url == f"{SITE}/g/{world.guild.id}/people/li-chenggang"
    sub = await world.member.slash(world.channel, "subscribe")
    assert sub.response is not None
    fields = {f.name: f.value for f in sub.response.embeds[0].fields}
    assert f"{SITE}/g/{world.guild.id}/calendar.ics" in fields["This server's view (published)"]
    off = await world.admin.slash(world.channel, "web publish", state="off")
    assert off.response is not None and "no longer published" in off.response.content
    assert not await is_published(world.bot.store, world.guild.id)


async def test_publishing_is_for_admins_only(world: World) -> None:
    give_site(world)
    with pytest.raises(SetupError, match="default-member-permissions"):
        await world.member.slash(world.channel, "web publish", state="on")
    # allowed in Integrations anyway: the bot's own check still refuses
    world.guild.set_command_permissions(command_id(world, "web"), {world.member: True})
    refused = await world.member.slash(world.channel, "web publish", state="on")
    assert refused.response is not None and refused.response.ephemeral
    assert "Manage Server" in refused.response.content
    simcord.assert_error(world.env, discord.app_commands.MissingPermissions)
    assert not await is_published(world.bot.store, world.guild.id)


async def test_tariffs_links_the_ledger_on_the_web_as_of_the_same_day(world: World) -> None:
    give_site(world)
    result = await world.member.slash(world.channel, "tariffs", as_of="2025-04-12")
    messages = [m for m in [result.response, *result.followups] if m is not None and m.embeds]
    assert messages[0].embeds[0].url == f"{SITE}/tariffs?as_of=2025-04-12"
