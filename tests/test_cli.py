"""`python -m bot` from the command line, as an operator runs it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import PROJECT_ROOT


def run_bot(
    *args: str, env: dict[str, str] | None = None, cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    base = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DISCORD_TOKEN", "DATABASE_URL", "DISCORD_GUILD_ID"}
    }
    base.update(env or {})
    return run_watched([sys.executable, "-m", "bot", *args], env=base, cwd=cwd or PROJECT_ROOT)


def run_watched(
    command: list[str], *, env: dict[str, str], cwd: Path, stdin: str = "", limit: int = 120
) -> subprocess.CompletedProcess[str]:
    """Run a command to its end, killed after `limit` seconds by coreutils' `timeout` (exit
    124) rather than by subprocess's own timeout, whose polling sleeps trip libfaketime
    (clock_nanosleep with TIMER_ABSTIME fails under FAKETIME_DONT_FAKE_MONOTONIC, as in
    the faketime runs of the suite)."""
    return subprocess.run(
        ["timeout", str(limit), *command],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        cwd=cwd,
        check=False,
    )


def test_without_a_token_it_explains_how_to_get_one(tmp_path: Path) -> None:
    result = run_bot(cwd=tmp_path)
    assert result.returncode != 0
    assert "DISCORD_TOKEN is not set" in result.stderr
    assert "scope=bot+applications.commands" in result.stderr and "permissions=" in result.stderr
    assert ".env" in result.stderr


def test_a_malformed_database_url_gets_one_line(tmp_path: Path) -> None:
    result = run_bot("check-data", env={"DATABASE_URL": "sqlite+aiosqlite://"}, cwd=tmp_path)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: DATABASE_URL: ")


def test_check_data_prints_one_summary_line(tmp_path: Path) -> None:
    result = run_bot("check-data", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.strip().splitlines()
    assert len(lines) == 1
    assert (
        "sources" in lines[0]
        and "events" in lines[0]
        and lines[0].endswith("0 items without a source")
    )


def test_check_data_reports_errors_with_file_item_and_field(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    for f in (PROJECT_ROOT / "data").glob("*.yaml"):
        (data / f.name).write_text(f.read_text(encoding="utf-8"), encoding="utf-8")
    people = (data / "people.yaml").read_text(encoding="utf-8")
    (data / "people.yaml").write_text(
        people.replace("country: China", "country: ", 1), encoding="utf-8"
    )
    result = run_bot("check-data", "--data-dir", str(data), cwd=tmp_path)
    assert result.returncode == 1
    assert "data/people.yaml: person 'li-chenggang': country:" in result.stderr


def test_help_lists_every_command_with_what_it_does(tmp_path: Path) -> None:
    from bot.__main__ import build_parser

    done = run_bot("--help", cwd=tmp_path)
    assert done.returncode == 0
    parser = build_parser()
    commands = next(a for a in parser._actions if a.dest == "command").choices
    assert {"run", "prepare", "cluster", "ingest", "import", "export", "console"} <= set(commands)
    for name in commands:  # each listed with its one-line help, none only in the usage
        assert any(
            line.split()[:1] == [name] and len(line.split()) > 1
            for line in done.stdout.splitlines()
        ), name
    assert "run (default), check-data, console, start, export, import." not in done.stdout
