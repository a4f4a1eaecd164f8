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


def test_the_site_serves_alone_without_a_token(tmp_path: Path) -> None:
    """`python -m bot web`: the record on the web in a process of its own, no Discord."""
    import socket
    import subprocess
    import sys
    import urllib.request

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'web.db'}",
        "DISCORD_TOKEN": "",
        "WEB_BASE_URL": "",
    }
    proc = subprocess.Popen(
        [sys.executable, "-m", "bot", "web", "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
        cwd=PROJECT_ROOT,
    )
    try:
        assert proc.stdout is not None
        want, said = f"web: the record is at http://127.0.0.1:{port}", []
        while not said or (want not in said[-1] and said[-1] and len(said) < 100):
            said.append(proc.stdout.readline())  # the log's start-up lines come first
        assert want in said[-1], said
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=10) as resp:
            assert resp.status == 200 and resp.read() == b"ready\n"
        with urllib.request.urlopen(
            f"http://127.0.0.1:{port}/events/geneva-talks", timeout=10
        ) as r:
            assert b"Geneva" in r.read()
    finally:
        proc.terminate()
        proc.wait(timeout=20)
