"""`python -m bot [command]`: the bot and its tools.

Every failure ends with one line on stderr and a non-zero exit."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

from bot.cli_data import (
    cmd_check_data,
    cmd_export,
    cmd_import,
    cmd_ingest,
    fail,
    one_line,
)
from bot.config import ConfigError, Settings, load_settings

NO_TOKEN_HELP = """\
DISCORD_TOKEN is not set, so the bot cannot connect to Discord.

To get one:
  1. Open https://discord.com/developers/applications, create an application,
     open its Bot page and reset/copy the token. No privileged intents are needed.
  2. Invite the bot to your server with the scopes bot and applications.commands and the
     permissions View Channel, Send Messages, Embed Links, Attach Files, Read Message History:
       {invite}
     (replace YOUR_APPLICATION_ID with the application's ID from its General Information page).
  3. Put DISCORD_TOKEN=... in .env (copy .env.example) or in the environment,
     optionally DISCORD_GUILD_ID=... for instant command updates in a test server,
     and start the bot again.

To try the bot without Discord first: python -m bot console (make run does this without a token).
"""


def _setup_logging(settings: Settings) -> None:
    logging.basicConfig(
        level=settings.log_level_number(),
        format="%(asctime)s %(levelname)-7s %(name)s: %(message)s",
    )


def cmd_run(settings: Settings) -> int:
    from bot.client import BriefingBot, invite_url
    from bot.sharding import SingleProcess

    if settings.discord_token is None:
        print(NO_TOKEN_HELP.format(invite=invite_url()), file=sys.stderr)
        return 2
    try:
        held = SingleProcess.take(settings.database_url)  # SQLite: one bot process only
    except RuntimeError as exc:
        return fail(str(exc), 1)
    _setup_logging(settings)
    logging.getLogger("bot").info("serving %s", settings.shards.describe())
    bot = BriefingBot(settings)
    bot.single_process = held
    token = settings.discord_token.get_secret_value()
    try:
        bot.run(token, log_handler=None)
    except Exception as exc:  # discord.LoginFailure and friends: one line, no token
        return fail(one_line(exc), 1)
    return 0


def cmd_console(
    settings: Settings,
    script: str | None,
    out_dir: Path | None,
    zone_name: str | None,
    extra_extensions: Sequence[str] = (),
    fresh: bool = False,
) -> int:
    """The bot on a simulated Discord server (SimCord), at a prompt or running a script."""
    try:
        from bot.console.app import DEFAULT_OUT_DIR, main
    except ImportError as exc:
        return fail(
            f"the console needs the 'console' extra ({exc.name} is missing):"
            " pip install -e '.[console]' (make does this)"
        )
    zone = None
    if zone_name:
        from zoneinfo import ZoneInfo

        from bot.bounds import is_zone, zone_error

        if not is_zone(zone_name):
            return fail(f"--tz: {zone_error(zone_name)}")
        zone = ZoneInfo(zone_name)
    return main(
        settings,
        script=script,
        out_dir=out_dir or DEFAULT_OUT_DIR,
        zone=zone,
        extra_extensions=extra_extensions,
        fresh=fresh,
    )


def cmd_web(settings: Settings, host: str | None, port: int | None) -> int:
    """The site alone, in front of DATABASE_URL's store (several such processes can serve
    one PostgreSQL database); needs no Discord token."""
    from bot import metrics
    from bot.clock import SystemClock
    from bot.config import DEFAULT_WEB_PORT
    from bot.curated import DataError, load_once
    from bot.store import Store
    from bot.web import start_site

    host = host or settings.web_host
    port = port or settings.web_port or DEFAULT_WEB_PORT
    if not 1 <= port <= 65535:
        return fail(f"--port: {port} is not a port; give 1-65535")
    _setup_logging(settings)
    registry = metrics.current().registry  # /metrics: the site's own process

    async def serve() -> None:
        store = await Store.open(settings.database_url)
        try:
            await store.listen()  # other processes' edits reach this one at once (PostgreSQL)
            await load_once(store, settings.data_dir)
            runner = await start_site(
                store, SystemClock(), settings, host=host, port=port, metrics=registry
            )
            print(f"web: the record is at http://{host}:{port} (Ctrl-C stops it)", flush=True)
            try:
                await asyncio.Event().wait()
            finally:
                await runner.cleanup()
        finally:
            await store.close()

    try:
        asyncio.run(serve())
    except KeyboardInterrupt:
        return 0
    except DataError as exc:
        return fail(f"the curated data has errors ({exc}); run check-data", 1)
    except OSError as exc:  # the port is taken, the address is not this machine's
        return fail(f"cannot listen on {host}:{port}: {exc.strerror or exc}", 1)
    except Exception as exc:  # the database: one line, not a traceback
        return fail(one_line(exc), 1)
    return 0


def cmd_start(settings: Settings) -> int:
    """`make run`: Discord when a token is configured, else the local console."""
    if settings.discord_token is None:
        return cmd_console(settings, None, None, None)
    print(
        "Connecting to Discord with DISCORD_TOKEN (from the environment or .env)."
        " Ctrl-C stops the bot. To try it locally instead: python -m bot console",
        file=sys.stderr,
    )
    return cmd_run(settings)


def cmd_prepare(settings: Settings) -> int:
    """What must happen once however many processes start: migrations and the curated load
    (each under its lock, so processes started together take turns and do it once)."""
    from bot.curated import DataError, load_once
    from bot.store import Store

    async def go() -> str:
        store = await Store.open(settings.database_url)
        try:
            report = await load_once(store, settings.data_dir)
        finally:
            await store.close()
        if report is None:
            return "prepare: schema current; curated data already loaded"
        return (
            f"prepare: schema current; curated data loaded: {report.inserted} new, "
            f"{report.updated} updated, {report.unchanged} unchanged"
        )

    try:
        print(asyncio.run(go()))
    except DataError as exc:
        return fail(f"the curated data has errors ({exc}); run check-data", 1)
    except Exception as exc:  # the database: one line, not a traceback
        return fail(one_line(exc), 1)
    return 0


def cmd_cluster(settings: Settings, processes: int) -> int:
    from bot.client import invite_url
    from bot.cluster import ClusterError, plan, supervise

    try:
        count, parts = plan(settings, processes)
    except ClusterError as exc:
        return fail(str(exc))
    if settings.discord_token is None:
        print(NO_TOKEN_HELP.format(invite=invite_url()), file=sys.stderr)
        return 2
    _setup_logging(settings)
    if (code := cmd_prepare(settings)) != 0:
        return code
    asyncio.run(supervise(count, parts))
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bot",
        description=__doc__,
        epilog="`python -m bot COMMAND --help` shows a command's options.",
    )
    sub = parser.add_subparsers(dest="command")
    run = sub.add_parser("run", help="connect to Discord and serve (default)")
    run.add_argument("--shard-count", default=None, help="total shards (SHARD_COUNT)")
    run.add_argument("--shard-ids", default=None, help="this process's shards: 0-3 or 0,2,5")
    sub.add_parser("prepare", help="apply migrations and load the curated data once; exit")
    cluster = sub.add_parser("cluster", help="N bot processes on PostgreSQL, shards split")
    cluster.add_argument("--processes", type=int, default=2, help="how many processes (2)")
    check = sub.add_parser("check-data", help="validate data/*.yaml and print a summary line")
    check.add_argument("--data-dir", type=Path, default=None)
    console = sub.add_parser(
        "console", help="try the bot without Discord: a prompt on a simulated server"
    )
    console.add_argument(
        "--script",
        metavar="FILE",
        default=None,
        help="run FILE's lines ('-' for stdin) without a prompt; exit 1 at the first error",
    )
    console.add_argument(
        "--out", type=Path, default=None, help="where files the bot sends are saved (out/console)"
    )
    console.add_argument("--tz", default=None, help="time zone for times (default: local)")
    console.add_argument(
        "--fresh",
        action="store_true",
        help="use a throwaway database instead of DATABASE_URL (nothing is kept)",
    )
    console.add_argument(
        "--extension",
        action="append",
        default=[],
        metavar="MODULE",
        help="also load this cog module (e.g. one under development); repeatable",
    )
    sub.add_parser("start", help="run when DISCORD_TOKEN is set, else console (make run)")
    web = sub.add_parser("web", help="serve the record's web site alone, without Discord")
    web.add_argument("--host", default=None, help="address to listen on (default: WEB_HOST)")
    web.add_argument("--port", type=int, default=None, help="port (default: WEB_PORT, else 8080)")
    exp = sub.add_parser("export", help="write the data one server sees as YAML (data/ format)")
    exp.add_argument("--guild", type=int, default=None, help="server ID (default: curated only)")
    exp.add_argument("path", type=Path, help="directory to write sources.yaml, events.yaml ...")
    imp = sub.add_parser("import", help="validate an exported directory, then load it")
    imp.add_argument("--guild", type=int, default=None, help="as this server's additions")
    imp.add_argument("--dry-run", action="store_true", help="show what would change; write nothing")
    imp.add_argument("path", type=Path, help="a directory written by export")
    ing = sub.add_parser(
        "ingest", help="read an article (a .txt/.html file or a link) and propose what it adds"
    )
    ing.add_argument("source", help="a file path or an http(s) link")
    ing.add_argument("--guild", type=int, default=None, help="the server whose record and queue")
    ing.add_argument("--published", default=None, help="ISO 8601 time, e.g. 2025-08-25T22:38-04:00")
    ing.add_argument("--timezone", default=None, help="IANA zone the article speaks in")
    ing.add_argument("--outlet", default=None, help="the outlet's name (default: the page's)")
    ing.add_argument("--dry-run", action="store_true", help="show the proposals; store nothing")
    ing.add_argument("--json", action="store_true", help="one JSON object on stdout")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    overrides = {
        name: value
        for name in ("shard_count", "shard_ids")
        if (value := getattr(args, name, None)) is not None
    }
    try:
        settings = load_settings(**overrides)
    except ConfigError as exc:
        return fail(str(exc))
    command = args.command or "run"
    if command == "check-data":
        return cmd_check_data(settings, args.data_dir)
    if command == "console":
        return cmd_console(
            settings, args.script, args.out, args.tz, args.extension, fresh=args.fresh
        )
    if command == "start":
        return cmd_start(settings)
    if command == "prepare":
        return cmd_prepare(settings)
    if command == "cluster":
        return cmd_cluster(settings, args.processes)
    if command == "export":
        return cmd_export(settings, args.path, args.guild)
    if command == "import":
        return cmd_import(settings, args.path, args.guild, args.dry_run)
    if command == "ingest":
        return cmd_ingest(settings, args)
    if command == "web":
        return cmd_web(settings, args.host, args.port)
    return cmd_run(settings)


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        sys.exit(130)
    finally:
        asyncio.set_event_loop(None)
