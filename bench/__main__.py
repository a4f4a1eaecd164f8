"""Benchmark of the reader commands: `python -m bench` (or `make bench`).

Drives the real bot under SimCord, as a member would, and times each command's handling
(interaction sent -> reply stored) against a no-op slash command and a no-op autocomplete
registered only here, measured in the same run. Runs with the curated data alone and with
10,000 and 100,000 synthetic events added through Store.bulk_insert, on SQLite.

Each command is timed twice over: warm (the same ask again, as most readers get it: the
store's caches and the rendered answer are current) and cold (the first ask after a data
change: before each timed ask the benchmark saves a server's edit through the store, which
moves the data version on, so every cache misses and the answer is read by the indexed
queries and rendered again).

Targets: each command within 2x the no-op at 10,000 events; 100,000 within 1.5x of 10,000;
autocomplete within 1.5x the no-op autocomplete.

    python -m bench                 # curated, 10k, 100k
    python -m bench --sizes 0 10000 --repeat 40
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import logging
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import discord
import simcord
from discord import app_commands

from bot.briefing.tariffs import tariffs_briefing
from bot.charts import CHART_NAME
from bot.client import EXTENSIONS, BriefingBot
from bot.clock import FixedClock
from bot.config import PROJECT_ROOT, Settings
from bot.curated import load_dataset, load_into_store
from bot.dates import FuzzyDate
from bot.models import TOPICS, Event, Kind, Person, Source, TariffMeasure
from bot.store import Actor, Store, TimelineFilter
from cogs._common import fresh, send_embeds
from cogs._editing import choices_of
from cogs.timeline import page_view

NOW = datetime(2026, 11, 21, 12, 0, tzinfo=UTC)
DATA_DIR = PROJECT_ROOT / "data"
WORDS = [
    "tariff",
    "truce",
    "talks",
    "delegation",
    "export",
    "controls",
    "soybeans",
    "rare",
    "earths",
    "chips",
    "envoy",
    "deal",
    "ministry",
    "commerce",
    "treasury",
    "negotiator",
    "summit",
    "framework",
    "suspension",
    "duties",
    "shipping",
    "sanctions",
    "court",
    "ruling",
    "beijing",
    "washington",
    "geneva",
    "london",
    "stockholm",
    "kuala",
    "lumpur",
    "busan",
]


def synthetic_events(n: int, seed: int = 7) -> list[Event]:
    """`n` plausible events: dates over 2025-2026, curated people, topics and sources."""
    rng = random.Random(seed)
    data = load_dataset(DATA_DIR)
    people = [p.id for p in data.people]
    sources = [s.id for s in data.sources]
    out: list[Event] = []
    for i in range(n):
        day = date(2025, 1, 1) + timedelta(days=rng.randrange(730))
        words = rng.sample(WORDS, 6)
        out.append(
            Event.model_construct(
                id=f"syn-{i:06d}",
                date=FuzzyDate.day(day),
                title=" ".join(words[:4]).capitalize(),
                summary=" ".join(words).capitalize() + ".",
                topic=rng.choice(TOPICS),
                people=rng.sample(people, rng.randrange(3)),
                place=None,
                sources=rng.sample(sources, 1 + rng.randrange(2)),
                quotes=[],
                conflicts=[],
            )
        )
    return out


def add_baselines(bot: BriefingBot) -> None:
    """The no-op slash command and autocomplete, registered only in the benchmark."""

    @app_commands.command(name="noop", description="Benchmark baseline: replies at once")
    async def noop(interaction: discord.Interaction[Any], word: str | None = None) -> None:
        await interaction.response.send_message(
            "ok", allowed_mentions=discord.AllowedMentions.none()
        )

    @noop.autocomplete("word")
    async def noop_complete(
        interaction: discord.Interaction[Any], current: str
    ) -> list[app_commands.Choice[str]]:
        return [app_commands.Choice(name="ok", value="ok")]

    @app_commands.command(name="noopread", description="Benchmark: one database read, then ok")
    async def noopread(interaction: discord.Interaction[Any]) -> None:
        await bot.store.get_meta("bench")
        await interaction.response.send_message(
            "ok", allowed_mentions=discord.AllowedMentions.none()
        )

    reply: dict[str, Any] = {}

    @app_commands.command(name="replytimeline", description="Benchmark: a timeline page alone")
    async def replytimeline(interaction: discord.Interaction[Any]) -> None:
        if "timeline" not in reply:  # the first page, once: then only the sending
            cog: Any = bot.get_cog("Timeline")
            flt = TimelineFilter()
            reply["timeline"] = (await cog.remember(flt), await cog.page(interaction.guild_id, flt))
        key, shown = reply["timeline"]
        await interaction.response.send_message(
            embed=shown.embed.copy(),
            view=page_view(key, shown),
            allowed_mentions=discord.AllowedMentions.none(),
        )

    @app_commands.command(name="replytariffs", description="Benchmark: the tariffs reply alone")
    async def replytariffs(interaction: discord.Interaction[Any]) -> None:
        if "tariffs" not in reply:  # the briefing and chart, once: then only the sending
            cog: Any = bot.get_cog("Tariffs")
            measures = await bot.store.list_typed(TariffMeasure, interaction.guild_id)
            sources = await bot.store.list_typed(Source, interaction.guild_id)
            briefing = tariffs_briefing(
                measures,
                {s.id: s for s in sources},
                NOW.date(),
                conflicts=await bot.store.conflicts_by_id(interaction.guild_id),
                chart_name=CHART_NAME,
            )
            reply["tariffs"] = (list(briefing.embeds), await cog.chart(None, measures))
        embeds, png = reply["tariffs"]
        await send_embeds(interaction, fresh(embeds), file=(CHART_NAME, png))

    @app_commands.command(name="replychoices", description="Benchmark: 25 event choices alone")
    async def replychoices(interaction: discord.Interaction[Any], event: str) -> None:
        await interaction.response.send_message(
            "ok", allowed_mentions=discord.AllowedMentions.none()
        )

    @replychoices.autocomplete("event")
    async def replychoices_complete(
        interaction: discord.Interaction[Any], current: str
    ) -> list[app_commands.Choice[str]]:
        if "choices" not in reply:  # the picker's 25 newest, once: then only the sending
            reply["choices"] = await bot.store.event_titles_matching(interaction.guild_id, "")
        return choices_of(reply["choices"])

    for command in (noop, noopread, replytimeline, replytariffs, replychoices):
        bot.tree.add_command(command)


@dataclass(frozen=True)
class Figures:
    """One path of one command: median ms of the command and of its paired baseline, all in
    and less SimCord's REST handling (the bot's own part)."""

    ms: float
    base: float
    own: float
    own_base: float


@dataclass(frozen=True)
class Timing:
    warm: Figures | None
    """None for rows that are about the cold path only."""
    cold: Figures


class HandlingTimer:
    """Times the bot's own handling of each interaction, from the moment discord.py hands
    it to the command tree (or to a dynamic button/menu) until the handler returns, its
    reply sent. SimCord's own bookkeeping around the interaction is left out."""

    def __init__(self) -> None:
        self.samples: list[float] = []
        self.in_discord: list[float] = []
        """Per sample: the part spent inside SimCord's REST handlers (the simulated
        Discord receiving the reply), which grows with the size of the reply."""
        self._rest = 0.0

    def install(self, bot: BriefingBot) -> None:
        from simcord.http import router

        dispatch = router.dispatch

        def timed_dispatch(*args: Any, **kwargs: Any) -> Any:
            start = time.perf_counter()
            try:
                return dispatch(*args, **kwargs)
            finally:
                self._rest += time.perf_counter() - start

        router.dispatch = timed_dispatch
        tree_call = bot.tree._call
        store = bot._connection._view_store
        dynamic_call = store.schedule_dynamic_item_call

        async def timed_tree(interaction: Any) -> None:
            self._rest, start = 0.0, time.perf_counter()
            try:
                await tree_call(interaction)
            finally:
                self.samples.append(time.perf_counter() - start)
                self.in_discord.append(self._rest)

        async def timed_dynamic(*args: Any, **kwargs: Any) -> None:
            self._rest, start = 0.0, time.perf_counter()
            try:
                await dynamic_call(*args, **kwargs)
            finally:
                self.samples.append(time.perf_counter() - start)
                self.in_discord.append(self._rest)

        bot.tree._call = timed_tree  # type: ignore[method-assign]
        store.schedule_dynamic_item_call = timed_dynamic  # type: ignore[method-assign]


