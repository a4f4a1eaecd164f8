"""/who: a person's profile, found by what readers type (case, order, typos, aliases)."""

from __future__ import annotations

from discord import Interaction, app_commands
from discord.ext import commands

from bot.briefing import people as brief
from bot.client import BriefingBot
from bot.errors import UserError
from bot.models import Conflict, Person, Source
from cogs._common import NONE

LATEST_EVENTS = 5


class Who(commands.Cog):
    def __init__(self, bot: BriefingBot) -> None:
        self.bot = bot

    @app_commands.command(
        name="who", description="Who someone is: posts, events, sources, conflicts"
    )
    @app_commands.describe(name="A name or alias, e.g. Li Chenggang, bessent, USTR")
    async def who(
        self, interaction: Interaction[BriefingBot], name: app_commands.Range[str, 1, 100]
    ) -> None:
        guild_id = interaction.guild_id
        people = await self.bot.store.list_typed(Person, guild_id)
        person = brief.resolve_person(people, name)
        if person is None:
            raise UserError(brief.did_you_mean(people, name))
        events = await self.bot.store.events_for_person(person.id, guild_id, limit=LATEST_EVENTS)
        sources = await self.bot.store.list_typed(Source, guild_id)
        related: list[Conflict] = [c for e in events for c in e.conflicts]
        embed = brief.person_embed(
            person,
            people={p.id: p for p in people},
            sources={s.id: s for s in sources},
            events=events,
            related_conflicts=related,
        )
        await interaction.response.send_message(embed=embed, allowed_mentions=NONE)

    @who.autocomplete("name")
    async def name_autocomplete(
        self, interaction: Interaction[BriefingBot], current: str
    ) -> list[app_commands.Choice[str]]:
        people = await self.bot.store.list_typed(Person, interaction.guild_id)
        return [
            app_commands.Choice(name=label, value=pid)
            for label, pid in brief.choices(people, current)
        ]


async def setup(bot: BriefingBot) -> None:
    await bot.add_cog(Who(bot))
