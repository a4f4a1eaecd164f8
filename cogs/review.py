"""/review: new reporting into the record, through curators.

`/review` pages through the queue that `/source add` (cogs.source_add) and feeds fill, and
opens one proposal with Accept, Edit, Reject and Source only. Nothing reaches readers
unreviewed: an accepted proposal goes through the same audited write as /event add.

Every button and the menu carry their state in their custom ids (DynamicItems), so they
keep working after a restart; each checks again that the one pressing it may edit.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.briefing import review as brief
from bot.client import BriefingBot, send_error
from bot.dates import DateParseError, parse_user_date
from bot.errors import UserError
from bot.fetching import FetchError
from bot.ingest import Proposal
from bot.ingesting import IngestError
from bot.models import Kind, Queued, Source
from bot.reviewing import accept, cite, matched_item, reject
from bot.store import StoreError
from cogs._editing import (
    NO_MENTIONS,
    Interaction,
    actor,
    editor_only,
    guild_id,
    is_editor,
    modal_error,
    sources_by_id,
)

log = logging.getLogger(__name__)
Button = discord.ui.Button[discord.ui.View]
Select = discord.ui.Select[discord.ui.View]
KNOWN = (FetchError, IngestError, StoreError, UserError)


async def answer(interaction: Interaction, decision: Awaitable[str]) -> None:
    """A decision's outcome, or its refusal, as one ephemeral line."""
    try:
        done = await decision
    except KNOWN as exc:
        await send_error(interaction, str(exc))
        return
    await interaction.response.send_message(done, ephemeral=True, allowed_mentions=NO_MENTIONS)


async def _guarded(interaction: Interaction) -> bool:
    """Components can be pressed by anyone who sees them: check again, answer if refused."""
    try:
        return await is_editor(interaction)
    except app_commands.CheckFailure as exc:
        await send_error(interaction, str(exc))
        return False


async def show_queue(interaction: Interaction, offset: int, *, edit: bool = False) -> None:
    store = interaction.client.store
    gid = guild_id(interaction)
    page, total = await store.review_queue(gid, limit=brief.PAGE_SIZE, offset=offset)
    if not page and offset > 0:
        page, total = await store.review_queue(gid, limit=brief.PAGE_SIZE, offset=0)
        offset = 0
    embed = brief.queue_embed(page, total, offset, await sources_by_id(store, gid))
    view = discord.ui.View(timeout=None)
    if page:
        options = [
            discord.SelectOption(
                label=f"#{q.id} · {q.data.get('title', '')!s}"[:100],
                value=str(q.id),
                description=brief.KIND_LABEL.get(q.kind, q.kind)[:100],
            )
            for q in page
        ]
        view.add_item(ReviewOpen(options))
    if offset > 0:
        view.add_item(ReviewPage(max(0, offset - brief.PAGE_SIZE), "◀ Newer"))
    if offset + len(page) < total:
        view.add_item(ReviewPage(offset + brief.PAGE_SIZE, "Older ▶"))
    kwargs: dict[str, Any] = {"embed": embed, "view": view, "allowed_mentions": NO_MENTIONS}
    if edit:
        await interaction.response.edit_message(**kwargs)
    elif interaction.response.is_done():
        await interaction.followup.send(ephemeral=True, **kwargs)
    else:
        await interaction.response.send_message(ephemeral=True, **kwargs)


async def show_proposal(interaction: Interaction, proposal_id: int) -> None:
    store = interaction.client.store
    gid = guild_id(interaction)
    q = await store.queued(gid, proposal_id)
    proposal = Proposal.model_validate(q.data)
    source = await store.get_item(Kind.SOURCE, q.source_id, gid)
    item = await matched_item(store, gid, proposal.matches) if proposal.matches else None
    matched = getattr(item, "title", None) or getattr(item, "name", None)
    embed = brief.proposal_embed(
        q, proposal, source if isinstance(source, Source) else None, matched
    )
    view = discord.ui.View(timeout=None)
    if q.pending:
        view.add_item(ReviewAct("acc", q.id))
        view.add_item(ReviewAct("edit", q.id, disabled=proposal.kind == "source-only"))
        view.add_item(ReviewAct("rej", q.id))
        view.add_item(ReviewAct("cite", q.id, disabled=not proposal.matches))
    await interaction.response.send_message(
        embed=embed, view=view, ephemeral=True, allowed_mentions=NO_MENTIONS
    )


class ReviewPage(discord.ui.DynamicItem[Button], template=brief.PAGE_TEMPLATE):
    def __init__(self, offset: int, label: str = "Review queue") -> None:
        super().__init__(
            discord.ui.Button(
                label=label, style=discord.ButtonStyle.secondary, custom_id=brief.page_id(offset)
            )
        )
        self.offset = offset

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str]
    ) -> ReviewPage:
        return cls(int(match["offset"]))

    async def callback(self, interaction: Interaction) -> None:  # type: ignore[override]
        if await _guarded(interaction):
            in_queue = interaction.message is not None and any(
                e.title == "Review queue" for e in interaction.message.embeds
            )
            await show_queue(interaction, self.offset, edit=in_queue)


