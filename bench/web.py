"""Benchmark: the record's web site (bot.web) under 50 concurrent clients, against aiohttp
serving a static file of the same size in the same run.

    python -m bench.web                      # 10,000 and 100,000 events; load at 10,000
    python -m bench.web --sizes 10000 --seconds 2

The site runs in a process of its own (spawned), on 127.0.0.1, over a temporary SQLite
store: the curated data plus N synthetic events (bench.__main__.synthetic_events, through
Store.bulk_insert), on a fixed clock (2026-11-21 12:00 UTC). Beside it, in the same server
process and event loop, a second aiohttp app serves plain files (`add_static`, sendfile) of
exactly the size of each page's body: the baseline. The clients are one aiohttp
ClientSession in this process (50 keep-alive connections, 50 tasks each asking again as soon
as it has its answer), so the two processes share the machine's cores as a site and its
visitors would not; both rows pay the same client cost.

Per page: 1 s of warm-up for the page and its static twin, then `--rounds` rounds of
`--seconds` each for both, in alternating order (drift on a shared machine falls on both).
Reported: requests per second, p50 and p99 latency, and the server process's CPU time per
request, each as a ratio to the static twin (rps ratio: page/static, higher is better; p99
and CPU ratios: page/static, lower is better). Target: cached pages within 1.5x of static.

Cold: the first request after a data change. Before each timed request the server saves a
curated person again through the store (untimed), so the data version moves on: the record
snapshot is read again from the store and the page rendered again. One request at a time,
median and worst of `--cold-repeat` for each page, at each size.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import multiprocessing
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from multiprocessing.connection import Connection
from pathlib import Path

import aiohttp
from aiohttp import web

NOW = datetime(2026, 11, 21, 12, 0, tzinfo=UTC)
CLIENTS = 50
EVENT_ID = "us-fentanyl-tariff-10"
PAGES: tuple[tuple[str, str], ...] = (
    ("home", "/"),
    ("timeline", "/timeline"),
    ("event", f"/events/{EVENT_ID}"),
    ("tariffs", "/tariffs?as_of=2025-04-12"),
    ("tariffs.png", "/tariffs.png?as_of=2025-04-12"),
    ("calendar.ics", "/calendar.ics"),
)
CHUNK = 20_000


# ---------------------------------------------------------------------------------------
# The server process
# ---------------------------------------------------------------------------------------


def serve(url: str, files: str, conn: Connection) -> None:
    """Runs in the spawned process: the site and the static twin, until terminated."""
    logging.basicConfig(level=logging.WARNING)
    asyncio.run(_serve(url, Path(files), conn))


async def _serve(url: str, files: Path, conn: Connection) -> None:
    from bot.clock import FixedClock
    from bot.models import Person
    from bot.store import Actor, Store
    from bot.web import WebSettings, make_app

    clock = FixedClock(NOW)
    store = await Store.open(url, clock=clock)
    person = next(p for p in await store.list_typed(Person, None) if p.id == "sean-stein")

    async def cpu(_: web.Request) -> web.Response:
        return web.json_response({"cpu": time.process_time()})

    async def change(_: web.Request) -> web.Response:
        before = await store.data_version()
        await store.save(person, guild_id=None, actor=Actor(None, "bench"), reason="bench")
        return web.json_response({"before": before, "after": await store.data_version()})

    kept: dict[str, bytes] = {}

    async def in_memory(request: web.Request) -> web.Response:
        name = request.match_info["name"]
        if name not in kept:
            kept[name] = (files / name).read_bytes()
        return web.Response(body=kept[name], content_type="application/octet-stream")

    site = make_app(store, clock, WebSettings("http://127.0.0.1"))
    static = web.Application()
    static.router.add_static("/files", files)
    static.router.add_get("/bytes/{name}", in_memory)
    static.router.add_get("/_cpu", cpu)
    static.router.add_get("/_change", change)
    ports = []
    for app in (site, static):
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        tcp = web.TCPSite(runner, "127.0.0.1", 0, backlog=1024)
        await tcp.start()
        ports.append(runner.addresses[0][1])
    conn.send(ports)
    await asyncio.Event().wait()


class Server:
    """The spawned site process and its two addresses."""

    def __init__(self, url: str, files: Path) -> None:
        ctx = multiprocessing.get_context("spawn")
        parent, child = ctx.Pipe()
        self.process = ctx.Process(target=serve, args=(url, str(files), child), daemon=True)
        self.process.start()
        if not parent.poll(120):
            raise RuntimeError("the site process did not start")
        site, static = parent.recv()
        self.site = f"http://127.0.0.1:{site}"
        self.static = f"http://127.0.0.1:{static}"

    def stop(self) -> None:
        self.process.terminate()
        self.process.join(10)


# ---------------------------------------------------------------------------------------
# Stores
# ---------------------------------------------------------------------------------------


async def build_store(path: Path, n: int) -> float:
    """The curated data and `n` synthetic events in a new SQLite file; seconds taken."""
    from bench.__main__ import DATA_DIR, synthetic_events
    from bot.clock import FixedClock
    from bot.curated import load_into_store
    from bot.store import Actor, Store

    started = time.perf_counter()
    store = await Store.open(f"sqlite+aiosqlite:///{path}", clock=FixedClock(NOW))
    try:
        await load_into_store(store, DATA_DIR)
        events = synthetic_events(n)
        for i in range(0, n, CHUNK):
            await store.bulk_insert(events[i : i + CHUNK], guild_id=None, actor=Actor(None, "b"))
    finally:
        await store.close()
    return time.perf_counter() - started


# ---------------------------------------------------------------------------------------
# Measuring
# ---------------------------------------------------------------------------------------


@dataclass
class Load:
    requests: int
    wall: float
    latencies: list[float]
    cpu: float
    """Server process CPU seconds over the run."""

    @property
    def rps(self) -> float:
        return self.requests / self.wall

    def pct(self, q: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))]

    @property
    def cpu_per_request(self) -> float:
        return self.cpu / self.requests

    def __add__(self, other: Load) -> Load:
        return Load(
            self.requests + other.requests,
            self.wall + other.wall,
            self.latencies + other.latencies,
            self.cpu + other.cpu,
        )


async def server_cpu(session: aiohttp.ClientSession, server: Server) -> float:
    async with session.get(f"{server.static}/_cpu") as response:
        return float((await response.json())["cpu"])


async def hammer(session: aiohttp.ClientSession, server: Server, url: str, seconds: float) -> Load:
    """CLIENTS tasks asking for `url` back to back for `seconds`."""
    latencies: list[float] = []
    stop = time.perf_counter() + seconds

    async def client() -> None:
        while time.perf_counter() < stop:
            started = time.perf_counter()
            async with session.get(url) as response:
                await response.read()
                if response.status != 200:
                    raise RuntimeError(f"{url}: HTTP {response.status}")
            latencies.append(time.perf_counter() - started)

    cpu = await server_cpu(session, server)
    began = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(CLIENTS)))
    wall = time.perf_counter() - began
    cpu = await server_cpu(session, server) - cpu
    return Load(len(latencies), wall, latencies, cpu)


async def body_of(session: aiohttp.ClientSession, url: str) -> bytes:
    async with session.get(url) as response:
        if response.status != 200:
            raise RuntimeError(f"{url}: HTTP {response.status}")
        return await response.read()


@dataclass
class LoadRow:
    name: str
    size: int
    runs: dict[str, Load]
    """page, file (the static file, add_static), bytes (the same bytes from memory)."""


async def load_rows(server: Server, files: Path, seconds: float, rounds: int) -> list[LoadRow]:
    rows = []
    connector = aiohttp.TCPConnector(limit=CLIENTS, limit_per_host=CLIENTS)
    async with aiohttp.ClientSession(connector=connector) as session:
        for name, path in PAGES:
            body = await body_of(session, server.site + path)
            twin = f"{name.replace('.', '-')}.bin"
            (files / twin).write_bytes(b"x" * len(body))
            urls = {
                "page": server.site + path,
                "file": f"{server.static}/files/{twin}",
                "bytes": f"{server.static}/bytes/{twin}",
            }
            for url in urls.values():  # warm-up
                await hammer(session, server, url, 1.0)
            runs: dict[str, Load] = {}
            order = list(urls)
            for r in range(rounds):
                for kind in order[r % 3 :] + order[: r % 3]:  # each goes first in turn
                    got = await hammer(session, server, urls[kind], seconds)
                    runs[kind] = runs[kind] + got if kind in runs else got
            rows.append(LoadRow(name, len(body), runs))
            print(
                f"  {name}: "
                + ", ".join(f"{kind} {load.rps:,.0f} rps" for kind, load in runs.items()),
                flush=True,
            )
    return rows


async def cold_times(server: Server, repeat: int) -> dict[str, list[float]]:
    out: dict[str, list[float]] = {}
    async with aiohttp.ClientSession() as session:
        for _, path in PAGES:  # the first render of each page after start-up, untimed
            await body_of(session, server.site + path)
        for name, path in PAGES:
            times = []
            for _ in range(repeat):
                async with session.get(f"{server.static}/_change") as response:
                    moved = await response.json()
                if moved["after"] <= moved["before"]:
                    raise RuntimeError("the data change did not move the data version")
                started = time.perf_counter()
                await body_of(session, server.site + path)
                times.append(time.perf_counter() - started)
            warm = []
            for _ in range(repeat):
                started = time.perf_counter()
                await body_of(session, server.site + path)
                warm.append(time.perf_counter() - started)
            out[name] = times
            out[f"{name} (warm)"] = warm
    return out


# ---------------------------------------------------------------------------------------
# Report
# ---------------------------------------------------------------------------------------


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f}"


def load_table(n: int, rows: list[LoadRow]) -> str:
    lines = [
        f"Load at {n:,} events: {CLIENTS} concurrent clients, keep-alive, loopback. "
        "file: aiohttp add_static serving a file of the page's size; bytes: the same "
        "bytes from memory (a handler returning them); same run, interleaved",
        "",
        "| page | body | page rps | file rps | bytes rps | rps / file | rps / bytes | "
        "p50 / p99 ms: page, file, bytes | p99 / file | p99 / bytes | CPU/req / bytes |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        p, f, b = row.runs["page"], row.runs["file"], row.runs["bytes"]
        pcts = ", ".join(f"{ms(x.pct(0.5))} / {ms(x.pct(0.99))}" for x in (p, f, b))
        lines.append(
            f"| {row.name} | {row.size / 1024:,.1f} KB | {p.rps:,.0f} | {f.rps:,.0f} | "
            f"{b.rps:,.0f} | {p.rps / f.rps:.2f} | {p.rps / b.rps:.2f} | {pcts} | "
            f"{p.pct(0.99) / f.pct(0.99):.2f} | {p.pct(0.99) / b.pct(0.99):.2f} | "
            f"{p.cpu_per_request / b.cpu_per_request:.2f} |"
        )
    lines.append("")
    for base in ("file", "bytes"):
        worst_rps = min(r.runs["page"].rps / r.runs[base].rps for r in rows)
        worst_p99 = max(r.runs["page"].pct(0.99) / r.runs[base].pct(0.99) for r in rows)
        met = "met" if worst_rps >= 1 / 1.5 and worst_p99 <= 1.5 else "NOT met"
        lines.append(
            f"against {base}: worst rps ratio {worst_rps:.2f} (target >= {1 / 1.5:.2f}), "
            f"worst p99 ratio {worst_p99:.2f} (target <= 1.50): within 1.5x {met}"
        )
    return "\n".join(lines)


def cold_table(results: dict[int, dict[str, list[float]]], built: dict[int, float]) -> str:
    sizes = sorted(results)
    head = " | ".join(f"{n:,} events: cold median / worst ms (warm median)" for n in sizes)
    lines = [
        "Cold: the first request after a data change (record re-read, page rendered), "
        "one request at a time",
        "",
        f"| page | {head} |",
        "|---|" + "---:|" * len(sizes),
    ]
    for name, _ in PAGES:
        cells = []
        for n in sizes:
            cold, warm = results[n][name], results[n][f"{name} (warm)"]
            cells.append(
                f"{ms(statistics.median(cold))} / {ms(max(cold))} ({ms(statistics.median(warm))})"
            )
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    lines.append("")
    lines.append(
        "stores built (curated data + synthetic events, SQLite): "
        + ", ".join(f"{n:,} events in {built[n]:.1f} s" for n in sizes)
    )
    return "\n".join(lines)


async def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.web")
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--load-at", type=int, nargs="+", default=[10_000])
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--cold-repeat", type=int, default=5)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    cold: dict[int, dict[str, list[float]]] = {}
    built: dict[int, float] = {}
    tables: list[str] = []
    with tempfile.TemporaryDirectory(prefix="bench-web-") as tmp:
        root = Path(tmp)
        for n in sorted(set(args.sizes) | set(args.load_at)):
            db = root / f"web-{n}.db"
            print(f"size {n:,}: building the store", flush=True)
            built[n] = await build_store(db, n)
            print(f"  built in {built[n]:.1f} s", flush=True)
            files = root / f"files-{n}"
            files.mkdir()
            server = Server(f"sqlite+aiosqlite:///{db}", files)
            try:
                if n in args.sizes:
                    print("  cold renders", flush=True)
                    cold[n] = await cold_times(server, args.cold_repeat)
                if n in args.load_at:
                    print(f"  load: {CLIENTS} clients", flush=True)
                    rows = await load_rows(server, files, args.seconds, args.rounds)
                    tables.append(load_table(n, rows))
            finally:
                server.stop()
    print()
    for table in tables:
        print(table, end="\n\n")
    if cold:
        print(cold_table(cold, {n: built[n] for n in cold}))
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main(sys.argv[1:])))
