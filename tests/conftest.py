"""Shared fixtures: a store on every backend the run has (SQLite always; PostgreSQL when
TEST_DATABASE_URL is set, and then it must be reachable), the curated dataset, ../shared."""

from __future__ import annotations

import asyncio
import os
import shutil
import uuid
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import discord
import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import create_async_engine

from bot.client import BriefingBot
from bot.clock import FixedClock
from bot.config import PROJECT_ROOT, Settings, normalise_database_url
from bot.curated import Dataset, load_dataset
from bot.ingest import RecordView
from bot.store import Store
from tests.discord_spec import check_requests
from tests.ingest_helpers import record_view

DATA_DIR = PROJECT_ROOT / "data"
SHARED = PROJECT_ROOT.parent / "shared"
NOW = datetime(2026, 11, 21, 12, 0, tzinfo=UTC)


def shared_path(*parts: str) -> Path:
    """A path under ../shared; skips (saying why) when it is missing, fails in CI."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        message = f"needs {path} (the shared folder beside the checkout), which is missing"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return path


def _backends() -> list[object]:
    pg = os.environ.get("TEST_DATABASE_URL")
    params: list[object] = [pytest.param("sqlite", id="sqlite")]
    if pg:
        params.append(pytest.param(normalise_database_url(pg), id="postgresql"))
    else:
        params.append(
            pytest.param(
                None,
                id="postgresql",
                marks=pytest.mark.skip(reason="TEST_DATABASE_URL is not set (CI sets it)"),
            )
        )
    return params


@pytest.fixture(params=_backends())
async def store_factory(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[object]:
    """Returns an async function that opens (or reopens) a store on one backend."""
    opened: list[Store] = []
    backend = request.param
    schema: str | None = None
    if backend == "sqlite":
        url = f"sqlite+aiosqlite:///{tmp_path / 'test.db'}"
        connect_args: dict[str, object] = {}
    else:
        assert isinstance(backend, str)
        url = backend
        schema = f"t_{uuid.uuid4().hex[:12]}"
        admin = create_async_engine(url)
        async with admin.begin() as conn:  # fails, rather than skips, when unreachable
            await conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
        await admin.dispose()
        connect_args = {"server_settings": {"search_path": schema}}

    async def open_store(clock: FixedClock | None = None) -> Store:
        store = await Store.open(url, clock=clock or FixedClock(NOW), connect_args=connect_args)
        opened.append(store)
        return store

    open_store.url = url  # type: ignore[attr-defined]
    open_store.connect_args = connect_args  # type: ignore[attr-defined]
    yield open_store
    for store in opened:
        await store.close()
    if schema is not None:
        admin = create_async_engine(url)
        async with admin.begin() as conn:
            await conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        await admin.dispose()


@pytest.fixture
async def store(store_factory: object) -> Store:
    return await store_factory()  # type: ignore[operator,no-any-return]


@pytest.fixture(scope="session")
def dataset() -> Dataset:
    return load_dataset(DATA_DIR)


@pytest.fixture
def view(dataset: Dataset) -> RecordView:
    """The record as the ingest engine compares an article with it."""
    return record_view(dataset)


# ---- SimCord: the real discord.py stack against an in-process Discord -----------------------

SPEC_PATH = SHARED / "discord-api-spec" / "openapi.json"


def make_settings(tmp_path: Path, **overrides: object) -> Settings:
    values: dict[str, object] = {
        "database_url": f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}",
        "data_dir": DATA_DIR,
        "discord_token": None,
        "discord_guild_id": None,
        "shard_count": 1,  # SimCord needs the count; Discord recommends it in production
    }
    values.update(overrides)
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(NOW)


@pytest.fixture(scope="session")
def curated_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file with the curated data loaded on the tests' clock, built once a run: a
    bot starting on a copy finds every curated item unchanged, as after a restart, instead
    of loading the whole record again in every test."""
    path = tmp_path_factory.mktemp("curated") / "bot.db"

    async def build() -> None:
        store = await Store.open(f"sqlite+aiosqlite:///{path}", clock=FixedClock(NOW))
        try:
            await store.sync_curated(load_dataset(DATA_DIR).items())
        finally:
            await store.close()

    asyncio.run(build())
    return path


@pytest.fixture
def bot_factory(tmp_path: Path, clock: FixedClock, curated_db: Path) -> Callable[..., BriefingBot]:
    """Builds a BriefingBot on a per-test SQLite file (a copy of the curated database, so
    the bot starts as after a restart); call again for a 'restarted' bot."""
    own = tmp_path / "bot.db"

    def build(**kwargs: Any) -> BriefingBot:
        settings = kwargs.pop("settings", None) or make_settings(tmp_path)
        if not own.exists():
            shutil.copyfile(curated_db, own)
        kwargs.setdefault("clock", clock)
        return BriefingBot(settings, **kwargs)

    return build


@pytest.fixture
def simcord_bot(bot_factory: Callable[..., BriefingBot]) -> BriefingBot:
    return bot_factory()


@dataclass
class World:
    """One server with a channel, an admin (Manage Server) and a plain member."""

    env: Any
    guild: Any
    channel: Any
    admin: Any
    member: Any

    @property
    def bot(self) -> BriefingBot:
        return self.env.bot  # type: ignore[no-any-return]


@pytest.fixture
async def world(simcord_env: Any) -> AsyncIterator[World]:
    """The usual scene; on teardown every REST body the bot sent is checked against
    Discord's API description, its message limits and allowed_mentions."""
    spec = shared_path("discord-api-spec", "openapi.json")
    guild = simcord_env.create_guild("Trade Desk")
    channel = guild.create_text_channel("briefing")
    admins = guild.create_role("Admins", permissions=discord.Permissions(manage_guild=True))
    admin = guild.add_member(simcord_env.create_user("curator"), roles=[admins])
    member = guild.add_member(simcord_env.create_user("reader"))
    yield World(simcord_env, guild, channel, admin, member)
    problems = check_requests(spec, simcord_env.http_requests)
    assert not problems, "requests Discord would refuse or that break the rules:\n" + "\n".join(
        problems
    )
