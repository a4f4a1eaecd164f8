"""Helpers for the curation tests: answers, expected refusals, store snapshots."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from discord import app_commands

from bot.errors import UserError
from bot.store import Store, StoreError
from bot.store import _schema as schema
from tests.conftest import World


def answer(result: Any) -> Any:
    """The message the member saw (the deferred answer, or the direct reply)."""
    message = result.response
    assert message is not None, result
    return message


def shown_id(message: Any) -> str:
    """The id an add command's answer names: its first `code` span."""
    return str(message.content.split("`")[1])


async def refused(world: World, actor: Any, command: str, /, **options: Any) -> str:
    """Run a command that must be refused: the bot answers ephemerally with a short error
    (a UserError, StoreError or failed check, never a crash); returns its text."""
    cursor = world.env.error_cursor
    result = await actor.slash(world.channel, command, **options)
    raised = world.env.errors_since(cursor)
    _ = world.env.errors  # acknowledged: these are the refusals under test
    assert raised, f"/{command} was not refused"
    for error in raised:
        original = getattr(error, "original", error)
        assert isinstance(original, UserError | StoreError | app_commands.CheckFailure), error
    message = answer(result)
    assert message.ephemeral
    assert not message.embeds
    return str(message.content)


async def snapshot(store: Store) -> dict[str, list[tuple[Any, ...]]]:
    out: dict[str, list[tuple[Any, ...]]] = {}
    async with store.engine.connect() as conn:
        for table in (schema.items, schema.item_people, schema.item_terms, schema.audit):
            rows = (await conn.execute(sa.select(table))).all()
            out[table.name] = sorted(tuple(map(repr, r)) for r in rows)
    return out


def command_id(world: World, name: str) -> int:
    found = world.env.backend.find_command(name, world.guild.id)
    assert found is not None, name
    return int(found["id"])
