"""The review queue: proposals made from ingested articles, each pending until a curator
accepts, edits, rejects or cites it.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "proposals",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("guild_id", sa.BigInteger, nullable=False),
        sa.Column("source_id", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("data", sa.JSON, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(100), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decided_by", sa.String(100), nullable=True),
        sa.Column("reason", sa.String(500), nullable=True),
        sa.Column("item_kind", sa.String(16), nullable=True),
        sa.Column("item_id", sa.String(64), nullable=True),
    )
    op.create_index("ix_proposals_guild_status", "proposals", ["guild_id", "status", "id"])


def downgrade() -> None:
    op.drop_index("ix_proposals_guild_status", table_name="proposals")
    op.drop_table("proposals")
