"""/who: a person's profile, found by what readers type (case, order, typos, aliases).

Answers and autocomplete choices are remembered per (server, what was typed, data version);
the people, prepared for matching, once per (server, data version)."""

from __future__ import annotations

from discord import Embed, Interaction, app_commands
from discord.ext import commands

from bot.briefing import people as brief
from bot.client import BriefingBot
from bot.errors import UserError
from bot.models import Person, Source
from cogs._common import NONE, Rendered, linked, prepared

LATEST_EVENTS = 5


class Who(commands.Cog):
    def __init__(self, bot: BriefingBot) -> None:
        self.bot = bot
        self.answers = Rendered()
        self.choices = Rendered()

    async def profile(self, guild_id: int | None, name: str) -> tuple[Embed, str]:
        """The profile embed for what was typed and the person's id (cached: copy before
        sending)."""
        store = self.bot.store
        version = await store.data_version()
        key = (guild_id, name.strip(), version)
        hit: tuple[Embed, str] | None = self.answers.get(key)
        if hit is not None:
            return hit
        index = await prepared(store, brief.PeopleIndex.of, Person, guild_id, version)
        person = brief.resolve_person(index, name)
        if person is None:
            raise UserError(brief.did_you_mean(index, name))
        events = await store.events_for_person(person.id, guild_id, limit=LATEST_EVENTS)
        sources = await store.list_typed(Source, guild_id)
        embed = brief.person_embed(
            person,
            people={p.id: p for p in index.people},
            sources={s.id: s for s in sources},
            events=events,
            conflicts=await store.conflicts_by_id(guild_id),
        )
        self.answers.put(key, (embed, person.id))
        return embed, person.id

    @app_commands.command(
        name="who", description="Who someone is: posts, events, sources, conflicts"
    )
    @app_commands.describe(name="A name or alias, e.g. Li Chenggang, bessent, USTR")
    async def who(
        self, interaction: Interaction[BriefingBot], name: app_commands.Range[str, 1, 100]
    ) -> None:
        embed, person_id = await self.profile(interaction.guild_id, name)
        await interaction.response.send_message(
            embed=await linked(self.bot, embed, "person", person_id, interaction.guild_id),
            allowed_mentions=NONE,
        )

    @who.autocomplete("name")
    async def name_autocomplete(
        self, interaction: Interaction[BriefingBot], current: str
    ) -> list[app_commands.Choice[str]]:
        store = self.bot.store
        guild_id = interaction.guild_id
        version = await store.data_version()
        key = (guild_id, current, version)
        pairs: list[tuple[str, str]] | None = self.choices.get(key)
        if pairs is None:
            index = await prepared(store, brief.PeopleIndex.of, Person, guild_id, version)
            pairs = brief.choices(index, current)
            self.choices.put(key, pairs)
        return [app_commands.Choice(name=label, value=pid) for label, pid in pairs]


async def setup(bot: BriefingBot) -> None:
    await bot.add_cog(Who(bot))
