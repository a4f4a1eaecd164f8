"""/tariffs as a member uses it: both directions, peak, threats, partners, sources, chart."""

from __future__ import annotations

from datetime import date, timedelta

import simcord

from bot.charts import time_axis
from bot.clock import FixedClock
from bot.errors import UserError
from tests.conftest import World
from tests.seen import embed_text, seen


def _embed(result: object, title_start: str) -> object:
    for message in [result.response, *result.followups]:  # type: ignore[attr-defined]
        for embed in message.embeds:
            if (embed.title or "").startswith(title_start):
                return embed
    raise AssertionError(f"no embed titled {title_start!r}")


async def test_today_both_ways_with_peak_scope_and_chart(world: World) -> None:
    result = await world.member.slash(world.channel, "tariffs")
    assert result.response is not None and not result.response.ephemeral
    text = seen(result)
    us = _embed(result, "US tariffs on Chinese goods")
    # the forced-labour Section 301 duty, since 24 Jul 2026, is what every Chinese good pays
    assert "Across the board: 12.5%" in us.description  # type: ignore[attr-defined]
    assert "What every good from China pays" in us.description  # type: ignore[attr-defined]
    assert "product-specific layers** in force" in us.description  # type: ignore[attr-defined]
    assert "Peak: **145%** from 10 Apr 2025 to 14 May 2025" in us.description  # type: ignore[attr-defined]
    ended = next(f.value for f in us.fields if f.name == "Ended lately")  # type: ignore[attr-defined]
    assert "Temporary import surcharge (Section 122) · in force 24 Feb 2026 – 24 Jul 2026" in ended
    cn = _embed(result, "China tariffs on US goods")
    assert "Across the board: 10%" in cn.description  # type: ignore[attr-defined]
    assert "Peak: **125%** from 12 Apr 2025" in cn.description  # type: ignore[attr-defined]
    # the standing duties: listed beside the total, never added in
    products = embed_text(_embed(result, "US duties on particular Chinese goods"))
    assert "**25%** · Section 301 List 1" in products and "since 6 Jul 2018" in products
    assert "**7.5%** · Section 301 List 4A" in products
    assert "**50%** · Section 232 steel and aluminium (all origins)" in products
    cn_products = embed_text(_embed(result, "China duties on particular US goods"))
    assert "coal and liquefied natural gas" in cn_products
    assert "**5–25%** · Retaliation on $60bn of US goods" in cn_products
    # a suspension whose end date has passed with nothing later on record says so
    assert "**24%** · Suspended part of China's counter-tariff" in text
    assert "due to end 10 Nov 2026, what followed is not on record" in text
    assert "Japan" in text and "EU" in text and "UK" in text
    assert "Section 301" in text and "ended on 24 Feb 2026" in text
    assert "Supreme Court on 20 Feb 2026" in text  # the ruling, beside the collection end
    assert "] The White House (Executive Order 14228)" in text
    attachments = [a for m in [result.response, *result.followups] for a in m.attachments]
    assert [a.filename for a in attachments] == ["tariffs.png"]
    png = await attachments[0].read()
    assert png.startswith(b"\x89PNG")
    assert "IMAGE: attachment://tariffs.png" in text


async def test_as_of_shows_the_april_peak_and_threats_then(world: World) -> None:
    peak = await world.member.slash(world.channel, "tariffs", as_of="12 Apr 2025")
    us = _embed(peak, "US tariffs on Chinese goods, as of 12 Apr 2025")
    assert "Across the board: 145%" in us.description  # type: ignore[attr-defined]
    in_force = next(f.value for f in us.fields if f.name.startswith("Across the board"))  # type: ignore[attr-defined]
    assert "**125%** · Reciprocal tariff, peak rate" in in_force
    assert "**20%** · Fentanyl tariff" in in_force and "since 4 Mar 2025" in in_force

    threat = await world.member.slash(world.channel, "tariffs", as_of="2025-10-20")
    us = _embed(threat, "US tariffs on Chinese goods")
    threats = next(f.value for f in us.fields if f.name == "Threatened or announced")  # type: ignore[attr-defined]
    assert (
        "**100%**" in threats
        and "due 1 Nov 2025" in threats
        and "threatened 10 Oct 2025" in threats
    )


