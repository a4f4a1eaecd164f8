"""Settings from the environment and `.env`. Built in main, never at import time."""

from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import Literal

from pydantic import (
    Field,
    PrivateAttr,
    SecretStr,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from bot.bounds import is_zone, zone_error
from bot.sharding import Shards, parse_shard_ids, shard_range_text

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA_DIR = PROJECT_ROOT / "data"
DEFAULT_DATABASE_URL = f"sqlite+aiosqlite:///{DEFAULT_DATA_DIR / 'briefing.db'}"
DEFAULT_WEB_PORT = 8080
"""Where the console and `python -m bot web` serve the site when WEB_PORT is not set."""

_DRIVERS = {
    "sqlite": "sqlite+aiosqlite",
    "sqlite+aiosqlite": "sqlite+aiosqlite",
    "postgresql": "postgresql+asyncpg",
    "postgres": "postgresql+asyncpg",
    "postgresql+asyncpg": "postgresql+asyncpg",
}


class ConfigError(Exception):
    """A setting that is missing or malformed; str() is one line naming the setting."""


def normalise_database_url(value: str) -> str:
    """Accept sqlite:// and postgresql:// too, and pick the async driver for them."""
    value = value.strip()
    try:
        url = make_url(value)
    except ArgumentError:
        raise ValueError(
            "not a database URL; use sqlite+aiosqlite:///path/to/file.db "
            "or postgresql+asyncpg://user@host:5432/dbname"
        ) from None
    driver = _DRIVERS.get(url.drivername)
    if driver is None:
        raise ValueError(
            f"unsupported database '{url.drivername}'; use sqlite+aiosqlite:// or postgresql+asyncpg://"
        )
    if driver.startswith("sqlite") and not url.database:
        raise ValueError(
            "a SQLite URL needs a file path, e.g. sqlite+aiosqlite:///data/briefing.db"
        )
    if driver.startswith("postgresql") and not url.host and not url.query.get("host"):
        raise ValueError(
            "a PostgreSQL URL needs a host, e.g. postgresql+asyncpg://user@127.0.0.1/db"
        )
    return url.set(drivername=driver).render_as_string(hide_password=False)


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", extra="ignore", case_sensitive=False
    )

    _site_given: bool = PrivateAttr(default=False)
    discord_token: SecretStr | None = Field(default=None)
    database_url: str = DEFAULT_DATABASE_URL
    discord_guild_id: int | None = None
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"] = "INFO"
    default_timezone: str = "UTC"
    data_dir: Path = DEFAULT_DATA_DIR
    fetch_allow_private: bool = False  # fetching may reach private addresses: tests/demos only
    feed_pause_after: int = Field(default=3, ge=1, le=50)  # failed polls in a row that pause a feed
    feed_items_per_poll: int = Field(default=50, ge=1, le=500)  # newest items taken per poll
    shard_count: int | None = Field(default=None, ge=1, le=65536)  # None: Discord recommends
    shard_ids: str | None = None  # the shards this process runs: "0-3" or "0,2,5"; None: all
    post_rate: float = Field(default=45.0, gt=0, le=50)  # posts/s for ALL processes together
    web_port: int | None = Field(default=None, ge=1, le=65535)  # None: no web site
    web_host: str = "127.0.0.1"
    web_base_url: str = ""  # the site's public address; "" means http://WEB_HOST:WEB_PORT

    @field_validator("discord_token", mode="before")
    @classmethod
    def _blank_token_is_none(cls, value: object) -> object:
        if isinstance(value, str) and not value.strip():
            return None
        return value

    @field_validator(
        "database_url",
        "default_timezone",
        "log_level",
        "fetch_allow_private",
        "web_host",
        mode="before",
    )
    @classmethod
    def _blank_is_default(cls, value: object, info: ValidationInfo) -> object:
        if isinstance(value, str) and not value.strip():
            default = cls.model_fields[info.field_name or ""].default
            return default
        return value

    @field_validator("discord_guild_id", mode="before")
    @classmethod
    def _blank_guild_is_none(cls, value: object) -> object:
        if isinstance(value, str) and not value.strip():
            return None
        return value

    @field_validator("discord_guild_id")
    @classmethod
    def _snowflake(cls, value: int | None) -> int | None:
        if value is not None and value <= 0:
            raise ValueError("must be a server ID (a positive number; copy it from Discord)")
        return value

    @field_validator("log_level", mode="before")
    @classmethod
    def _upper(cls, value: object) -> object:
        return value.strip().upper() if isinstance(value, str) else value

    @field_validator("database_url")
    @classmethod
    def _url(cls, value: str) -> str:
        return normalise_database_url(value)

    @field_validator("default_timezone")
    @classmethod
    def _zone(cls, value: str) -> str:
        if not is_zone(value):
            raise ValueError(zone_error(value))
        return value

    @field_validator("web_base_url")
    @classmethod
    def _site_url(cls, value: str) -> str:
        value = value.strip().rstrip("/")
        if value and not re.match(r"^https?://[^\s/?#]+(?:/[^\s?#]*)?$", value):
            raise ValueError(
                f"'{value[:80]}' is not a site address: give http(s)://host[/path], "
                "e.g. https://tradetalks.example"
            )
        return value

    @model_validator(mode="after")
    def _default_site_url(self) -> Settings:
        """Without WEB_BASE_URL, the site's links point at where it listens."""
        self._site_given = bool(self.web_base_url) or self.web_port is not None
        if not self.web_base_url:
            self.web_base_url = f"http://{self.web_host}:{self.web_port or DEFAULT_WEB_PORT}"
        return self

    @property
    def site_url(self) -> str | None:
        """The site's public address when this deployment has a site (WEB_PORT here, or
        WEB_BASE_URL for a site served by another process); None when it has none, and
        answers in Discord then carry no links to it."""
        return self.web_base_url if self._site_given else None

    @field_validator("shard_count", "shard_ids", "web_port", mode="before")
    @classmethod
    def _blank_shard_is_none(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("shard_ids")
    @classmethod
    def _shard_ids(cls, value: str | None, info: ValidationInfo) -> str | None:
        if value is None:
            return None
        ids = parse_shard_ids(value)  # ValueError: not a range or a list
        count = info.data.get("shard_count")
        if count is None:
            raise ValueError("needs SHARD_COUNT too (the total number of shards)")
        outside = [n for n in ids if n >= count]
        if outside:
            raise ValueError(
                f"shard {outside[0]} is outside SHARD_COUNT={count} (ids run from 0 to {count - 1})"
            )
        url = str(info.data.get("database_url", ""))
        if len(ids) < count and url.startswith("sqlite"):
            raise ValueError(
                "a subset of the shards means more than one process, and shards across "
                "processes need PostgreSQL: set DATABASE_URL=postgresql+asyncpg://..."
            )
        return shard_range_text(ids)

    @property
    def shards(self) -> Shards:
        ids = parse_shard_ids(self.shard_ids) if self.shard_ids else None
        return Shards(self.shard_count, ids)

    def log_level_number(self) -> int:
        return logging.getLevelNamesMapping()[self.log_level]


def load_settings(**overrides: object) -> Settings:
    """Build Settings; a bad value raises ConfigError with one line naming the setting."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        err = exc.errors()[0]
        name = str(err["loc"][0]).upper() if err["loc"] else "settings"
        message = str(err["msg"]).removeprefix("Value error, ")
        raise ConfigError(f"{name}: {message}") from None
