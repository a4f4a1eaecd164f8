"""Export and import: the store <-> a directory in the format of data/.

An export is a directory with one YAML file per kind (sources.yaml, people.yaml,
events.yaml, tariffs.yaml, milestones.yaml), exactly the layout `data/` uses, holding what
one server's readers see: the curated data with that server's additions and corrections
(or the curated data alone). Removed items are left out. The set is self-contained, so
`bot.curated.load_dataset` checks it like the curated data.

An import reads such a directory, validates ALL of it first (errors name file, item and
field) and refuses the whole directory on any error. Then it writes every new or changed
item in ONE transaction, each with an audit entry ("import"), as curated data or as one
server's additions and overlays. It never deletes: items missing from the files are kept.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from bot.curated import FILES, Dataset, dump_items, load_dataset
from bot.models import AnyItem, AuditAction, Kind
from bot.store import Actor, Store

HEADER = (
    "# Exported by `python -m bot export`{scope}. Same format as data/{name};\n"
    "# `python -m bot import` reads this directory back.\n"
)
IMPORT_ACTOR = Actor(None, "import")


class TransferError(Exception):
    """A refused export or import; str() is one line for the terminal."""


async def collect(store: Store, guild_id: int | None) -> Dataset:
    """What one server (or, with None, every server) sees, as a dataset."""
    ds = Dataset()
    for kind in FILES:
        ds.of_kind(kind).extend(await store.list_items(kind, guild_id))
    return ds


def write_dataset(ds: Dataset, path: Path, guild_id: int | None) -> None:
    if path.exists() and not path.is_dir():
        raise TransferError(f"{path} is a file; give a directory to export into")
    path.mkdir(parents=True, exist_ok=True)
    scope = f" --guild {guild_id}" if guild_id is not None else ""
    for kind, name in FILES.items():
        items: list[AnyItem] = ds.of_kind(kind)
        text = HEADER.format(scope=scope, name=name) + (dump_items(items) if items else "[]\n")
        (path / name).write_text(text, encoding="utf-8")


async def export(store: Store, path: Path, guild_id: int | None) -> Dataset:
    ds = await collect(store, guild_id)
    if not any(True for _ in ds.items()):
        raise TransferError(
            "the database holds no data yet; start the bot once (it loads data/) or import"
        )
    write_dataset(ds, path, guild_id)
    return ds


@dataclass
class KindPlan:
    new: list[AnyItem] = field(default_factory=list)
    changed: list[AnyItem] = field(default_factory=list)
    unchanged: int = 0


@dataclass
class ImportPlan:
    kinds: dict[Kind, KindPlan]

    def writes(self) -> list[AnyItem]:
        """New and changed items, sources first (the order of FILES)."""
        out: list[AnyItem] = []
        for kind in FILES:
            out += self.kinds[kind].new + self.kinds[kind].changed
        return out

    def lines(self) -> list[str]:
        out: list[str] = []
        for kind in FILES:
            k = self.kinds[kind]
            out.append(
                f"{kind.value}: {len(k.new)} new, {len(k.changed)} changed, {k.unchanged} unchanged"
            )
            out += [f"  + {item.id}" for item in k.new]
            out += [f"  ~ {item.id}" for item in k.changed]
        return out


def read(path: Path) -> Dataset:
    """Validate the whole directory (bot.curated's checks); refuse it on any error."""
    if not path.is_dir():
        raise TransferError(
            f"{path} is not a directory; import reads a directory written by export"
        )
    return load_dataset(path)


async def plan(store: Store, ds: Dataset, guild_id: int | None) -> ImportPlan:
    kinds: dict[Kind, KindPlan] = {}
    for kind in FILES:
        k = kinds[kind] = KindPlan()
        for item in ds.of_kind(kind):
            current = await store.get(kind, item.id, guild_id, include_removed=True)
            if current is None:
                k.new.append(item)
            elif current.item != item:
                k.changed.append(item)
            else:
                k.unchanged += 1
    return ImportPlan(kinds)


async def apply(store: Store, import_plan: ImportPlan, guild_id: int | None, source: str) -> int:
    """Write every new and changed item in one transaction; returns how many."""
    items = import_plan.writes()
    if items:
        await store.save_many(
            items,
            guild_id=guild_id,
            actor=IMPORT_ACTOR,
            reason=f"imported from {source}"[:500],
            action=AuditAction.IMPORT,
        )
    return len(items)
