"""A small cog used only by tests/test_console.py: one of each thing the console must show
(options with choices and autocomplete, an embed with Discord timestamps, a button that
edits its message, a menu, a form, an error reply, a crash, a channel post, an attachment,
an admin-only command)."""

from __future__ import annotations

import io
from datetime import timedelta
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.errors import UserError

PEOPLE = ["Li Chenggang", "He Lifeng", "Scott Bessent", "Jamieson Greer"]
NONE = discord.AllowedMentions.none()


def card(title: str, topic: str, count: int, now_unix: int) -> discord.Embed:
    embed = discord.Embed(
        title=title,
        description=f"Talks resume <t:{now_unix + 3 * 86400}:F> (<t:{now_unix + 3 * 86400}:R>).",
    )
    embed.add_field(name="Topic", value=topic)
    embed.add_field(name="Count", value=str(count))
    embed.set_footer(text="Source: the probe")
    return embed


class CardView(discord.ui.View):
    def __init__(self, title: str, topic: str, count: int, now_unix: int) -> None:
        super().__init__(timeout=None)
        self.title, self.topic, self.count, self.now_unix = title, topic, count, now_unix

    @discord.ui.button(label="Bump", custom_id="probe:bump", style=discord.ButtonStyle.primary)
    async def bump(
        self, interaction: discord.Interaction[Any], button: discord.ui.Button[Any]
    ) -> None:
        self.count += 1
        embed = card(self.title, self.topic, self.count, self.now_unix)
        await interaction.response.edit_message(embed=embed, view=self)

    @discord.ui.button(label="Never", custom_id="probe:never", disabled=True)
    async def never(
        self, interaction: discord.Interaction[Any], button: discord.ui.Button[Any]
    ) -> None:
        raise AssertionError("a disabled button cannot be pressed")

    @discord.ui.select(
        custom_id="probe:colour",
        placeholder="Pick a colour",
        options=[
            discord.SelectOption(label="Red", value="red"),
            discord.SelectOption(label="Green", value="green", description="the calm one"),
            discord.SelectOption(label="Blue", value="blue"),
        ],
    )
    async def colour(
        self, interaction: discord.Interaction[Any], select: discord.ui.Select[Any]
    ) -> None:
        await interaction.response.send_message(
            f"You picked {select.values[0]}.", ephemeral=True, allowed_mentions=NONE
        )


class HeadlineForm(discord.ui.Modal, title="New headline"):
    headline: discord.ui.TextInput[Any] = discord.ui.TextInput(label="Headline", max_length=100)
    notes: discord.ui.TextInput[Any] = discord.ui.TextInput(
        label="Extra notes", required=False, style=discord.TextStyle.paragraph
    )

    async def on_submit(self, interaction: discord.Interaction[Any]) -> None:
        await interaction.response.send_message(
            f"Saved headline: {self.headline.value} / notes: {self.notes.value or '-'}",
            allowed_mentions=NONE,
        )


class Probe(commands.Cog):
    probe = app_commands.Group(name="probe", description="Console test probe")

    def __init__(self, bot: commands.Bot) -> None:
        self.bot = bot

    def _now_unix(self) -> int:
        return int(self.bot.clock.now().timestamp())  # type: ignore[attr-defined]

    @probe.command(name="card", description="An embed with timestamps, a button and a menu")
    @app_commands.choices(
        topic=[
            app_commands.Choice(name="Tariffs and duties", value="tariffs"),
            app_commands.Choice(name="Export controls", value="export-controls"),
        ]
    )
    async def card_(
        self,
        interaction: discord.Interaction[Any],
        title: str,
        topic: app_commands.Choice[str],
        count: app_commands.Range[int, 0, 10] = 1,
    ) -> None:
        now = self._now_unix()
        view = CardView(title, topic.value, count, now)
        await interaction.response.send_message(
            embed=card(title, topic.value, count, now), view=view, allowed_mentions=NONE
        )

    @probe.command(name="who", description="Autocompleted names")
    async def who(self, interaction: discord.Interaction[Any], name: str) -> None:
        if name not in PEOPLE:
            raise UserError(f"I know no '{name}'. Pick one of the suggestions.")
        await interaction.response.send_message(
            f"{name}, asked by {interaction.user.mention}", allowed_mentions=NONE
        )

    @who.autocomplete("name")
    async def who_names(
        self, interaction: discord.Interaction[Any], current: str
    ) -> list[app_commands.Choice[str]]:
        return [
            app_commands.Choice(name=f"{p} (person)", value=p)
            for p in PEOPLE
            if current.casefold() in p.casefold()
        ]

    @probe.command(name="fail", description="Answers with an error")
    async def fail(self, interaction: discord.Interaction[Any]) -> None:
        raise UserError("That did not work; try /probe card instead.")

    @probe.command(name="crash", description="Raises an unexpected error")
    async def crash(self, interaction: discord.Interaction[Any]) -> None:
        raise RuntimeError("probe exploded")

    @probe.command(name="silent", description="Never answers")
    async def silent(self, interaction: discord.Interaction[Any]) -> None:
        return None

    @probe.command(name="announce", description="Posts to the channel")
    async def announce(self, interaction: discord.Interaction[Any], text: str) -> None:
        channel = interaction.channel
        assert isinstance(channel, discord.TextChannel)
        await channel.send(f"Announcement: {text}", allowed_mentions=NONE)
        await interaction.response.send_message("Posted.", ephemeral=True, allowed_mentions=NONE)

    @probe.command(name="chart", description="Sends an attachment")
    async def chart(self, interaction: discord.Interaction[Any]) -> None:
        embed = discord.Embed(title="A chart").set_image(url="attachment://probe.png")
        file = discord.File(io.BytesIO(b"\x89PNG\r\n\x1a\nprobe"), filename="probe.png")
        await interaction.response.send_message(embed=embed, file=file, allowed_mentions=NONE)

    @probe.command(name="slow", description="Defers, then follows up")
    async def slow(self, interaction: discord.Interaction[Any], private: bool = False) -> None:
        await interaction.response.defer(thinking=True, ephemeral=private)
        await interaction.followup.send("Done thinking.", allowed_mentions=NONE)
        await interaction.followup.send("And one more thing.", allowed_mentions=NONE)

    @probe.command(name="form", description="Opens a form")
    async def form(self, interaction: discord.Interaction[Any]) -> None:
        await interaction.response.send_modal(HeadlineForm())

    @app_commands.command(name="probeadmin", description="Admins only")
    @app_commands.default_permissions(manage_guild=True)
    @app_commands.guild_only()
    async def probeadmin(self, interaction: discord.Interaction[Any], when: str) -> None:
        at = self.bot.clock.now() + timedelta(hours=1)  # type: ignore[attr-defined]
        await interaction.response.send_message(
            f"Scheduled '{when}' for <t:{int(at.timestamp())}:t>", allowed_mentions=NONE
        )


async def setup(bot: commands.Bot) -> None:
    await bot.add_cog(Probe(bot))
