"""/event add, edit, remove, restore and history: curators keep this server's timeline.

Additions belong to this server; a change to a curated event becomes this server's overlay.
Nothing is deleted: removed events are hidden from readers and kept, with the reason.
"""

from __future__ import annotations

import asyncio
import logging

import discord
from discord import app_commands
from discord.ext import commands

from bot.briefing.cards import event_embed
from bot.client import BriefingBot
from bot.curation import (
    REASON_MAX,
    Draft,
    EventInput,
    build_event,
    edit_event,
    optional_text,
)
from bot.models import TOPICS, Event, Kind, Person
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
    modal_error,
    reply,
    show_history,
    sources_by_id,
)

log = logging.getLogger(__name__)
TOPIC_CHOICES = [app_commands.Choice(name=t, value=t) for t in TOPICS]


async def render(
    interaction: Interaction, event: Event, hidden_reason: str | None = None
) -> discord.Embed:
    """The event as this server's readers see it."""
    store = interaction.client.store
    gid = guild_id(interaction)
    people = {p.id: p for p in await store.list_typed(Person, gid)}
    return event_embed(
        event,
        people=people,
        sources=await sources_by_id(store, gid),
        conflicts=await store.conflicts_by_id(gid),
        hidden_reason=hidden_reason,
    )


async def save_edit(
    interaction: Interaction, event_id: str, inp: EventInput, reason: str | None
) -> None:
    """Validate an edit and save the event with any new source in one transaction."""
    store = interaction.client.store
    gid = guild_id(interaction)
    why = optional_text(reason, "reason", REASON_MAX)
    current = await find(store, Kind.EVENT, event_id, gid, include_removed=True)
    assert isinstance(current.item, Event)
    draft: Draft = edit_event(current.item, inp, await context(interaction, Kind.EVENT))
    saved = await store.save_many(draft.items(), guild_id=gid, actor=actor(interaction), reason=why)
    stored = saved[-1]
    assert isinstance(stored.item, Event)
    embed = await render(
        interaction, stored.item, stored.removed_reason if stored.removed else None
    )
    await reply(
        interaction,
        f"Edited event `{stored.item.id}` ({', '.join(draft.changed)}). Readers now see:",
        [embed],
    )


class EditEventModal(discord.ui.Modal, title="Edit event"):
    """The long form of /event edit: every text field at once, prefilled."""

    def __init__(self, event: Event, people_names: list[str]) -> None:
        super().__init__(timeout=900)
        self.event_id = event.id
        self.headline: discord.ui.TextInput[EditEventModal] = discord.ui.TextInput(
            label="Title", custom_id="title", default=event.title, max_length=200
        )
        self.when: discord.ui.TextInput[EditEventModal] = discord.ui.TextInput(
            label="Date (2025-10-09, 9 Oct 2025, Oct 2025)",
            custom_id="date",
            default=event.date.canonical(),
            max_length=40,
        )
        self.summary: discord.ui.TextInput[EditEventModal] = discord.ui.TextInput(
            label="Summary (your own words)",
            custom_id="summary",
            style=discord.TextStyle.paragraph,
            default=event.summary,
            max_length=1500,
        )
        self.people: discord.ui.TextInput[EditEventModal] = discord.ui.TextInput(
            label="People (comma-separated; empty for none)",
            custom_id="people",
            default=", ".join(people_names),
            required=False,
            max_length=1000,
        )
        self.reason: discord.ui.TextInput[EditEventModal] = discord.ui.TextInput(
            label="Why (shown in /event history)",
            custom_id="reason",
            required=False,
            max_length=REASON_MAX,
        )
        for item in (self.headline, self.when, self.summary, self.people, self.reason):
            self.add_item(item)

    async def on_submit(self, interaction: Interaction) -> None:  # type: ignore[override]
        await defer(interaction)
        inp = EventInput(
            date=self.when.value,
            title=self.headline.value,
            summary=self.summary.value,
            people=self.people.value,
        )
        await save_edit(interaction, self.event_id, inp, self.reason.value)

    async def on_error(self, interaction: Interaction, error: Exception) -> None:  # type: ignore[override]
        await modal_error(interaction, error, log)


