"""Feeds remember the last item they skipped and why, for /feed list: an item that could not
be read or handled is skipped alone, and curators see it, instead of the poll failing.

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("feeds") as batch:
        batch.add_column(sa.Column("last_skipped", sa.String(500), nullable=True))
        batch.add_column(sa.Column("last_skipped_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("feeds") as batch:
        batch.drop_column("last_skipped_at")
        batch.drop_column("last_skipped")