class ReviewOpen(discord.ui.DynamicItem[Select], template=re.escape(brief.OPEN_ID)):
    def __init__(self, options: list[discord.SelectOption] | None = None) -> None:
        super().__init__(
            discord.ui.Select(
                custom_id=brief.OPEN_ID,
                placeholder="Review one proposal…",
                options=options or [discord.SelectOption(label="…", value="0")],
            )
        )

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str]
    ) -> ReviewOpen:
        return cls()

    async def callback(self, interaction: Interaction) -> None:  # type: ignore[override]
        if not await _guarded(interaction):
            return
        values = self.item.values
        try:
            await show_proposal(interaction, int(values[0]))
        except (*KNOWN, ValueError, IndexError) as exc:
            await send_error(interaction, str(exc) or "Pick a proposal from the list.")


LABELS = {
    "acc": ("Accept", discord.ButtonStyle.success),
    "edit": ("Edit", discord.ButtonStyle.primary),
    "rej": ("Reject", discord.ButtonStyle.danger),
    "cite": ("Source only", discord.ButtonStyle.secondary),
}


class ReviewAct(discord.ui.DynamicItem[Button], template=brief.ACT_TEMPLATE):
    def __init__(self, act: str, proposal_id: int, *, disabled: bool = False) -> None:
        label, style = LABELS[act]
        super().__init__(
            discord.ui.Button(
                label=label, style=style, custom_id=f"rv:{act}:{proposal_id}", disabled=disabled
            )
        )
        self.act, self.proposal_id = act, proposal_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str]
    ) -> ReviewAct:
        return cls(match["act"], int(match["id"]))

    async def callback(self, interaction: Interaction) -> None:  # type: ignore[override]
        if not await _guarded(interaction):
            return
        store = interaction.client.store
        gid = guild_id(interaction)
        try:
            q = await store.queued(gid, self.proposal_id)
            if not q.pending:
                raise UserError(f"Proposal #{q.id} was already {q.status} by {q.decided_by}.")
            if self.act == "edit":
                await interaction.response.send_modal(EditProposalModal(q))
                return
            if self.act == "rej":
                await interaction.response.send_modal(RejectModal(q))
                return
        except KNOWN as exc:
            await send_error(interaction, str(exc))
            return
        who = actor(interaction)
        decide = accept if self.act == "acc" else cite
        await answer(interaction, decide(store, gid, q, who))


class EditProposalModal(discord.ui.Modal, title="Edit, then accept"):
    """The proposal prefilled; what the curator submits is validated and accepted."""

    def __init__(self, q: Queued) -> None:
        super().__init__(timeout=900)
        self.q = q
        p = Proposal.model_validate(q.data)
        self.when: discord.ui.TextInput[EditProposalModal] = discord.ui.TextInput(
            label="Date (2025-10-09, 10-11 May 2025, Oct 2025)",
            custom_id="date",
            default=p.date or "",
            max_length=40,
        )
        self.headline: discord.ui.TextInput[EditProposalModal] = discord.ui.TextInput(
            label="Title", custom_id="title", default=p.title[:200], max_length=200
        )
        self.summary: discord.ui.TextInput[EditProposalModal] = discord.ui.TextInput(
            label="Summary (your own words)",
            custom_id="summary",
            style=discord.TextStyle.paragraph,
            default=p.summary[:1500],
            max_length=1500,
        )
        for field in (self.when, self.headline, self.summary):
            self.add_item(field)

    async def on_submit(self, interaction: Interaction) -> None:  # type: ignore[override]
        p = Proposal.model_validate(self.q.data)
        try:
            when = parse_user_date(self.when.value) if self.when.value.strip() else None
        except DateParseError as exc:
            await send_error(interaction, f"Date: {exc}")
            return
        edited = p.model_copy(
            update={
                "date": when.canonical() if when else None,
                "title": self.headline.value.strip() or p.title,
                "summary": self.summary.value.strip() or p.summary,
                "matches": None,
            }
        )
        store = interaction.client.store
        await answer(
            interaction, accept(store, guild_id(interaction), self.q, actor(interaction), edited)
        )

    async def on_error(self, interaction: Interaction, error: Exception) -> None:  # type: ignore[override]
        await modal_error(interaction, error, log)


class RejectModal(discord.ui.Modal, title="Reject the proposal"):
    def __init__(self, q: Queued) -> None:
        super().__init__(timeout=900)
        self.q = q
        self.reason: discord.ui.TextInput[RejectModal] = discord.ui.TextInput(
            label="Why (other curators will read it)", custom_id="reason", max_length=500
        )
        self.add_item(self.reason)

    async def on_submit(self, interaction: Interaction) -> None:  # type: ignore[override]
        store = interaction.client.store
        await answer(
            interaction,
            reject(store, guild_id(interaction), self.q, actor(interaction), self.reason.value),
        )

    async def on_error(self, interaction: Interaction, error: Exception) -> None:  # type: ignore[override]
        await modal_error(interaction, error, log)


class Review(commands.Cog):
    def __init__(self, bot: BriefingBot) -> None:
        self.bot = bot

    @app_commands.command(name="review", description="Review what added articles propose")
    @app_commands.guild_only()
    @app_commands.default_permissions(manage_guild=True)
    @editor_only()
    async def review(self, interaction: Interaction) -> None:
        await show_queue(interaction, 0)


async def setup(bot: BriefingBot) -> None:
    await bot.add_cog(Review(bot))
    bot.add_dynamic_items(ReviewPage, ReviewOpen, ReviewAct)
