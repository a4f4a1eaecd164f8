"""New reporting of late November 2026, through /source add and /review as a curator uses
them (issue 20): a video call of this week is a new event, not the October 2025 call; the
January round in Geneva is a new milestone; China's cut of its tariff on US pork is China
on the US; the crane tariff's suspension running to May 2027 is an update of the recorded
suspension, shown beside the record's value and applied to it when accepted; and "US Trade
Representative Scott Bessent" is flagged (the record has Jamieson Greer in that post)."""

from __future__ import annotations

from datetime import date
from typing import Any

from bot.models import Kind, Source, TariffMeasure
from bot.store import ACCEPTED, PENDING
from tests.conftest import World
from tests.seen import embed_text

ARTICLE = """\
WASHINGTON, Nov 24 (Test Wire) - US Trade Representative Scott Bessent and Vice Premier He \
Lifeng held a video call on Tuesday and agreed that their negotiators would meet in Geneva \
in mid-January, both sides said.

China will cut its additional tariff on US pork to 5% from Dec. 1, the commerce ministry \
said.

The suspension of the 100% tariff on Chinese ship-to-shore cranes was extended until May 10, \
2027, the US Trade Representative's office said.

(Reporting by A. Writer; Editing by B. Editor)
"""


def messages(result: Any) -> list[Any]:
    return [m for m in [result.response, *result.followups] if m is not None]


async def test_november_reporting_becomes_the_right_proposals(world: World) -> None:
    store = world.bot.store
    gid = world.guild.id
    added = await world.admin.slash(
        world.channel,
        "source add",
        file=("wire.txt", ARTICLE.encode()),
        published="2026-11-24T18:00-05:00",
        timezone="America/New_York",
        outlet="Test Wire",
    )
    reply = messages(added)[-1]
    queue, _ = await store.review_queue(gid, limit=100)
    # the reply and its card count what the queue holds
    assert reply.content.startswith(f"Queued {len(queue)} proposal(s) for review.")
    assert f"{len(queue)} proposal(s) for review" in embed_text(reply.embeds[0])
    data = [q.data for q in queue]
    again = await world.admin.slash(
        world.channel,
        "source add",
        file=("again.txt", ARTICLE.replace("  ", " ").encode()),
        published="2026-11-24T18:00-05:00",
        timezone="America/New_York",
    )  # the same story again (its text re-spaced): recognised, queued once
    assert "this server already has that article" in messages(again)[-1].content
    assert len((await store.review_queue(gid, limit=100))[0]) == len(queue)

    call = [d for d in data if d["kind"] == "event"]
    assert len(call) == 1 and call[0]["date"] == "2026-11-24" and "matches" not in call[0]
    milestones = {d["date"]: d for d in data if d["kind"] == "milestone"}
    assert set(milestones) == {"mid 2027-01", "2027-05-10"}
    assert "Geneva" in milestones["mid 2027-01"]["summary"]  # the January round: new
    assert "suspension ends" in milestones["2027-05-10"]["title"]  # the new end to count down
    pork = [d for d in data if d["kind"] == "tariff"]
    assert len(pork) == 1
    assert (pork[0]["imposer"], pork[0]["target"], pork[0]["rate"]) == ("CN", "US", 5.0)
    assert (pork[0]["date"], pork[0]["status"]) == ("2026-12-01", "announced")
    cranes = [d for d in data if d["kind"] == "update"]
    assert len(cranes) == 1 and cranes[0]["matches"] == "us-cn-301-maritime-cranes-100"
    assert cranes[0]["change"] == {
        "field": "end",
        "old": "suspended until 2026-11-10",
        "new": "2027-05-10",
    }
    flagged = [d for d in data if d["kind"] == "source-only" and d.get("conflicts")]
    assert any("Scott Bessent is US Trade Representative" in d["summary"] for d in flagged)
    assert any("Jamieson Greer held that post" in d["summary"] for d in flagged)
    # nothing is glued to the October 2025 call or to Li Chenggang's appointment
    assert not any(
        d.get("matches") in ("bessent-he-video-call", "li-appointed-trade-rep") for d in data
    )

    # nothing unreviewed reaches readers: the article is not among their sources yet
    before = embed_text(messages(await world.member.slash(world.channel, "sources"))[-1].embeds[0])
    assert "Test Wire" not in before and "added by this server" not in before

    # the update's card shows the record's value beside the article's, and why
    shown = messages(await world.admin.slash(world.channel, "review"))[-1]
    update = next(q for q in queue if q.kind == "update")
    card = messages(await world.admin.select(shown, [str(update.id)], custom_id="rv:open"))[-1]
    text = embed_text(card.embeds[0])
    assert "change to an item on record" in text
    assert "now suspended until 2026-11-10 → **2027-05-10**" in text
    assert "Why proposed" in text and "extended to a new date" in text

    accepted = messages(await world.admin.click(card, label="Accept"))[-1]
    assert "end is now 2027-05-10" in accepted.content
    assert (await store.queued(gid, update.id)).status == ACCEPTED
    layer = await store.get_item(Kind.TARIFF, "us-cn-301-maritime-cranes-100", gid)
    assert isinstance(layer, TariffMeasure)
    assert layer.history[-1].until == date(2027, 5, 10)
    assert layer.status_on(date(2027, 1, 1)) is not None
    assert layer.overdue_on(date(2027, 1, 1)) is None  # no longer "what followed unknown"
    # now an accepted item cites it: readers see it, not labelled a seed article
    source = next(s for s in await store.list_typed(Source, gid) if s.outlet == "Test Wire")
    assert len(source.id) > 58  # its citation term is cut in the index: still counted
    assert (await store.citation_counts(gid))[source.id] == 1
    after = messages(await world.member.slash(world.channel, "sources"))[-1].embeds[0]
    assert "1 added by this server" in (after.title or "")
    assert "article added by this server's curators" in embed_text(after)
    # another server's record is untouched
    other = await store.get_item(Kind.TARIFF, "us-cn-301-maritime-cranes-100", gid + 1)
    assert isinstance(other, TariffMeasure) and other.history[-1].until == date(2026, 11, 10)
    assert all(q.status == PENDING for q in queue if q.id != update.id)


async def test_publication_times_as_people_give_them(world: World) -> None:
    store = world.bot.store
    gid = world.guild.id
    text = ARTICLE.replace("Tuesday", "Monday")
    day = await world.admin.slash(
        world.channel,
        "source add",
        file=("a.txt", text.encode()),
        published="28 Nov 2026",
        timezone="America/New_York",
    )
    assert messages(day)[-1].content.startswith("Queued ")
    local = await world.admin.slash(
        world.channel,
        "source add",
        file=("b.txt", (text + " More.").encode()),
        published="2026-11-28T09:00",
        timezone="Asia/Shanghai",
    )
    assert messages(local)[-1].content.startswith("Queued ")
    stored = {s.timezone: s for s in await store.list_typed(Source, gid)}
    assert stored["Asia/Shanghai"].published is not None
    assert stored["Asia/Shanghai"].published.isoformat() == "2026-11-28T09:00:00+08:00"
    assert stored["America/New_York"].published is not None
    assert stored["America/New_York"].published.isoformat() == "2026-11-28T12:00:00-05:00"
    undated = await world.admin.slash(
        world.channel, "source add", file=("c.txt", ("Talks " * 60).encode())
    )
    said = messages(undated)[-1].content
    assert "gives no publication date; give it as published" in said and "--" not in said
