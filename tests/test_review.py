"""New reporting through curators, as they use it: /source add by link (a local test server)
and by file, /review, then Accept, Edit, Reject and Source only; readers see an accepted
event with the article among its sources; every REST body is checked (the world fixture)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from bot.client import BriefingBot
from bot.models import Event, Kind, Source
from bot.store import ACCEPTED, CITED, PENDING, REJECTED
from tests.conftest import World, make_settings
from tests.seen import embed_text

ARTICLES = Path(__file__).parent / "ingest_articles"
PARIS = """<!DOCTYPE html><html><head><title>Economic chiefs meet in Paris | Test Wire</title>
<meta property="og:site_name" content="Test Wire">
<meta property="article:published_time" content="2026-03-17T09:00:00+01:00">
</head><body><article><h1>Economic chiefs meet in Paris</h1>
<p>Treasury Secretary Scott Bessent and Vice Premier He Lifeng held talks in Paris on
March 15 and March 16, with Jamieson Greer and Li Chenggang at the table, to prepare
Trump's planned visit to Beijing. Neither side published a joint statement afterwards.</p>
<p>Commerce Secretary Howard Lutnick said on Monday that a new investigation into excess
industrial capacity would open later this week, and that the two leaders could meet
in Beijing early next month if the talks held.</p></article></body></html>"""


@pytest.fixture
def simcord_bot(bot_factory: Callable[..., BriefingBot], tmp_path: Path) -> BriefingBot:
    """The bot may fetch from this machine here: the test's article server is local."""
    return bot_factory(settings=make_settings(tmp_path, fetch_allow_private=True))


@pytest.fixture
async def article_server() -> AsyncIterator[TestServer]:
    app = web.Application()

    async def story(_: web.Request) -> web.Response:
        return web.Response(text=PARIS, content_type="text/html")

    app.router.add_get("/paris", story)
    server = TestServer(app, host="127.0.0.1")
    await server.start_server()
    yield server
    await server.close()


def messages(result: Any) -> list[Any]:
    return [m for m in [result.response, *result.followups] if m is not None]


def article_body(name: str) -> tuple[str, str]:
    head, body = (ARTICLES / f"{name}.txt").read_text(encoding="utf-8").split("\n---\n", 1)
    published = next(x for x in head.splitlines() if x.startswith("published:")).split(": ")[1]
    return body, published


