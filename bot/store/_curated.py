"""Loading many items at once: the curated data (idempotent; never overwrites an item an
admin has changed; hides what the data no longer has) and bulk inserts for benchmarks and
imports."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from typing import Any, TypeVar

import sqlalchemy as sa

from bot.models import (
    AnyItem,
    AuditAction,
    Kind,
    kind_of,
)
from bot.store import _schema as t
from bot.store._cache import CuratedChange
from bot.store._core import StoreCore
from bot.store._indexing import content_hash, dump, index_fields
from bot.store._types import (
    CURATED,
    CURATED_ACTOR,
    Actor,
    LoadReport,
    StoreError,
    row_model,
)

log = logging.getLogger(__name__)
T = TypeVar("T", bound=AnyItem)


class CuratedLoads(StoreCore):
    """Mixin for Store: curated loads and bulk inserts."""

    async def sync_curated(
        self, items: Iterable[AnyItem], *, retire_missing: bool = True
    ) -> LoadReport:
        """Load curated items idempotently, in one transaction.

        New items are inserted; changed ones updated; unchanged ones left alone. A curated
        row changed by an admin (modified) is never overwritten. Curated rows no longer in
        the data are hidden (kept, restorable), unless modified."""
        report = LoadReport()
        now = self.clock.now()
        seen: set[tuple[str, str]] = set()
        async with self._changing() as conn:
            existing_rows = (
                await conn.execute(
                    sa.select(
                        t.items.c.kind,
                        t.items.c.item_id,
                        t.items.c.curated_hash,
                        t.items.c.modified,
                        t.items.c.removed,
                        t.items.c.removed_reason,
                        t.items.c.version,
                        t.items.c.data,
                    ).where(t.items.c.scope == CURATED)
                )
            ).all()
            existing = {(r.kind, r.item_id): r for r in existing_rows}
            for item in items:
                kind = kind_of(item)
                data = dump(item)
                digest = content_hash(data)
                key = (kind.value, item.id)
                if key in seen:
                    raise StoreError(f"duplicate curated {kind.value} id '{item.id}'")
                seen.add(key)
                row = existing.get(key)
                if row is not None and row.modified:
                    report.kept_modified += 1
                    report.kept_ids.append(f"{kind.value}:{item.id}")
                    continue
                if row is not None and row.curated_hash == digest and not row.removed:
                    report.unchanged += 1
                    continue
                await self._write(
                    conn,
                    item,
                    scope=CURATED,
                    origin="curated",
                    actor=CURATED_ACTOR,
                    now=now,
                    existing=row,
                    modified=False,
                    curated_hash=digest,
                )
                await self._audit(
                    conn,
                    now=now,
                    guild_id=None,
                    actor=CURATED_ACTOR,
                    kind=kind,
                    item_id=item.id,
                    action=AuditAction.IMPORT,
                    before=row.data if row is not None else None,
                    after=data,
                    reason="curated data loaded",
                )
                if row is None:
                    report.inserted += 1
                else:
                    report.updated += 1
            if retire_missing:
                for key, row in existing.items():
                    if key in seen or row.modified or row.removed:
                        continue
                    kind = Kind(row.kind)
                    item = row_model(kind, row.data)
                    fields = index_fields(item)
                    change = CuratedChange(
                        kind,
                        row.item_id,
                        row.data,
                        False,
                        item,
                        True,
                        fields.title,
                        fields.sort_start,
                    )
                    self._note_curated(conn, change)
                    await conn.execute(
                        sa.update(t.items)
                        .where(
                            t.items.c.kind == row.kind,
                            t.items.c.item_id == row.item_id,
                            t.items.c.scope == CURATED,
                        )
                        .values(
                            removed=True,
                            removed_reason="no longer in the curated data",
                            version=row.version + 1,
                            updated_at=now,
                            updated_by=CURATED_ACTOR.name,
                        )
                    )
                    await self._audit(
                        conn,
                        now=now,
                        guild_id=None,
                        actor=CURATED_ACTOR,
                        kind=kind,
                        item_id=row.item_id,
                        action=AuditAction.REMOVE,
                        before=row.data,
                        after=row.data,
                        reason="no longer in the curated data",
                    )
                    report.retired += 1
        return report

    # -- bulk (benchmarks, imports) ------------------------------------------------------------
    async def bulk_insert(
        self, items: Sequence[AnyItem], *, guild_id: int | None, actor: Actor
    ) -> None:
        """Insert many new items in one transaction (no overlays; ids must be new)."""
        now = self.clock.now()
        scope = CURATED if guild_id is None else guild_id
        rows: list[dict[str, Any]] = []
        people: list[dict[str, Any]] = []
        terms: list[dict[str, Any]] = []
        audits: list[dict[str, Any]] = []
        changes: list[CuratedChange] = []
        for item in items:
            kind = kind_of(item)
            fields = index_fields(item)
            data = dump(item)
            key = {"kind": kind.value, "item_id": item.id, "scope": scope}
            rows.append(
                {
                    **key,
                    "origin": "curated" if guild_id is None else "guild",
                    "data": data,
                    "sort_start": fields.sort_start,
                    "sort_end": fields.sort_end,
                    "topic": fields.topic,
                    "title": fields.title,
                    "removed": False,
                    "removed_reason": None,
                    "curated_hash": None,
                    "modified": True,
                    "version": 1,
                    "updated_at": now,
                    "updated_by": actor.name,
                }
            )
            if scope == CURATED:
                changes.append(
                    CuratedChange(
                        kind, item.id, None, False, item, False, fields.title, fields.sort_start
                    )
                )
            people.extend({**key, "person_id": p} for p in sorted(fields.people))
            terms.extend({**key, "term": term} for term in sorted(fields.terms))
            audits.append(
                {
                    "at": now,
                    "guild_id": guild_id,
                    "actor_id": actor.id,
                    "actor_name": actor.name,
                    "kind": kind.value,
                    "item_id": item.id,
                    "action": AuditAction.ADD.value,
                    "before": None,
                    "after": data,
                    "reason": None,
                }
            )
        async with self._changing() as conn:
            for table, batch in (
                (t.items, rows),
                (t.item_people, people),
                (t.item_terms, terms),
            ):
                for start in range(0, len(batch), 5000):
                    chunk = batch[start : start + 5000]
                    if chunk:
                        await conn.execute(sa.insert(table), chunk)
            for change in changes:
                self._note_curated(conn, change)
            await self._insert_audit(conn, audits)
