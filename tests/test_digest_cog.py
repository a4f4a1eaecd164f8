"""/digest through SimCord: an admin sets it up, reads its status, posts one now and turns
it off; a member without Manage Server is refused and nothing changes; scheduled digests
reach the channel once, through a 500, a 429, a deleted channel and a restart."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, time
from typing import Any, cast

import discord
import pytest
from discord import app_commands
from simcord import SetupError

from bot.client import BriefingBot
from bot.clock import FixedClock
from bot.errors import UserError
from bot.models import Frequency
from bot.store import SENT
from cogs.digest import Digest
from tests.conftest import NOW, World


def cog(world: World) -> Digest:
    # load_extension imports the module afresh, so compare by name, not class identity
    found = world.bot.get_cog("Digest")
    assert found is not None and type(found).__name__ == "Digest"
    return cast(Digest, found)


def bot_posts(world: World, channel: Any) -> list[discord.Message]:
    me = world.bot.user
    assert me is not None
    return [m for m in channel.history() if m.author.id == me.id and not m.flags.ephemeral]


def refusals(world: World) -> list[type[BaseException]]:
    """The errors the bot answered with a refusal (SimCord re-raises them unless looked at)."""
    out: list[type[BaseException]] = []
    for error in world.env.errors:
        original = getattr(error, "original", error)
        out.append(type(original))
    return out


async def setup_digest(world: World, **options: Any) -> Any:
    return await world.admin.slash(world.channel, "digest setup", channel=world.channel, **options)


async def test_admin_sets_up_the_digest(world: World) -> None:
    result = await setup_digest(
        world, time="07:30", timezone="Europe/London", frequency="weekly", weekday="friday"
    )
    assert result.ephemeral
    next_at = datetime(2026, 11, 27, 7, 30, tzinfo=UTC)  # Friday; GMT in November
    stamp = int(next_at.timestamp())
    assert result.response.content == (
        f"The digest goes to <#{world.channel.id}>: Weekly, Fridays at 07:30 (Europe/London).\n"
        f"Next one: <t:{stamp}:F> (<t:{stamp}:R>). Countdown alerts: on."
    )
    config = await world.bot.store.guild_config(world.guild.id)
    assert config.digest_channel_id == world.channel.id
    assert (config.digest_time, config.timezone) == (time(7, 30), "Europe/London")
    assert (config.frequency, config.weekday) == (Frequency.WEEKLY, 4)
    assert config.digest_since == NOW
    assert f"digest:{world.guild.id}" in cog(world).scheduler.job_ids()

    status = await world.admin.slash(world.channel, "digest status")
    (embed,) = status.response.embeds
    fields = {f.name: f.value for f in embed.fields}
    assert embed.title == "Digest: on"
    assert fields["Next digest"] == f"<t:{stamp}:F> (<t:{stamp}:R>)"
    assert fields["Last digest"] == "None yet"


async def test_timezone_autocomplete_offers_iana_zones(world: World) -> None:
    choices = await world.admin.autocomplete(
        world.channel, "digest setup", "timezone", "london", channel=world.channel
    )
    assert [c["value"] for c in choices] == ["Europe/London"]
    many = await world.admin.autocomplete(
        world.channel, "digest setup", "timezone", "america", channel=world.channel
    )
    assert len(many) == 25 and all(c["value"].startswith("America/") for c in many)


async def test_bad_time_or_zone_is_refused_and_nothing_saved(world: World) -> None:
    result = await setup_digest(world, time="25:00")
    assert result.ephemeral
    assert result.response.content == (
        "'25:00' is not a time I can use: give HH:MM in 24-hour form, e.g. 09:00."
    )
    result = await setup_digest(world, timezone="Mars/Olympus")
    assert "'Mars/Olympus' is not an IANA time zone" in result.response.content
    assert (await world.bot.store.guild_config(world.guild.id)).digest_channel_id is None
    assert refusals(world) == [UserError, UserError]


async def test_setup_checks_the_bot_may_post_in_the_channel(world: World) -> None:
    me = world.guild.me
    assert me is not None
    locked = world.guild.create_text_channel(
        "locked", overwrites={me: discord.PermissionOverwrite(embed_links=False)}
    )
    result = await world.admin.slash(world.channel, "digest setup", channel=locked)
    assert result.response.content == (
        f"I cannot post the digest in <#{locked.id}>: I need Embed Links there. Grant my role "
        "those in the channel's settings, then run /digest setup again."
    )
    assert (await world.bot.store.guild_config(world.guild.id)).digest_channel_id is None
    assert refusals(world) == [UserError]
    # attaching files is not needed for the digest: setup goes ahead and says so
    no_files = world.guild.create_text_channel(
        "no-files", overwrites={me: discord.PermissionOverwrite(attach_files=False)}
    )
    result = await world.admin.slash(world.channel, "digest setup", channel=no_files)
    assert result.response.content.endswith(
        "\nNote: I cannot attach files there; the digest needs none, "
        "but charts could not be posted."
    )
    assert (await world.bot.store.guild_config(world.guild.id)).digest_channel_id == no_files.id


async def test_digest_now_posts_and_records_it(world: World) -> None:
    await setup_digest(world)
    result = await world.admin.slash(world.channel, "digest now")
    callbacks = [r.json for r in world.env.http_requests if r.path.endswith("/callback")]
    assert callbacks[-1]["type"] == 5  # deferred first: building a digest may take a while
    assert result.ephemeral
    posts = bot_posts(world, world.channel)
    assert len(posts) == 1
    assert result.response.content == f"Posted the digest in <#{world.channel.id}> (1 message)."
    embeds = posts[0].embeds
    assert embeds[0].author.name == "Trade talks briefing · daily digest for Sat 21 Nov 2026"
    assert [e.title for e in embeds][:2] == ["⏳ Coming up", "📌 Latest passed"]
    assert "ref digest-now/" in (embeds[-1].footer.text or "")
    (record,) = await world.bot.store.posts_for(world.guild.id)
    assert (record.kind, record.status, record.message_ids) == ("digest-now", SENT, [posts[0].id])
    status = await world.admin.slash(world.channel, "digest status")
    fields = {f.name: f.value for f in status.response.embeds[0].fields}
    stamp = int(NOW.timestamp())
    assert fields["Last digest"] == f"<t:{stamp}:F> (<t:{stamp}:R>)"


async def test_admin_turns_the_digest_and_alerts_off(world: World) -> None:
    await setup_digest(world)
    alerts = await world.admin.slash(world.channel, "digest alerts", state="off")
    assert alerts.response.content == "Countdown alerts are off."
    off = await world.admin.slash(world.channel, "digest off")
    assert off.response.content == (
        "The digest is off, and countdown alerts with it. /digest setup starts it again."
    )
    config = await world.bot.store.guild_config(world.guild.id)
    assert config.digest_channel_id is None and not config.alerts_enabled
    assert f"digest:{world.guild.id}" not in cog(world).scheduler.job_ids()
    status = await world.admin.slash(world.channel, "digest status")
    assert status.response.embeds[0].title == "Digest: off"
    again = await world.admin.slash(world.channel, "digest now")
    assert again.response.content == "No digest channel yet: choose one with /digest setup first."
    assert refusals(world) == [UserError]


async def test_member_without_manage_server_is_refused_and_nothing_changes(world: World) -> None:
    await setup_digest(world, time="10:00")
    before = await world.bot.store.guild_config(world.guild.id)
    with pytest.raises(SetupError):  # Discord hides the command from them
        await world.member.slash(world.channel, "digest off")
    # a server admin grants the command to the member in Integrations settings...
    commands = await world.bot.tree.fetch_commands()
    digest = next(c for c in commands if c.name == "digest")
    world.guild.set_command_permissions(digest, {world.member: True})
    # ...and the bot still refuses, for every subcommand
    for name, options in (
        ("digest off", {}),
        ("digest now", {}),
        ("digest status", {}),
        ("digest alerts", {"state": "off"}),
        ("digest setup", {"channel": world.channel, "time": "06:00"}),
    ):
        result = await world.member.slash(world.channel, name, **options)
        assert result.ephemeral
        assert (
            result.response.content == "You need the Manage Server permission to use this command."
        )
    assert await world.bot.store.guild_config(world.guild.id) == before
    assert await world.bot.store.posts_for(world.guild.id) == []
    assert bot_posts(world, world.channel) == []
    assert refusals(world) == [app_commands.MissingPermissions] * 5


# ---------------------------------------------------------------------------------------
# Scheduled posts against SimCord's Discord
# ---------------------------------------------------------------------------------------


async def sweep_at(world: World, clock: FixedClock, at: datetime) -> Any:
    clock.set(at)
    return await cog(world).scheduler.sweep()


async def test_scheduled_digest_goes_once_through_a_500_and_a_429(
    world: World, clock: FixedClock
) -> None:
    await setup_digest(world, time="09:00", timezone="UTC")
    waits: list[float] = []

    async def no_wait(seconds: float) -> None:
        waits.append(seconds)

    cog(world).scheduler.poster.sleep = no_wait
    path = f"/channels/{world.channel.id}/messages"
    world.env.inject_error("POST", path, status=500)
    await sweep_at(world, clock, datetime(2026, 11, 22, 9, 0, tzinfo=UTC))
    world.env.inject_error("POST", path, status=429, message="You are being rate limited.")
    await sweep_at(world, clock, datetime(2026, 11, 23, 9, 0, tzinfo=UTC))
    for minutes in (5, 10, 15):
        await sweep_at(world, clock, datetime(2026, 11, 23, 9, minutes, tzinfo=UTC))
    posts = bot_posts(world, world.channel)
    assert [p.embeds[-1].footer.text for p in posts] == [
        "Trade talks briefing · ref digest/2026-11-22 · 1/1",
        "Trade talks briefing · ref digest/2026-11-23 · 1/1",
    ]
    sends = [r for r in world.env.http_requests if r.method == "POST" and r.path == path]
    assert len(sends) == 4  # two refused, two accepted
    assert len({r.json["nonce"] for r in sends}) == 2  # a retry repeats its nonce
    assert waits == [2.0, 2.0]  # backoff (SimCord's 429 carries no Retry-After)
    assert all(r.json["allowed_mentions"] == {"parse": []} for r in sends)
    records = await world.bot.store.posts_for(world.guild.id)
    assert [(r.slot, r.status, r.attempts) for r in records] == [
        ("2026-11-22", SENT, 2),
        ("2026-11-23", SENT, 2),
    ]


async def test_deleted_channel_pauses_and_status_says_why(world: World, clock: FixedClock) -> None:
    gone = world.guild.create_text_channel("old-briefing")
    await world.admin.slash(world.channel, "digest setup", channel=gone)
    world.env.backend.delete_channel(gone.id)  # deleted by someone in the server
    await sweep_at(world, clock, datetime(2026, 11, 22, 9, 0, tzinfo=UTC))
    config = await world.bot.store.guild_config(world.guild.id)
    reason = f"The digest channel <#{gone.id}> was deleted, or I can no longer see it."
    assert config.paused_reason == reason
    status = await world.admin.slash(world.channel, "digest status")
    embed = status.response.embeds[0]
    fields = {f.name: f.value for f in embed.fields}
    assert embed.title == "Digest: paused"
    assert fields["Paused"] == f"{reason} Run `/digest setup` again to resume."
    now = await world.admin.slash(world.channel, "digest now")
    assert now.response.content.startswith("The digest is paused: ")
    assert refusals(world) == [UserError]
    # set up again in a live channel: it resumes
    await setup_digest(world)
    await sweep_at(world, clock, datetime(2026, 11, 23, 9, 0, tzinfo=UTC))
    assert len(bot_posts(world, world.channel)) == 1


async def test_restart_does_not_repeat_a_sent_digest(
    world: World, clock: FixedClock, bot_factory: Callable[..., BriefingBot]
) -> None:
    await setup_digest(world, time="09:00", timezone="UTC")
    await sweep_at(world, clock, datetime(2026, 11, 22, 9, 0, tzinfo=UTC))
    assert len(bot_posts(world, world.channel)) == 1
    clock.set(datetime(2026, 11, 22, 10, 0, tzinfo=UTC))
    await world.env.restart_bot(bot_factory())  # its start-up sweep runs here
    await sweep_at(world, clock, datetime(2026, 11, 22, 11, 0, tzinfo=UTC))
    assert len(bot_posts(world, world.channel)) == 1
    # the bot is down over the next 09:00 and back at 12:00: that digest goes at start
    clock.set(datetime(2026, 11, 23, 12, 0, tzinfo=UTC))
    await world.env.restart_bot(bot_factory())
    posts = bot_posts(world, world.channel)
    assert [p.embeds[-1].footer.text for p in posts][-1].endswith("digest/2026-11-23 · 1/1")
    assert len(posts) == 2


async def test_the_first_digest_counts_the_week_before_setup(world: World) -> None:
    """An event added minutes before /digest setup is in the first digest (it said 'No
    event was added or changed since the digest was set up')."""
    await world.admin.slash(
        world.channel,
        "event add",
        date="2026-11-20",
        title="Negotiators hold a video call",
        summary="They agree to meet in Geneva.",
        topic="talks",
        source_url="https://www.reuters.com/world/china/call-2026-11-20/",
    )
    await setup_digest(world)
    await world.admin.slash(world.channel, "digest now")
    posted = bot_posts(world, world.channel)
    text = "\n".join(f"{e.title}\n{e.description}" for m in posted for e in m.embeds)
    assert "**Negotiators hold a video call**" in text
    assert "in the last week (since" in text
