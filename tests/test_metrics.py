"""The process's Prometheus metrics (bot.metrics): each counter moves when the code it counts
runs (discord.py's rate-limit log records, feed polls, scheduled posts, proposals queued and
decided, app commands under SimCord), and /metrics answers Prometheus text."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import simcord
from aiohttp.test_utils import TestClient, TestServer
from prometheus_client import CONTENT_TYPE_LATEST
from prometheus_client.parser import text_string_to_metric_families

from bot import metrics
from bot.clock import FixedClock
from bot.errors import UserError
from bot.feeds import FeedOptions, check_feed, follow, poll
from bot.ingesting import ingest, parse_published, queue
from bot.models import GuildConfig
from bot.poster import ChannelUnusable, Poster
from bot.reviewing import reject
from bot.store import CURATED_ACTOR, Actor, Store
from bot.web import WebSettings, make_app
from tests.conftest import NOW, World
from tests.feed_site import FeedSite, Item
from tests.test_poster import FakeDiscord, talks
from tests.test_review import article_body

GUILD = 42
CURATOR = Actor(7, "curator")
OPTIONS = FeedOptions(allow_private=True, pause_after=3)


@pytest.fixture
def fresh() -> Iterator[metrics.Metrics]:
    """Counters from zero for this test (the process's set is put back after)."""
    before = metrics.current()
    yield metrics.fresh()
    metrics._current = before


def value(m: metrics.Metrics, name: str, **labels: str) -> float:
    got = m.registry.get_sample_value(name, labels)
    return 0.0 if got is None else got


# -- 429s ------------------------------------------------------------------------------------


def test_rate_limit_warnings_on_discord_http_are_counted(fresh: metrics.Metrics) -> None:
    handler = metrics.count_rate_limits()
    assert metrics.count_rate_limits() is handler  # attached once
    http = logging.getLogger("discord.http")
    assert handler in http.handlers
    # the records as discord.py's HTTPClient.request writes them
    fmt = "We are being rate limited. %s %s responded with 429. Retrying in %.2f seconds."
    http.warning(fmt, "POST", "https://discord.com/api/v10/channels/1/messages", 1.5)
    http.warning(fmt, "POST", "https://discord.com/api/v10/channels/2/messages", 0.2)
    http.warning("Global rate limit has been hit. Retrying in %.2f seconds.", 0.2)
    http.warning(
        "We are being rate limited. %s %s responded with 429. Timeout of %.2f was too long, "
        "erroring instead.",
        "PUT",
        "https://discord.com/api/v10/applications/1/commands",
        900.0,
    )
    http.warning("something else went wrong")
    assert value(fresh, "briefing_discord_rate_limited_total", action="retry") == 2
    assert value(fresh, "briefing_discord_rate_limited_total", action="raise") == 1
    assert value(fresh, "briefing_discord_global_rate_limited_total") == 1


# -- feed polls, proposals ---------------------------------------------------------------------


@pytest.fixture
async def feed_site() -> AsyncIterator[FeedSite]:
    site = await FeedSite().start()
    yield site
    await site.close()


async def test_feed_polls_count_by_outcome_and_queued_proposals(
    fresh: metrics.Metrics, store: Store, feed_site: FeedSite
) -> None:
    clock = FixedClock(NOW)
    feed_site.channel("wire", items=[Item("s1", "Talks update one", NOW - timedelta(hours=1))])
    checked = await check_feed(feed_site.feed_url("wire"), OPTIONS)
    feed, first = await follow(
        store,
        GUILD,
        checked,
        channel_id=None,
        every_minutes=30,
        actor=CURATOR,
        clock=clock,
        options=OPTIONS,
    )
    assert first.proposals > 0
    assert value(fresh, "briefing_proposals_queued_total", via="feed") == first.proposals
    assert value(fresh, "briefing_feed_polls_total", outcome="ok") == 0  # adding is no poll

    assert (await poll(store, feed, clock, OPTIONS)).not_modified
    feed_site.channels["wire"].items.append(
        Item("s2", "Talks update two", NOW - timedelta(minutes=5))
    )
    assert (await poll(store, await store.feed(GUILD, feed.id), clock, OPTIONS)).new == 1
    feed_site.channels["wire"].mode = "500"
    assert (await poll(store, await store.feed(GUILD, feed.id), clock, OPTIONS)).error
    for outcome in ("ok", "not_modified", "error"):
        assert value(fresh, "briefing_feed_polls_total", outcome=outcome) == 1, outcome


async def test_proposals_queued_by_hand_and_rejected(
    fresh: metrics.Metrics, store: Store, tmp_path: Path
) -> None:
    body, published = article_body("04_sunday_busan_deal")
    path = tmp_path / "busan.txt"
    path.write_text(body, encoding="utf-8")
    done = await ingest(store, str(path), guild_id=GUILD, published=parse_published(published))
    _, queued = await queue(store, done, GUILD, CURATOR)
    assert queued
    assert value(fresh, "briefing_proposals_queued_total", via="hand") == len(queued)
    await reject(store, GUILD, queued[0], CURATOR, "background, not news")
    assert value(fresh, "briefing_proposals_decided_total", decision="rejected") == 1


# -- scheduled posts -----------------------------------------------------------------------------


async def test_posts_sent_failed_and_the_alert_lag(
    fresh: metrics.Metrics, store_factory: Any
) -> None:
    clock = FixedClock(NOW)
    store: Store = await store_factory(clock)
    discord = FakeDiscord(clock)

    async def no_wait(_: float) -> None:
        return None

    poster = Poster(store, discord, clock, sleep=no_wait, rate=None)
    await store.save_guild_config(
        GuildConfig.model_validate(
            {"guild_id": 1, "digest_channel_id": 10, "digest_since": NOW, "alerts_enabled": True}
        )
    )
    at = NOW + timedelta(days=3)
    await store.save(talks(at), guild_id=None, actor=CURATED_ACTOR)
    clock.set(at - timedelta(days=1) + timedelta(seconds=90))  # the 1-day alert, 90 s late
    await poster.run_alerts()
    assert value(fresh, "briefing_posts_sent_total", kind="alert") == 1
    assert value(fresh, "briefing_alert_lag_seconds_count") == 1
    assert value(fresh, "briefing_alert_lag_seconds_sum") == pytest.approx(90)
    assert value(fresh, "briefing_alert_lag_seconds_bucket", le="60.0") == 0
    assert value(fresh, "briefing_alert_lag_seconds_bucket", le="120.0") == 1

    discord.failures.append(ChannelUnusable("The digest channel <#10> was deleted."))
    clock.set(at - timedelta(minutes=59))  # the 1-hour alert: the channel is gone
    await poster.run_alerts()
    assert value(fresh, "briefing_posts_failed_total", kind="alert", outcome="paused") == 1
    assert value(fresh, "briefing_posts_sent_total", kind="alert") == 1


# -- app commands and the gateway, under SimCord ------------------------------------------------


async def test_app_commands_count_by_outcome_and_the_gateway_is_read(
    fresh: metrics.Metrics, world: World
) -> None:
    metrics.watch(world.bot)
    await world.member.slash(world.channel, "timeline")
    await world.member.slash(world.channel, "countdown", milestone="moon landing")
    simcord.assert_error(world.env, UserError)  # the refusal the tree answered
    ok = value(fresh, "briefing_app_commands_total", command="timeline", outcome="ok")
    refused = value(fresh, "briefing_app_commands_total", command="countdown", outcome="user_error")
    assert (ok, refused) == (1, 1)
    assert (
        value(
            fresh,
            "discord_event_on_interaction_total",
            shard="0",
            interaction="application_command",
            command="timeline",
        )
        == 1
    )
    assert value(fresh, "discord_connected", shard="0") == 1
    assert value(fresh, "discord_stat_total_guilds") == 1


# -- /metrics ------------------------------------------------------------------------------------


async def test_metrics_endpoint_answers_prometheus_text(
    fresh: metrics.Metrics, store: Store
) -> None:
    metrics.feed_poll("ok")
    metrics.post("digest", "sent")
    metrics.post("alert-1d@1790000000", "sent", 12.0)
    app = make_app(store, FixedClock(NOW), WebSettings(), metrics=fresh.registry)
    async with TestClient(TestServer(app)) as client:
        response = await client.get("/metrics")
        text = await response.text()
        assert response.status == 200
        assert response.headers["Content-Type"] == CONTENT_TYPE_LATEST
        assert response.headers["Cache-Control"] == "no-store"
        again = await client.get("/metrics", headers={"If-None-Match": "*"})
        assert again.status == 200  # never a 304
    names = {f.name: f for f in text_string_to_metric_families(text)}
    for name in (
        "discord_connected",
        "discord_latency_seconds",
        "discord_stat_total_guilds",
        "discord_event_on_interaction",
        "briefing_app_commands",
        "briefing_posts_sent",
        "briefing_posts_failed",
        "briefing_alert_lag_seconds",
        "briefing_discord_rate_limited",
        "briefing_feed_polls",
        "briefing_proposals_queued",
        "briefing_proposals_decided",
    ):
        assert name in names, name
    polls = {s.labels["outcome"]: s.value for s in names["briefing_feed_polls"].samples}
    assert polls.get("ok") == 1
    sent = {
        s.labels["kind"]: s.value
        for s in names["briefing_posts_sent"].samples
        if s.name.endswith("_total")
    }
    assert sent == {"digest": 1, "alert": 1}


async def test_no_registry_no_metrics_route(store: Store) -> None:
    app = make_app(store, FixedClock(NOW), WebSettings())
    async with TestClient(TestServer(app)) as client:
        assert (await client.get("/metrics")).status == 404


def test_a_hook_never_raises(fresh: metrics.Metrics) -> None:
    metrics.interaction(object())  # not an interaction at all
    metrics.proposals_queued(-1, "hand")  # a counter refuses to go down
    assert value(fresh, "briefing_proposals_queued_total", via="hand") == 0
