"""News feeds a server follows, and every item seen in them (by GUID, link and text), so an
item becomes proposals once.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "feeds",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("guild_id", sa.BigInteger, nullable=False),
        sa.Column("url", sa.String(2000), nullable=False),
        sa.Column("title", sa.String(300), nullable=True),
        sa.Column("channel_id", sa.BigInteger, nullable=True),
        sa.Column("every_minutes", sa.Integer, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("paused_reason", sa.String(500), nullable=True),
        sa.Column("paused_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("failures", sa.Integer, nullable=False, server_default="0"),
        sa.Column("last_error", sa.String(500), nullable=True),
        sa.Column("etag", sa.String(500), nullable=True),
        sa.Column("last_modified", sa.String(100), nullable=True),
        sa.Column("last_polled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_ok_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("added_by", sa.String(100), nullable=False),
        sa.UniqueConstraint("guild_id", "url", name="uq_feeds_guild_url"),
    )
    op.create_table(
        "feed_items",
        sa.Column("guild_id", sa.BigInteger, primary_key=True),
        sa.Column("key", sa.String(300), primary_key=True),
        sa.Column("feed_id", sa.Integer, nullable=False),
        sa.Column("item", sa.String(64), nullable=False),
        sa.Column("outcome", sa.String(16), nullable=False),
        sa.Column("source_id", sa.String(64), nullable=True),
        sa.Column("seen_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_feed_items_feed", "feed_items", ["feed_id", "outcome"])


def downgrade() -> None:
    op.drop_index("ix_feed_items_feed", table_name="feed_items")
    op.drop_table("feed_items")
    op.drop_table("feeds")
