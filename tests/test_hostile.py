"""Nothing one server, one article or one input can send stops the bot for anyone else.

Each case of issue 19, as a member or an operator would meet it: a milestone at the edge of
the calendar (refused where it enters; one stored before the check costs nobody else their
digest, alerts or the bot's start), a huge article (read in a worker within a budget, cut
with a reason), an attachment past the limit, markdown in third-party text, time zones
outside tzdata's list, imports with deep nesting or a key given twice, a title that shows
nothing, 6to4 addresses that hide a private IPv4, a database that cannot be used, and the
dependency whose absence stopped the review cog."""

from __future__ import annotations

import asyncio
import importlib
import ipaddress
import re
import time as systime
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, cast

import discord
import pytest
import sqlalchemy as sa
from pydantic import ValidationError

from bot import worker
from bot.__main__ import main as cli
from bot.briefing.common import source_line
from bot.briefing.feeds import notice
from bot.briefing.text import shown
from bot.client import BriefingBot
from bot.clock import FixedClock
from bot.config import Settings
from bot.curated import DataError, load_dataset
from bot.dates import FuzzyDate
from bot.fetching import Article, extract
from bot.fetching._http import _refused
from bot.ingesting import MAX_TEXT, ingest_article
from bot.models import Feed, GuildConfig, Kind, Milestone, PollReport, Source
from bot.slots import alert_slots, next_alert_times
from bot.store import Store, StoreUnavailable
from bot.store import _schema as schema
from bot.store._types import unavailable
from cogs.digest import Digest
from tests.conftest import DATA_DIR, NOW, World
from tests.curation_helpers import answer, refused, shown_id

LINK = "https://www.reuters.com/world/china/talks-2026-11-21/"


def digest_cog(world: World) -> Digest:
    found = world.bot.get_cog("Digest")
    assert found is not None
    return cast(Digest, found)


def posts_in(world: World, channel: Any) -> list[discord.Message]:
    me = world.bot.user
    assert me is not None
    return [m for m in channel.history() if m.author.id == me.id and not m.flags.ephemeral]


# ---- a milestone at the edge of the calendar --------------------------------------------


async def test_milestones_outside_the_bots_range_are_refused_with_one_line(world: World) -> None:
    for when, zone in (
        ("0001-01-01 00:00", "UTC"),
        ("9999-12-31 23:59", "Etc/GMT+12"),
        ("2199-12-31 23:59", "Etc/GMT+12"),  # 2200-01-01 in UTC: past the last instant
        ("1900-01-01 00:00", "Etc/GMT-14"),  # UTC+14: 1899 in UTC
    ):
        text = await refused(
            world,
            world.admin,
            "milestone add",
            name="Edge",
            when=when,
            timezone=zone,
            source_url=LINK,
        )
        assert "out of range" in text and "between 1900 and 2199" in text, text
    assert await world.bot.store.list_typed(Milestone, world.guild.id) == [
        m for m in await world.bot.store.list_typed(Milestone, None)
    ]


def test_alert_times_of_any_stored_instant_never_raise() -> None:
    data = {
        "id": "edge",
        "name": "Edge",
        "timezone": "UTC",
        "kind": "deadline",
        "sources": ["x1"],
    }
    for at in (datetime.min.replace(tzinfo=UTC), datetime.max.replace(tzinfo=UTC)):
        bad = Milestone.model_construct(**data, at=at, all_day=False, outcome=None)  # type: ignore[arg-type]
        alert_slots(bad)  # no OverflowError: at worst, no alerts
        next_alert_times([bad], NOW)
    first = Milestone.model_construct(**data, at=datetime.min.replace(tzinfo=UTC))  # type: ignore[arg-type]
    assert alert_slots(first) == []


