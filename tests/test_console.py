"""The console end to end: scripts run through the real bot on SimCord, asserting on the text a
reader sees; every REST body the bot sent is checked like in the `world` fixture.

BOT_SCRIPT drives the bot's own cogs: every reader command, buttons and a menu, an editor
adding an event and an admin's digest. The probe cog (tests/console_cog.py) stands in for one
of everything else the console must show (forms, crashes, silence, disabled buttons)."""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
from collections.abc import Iterable, Iterator, Sequence
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.client import EXTENSIONS
from bot.clock import FixedClock
from bot.config import PROJECT_ROOT
from bot.console.app import run_console
from tests.conftest import NOW, make_settings, shared_path
from tests.discord_spec import check_requests
from tests.test_cli import run_watched

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


LATER = re.compile(r"# (\d+) minutes later")


def script_lines(script: str, clock: FixedClock) -> Iterator[str]:
    """The script's lines, read as the console runs them; a comment '# N minutes later' moves
    the clock on before the lines after it run."""
    for line in script.splitlines():
        later = LATER.fullmatch(line.strip())
        if later:
            clock.advance(timedelta(minutes=int(later[1])))
        yield line


async def run(tmp_path: Path, script: str, extensions: Sequence[str] = PROBE) -> tuple[int, str]:
    spec = shared_path("discord-api-spec", "openapi.json")
    problems: list[str] = []
    out = io.StringIO()
    clock = FixedClock(NOW)
    lines: Iterable[str] = script_lines(script, clock)
    code = await run_console(
        make_settings(tmp_path),
        script=lines,
        out=out,
        out_dir=tmp_path / "out",
        zone=SHANGHAI,
        clock=clock,
        extensions=extensions,
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


NEW_EVENT = "US suspends the 50% affiliates rule for a year"
BOT_SCRIPT = f"""\
# a member reads
:commands
/help
/timeline topic:tariffs until:2025-12-31
:press older
:select 3 3
/timeline person:Li Chenggang since:Aug 2025
/who name:Li Chenggang
/tariffs
/countdown
/countdown milestone:Trump-Xi meeting
/sources
:press Next ▶
!/timeline since:yesterday-ish
!/event add date:2025-11-10 title:x summary:y
# an admin sets up the digest, then adds an event
:as admin
/digest setup channel:#briefing time:09:00 timezone:Asia/Shanghai
# 30 minutes later
/event add date:2026-11-20 title:{NEW_EVENT} summary:Commerce pauses for a year the rule \
extending export controls to affiliates of listed firms, as agreed in Busan. \
topic:export-controls people:Li Chenggang source_url:https://example.com/affiliates
!/event add date:2025-02-30 title:Talks summary:Held. source_url:https://example.com/talks
# 30 minutes later
/digest now
/digest status
# the member sees the new event
:as member
/timeline
/who name:Li Chenggang
"""


async def test_a_script_through_the_bots_own_commands(tmp_path: Path) -> None:
    code, text = await run(tmp_path, BOT_SCRIPT, EXTENSIONS)
    assert code == 0, text

    steps = re.split(r"\n(?=(?:reader|curator)> )", text)[1:]
    cursor = 0

    def answer(line: str) -> str:
        """What the next `line` of the script printed (lines may repeat)."""
        nonlocal cursor
        for i in range(cursor, len(steps)):
            echo, _, out = steps[i].partition("\n")
            if echo == line:
                cursor = i + 1
                return out
        raise AssertionError(f"no {line!r} after step {cursor}")

    readers = answer("reader> :commands")
    for usage in (
        "/timeline [query:<text>] [person:<text>] [topic:<choice>] [since:<text>] [until:<text>]",
        "/who name:<text>",
        "/tariffs [as_of:<text>]",
        "/countdown [milestone:<text>]",
        "/sources",
        "/help",
    ):
        assert f"\n  {usage}\n" in readers, usage
    assert "/event" not in readers and "/digest" not in readers

    shown = answer("reader> /help")
    assert shown.startswith("── TestBot: reply (only visible to you) ──\n│ # Trade-talks briefing")
    assert "│   Example: `/who name:bessent`" in shown
    assert "│ /digest now: Post a digest to the digest channel right away" in shown

    first = answer("reader> /timeline topic:tariffs until:2025-12-31")
    assert "│ # Timeline: on tariffs, until 31 Dec 2025" in first
    assert "│ **9–12 Apr 2025** · Tit-for-tat escalation peaks at 145% and 125%" in first
    assert "[1] ◀ Newer (disabled)   [2] Older ▶\n" in first
    older = answer("reader> :press older")
    assert older.startswith("── TestBot: edited its message ──")
    assert '│ **4 Feb 2025** · US puts a 10% "fentanyl" tariff on all Chinese goods' in older
    assert "Tit-for-tat" not in older
    assert "[1] ◀ Newer   [2] Older ▶ (disabled)" in older
    opened = answer("reader> :select 3 3").splitlines()  # third on the older page
    assert opened[:2] == [
        "── TestBot: reply (only visible to you) ──",
        '│ # US puts a 10% "fentanyl" tariff on all Chinese goods',
    ]
    assert "│ When: 4 Feb 2025" in opened and opened[-1] == "│ — Event id: us-fentanyl-tariff-10"

    li_since = answer("reader> /timeline person:Li Chenggang since:Aug 2025")
    assert "│ # Timeline: with Li Chenggang, since 1 Aug 2025" in li_since
    assert "Kuala Lumpur round prepares the Trump-Xi meeting" in li_since
    assert "named China's international trade representative" not in li_since  # April

    who = answer("reader> /who name:Li Chenggang")
    assert "│ # Li Chenggang" in who
    assert "│ Current post: **China International Trade Representative" in who
    assert "│ Latest events: **15–16 Mar 2026** · Bessent and He Lifeng meet in Paris" in who
    assert "│ ⚠️ Sources disagree: **Whom was Li Chenggang due to meet in Washington?**" in who

    tariffs = answer("reader> /tariffs")
    assert "│ # US tariffs on Chinese goods, as of 21 Nov 2026" in tariffs
    assert "│ Peak: **145%** from 10 Apr 2025 to 14 May 2025" in tariffs
    assert "│ Peak: **125%** from 12 Apr 2025 to 14 May 2025" in tariffs
    assert "│ **Across the board: 12.5%** [1][2][3]" in tariffs  # US on Chinese goods, today
    assert "│ **Across the board: 10%**" in tariffs  # China on US goods, today
    assert "│ # US duties on particular Chinese goods, as of 21 Nov 2026" in tariffs
    attachment = tariffs.splitlines()[-1]
    assert attachment.startswith("attachment tariffs.png: ") and "(image/png, " in attachment
    chart = Path(attachment.split(": ", 1)[1].split(" (")[0])
    assert f"│ image: {chart}" in tariffs
    assert chart.parent == tmp_path / "out"
    assert saved_bytes(str(chart)).startswith(b"\x89PNG\r\n\x1a\n")

    countdown = answer("reader> /countdown")
    assert "│ Next: **China's pause on its gallium, germanium and antimony export ban ends**" in (
        countdown
    )
    assert "│ ⏳ G20 leaders' summit (Miami): 14 December 2026 – 15 December 2026" in countdown
    assert "│ ✓ Trump-Xi meeting: 30 October 2025 · Busan, South Korea" in countdown
    assert "│   Passed 11 days ago · outcome not yet recorded" in countdown
    assert "│ ✓ Extended truce expires (Busan deal): Tuesday, 10 November 2026 13:01" in countdown
    meeting = answer("reader> /countdown milestone:Trump-Xi meeting")
    assert "│ # Trump-Xi meeting" in meeting and "│ Where: Busan, South Korea" in meeting
    assert "│ Status: Passed a year ago\n" in meeting  # the outcome once, in its own field
    assert meeting.count("Met in Busan on 30 Oct") == 1 and "│ Outcome: **held**: Met" in meeting

    sources = answer("reader> /sources")
    assert "│ # Sources (5 seed articles, " in sources
    assert "│ — Page 1 of " in sources and "· ⚠️ = known problem" in sources
    assert "│ — Page 2 of " in answer("reader> :press Next ▶")

    assert answer("reader> !/timeline since:yesterday-ish").splitlines() == [
        "── TestBot: reply (only visible to you) ──",
        "`since`: 'yesterday-ish' is not a date I can read; use a date like 2025-10-09,"
        " 9 Oct 2025, Oct 2025 or 2025.",
    ]
    assert answer("reader> !/event add date:2025-11-10 title:x summary:y") == (
        "error: /event add is not available to reader (member) in #briefing"
        " (Discord hides it; try :as admin)"
    )

    # the admin: digest set up (times in Shanghai, where NOW is 20:00), an event added
    assert answer("curator> /digest setup channel:#briefing time:09:00 timezone:Asia/Shanghai") == (
        "── TestBot: reply (only visible to you) ──\n"
        "The digest goes to #briefing: Daily at 09:00 (Asia/Shanghai).\n"
        "Next one: Sunday, 22 November 2026 09:00 (in 13 hours). Countdown alerts: on."
    )
    added = answer("curator> " + next(x for x in BOT_SCRIPT.splitlines() if NEW_EVENT in x))
    assert "to this server's timeline. Readers see:" in added
    assert f"│ # {NEW_EVENT}" in added and "│ People: Li Chenggang" in added
    assert "│ When: 20 Nov 2026" in added and "│ Topic: export-controls" in added
    assert "February 2025 has 28 days" in answer(
        "curator> !/event add date:2025-02-30 title:Talks summary:Held."
        " source_url:https://example.com/talks"
    )
    digest = answer("curator> /digest now")
    assert digest.startswith(
        "── TestBot: reply (only visible to you) ──\n"
        "Posted the digest in #briefing (1 message).\n"
        "── TestBot: posted in #briefing ──\n"
        "│ Trade talks briefing · daily digest for Sat 21 Nov 2026\n"
    )
    assert f"│ Added: **{NEW_EVENT}** (20 Nov 2026)" in digest
    assert "│ **China on US: 10%** across the board" in digest
    assert "│ **Extended truce expires (Busan deal)** — 10 November 2026" in digest
    status = answer("curator> /digest status")
    assert "│ Channel: #briefing" in status
    assert "│ Last digest: Saturday, 21 November 2026 21:00" in status

    # the member now finds it first on the first page (the newest) and under Li Chenggang
    timeline = answer("reader> /timeline")
    assert timeline.index(f"**20 Nov 2026** · {NEW_EVENT}") < timeline.index(
        "**24 Jul 2026** · Section 122 surcharge expires"
    )
    assert f"1. 20 Nov 2026 · {NEW_EVENT} — Commerce pauses" in timeline
    who = answer("reader> /who name:Li Chenggang")
    assert f"│ Latest events: **20 Nov 2026** · {NEW_EVENT} [" in who
    # the new event's source is listed with the others (shortened to fit: every [n] listed)
    assert "example.com, 20 Nov 2026 (inferred)" in who and "more" not in who.split("Sources")[-1]


def console(tmp_path: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'cli.db'}",
        "DISCORD_TOKEN": "",
        "TZ": "Asia/Shanghai",
        "PYTHONPATH": str(PROJECT_ROOT),  # for tests.console_cog; out/console lands in tmp_path
    }
    return run_watched([sys.executable, "-m", "bot", *args], env=env, cwd=tmp_path, stdin=stdin)


def test_the_command_line_runs_scripts_and_make_run_falls_back_to_the_console(
    tmp_path: Path,
) -> None:
    # a good script through the bot's own commands: exit code 0
    good = tmp_path / "good.txt"
    good.write_text(
        "/who name:Li Chenggang\n:as admin\n/event history event:geneva-talks\n", encoding="utf-8"
    )
    good_out = str(tmp_path / "good-out")  # out/console is left for `start` below
    done = console(tmp_path, "console", "--script", str(good), "--out", good_out, "--fresh")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "│ # Li Chenggang" in done.stdout
    assert "History of event `geneva-talks`, newest first:" in done.stdout
    assert "stopped at" not in done.stdout

    # the first error stops the script with exit code 1
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
