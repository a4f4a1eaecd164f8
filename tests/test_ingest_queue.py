"""The ingest path past the engine: an article queued as proposals (with the article stored
as the server's source), a curator's decisions written like any curation change, and the
command line an operator uses (`python -m bot ingest`)."""

from __future__ import annotations

import asyncio
import json
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot.curated import Dataset
from bot.ingest import ArticleIn, Proposal
from bot.ingest.items import cited, item_for, source_for
from bot.models import Event, GuildConfig, Kind
from bot.store import ACCEPTED, CITED, PENDING, REJECTED, Actor, Store, StoreError
from tests.conftest import shared_path
from tests.test_cli import run_bot

GUILD = 42
CURATOR = Actor(7, "curator")
ARTICLE = ArticleIn(
    text="Bessent and He Lifeng held talks in Paris on March 15 to prepare a summit.",
    published=datetime(2026, 3, 17, 9, 0, tzinfo=ZoneInfo("Europe/Paris")),
    timezone="Europe/Paris",
    headline="Economic chiefs meet in Paris",
    outlet="Test Wire",
    url="https://news.example/paris",
)


def _proposals() -> list[dict[str, object]]:
    return [
        Proposal(
            kind="event",
            date="2026-03-15",
            title="Bessent and He Lifeng hold talks in Paris",
            summary="The two met in Paris to prepare a summit.",
            people=["scott-bessent", "he-lifeng"],
            evidence=[ARTICLE.text],
        ).model_dump(mode="json", exclude_none=True),
        Proposal(
            kind="source-only",
            date="2026-03-15..2026-03-16",
            title="Paris talks",
            summary="Repeats the Paris talks.",
            evidence=[ARTICLE.text],
            matches="paris-talks",
        ).model_dump(mode="json", exclude_none=True),
    ]


async def test_queue_then_accept_reject_and_cite(store: Store, dataset: Dataset) -> None:
    await store.sync_curated(dataset.items())
    source = source_for(ARTICLE, author=None, taken=set())
    assert source.id.startswith("test-wire-2026-03-17-economic-chiefs")
    queued = await store.queue_proposals(GUILD, source, _proposals(), actor=CURATOR)
    assert [q.status for q in queued] == [PENDING, PENDING]
    assert await store.get_item(Kind.SOURCE, source.id, GUILD) == source
    assert await store.get_item(Kind.SOURCE, source.id, GUILD + 1) is None  # this server's
    page, total = await store.review_queue(GUILD)
    assert total == 2 and [q.id for q in page] == [q.id for q in queued]

    # accept: the same audited write as a curation command, naming proposal and article
    proposal = Proposal.model_validate(queued[0].data)
    people = {p.id for p in dataset.people}
    taken = await store.item_ids(Kind.EVENT, GUILD)
    event = item_for(proposal, source_id=source.id, people=people, taken=taken, zone="UTC")
    assert isinstance(event, Event) and event.sources == [source.id]
    done = await store.decide(
        GUILD, queued[0].id, status=ACCEPTED, actor=CURATOR, items=[event], expect_new=True
    )
    assert (done.status, done.item_id, done.decided_by) == (ACCEPTED, event.id, "curator")
    history = await store.history(Kind.EVENT, event.id, GUILD)
    assert history[-1].reason == f"proposal #{queued[0].id} from source {source.id}"
    with pytest.raises(StoreError, match="already accepted by curator"):
        await store.decide(GUILD, queued[0].id, status=REJECTED, actor=CURATOR)

    # source only: the matched item cites the article; twice would be moot
    paris = await store.get_item(Kind.EVENT, "paris-talks", GUILD)
    assert paris is not None
    citing = cited(paris, source.id)
    assert citing is not None and cited(citing, source.id) is None
    await store.decide(GUILD, queued[1].id, status=CITED, actor=CURATOR, items=[citing])
    again = await store.get_item(Kind.EVENT, "paris-talks", GUILD)
    assert again is not None and source.id in again.sources
    assert "paris-talks" in {e.id for e in await store.list_typed(Event, GUILD)}
    assert (await store.review_queue(GUILD))[1] == 0


async def test_a_failed_accept_keeps_the_proposal_pending_and_writes_nothing(
    store: Store, dataset: Dataset
) -> None:
    await store.sync_curated(dataset.items())
    source = source_for(ARTICLE, author="A. Writer", taken=set())
    queued = await store.queue_proposals(GUILD, source, _proposals()[:1], actor=CURATOR)
    clash = next(e for e in dataset.events if e.id == "paris-talks")
    version = await store.data_version()
    with pytest.raises(StoreError, match="already exists"):
        await store.decide(
            GUILD, queued[0].id, status=ACCEPTED, actor=CURATOR, items=[clash], expect_new=True
        )
    assert (await store.queued(GUILD, queued[0].id)).status == PENDING
    assert await store.data_version() == version


def test_the_command_line_dry_run_prints_json_and_stores_nothing(tmp_path: Path) -> None:
    seed = shared_path("seeds", "002_a5eaf409e58e78ae.txt")
    env = {"DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'cli.db'}"}
    done = run_bot(
        "ingest", str(seed), "--dry-run", "--json", "--published", "2025-08-25T12:00-04:00",
        "--timezone", "America/New_York", env=env, cwd=tmp_path,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert out["source"]["timezone"] == "America/New_York"
    # the misnamed official is a problem of the article, not a proposal to change the record
    tai = [c for c in out["conflicts"] if "Katherine Tai" in c["claim"]]
    assert tai and "Jamieson Greer held that post" in tai[0]["record"]
    for p in out["proposals"]:
        assert {"kind", "title", "summary", "evidence"} <= set(p)

    def into_42() -> Any:
        return run_bot(
            "ingest", str(seed), "--guild", "42", "--published", "2025-08-25T12:00-04:00",
            env=env, cwd=tmp_path,
        )  # fmt: skip

    unknown = into_42()  # a server the bot has nothing of: refused, one line
    assert unknown.returncode == 1 and "--guild: the bot knows no server 42" in unknown.stderr

    async def know_42() -> None:
        store = await Store.open(env["DATABASE_URL"])
        try:
            await store.save_guild_config(GuildConfig(guild_id=42))
        finally:
            await store.close()

    asyncio.run(know_42())
    queued = into_42()
    assert queued.returncode == 0, queued.stderr
    assert "queued" in queued.stdout and "for review in server 42" in queued.stdout
    again = into_42()  # the same article again: recognised, nothing queued twice
    assert again.returncode == 1
    assert "this server already has that article" in again.stderr.strip().splitlines()[-1]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["javascript:alert(1)", "--dry-run"], "is not a web address"),
        (["file:///etc/passwd", "--dry-run"], "is not a web address"),
        (["nothing-here.txt", "--dry-run"], "no file at nothing-here.txt"),
        (["article.txt"], "--guild: whose review queue?"),
        (["article.txt", "--dry-run", "--published", "yesterday"], "--published"),
        (["empty.txt", "--dry-run"], "empty"),
    ],
)
def test_bad_input_gets_one_line_and_stores_nothing(
    tmp_path: Path, args: list[str], message: str
) -> None:
    (tmp_path / "article.txt").write_text("A headline\n\n" + "Word " * 60, encoding="utf-8")
    (tmp_path / "empty.txt").write_text("", encoding="utf-8")
    env = {"DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'cli.db'}"}
    done = run_bot("ingest", *args, env=env, cwd=tmp_path)
    assert done.returncode != 0 and done.stdout == ""
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0], done.stderr