async def _inject_bad_rows(store: Store, guild_id: int) -> None:
    """What a database written before the checks can hold: a milestone at 0001-01-01 and a
    server configured in a zone outside tzdata's list."""
    bad = {
        "id": "year-one",
        "name": "Year one",
        "at": "0001-01-01T00:00:00+00:00",
        "timezone": "UTC",
        "kind": "deadline",
        "sources": ["rec-geneva-statement"],
        "all_day": False,
        "conflicts": [],
    }
    async with store._changing() as conn:
        await conn.execute(
            sa.insert(schema.items).values(
                kind="milestone",
                item_id="year-one",
                scope=guild_id,
                origin="guild",
                data=bad,
                title="Year one",
                updated_at=NOW,
                updated_by="old bot",
            )
        )
        row = (
            await conn.execute(
                sa.select(schema.guild_config.c.data).where(
                    schema.guild_config.c.guild_id == guild_id
                )
            )
        ).one()
        data = dict(row.data) | {"timezone": "right/UTC"}
        await conn.execute(
            sa.update(schema.guild_config)
            .where(schema.guild_config.c.guild_id == guild_id)
            .values(data=data)
        )


async def test_one_servers_worst_milestone_stops_no_other_server(
    world: World, clock: FixedClock, bot_factory: Callable[..., BriefingBot]
) -> None:
    env = world.env
    other = env.create_guild("Other Desk")
    other_channel = other.create_text_channel("briefing")
    admins = other.create_role("Admins", permissions=discord.Permissions(manage_guild=True))
    other_admin = other.add_member(env.create_user("other-curator"), roles=[admins])

    # server A: a digest, the worst milestones it may still store, and rows of an older bot
    await world.admin.slash(
        world.channel, "digest setup", channel=world.channel, time="09:00", timezone="UTC"
    )
    for when, zone in (("2199-12-31 11:00", "Etc/GMT+12"), ("1900-01-01 14:00", "Etc/GMT-14")):
        shown_id(
            answer(
                await world.admin.slash(
                    world.channel,
                    "milestone add",
                    name=f"Edge {when}",
                    when=when,
                    timezone=zone,
                    source_url=LINK,
                )
            )
        )
    await _inject_bad_rows(world.bot.store, world.guild.id)

    # server B: a digest, and a milestone a week away (its 7-day alert is due now)
    await other_admin.slash(
        other_channel, "digest setup", channel=other_channel, time="09:00", timezone="UTC"
    )
    week = NOW + timedelta(days=7)
    answer(
        await other_admin.slash(
            other_channel,
            "milestone add",
            name="Review round",
            when=f"{week:%Y-%m-%d %H:%M}",
            timezone="UTC",
            source_url=LINK,
        )
    )

    clock.set(NOW + timedelta(minutes=1))
    await digest_cog(world).scheduler.sweep()
    for _ in range(100):  # the alert job APScheduler fired meanwhile may still be sending
        if posts_in(world, other_channel):
            break
        await asyncio.sleep(0.05)
    alerts = posts_in(world, other_channel)
    assert len(alerts) == 1 and "In 7 days: Review round" in (alerts[0].embeds[0].title or "")

    clock.set(datetime(2026, 11, 22, 9, 0, 30, tzinfo=UTC))
    await digest_cog(world).scheduler.sweep()
    assert len(posts_in(world, other_channel)) == 2  # B's digest went out

    # the bot starts again on that database, and B is still served
    clock.set(datetime(2026, 11, 22, 9, 30, tzinfo=UTC))
    await env.restart_bot(bot_factory())
    status = await other_admin.slash(other_channel, "digest status")
    assert status.response.embeds[0].title == "Digest: on"
    clock.set(datetime(2026, 11, 23, 9, 0, 30, tzinfo=UTC))
    await digest_cog(world).scheduler.sweep()
    assert len(posts_in(world, other_channel)) == 3
    # A's bad milestone is left out of what readers see, not shown as year 1
    listed = await world.bot.store.list_typed(Milestone, world.guild.id)
    assert all(m.id != "year-one" for m in listed)


