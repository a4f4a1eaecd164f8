"""Which servers this process serves. Discord's sharding decides: a server belongs to shard
`(guild_id >> 22) % shard_count`, and a process serves the shards it was started with
(SHARD_IDS; all of them when unset). `Shards.owns` is the one answer to "is this server
mine", asked by the scheduler, the poster and the feed poller, so a process posts for its
own servers only and no server is posted for twice.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

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
