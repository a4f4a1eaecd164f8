"""/source add refuses bad input with one clear ephemeral line and stores nothing; with the
default settings it never fetches from this machine or a private network."""

from __future__ import annotations

from typing import Any

import simcord

from bot.errors import UserError
from bot.models import Source
from tests.conftest import World
from tests.test_review import messages


async def test_bad_articles_get_one_clear_line_and_store_nothing(world: World) -> None:
    store = world.bot.store
    before = len(await store.list_typed(Source, world.guild.id))
    cases: list[tuple[dict[str, Any], str]] = [
        ({"url": "javascript:alert(1)"}, "is not a web address"),
        ({"url": "file:///etc/passwd"}, "is not a web address"),
        ({"url": "http://127.0.0.1:9/x"}, "private"),  # the default: never this machine
        ({"file": ("empty.txt", b"")}, "empty"),
        ({"file": ("photo.png", b"\x89PNG\r\n\x1a\n" + bytes(64))}, "not"),
    ]
    for options, message in cases:
        result = await world.admin.slash(world.channel, "source add", **options)
        sent = messages(result)[-1]
        assert sent.ephemeral and message in sent.content, (options, sent.content)
        assert "\n" not in sent.content.strip()
    neither = messages(await world.admin.slash(world.channel, "source add"))[-1]
    assert neither.ephemeral and neither.content.startswith("Give the article as `url:`")
    simcord.assert_error(world.env, UserError)
    assert len(await store.list_typed(Source, world.guild.id)) == before
    assert (await store.review_queue(world.guild.id))[1] == 0
