"""/feed: the news feeds a server follows, so its review queue fills by itself.

Curators only (Manage Server, or the editor role): add (checked first: it must answer with a
real feed), list, remove, pause, resume (which polls at once) and poll now. Each feed is
polled on its own schedule (bot.feeds.schedule); what its new items propose joins /review,
and the feed's channel (or the digest channel) gets one short notice per poll with a button
into the queue. A feed that keeps failing is paused and the channel told.
"""

from __future__ import annotations

import logging

import discord
from discord import app_commands
from discord.ext import commands

from bot.briefing import feeds as brief
from bot.client import BriefingBot, send_error
from bot.errors import UserError
from bot.feeds import FeedError, FeedOptions, check_every, check_feed, follow
from bot.feeds.schedule import FeedScheduler
from bot.fetching import FetchError
from bot.models import ACTIVE, EVERY_DEFAULT, EVERY_MAX, EVERY_MIN, PAUSED, REMOVED, PollReport
from bot.store import StoreError
from cogs._editing import NO_MENTIONS, Interaction, actor, editor_only, guild_id

log = logging.getLogger(__name__)
KNOWN = (FetchError, FeedError, StoreError, UserError)
"""Errors whose message is the answer (one line saying what to do instead)."""


def options_for(bot: BriefingBot) -> FeedOptions:
    s = bot.settings
    return FeedOptions(
        allow_private=s.fetch_allow_private,
        pause_after=s.feed_pause_after,
        per_poll=s.feed_items_per_poll,
    )


