"""/milestone add, edit (including the outcome once it has passed), remove and restore."""

from __future__ import annotations

from zoneinfo import available_timezones

from discord import app_commands
from discord.ext import commands

from bot.briefing.cards import milestone_embed
from bot.client import BriefingBot
from bot.curation import (
    REASON_MAX,
    MilestoneInput,
    build_milestone,
    edit_milestone,
    optional_text,
)
from bot.models import Kind, Milestone, MilestoneKind, OutcomeStatus
from cogs._editing import (
    Interaction,
    actor,
    autocomplete_items,
    autocomplete_sources,
    context,
    defer,
    editor_only,
    find,
    guild_id,
    hide_or_show,
    reply,
    show_history,
    sources_by_id,
)

KIND_CHOICES = [app_commands.Choice(name=k.value, value=k.value) for k in MilestoneKind]
OUTCOME_CHOICES = [app_commands.Choice(name=s.value, value=s.value) for s in OutcomeStatus]
_ZONES = sorted(available_timezones())


async def autocomplete_zone(
    interaction: Interaction, current: str
) -> list[app_commands.Choice[str]]:
    typed = current.strip().casefold().replace(" ", "_")
    hits = [z for z in _ZONES if typed in z.casefold()] if typed else ["UTC"]
    return [app_commands.Choice(name=z, value=z) for z in hits[:25]]


async def _show(
    interaction: Interaction, milestone: Milestone, content: str, hidden: str | None = None
) -> None:
    store = interaction.client.store
    embed = milestone_embed(
        milestone,
        now=interaction.client.clock.now(),
        sources=await sources_by_id(store, guild_id(interaction)),
        conflicts=await store.conflicts_by_id(guild_id(interaction)),
        hidden_reason=hidden,
    )
    await reply(interaction, content, [embed])


@app_commands.guild_only()
@app_commands.default_permissions(manage_guild=True)
class MilestoneCuration(
    commands.GroupCog,
    group_name="milestone",
    group_description="Add and correct deadlines and meetings (editors only)",
):
    def __init__(self, bot: BriefingBot) -> None:
        self.bot = bot

    @app_commands.command(name="add", description="Add a deadline or meeting to count down to")
    @app_commands.describe(
        name="What it is, up to 200 characters",
        when="Day, optionally with a time: 2026-11-10 00:01, 10 Nov 2026 9:30 pm, 2026-11-10",
        timezone="The zone the time is given in (default: this server's)",
        place="Where (optional)",
        kind="Kind (default: deadline)",
        source_url="http(s) link to the article, or pick a known source",
        source_name="The outlet's name (default: the link's site)",
        description="What it is about, shown on its card (up to 1,000 characters)",
    )
    @app_commands.choices(kind=KIND_CHOICES)
    @app_commands.autocomplete(timezone=autocomplete_zone, source_url=autocomplete_sources)
    @editor_only()
    async def add(
        self,
        interaction: Interaction,
        name: str,
        when: str,
        timezone: str | None = None,
        place: str | None = None,
        kind: str | None = None,
        source_url: str | None = None,
        source_name: str | None = None,
        description: str | None = None,
    ) -> None:
        await defer(interaction)
        inp = MilestoneInput(
            name=name,
            when=when,
            timezone=timezone,
            place=place,
            kind=kind,
            source_url=source_url,
            source_name=source_name,
            description=description,
        )
        ctx = await context(interaction, Kind.MILESTONE)
        draft = build_milestone(inp, ctx, self.bot.clock.now().date())
        saved = await self.bot.store.save_many(
            draft.items(), guild_id=guild_id(interaction), actor=actor(interaction), expect_new=True
        )
        milestone = saved[-1].item
        assert isinstance(milestone, Milestone)
        await _show(interaction, milestone, f"Added milestone `{milestone.id}`. Readers see:")

    @app_commands.command(name="edit", description="Correct a milestone, or record its outcome")
    @app_commands.describe(
        milestone="The milestone (type to search)",
        name="New name",
        when="New day and time",
        timezone="The zone its time is given in",
        place="New place",
        kind="New kind",
        outcome="What happened, once it has passed",
        outcome_note="The outcome in a sentence (needed with outcome)",
        source_url="A source (for the outcome when one is given)",
        source_name="The new source's outlet name",
        reason="Why (kept in the history)",
        description="New description for its card",
    )
    @app_commands.choices(kind=KIND_CHOICES, outcome=OUTCOME_CHOICES)
    @app_commands.autocomplete(
        milestone=autocomplete_items(Kind.MILESTONE),
        timezone=autocomplete_zone,
        source_url=autocomplete_sources,
    )
    @editor_only()
    async def edit(
        self,
        interaction: Interaction,
        milestone: str,
        name: str | None = None,
        when: str | None = None,
        timezone: str | None = None,
        place: str | None = None,
        kind: str | None = None,
        outcome: str | None = None,
        outcome_note: str | None = None,
        source_url: str | None = None,
        source_name: str | None = None,
        reason: str | None = None,
        description: str | None = None,
    ) -> None:
        await defer(interaction)
        store = self.bot.store
        gid = guild_id(interaction)
        why = optional_text(reason, "reason", REASON_MAX)
        current = await find(store, Kind.MILESTONE, milestone, gid, include_removed=True)
        assert isinstance(current.item, Milestone)
        inp = MilestoneInput(
            name,
            when,
            timezone,
            place,
            kind,
            outcome,
            outcome_note,
            source_url,
            source_name,
            description,
        )
        ctx = await context(interaction, Kind.MILESTONE)
        draft = edit_milestone(current.item, inp, ctx, self.bot.clock.now())
        saved = await store.save_many(
            draft.items(), guild_id=gid, actor=actor(interaction), reason=why
        )
        stored = saved[-1]
        assert isinstance(stored.item, Milestone)
        await _show(
            interaction,
            stored.item,
            f"Edited milestone `{stored.item.id}` ({', '.join(draft.changed)}). Readers see:",
            stored.removed_reason if stored.removed else None,
        )

    @app_commands.command(name="remove", description="Hide a milestone from readers (kept)")
    @app_commands.describe(milestone="The milestone (type to search)", reason="Why")
    @app_commands.autocomplete(milestone=autocomplete_items(Kind.MILESTONE))
    @editor_only()
    async def remove(self, interaction: Interaction, milestone: str, reason: str) -> None:
        item, why = await hide_or_show(interaction, Kind.MILESTONE, milestone, reason=reason)
        assert isinstance(item, Milestone)
        await _show(
            interaction,
            item,
            f"Removed milestone `{item.id}`; /milestone restore brings it back.",
            why,
        )

    @app_commands.command(name="restore", description="Show a removed milestone again")
    @app_commands.describe(milestone="A removed milestone (type to search)")
    @app_commands.autocomplete(milestone=autocomplete_items(Kind.MILESTONE, "removed"))
    @editor_only()
    async def restore(self, interaction: Interaction, milestone: str) -> None:
        item, _ = await hide_or_show(interaction, Kind.MILESTONE, milestone, reason=None)
        assert isinstance(item, Milestone)
        await _show(interaction, item, f"Restored milestone `{item.id}`.")

    @app_commands.command(name="history", description="Who changed a milestone, what, when and why")
    @app_commands.describe(milestone="Type to search (removed ones too)")
    @app_commands.autocomplete(milestone=autocomplete_items(Kind.MILESTONE, "all"))
    @editor_only()
    async def history(self, interaction: Interaction, milestone: str) -> None:
        await show_history(interaction, Kind.MILESTONE, milestone)


async def setup(bot: BriefingBot) -> None:
    await bot.add_cog(MilestoneCuration(bot))
