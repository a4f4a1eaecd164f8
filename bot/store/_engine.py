"""Engine creation and migrations (Alembic, applied at start-up on the store's connection)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import event
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def create_engine(url: str, connect_args: dict[str, Any] | None = None) -> AsyncEngine:
    parsed = make_url(url)
    kwargs: dict[str, Any] = {"connect_args": dict(connect_args or {})}
    if parsed.drivername.startswith("sqlite"):
        database = parsed.database or ""
        if database and database != ":memory:" and not database.startswith("file:"):
            Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        kwargs["connect_args"].setdefault("timeout", 30)
    else:
        kwargs["pool_pre_ping"] = True
    engine = create_async_engine(url, **kwargs)
    if parsed.drivername.startswith("sqlite"):

        @event.listens_for(engine.sync_engine, "connect")
        def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
            cursor = dbapi_conn.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.close()

    return engine


def _alembic_config(connection: Connection) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.attributes["connection"] = connection
    return cfg


def upgrade_sync(connection: Connection) -> None:
    command.upgrade(_alembic_config(connection), "head")


def downgrade_sync(connection: Connection) -> None:
    command.downgrade(_alembic_config(connection), "base")


def current_revision_sync(connection: Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()


def head_revision() -> str | None:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    return ScriptDirectory.from_config(cfg).get_current_head()


async def migrate(engine: AsyncEngine) -> None:
    """Upgrade to the newest schema. On PostgreSQL, processes starting together take turns
    (a transaction-scoped advisory lock per schema): one migrates, the others find it done."""
    async with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            key = sa.text("hashtext('tradetalks:migrate:' || current_schema())")
            await conn.execute(sa.select(sa.func.pg_advisory_xact_lock(key)))
        await conn.run_sync(upgrade_sync)