async def test_a_curator_adds_articles_and_reviews_what_they_propose(
    world: World, article_server: TestServer
) -> None:
    store = world.bot.store
    gid = world.guild.id

    # by file
    body, published = article_body("01_wire_kl_round")
    by_file = await world.admin.slash(
        world.channel,
        "source add",
        file=("kl.txt", body.encode()),
        published=published,
        timezone="America/New_York",
        outlet="Wire desk",
    )
    assert messages(by_file)[-1].content.startswith("Queued ")
    assert "Wire desk" in {s.outlet for s in await store.list_typed(Source, gid)}

    # by link
    added = await world.admin.slash(
        world.channel, "source add", url=str(article_server.make_url("/paris"))
    )
    sent = messages(added)[-1]
    assert sent.ephemeral and sent.content.startswith("Queued ")
    card = embed_text(sent.embeds[0])
    assert "Added: Economic chiefs meet in Paris" in card and "Test Wire" in card
    sources = {s.id: s for s in await store.list_typed(Source, gid)}
    paris_source = next(s for s in sources.values() if s.outlet == "Test Wire")
    assert paris_source.url is not None and paris_source.url.path == "/paris"
    assert paris_source.timezone == "Etc/GMT-1"  # from the page's +01:00

    queue, total = await store.review_queue(gid, limit=100)
    assert total == len(queue) > 4
    assert queue[0].source_id == paris_source.id  # the newest article first

    # the queue as a curator sees it, one proposal opened
    shown = await world.admin.slash(world.channel, "review")
    listing = messages(shown)[-1]
    assert listing.ephemeral and listing.embeds[0].title == "Review queue"
    paris = [q for q in queue if q.source_id == paris_source.id]
    cite = next(q for q in paris if q.data.get("matches") == "paris-talks")
    opened = await world.admin.select(listing, [str(cite.id)], custom_id="rv:open")
    detail = messages(opened)[-1]
    assert "Cite this article on" in embed_text(detail.embeds[0])

    # source only: the recorded talks now cite the article
    done = messages(await world.admin.click(detail, label="Source only"))[-1]
    assert done.content.startswith("Cited ")
    talks = await store.get_item(Kind.EVENT, "paris-talks", gid)
    assert talks is not None and paris_source.id in talks.sources
    assert (await store.queued(gid, cite.id)).status == CITED

    # accept a new person (the record does not know Howard Lutnick)
    person = next(q for q in paris if q.kind == "person")
    detail = messages(await world.admin.select(listing, [str(person.id)], custom_id="rv:open"))[-1]
    accepted = messages(await world.admin.click(detail, label="Accept"))[-1]
    assert "added person `howard-lutnick`" in accepted.content
    assert (await store.queued(gid, person.id)).status == ACCEPTED

    # edit, then accept: the curator's words and date go in
    event = next(q for q in paris if q.kind == "event")
    detail = messages(await world.admin.select(listing, [str(event.id)], custom_id="rv:open"))[-1]
    form = await world.admin.click(detail, label="Edit")
    assert form.modal is not None
    edited = await world.admin.submit_modal(
        form,
        {
            "date": "16 Mar 2026",
            "title": "Lutnick announces an excess-capacity investigation",
            "summary": "The commerce secretary says a probe of excess industrial capacity opens.",
        },
    )
    assert "Accepted" in messages(edited)[-1].content
    decided = await store.queued(gid, event.id)
    assert decided.status == ACCEPTED and decided.item_id is not None
    new_event = await store.get_item(Kind.EVENT, decided.item_id, gid)
    assert isinstance(new_event, Event) and new_event.date.canonical() == "2026-03-16"
    history = await store.history(Kind.EVENT, new_event.id, gid)
    assert f"proposal #{event.id} from source" in (history[-1].reason or "")

    # readers see it, with the article among its sources; other servers do not
    found = await world.member.slash(world.channel, "timeline", query="Lutnick")
    assert "Lutnick announces an excess-capacity investigation" in embed_text(
        messages(found)[0].embeds[0]
    )
    assert await store.get_item(Kind.EVENT, new_event.id, gid + 1) is None

    # reject, with a reason; a decided proposal cannot be decided again
    pending = [q for q in (await store.review_queue(gid, limit=100))[0] if q.status == PENDING]
    target = pending[0]  # the Paris article made three, all decided above: the KL one's
    detail = messages(await world.admin.select(listing, [str(target.id)], custom_id="rv:open"))[-1]
    form = await world.admin.click(detail, label="Reject")
    rejected = await world.admin.submit_modal(form, {"reason": "background, not news"})
    assert messages(rejected)[-1].content.startswith(f"Rejected #{target.id}")
    assert (await store.queued(gid, target.id)).status == REJECTED
    again = messages(await world.admin.click(detail, label="Accept"))[-1]
    assert again.ephemeral and "already rejected by curator" in again.content

    # the queue pages: older articles' proposals on the next page (a third article, more
    # productive than these two, fills the first page)
    body, published = article_body("04_sunday_busan_deal")
    third = await world.admin.slash(
        world.channel, "source add", file=("busan.txt", body.encode()), published=published,
        timezone="Europe/London",
    )  # fmt: skip
    assert messages(third)[-1].content.startswith("Queued ")
    assert (await store.review_queue(gid, limit=100))[1] > 8
    fresh = messages(await world.admin.slash(world.channel, "review"))[-1]
    older = messages(await world.admin.click(fresh, label="Older ▶"))[-1]
    assert older.embeds[0].title == "Review queue"
    assert (older.embeds[0].footer.text or "").startswith("9–")