async def measure(
    fn: Callable[[], Awaitable[Any]],
    base: Callable[[], Awaitable[Any]],
    repeat: int,
    timer: HandlingTimer,
    before_each: Callable[[], Awaitable[Any]] | None = None,
) -> Figures:
    """Medians over `repeat` asks of `fn`, each paired with an ask of the baseline `base`
    (in turn first and second), so both see the same load on a shared machine;
    `before_each` (untimed) runs before every ask of `fn`."""

    async def once(f: Callable[[], Awaitable[Any]]) -> tuple[float, float]:
        if f is fn and before_each is not None:
            await before_each()
        timer.samples.clear()
        timer.in_discord.clear()
        await f()
        if len(timer.samples) != 1:
            raise RuntimeError(f"expected one timed interaction, got {len(timer.samples)}")
        return timer.samples[0], timer.samples[0] - timer.in_discord[0]

    for _ in range(3):
        await once(fn)
        await once(base)
    ours: list[tuple[float, float]] = []
    theirs: list[tuple[float, float]] = []
    for i in range(repeat):
        if i % 2:
            ours.append(await once(fn))
            theirs.append(await once(base))
        else:
            theirs.append(await once(base))
            ours.append(await once(fn))

    def median(samples: list[tuple[float, float]], at: int) -> float:
        return statistics.median(s[at] for s in samples) * 1000

    return Figures(median(ours, 0), median(theirs, 0), median(ours, 1), median(theirs, 1))


