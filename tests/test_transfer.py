"""Export and import: the round trip gives equal data; a broken directory changes nothing;
the CLI answers in one line on failure."""

from __future__ import annotations

import asyncio
import shutil
from datetime import date
from pathlib import Path

import pytest

from bot.__main__ import main
from bot.clock import FixedClock
from bot.curated import FILES, DataError, Dataset, load_dataset
from bot.curation import Context, EventInput, build_event
from bot.models import Event, Kind, Milestone
from bot.store import Actor, Store
from bot.transfer import apply, collect, export, plan, read
from tests.conftest import DATA_DIR, NOW
from tests.curation_helpers import snapshot

GUILD = 4242
ADMIN = Actor(1, "alice")


async def populated(path: Path) -> Store:
    """A SQLite store with the curated data plus one server's addition, overlay, removal."""
    store = await Store.open(f"sqlite+aiosqlite:///{path}", clock=FixedClock(NOW))
    ds = load_dataset(DATA_DIR)
    await store.sync_curated(ds.items())
    draft = build_event(
        EventInput(
            date="12 May 2025",
            title="Robert'); DROP TABLE items;-- 🇺🇸 محادثات",
            summary="Odd text survives the round trip.",
            people="Bessent, He Lifeng",
            source_url="https://example.com/geneva",
            source_name="Example",
        ),
        Context(people=ds.people, sources=ds.sources),
    )
    await store.save_many(draft.items(), guild_id=GUILD, actor=ADMIN, expect_new=True)
    geneva = next(e for e in ds.events if e.id == "geneva-talks")
    await store.save(
        geneva.model_copy(update={"title": "Geneva (server wording)"}), guild_id=GUILD, actor=ADMIN
    )
    await store.remove(Kind.EVENT, "eu-deal", guild_id=GUILD, actor=ADMIN, reason="off topic")
    return store


async def test_export_then_import_into_an_empty_store_gives_equal_data(
    store: Store, tmp_path: Path
) -> None:
    source = await populated(tmp_path / "source.db")
    try:
        exported = await export(source, tmp_path / "out", GUILD)
        assert sorted(p.name for p in (tmp_path / "out").iterdir()) == sorted(FILES.values())
        ds = read(tmp_path / "out")
        changes = await plan(store, ds, GUILD)
        assert [len(changes.kinds[k].new) for k in FILES] == [
            len(exported.of_kind(k)) for k in FILES
        ]
        await apply(store, changes, GUILD, "out")
        for kind in FILES:
            assert await store.list_items(kind, GUILD) == await source.list_items(kind, GUILD)
        titles = {e.title for e in await store.list_typed(Event, GUILD)}
        assert "Geneva (server wording)" in titles
        assert "Robert'); DROP TABLE items;-- 🇺🇸 محادثات" in titles
        assert "eu-deal" not in {e.id for e in await store.list_typed(Event, GUILD)}

        again = await plan(store, read(tmp_path / "out"), GUILD)
        assert all(not k.new and not k.changed for k in again.kinds.values())
        events = len(exported.of_kind(Kind.EVENT))
        assert f"event: 0 new, 0 changed, {events} unchanged" in again.lines()
    finally:
        await source.close()


async def test_import_as_curated_data_serves_every_server(store: Store, tmp_path: Path) -> None:
    source = await populated(tmp_path / "source.db")
    try:
        await export(source, tmp_path / "out", None)
        await apply(store, await plan(store, read(tmp_path / "out"), None), None, "out")
        for kind in FILES:
            assert await store.list_items(kind, 77) == await source.list_items(kind, None)
        entry = (await store.audit_log())[-1]
        assert entry.actor_name == "import" and entry.reason == "imported from out"
    finally:
        await source.close()


def _break(directory: Path) -> None:
    events = directory / "events.yaml"
    text = events.read_text(encoding="utf-8")
    text = text.replace("topic: tariffs", "topic: weather", 1)
    text = text.replace("- scott-bessent", "- nobody-we-know", 1)
    events.write_text(text, encoding="utf-8")


async def test_importing_a_broken_directory_changes_nothing(store: Store, tmp_path: Path) -> None:
    source = await populated(tmp_path / "source.db")
    try:
        await export(source, tmp_path / "out", GUILD)
    finally:
        await source.close()
    _break(tmp_path / "out")
    before = await snapshot(store)
    with pytest.raises(DataError) as caught:
        read(tmp_path / "out")
    lines = caught.value.errors
    assert any("events.yaml" in e and "topic" in e and "weather" in e for e in lines), lines
    assert any("unknown person 'nobody-we-know'" in e and "people" in e for e in lines), lines
    assert await snapshot(store) == before


async def _make(path: Path) -> None:
    store = await populated(path)
    await store.close()


def _cli_db(tmp_path: Path, name: str) -> str:
    return f"sqlite+aiosqlite:///{tmp_path / name}"


def test_cli_export_dry_run_import_and_refusals(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)  # no .env here
    asyncio.run(_make(tmp_path / "a.db"))
    monkeypatch.setenv("DATABASE_URL", _cli_db(tmp_path, "a.db"))
    assert main(["export", "--guild", str(GUILD), str(tmp_path / "out")]) == 0
    curated = load_dataset(DATA_DIR)
    expected = f"wrote {len(curated.sources) + 1} sources, {len(curated.people)} people"
    assert expected in capsys.readouterr().out  # the curated data plus the server's new source

    monkeypatch.setenv("DATABASE_URL", _cli_db(tmp_path, "b.db"))
    assert main(["import", "--dry-run", str(tmp_path / "out")]) == 0
    out = capsys.readouterr().out
    assert out.startswith("dry run: nothing written")
    events = len(curated.events)
    assert f"event: {events} new, 0 changed, 0 unchanged" in out
    assert main(["import", "--dry-run", str(tmp_path / "out")]) == 0  # still nothing written
    assert f"event: {events} new" in capsys.readouterr().out
    assert main(["import", str(tmp_path / "out")]) == 0
    total = sum(1 for _ in curated.items()) + 1
    assert f"imported {total} new or changed item(s)" in capsys.readouterr().out

    broken = tmp_path / "broken"
    shutil.copytree(tmp_path / "out", broken)
    _break(broken)
    assert main(["import", str(broken)]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("error: ") and "nothing imported" in err
    assert "events.yaml" in err and "topic" in err

    (broken / "people.yaml").unlink()
    assert main(["import", str(broken / "events.yaml")]) == 1
    assert "not a directory" in capsys.readouterr().err

    monkeypatch.setenv("DATABASE_URL", _cli_db(tmp_path, "empty.db"))
    assert main(["export", str(tmp_path / "nothing")]) == 1
    assert "holds no data yet" in capsys.readouterr().err


async def test_exported_milestones_keep_their_zone_and_outcome(
    store: Store, dataset: Dataset, tmp_path: Path
) -> None:
    await store.sync_curated(dataset.items())
    await export(store, tmp_path / "out", None)
    back = read(tmp_path / "out")
    assert back.milestones == [m for m in await store.list_typed(Milestone, None)]
    ds = await collect(store, None)
    assert {e.date.start for e in ds.events} >= {date(2025, 10, 9)}
