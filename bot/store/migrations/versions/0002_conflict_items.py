"""Conflicts become items of their own: every stored item that carried its conflicts inline
(`conflicts: [{id, about, claims, ...}]`) now names them by id, and each inline conflict
becomes a `conflict` row in the same scope (its `about` is its `question`). Curated rows are
marked for reload (the curated data merges disputes that were recorded twice); the curated
load then updates them and hides conflict ids the data no longer has. No schema change.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

CITES = "~cites:"
TERM_MAX = 64
DISPUTABLE = ("person", "event", "tariff", "milestone")

items = sa.table(
    "items",
    sa.column("kind", sa.String),
    sa.column("item_id", sa.String),
    sa.column("scope", sa.BigInteger),
    sa.column("origin", sa.String),
    sa.column("data", sa.JSON),
    sa.column("sort_start", sa.Date),
    sa.column("sort_end", sa.Date),
    sa.column("topic", sa.String),
    sa.column("title", sa.String),
    sa.column("removed", sa.Boolean),
    sa.column("curated_hash", sa.String),
    sa.column("modified", sa.Boolean),
    sa.column("version", sa.Integer),
    sa.column("updated_at", sa.DateTime(timezone=True)),
    sa.column("updated_by", sa.String),
)
item_terms = sa.table(
    "item_terms",
    sa.column("kind", sa.String),
    sa.column("term", sa.String),
    sa.column("item_id", sa.String),
    sa.column("scope", sa.BigInteger),
)


def _conflict(inline: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": inline["id"],
        "question": inline.get("question") or inline["about"],
        "claims": inline["claims"],
    }
    if inline.get("verdict") is not None:
        out["verdict"] = inline["verdict"]
    if inline.get("supported_by"):
        out["supported_by"] = inline["supported_by"]
    return out


def _cited(conflict: dict[str, Any]) -> set[str]:
    return {c["source"] for c in conflict["claims"]} | set(conflict.get("supported_by", []))


def _own_cited(kind: str, data: dict[str, Any]) -> set[str]:
    """What an item cites itself, now that its conflicts' sources belong to the conflicts."""
    ids = set(data.get("sources", []))
    for post in data.get("posts", []) if kind == "person" else []:
        ids.update(post.get("sources", []))
    for quote in data.get("quotes", []) if kind == "event" else []:
        ids.add(quote["source"])
    outcome = data.get("outcome") if kind == "milestone" else None
    if outcome:
        ids.update(outcome.get("sources", []))
    return ids


def _set_cites(bind: sa.Connection, kind: str, item_id: str, scope: int, cited: set[str]) -> None:
    bind.execute(
        sa.delete(item_terms).where(
            item_terms.c.kind == kind,
            item_terms.c.item_id == item_id,
            item_terms.c.scope == scope,
            item_terms.c.term.like("~%"),
        )
    )
    terms = sorted({(CITES + s)[:TERM_MAX] for s in cited})
    if terms:
        bind.execute(
            sa.insert(item_terms),
            [{"kind": kind, "term": t, "item_id": item_id, "scope": scope} for t in terms],
        )


def _rewrite(bind: sa.Connection, row: Any, data: dict[str, Any], cited: set[str]) -> None:
    """Store an item's new data (curated rows reload from the data files) and its citations."""
    bind.execute(
        sa.update(items)
        .where(
            items.c.kind == row.kind,
            items.c.item_id == row.item_id,
            items.c.scope == row.scope,
        )
        .values(data=data, curated_hash=None)
    )
    _set_cites(bind, row.kind, row.item_id, row.scope, cited)


def upgrade() -> None:
    bind = op.get_bind()
    rows = bind.execute(
        sa.select(
            items.c.kind,
            items.c.item_id,
            items.c.scope,
            items.c.origin,
            items.c.data,
            items.c.updated_at,
        ).where(items.c.kind.in_(DISPUTABLE))
    ).all()
    made: set[tuple[str, int]] = {
        (r.item_id, r.scope)
        for r in bind.execute(
            sa.select(items.c.item_id, items.c.scope).where(items.c.kind == "conflict")
        ).all()
    }
    for row in rows:
        data = dict(row.data)
        inline = data.get("conflicts") or []
        if all(isinstance(c, str) for c in inline):
            continue
        ids: list[str] = []
        for entry in inline:
            if isinstance(entry, str):
                ids.append(entry)
                continue
            conflict = _conflict(entry)
            ids.append(conflict["id"])
            if (conflict["id"], row.scope) in made:
                continue
            made.add((conflict["id"], row.scope))
            bind.execute(
                sa.insert(items).values(
                    kind="conflict",
                    item_id=conflict["id"],
                    scope=row.scope,
                    origin="curated" if row.origin == "curated" else "guild",
                    data=conflict,
                    topic="settled" if "verdict" in conflict else "open",
                    title=conflict["question"][:256],
                    removed=False,
                    curated_hash=None,
                    modified=False,
                    version=1,
                    updated_at=row.updated_at,  # as old as the item it came from
                    updated_by="migration 0002",
                )
            )
            _set_cites(bind, "conflict", conflict["id"], row.scope, _cited(conflict))
        data["conflicts"] = list(dict.fromkeys(ids))
        _rewrite(bind, row, data, _own_cited(row.kind, data))


def downgrade() -> None:
    """Put each conflict back inline in the items that name it, and drop the conflict rows."""
    bind = op.get_bind()
    conflicts = {
        (r.item_id, r.scope): dict(r.data)
        for r in bind.execute(
            sa.select(items.c.item_id, items.c.scope, items.c.data).where(
                items.c.kind == "conflict"
            )
        ).all()
    }
    rows = bind.execute(
        sa.select(items.c.kind, items.c.item_id, items.c.scope, items.c.data).where(
            items.c.kind.in_(DISPUTABLE)
        )
    ).all()
    for row in rows:
        data = dict(row.data)
        named = data.get("conflicts") or []
        if not named or not all(isinstance(c, str) for c in named):
            continue
        inline = []
        for cid in named:
            conflict = conflicts.get((cid, row.scope)) or conflicts.get((cid, 0))
            if conflict is None:
                continue
            old = {k: v for k, v in conflict.items() if k != "question"}
            inline.append({"id": cid, "about": conflict["question"], **old})
        data["conflicts"] = inline
        _rewrite(
            bind, row, data, _own_cited(row.kind, data) | {s for c in inline for s in _cited(c)}
        )
    bind.execute(sa.delete(item_terms).where(item_terms.c.kind == "conflict"))
    bind.execute(sa.delete(items).where(items.c.kind == "conflict"))
