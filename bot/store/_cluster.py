"""Many processes on one PostgreSQL: start-up work done once, and changes seen at once.

- `startup_lock()`: a session advisory lock (per database schema) held while a process does
  what must happen once however many start together: the curated load and the command-tree
  sync. The others wait, then find it done. Migrations take their own transaction-scoped
  lock (bot.store._engine.migrate). On SQLite (one process) it is an in-process lock.
- `listen()`: a connection of its own LISTENs on `CHANNEL`; every write transaction that
  changes the data NOTIFYs it when it commits (bot.store._cache), so every other process
  looks at the database on its next read instead of after `version_ttl`: a curator's edit
  through one process is what a reader served by another gets next. The periodic check
  stays as the fallback (a listener that lost its connection reconnects, and says so).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from typing import Any

import asyncpg
import sqlalchemy as sa

from bot.store._cache import NOTIFY_CHANNEL as CHANNEL

log = logging.getLogger(__name__)

RECONNECT_AFTER = 5.0


def lock_key(name: str) -> sa.TextClause:
    """An advisory lock id for `name` in this schema (tests and tenants use schemas)."""
    return sa.text(f"hashtext('tradetalks:{name}:' || current_schema())")


class ClusterMixin:
    engine: Any
    _connect_args: dict[str, Any]
    _listener: asyncpg.Connection | None
    _listen_task: asyncio.Task[None] | None
    _local_startup: asyncio.Lock
    changed: asyncio.Event
    """Set when another process's change is announced (tests wait on it)."""

    def _init_cluster(self, connect_args: dict[str, Any] | None) -> None:
        self._connect_args = dict(connect_args or {})
        self._listener = None
        self._listen_task = None
        self._local_startup = asyncio.Lock()
        self.changed = asyncio.Event()

    @property
    def shared(self) -> bool:
        """Can other processes use this database at the same time (PostgreSQL)?"""
        return bool(self.engine.dialect.name == "postgresql")

    @contextlib.asynccontextmanager
    async def startup_lock(self, name: str = "startup") -> AsyncIterator[None]:
        """Held by one process at a time (per database schema)."""
        if not self.shared:
            async with self._local_startup:
                yield
            return
        key = lock_key(name)
        async with self.engine.connect() as conn:
            await conn.execute(sa.select(sa.func.pg_advisory_lock(key)))
            await conn.commit()
            try:
                yield
            finally:
                await conn.execute(sa.select(sa.func.pg_advisory_unlock(key)))
                await conn.commit()

    # -- LISTEN/NOTIFY ---------------------------------------------------------------------------
    def _dsn(self) -> str:
        url = self.engine.url.set(drivername="postgresql")
        return str(url.render_as_string(hide_password=False))

    async def listen(self) -> None:
        """Start listening for other processes' changes (PostgreSQL only; idempotent)."""
        if not self.shared or self._listen_task is not None:
            return
        ready = asyncio.Event()
        self._listen_task = asyncio.create_task(self._keep_listening(ready))
        await ready.wait()

    async def _keep_listening(self, ready: asyncio.Event) -> None:
        settings = self._connect_args.get("server_settings")
        while True:
            lost = asyncio.Event()
            try:
                conn = await asyncpg.connect(self._dsn(), server_settings=settings)
                conn.add_termination_listener(lambda _, lost=lost: lost.set())
                await conn.add_listener(CHANNEL, self._on_notify)
                self._listener = conn
                self._stale()  # whatever happened while not listening
                ready.set()
                await lost.wait()
                log.warning("lost the LISTEN connection; reconnecting (changes by other "
                            "processes show within the periodic check meanwhile)")  # fmt: skip
            except (OSError, asyncpg.PostgresError) as exc:
                log.warning("cannot LISTEN for changes (%s); retrying", exc)
                ready.set()
            await asyncio.sleep(RECONNECT_AFTER)

    def _on_notify(self, _conn: object, _pid: int, _channel: str, _payload: str) -> None:
        self._stale()
        self.changed.set()

    def _stale(self) -> None:
        """Make the next data_version() look at the database."""
        self._checked_at = float("-inf")

    async def stop_listening(self) -> None:
        task, self._listen_task = self._listen_task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        conn, self._listener = self._listener, None
        if conn is not None and not conn.is_closed():
            await conn.close()
