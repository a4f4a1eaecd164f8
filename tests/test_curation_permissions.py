"""Who may edit: Manage Server, or the role set with /editors role. Discord hides the edit
commands from others (default permissions); where a server admin allows them anyway
(Integrations settings, modelled by guild.set_command_permissions), the bot's own check
still refuses anyone who is neither, and the store is left as it was."""

from __future__ import annotations

from typing import Any

import discord
import pytest
from simcord import SetupError

from bot.models import Event, Kind
from cogs._editing import REFUSED
from tests.conftest import World
from tests.curation_helpers import answer, command_id, refused, snapshot

LINK = "https://example.com/story"

EDIT_COMMANDS: list[tuple[str, dict[str, Any]]] = [
    (
        "event add",
        {"date": "2025-10-09", "title": "T", "summary": "S", "source_url": LINK},
    ),
    ("event edit", {"event": "geneva-talks", "title": "Hijacked"}),
    ("event remove", {"event": "geneva-talks", "reason": "vandalism"}),
    ("event restore", {"event": "geneva-talks"}),
    ("event history", {"event": "geneva-talks"}),
    ("milestone add", {"name": "M", "when": "2027-01-01", "source_url": LINK}),
    ("milestone edit", {"milestone": "truce-expiry-2026", "name": "Hijacked"}),
    ("milestone remove", {"milestone": "truce-expiry-2026", "reason": "x"}),
    ("milestone restore", {"milestone": "truce-expiry-2026"}),
    (
        "person add",
        {"name": "N", "country": "C", "affiliation": "A", "bio": "B", "source_url": LINK},
    ),
    ("person edit", {"person": "he-lifeng", "name": "Hijacked"}),
    ("source add", {"url": LINK}),
    ("review", {}),
    ("feed add", {"url": LINK}),
    ("feed list", {}),
    ("feed poll", {}),
    ("feed remove", {"feed": 1}),
]


def allow_everywhere(world: World, *targets: Any) -> None:
    """What a server admin can do under Integrations: let members or roles see the edit
    commands (one call sets a command's whole list of overrides)."""
    for group in ("event", "milestone", "person", "editors", "source", "review", "feed"):
        world.guild.set_command_permissions(command_id(world, group), dict.fromkeys(targets, True))


async def test_the_edit_commands_are_hidden_from_plain_members(world: World) -> None:
    visible = world.member.available_commands(world.channel)
    edits = {"event", "milestone", "person", "editors", "source", "review", "feed"}
    assert not any(c.split()[0] in edits for c in visible)
    with pytest.raises(SetupError, match="default-member-permissions"):
        await world.member.slash(world.channel, "event add", **EDIT_COMMANDS[0][1])


@pytest.mark.parametrize(("name", "options"), EDIT_COMMANDS, ids=[c[0] for c in EDIT_COMMANDS])
async def test_a_member_without_rights_is_refused_and_nothing_changes(
    world: World, name: str, options: dict[str, Any]
) -> None:
    allow_everywhere(world, world.member)
    before = await snapshot(world.bot.store)
    assert await refused(world, world.member, name, **options) == REFUSED
    assert await snapshot(world.bot.store) == before


async def test_the_editor_role_may_edit_and_only_manage_server_sets_it(world: World) -> None:
    editors = world.guild.create_role("Editors")
    editor = world.guild.add_member(world.env.create_user("editor"), roles=[editors])
    allow_everywhere(world, editors, world.member)
    store = world.bot.store

    # before the role is chosen, holding it is not enough
    assert await refused(world, editor, "event edit", event="geneva-talks", title="X") == REFUSED

    # a role holder cannot choose the role; Manage Server can
    assert "Manage Server" in await refused(world, editor, "editors role", role=editors)
    set_role = answer(await world.admin.slash(world.channel, "editors role", role=editors))
    assert set_role.ephemeral and f"<@&{editors.id}>" in set_role.content
    assert "Integrations" in set_role.content
    assert not set_role.message.mention_everyone  # shown; the fixture checks no pings
    assert (await store.guild_config(world.guild.id)).editor_role_id == editors.id

    # the role holder edits
    result = answer(
        await editor.slash(
            world.channel, "event edit", event="geneva-talks", title="Geneva talks (editor)"
        )
    )
    assert "Edited event `geneva-talks`" in result.content
    event = await store.get_item(Kind.EVENT, "geneva-talks", world.guild.id)
    assert isinstance(event, Event) and event.title == "Geneva talks (editor)"
    history = await store.history(Kind.EVENT, "geneva-talks", world.guild.id)
    assert history[-1].actor_id == editor.id

    # a plain member, even with the commands allowed, is still refused
    before = await snapshot(store)
    assert await refused(world, world.member, "event edit", event="geneva-talks", title="Y") == (
        REFUSED
    )
    assert await snapshot(store) == before

    # clearing the role takes the right away again
    cleared = answer(await world.admin.slash(world.channel, "editors role"))
    assert "No editor role" in cleared.content
    assert await refused(world, editor, "event edit", event="geneva-talks", title="Z") == REFUSED


async def test_autocomplete_offers_nothing_to_someone_who_may_not_edit(world: World) -> None:
    allow_everywhere(world, world.member)
    assert await world.member.autocomplete(world.channel, "event edit", "event", "") == []
    assert await world.admin.autocomplete(world.channel, "event edit", "event", "")


def test_refusal_is_short_and_says_what_to_do() -> None:
    assert len(REFUSED) < 200 and "Manage Server" in REFUSED and "/editors role" in REFUSED
    assert discord.utils.escape_mentions(REFUSED) == REFUSED


async def test_only_manage_server_chooses_the_editor_role(world: World) -> None:
    allow_everywhere(world, world.member)
    role = world.guild.create_role("Helpers")
    message = await refused(world, world.member, "editors role", role=role)
    assert "Manage Server" in message
    assert (await world.bot.store.guild_config(world.guild.id)).editor_role_id is None
