"""`python -m bot cluster --processes N`: N bot processes on one PostgreSQL, Discord's shards
split between them, watched by this one.

It does the once-only start-up work first (migrations and the curated load, as `prepare`),
then starts `python -m bot run --shard-count C --shard-ids ...` for each part of the shards.
A process that exits is reported with its shards and started again after RESTART_AFTER
seconds; meanwhile its servers' posts wait for it (no other process posts for them, and the
ledger's claims keep each post to once when it is back). Ctrl-C or SIGTERM stops them all.
"""

from __future__ import annotations

import asyncio
import logging
import signal
import sys
from collections.abc import Callable
from dataclasses import dataclass

from bot.config import PROJECT_ROOT, Settings
from bot.sharding import shard_range_text, split_shards

log = logging.getLogger(__name__)
RESTART_AFTER = 10.0


class ClusterError(Exception):
    """A cluster that cannot be started; str() is one line."""


@dataclass
class Member:
    ids: tuple[int, ...]
    process: asyncio.subprocess.Process | None = None
    starts: int = 0

    @property
    def label(self) -> str:
        return f"shards {shard_range_text(self.ids)}"


def plan(settings: Settings, processes: int) -> tuple[int, list[tuple[int, ...]]]:
    """The shard count (SHARD_COUNT, else two per process) and each process's part."""
    if not settings.database_url.startswith("postgresql"):
        raise ClusterError(
            "a cluster needs PostgreSQL: set DATABASE_URL=postgresql+asyncpg://user@host/db"
        )
    if processes < 1:
        raise ClusterError("--processes: give at least 1")
    count = settings.shard_count or 2 * processes
    try:
        return count, split_shards(count, processes)
    except ValueError as exc:
        raise ClusterError(f"--processes: {exc}; raise SHARD_COUNT") from None


def bot_command(count: int, ids: tuple[int, ...]) -> list[str]:
    return [sys.executable, "-m", "bot", "run", "--shard-count", str(count),
            "--shard-ids", shard_range_text(ids)]  # fmt: skip


async def supervise(
    count: int,
    parts: list[tuple[int, ...]],
    *,
    stopping: asyncio.Event | None = None,
    command: Callable[[int, tuple[int, ...]], list[str]] = bot_command,
    restart_after: float = RESTART_AFTER,
) -> list[Member]:
    """Run one process per part until `stopping` (by default: SIGINT or SIGTERM)."""
    members = [Member(ids) for ids in parts]
    if stopping is None:
        stopping = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stopping.set)

    async def start(member: Member) -> None:
        member.starts += 1
        argv = command(count, member.ids)
        member.process = await asyncio.create_subprocess_exec(*argv, cwd=PROJECT_ROOT)
        log.info("started the process for %s (pid %d)", member.label, member.process.pid)

    for member in members:
        await start(member)

    async def watch(member: Member) -> None:
        while not stopping.is_set():
            assert member.process is not None
            code = await member.process.wait()
            if stopping.is_set():
                return
            log.warning(
                "the process for %s exited (code %d); its servers' posts wait for it; "
                "starting it again in %.0f s",
                member.label,
                code,
                restart_after,
            )
            try:
                await asyncio.wait_for(stopping.wait(), restart_after)
                return
            except TimeoutError:
                await start(member)

    watchers = [asyncio.create_task(watch(m)) for m in members]
    await stopping.wait()
    for member in members:
        if member.process is not None and member.process.returncode is None:
            member.process.terminate()
    for member in members:
        if member.process is not None:
            await member.process.wait()
    for task in watchers:
        task.cancel()
    return members
