"""Per-server settings (digest channel, zone, editors' role) and the store's key-value meta."""

from __future__ import annotations

import logging
from typing import Any, TypeVar

import sqlalchemy as sa
from pydantic import ValidationError

from bot.models import (
    AnyItem,
    GuildConfig,
)
from bot.store import _schema as t
from bot.store._core import StoreCore

log = logging.getLogger(__name__)
T = TypeVar("T", bound=AnyItem)


class ServerSettings(StoreCore):
    """Mixin for Store: server settings and meta."""

    # -- server settings -----------------------------------------------------------------------
    async def guild_config(self, guild_id: int) -> GuildConfig:
        async with self.engine.connect() as conn:
            row = (
                await conn.execute(
                    sa.select(t.guild_config.c.data).where(t.guild_config.c.guild_id == guild_id)
                )
            ).first()
        if row is None:
            return GuildConfig(guild_id=guild_id)
        return _config(row.data) or GuildConfig(guild_id=guild_id)

    async def guild_configs(self) -> list[GuildConfig]:
        async with self.engine.connect() as conn:
            rows = (
                await conn.execute(
                    sa.select(t.guild_config.c.data).order_by(t.guild_config.c.guild_id)
                )
            ).all()
        return [c for c in (_config(r.data) for r in rows) if c is not None]

    async def known_guilds(self) -> set[int]:
        """Every server the store holds anything of: settings, items, proposals or feeds."""
        out: set[int] = set()
        async with self.engine.connect() as conn:
            for column in (
                t.guild_config.c.guild_id,
                t.items.c.scope,
                t.proposals.c.guild_id,
                t.feeds.c.guild_id,
            ):
                out.update(int(r[0]) for r in await conn.execute(sa.select(column).distinct()))
        out.discard(0)
        return out

    async def save_guild_config(self, config: GuildConfig) -> None:
        now = self.clock.now()
        data = config.model_dump(mode="json")
        async with self.engine.begin() as conn:
            exists = (
                await conn.execute(
                    sa.select(sa.literal(1)).where(t.guild_config.c.guild_id == config.guild_id)
                )
            ).first()
            if exists:
                await conn.execute(
                    sa.update(t.guild_config)
                    .where(t.guild_config.c.guild_id == config.guild_id)
                    .values(data=data, updated_at=now)
                )
            else:
                await conn.execute(
                    sa.insert(t.guild_config).values(
                        guild_id=config.guild_id, data=data, updated_at=now
                    )
                )

    # -- meta ----------------------------------------------------------------------------------
    async def get_meta(self, key: str) -> str | None:
        async with self.engine.connect() as conn:
            return (
                await conn.execute(sa.select(t.meta.c.value).where(t.meta.c.key == key))
            ).scalar_one_or_none()

    async def set_meta(self, key: str, value: str) -> None:
        async with self.engine.begin() as conn:
            updated = await conn.execute(
                sa.update(t.meta).where(t.meta.c.key == key).values(value=value)
            )
            if updated.rowcount == 0:
                await conn.execute(sa.insert(t.meta).values(key=key, value=value))


def _config(data: dict[str, Any]) -> GuildConfig | None:
    """A stored server configuration, or None (logged) when the models no longer accept it
    (a zone stored before zones were checked against tzdata's list): that server's digest
    stops until its admins set it up again; no other server is touched."""
    try:
        return GuildConfig.model_validate(data)
    except ValidationError as exc:
        log.error(
            "settings of server %s are not valid and are ignored: %s",
            data.get("guild_id"),
            exc.errors()[0].get("msg", exc),
        )
        return None
