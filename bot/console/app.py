"""`python -m bot console`: the real bot on a simulated Discord server, at a prompt or from a
script. See bot/console/session.py for what counts as an error in a script."""

from __future__ import annotations

import asyncio
import logging
import sys
import tempfile
from collections.abc import AsyncGenerator, Callable, Iterable, Sequence
from datetime import tzinfo
from pathlib import Path
from typing import TextIO

import simcord
from sqlalchemy.engine import make_url

from bot.client import EXTENSIONS, BriefingBot
from bot.clock import Clock
from bot.config import Settings
from bot.console.session import (
    ADMIN_NAME,
    CHANNEL_NAME,
    MEMBER_NAME,
    SERVER_NAME,
    ConsoleSession,
    build_scene,
)

DEFAULT_OUT_DIR = Path("out") / "console"
SETTLE_TIMEOUT = 30.0
"""Seconds the simulation waits for the bot to finish one action (charts render slowly)."""

REAL_DISCORD_HINT = (
    "To connect to a real server: put DISCORD_TOKEN=... in .env (see .env.example),"
    " then `make run`."
)


def local_zone() -> tzinfo:
    """The reader's zone: $TZ when set, else the system's."""
    import tzlocal

    return tzlocal.get_localzone()


def zone_name(zone: tzinfo) -> str:
    return str(getattr(zone, "key", None) or zone)


def banner(settings: Settings, zone: tzinfo, out_dir: Path, script: str | None) -> list[str]:
    database = make_url(settings.database_url).render_as_string(hide_password=True)
    if script is not None:
        return [
            f"Local console: the bot on a simulated Discord server (nothing is sent to Discord);"
            f" running {script}, times in {zone_name(zone)}.",
        ]
    return [
        "Briefing bot: local console. This is a SIMULATION: the real bot answers a simulated",
        "Discord server on this machine; nothing is sent to Discord and no token is needed.",
        f"  Server '{SERVER_NAME}', channel #{CHANNEL_NAME}. You type as {MEMBER_NAME} (a member);",
        f"  ':as admin' types as {ADMIN_NAME} (Manage Server), ':as member' switches back.",
        f"  Data: {database} (what you change here is kept there; --fresh for a throwaway copy)",
        f"  Times in {zone_name(zone)}; files the bot sends are saved under {out_dir}/",
        "  Type / and press Tab for commands, :help for console commands, :quit to leave.",
        REAL_DISCORD_HINT,
        "",
    ]


async def run_console(
    settings: Settings,
    *,
    script: Iterable[str] | None = None,
    script_name: str = "script",
    out: TextIO | None = None,
    out_dir: Path = DEFAULT_OUT_DIR,
    zone: tzinfo | None = None,
    clock: Clock | None = None,
    extensions: Sequence[str] = EXTENSIONS,
    inspect: Callable[[simcord.Env], None] | None = None,
    log_path: Path | None = None,
) -> int:
    """Start the bot under SimCord and run `script` (or a prompt); returns the exit code."""
    out = out or sys.stdout
    zone = zone or local_zone()
    bot = BriefingBot(
        settings, clock=clock, extensions=extensions, sync_commands=False, listen=False
    )
    try:
        async with simcord.run(
            bot, check_errors=False, settle_timeout=SETTLE_TIMEOUT, shard_count=bot.shard_count or 1
        ) as env:
            session = ConsoleSession(
                build_scene(env),
                out=out,
                out_dir=out_dir,
                zone=zone,
                now=bot.clock.now,
                log_path=log_path,
            )
            await session.start()
            for line in banner(
                settings, zone, out_dir, script_name if script is not None else None
            ):
                session.write(line)
            try:
                if script is not None:
                    return await run_script(session, script, script_name)
                session.write(await open_site(bot, settings))
                return await run_prompt(session, out_dir)
            finally:
                if inspect is not None:
                    inspect(env)
    finally:
        if bot._store is not None:
            await bot.store.close()


