"""Date extractors compared on the corpus: the ingest engine's own resolver
(bot/ingest/when.py) against the PyPI libraries issue 20 names, on the same sentences.

For each gold proposal that has a date, the sentence of its article holding every one of its
`about` words is given to each extractor with the article's publication time (in its own
zone) as "now". An extractor is right when the first date it finds in the sentence lies in
the gold window (a day either side, as bench/corpus_eval.py reads dates), and it "finds" the
date when any of its dates does; "wrong" counts sentences where its first date lies outside
the window. Time is wall time for all sentences of the part.

Contenders:
- own: bot.ingest.when.find_dates, the resolver the engine uses;
- dateparser-search: dateparser.search.search_dates on the whole sentence;
- dateparser-spans: dateparser.parse with a fixed base on each span the own finder marked
  (the "strict settings on short spans" use: dateparser resolves, our patterns find);
- datefinder: datefinder.find_dates with the publication day as base;
- timefhuman: timefhuman with the publication time as now.

Run: python -m bench.dates_compare [--part dev|heldout|all]. The libraries are in the
project's dev extra; the choice is made on dev, and heldout is only reported beside it.
"""

from __future__ import annotations

import argparse
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import yaml

from bench.corpus_eval import CORPUS, read_article, window
from bot.dates import FuzzyDate, Precision
from bot.ingest.text import sentences
from bot.ingest.when import find_dates

Extractor = Callable[[str, datetime], list[FuzzyDate]]


def own(sentence: str, now: datetime) -> list[FuzzyDate]:
    return [f.when for f in find_dates(sentence, now.date())]


def _day(value: Any) -> FuzzyDate | None:
    if isinstance(value, datetime):
        return FuzzyDate.day(value.date())
    if isinstance(value, date):
        return FuzzyDate.day(value)
    return None


def dateparser_search(sentence: str, now: datetime) -> list[FuzzyDate]:
    from dateparser.search import search_dates

    settings = {"RELATIVE_BASE": now.replace(tzinfo=None), "PREFER_DATES_FROM": "current_period"}
    found = search_dates(sentence, languages=["en"], settings=settings) or []  # type: ignore[arg-type]
    return [d for _, value in found if (d := _day(value)) is not None]


def dateparser_spans(sentence: str, now: datetime) -> list[FuzzyDate]:
    import dateparser

    settings = {
        "RELATIVE_BASE": now.replace(tzinfo=None),
        "PREFER_DATES_FROM": "current_period",
        "PARSERS": ["relative-time", "absolute-time"],
    }
    out: list[FuzzyDate] = []
    for span in find_dates(sentence, now.date()):
        value = dateparser.parse(span.text, languages=["en"], settings=settings)  # type: ignore[arg-type]
        if (d := _day(value)) is not None:
            out.append(d)
    return out


def datefinder_dates(sentence: str, now: datetime) -> list[FuzzyDate]:
    import datefinder

    base = now.replace(tzinfo=None, hour=0, minute=0, second=0, microsecond=0)
    try:
        found = list(datefinder.find_dates(sentence, base_date=base))
    except (ValueError, OverflowError):
        return []
    return [d for value in found if (d := _day(value)) is not None]


def timefhuman_dates(sentence: str, now: datetime) -> list[FuzzyDate]:
    from timefhuman import tfhConfig, timefhuman

    try:
        found = timefhuman(sentence, tfhConfig(now=now.replace(tzinfo=None)))
    except Exception:  # it raises on some inputs; count that as finding nothing
        return []
    out: list[FuzzyDate] = []
    for value in found:
        if isinstance(value, tuple) and len(value) == 2:
            a, b = (_day(v) for v in value)
            if a is not None and b is not None and a.start <= b.end:
                out.append(FuzzyDate(start=a.start, end=b.end, precision=Precision.SPAN))
            continue
        if isinstance(value, list):
            value = value[0] if value else None
        if (d := _day(value)) is not None:
            out.append(d)
    return out


EXTRACTORS: dict[str, Extractor] = {
    "own": own,
    "dateparser-search": dateparser_search,
    "dateparser-spans": dateparser_spans,
    "datefinder": datefinder_dates,
    "timefhuman": timefhuman_dates,
}


@dataclass
class Tally:
    first: int = 0
    found: int = 0
    wrong: int = 0
    none: int = 0
    seconds: float = 0.0
    misses: list[str] = field(default_factory=list)


def _in(p: FuzzyDate, g: FuzzyDate) -> bool:
    day = timedelta(days=1)
    return g.start - day <= p.start and p.end <= g.end + day


def cases(part: str) -> list[tuple[str, datetime, FuzzyDate]]:
    """(sentence, publication time in the article's zone, gold window) for every dated gold
    proposal whose `about` words meet in one sentence."""
    out = []
    for path in sorted((CORPUS / part).glob("*.txt")):
        article, _ = read_article(path)
        now = article.published.astimezone(ZoneInfo(article.timezone))
        said = [article.headline or "", *sentences(article.text)]
        gold = yaml.safe_load(path.with_suffix("").with_suffix(".gold.yaml").read_text()) or {}
        for g in gold.get("proposals") or []:
            want = window(g.get("date"))
            words = [str(w).casefold() for w in g.get("about") or []]
            if want is None or not words:
                continue
            hit = next((s for s in said if all(w in s.casefold() for w in words)), None)
            if hit is not None:
                out.append((hit, now, want))
    return out


def measure(part: str) -> tuple[int, dict[str, Tally]]:
    found = cases(part)
    tallies = {name: Tally() for name in EXTRACTORS}
    for name, extract in EXTRACTORS.items():
        tally = tallies[name]
        started = time.perf_counter()
        results = [extract(sentence, now) for sentence, now, _ in found]
        tally.seconds = time.perf_counter() - started
        for (sentence, _, want), dates in zip(found, results, strict=True):
            if not dates:
                tally.none += 1
            elif _in(dates[0], want):
                tally.first += 1
            else:
                tally.wrong += 1
                tally.misses.append(f"{want.label()} ≠ {dates[0].label()}: {sentence[:90]}")
            if any(_in(d, want) for d in dates):
                tally.found += 1
    return len(found), tallies


def report(part: str) -> list[str]:
    n, tallies = measure(part)
    lines = [
        f"{part}: {n} dated gold proposals with their sentence",
        f"  {'extractor':<18} {'first right':>11} {'any right':>10} {'wrong':>6} "
        f"{'none':>5} {'ms/sentence':>12}",
    ]
    for name, t in tallies.items():
        share = f"{t.first}/{n} {100 * t.first / max(n, 1):3.0f}%"
        lines.append(
            f"  {name:<18} {share:>11} {t.found:>10} {t.wrong:>6} {t.none:>5} "
            f"{1000 * t.seconds / max(n, 1):>12.2f}"
        )
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--part", choices=["dev", "heldout", "all"], default="all")
    parser.add_argument("--misses", metavar="EXTRACTOR", help="list one extractor's dev misses")
    args = parser.parse_args(argv)
    warnings.filterwarnings("ignore")  # dateparser's deprecation noise
    parts = ["dev", "heldout"] if args.part == "all" else [args.part]
    for part in parts:
        if not (CORPUS / part).is_dir():
            print(f"{part}: no corpus at {Path(CORPUS / part)}")
            continue
        print("\n".join(report(part)))
    if args.misses:
        _, tallies = measure("dev")
        print("\n".join(tallies[args.misses].misses))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
