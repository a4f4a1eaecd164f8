"""Initial schema: items (curated, per-server additions and overlays), people and term
indexes, audit trail, server settings, claimed posts, meta.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "items",
        sa.Column("kind", sa.String(16), primary_key=True),
        sa.Column("item_id", sa.String(64), primary_key=True),
        sa.Column("scope", sa.BigInteger, primary_key=True),
        sa.Column("origin", sa.String(16), nullable=False),
        sa.Column("data", sa.JSON, nullable=False),
        sa.Column("sort_start", sa.Date, nullable=True),
        sa.Column("sort_end", sa.Date, nullable=True),
        sa.Column("topic", sa.String(32), nullable=True),
        sa.Column("title", sa.String(256), nullable=False),
        sa.Column("removed", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("removed_reason", sa.String(500), nullable=True),
        sa.Column("curated_hash", sa.String(64), nullable=True),
        sa.Column("modified", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("version", sa.Integer, nullable=False, server_default="1"),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.String(100), nullable=False),
    )
    op.create_index(
        "ix_items_kind_scope_sort", "items", ["kind", "scope", "sort_start", "sort_end", "item_id"]
    )
    op.create_index("ix_items_kind_topic", "items", ["kind", "topic", "sort_start"])
    op.create_index("ix_items_kind_title", "items", ["kind", "title"])

    op.create_table(
        "item_people",
        sa.Column("kind", sa.String(16), primary_key=True),
        sa.Column("item_id", sa.String(64), primary_key=True),
        sa.Column("scope", sa.BigInteger, primary_key=True),
        sa.Column("person_id", sa.String(64), primary_key=True),
        sa.ForeignKeyConstraint(
            ["kind", "item_id", "scope"],
            ["items.kind", "items.item_id", "items.scope"],
            ondelete="CASCADE",
            name="fk_item_people_item",
        ),
    )
    op.create_index("ix_item_people_person", "item_people", ["person_id", "kind", "scope"])

    op.create_table(
        "item_terms",
        sa.Column("kind", sa.String(16), primary_key=True),
        sa.Column("term", sa.String(64), primary_key=True),
        sa.Column("item_id", sa.String(64), primary_key=True),
        sa.Column("scope", sa.BigInteger, primary_key=True),
        sa.ForeignKeyConstraint(
            ["kind", "item_id", "scope"],
            ["items.kind", "items.item_id", "items.scope"],
            ondelete="CASCADE",
            name="fk_item_terms_item",
        ),
    )
    op.create_index("ix_item_terms_item", "item_terms", ["kind", "item_id", "scope"])

    op.create_table(
        "audit",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("guild_id", sa.BigInteger, nullable=True),
        sa.Column("actor_id", sa.BigInteger, nullable=True),
        sa.Column("actor_name", sa.String(100), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("item_id", sa.String(64), nullable=False),
        sa.Column("action", sa.String(16), nullable=False),
        sa.Column("before", sa.JSON, nullable=True),
        sa.Column("after", sa.JSON, nullable=True),
        sa.Column("reason", sa.String(500), nullable=True),
    )
    op.create_index("ix_audit_item", "audit", ["kind", "item_id", "guild_id", "id"])

    op.create_table(
        "guild_config",
        sa.Column("guild_id", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("data", sa.JSON, nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )

    op.create_table(
        "posts",
        sa.Column("guild_id", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("kind", sa.String(32), primary_key=True),
        sa.Column("slot", sa.String(64), primary_key=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
        sa.Column("message_ids", sa.JSON, nullable=True),
        sa.Column("error", sa.String(500), nullable=True),
    )
    op.create_index("ix_posts_guild_kind_sent", "posts", ["guild_id", "kind", "sent_at"])

    op.create_table(
        "meta",
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("value", sa.String(1000), nullable=False),
    )


def downgrade() -> None:
    for table in ("meta", "posts", "guild_config", "audit", "item_terms", "item_people", "items"):
        op.drop_table(table)