async def run_size(n: int, repeat: int, workdir: Path) -> dict[str, Timing]:
    url = f"sqlite+aiosqlite:///{workdir / f'bench-{n}.db'}"
    clock = FixedClock(NOW)
    store = await Store.open(url, clock=clock)
    await load_into_store(store, DATA_DIR)
    if n:
        started = time.perf_counter()
        events = synthetic_events(n)
        for i in range(0, n, 20_000):
            await store.bulk_insert(
                events[i : i + 20_000], guild_id=None, actor=Actor(None, "bench")
            )
        print(f"  inserted {n} events in {time.perf_counter() - started:.1f} s", flush=True)
    await store.close()

    settings = Settings(  # type: ignore[call-arg]
        _env_file=None, database_url=url, data_dir=DATA_DIR, discord_token=None, shard_count=1
    )
    bot = BriefingBot(settings, clock=clock, extensions=EXTENSIONS)
    add_baselines(bot)
    timer = HandlingTimer()
    results: dict[str, Timing] = {}
    async with simcord.run(bot) as env:
        timer.install(bot)
        digest = bot.get_cog("Digest")
        if digest is not None:  # its 5-minute sweep (real time) must not land mid-measurement
            digest.scheduler.shutdown()  # type: ignore[attr-defined]
        guild = env.create_guild("Bench")
        channel = guild.create_text_channel("briefing")
        member = guild.add_member(env.create_user("reader"))
        admins = guild.create_role("Admins", permissions=discord.Permissions(manage_guild=True))
        admin = guild.add_member(env.create_user("curator"), roles=[admins])
        editor = Actor(admin.id, "curator")
        person = next(
            p for p in await bot.store.list_typed(Person, guild.id) if p.id == "sean-stein"
        )

        async def change() -> None:
            """A server's edit (the same person saved again): the data version moves on."""
            await bot.store.save(person, guild_id=guild.id, actor=editor, reason="bench")

        async def curated_change() -> None:
            """A change to the curated data every server sees (as a data reload makes)."""
            await bot.store.save(person, guild_id=None, actor=editor, reason="bench")

        typed = itertools.count()

        def new_text(base: str) -> str:
            """What was typed, never the same twice (each keystroke is a new ask)."""
            return f"{base}{next(typed)}"

        async def slash(command: str, /, **options: Any) -> Any:
            return await member.slash(channel, command, **options)

        page = await slash("timeline")
        src = await slash("sources")
        opened = await _opened_id(bot.store, guild.id, page)
        cases: dict[str, Callable[[], Awaitable[Any]]] = {
            "noop": lambda: slash("noop"),
            "noop + one database read": lambda: slash("noopread"),
            "timeline": lambda: slash("timeline"),
            "timeline person+topic": lambda: slash(
                "timeline", person="li-chenggang", topic="talks"
            ),
            "timeline query+dates": lambda: slash(
                "timeline", query="truce", since="Aug 2025", until="2025-12-31"
            ),
            "timeline page button": lambda: _flip(member, page, "Older ▶", "◀ Newer"),
            "timeline event menu": lambda: member.select(page.response, [opened]),
            "who": lambda: slash("who", name="Li Chenggang"),
            "tariffs": lambda: slash("tariffs"),
            "tariffs as_of": lambda: slash("tariffs", as_of="2025-04-12"),
            "countdown": lambda: slash("countdown"),
            "countdown milestone": lambda: slash("countdown", milestone="truce-expiry"),
            "sources": lambda: slash("sources"),
            "sources page button": lambda: _flip(member, src, "Next ▶", "◀ Previous"),
            CURATED_SOURCES: lambda: slash("sources"),
            "help": lambda: slash("help"),
            REPLY_TIMELINE: lambda: slash("replytimeline"),
            REPLY_TARIFFS: lambda: slash("replytariffs"),
            "noop autocomplete": lambda: member.autocomplete(channel, "noop", "word", "x"),
            "who autocomplete": lambda: member.autocomplete(channel, "who", "name", "li cheng"),
            "timeline person autocomplete": lambda: member.autocomplete(
                channel, "timeline", "person", "bessnet"
            ),
            "countdown autocomplete": lambda: member.autocomplete(
                channel, "countdown", "milestone", "truce"
            ),
            "who autocomplete, new text each ask": lambda: member.autocomplete(
                channel, "who", "name", new_text("li cheng")
            ),
            "timeline person autocomplete, new text each ask": lambda: member.autocomplete(
                channel, "timeline", "person", new_text("bessnet")
            ),
            "countdown autocomplete, new text each ask": lambda: member.autocomplete(
                channel, "countdown", "milestone", new_text("truce")
            ),
            "event edit autocomplete (admin)": lambda: admin.autocomplete(
                channel, "event edit", "event", "geneva"
            ),
            "event edit autocomplete (admin), new text each ask": lambda: admin.autocomplete(
                channel, "event edit", "event", new_text("geneva")
            ),
            REPLY_CHOICES: lambda: member.autocomplete(channel, "replychoices", "event", "x"),
            "digest setup timezone autocomplete (admin)": lambda: admin.autocomplete(
                channel, "digest setup", "timezone", "london", channel=channel
            ),
        }
        for name, fn in cases.items():
            base = cases["noop autocomplete" if "autocomplete" in name else "noop"]
            if name == CURATED_SOURCES:
                cold = await measure(fn, base, repeat, timer, before_each=curated_change)
                results[name] = Timing(None, cold)
                continue
            warm = await measure(fn, base, repeat, timer)
            cold = await measure(fn, base, repeat, timer, before_each=change)
            results[name] = Timing(warm, cold)
    return results


