"""Following feeds, below Discord: a local feed site (RSS 2.0 and Atom), the store on both
backends, and the poller. An item becomes proposals once, however the feed re-dresses it;
items published while the bot was down arrive once after restart; a broken feed is paused
with its reason and resumes; bad feeds are refused with one line and nothing stored."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import pytest

from bot.briefing.feeds import added_text
from bot.clock import FixedClock
from bot.feeds import FeedError, FeedOptions, check_feed, follow, normalize_link, parse_feed, poll
from bot.feeds.parse import entry_keys
from bot.fetching import FetchError
from bot.ingest.keys import text_key
from bot.models import ACTIVE, PAUSED, Feed
from bot.store import Actor, Store
from tests.conftest import NOW
from tests.feed_site import FeedSite, Item

GUILD, OTHER = 42, 43
CURATOR = Actor(7, "curator")
OPTIONS = FeedOptions(allow_private=True, pause_after=3)


@pytest.fixture
async def site() -> AsyncIterator[FeedSite]:
    s = await FeedSite().start()
    yield s
    await s.close()


def story(n: int, hours_ago: float, **kwargs: Any) -> Item:
    return Item(slug=f"s{n}", title=f"Talks update number {n}", published=NOW
                - timedelta(hours=hours_ago), **kwargs)  # fmt: skip


async def add(store: Store, site: FeedSite, name: str, clock: FixedClock) -> Feed:
    checked = await check_feed(site.feed_url(name), OPTIONS)
    feed, _ = await follow(store, GUILD, checked, channel_id=None, every_minutes=30,
                           actor=CURATOR, clock=clock, options=OPTIONS)  # fmt: skip
    return feed


async def sources_queued(store: Store, guild_id: int = GUILD) -> list[str]:
    queue, _ = await store.review_queue(guild_id, limit=1000)
    return sorted({q.source_id for q in queue})


@pytest.mark.parametrize("kind", ["rss", "atom"])
async def test_new_items_become_proposals_once(store: Store, site: FeedSite, kind: str) -> None:
    clock = FixedClock(NOW)
    site.channel("wire", kind=kind, items=[story(1, 72), story(2, 30), story(3, 2)])
    checked = await check_feed(site.feed_url("wire"), OPTIONS)
    assert (checked.parsed.title, checked.parsed.total) == ("Test Wire", 3)
    feed, first = await follow(store, GUILD, checked, channel_id=None, every_minutes=30,
                               actor=CURATOR, clock=clock, options=OPTIONS)  # fmt: skip
    # the archive is taken as seen; only the item of the last 24 hours is ingested
    assert (first.new, first.considered) == (1, 3) and first.proposals > 0
    assert set(site.article_hits) == {"s3"}
    assert len(await sources_queued(store)) == 1

    again = await poll(store, feed, clock, OPTIONS)
    assert again.not_modified and site.not_modified == 1  # conditional request: 304

    site.channels["wire"].items += [story(4, 1), story(5, 0.5)]
    clock.advance(timedelta(minutes=30))
    later = await poll(store, await store.feed(GUILD, feed.id), clock, OPTIONS)
    assert (later.new, later.duplicates) == (2, 0) and later.ok
    assert len(await sources_queued(store)) == 3
    assert (await poll(store, later.feed, clock, OPTIONS)).not_modified
    listed = await store.feed(GUILD, feed.id)
    assert (listed.items_seen, listed.items_queued, listed.failures) == (5, 3, 0)
    assert listed.last_ok_at == clock.now()
    assert await store.feeds(OTHER) == [] and await sources_queued(store, OTHER) == []


async def test_a_changed_guid_date_or_tracking_link_is_not_new(
    store: Store, site: FeedSite
) -> None:
    clock = FixedClock(NOW)
    first = story(1, 1)
    site.channel("wire", items=[first])
    feed = await add(store, site, "wire", clock)
    assert len(await sources_queued(store)) == 1
    ch = site.channels["wire"]

    ch.items = [story(1, 1, guid="new-guid-for-s1")]  # the same link, another GUID
    assert (await poll(store, feed, clock, OPTIONS)).new == 0
    ch.items = [story(1, 0.2)]  # re-dated
    assert (await poll(store, feed, clock, OPTIONS)).new == 0
    ch.items = [story(1, 1, guid="third", link_suffix="?utm_source=rss&utm_medium=feed")]
    assert (await poll(store, feed, clock, OPTIONS)).new == 0
    # a new GUID and a new link, but the article's text is the one already read
    moved = Item(slug="s1-moved", title=first.title, published=first.published,
                 body=first.text())  # fmt: skip
    ch.items = [moved]
    report = await poll(store, feed, clock, OPTIONS)
    assert (report.new, report.duplicates) == (0, 1)
    assert len(await sources_queued(store)) == 1

    # the same story in a second feed of the server is not new either
    site.channel("other", kind="atom", items=[story(1, 1, guid="urn:x")])
    checked = await check_feed(site.feed_url("other"), OPTIONS)
    _, second = await follow(store, GUILD, checked, channel_id=None, every_minutes=60,
                             actor=CURATOR, clock=clock, options=OPTIONS)  # fmt: skip
    assert second.new == 0 and len(await sources_queued(store)) == 1


async def test_items_published_while_the_bot_was_down_arrive_once(
    store_factory: Any, site: FeedSite
) -> None:
    clock = FixedClock(NOW)
    store = await store_factory(clock)
    site.channel("wire", items=[story(1, 1)])
    feed = await add(store, site, "wire", clock)
    await store.close()

    # the bot is down for a day; three items come out meanwhile
    site.channels["wire"].items += [story(2, -2), story(3, -10), story(4, -20)]
    clock.advance(timedelta(days=1))
    restarted = await store_factory(clock)
    [feed] = await restarted.active_feeds()
    report = await poll(restarted, feed, clock, OPTIONS)
    assert report.new == 3
    assert (await poll(restarted, report.feed, clock, OPTIONS)).not_modified
    assert len(await sources_queued(restarted)) == 4


@pytest.mark.parametrize("mode", ["500", "html"])
async def test_a_broken_feed_is_paused_with_its_reason_and_resumes(
    store: Store, site: FeedSite, mode: str
) -> None:
    clock = FixedClock(NOW)
    site.channel("wire", items=[story(1, 48)])
    feed = await add(store, site, "wire", clock)
    site.channels["wire"].mode = mode
    reports = []
    for _ in range(3):
        clock.advance(timedelta(minutes=30))
        reports.append(await poll(store, await store.feed(GUILD, feed.id), clock, OPTIONS))
    assert [r.paused for r in reports] == [False, False, True]
    assert not any(r.ok for r in reports)
    paused = await store.feed(GUILD, feed.id)
    assert paused.status == PAUSED and paused.paused_at == clock.now()
    expected = "500 Internal Server Error" if mode == "500" else "a web page, not a feed"
    assert paused.paused_reason is not None and "3 failed polls in a row" in paused.paused_reason
    assert expected in paused.paused_reason
    assert await store.active_feeds() == []

    site.channels["wire"].mode = "ok"
    site.channels["wire"].items.append(story(2, 0))
    resumed = await store.set_feed_status(GUILD, feed.id, ACTIVE)
    assert (resumed.status, resumed.failures, resumed.paused_reason) == (ACTIVE, 0, None)
    report = await poll(store, resumed, clock, OPTIONS)
    assert report.ok and report.new == 1


async def test_an_unreadable_article_falls_back_to_the_feeds_own_text(
    store: Store, site: FeedSite
) -> None:
    clock = FixedClock(NOW)
    ch = site.channel("wire", full_text=True, items=[story(1, 1)])
    feed = await add(store, site, "wire", clock)
    ch.items.append(story(2, 0, missing=True))  # its page 404s; the feed carries the text
    report = await poll(store, feed, clock, OPTIONS)
    assert report.new == 1 and report.unreadable == []
    ch.full_text = False
    ch.items.append(story(3, 0, missing=True))  # no page, and only a title in the feed
    report = await poll(store, report.feed, clock, OPTIONS)
    assert report.new == 0 and len(report.unreadable) == 1
    assert "Talks update number 3" in report.unreadable[0] and "404" in report.unreadable[0]

    # the page comes back: the next poll reads it, though the feed itself is unchanged
    ch.items[-1].missing = False
    clock.advance(timedelta(minutes=30))
    report = await poll(store, report.feed, clock, OPTIONS)
    assert (report.new, report.unreadable, report.not_modified) == (1, [], False)
    assert (await poll(store, report.feed, clock, OPTIONS)).not_modified  # nothing waits now

    # a page that stays away is tried for a day, then given up
    ch.items.append(story(4, 0, missing=True))
    first = await poll(store, report.feed, clock, OPTIONS)
    assert len(first.unreadable) == 1
    clock.advance(timedelta(hours=23))
    assert len((await poll(store, first.feed, clock, OPTIONS)).unreadable) == 1
    clock.advance(timedelta(hours=2))
    given_up = await poll(store, first.feed, clock, OPTIONS)
    assert given_up.not_modified and given_up.unreadable == []
    assert (await store.feed(GUILD, feed.id)).items_queued == 3


@pytest.mark.parametrize(
    ("where", "message"),
    [
        ("ftp://example.com/feed", "is not a web address"),
        ("not a url", "is not a web address"),
    ],
)
async def test_bad_addresses_are_refused_before_any_request(where: str, message: str) -> None:
    with pytest.raises(FetchError, match=message):
        await check_feed(where, OPTIONS)


async def test_bad_feeds_are_refused_and_nothing_is_stored(store: Store, site: FeedSite) -> None:
    site.channel("page", mode="html")
    site.channel("empty", items=[])
    with pytest.raises(FetchError, match=r"refused 127\.0\.0\.1"):
        await check_feed(site.feed_url("page"), FeedOptions(allow_private=False))
    with pytest.raises(FeedError, match="a web page, not a feed"):
        await check_feed(site.feed_url("page"), OPTIONS)
    with pytest.raises(FeedError, match="no items yet"):
        await check_feed(site.feed_url("empty"), OPTIONS)
    with pytest.raises(FetchError, match="answered 404"):
        await check_feed(site.feed_url("missing"), OPTIONS)
    assert await store.feeds(GUILD) == []


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"<?xml version='1.0'?><rss version='2.0'><channel><item><title>x", "XML is broken"),
        (b"<?xml version='1.0'?><catalog><book>1</book></catalog>", "does not give an RSS"),
        (b'{"items": []}', "does not give an RSS"),
    ],
)
def test_malformed_and_foreign_documents_are_refused(body: bytes, message: str) -> None:
    with pytest.raises(FeedError, match=message):
        parse_feed(body, "application/xml")


async def test_a_feed_of_ten_thousand_items_gives_its_newest(store: Store, site: FeedSite) -> None:
    clock = FixedClock(NOW)
    site.channel("big", items=[story(n, 100 + n) for n in range(10_000)])
    checked = await check_feed(site.feed_url("big"), OPTIONS)
    assert (checked.parsed.total, len(checked.parsed.entries)) == (10_000, 50)
    assert checked.parsed.entries[0].title == "Talks update number 0"
    feed, report = await follow(store, GUILD, checked, channel_id=None, every_minutes=30,
                                actor=CURATOR, clock=clock, options=OPTIONS)  # fmt: skip
    assert (report.entries, report.considered, report.new) == (10_000, 50, 0)
    assert feed.items_seen == 50
    said = added_text(feed, checked.parsed, report)
    assert "The feed holds 10,000 items; I read the newest 50 and leave the older ones." in said
    assert "Nothing from the last 24 hours; older items are taken as seen." in said


def test_links_are_recognised_however_they_are_dressed() -> None:
    same = {
        normalize_link(u)
        for u in (
            "https://www.news.test/2026/talks/?utm_source=rss&utm_campaign=x",
            "http://news.test/2026/talks#comments",
            "https://NEWS.test/2026/talks?fbclid=abc",
        )
    }
    assert same == {"//news.test/2026/talks"}
    assert normalize_link("https://news.test/story?id=2&page=1") == "//news.test/story?id=2&page=1"
    assert normalize_link("https://news.test/story?id=2") != normalize_link(
        "https://news.test/story?id=3"
    )
    assert text_key("Talks  resume.\n\nIn GENEVA!") == text_key("talks resume in geneva")
    entry = parse_feed(
        b"<?xml version='1.0'?><rss version='2.0'><channel><title>W</title><item>"
        b"<title>T</title><guid>g</guid><link>http://x.test/a</link></item></channel></rss>"
    ).entries[0]
    assert [k.split(":")[0] for k in entry_keys(5, entry)] == ["guid", "link"]
