"""Curated data: data/*.yaml -> validated models -> store.

Each file holds a YAML list of items of one kind. Loading checks every item on its own
(pydantic) and then the set as a whole: ids unique, every cited source and named person
known, every item with at least one source. Errors name the file, the item and the field.
Loading into the store is idempotent and never overwrites an item an admin has changed.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from bot.models import (
    MODEL_FOR_KIND,
    TOPICS,
    AnyItem,
    Conflict,
    Disputable,
    Event,
    Kind,
    Milestone,
    OutcomeStatus,
    Person,
    Source,
    TariffMeasure,
)
from bot.store import LoadReport, Store

FILES: dict[Kind, str] = {
    Kind.SOURCE: "sources.yaml",
    Kind.CONFLICT: "conflicts.yaml",
    Kind.PERSON: "people.yaml",
    Kind.EVENT: "events.yaml",
    Kind.TARIFF: "tariffs.yaml",
    Kind.MILESTONE: "milestones.yaml",
}


class DataError(Exception):
    """The data files have errors; `errors` lists them, one line each."""

    def __init__(self, errors: list[str]) -> None:
        self.errors = errors
        super().__init__(
            errors[0] if len(errors) == 1 else f"{len(errors)} errors in the data files"
        )


@dataclass
class Dataset:
    sources: list[Source] = field(default_factory=list)
    people: list[Person] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    tariffs: list[TariffMeasure] = field(default_factory=list)
    milestones: list[Milestone] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)

    def of_kind(self, kind: Kind) -> list[Any]:
        lists: dict[Kind, list[Any]] = {
            Kind.SOURCE: self.sources,
            Kind.PERSON: self.people,
            Kind.EVENT: self.events,
            Kind.TARIFF: self.tariffs,
            Kind.MILESTONE: self.milestones,
            Kind.CONFLICT: self.conflicts,
        }
        return lists[kind]

    def items(self) -> Iterator[AnyItem]:
        # Sources first, then conflicts: what cites or names them follows.
        for kind in FILES:
            yield from self.of_kind(kind)

    def disputable(self) -> Iterator[Disputable]:
        """The items that can name conflicts."""
        yield from self.people
        yield from self.events
        yield from self.tariffs
        yield from self.milestones

    def unsourced(self) -> list[str]:
        """Items (or people's posts, or outcomes) that cite no source: must be empty."""
        missing: list[str] = []
        for person in self.people:
            if not person.sources:
                missing.append(f"person {person.id}")
            missing.extend(
                f"person {person.id} post '{p.title}'" for p in person.posts if not p.sources
            )
        for event in self.events:
            if not event.sources:
                missing.append(f"event {event.id}")
        for measure in self.tariffs:
            if not measure.sources:
                missing.append(f"tariff {measure.id}")
        for milestone in self.milestones:
            if not milestone.sources:
                missing.append(f"milestone {milestone.id}")
            if milestone.outcome is not None and not milestone.outcome.sources:
                missing.append(f"milestone {milestone.id} outcome")
        return missing

    def summary(self) -> str:
        counts = ", ".join(
            [
                f"{len(self.sources)} sources",
                f"{len(self.people)} people",
                f"{len(self.events)} events",
                f"{len(self.tariffs)} tariff measures",
                f"{len(self.milestones)} milestones",
                f"{len(self.conflicts)} flagged conflicts",
            ]
        )
        return f"{counts}; {len(self.unsourced())} items without a source"


def _format_loc(loc: tuple[int | str, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out or "(item)"


MAX_DEPTH = 40
"""How deeply a data file may nest (the record needs 4): deeper is refused with its line,
before the composer's recursion can run out of stack."""


class StrictLoader(yaml.SafeLoader):
    """safe_load that refuses a key given twice in one mapping (YAML keeps the last, so a
    second `id:` silently replaced the first) and nesting past MAX_DEPTH."""

    _depth = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                raise yaml.composer.ComposerError(
                    None, None, f"nested more than {MAX_DEPTH} levels deep",
                    self.peek_event().start_mark,  # type: ignore[no-untyped-call]
                )  # fmt: skip
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def construct_mapping(self, node: Any, deep: bool = False) -> Any:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)
            if isinstance(key, str | int | float | bool) and key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"the key '{key}' is given twice in one item",
                    key_node.start_mark,
                )  # fmt: skip
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


def load_yaml(text: str) -> Any:
    return yaml.load(text, Loader=StrictLoader)


def _read_file(path: Path, kind: Kind, errors: list[str]) -> list[AnyItem]:
    label = f"{path.parent.name}/{path.name}"
    try:
        raw = load_yaml(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        errors.append(f"{label}: file missing")
        return []
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" line {mark.line + 1}" if mark is not None else ""
        errors.append(f"{label}:{where} not valid YAML ({getattr(exc, 'problem', exc)})")
        return []
    except ValueError as exc:  # an impossible unquoted date (2025-02-30) fails in PyYAML
        errors.append(f"{label}: not valid YAML ({exc})")
        return []
    if raw is None:
        return []
    if not isinstance(raw, list):
        errors.append(f"{label}: expected a list of {kind.value} items at the top level")
        return []
    model = MODEL_FOR_KIND[kind]
    items: list[AnyItem] = []
    for index, entry in enumerate(raw):
        ident = entry.get("id") if isinstance(entry, dict) else None
        name = f"{kind.value} '{ident}'" if ident else f"{kind.value} #{index + 1}"
        if not isinstance(entry, dict):
            errors.append(f"{label}: {name}: expected a mapping")
            continue
        try:
            items.append(model.model_validate(entry))
        except ValidationError as exc:
            for err in exc.errors():
                msg = str(err["msg"]).removeprefix("Value error, ")
                errors.append(f"{label}: {name}: {_format_loc(err['loc'])}: {msg}")
    return items


def follows_problems(ms: Milestone, milestones: Mapping[str, Milestone]) -> list[str]:
    """What is wrong with a milestone's `follows` link: the earlier deadline must exist, come
    before it, say it was extended, and not lead back round to this one."""
    if ms.follows is None:
        return []
    earlier = milestones.get(ms.follows)
    if earlier is None:
        return [f"unknown milestone '{ms.follows}'"]
    problems = []
    if earlier.at >= ms.at:
        problems.append(f"'{earlier.id}' is not earlier than this milestone")
    if earlier.outcome is None or earlier.outcome.status is not OutcomeStatus.EXTENDED:
        problems.append(f"'{earlier.id}' has no outcome 'extended'")
    seen = {ms.id}
    step: Milestone | None = earlier
    while step is not None and step.follows is not None:
        if step.id in seen:
            problems.append("the chain of follows loops")
            break
        seen.add(step.id)
        step = milestones.get(step.follows)
    return problems


def check_references(ds: Dataset) -> list[str]:
    """Cross-item checks: unique ids, known sources, known people, known topics."""
    errors: list[str] = []
    for kind in FILES:
        counts = Counter(item.id for item in ds.of_kind(kind))
        errors.extend(
            f"data/{FILES[kind]}: {kind.value} '{ident}': id: used {n} times"
            for ident, n in counts.items()
            if n > 1
        )
    source_ids = {s.id for s in ds.sources}
    person_ids = {p.id for p in ds.people}

    def need_sources(where: str, ids: set[str] | list[str], field_name: str) -> None:
        for sid in sorted(set(ids) - source_ids):
            errors.append(f"{where}: {field_name}: unknown source '{sid}'")

    def need_people(where: str, ids: list[str], field_name: str) -> None:
        for pid in ids:
            if pid not in person_ids:
                errors.append(f"{where}: {field_name}: unknown person '{pid}'")

    conflict_ids = {c.id for c in ds.conflicts}
    named: set[str] = set()

    def need_conflicts(where: str, item: Disputable) -> None:
        named.update(item.conflicts)
        for cid in item.conflicts:
            if cid not in conflict_ids:
                errors.append(f"{where}: conflicts: unknown conflict '{cid}'")

    for s in ds.sources:
        need_sources(f"data/sources.yaml: source '{s.id}'", s.retells, "retells")
    for c in ds.conflicts:
        need_sources(f"data/conflicts.yaml: conflict '{c.id}'", c.source_ids(), "sources")
    for p in ds.people:
        where = f"data/people.yaml: person '{p.id}'"
        need_sources(where, p.all_source_ids(), "sources")
        need_people(where, p.aide_to, "aide_to")
        need_conflicts(where, p)
    for e in ds.events:
        where = f"data/events.yaml: event '{e.id}'"
        need_sources(where, e.all_source_ids(), "sources")
        need_people(where, e.people, "people")
        need_people(where, [q.speaker for q in e.quotes], "quotes.speaker")
        if e.topic not in TOPICS:
            errors.append(f"{where}: topic: '{e.topic}' is not one of {', '.join(TOPICS)}")
        need_conflicts(where, e)
    for m in ds.tariffs:
        where = f"data/tariffs.yaml: tariff '{m.id}'"
        need_sources(where, m.all_source_ids(), "sources")
        need_conflicts(where, m)
    milestones = {ms.id: ms for ms in ds.milestones}
    for ms in ds.milestones:
        where = f"data/milestones.yaml: milestone '{ms.id}'"
        need_sources(where, ms.all_source_ids(), "sources")
        need_conflicts(where, ms)
        errors.extend(f"{where}: follows: {e}" for e in follows_problems(ms, milestones))
    errors.extend(
        f"data/conflicts.yaml: conflict '{c.id}': no event, person, tariff or milestone names it"
        for c in ds.conflicts
        if c.id not in named
    )
    return errors


def load_dataset(data_dir: Path) -> Dataset:
    """Read and validate every data file; raise DataError listing all problems."""
    errors: list[str] = []
    ds = Dataset()
    for kind, filename in FILES.items():
        ds.of_kind(kind).extend(_read_file(data_dir / filename, kind, errors))
    errors.extend(check_references(ds))
    errors.extend(f"unsourced: {what}" for what in ds.unsourced())
    if errors:
        raise DataError(errors)
    return ds


async def load_into_store(store: Store, data_dir: Path) -> LoadReport:
    """Validate the curated data and bring the store up to date with it."""
    ds = load_dataset(data_dir)
    return await store.sync_curated(ds.items())


def curated_digest(data_dir: Path) -> str:
    """What the curated load depends on: the YAML files and the code that reads them."""
    digest = hashlib.sha256()
    code = Path(__file__).resolve().parent
    for path in [
        *sorted(data_dir.glob("*.yaml")),
        Path(__file__).resolve(),
        *sorted((code / "models").glob("*.py")),
        *sorted((code / "store").glob("_curated.py")),
    ]:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


CURATED_META = "curated_digest"


async def load_once(store: Store, data_dir: Path) -> LoadReport | None:
    """The start-up load: under the store's start-up lock, and only when the data (or the
    code reading it) changed since the last load by any process; None when already done."""
    digest = curated_digest(data_dir)
    async with store.startup_lock("curated"):
        if await store.get_meta(CURATED_META) == digest:
            return None
        report = await load_into_store(store, data_dir)
        await store.set_meta(CURATED_META, digest)
    return report


def dump_items(items: list[AnyItem]) -> str:
    """YAML in the format of data/ (for export)."""
    payload = [item.model_dump(mode="json", exclude_defaults=True) for item in items]
    return yaml.safe_dump(payload, sort_keys=False, allow_unicode=True, width=100)
