"""Settings: from the environment, with one-line errors that name the setting."""

from __future__ import annotations

import pytest

from bot.config import DEFAULT_DATABASE_URL, ConfigError, load_settings


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: object) -> None:
    for name in (
        "DISCORD_TOKEN",
        "DATABASE_URL",
        "DISCORD_GUILD_ID",
        "LOG_LEVEL",
        "DEFAULT_TIMEZONE",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(str(tmp_path))  # no .env here


def test_defaults() -> None:
    s = load_settings()
    assert s.discord_token is None and s.discord_guild_id is None
    assert s.database_url == DEFAULT_DATABASE_URL and s.database_url.startswith(
        "sqlite+aiosqlite:///"
    )
    assert (s.log_level, s.default_timezone) == ("INFO", "UTC")


def test_values_from_the_environment_and_a_secret_token(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DISCORD_TOKEN", "abc.def.secret")
    monkeypatch.setenv("DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test")
    monkeypatch.setenv("DISCORD_GUILD_ID", "123456789012345678")
    monkeypatch.setenv("LOG_LEVEL", "debug")
    s = load_settings()
    assert s.database_url == "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
    assert s.discord_guild_id == 123456789012345678 and s.log_level == "DEBUG"
    assert s.discord_token is not None and s.discord_token.get_secret_value() == "abc.def.secret"
    assert "abc.def.secret" not in repr(s) and "abc.def.secret" not in str(s.model_dump())


def test_settings_from_a_dotenv_file(monkeypatch: pytest.MonkeyPatch, tmp_path: object) -> None:
    from pathlib import Path

    Path(str(tmp_path), ".env").write_text(
        "DEFAULT_TIMEZONE=Asia/Shanghai\nDISCORD_TOKEN=\n", encoding="utf-8"
    )
    s = load_settings()
    assert s.default_timezone == "Asia/Shanghai" and s.discord_token is None


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        ("DATABASE_URL", "not a url", "DATABASE_URL: not a database URL"),
        ("DATABASE_URL", "mysql://root@localhost/x", "DATABASE_URL: unsupported database 'mysql'"),
        (
            "DATABASE_URL",
            "postgresql+asyncpg:///nohost",
            "DATABASE_URL: a PostgreSQL URL needs a host",
        ),
        (
            "DEFAULT_TIMEZONE",
            "Mars/Olympus",
            "DEFAULT_TIMEZONE: 'Mars/Olympus' is not an IANA time zone",
        ),
        ("DISCORD_GUILD_ID", "abc", "DISCORD_GUILD_ID: "),
        ("LOG_LEVEL", "LOUD", "LOG_LEVEL: "),
    ],
)
def test_bad_values_name_the_setting(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str, expected: str
) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError) as info:
        load_settings()
    message = str(info.value)
    assert message.startswith(expected) and "\n" not in message


def test_the_web_settings_default_to_a_local_address_and_refuse_a_bad_one() -> None:
    plain = load_settings(web_port="", web_base_url="", discord_token="")
    assert plain.web_port is None and plain.web_base_url == "http://127.0.0.1:8080"
    served = load_settings(web_port="8099", web_host="0.0.0.0", web_base_url="")
    assert served.web_base_url == "http://0.0.0.0:8099"
    public = load_settings(web_base_url="https://tradetalks.example/")
    assert public.web_base_url == "https://tradetalks.example"
    with pytest.raises(ConfigError, match="is not a site address"):
        load_settings(web_base_url="javascript:alert(1)")
