"""Table definitions (SQLAlchemy Core). Migrations in migrations/versions build the same shape;
tests check that the migrated schema and this metadata agree."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa

metadata = sa.MetaData()


class UTCDateTime(sa.TypeDecorator[datetime]):
    """Timezone-aware datetimes on every backend: stored in UTC, read back aware (SQLite
    keeps no offset, so the UTC zone is put back on read)."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the store")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


CURATED_SCOPE = 0
"""`scope` of curated rows, shared by every server; other rows carry their server's id."""


def origin_for(guild_id: int | None, own: Any, visible: Any) -> str:
    """`items.origin` of a saved row: the row's own origin when its scope already has one;
    else curated (no server), a server's overlay of a curated item, or its own addition."""
    if own is not None:
        return str(own.origin)
    if guild_id is None:
        return "curated"
    return "overlay" if visible is not None else "guild"


items = sa.Table(
    "items",
    metadata,
    sa.Column("kind", sa.String(16), primary_key=True),
    sa.Column("item_id", sa.String(64), primary_key=True),
    sa.Column("scope", sa.BigInteger, primary_key=True),
    sa.Column("origin", sa.String(16), nullable=False),  # curated | guild | overlay
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
    sa.Column("updated_at", UTCDateTime(), nullable=False),
    sa.Column("updated_by", sa.String(100), nullable=False),
)
sa.Index(
    "ix_items_kind_scope_sort",
    items.c.kind,
    items.c.scope,
    items.c.sort_start,
    items.c.sort_end,
    items.c.item_id,
)
sa.Index("ix_items_kind_topic", items.c.kind, items.c.topic, items.c.sort_start)
sa.Index("ix_items_kind_title", items.c.kind, items.c.title)

item_people = sa.Table(
    "item_people",
    metadata,
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
sa.Index("ix_item_people_person", item_people.c.person_id, item_people.c.kind, item_people.c.scope)

item_terms = sa.Table(
    "item_terms",
    metadata,
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
sa.Index("ix_item_terms_item", item_terms.c.kind, item_terms.c.item_id, item_terms.c.scope)

audit = sa.Table(
    "audit",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("at", UTCDateTime(), nullable=False),
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
sa.Index("ix_audit_item", audit.c.kind, audit.c.item_id, audit.c.guild_id, audit.c.id)

guild_config = sa.Table(
    "guild_config",
    metadata,
    sa.Column("guild_id", sa.BigInteger, primary_key=True, autoincrement=False),
    sa.Column("data", sa.JSON, nullable=False),
    sa.Column("updated_at", UTCDateTime(), nullable=False),
)

posts = sa.Table(
    "posts",
    metadata,
    sa.Column("guild_id", sa.BigInteger, primary_key=True, autoincrement=False),
    sa.Column("kind", sa.String(32), primary_key=True),
    sa.Column("slot", sa.String(64), primary_key=True),
    sa.Column("status", sa.String(16), nullable=False),  # claimed | sent | skipped | failed
    sa.Column("claimed_at", UTCDateTime(), nullable=False),
    sa.Column("sent_at", UTCDateTime(), nullable=True),
    sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
    sa.Column("message_ids", sa.JSON, nullable=True),
    sa.Column("error", sa.String(500), nullable=True),
)
sa.Index("ix_posts_guild_kind_sent", posts.c.guild_id, posts.c.kind, posts.c.sent_at)

meta = sa.Table(
    "meta",
    metadata,
    sa.Column("key", sa.String(64), primary_key=True),
    sa.Column("value", sa.String(1000), nullable=False),
)

proposals = sa.Table(
    "proposals",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("guild_id", sa.BigInteger, nullable=False),
    sa.Column("source_id", sa.String(64), nullable=False),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("data", sa.JSON, nullable=False),
    sa.Column("status", sa.String(16), nullable=False),  # pending | accepted | rejected | cited
    sa.Column("created_at", UTCDateTime(), nullable=False),
    sa.Column("created_by", sa.String(100), nullable=False),
    sa.Column("decided_at", UTCDateTime(), nullable=True),
    sa.Column("decided_by", sa.String(100), nullable=True),
    sa.Column("reason", sa.String(500), nullable=True),
    sa.Column("item_kind", sa.String(16), nullable=True),
    sa.Column("item_id", sa.String(64), nullable=True),
)
sa.Index("ix_proposals_guild_status", proposals.c.guild_id, proposals.c.status, proposals.c.id)

feeds = sa.Table(
    "feeds",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("guild_id", sa.BigInteger, nullable=False),
    sa.Column("url", sa.String(2000), nullable=False),
    sa.Column("title", sa.String(300), nullable=True),
    sa.Column("channel_id", sa.BigInteger, nullable=True),
    sa.Column("every_minutes", sa.Integer, nullable=False),
    sa.Column("status", sa.String(16), nullable=False),  # active | paused | removed
    sa.Column("paused_reason", sa.String(500), nullable=True),
    sa.Column("paused_at", UTCDateTime(), nullable=True),
    sa.Column("failures", sa.Integer, nullable=False, server_default="0"),
    sa.Column("last_error", sa.String(500), nullable=True),
    sa.Column("etag", sa.String(500), nullable=True),
    sa.Column("last_modified", sa.String(100), nullable=True),
    sa.Column("last_polled_at", UTCDateTime(), nullable=True),
    sa.Column("last_ok_at", UTCDateTime(), nullable=True),
    sa.Column("added_at", UTCDateTime(), nullable=False),
    sa.Column("added_by", sa.String(100), nullable=False),
    sa.Column("last_skipped", sa.String(500), nullable=True),  # an item skipped, and why
    sa.Column("last_skipped_at", UTCDateTime(), nullable=True),
    sa.UniqueConstraint("guild_id", "url", name="uq_feeds_guild_url"),
)

feed_items = sa.Table(
    "feed_items",
    metadata,
    # one row per way of recognising an item: its GUID (per feed), its link, its text
    sa.Column("guild_id", sa.BigInteger, primary_key=True),
    sa.Column("key", sa.String(300), primary_key=True),
    sa.Column("feed_id", sa.Integer, nullable=False),
    sa.Column("item", sa.String(64), nullable=False),  # the first key of the item: groups its keys
    sa.Column("outcome", sa.String(16), nullable=False),  # seen | queued | duplicate | unreadable
    sa.Column("source_id", sa.String(64), nullable=True),
    sa.Column("seen_at", UTCDateTime(), nullable=False),
)
sa.Index("ix_feed_items_feed", feed_items.c.feed_id, feed_items.c.outcome)
