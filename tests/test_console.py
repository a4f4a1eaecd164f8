"""The console end to end: scripts run through the real bot on SimCord, asserting on the text a
reader sees; every REST body the bot sent is checked like in the `world` fixture.

The probe cog (tests/console_cog.py) stands in for one of everything; the lead extends
SCRIPT with every public command once they are merged."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.client import EXTENSIONS
from bot.clock import FixedClock
from bot.config import PROJECT_ROOT
from bot.console.app import run_console
from tests.conftest import NOW, make_settings, shared_path
from tests.discord_spec import check_requests

SHANGHAI = ZoneInfo("Asia/Shanghai")  # NOW (12:00 UTC) is 20:00 there
PROBE = (*EXTENSIONS, "tests.console_cog")

SCRIPT = """\
# a member reads
:commands
/probe card title:Talks resume in Madrid topic:Tariffs and duties count:2
:press Bump
!:press 2
:select 3 green
:complete /probe who name:li
/probe who name:Li Chenggang
/probe announce text:Read this: the truce holds
/probe chart
/probe slow private:true
/probe form
:form headline:Truce extended extra-notes:Both sides agreed
!/probe fail
!/probe card title:x topic:chips
!/probe card title:x topic:tariffs colour:red
!/probeadmin when:now
:as admin
/probeadmin when:after lunch
"""


async def run(tmp_path: Path, script: str) -> tuple[int, str]:
    spec = shared_path("discord-api-spec", "openapi.json")
    problems: list[str] = []
    out = io.StringIO()
    code = await run_console(
        make_settings(tmp_path),
        script=script.splitlines(),
        out=out,
        out_dir=tmp_path / "out",
        zone=SHANGHAI,
        clock=FixedClock(NOW),
        extensions=PROBE,
        inspect=lambda env: problems.extend(check_requests(spec, env.http_requests)),
    )
    assert not problems, "\n".join(problems)
    return code, out.getvalue()


def saved_bytes(path: str) -> bytes:
    return Path(path).read_bytes()


def section(text: str, line: str) -> str:
    """The output of one script line: from its echo to the next echo."""
    start = text.index(line + "\n") + len(line) + 1
    ends = [i for i in (text.find("\nreader> ", start), text.find("\ncurator> ", start)) if i >= 0]
    return text[start : min(ends)] if ends else text[start:]


async def test_a_script_shows_what_a_member_sees(tmp_path: Path) -> None:
    code, text = await run(tmp_path, SCRIPT)
    assert code == 0, text
    assert text.startswith("Local console: the bot on a simulated Discord server")
    assert "  /probe card title:<text> topic:<choice> [count:<whole number>]" in text
    assert "/probeadmin" not in section(text, "reader> :commands")

    card = section(
        text, "reader> /probe card title:Talks resume in Madrid topic:Tariffs and duties count:2"
    )
    assert card.splitlines() == [
        "── TestBot: reply ──",
        "│ # Talks resume in Madrid",
        "│",
        "│ Talks resume Tuesday, 24 November 2026 20:00 (in 3 days).",
        "│",
        "│ Topic: tariffs",
        "│ Count: 2",
        "│",
        "│ — Source: the probe",
        "",
        "[1] Bump   [2] Never (disabled)",
        "[3] menu: Pick a colour (choose 1)",
        "    1. Red",
        "    2. Green — the calm one",
        "    3. Blue",
    ]
    bumped = section(text, "reader> :press Bump")
    assert bumped.startswith("── TestBot: edited its message ──")
    assert "│ Count: 3" in bumped
    assert section(text, "reader> !:press 2") == "error: button 2 (Never) is disabled"
    assert section(text, "reader> :select 3 green").splitlines() == [
        "── TestBot: reply (only visible to you) ──",
        "You picked green.",
    ]
    assert section(text, "reader> :complete /probe who name:li").splitlines() == [
        "  Li Chenggang (person)  (Li Chenggang)",
        "  He Lifeng (person)  (He Lifeng)",
    ]
    assert section(text, "reader> /probe who name:Li Chenggang").splitlines() == [
        "── TestBot: reply ──",
        "Li Chenggang, asked by @reader",
    ]
    assert section(
        text, "reader> /probe announce text:Read this: the truce holds"
    ).splitlines() == [
        "── TestBot: posted in #briefing ──",
        "Announcement: Read this: the truce holds",
        "── TestBot: reply (only visible to you) ──",
        "Posted.",
    ]
    chart = section(text, "reader> /probe chart").splitlines()
    saved = chart[-1].split(": ", 1)[1].split(" (")[0]
    assert chart[-1] == f"attachment probe.png: {saved} (image/png, 13 bytes)"
    assert chart[2] == f"│ image: {saved}"
    assert Path(saved).parent == tmp_path / "out"
    assert saved_bytes(saved) == b"\x89PNG\r\n\x1a\nprobe"
    assert section(text, "reader> /probe slow private:true").splitlines() == [
        "── TestBot: reply (only visible to you) ──",
        "Done thinking.",
        "── TestBot: follow-up ──",
        "And one more thing.",
    ]
    assert section(text, "reader> /probe form").splitlines()[:3] == [
        "form: New headline",
        "  [1] Headline (headline:, short text, required)",
        "  [2] Extra notes (extra-notes:, paragraph, optional)",
    ]
    assert "Saved headline: Truce extended / notes: Both sides agreed" in text
    assert section(text, "reader> !/probe fail").splitlines() == [
        "── TestBot: reply (only visible to you) ──",
        "That did not work; try /probe card instead.",
    ]
    assert section(text, "reader> !/probe card title:x topic:chips") == (
        "error: topic: must be one of tariffs, export-controls (got 'chips')"
    )
    assert section(text, "reader> !/probe card title:x topic:tariffs colour:red").startswith(
        "error: /probe card has no option 'colour'"
    )
    assert section(text, "reader> !/probeadmin when:now") == (
        "error: /probeadmin is not available to reader (member) in #briefing"
        " (Discord hides it; try :as admin)"
    )
    assert section(text, "curator> /probeadmin when:after lunch").splitlines() == [
        "── TestBot: reply ──",
        "Scheduled 'after lunch' for 21:00",
    ]


async def test_a_script_stops_at_the_first_error(tmp_path: Path) -> None:
    code, text = await run(tmp_path, "/probe who name:He Lifeng\n/probe fail\n/probe who name:x\n")
    assert code == 1
    assert text.rstrip().endswith(
        "stopped at script line 2: the bot answered with an error"
        " (prefix the line with ! if that is expected)"
    )
    assert "name:x" not in text

    code, text = await run(tmp_path, "!/probe who name:He Lifeng\n")
    assert code == 1
    assert "error: an error was expected (the line starts with !), but it succeeded" in text

    code, text = await run(tmp_path, "!/probe crash\n")
    assert code == 1, "a crash is never an expected error"
    assert "bot error: RuntimeError: probe exploded (traceback in the log)" in text
    assert "Something went wrong on my side" in text

    code, text = await run(tmp_path, "!/probe silent\n")
    assert code == 1, "a bot that does not answer is never an expected error"
    assert text.rstrip().endswith(
        "error: the bot did not answer (Discord would say 'The application did not respond')\n"
        "stopped at script line 1: the bot did not answer"
    )

    code, text = await run(tmp_path, "/probe card title:x\n")
    assert code == 1
    assert "error: /probe card needs topic:" in text

    code, text = await run(tmp_path, "/probe form\n/probe slow\n!:form headline:late\n")
    assert code == 0, text
    assert "error: no form is open; a command or button opens one" in text


def console(tmp_path: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'cli.db'}",
        "DISCORD_TOKEN": "",
        "TZ": "Asia/Shanghai",
        "PYTHONPATH": str(PROJECT_ROOT),  # for tests.console_cog; out/console lands in tmp_path
    }
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=tmp_path,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_the_command_line_runs_scripts_and_make_run_falls_back_to_the_console(
    tmp_path: Path,
) -> None:
    script = tmp_path / "demo.txt"
    script.write_text("/probe who name:Scott Bessent\n/nope\n:help\n", encoding="utf-8")
    out = tmp_path / "out"
    done = console(
        tmp_path,
        "console",
        "--script",
        str(script),
        "--out",
        str(out),
        "--extension",
        "tests.console_cog",
        "--fresh",
    )
    assert done.returncode == 1, done.stderr
    assert "times in Asia/Shanghai" in done.stdout
    assert "Scott Bessent, asked by @reader" in done.stdout
    assert f"stopped at {script} line 2: unknown command /nope" in done.stdout
    assert ":help" not in done.stdout.split("reader> /nope")[1]
    assert (out / "console.log").exists()
    assert not (tmp_path / "cli.db").exists(), "--fresh leaves DATABASE_URL alone"

    # `make run` without a token: the console, reading its lines from stdin when not a terminal
    started = console(tmp_path, "start", stdin=":as admin\n:quit\n/never-reached\n")
    assert started.returncode == 0, started.stdout + started.stderr
    assert "Local console" in started.stdout
    assert "now typing as curator (admin)" in started.stdout
    assert "never-reached" not in started.stdout
    assert (tmp_path / "out" / "console" / "console.log").exists()
