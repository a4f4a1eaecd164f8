"""The site's feeds and data files: /calendar.ics read back with icalendar, /changes.atom
with ElementTree, /tariffs.csv, /tariffs.json and /events.json, against the curated data
on the tests' fixed date."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta

import pytest
from icalendar import Calendar

from bot.curated import Dataset
from bot.models import Milestone
from bot.web.data import COLUMNS, _cell
from tests.conftest import NOW
from tests.web_site import BASE, CURATOR, Site, open_site

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
async def site(store_factory: object, dataset: Dataset) -> AsyncIterator[Site]:
    async with open_site(store_factory, dataset) as opened:
        yield opened


async def calendar(site: Site) -> dict[str, object]:
    response, text = await site.get("/calendar.ics")
    assert response.status == 200
    assert response.content_type == "text/calendar"
    cal = Calendar.from_ical(text)
    return {str(ev["UID"]): ev for ev in cal.walk("VEVENT")}


def milestone(dataset: Dataset, milestone_id: str) -> Milestone:
    return next(m for m in dataset.milestones if m.id == milestone_id)


# -- the calendar -----------------------------------------------------------------------------


async def test_calendar_has_one_vevent_per_milestone_with_stable_uids(
    site: Site, dataset: Dataset
) -> None:
    events = await calendar(site)
    assert len(events) == len(dataset.milestones)
    host = BASE.removeprefix("https://")
    assert set(events) == {f"milestone-{m.id}@{host}" for m in dataset.milestones}
    for m in dataset.milestones:
        ev = events[f"milestone-{m.id}@{host}"]
        assert str(ev["URL"]) == f"{BASE}/milestones/{m.id}"  # type: ignore[index]
        assert int(ev["SEQUENCE"]) == 0  # type: ignore[index]
        assert "DTSTAMP" in ev  # type: ignore[operator]
    # passed milestones stay, with their outcome
    passed = [m for m in dataset.milestones if m.passed(NOW) and m.outcome is not None]
    assert passed
    for m in passed:
        ev = events[f"milestone-{m.id}@{host}"]
        assert m.outcome is not None
        assert m.outcome.status.value in str(ev["SUMMARY"])  # type: ignore[index]
        assert m.outcome.note in str(ev["DESCRIPTION"])  # type: ignore[index]


async def test_calendar_times_utc_instants_and_all_day_dates(site: Site) -> None:
    events = await calendar(site)
    host = BASE.removeprefix("https://")
    truce = events[f"milestone-truce-expiry@{host}"]
    # 00:01 EST on 10 Nov 2025 is 05:01 UTC
    start = truce["DTSTART"].dt  # type: ignore[index]
    assert start == datetime(2025, 11, 10, 5, 1, tzinfo=UTC)
    assert start.utcoffset() == timedelta(0)
    kl = events[f"milestone-malaysia-round@{host}"]
    # 25-26 Oct 2025 (Kuala Lumpur), all day: DTEND is the day after the last (exclusive)
    assert kl["DTSTART"].dt == date(2025, 10, 25)  # type: ignore[index]
    assert kl["DTEND"].dt == date(2025, 10, 27)  # type: ignore[index]
    assert "Kuala Lumpur" in str(kl["LOCATION"])  # type: ignore[index]
    assert "https://www.straitstimes.com/" in str(kl["DESCRIPTION"])  # type: ignore[index]


async def test_sequence_rises_when_the_time_changes_and_the_uid_stays(
    site: Site, dataset: Dataset
) -> None:
    host = BASE.removeprefix("https://")
    uid = f"milestone-g20-miami-2026@{host}"
    before = (await calendar(site))[uid]
    g20 = milestone(dataset, "g20-miami-2026")
    moved = g20.model_copy(
        update={"at": g20.at + timedelta(days=1), "ends": g20.ends and g20.ends + timedelta(days=1)}
    )
    await site.store.save(moved, guild_id=None, actor=CURATOR, reason="date moved")
    after = (await calendar(site))[uid]
    assert int(after["SEQUENCE"]) == 1  # type: ignore[index]
    assert after["DTSTART"].dt != before["DTSTART"].dt  # type: ignore[index]
    reworded = moved.model_copy(update={"description": "Same time, new words."})
    await site.store.save(reworded, guild_id=None, actor=CURATOR, reason="wording")
    again = (await calendar(site))[uid]
    assert int(again["SEQUENCE"]) == 1  # type: ignore[index]
    assert again["LAST-MODIFIED"].dt >= before["DTSTAMP"].dt  # type: ignore[index]


# -- the feed of changes ----------------------------------------------------------------------


async def feed(site: Site) -> ET.Element:
    response, text = await site.get("/changes.atom")
    assert response.status == 200 and response.content_type == "application/atom+xml"
    return ET.fromstring(text.encode("utf-8"))


async def test_changes_feed_has_stable_entries_linking_item_pages(
    site: Site, dataset: Dataset
) -> None:
    root = await feed(site)
    entries = root.findall(f"{ATOM}entry")
    assert len(entries) == 100  # the newest hundred of the curated load's changes
    ids = [e.findtext(f"{ATOM}id") for e in entries]
    assert len(set(ids)) == len(ids) and all(i and i.startswith("tag:") for i in ids)
    g20 = milestone(dataset, "g20-miami-2026")
    await site.store.save(
        g20.model_copy(update={"name": "G20 summit, Miami (renamed)"}),
        guild_id=None,
        actor=CURATOR,
        reason="name",
    )
    newer = (await feed(site)).findall(f"{ATOM}entry")
    first = newer[0]
    assert first.findtext(f"{ATOM}title") == "Corrected milestone: G20 summit, Miami (renamed)"
    link = first.find(f"{ATOM}link")
    assert link is not None and link.get("href") == f"{BASE}/milestones/g20-miami-2026"
    assert "name" in (first.findtext(f"{ATOM}summary") or "")
    assert [e.findtext(f"{ATOM}id") for e in newer[1:]] == ids[:99]  # older ids unchanged


# -- data files -------------------------------------------------------------------------------


async def test_tariffs_csv_has_one_row_per_layer(site: Site) -> None:
    response, text = await site.get("/tariffs.csv?as_of=2025-04-12")
    assert response.status == 200 and response.content_type == "text/csv"
    rows = list(csv.DictReader(io.StringIO(text)))
    assert rows and list(rows[0]) == list(COLUMNS)
    by_id = {r["id"]: r for r in rows}
    assert len(by_id) == len(rows)
    reciprocal = by_id["us-cn-reciprocal-125"]
    assert reciprocal["direction"] == "US on China" and reciprocal["rate"] == "125"
    assert reciprocal["status"] == "in_force" and reciprocal["since"] == "2025-04-10"
    assert reciprocal["sources"]
    broad = [
        r
        for r in rows
        if r["direction"] == "US on China"
        and r["status"] == "in_force"
        and r["scope"] == "across the board"
    ]
    assert sum(float(r["rate"]) for r in broad) == 145
    china = [
        r
        for r in rows
        if r["direction"] == "China on US"
        and r["status"] == "in_force"
        and r["scope"] == "across the board"
    ]
    assert sum(float(r["rate"]) for r in china) == 125
    assert by_id["us-cn-301-list3-25"]["scope"] == "product-specific"


async def test_tariffs_json_has_a_manifest_and_the_totals(site: Site) -> None:
    response, text = await site.get("/tariffs.json?as_of=2025-04-12")
    assert response.content_type == "application/json"
    data = json.loads(text)
    manifest = data["manifest"]
    assert manifest["as_of"] == "2025-04-12"
    assert manifest["data_version"] == await site.store.data_version()
    assert manifest["generated_at"] == NOW.isoformat()
    totals = {t["direction"]: t["across_the_board_total"] for t in data["totals"]}
    assert totals == {"US on CN": 145, "CN on US": 125}
    assert manifest["rows"] == len(data["layers"])
    cited = {sid for layer in data["layers"] for sid in layer["sources"]}
    assert cited == {s["id"] for s in data["sources"]}
    _, today = await site.get("/tariffs.json")
    assert json.loads(today)["manifest"]["as_of"] == NOW.date().isoformat()


async def test_events_json_lists_every_event_with_its_sources(site: Site, dataset: Dataset) -> None:
    _, text = await site.get("/events.json")
    data = json.loads(text)
    assert data["manifest"]["rows"] == len(dataset.events) == len(data["events"])
    fentanyl = next(e for e in data["events"] if e["id"] == "us-fentanyl-tariff-10")
    assert fentanyl["date"] == "2025-02-04" and fentanyl["precision"] == "day"
    assert fentanyl["url"] == f"{BASE}/events/us-fentanyl-tariff-10"
    assert fentanyl["sources"] == ["rec-eo-14195"]
    assert {s["id"] for s in data["sources"]} >= {"rec-eo-14195"}


async def test_the_chart_is_a_png_drawn_once_per_version_and_day(site: Site) -> None:
    response = await site.client.get("/tariffs.png?as_of=2025-04-12")
    png = await response.read()
    assert response.status == 200 and response.content_type == "image/png"
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    renders = site.state.responses.renders
    again = await site.client.get("/tariffs.png?as_of=2025-04-12")
    assert await again.read() == png and site.state.responses.renders == renders


def test_csv_cells_never_start_a_formula() -> None:
    assert _cell("=HYPERLINK(1)") == "'=HYPERLINK(1)"
    assert _cell("@SUM") == "'@SUM"
    assert _cell(12.5) == "12.5" and _cell(None) == "" and _cell(["a", "b"]) == "a b"
