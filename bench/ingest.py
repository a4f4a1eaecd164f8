"""How good the ingest engine is, measured: `python -m bench.ingest` (or `make eval`).

1. The five seed articles against the curated record: for each, how many of the curated
   events that cite it were proposed with the right date (a proposal naming the event, its
   window touching the event's), how many proposals name a curated item, and whether the
   two known problems are flagged unaided (the misnamed US Trade Representative; the page
   dated 30 Oct whose story was written on 18 Oct, read against its page date).
2. The test articles in tests/ingest_articles/ against their gold files (written by hand:
   kind, date, words it is about, the item it repeats).
3. Throughput: 1,000 synthetic articles (seed sentences reshuffled, dated across a year),
   against the time the bot takes to answer /timeline from the store, in the same run.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import tempfile
import time as clock
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import yaml

from bot.briefing.timeline import page_embed
from bot.clock import FixedClock
from bot.config import PROJECT_ROOT
from bot.curated import Dataset, load_dataset
from bot.dates import FuzzyDate
from bot.ingest import ArticleIn, IngestResult, Proposal, RecordView, propose, sentences
from bot.models import TimelineFilter
from bot.store import Store

DATA = PROJECT_ROOT / "data"
SEEDS = PROJECT_ROOT.parent / "shared" / "seeds"
ARTICLES = PROJECT_ROOT / "tests" / "ingest_articles"


def record_of(ds: Dataset) -> RecordView:
    return RecordView(
        events=ds.events, people=ds.people, milestones=ds.milestones, tariffs=ds.tariffs
    )


def _near(a: str | None, b: FuzzyDate, slack: int = 1) -> bool:
    if a is None:
        return False
    w = FuzzyDate.model_validate(a)
    return w.start <= b.end + timedelta(days=slack) and b.start <= w.end + timedelta(days=slack)


@dataclass
class Row:
    name: str
    found: int
    wanted: int
    valid: int
    proposals: int
    flags: str = ""
    strict: int = 0
    """Proposals naming an item the curators cite this article for (seeds), or a gold item."""

    @property
    def recall(self) -> float:
        return self.found / self.wanted if self.wanted else 1.0

    @property
    def precision(self) -> float:
        return self.valid / self.proposals if self.proposals else 1.0


def seed_article(ds: Dataset, source_id: str, *, page_date: bool = False) -> ArticleIn:
    s = next(x for x in ds.sources if x.id == source_id)
    text = (SEEDS / str(s.seed_file)).read_text(encoding="utf-8")
    zone = ZoneInfo(s.timezone)
    if page_date and s.page_date is not None:
        published = datetime.combine(s.page_date, time(9), zone)
    elif s.published is not None:
        published = s.published
    else:
        assert s.published_window is not None
        published = datetime.combine(s.published_window.start, time(12), zone)
    return ArticleIn(text=text, published=published, timezone=s.timezone)


def eval_seeds(ds: Dataset) -> list[Row]:
    record = record_of(ds)
    rows: list[Row] = []
    for s in (x for x in ds.sources if x.kind == "article"):
        result = propose(seed_article(ds, s.id), record)
        cited = [e for e in ds.events if s.id in e.sources]
        found = sum(
            1
            for e in cited
            if any(p.matches == e.id and _near(p.date, e.date) for p in result.proposals)
        )
        valid = sum(1 for p in result.proposals if p.matches)
        citing = {
            i.id
            for i in [*ds.events, *ds.tariffs, *ds.milestones, *ds.people]
            if s.id in i.all_source_ids()
        }
        strict = sum(1 for p in result.proposals if p.matches in citing)
        flags = []
        notes = [*result.conflicts, *(c for p in result.proposals for c in p.conflicts)]
        if any(c.item == "jamieson-greer" for c in notes):
            flags.append("USTR misnamed")
        if s.page_date is not None:
            on_page = propose(seed_article(ds, s.id, page_date=True), record)
            if any("page date" in c.why for c in on_page.conflicts):
                flags.append("page dated later")
        rows.append(
            Row(s.id, found, len(cited), valid, len(result.proposals), ", ".join(flags), strict)
        )
    return rows


def _article_file(path: Path) -> ArticleIn:
    head, body = path.read_text(encoding="utf-8").split("\n---\n", 1)
    meta = yaml.safe_load(head)
    return ArticleIn(
        text=body,
        published=datetime.fromisoformat(str(meta["published"])),
        timezone=str(meta["timezone"]),
        outlet=str(meta["outlet"]),
    )


def _hits(gold: dict[str, Any], p: Proposal, result: IngestResult) -> bool:
    text = f"{p.title} {' '.join(p.evidence)}".casefold()
    if not all(str(w).casefold() in text for w in gold.get("about", [])):
        return False
    if gold["kind"] == "conflict":
        return any(c.item == gold.get("record") for c in [*p.conflicts, *result.conflicts])
    if gold.get("matches") and p.matches != gold["matches"]:
        return False
    kinds = {gold["kind"], "source-only"} if gold.get("matches") else {gold["kind"]}
    return p.kind in kinds and _near(p.date, FuzzyDate.model_validate(str(gold["date"])))


def eval_articles(ds: Dataset) -> list[Row]:
    record = record_of(ds)
    rows: list[Row] = []
    for path in sorted(ARTICLES.glob("*.txt")):
        gold = yaml.safe_load(path.with_suffix(".expected.yaml").read_text(encoding="utf-8"))
        result = propose(_article_file(path), record)
        found = sum(1 for g in gold if any(_hits(g, p, result) for p in result.proposals))
        valid = sum(
            1 for p in result.proposals if p.matches or any(_hits(g, p, result) for g in gold)
        )
        named = {g.get("matches") for g in gold if g.get("matches")}
        strict = sum(
            1
            for p in result.proposals
            if any(_hits(g, p, result) for g in gold) or (p.matches and p.matches in named)
        )
        rows.append(Row(path.stem, found, len(gold), valid, len(result.proposals), "", strict))
    return rows


def synthetic(ds: Dataset, n: int, rng: random.Random) -> list[ArticleIn]:
    pool = [
        s
        for src in ds.sources
        if src.seed_file
        for s in sentences((SEEDS / src.seed_file).read_text(encoding="utf-8"))
    ]
    start = datetime(2025, 1, 6, 9, 0, tzinfo=ZoneInfo("America/New_York"))
    out = []
    for _ in range(n):
        picked = rng.sample(pool, k=min(len(pool), rng.randint(8, 20)))
        published = start + timedelta(days=rng.randint(0, 540), hours=rng.randint(0, 23))
        zone = rng.choice(["America/New_York", "Asia/Shanghai", "Europe/London"])
        out.append(ArticleIn(text="\n\n".join(picked), published=published, timezone=zone))
    return out


async def timeline_answer_ms(ds: Dataset, repeat: int) -> float:
    """What answering /timeline costs the bot without Discord: the page read from the store
    and rendered, as the cog does on a cold cache (median of `repeat`)."""
    with tempfile.TemporaryDirectory() as tmp:
        now = datetime(2026, 11, 21, 12, tzinfo=ZoneInfo("UTC"))
        store = await Store.open(f"sqlite+aiosqlite:///{tmp}/t.db", clock=FixedClock(now))
        try:
            await store.sync_curated(ds.items())
            people = {p.id: p for p in ds.people}
            times = []
            for _ in range(repeat):
                t0 = clock.perf_counter()
                page = await store.timeline(42, TimelineFilter(), limit=8)
                page_embed(page, TimelineFilter(), people)
                times.append(clock.perf_counter() - t0)
                store.caches.clear()
        finally:
            await store.close()
    return statistics.median(times) * 1000


def throughput(ds: Dataset, n: int) -> tuple[float, float, float]:
    articles = synthetic(ds, n, random.Random(7))
    record = record_of(ds)
    t0 = clock.perf_counter()
    for a in articles:
        propose(a, record)
    per_article_ms = (clock.perf_counter() - t0) * 1000 / n
    timeline_ms = asyncio.run(timeline_answer_ms(ds, 50))
    return n / (per_article_ms * n / 1000), per_article_ms, timeline_ms


def table(title: str, rows: list[Row]) -> list[str]:
    lines = [
        f"#### {title}",
        "",
        "| article | recall (right date) | precision | strict precision | flags raised |",
        "|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append(
            f"| {r.name} | {r.found}/{r.wanted} ({r.recall:.0%}) | {r.valid}/{r.proposals} "
            f"({r.precision:.0%}) | {r.strict}/{r.proposals} | {r.flags or '—'} |"
        )
    found, wanted = sum(r.found for r in rows), sum(r.wanted for r in rows)
    valid, total = sum(r.valid for r in rows), sum(r.proposals for r in rows)
    strict = sum(r.strict for r in rows)
    lines.append(
        f"| **all** | **{found}/{wanted} ({found / max(wanted, 1):.0%})** | "
        f"**{valid}/{total} ({valid / max(total, 1):.0%})** | "
        f"{strict}/{total} ({strict / max(total, 1):.0%}) | |"
    )
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.ingest", description=__doc__)
    parser.add_argument("--articles", type=int, default=1000, help="synthetic articles to time")
    args = parser.parse_args(argv)
    if not SEEDS.is_dir():
        print(f"error: needs {SEEDS} (the shared folder beside the checkout)")
        return 2
    ds = load_dataset(DATA)
    out = table("Seed articles against the curated record", eval_seeds(ds))
    out += ["", *table("Test articles against their gold files", eval_articles(ds))]
    rate, per_ms, timeline_ms = throughput(ds, args.articles)
    out += [
        "",
        f"Throughput: {args.articles} synthetic articles at {rate:.0f} articles/s "
        f"({per_ms:.2f} ms each); answering /timeline from the store takes {timeline_ms:.2f} ms "
        f"in the same run, so one article costs {per_ms / timeline_ms:.1f}x a /timeline answer.",
    ]
    print("\n".join(out))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
