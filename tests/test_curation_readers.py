"""What readers see follows each curation step: an admin adds, edits, removes and restores an
event, and after each step a plain member's /timeline and /who show (or stop showing) it, in
that server only; another server never sees it, and the change survives a restart."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from bot.client import BriefingBot
from tests.conftest import World
from tests.curation_helpers import answer, shown_id
from tests.seen import embed_text

ADDED = "US pauses the affiliates rule for a year"
EDITED = "US suspends the 50% affiliates rule for a year"
WORD = "affiliates"  # in both titles and the summary


@dataclass
class Reader:
    """A plain member reading in one channel."""

    actor: Any
    channel: Any

    async def timeline(self, **options: str) -> str:
        message = answer(await self.actor.slash(self.channel, "timeline", **options))
        assert not message.ephemeral or not message.embeds, "a page is shown to the channel"
        return "\n".join([message.content or "", *(embed_text(e) for e in message.embeds)])

    async def latest_for_li(self) -> list[str]:
        """The 'Latest events' of /who name:Li Chenggang: date · title, without the source
        numbers (they follow the order sources are first cited in the card)."""
        message = answer(await self.actor.slash(self.channel, "who", name="Li Chenggang"))
        embed = message.embeds[0]
        assert embed.title == "Li Chenggang"
        field = next(str(f.value) for f in embed.fields if f.name == "Latest events")
        return [re.sub(r" \[\d+\].*$", "", line.strip()) for line in field.splitlines()]

    async def sees(self, title: str) -> dict[str, bool]:
        """Where `title` shows: the first page, a word search, Li Chenggang's latest events."""
        return {
            "first page": f"· {title}\n" in await self.timeline(),
            "search": f"· {title}\n" in await self.timeline(query=WORD),
            "who": any(line.endswith(f"· {title}") for line in await self.latest_for_li()),
        }


NOWHERE = {"first page": False, "search": False, "who": False}
EVERYWHERE = {"first page": True, "search": True, "who": True}


def other_server(world: World) -> Reader:
    guild = world.env.create_guild("Other Desk")
    channel = guild.create_text_channel("news")
    return Reader(guild.add_member(world.env.create_user("reader-b")), channel)


async def test_readers_follow_add_edit_remove_restore_and_a_restart(
    world: World, bot_factory: Callable[..., BriefingBot]
) -> None:
    here = Reader(world.member, world.channel)
    there = other_server(world)
    admin, ch = world.admin, world.channel
    assert await here.sees(ADDED) == NOWHERE
    li_before = await here.latest_for_li()
    assert li_before == await there.latest_for_li()

    # add: with Li Chenggang, dated the day before the tests' clock so it lands on the first
    # page (newest first) whatever the record holds
    added = answer(
        await admin.slash(
            ch,
            "event add",
            date="2026-11-20",
            title=ADDED,
            summary="Commerce pauses for a year the rule extending export controls to "
            "affiliates of listed firms, as agreed in Busan.",
            topic="export-controls",
            people="Li Chenggang",
            source_url="https://example.com/affiliates",
        )
    )
    event_id = shown_id(added)
    assert await here.sees(ADDED) == EVERYWHERE
    li = await here.latest_for_li()
    assert li[0] == f"**20 Nov 2026** · {ADDED}"
    assert li[1:] == li_before[: len(li) - 1]  # newest first, the rest moved down one
    assert await there.sees(ADDED) == NOWHERE
    assert await there.latest_for_li() == li_before
    assert "No events found" in await there.timeline(query=WORD)

    # edit the title: the new one everywhere, the old one nowhere
    edited = answer(await admin.slash(ch, "event edit", event=event_id, title=EDITED))
    assert "(title)" in edited.content
    assert await here.sees(EDITED) == EVERYWHERE
    assert await here.sees(ADDED) == NOWHERE
    assert await there.sees(EDITED) == NOWHERE

    # remove: gone for readers, Li's latest events as before
    answer(await admin.slash(ch, "event remove", event=event_id, reason="not yet confirmed"))
    assert await here.sees(EDITED) == NOWHERE
    assert await here.latest_for_li() == li_before
    assert "No events found" in await here.timeline(query=WORD)

    # restore: back, with the edited title
    answer(await admin.slash(ch, "event restore", event=event_id))
    assert await here.sees(EDITED) == EVERYWHERE
    assert await here.sees(ADDED) == NOWHERE
    assert await there.sees(EDITED) == NOWHERE

    # a restart keeps all of it
    await world.env.restart_bot(bot_factory())
    assert await here.sees(EDITED) == EVERYWHERE
    assert await here.sees(ADDED) == NOWHERE
    assert await there.sees(EDITED) == NOWHERE
    assert await there.latest_for_li() == li_before
