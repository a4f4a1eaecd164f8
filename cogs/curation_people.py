"""/person add and /person edit: people the curated data does not know yet, and corrections."""

from __future__ import annotations

from discord import app_commands
from discord.ext import commands

from bot.briefing.cards import person_embed
from bot.client import BriefingBot
from bot.curation import REASON_MAX, PersonInput, build_person, edit_person, optional_text
from bot.models import Kind, Person
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


async def _show(interaction: Interaction, person: Person, content: str) -> None:
    """The person as this server's readers see them in /who."""
    store = interaction.client.store
    gid = guild_id(interaction)
    everyone = {p.id: p for p in await store.list_typed(Person, gid)}
    events = await store.events_for_person(person.id, gid, limit=5)
    embed = person_embed(
        person,
        sources=await sources_by_id(store, gid),
        conflicts=await store.conflicts_by_id(gid),
        everyone=everyone,
        events=events,
    )
    await reply(interaction, content, [embed])


@app_commands.guild_only()
@app_commands.default_permissions(manage_guild=True)
class PersonCuration(
    commands.GroupCog,
    group_name="person",
    group_description="Add and correct the people in the record (editors only)",
):
    def __init__(self, bot: BriefingBot) -> None:
        self.bot = bot

    @app_commands.command(name="add", description="Add someone the record does not know yet")
    @app_commands.describe(
        name="Full name",
        country="Country they act for",
        affiliation="Ministry, office or organisation",
        bio="Who they are, in your own words (up to 1,500 characters)",
        aliases="Other names readers may type, comma-separated",
        source_url="http(s) link to an article about them, or pick a known source",
        source_name="The outlet's name (default: the link's site)",
    )
    @app_commands.autocomplete(source_url=autocomplete_sources)
    @editor_only()
    async def add(
        self,
        interaction: Interaction,
        name: str,
        country: str,
        affiliation: str,
        bio: str,
        aliases: str | None = None,
        source_url: str | None = None,
        source_name: str | None = None,
    ) -> None:
        await defer(interaction)
        inp = PersonInput(name, aliases, country, affiliation, bio, source_url, source_name)
        ctx = await context(interaction, Kind.PERSON)
        draft = build_person(inp, ctx, self.bot.clock.now().date())
        saved = await self.bot.store.save_many(
            draft.items(), guild_id=guild_id(interaction), actor=actor(interaction), expect_new=True
        )
        person = saved[-1].item
        assert isinstance(person, Person)
        await _show(
            interaction,
            person,
            f"Added `{person.id}`. Events can now name them in people. Readers see:",
        )

    @app_commands.command(name="edit", description="Correct what the record says about someone")
    @app_commands.describe(
        person="The person (type to search)",
        name="New full name",
        aliases="Other names, comma-separated (replaces the list; 'none' clears it)",
        country="New country",
        affiliation="New affiliation",
        bio="New bio (up to 1,500 characters)",
        source_url="Add a source: http(s) link, or pick a known source",
        source_name="The new source's outlet name",
        reason="Why (kept in the history)",
    )
    @app_commands.autocomplete(
        person=autocomplete_items(Kind.PERSON), source_url=autocomplete_sources
    )
    @editor_only()
    async def edit(
        self,
        interaction: Interaction,
        person: str,
        name: str | None = None,
        aliases: str | None = None,
        country: str | None = None,
        affiliation: str | None = None,
        bio: str | None = None,
        source_url: str | None = None,
        source_name: str | None = None,
        reason: str | None = None,
    ) -> None:
        await defer(interaction)
        store = self.bot.store
        gid = guild_id(interaction)
        why = optional_text(reason, "reason", REASON_MAX)
        current = await find(store, Kind.PERSON, person, gid, include_removed=True)
        assert isinstance(current.item, Person)
        inp = PersonInput(name, aliases, country, affiliation, bio, source_url, source_name)
        ctx = await context(interaction, Kind.PERSON)
        draft = edit_person(current.item, inp, ctx, self.bot.clock.now().date())
        saved = await store.save_many(
            draft.items(), guild_id=gid, actor=actor(interaction), reason=why
        )
        edited = saved[-1].item
        assert isinstance(edited, Person)
        await _show(
            interaction, edited, f"Edited `{edited.id}` ({', '.join(draft.changed)}). Readers see:"
        )

    @app_commands.command(name="remove", description="Hide someone from readers (kept; restorable)")
    @app_commands.describe(person="The person (type to search)", reason="Why (shown in history)")
    @app_commands.autocomplete(person=autocomplete_items(Kind.PERSON))
    @editor_only()
    async def remove(self, interaction: Interaction, person: str, reason: str) -> None:
        item, why = await hide_or_show(interaction, Kind.PERSON, person, reason=reason)
        assert isinstance(item, Person)
        await _show(
            interaction,
            item,
            f"Removed `{item.id}` ({why}): readers here no longer see them. "
            "/person restore brings them back.",
        )

    @app_commands.command(name="restore", description="Show a removed person to readers again")
    @app_commands.describe(person="A removed person (type to search)")
    @app_commands.autocomplete(person=autocomplete_items(Kind.PERSON, "removed"))
    @editor_only()
    async def restore(self, interaction: Interaction, person: str) -> None:
        item, _ = await hide_or_show(interaction, Kind.PERSON, person, reason=None)
        assert isinstance(item, Person)
        await _show(interaction, item, f"Restored `{item.id}`. Readers see them again:")

    @app_commands.command(name="history", description="Who changed someone, what, when and why")
    @app_commands.describe(person="Type to search (removed ones too)")
    @app_commands.autocomplete(person=autocomplete_items(Kind.PERSON, "all"))
    @editor_only()
    async def history(self, interaction: Interaction, person: str) -> None:
        await show_history(interaction, Kind.PERSON, person)


async def setup(bot: BriefingBot) -> None:
    await bot.add_cog(PersonCuration(bot))
