"""Which servers this process serves. Discord's sharding decides: a server belongs to shard
`(guild_id >> 22) % shard_count`, and a process serves the shards it was started with
(SHARD_IDS; all of them when unset). `Shards.owns` is the one answer to "is this server
mine", asked by the scheduler, the poster and the feed poller, so a process posts for its
own servers only and no server is posted for twice.
"""

from __future__ import annotations

import fcntl
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from sqlalchemy.engine import make_url

_PART = re.compile(r"^\s*(\d+)\s*(?:-\s*(\d+)\s*)?$")
SHAPE = "a range like 0-3 or a list like 0,2,5"


def shard_of(guild_id: int, shard_count: int) -> int:
    """The shard a server belongs to (Discord's formula)."""
    return (guild_id >> 22) % shard_count


def parse_shard_ids(text: str) -> tuple[int, ...]:
    """'0-3' -> (0, 1, 2, 3); '0,2,5' -> (0, 2, 5); '0-1,4' too. ValueError on anything else."""
    ids: set[int] = set()
    parts = text.split(",")
    for part in parts:
        match = _PART.match(part)
        if match is None:
            raise ValueError(f"'{text.strip()}' is not {SHAPE}")
        low = int(match.group(1))
        high = int(match.group(2)) if match.group(2) is not None else low
        if high < low:
            raise ValueError(f"'{part.strip()}' runs backwards; write it low-high, e.g. 0-3")
        if high - low > 100_000:
            raise ValueError(f"'{part.strip()}' is too many shards for one process")
        ids.update(range(low, high + 1))
    return tuple(sorted(ids))


def shard_range_text(ids: tuple[int, ...]) -> str:
    """(0, 1, 2, 5) -> '0-2,5'."""
    runs: list[str] = []
    start = prev = None
    for n in ids:
        if prev is not None and n == prev + 1:
            prev = n
            continue
        if start is not None:
            runs.append(f"{start}" if start == prev else f"{start}-{prev}")
        start = prev = n
    if start is not None:
        runs.append(f"{start}" if start == prev else f"{start}-{prev}")
    return ",".join(runs)


@dataclass(frozen=True)
class Shards:
    """The shards of this process: `count` in all (None: Discord recommends, one process
    runs them all) and the `ids` it runs (None: all)."""

    count: int | None = None
    ids: tuple[int, ...] | None = None

    @property
    def all(self) -> bool:
        return self.count is None or self.ids is None or len(self.ids) == self.count

    def owns(self, guild_id: int) -> bool:
        """Is this server this process's to post for?"""
        if self.all:
            return True
        assert self.count is not None and self.ids is not None
        return shard_of(guild_id, self.count) in self.ids

    def share(self) -> float:
        """This process's part of all shards (1.0 when it runs them all)."""
        if self.all:
            return 1.0
        assert self.count is not None and self.ids is not None
        return len(self.ids) / self.count

    def describe(self) -> str:
        if self.count is None:
            return "all shards (as many as Discord recommends)"
        if self.ids is None or self.all:
            return f"all {self.count} shard(s)"
        return f"shard(s) {shard_range_text(self.ids)} of {self.count}"


class SingleProcess:
    """On SQLite, one bot process at a time: an exclusive lock on a file beside the
    database, held for the life of the process (the system drops it when the process ends,
    however it ends). PostgreSQL needs none."""

    def __init__(self, handle: IO[str] | None) -> None:
        self._handle = handle

    @classmethod
    def take(cls, database_url: str) -> SingleProcess:
        url = make_url(database_url)
        if not url.drivername.startswith("sqlite") or url.database in (None, "", ":memory:"):
            return cls(None)
        path = Path(str(url.database)).expanduser().resolve()
        path.parent.mkdir(parents=True, exist_ok=True)
        handle = open(path.with_name(path.name + ".run-lock"), "a+")  # noqa: SIM115 - held
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            raise RuntimeError(
                f"another bot process already serves {path.name}; more than one process "
                "needs PostgreSQL (DATABASE_URL=postgresql+asyncpg://..., see README "
                "'Running at scale')"
            ) from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"{os.getpid()}\n")
        handle.flush()
        return cls(handle)

    def release(self) -> None:
        if self._handle is not None:
            self._handle.close()
            self._handle = None


def split_shards(count: int, processes: int) -> list[tuple[int, ...]]:
    """`count` shards over `processes` processes, as evenly as they go, in order."""
    if not 1 <= processes <= count:
        raise ValueError(f"{processes} process(es) cannot share {count} shard(s)")
    return [tuple(range(i * count // processes, (i + 1) * count // processes))
            for i in range(processes)]  # fmt: skip
