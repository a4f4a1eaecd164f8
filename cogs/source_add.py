"""/source add: an article (a link or a file) read safely (bot.fetching), stored as a source
of this server, and what it proposes queued for curators' review (cogs.review).

Reading and the engine run in worker processes (bot.worker) within a time budget, so a huge
or pathological page costs its own worker, never the event loop every server shares.
"""

from __future__ import annotations

from datetime import datetime

import discord
from discord import app_commands
from discord.ext import commands

from bot.bounds import is_zone, zone_error
from bot.briefing import review as brief
from bot.briefing.text import shown
from bot.client import BriefingBot, send_error
from bot.errors import UserError
from bot.fetching import MAX_FILE_BYTES, extract, fetch_article, too_big
from bot.ingesting import Ingested, IngestError, ingest_article, parse_published, queue
from bot.models import Queued, Source
from cogs._editing import NO_MENTIONS, Interaction, actor, editor_only, guild_id
from cogs.review import KNOWN, ReviewPage


@app_commands.guild_only()
@app_commands.default_permissions(manage_guild=True)
class SourceCuration(
    commands.GroupCog,
    group_name="source",
    group_description="Add articles whose reporting curators review (editors only)",
):
    def __init__(self, bot: BriefingBot) -> None:
        self.bot = bot

    @app_commands.command(name="add", description="Read an article and propose what it adds")
    @app_commands.describe(
        url="A link to the article (http or https)",
        file="Or the article as a .txt or .html file",
        published="When it was published, if the page does not say (2025-08-25T22:38-04:00)",
        timezone="The zone the article speaks in, e.g. Asia/Shanghai (default: server's)",
        outlet="The outlet's name, if the page does not give it (e.g. Reuters)",
    )
    @editor_only()
    async def add(
        self,
        interaction: Interaction,
        url: str | None = None,
        file: discord.Attachment | None = None,
        published: str | None = None,
        timezone: str | None = None,
        outlet: str | None = None,
    ) -> None:
        if (url is None) == (file is None):
            raise UserError("Give the article as `url:` (a link) or `file:` (.txt or .html).")
        zone = timezone.strip() if timezone and timezone.strip() else None
        if zone is not None and not is_zone(zone):
            raise UserError(f"{zone_error(zone)}.")
        try:
            when = parse_published(published, zone) if published else None
        except IngestError as exc:
            raise UserError(str(exc)) from None
        await interaction.response.defer(ephemeral=True, thinking=True)
        try:
            source, queued, done = await self._ingest(
                interaction, url, file, when, timezone, outlet
            )
        except KNOWN as exc:
            await send_error(interaction, str(exc))
            return
        view = discord.ui.View(timeout=None)
        view.add_item(ReviewPage(0, "Review the queue"))
        lead = f"Queued {len(queued)} proposal(s) for review." if queued else "It proposed nothing."
        held = done.result.held_back
        if held:
            titles = "; ".join(shown(p.title, 80) for p in held[:3])
            more = f" and {len(held) - 3} more" if len(held) > 3 else ""
            lead += f"\n{len(held)} weaker one(s) held back, not queued: {titles}{more}."
        await interaction.followup.send(
            "\n".join((lead, *done.notes)),
            embed=brief.added_embed(source, done.result.proposals, done.result.conflicts),
            view=view,
            ephemeral=True,
            allowed_mentions=NO_MENTIONS,
        )

    async def _ingest(
        self,
        interaction: Interaction,
        url: str | None,
        file: discord.Attachment | None,
        when: datetime | None,
        timezone: str | None,
        outlet: str | None,
    ) -> tuple[Source, list[Queued], Ingested]:
        store = self.bot.store
        gid = guild_id(interaction)
        if url is not None:
            article = await fetch_article(
                url.strip(), allow_private=self.bot.settings.fetch_allow_private
            )
        else:
            assert file is not None
            if file.size > MAX_FILE_BYTES:
                raise too_big(file.size, "that file")
            data = await file.read()
            article = await extract(data, content_type=file.content_type, name=file.filename)
        config = await store.guild_config(gid)
        done = await ingest_article(
            store,
            article,
            guild_id=gid,
            published=when,
            zone=timezone,
            outlet=outlet.strip()[:200] if outlet and outlet.strip() else None,
            default_zone=config.timezone,
        )
        source, queued = await queue(store, done, gid, actor(interaction))
        return source, queued, done


async def setup(bot: BriefingBot) -> None:
    await bot.add_cog(SourceCuration(bot))