@app_commands.guild_only()
@app_commands.default_permissions(manage_guild=True)
class Feeds(
    commands.GroupCog,
    group_name="feed",
    group_description="Follow news feeds: their new items become proposals (editors only)",
):
    def __init__(self, bot: BriefingBot) -> None:
        self.bot = bot
        self.options = options_for(bot)
        self.scheduler = FeedScheduler(
            bot.store, bot.clock, self.options, self.send_notice, mine=bot.owns
        )

    async def cog_load(self) -> None:
        await self.scheduler.start()

    async def cog_unload(self) -> None:
        self.scheduler.shutdown()

    # -- notices ---------------------------------------------------------------------------------
    async def send_notice(self, report: PollReport) -> None:
        """One message per poll in the feed's channel (else the digest channel), if any."""
        text = brief.notice(report)
        feed = report.feed
        channel_id = (
            feed.channel_id or (await self.bot.store.guild_config(feed.guild_id)).digest_channel_id
        )
        if text is None or channel_id is None:
            return
        channel = self.bot.get_partial_messageable(channel_id, guild_id=feed.guild_id)
        view = brief.review_view() if report.proposals else discord.utils.MISSING
        try:
            await channel.send(text, view=view, allowed_mentions=NO_MENTIONS)
        except discord.HTTPException as exc:
            log.warning("feed #%d: could not post its notice in %d: %s", feed.id, channel_id, exc)

    # -- autocomplete ----------------------------------------------------------------------------
    async def _feed_choices(
        self, interaction: Interaction, current: str
    ) -> list[app_commands.Choice[int]]:
        if interaction.guild_id is None:
            return []
        needle = current.strip().lower().lstrip("#")
        out = []
        for feed in await self.bot.store.feeds(interaction.guild_id):
            label = brief.feed_label(feed)
            if not needle or needle in label.lower() or needle in feed.url.lower():
                out.append(app_commands.Choice(name=label, value=feed.id))
        return out[:25]

    # -- commands --------------------------------------------------------------------------------
    @app_commands.command(
        name="add", description="Follow an RSS or Atom feed; new items become proposals"
    )
    @app_commands.describe(
        url="The feed's address (RSS or Atom), e.g. https://example.com/feed",
        channel="Where to tell curators about new proposals (default: the digest channel)",
        every=f"Poll every N minutes, {EVERY_MIN}-{EVERY_MAX} (default {EVERY_DEFAULT})",
    )
    @editor_only()
    async def add(
        self,
        interaction: Interaction,
        url: str,
        channel: discord.TextChannel | None = None,
        every: app_commands.Range[int, EVERY_MIN, EVERY_MAX] = EVERY_DEFAULT,
    ) -> None:
        gid = guild_id(interaction)
        try:
            minutes = check_every(every)
        except FeedError as exc:
            raise UserError(str(exc)) from None
        await interaction.response.defer(ephemeral=True, thinking=True)
        try:
            checked = await check_feed(url, self.options)
            feed, report = await follow(
                self.bot.store,
                gid,
                checked,
                channel_id=channel.id if channel else None,
                every_minutes=minutes,
                actor=actor(interaction),
                clock=self.bot.clock,
                options=self.options,
            )
        except KNOWN as exc:
            await send_error(interaction, str(exc))
            return
        self.scheduler.schedule(feed)
        await interaction.followup.send(
            brief.added_text(feed, checked.parsed, report)[:2000],
            view=brief.review_view() if report.proposals else discord.utils.MISSING,
            ephemeral=True,
            allowed_mentions=NO_MENTIONS,
        )

    @app_commands.command(
        name="list", description="The feeds this server follows, and how they fare"
    )
    @editor_only()
    async def list_feeds(self, interaction: Interaction) -> None:
        feeds = await self.bot.store.feeds(guild_id(interaction))
        await interaction.response.send_message(
            embed=brief.feeds_embed(feeds), ephemeral=True, allowed_mentions=NO_MENTIONS
        )

    @app_commands.command(name="pause", description="Stop polling a feed for now")
    @app_commands.describe(feed="The feed to pause")
    @app_commands.autocomplete(feed=_feed_choices)
    @editor_only()
    async def pause(self, interaction: Interaction, feed: int) -> None:
        gid = guild_id(interaction)
        current = await self.bot.store.feed(gid, feed)
        if current.status == PAUSED:
            raise UserError(
                f"{brief.feed_label(current)} is already paused; `/feed resume` restarts it."
            )
        done = await self.bot.store.set_feed_status(
            gid, feed, PAUSED, reason=f"paused by {interaction.user.name}"
        )
        self.scheduler.schedule(done)
        await self._say(
            interaction, f"Paused **{brief.feed_label(done)}**; `/feed resume` restarts it."
        )

    @app_commands.command(name="resume", description="Poll a paused feed again, starting now")
    @app_commands.describe(feed="The feed to resume")
    @app_commands.autocomplete(feed=_feed_choices)
    @editor_only()
    async def resume(self, interaction: Interaction, feed: int) -> None:
        gid = guild_id(interaction)
        current = await self.bot.store.feed(gid, feed)
        if current.status == ACTIVE:
            raise UserError(
                f"{brief.feed_label(current)} is not paused; `/feed poll` polls it now."
            )
        await interaction.response.defer(ephemeral=True, thinking=True)
        done = await self.bot.store.set_feed_status(gid, feed, ACTIVE)
        self.scheduler.schedule(done)
        report = await self.scheduler.poll_feed(done.id, notify=False)
        text = "Resumed. " + (brief.poll_text(report) if report is not None else "")
        await interaction.followup.send(
            text[:2000], ephemeral=True, allowed_mentions=NO_MENTIONS,
            view=brief.review_view() if report and report.proposals else discord.utils.MISSING,
        )  # fmt: skip

    @app_commands.command(name="poll", description="Poll a feed now (or all of this server's)")
    @app_commands.describe(feed="The feed to poll (default: every active feed of this server)")
    @app_commands.autocomplete(feed=_feed_choices)
    @editor_only()
    async def poll_now(self, interaction: Interaction, feed: int | None = None) -> None:
        gid = guild_id(interaction)
        if feed is not None:
            chosen = [await self.bot.store.feed(gid, feed)]
        else:
            chosen = [f for f in await self.bot.store.feeds(gid) if f.status == ACTIVE]
            if not chosen:
                raise UserError("This server follows no active feed; `/feed add url:` adds one.")
        paused = [f for f in chosen if f.status != ACTIVE]
        if paused:
            raise UserError(f"{brief.feed_label(paused[0])} is paused; `/feed resume` polls it.")
        await interaction.response.defer(ephemeral=True, thinking=True)
        lines = []
        proposals = 0
        for one in chosen[:10]:
            report = await self.scheduler.poll_feed(one.id, notify=False)
            if report is not None:
                lines.append(brief.poll_text(report))
                proposals += report.proposals
        if len(chosen) > 10:
            lines.append(f"… {len(chosen) - 10} more are polled on their schedule.")
        await interaction.followup.send(
            "\n".join(lines)[:2000] or "Nothing was polled.", ephemeral=True,
            allowed_mentions=NO_MENTIONS,
            view=brief.review_view() if proposals else discord.utils.MISSING,
        )  # fmt: skip

    @app_commands.command(
        name="remove", description="Stop following a feed (what it proposed stays)"
    )
    @app_commands.describe(feed="The feed to stop following")
    @app_commands.autocomplete(feed=_feed_choices)
    @editor_only()
    async def remove(self, interaction: Interaction, feed: int) -> None:
        done = await self.bot.store.set_feed_status(guild_id(interaction), feed, REMOVED)
        self.scheduler.unschedule(done.id)
        await self._say(
            interaction,
            f"Stopped following **{brief.feed_label(done)}**. Its proposals stay in `/review`; "
            "adding it again later will not bring back items already seen.",
        )

    async def _say(self, interaction: Interaction, text: str) -> None:
        await interaction.response.send_message(
            text[:2000], ephemeral=True, allowed_mentions=NO_MENTIONS
        )


async def setup(bot: BriefingBot) -> None:
    await bot.add_cog(Feeds(bot))
