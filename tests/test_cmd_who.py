"""/who as a member uses it: forgiving autocomplete, the profile, and 'did you mean'."""

from __future__ import annotations

import pytest
import simcord

from bot.errors import UserError
from tests.conftest import World
from tests.seen import embed_text


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("bessent", "scott-bessent"),
        ("li cheng", "li-chenggang"),
        ("ustr", "jamieson-greer"),
        ("He Lifeng", "he-lifeng"),
        ("chenggang li", "li-chenggang"),
        ("BESSNET", "scott-bessent"),
        ("xi", "xi-jinping"),
    ],
)
async def test_autocomplete_forgives_case_order_typos_and_aliases(
    world: World, typed: str, expected: str
) -> None:
    choices = await world.member.autocomplete(world.channel, "who", "name", typed)
    assert choices and choices[0]["value"] == expected
    assert len(choices) <= 25
    assert all(1 <= len(c["name"]) <= 100 for c in choices)


async def test_empty_autocomplete_lists_everyone(world: World) -> None:
    choices = await world.member.autocomplete(world.channel, "who", "name", "")
    assert len(choices) == 9
    assert choices[0]["name"].startswith("Donald Trump")


async def test_li_chenggang_profile(world: World) -> None:
    result = await world.member.slash(world.channel, "who", name="li-chenggang")
    assert result.response is not None and not result.response.ephemeral
    embed = result.response.embeds[0]
    text = embed_text(embed)
    assert embed.title == "Li Chenggang"
    current = next(f.value for f in embed.fields if f.name == "Current post")
    assert "China International Trade Representative" in current and "since 16 Apr 2025" in current
    earlier = next(f.value for f in embed.fields if f.name == "Earlier posts")
    assert "World Trade Organization" in earlier and "2021 – 2025" in earlier
    aide = next(f.value for f in embed.fields if f.name == "Aide to")
    assert "He Lifeng" in aide
    latest = next(f.value for f in embed.fields if f.name == "Latest events")
    assert latest.index("Kuala Lumpur round") < latest.index("heads to Washington")
    assert "Dow Jones Newswires" in text and "Caliber.az" in text and "CNA" in text
    assert "Whom was Li Chenggang due to meet in Washington?" in text and "Katherine Tai" in text
    assert "China" in next(f.value for f in embed.fields if f.name == "Country")


async def test_typed_name_without_picking_still_finds_the_person(world: World) -> None:
    result = await world.member.slash(world.channel, "who", name="scott bessent")
    assert result.response is not None
    assert result.response.embeds[0].title == "Scott Bessent"


async def test_unknown_name_gets_did_you_mean(world: World) -> None:
    result = await world.member.slash(world.channel, "who", name="Li Qiang Chenggong")
    assert result.response is not None and result.response.ephemeral
    assert "Did you mean **Li Chenggang**" in result.response.content
    simcord.assert_error(world.env, UserError, contains="Did you mean")


async def test_every_number_a_profile_shows_is_listed(world: World) -> None:
    """/who name:greer cited [16] under a list that ended at [12] ("… and 4 more"): every
    number now has its line (the world fixture checks this for every answer of the suite)."""
    from tests.discord_spec import citation_problems

    for name in ("greer", "Li Chenggang", "bessent"):
        result = await world.member.slash(world.channel, "who", name=name)
        message = result.response
        assert message is not None
        assert not citation_problems({name: [message.embeds[0].to_dict()]}), name
        sources = [f for f in message.embeds[0].fields if (f.name or "").startswith("Sources")]
        assert sources and not any("more" in (f.value or "") for f in sources)


async def test_latest_events_are_the_persons_latest(world: World) -> None:
    result = await world.member.slash(world.channel, "who", name="greer")
    assert result.response is not None
    fields = {f.name: f.value or "" for f in result.response.embeds[0].fields}
    latest = fields["Latest events"]
    assert "Paris" in latest and "Beijing" in latest and latest.count("**") >= 8