def test_import_refuses_dates_out_of_range_deep_nesting_and_repeated_keys(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    def copy_with(name: str, text: str) -> Path:
        folder = tmp_path / name
        folder.mkdir()
        for f in DATA_DIR.glob("*.yaml"):
            (folder / f.name).write_text(f.read_text(encoding="utf-8"), encoding="utf-8")
        target = folder / "milestones.yaml"
        target.write_text(target.read_text(encoding="utf-8") + text, encoding="utf-8")
        return folder

    tail = "  timezone: {zone}\n  kind: deadline\n  sources: [rec-geneva-statement]\n"
    year_one = copy_with(
        "year1",
        "\n- id: year-one\n  name: Year one\n  at: 0001-01-01T00:00:00Z\n"
        + tail.format(zone="UTC"),
    )
    with pytest.raises(DataError, match="out of range"):
        load_dataset(year_one)
    deep = copy_with("deep", "\n- " + "[" * 50_000 + "\n")
    with pytest.raises(DataError, match="nested more than 40 levels"):
        load_dataset(deep)
    twice = copy_with("twice", "\n- id: twice-a\n  id: twice-b\n  name: Twice\n")
    with pytest.raises(DataError, match="the key 'id' is given twice"):
        load_dataset(twice)
    zone = copy_with(
        "zone",
        "\n- id: zone-x\n  name: Zone\n  at: 2027-01-01T00:00:00Z\n"
        + tail.format(zone="posixrules"),
    )
    with pytest.raises(DataError, match="not an IANA time zone"):
        load_dataset(zone)
    # through the command line: one line each, exit 1
    for folder in (year_one, deep, twice):
        assert cli(["import", str(folder), "--dry-run"]) == 1
        err = capsys.readouterr().err.strip()
        assert "\n" not in err and "Traceback" not in err and "nothing imported" in err


# ---- time zones -------------------------------------------------------------------------


async def test_zones_outside_tzdatas_list_are_refused(world: World) -> None:
    for zone in ("localtime", "posixrules", "right/UTC"):
        text = await refused(
            world, world.admin, "digest setup", channel=world.channel, timezone=zone
        )
        assert "is not an IANA time zone" in text
        text = await refused(
            world,
            world.admin,
            "milestone add",
            name="Zone test",
            when="2027-01-05",
            timezone=zone,
            source_url=LINK,
        )
        assert "is not an IANA time zone" in text
        with pytest.raises(ValidationError, match="not an IANA time zone"):
            Settings(_env_file=None, default_timezone=zone)  # type: ignore[call-arg]
    assert (await world.bot.store.guild_config(world.guild.id)).digest_channel_id is None


# ---- text that shows nothing, and markdown that is not the bot's ----------------------------


async def test_a_title_of_invisible_characters_is_refused(world: World) -> None:
    text = await refused(
        world,
        world.admin,
        "event add",
        date="2026-11-20",
        title="\u200b\u200d\u2060",
        summary="Something happened.",
        source_url=LINK,
    )
    assert "The title is empty" in text


def test_third_party_markdown_is_shown_as_typed() -> None:
    phish = "[Official notice](https://evil.example/phish) **BREAKING** @everyone"
    source = Source.model_validate(
        {
            "id": "feed-x",
            "outlet": phish,
            "headline": phish,
            "url": "https://real.example/a",
            "published": NOW,
            "timezone": "UTC",
            "kind": "article",
        }
    )
    line = source_line(source, 1)
    assert line.endswith("(https://real.example/a)")  # the one link is the source's own
    assert "**BREAKING**" not in line
    assert not re.search(r"(?<!\\)\[[^\]]*\]\(https://evil", line)  # no masked link of theirs
    feed = Feed(
        id=1,
        guild_id=1,
        url="https://real.example/feed",
        title=phish,
        channel_id=None,
        every_minutes=30,
        status="active",
        paused_reason=None,
        paused_at=None,
        failures=0,
        last_error=None,
        etag=None,
        last_modified=None,
        last_polled_at=None,
        last_ok_at=None,
        added_at=NOW,
        added_by="x",
    )
    said = notice(PollReport(feed=feed, new=1, proposals=3))
    assert said is not None
    assert "\\[Official notice]" in said and "**BREAKING**" not in said
    assert shown("a_b *c* `d` > e") == "a\\_b \\*c\\* \\`d\\` > e"


# ---- heavy work off the event loop ---------------------------------------------------------


async def test_work_past_its_budget_is_stopped_and_the_pool_goes_on() -> None:
    with pytest.raises(worker.WorkTimeout, match=r"took more than 0\.5 seconds"):
        await worker.run(systime.sleep, 5, timeout=0.5, what="sleeping")
    assert await worker.run(sum, [1, 2, 3], timeout=30, what="adding") == 6


async def test_a_call_beside_one_past_its_budget_is_run_again_not_lost() -> None:
    slow = asyncio.create_task(worker.run(systime.sleep, 1.0, timeout=30, what="the other"))
    await asyncio.sleep(0.2)  # both running in the same pool
    with pytest.raises(worker.WorkTimeout):
        await worker.run(systime.sleep, 5, timeout=0.5, what="the huge page")
    assert await slow is None  # its pool was replaced under it: run again, and done


async def test_a_huge_article_is_cut_with_a_reason(store: Store) -> None:
    para = (
        "Treasury Secretary Scott Bessent met Vice Premier He Lifeng in Geneva on Monday to "
        "review the tariff truce, officials said.\n\n"
    )
    text = para * (6_000_000 // len(para))
    article = Article(
        text=text,
        title="Long",
        outlet="Wire",
        author=None,
        published=NOW,
        published_date=None,
        url=None,
    )
    done = await ingest_article(store, article, guild_id=None)
    assert len(done.source.text) <= MAX_TEXT
    assert done.notes and "I read the first 100,000" in done.notes[0]


async def test_files_past_the_limit_are_refused_before_reading() -> None:
    from bot.fetching import FetchError

    with pytest.raises(FetchError, match="the limit is 5 MB"):
        await extract(b"x" * 5_000_001, name="big.txt")


async def test_an_attachment_past_the_limit_gets_one_line(world: World) -> None:
    result = await world.admin.slash(
        world.channel, "source add", file=("big.txt", b"word " * 1_100_000)
    )
    reply = answer(result)
    assert reply.ephemeral and "big.txt" not in reply.content
    assert reply.content.startswith("that file is 5.5 MB; the limit is 5 MB")
    assert await world.bot.store.list_typed(
        Source, world.guild.id
    ) == await world.bot.store.list_typed(Source, None)


# ---- addresses, databases, dependencies -------------------------------------------------------


@pytest.mark.parametrize(
    "address", ["2002:7f00:1::1", "2002:a9fe:a9fe::", "2002:c0a8:101::1", "::ffff:10.0.0.1"]
)
def test_ipv6_that_embeds_a_private_ipv4_is_refused(address: str) -> None:
    assert _refused(ipaddress.ip_address(address))


def test_a_public_6to4_address_is_not_refused_for_its_form() -> None:
    assert not _refused(ipaddress.ip_address("2002:808:808::1"))


async def test_an_unreachable_database_is_one_line_without_its_password() -> None:
    url = "postgresql+asyncpg://postgres:secret@127.0.0.1:9/test"
    with pytest.raises(StoreUnavailable) as caught:
        await Store.open(url)
    assert "DATABASE_URL=postgresql+asyncpg://postgres:***@127.0.0.1:9/test" in str(caught.value)
    assert "secret" not in str(caught.value)


def test_a_database_that_cannot_be_opened_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    ro = f"sqlite+aiosqlite:///file:{tmp_path / 'none.db'}?mode=ro&uri=true"
    monkeypatch.setenv("DATABASE_URL", ro)
    monkeypatch.chdir(tmp_path)
    assert cli(["export", str(tmp_path / "out")]) == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith("error: cannot use the database DATABASE_URL=") and "\n" not in err
    readonly = unavailable("sqlite:///x.db", OSError("attempt to write a readonly database"))
    assert "it is read-only" in str(readonly)


def test_the_review_cogs_html_cleaner_is_installed() -> None:
    # lxml >= 5.2 moved lxml.html.clean to lxml_html_clean, which trafilatura needs
    importlib.import_module("lxml.html.clean")
    importlib.import_module("cogs.review")
    importlib.import_module("cogs.source_add")


def test_bounds_hold_for_stored_models() -> None:
    with pytest.raises(ValueError, match="out of range"):
        FuzzyDate.model_validate("0001-01-01")
    with pytest.raises(ValueError, match="out of range"):
        GuildConfig.model_validate({"guild_id": 1, "digest_since": "9999-12-31T23:59:59-12:00"})
    assert Kind.MILESTONE.value == "milestone"