async def _opened_id(store: Store, guild_id: int, page: Any) -> str:
    """The first event in the page's menu that names people: its card reads the event, the
    sources and those people at every size (an event with no people skips a read, and which
    event comes first differs between the sizes)."""
    for row in page.response.components:
        for c in row.get("components", []):
            if c.get("type") == 3:
                for option in c["options"]:
                    event = await store.get_item(Kind.EVENT, str(option["value"]), guild_id)
                    if isinstance(event, Event) and event.people:
                        return str(option["value"])
    raise RuntimeError("no event with people in the timeline page's menu")


async def _flip(member: Any, result: Any, forward: str, back: str) -> Any:
    """One page turn on the message: `forward` from the first page, `back` otherwise, so
    repeated turns go back and forth between the first two pages (a reader checking the
    page before again; warm), unless the data changed in between (cold)."""
    enabled = {
        c.get("label")
        for row in result.response.components
        for c in row.get("components", [])
        if not c.get("disabled")
    }
    label = back if back in enabled else forward
    return await member.click(result.response, label=label)


CURATED_SOURCES = "sources, after a change to the curated data"
REPLY_TIMELINE = "a timeline page's reply alone (no lookups)"
REPLY_TARIFFS = "the tariffs reply alone (no lookups)"
REPLY_CHOICES = "25 event choices alone, autocomplete (no lookups)"
BASELINES = ("noop", "noop + one database read", "noop autocomplete")
INFORMATIONAL = (*BASELINES, REPLY_TIMELINE, REPLY_TARIFFS, REPLY_CHOICES)


