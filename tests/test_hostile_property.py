"""Property: random dates, instants, zones, titles (unicode, zero-width, markdown, mentions)
and sizes thrown at the curation path (as the cogs call it), the feed parser and the ingest
engine give a clear refusal or a stored item, never an unhandled exception; and after all
of them the poster's sweep still posts for another server.

SQLite only, to stay fast; the isolation it checks is the poster's and the store's, the same
on both backends (test_hostile.py runs the worst case through SimCord)."""

from __future__ import annotations

import asyncio
import contextlib
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.clock import FixedClock
from bot.curated import load_dataset
from bot.curation import Context
from bot.curation.milestones import MilestoneInput, build_milestone
from bot.errors import UserError
from bot.feeds import FeedError, parse_feed
from bot.ingest import ArticleIn, propose
from bot.ingesting import record_view
from bot.models import GuildConfig, Kind, Milestone
from bot.poster import Poster
from bot.slots import alert_slots, next_alert_times
from bot.store import Actor, Store
from tests.conftest import DATA_DIR, NOW
from tests.test_poster import FakeDiscord

A, B = 111, 222
ACTOR = Actor(7, "prop")
LINK = "https://www.reuters.com/world/china/x/"
NASTY = [
    "\u200b\u200b",
    "**bold** [x](https://evil.example)",
    "@everyone <@123>",
    "🇺🇸🤝🇨🇳",
    "محادثات",
    "a\x00b",
    "# heading",
    "x" * 201,
]
zones = st.one_of(
    st.sampled_from(
        ["UTC", "Etc/GMT+12", "Etc/GMT-14", "Asia/Shanghai", "America/New_York", "Pacific/Apia"]
    ),
    st.sampled_from(["localtime", "posixrules", "right/UTC", "Mars/Olympus", "", "UTC "]),
    st.text(max_size=12),
)
any_dates = st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31))
whens = st.one_of(
    st.tuples(any_dates, st.integers(0, 23), st.integers(0, 59)).map(
        lambda t: f"{t[0].isoformat()} {t[1]:02d}:{t[2]:02d}"
    ),
    any_dates.map(lambda d: f"{d.day} {d:%b} {d.year:04d}"),
    st.sampled_from(["0001-01-01 00:00", "9999-12-31 23:59", "2199-12-31", "1900-01-01"]),
    st.text(max_size=20),
)
names = st.one_of(st.sampled_from(NASTY), st.text(min_size=0, max_size=60))


async def plant(store: Store, when: str, zone: str, name: str) -> None:
    """One curator's /milestone add for server A: refused, or stored."""
    ctx = Context(
        taken_ids=await store.item_ids(Kind.MILESTONE, A),
        source_ids=await store.item_ids(Kind.SOURCE, A),
        timezone="UTC",
    )
    try:
        draft = build_milestone(
            MilestoneInput(name=name, when=when, timezone=zone, source_url=LINK), ctx, NOW.date()
        )
    except UserError as exc:
        assert "\n" not in str(exc) and len(str(exc)) < 400
        return
    assert isinstance(draft.item, Milestone)
    alert_slots(draft.item)
    next_alert_times([draft.item], NOW)
    await store.save_many(draft.items(), guild_id=A, actor=ACTOR, expect_new=True)


def feed_with(stamp: str, link: str, title: str) -> bytes:
    return (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>T</title>'
        f"<item><guid>g</guid><title><![CDATA[{title}]]></title><link><![CDATA[{link}]]></link>"
        f"<pubDate>{stamp}</pubDate><description>d</description></item></channel></rss>"
    ).encode("utf-8", "surrogatepass")


def test_random_input_is_refused_or_stored_and_other_servers_are_served(tmp_path: Path) -> None:
    loop = asyncio.new_event_loop()
    clock = FixedClock(NOW)
    url = f"sqlite+aiosqlite:///{tmp_path / 'prop.db'}"
    store = loop.run_until_complete(Store.open(url, clock=clock))
    try:
        loop.run_until_complete(store.sync_curated(load_dataset(DATA_DIR).items()))
        for gid, channel in ((A, 10), (B, 20)):
            config = GuildConfig.model_validate(
                {"guild_id": gid, "digest_channel_id": channel, "digest_since": NOW}
            )
            loop.run_until_complete(store.save_guild_config(config))
        record = loop.run_until_complete(record_view(store, A))

        @settings(
            max_examples=300,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
        )
        @given(when=whens, zone=zones, name=names, stamp=st.text(max_size=40),
               link=st.text(max_size=40), body=st.text(max_size=400))  # fmt: skip
        def run(when: str, zone: str, name: str, stamp: str, link: str, body: str) -> None:
            loop.run_until_complete(plant(store, when, zone, name))
            with contextlib.suppress(FeedError):
                parse_feed(feed_with(stamp, link, name), base="https://news.example/feed")
            article = f"{name} said on {when} in {zone} that {body}"
            propose(ArticleIn(text=article, published=NOW, timezone="UTC", headline=name), record)

        run()
        stored = loop.run_until_complete(store.list_typed(Milestone, A))
        assert len(stored) > 13, "no random milestone got through: the test would prove little"

        # the next morning's sweep: B's digest goes out whatever A stored
        fake = FakeDiscord(clock)

        async def sleep(_: float) -> None:
            return None

        poster = Poster(store, fake, clock, sleep=sleep, rate=None)
        clock.set(datetime(2026, 11, 22, 9, 0, 30, tzinfo=UTC))
        loop.run_until_complete(poster.tick())
        assert fake.in_channel(20), "server B got no digest"
        assert fake.in_channel(10), "server A got no digest either"
        clock.set(clock.now() + timedelta(days=400))
        report: Any = loop.run_until_complete(poster.tick())
        assert report.failed_servers == []
    finally:
        loop.run_until_complete(store.close())
        loop.close()
