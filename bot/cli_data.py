"""The data commands of `python -m bot`: check-data, export, import and ingest, and the one-line
failure helpers every command shares.

Every failure ends with one line on stderr and a non-zero exit."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from pathlib import Path

from bot.config import Settings


def fail(message: str, code: int = 2) -> int:
    print(f"error: {message}", file=sys.stderr)
    return code


def one_line(exc: BaseException) -> str:
    """A failure the user can cause (the database, a login) as one line, no traceback."""
    from bot.store import StoreError

    if isinstance(exc, StoreError):
        return str(exc)
    return f"{type(exc).__name__}: {exc}"


def cmd_check_data(settings: Settings, data_dir: Path | None) -> int:
    from bot.curated import DataError, load_dataset

    directory = data_dir or settings.data_dir
    try:
        ds = load_dataset(directory)
    except DataError as exc:
        for line in exc.errors:
            print(line, file=sys.stderr)
        return fail(f"{len(exc.errors)} problem(s) in {directory}", 1)
    from bot.coverage import gaps

    missing = gaps(ds.events, ds.milestones, ds.tariffs)
    for gap in missing:
        print(gap.line(), file=sys.stderr)
    if missing:
        return fail(f"{len(missing)} tariff(s) the record names are not in the ledger", 1)
    print(f"check-data: {ds.summary()}")
    return 0


def cmd_export(settings: Settings, path: Path, guild_id: int | None) -> int:
    from bot.store import Store
    from bot.transfer import TransferError, export

    async def go() -> str:
        store = await Store.open(settings.database_url)
        try:
            ds = await export(store, path, guild_id)
        finally:
            await store.close()
        return ds.summary().split(";")[0]

    try:
        counts = asyncio.run(go())
    except (TransferError, OSError) as exc:
        return fail(str(exc), 1)
    except Exception as exc:  # the database: one line, not a traceback
        return fail(one_line(exc), 1)
    print(f"export: wrote {counts} to {path}")
    return 0


def cmd_import(settings: Settings, path: Path, guild_id: int | None, dry_run: bool) -> int:
    from bot.curated import DataError
    from bot.store import Store
    from bot.transfer import TransferError, apply, plan, read

    try:
        ds = read(path)
    except DataError as exc:
        return fail(f"{path}: nothing imported; " + "; ".join(exc.errors), 1)
    except TransferError as exc:
        return fail(str(exc), 1)

    async def go() -> list[str]:
        store = await Store.open(settings.database_url)
        try:
            changes = await plan(store, ds, guild_id)
            if dry_run:
                return ["dry run: nothing written", *changes.lines()]
            written = await apply(store, changes, guild_id, str(path))
            return [f"imported {written} new or changed item(s)", *changes.lines()]
        finally:
            await store.close()

    try:
        lines = asyncio.run(go())
    except Exception as exc:  # the database: one line, not a traceback
        return fail(one_line(exc), 1)
    for line in lines:
        print(line)
    return 0


def cmd_ingest(settings: Settings, args: argparse.Namespace) -> int:
    from bot.curated import DataError, load_into_store
    from bot.fetching import FetchError
    from bot.ingesting import IngestError, as_json, as_text, ingest, parse_published, queue
    from bot.store import Actor, Store, StoreError

    if not args.dry_run and args.guild is None:
        return fail(
            "--guild: whose review queue? give --guild SERVER_ID, or --dry-run to only look"
        )
    try:
        published = (
            parse_published(args.published, args.timezone, name="--published")
            if args.published
            else None
        )
    except IngestError as exc:
        return fail(str(exc))

    async def go() -> str:
        store = await Store.open(settings.database_url)
        try:
            await load_into_store(store, settings.data_dir)  # the record as the bot serves it
            if args.guild is not None and args.guild not in await store.known_guilds():
                raise IngestError(
                    f"--guild: the bot knows no server {args.guild} in DATABASE_URL's database; "
                    "give the id of a server it serves (Discord: right-click the server, "
                    "Copy Server ID)"
                )
            done = await ingest(
                store,
                args.source,
                guild_id=args.guild,
                published=published,
                zone=args.timezone,
                outlet=args.outlet,
                default_zone=settings.default_timezone,
                allow_private=settings.fetch_allow_private,
            )
            queued = 0
            if not args.dry_run:
                _, added = await queue(store, done, args.guild, Actor(None, "command line"))
                queued = len(added)
        finally:
            await store.close()
        if args.json:
            return json.dumps(as_json(done), ensure_ascii=False, indent=2)
        tail = (
            "dry run: nothing stored"
            if args.dry_run
            else f"queued {queued} proposal(s) for review in server {args.guild} (/review)"
        )
        return f"{as_text(done)}\n{tail}"

    try:
        print(asyncio.run(go()))
    except (FetchError, IngestError, StoreError) as exc:
        return fail(str(exc), 1)
    except DataError as exc:
        return fail(f"the curated data has errors ({exc}); run check-data", 1)
    except Exception as exc:  # the database: one line, not a traceback
        return fail(one_line(exc), 1)
    return 0
