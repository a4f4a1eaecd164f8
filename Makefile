# Every target creates .venv when it is missing (or when pyproject.toml changed).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test lint typecheck pytest pytest-dates check-data bench bench-feeds bench-cluster bench-stall bench-dates bench-web cluster eval clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev,console]'
	touch $(STAMP)

# Without DISCORD_TOKEN (environment or .env): the local console on a simulated server.
run: $(STAMP)
	$(BIN)/python -m bot start

# N bot processes on PostgreSQL (DATABASE_URL), Discord's shards split between them
# (SHARD_COUNT, else two per process); needs DISCORD_TOKEN. README: "Running at scale".
N ?= 2
cluster: $(STAMP)
	$(BIN)/python -m bot cluster --processes $(N)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy

pytest: $(STAMP)
	$(BIN)/python -m pytest -q

test: lint typecheck pytest

# The date-sensitive part of the suite again on other dates, through libfaketime (Debian
# package `faketime`): far from today, and the night the US clocks spring forward. Monotonic
# time stays real (normal speed). `make pytest-dates FAKE_TESTS=tests` runs all of it.
FAKE_DATES ?= 2029-03-01 08:00:00|2027-03-14 06:59:30
FAKE_TESTS ?= tests/test_store*.py tests/test_slots.py tests/test_poster.py \
	tests/test_scheduler.py tests/test_digest*.py tests/test_briefing*.py \
	tests/test_cmd_countdown.py tests/test_cmd_tariffs.py tests/test_render_cache.py \
	tests/test_ingest.py tests/test_feeds.py tests/test_feed_schedule.py tests/test_feed_cog.py
pytest-dates: $(STAMP)
	@command -v faketime >/dev/null || { echo "pytest-dates needs faketime: apt-get install faketime" >&2; exit 1; }
	@dates='$(FAKE_DATES)'; IFS='|'; for at in $$dates; do \
		echo "== pytest at $$at UTC (faketime)"; \
		TZ=UTC FAKETIME_DONT_FAKE_MONOTONIC=1 faketime "$$at" $(BIN)/python -m pytest -q -p no:cacheprovider $(FAKE_TESTS) || exit 1; \
	done

check-data: $(STAMP)
	$(BIN)/python -m bot check-data

bench: $(STAMP)
	$(BIN)/python -m bench

# 1,000 feeds on a local feed site polled by one process: how the polls spread over the
# interval, and how long a new item takes to become proposals (bench/README.md).
bench-feeds: $(STAMP)
	$(BIN)/python -m bench.feeds

# One digest to 10,000 servers from 2 processes on the local PostgreSQL, against a stand-in
# for Discord that enforces the global 50 requests/s (bench/README.md).
bench-cluster: $(STAMP)
	$(BIN)/python -m bench.cluster

# The event loop's longest stall while a 5 MB article is read and ingested through the
# worker processes, against the loop idle, in the same run (bench/README.md).
bench-stall: $(STAMP)
	$(BIN)/python -m bench.loop_stall

# The web site under 50 concurrent clients on loopback against aiohttp serving a static file
# of each page's size (and the same bytes from memory), as ratios; then cold renders (the
# first request after a data change) at 10,000 and 100,000 events (bench/README.md, "Web").
bench-web: $(STAMP)
	$(BIN)/python -m bench.web

# The engine's own date resolver against dateparser, datefinder and timefhuman on the
# corpus sentences (bench/README.md, "Date extractors").
bench-dates: $(STAMP)
	$(BIN)/python -m bench.dates_compare

# How good the ingest engine is: recall and precision on the seed articles and the test
# articles, the known problems it flags, and its throughput; then, strictly, on the blind
# corpus's dev part and its held-out part (bench/corpus/, bench/README.md).
eval: $(STAMP)
	$(BIN)/python -m bench.ingest
	$(BIN)/python -m bench.corpus_eval

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