async def open_site(bot: BriefingBot, settings: Settings) -> str:
    """The record's web site beside the console (on WEB_PORT, else 8080), so a newcomer can
    open it; a line saying where, or why not (the port is taken: the console goes on)."""
    from bot.config import DEFAULT_WEB_PORT

    if bot.web_runner is not None:  # WEB_PORT was set: setup_hook started it
        return f"  The record on the web: {settings.site_url} (also /subscribe)"
    host, port = settings.web_host, settings.web_port or DEFAULT_WEB_PORT
    try:
        address = await bot.start_web(host, port)
    except OSError as exc:
        return (
            f"  (No web site: cannot listen on {host}:{port}: {exc.strerror or exc}; set WEB_PORT)"
        )
    return f"  The record on the web: {address} (open it in a browser; Ctrl-D here stops both)"


async def run_script(session: ConsoleSession, lines: Iterable[str], name: str) -> int:
    """Echo and run each line; stop with exit code 1 at the first failing one."""
    for number, raw in enumerate(lines, start=1):
        text = raw.rstrip("\r\n")
        if not text.strip():
            continue
        session.write(f"{session.actor.name}> {text}")
        outcome = await session.execute(text)
        if outcome.quit:
            break
        if not outcome.ok:
            session.write(f"stopped at {name} line {number}: {outcome.reason}")
            return 1
    return 0


async def run_prompt(session: ConsoleSession, out_dir: Path) -> int:
    from prompt_toolkit import PromptSession
    from prompt_toolkit.completion import CompleteEvent, Completer, Completion
    from prompt_toolkit.document import Document
    from prompt_toolkit.history import FileHistory

    class SlashCompleter(Completer):
        def get_completions(
            self, document: Document, complete_event: CompleteEvent
        ) -> Iterable[Completion]:
            return ()  # everything goes through the async path below

        async def get_completions_async(
            self, document: Document, complete_event: CompleteEvent
        ) -> AsyncGenerator[Completion, None]:
            for suggestion in await session.suggest(document.text_before_cursor):
                yield Completion(
                    suggestion.text,
                    start_position=-suggestion.replace,
                    display=suggestion.display,
                    display_meta=suggestion.meta,
                )

    await asyncio.to_thread(out_dir.mkdir, parents=True, exist_ok=True)
    prompt: PromptSession[str] = PromptSession(
        history=FileHistory(str(out_dir / "history")),
        completer=SlashCompleter(),
        complete_while_typing=True,
    )
    while True:
        try:
            text = await prompt.prompt_async(f"{session.actor.name}> ")
        except KeyboardInterrupt:
            continue
        except EOFError:
            break
        outcome = await session.execute(text)
        if outcome.quit:
            break
    return 0


def setup_file_logging(settings: Settings, out_dir: Path) -> Path:
    """The bot's log goes to a file, so it does not interleave with the answers."""
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / "console.log"
    handler = logging.FileHandler(path, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)-7s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(settings.log_level_number())
    return path


def main(
    settings: Settings,
    *,
    script: str | None,
    out_dir: Path,
    zone: tzinfo | None,
    extra_extensions: Sequence[str] = (),
    fresh: bool = False,
) -> int:
    """Entry point of `python -m bot console`; `script` is a path, '-' for stdin, or None."""
    if fresh:
        with tempfile.TemporaryDirectory(prefix="briefing-console-") as scratch:
            url = f"sqlite+aiosqlite:///{Path(scratch) / 'console.db'}"
            return main(
                settings.model_copy(update={"database_url": url}),
                script=script,
                out_dir=out_dir,
                zone=zone,
                extra_extensions=extra_extensions,
            )
    log_path = setup_file_logging(settings, out_dir)
    lines: Iterable[str] | None = None
    name = "script"
    if script == "-" or (script is None and not sys.stdin.isatty()):
        lines, name = sys.stdin.readlines(), "stdin"
    elif script is not None:
        try:
            lines, name = Path(script).read_text(encoding="utf-8").splitlines(), script
        except OSError as exc:
            print(f"error: cannot read {script}: {exc.strerror}", file=sys.stderr)
            return 2
    return asyncio.run(
        run_console(
            settings,
            script=lines,
            script_name=name,
            out_dir=out_dir,
            zone=zone,
            extensions=(*EXTENSIONS, *extra_extensions),
            log_path=log_path,
        )
    )
