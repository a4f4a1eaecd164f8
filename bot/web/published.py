"""Whether a server published its view of the record on the site (`/g/<guild_id>/...`).

A server's own additions and corrections are private by default: its view is shown only
once its admins chose to publish it. The flag is kept in the store's key-value meta table
(one row per server that ever chose), so no change to the store's schema is needed; the
server settings model forbids unknown fields, so it cannot carry the flag without one.
"""

from __future__ import annotations

from bot.store import Store

META_PREFIX = "web_published:"
YES = "yes"


def meta_key(guild_id: int) -> str:
    return f"{META_PREFIX}{guild_id}"


async def is_published(store: Store, guild_id: int) -> bool:
    return await store.get_meta(meta_key(guild_id)) == YES


async def set_published(store: Store, guild_id: int, published: bool) -> None:
    """Publish (or withdraw) a server's view; withdrawn takes effect on the next request."""
    await store.set_meta(meta_key(guild_id), YES if published else "no")