async def test_as_of_2026_shows_what_replaced_the_ieepa_duties(world: World) -> None:
    spring = await world.member.slash(world.channel, "tariffs", as_of="2026-04-01")
    us = _embed(spring, "US tariffs on Chinese goods, as of 1 Apr 2026")
    assert "Across the board: 10%" in us.description  # type: ignore[attr-defined]
    in_force = next(f.value for f in us.fields if f.name.startswith("Across the board"))  # type: ignore[attr-defined]
    assert "**10%** on goods from every country" in in_force and "since 24 Feb 2026" in in_force
    assert "Sources disagree" in embed_text(us)  # the 10% or 15% question
    gap = await world.member.slash(world.channel, "tariffs", as_of="2026-02-22")
    us = _embed(gap, "US tariffs on Chinese goods, as of 22 Feb 2026")
    # ruled void on 20 Feb, but customs collected the IEEPA duties until 24 Feb
    assert "Across the board: 20%" in us.description  # type: ignore[attr-defined]
    threats = next(f.value for f in us.fields if f.name == "Threatened or announced")  # type: ignore[attr-defined]
    assert "**10%** · Temporary import surcharge (Section 122), due 24 Feb 2026" in threats


async def test_chart_is_drawn_once_per_data_version_and_day(
    world: World, clock: FixedClock
) -> None:
    await world.member.slash(world.channel, "tariffs")
    await world.member.slash(world.channel, "tariffs")
    cog = world.bot.get_cog("Tariffs")
    assert cog is not None and cog.charts.renders == 1  # type: ignore[attr-defined]
    await world.member.slash(world.channel, "tariffs", as_of="2025-06")  # a chart of its own
    await world.member.slash(world.channel, "tariffs", as_of="2025-06")
    assert cog.charts.renders == 2  # type: ignore[attr-defined]
    clock.set(clock.now() + timedelta(days=1))  # its time axis runs to the new day
    await world.member.slash(world.channel, "tariffs")
    assert cog.charts.renders == 3  # type: ignore[attr-defined]


def test_the_chart_runs_to_today_or_past_the_last_change() -> None:
    changes = [date(2025, 2, 4), date(2025, 5, 14), date(2026, 2, 20)]
    assert time_axis(changes) == (date(2025, 1, 15), date(2026, 5, 6))
    assert time_axis(changes, date(2026, 11, 21)) == (date(2025, 1, 15), date(2026, 12, 21))
    assert time_axis(changes, date(2026, 3, 1)) == (date(2025, 1, 15), date(2026, 5, 6))


async def test_bad_as_of_is_an_ephemeral_error(world: World) -> None:
    result = await world.member.slash(world.channel, "tariffs", as_of="last spring")
    assert result.response is not None and result.response.ephemeral
    assert "`as_of`" in result.response.content and "2025-10-09" in result.response.content
    simcord.assert_error(world.env, UserError)


async def test_product_layers_in_any_state_stay_with_the_product_layers(world: World) -> None:
    """A suspended 100% on cranes under 'Across the board … 12.5%' read as a suspended 100%
    on everything: it is listed with the product layers."""
    result = await world.member.slash(world.channel, "tariffs", as_of="2026-02-22")
    board = _embed(result, "US tariffs on Chinese goods")
    products = _embed(result, "US duties on particular Chinese goods")
    board_fields = {f.name: f.value or "" for f in board.fields}  # type: ignore[attr-defined]
    assert "cranes" not in board_fields.get("Suspended", "")
    assert "Suspended part of the reciprocal tariff" in board_fields["Suspended"]
    product_fields = {f.name: f.value or "" for f in products.fields}  # type: ignore[attr-defined]
    assert "cranes" in product_fields["Suspended"]


async def test_the_chart_covers_the_date_asked_for_and_marks_it(world: World) -> None:
    async def png(result: object) -> bytes:
        for message in [result.response, *result.followups]:  # type: ignore[attr-defined]
            for attachment in message.attachments:
                return bytes(await attachment.read())
        raise AssertionError("no chart attached")

    today = await png(await world.member.slash(world.channel, "tariffs"))
    then = await png(await world.member.slash(world.channel, "tariffs", as_of="2018-07-10"))
    again = await png(await world.member.slash(world.channel, "tariffs", as_of="2018-07-10"))
    assert then != today and then == again  # its own chart, drawn once
    assert then.startswith(b"\x89PNG")


async def test_a_headline_does_not_assume_what_followed_a_lapsed_suspension(
    world: World,
) -> None:
    """On record, China's 24-point suspension was due to end on 10 Nov 2026 and nothing
    later is recorded: its 10% holds only if the suspension continued."""
    result = await world.member.slash(world.channel, "tariffs")
    china = _embed(result, "China tariffs on US goods")
    head = (china.description or "").splitlines()[0]  # type: ignore[attr-defined]
    assert head.startswith("**Across the board: 10%** if the suspension of 24% continued past")
    assert "not confirmed (34% if it lapsed)" in head
    before = await world.member.slash(world.channel, "tariffs", as_of="2026-06-01")
    then = (_embed(before, "China tariffs on US goods").description or "").splitlines()[0]  # type: ignore[attr-defined]
    assert "if the suspension" not in then