@app_commands.guild_only()
@app_commands.default_permissions(manage_guild=True)
class EventCuration(
    commands.GroupCog,
    group_name="event",
    group_description="Add, correct, remove and restore events (editors only)",
):
    def __init__(self, bot: BriefingBot) -> None:
        self.bot = bot
        self._warming: asyncio.Task[None] | None = None

    async def cog_load(self) -> None:
        self._warming = asyncio.create_task(self._warm_picker())

    async def cog_unload(self) -> None:
        if self._warming is not None and not self._warming.done():
            self._warming.cancel()

    async def _warm_picker(self) -> None:
        """Build the event picker's title index once connected, not on an editor's first
        keystroke (at 100,000 events it takes about 2 s; Discord waits 3 s for choices)."""
        await self.bot.wait_until_ready()
        try:
            await self.bot.store.event_titles_matching(None, "")
        except Exception:
            log.exception("building the event picker's index failed; it is built on first use")

    @app_commands.command(name="add", description="Add an event to this server's timeline")
    @app_commands.describe(
        date="When: 2025-10-09, 9 Oct 2025, Oct 2025, 2025-Q3",
        title="Headline, up to 200 characters",
        summary="What happened, in your own words (up to 1,500 characters)",
        topic="Topic (default: read from the title and summary)",
        people="Who took part, comma-separated (e.g. Bessent, He Lifeng)",
        source_url="http(s) link to the article, or pick a known source",
        source_name="The outlet's name (default: the link's site)",
    )
    @app_commands.choices(topic=TOPIC_CHOICES)
    @app_commands.autocomplete(source_url=autocomplete_sources)
    @editor_only()
    async def add(
        self,
        interaction: Interaction,
        date: str,
        title: str,
        summary: str,
        topic: str | None = None,
        people: str | None = None,
        source_url: str | None = None,
        source_name: str | None = None,
    ) -> None:
        await defer(interaction)
        inp = EventInput(date, title, summary, topic, people, source_url, source_name)
        draft = build_event(inp, await context(interaction, Kind.EVENT))
        saved = await self.bot.store.save_many(
            draft.items(),
            guild_id=guild_id(interaction),
            actor=actor(interaction),
            expect_new=True,
        )
        event = saved[-1].item
        assert isinstance(event, Event)
        moved = "`/event edit` with `topic:` moves it"
        filed = "" if topic else f" Filed under **{event.topic}** from its words; {moved}."
        await reply(
            interaction,
            f"Added event `{event.id}` to this server's timeline.{filed} Readers see:",
            [await render(interaction, event)],
        )

    @app_commands.command(
        name="edit", description="Correct an event; with no fields, edit in a form"
    )
    @app_commands.describe(
        event="The event (type to search)",
        date="New date",
        title="New title (up to 200 characters)",
        summary="New summary (up to 1,500; or leave out every field to use a form)",
        topic="New topic",
        people="Everyone who took part, comma-separated ('none' clears)",
        source_url="Add a source: http(s) link, or pick a known source",
        source_name="The new source's outlet name",
        reason="Why (shown in /event history)",
    )
    @app_commands.choices(topic=TOPIC_CHOICES)
    @app_commands.autocomplete(
        event=autocomplete_items(Kind.EVENT), source_url=autocomplete_sources
    )
    @editor_only()
    async def edit(
        self,
        interaction: Interaction,
        event: str,
        date: str | None = None,
        title: str | None = None,
        summary: str | None = None,
        topic: str | None = None,
        people: str | None = None,
        source_url: str | None = None,
        source_name: str | None = None,
        reason: str | None = None,
    ) -> None:
        inp = EventInput(date, title, summary, topic, people, source_url, source_name)
        if not inp.given():
            store = self.bot.store
            gid = guild_id(interaction)
            current = await find(store, Kind.EVENT, event, gid, include_removed=True)
            assert isinstance(current.item, Event)
            people_by_id = {p.id: p for p in await store.list_typed(Person, gid)}
            names = [people_by_id[p].name if p in people_by_id else p for p in current.item.people]
            await interaction.response.send_modal(EditEventModal(current.item, names))
            return
        await defer(interaction)
        await save_edit(interaction, event, inp, reason)

    @app_commands.command(
        name="remove", description="Hide an event from readers (kept; restorable)"
    )
    @app_commands.describe(event="The event (type to search)", reason="Why (shown in history)")
    @app_commands.autocomplete(event=autocomplete_items(Kind.EVENT))
    @editor_only()
    async def remove(self, interaction: Interaction, event: str, reason: str) -> None:
        item, why = await hide_or_show(interaction, Kind.EVENT, event, reason=reason)
        assert isinstance(item, Event)
        await reply(
            interaction,
            f"Removed event `{item.id}`: readers here no longer see it. "
            "/event restore brings it back.",
            [await render(interaction, item, why)],
        )

    @app_commands.command(name="restore", description="Show a removed event to readers again")
    @app_commands.describe(event="A removed event (type to search)")
    @app_commands.autocomplete(event=autocomplete_items(Kind.EVENT, "removed"))
    @editor_only()
    async def restore(self, interaction: Interaction, event: str) -> None:
        item, _ = await hide_or_show(interaction, Kind.EVENT, event, reason=None)
        assert isinstance(item, Event)
        await reply(
            interaction,
            f"Restored event `{item.id}`. Readers see it again:",
            [await render(interaction, item)],
        )

    @app_commands.command(name="history", description="Who changed an event, what, when and why")
    @app_commands.describe(event="The event (type to search; removed ones too)")
    @app_commands.autocomplete(event=autocomplete_items(Kind.EVENT, "all"))
    @editor_only()
    async def history(self, interaction: Interaction, event: str) -> None:
        await show_history(interaction, Kind.EVENT, event)


async def setup(bot: BriefingBot) -> None:
    await bot.add_cog(EventCuration(bot))