def report(all_results: dict[int, dict[str, Timing]]) -> str:
    """Three tables (warm, cold, warm own part): ms and ratio to the paired no-op per size,
    and 100k over 10k (in ms, and load-corrected: the ratio of the two sizes' x-no-op
    figures). Targets: against the no-op on the warm path; 100k over 10k, load-corrected,
    on both."""
    sizes = sorted(all_results)
    label = {0: "curated"} | {n: f"{n:,}" for n in sizes if n}
    names = list(all_results[sizes[0]])
    misses: list[str] = []
    out: list[str] = []
    titles = {
        "warm": "Warm: the same ask again (what most readers get)",
        "cold": "Cold: the first ask after a data change (every cache misses)",
        "own": "Warm, the bot's own part: handling less SimCord's REST handling of the reply",
    }

    def figures(timing: Timing, path: str) -> tuple[float, float] | None:
        """(ms, the paired no-op's ms) on a path, or None when the row has no such path."""
        p = timing.cold if path == "cold" else timing.warm
        if p is None:
            return None
        return (p.own, p.own_base) if path == "own" else (p.ms, p.base)

    for path, title in titles.items():
        out += [
            f"### {title}",
            "",
            "| command | "
            + " | ".join(f"{label[n]} ms (x no-op)" for n in sizes)
            + " | 100k / 10k | 100k / 10k, load-corrected |",
            "|---|" + "---|" * len(sizes) + "---|---|",
        ]
        for name in names:
            if figures(all_results[sizes[0]][name], path) is None:
                continue
            cells = []
            for n in sizes:
                ms, base = figures(all_results[n][name], path) or (0.0, 1.0)
                ratio = ms / base
                cells.append(f"{ms:.2f} ({ratio:.2f}x)")
                if name not in INFORMATIONAL and n == 10_000 and path == "warm":
                    limit = 1.5 if "autocomplete" in name else 2.0
                    if ratio > limit:
                        misses.append(
                            f"{name} ({path}): {ratio:.2f}x the no-op at 10k (target {limit}x)"
                        )
            scale = corrected = ""
            if 10_000 in all_results and 100_000 in all_results:
                big = figures(all_results[100_000][name], path)
                small = figures(all_results[10_000][name], path)
                assert big is not None and small is not None
                scale = f"{big[0] / small[0]:.2f}x"
                # The sizes run minutes apart; the paired no-op's change between them is the
                # machine's, not the command's, so it is taken out (the no-op does not grow).
                ratio = (big[0] / big[1]) / (small[0] / small[1])
                corrected = f"{ratio:.2f}x"
                if ratio > 1.5 and name not in INFORMATIONAL and path != "own":
                    misses.append(
                        f"{name} ({path}): 100k is {ratio:.2f}x of 10k, load-corrected "
                        "(target 1.5x)"
                    )
            out.append(f"| {name} | " + " | ".join(cells) + f" | {scale} | {corrected} |")
        out.append("")
    out.append("Targets missed: " + ("; ".join(misses) if misses else "none"))
    return "\n".join(out)


async def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("--sizes", type=int, nargs="+", default=[0, 10_000, 100_000])
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    results: dict[int, dict[str, Timing]] = {}
    with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
        for n in args.sizes:
            print(f"size {n or 'curated'}:", flush=True)
            results[n] = await run_size(n, args.repeat, Path(tmp))
    print(report(results))
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main(sys.argv[1:])))
