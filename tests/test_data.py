"""The curated data: it validates, every item cites a source, each seed article has its
Source, and the facts the bot leads with match the record."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import yaml
from pydantic import ValidationError

from bot import tariffs
from bot.curated import DataError, Dataset, load_dataset
from bot.dates import Precision
from bot.models import OutcomeStatus, TariffMeasure, TariffStatus
from tests.conftest import DATA_DIR, shared_path


def test_data_files_validate_and_every_item_has_a_source(dataset: Dataset) -> None:
    assert dataset.unsourced() == []
    assert len(dataset.events) >= 20
    for event in dataset.events:
        assert event.sources, event.id
    for person in dataset.people:
        assert all(post.sources for post in person.posts), person.id


def test_one_source_per_seed_article(dataset: Dataset) -> None:
    seeds = shared_path("seeds")
    files = sorted(p.name for p in seeds.glob("*.txt"))
    articles = [s for s in dataset.sources if s.kind == "article"]
    assert sorted(s.seed_file for s in articles) == files
    for source in articles:
        text = (seeds / str(source.seed_file)).read_text(encoding="utf-8")
        # The headline we record is on the page (modulo the page's own truncation).
        assert source.headline.split(" -- ")[0][:40] in text, source.id


def test_seed_dates_are_resolved_in_their_own_zones(dataset: Dataset) -> None:
    by_id = {s.id: s for s in dataset.sources}
    dj = by_id["dj-li-heads-to-us"]
    assert dj.published == datetime(2025, 8, 26, 2, 38, tzinfo=UTC)
    assert dj.date_window.start == date(2025, 8, 25)  # "Monday" in New York
    assert dj.page_date == date(2025, 8, 26)
    caliber = by_id["caliber-dialogue-resumes"]
    assert caliber.retells == ["dj-li-heads-to-us"]
    call = by_id["envoys-video-call"]
    assert call.page_date == date(2025, 10, 30) and call.date_window.start == date(2025, 10, 18)
    for undated in ("reuters-label-delegation", "stockholm-truce-talks"):
        assert by_id[undated].published is None and by_id[undated].problems


def test_relative_dates_in_the_video_call_story(dataset: Dataset) -> None:
    events = {e.id: e for e in dataset.events}
    call = events["bessent-he-video-call"]
    # Friday evening in Washington is Saturday morning in Beijing.
    assert (call.date.start, call.date.end) == (date(2025, 10, 17), date(2025, 10, 18))
    friday_evening_dc = datetime(2025, 10, 17, 20, 0, tzinfo=ZoneInfo("America/New_York"))
    assert friday_evening_dc.astimezone(ZoneInfo("Asia/Shanghai")).strftime("%A") == "Saturday"
    # "a week from tomorrow", said on Friday 17 Oct in Washington.
    assert events["malaysia-round"].date.start == date(2025, 10, 25)
    assert events["li-washington-visit"].date.precision is Precision.WEEK


def test_tariff_levels_follow_from_the_stack(dataset: Dataset) -> None:
    us = tariffs.of_pair(dataset.tariffs, "US", "CN")
    cn = tariffs.of_pair(dataset.tariffs, "CN", "US")
    us_peak, cn_peak = tariffs.peak(us), tariffs.peak(cn)
    assert us_peak is not None and (us_peak.rate, us_peak.start, us_peak.end) == (
        145,
        date(2025, 4, 10),
        date(2025, 5, 14),
    )
    assert cn_peak is not None and (cn_peak.rate, cn_peak.start) == (125, date(2025, 4, 12))
    truce = date(2025, 8, 26)
    assert tariffs.total_on(us, truce) == 30  # "around 30%"
    assert tariffs.total_on(cn, truce) == 10  # "about 10%"
    threat = tariffs.view(dataset.tariffs, "US", "CN", date(2025, 10, 20))
    assert [m.rate for m in threat.threatened if m.applies_to_all] == [100]
    after_busan = tariffs.view(dataset.tariffs, "US", "CN", date(2025, 11, 20))
    assert after_busan.total == 20
    assert not [m for m in after_busan.threatened if m.applies_to_all]
    # the IEEPA duties were ruled void on 20 Feb 2026 but collected until 24 Feb, when
    # Section 122 took over: no days at zero in between
    assert tariffs.total_on(us, date(2026, 2, 22)) == 20
    assert tariffs.total_on(us, date(2026, 2, 24)) == 10
    assert tariffs.total_on(us, date(2026, 4, 1)) == 10
    # it lapsed on 24 Jul 2026, when the forced-labour Section 301 duty began
    assert tariffs.total_on(us, date(2026, 11, 30)) == 12.5
    assert tariffs.total_on(cn, date(2026, 11, 30)) == 10
    standing = tariffs.view(dataset.tariffs, "US", "CN", date(2026, 11, 30)).targeted
    assert {"us-cn-301-list1-25", "us-cn-301-list3-25", "us-cn-232-metals-50"} <= {
        m.id for m in standing
    }
    for measure in dataset.tariffs:
        assert measure.status in TariffStatus


def test_milestones_match_the_record(dataset: Dataset) -> None:
    ms = {m.id: m for m in dataset.milestones}
    truce = ms["truce-expiry"]
    assert truce.at == datetime(2025, 11, 10, 0, 1, tzinfo=ZoneInfo("America/New_York"))
    assert (
        truce.at.utcoffset() is not None and truce.at.utcoffset().total_seconds() == -5 * 3600
    )  # EST
    assert truce.outcome is not None and truce.outcome.status is OutcomeStatus.EXTENDED
    apec = ms["apec-leaders-meeting"]
    assert apec.place == "Gyeongju, South Korea" and apec.all_day
    assert (apec.at.date(), apec.ends.date() if apec.ends else None) == (
        date(2025, 10, 31),
        date(2025, 11, 1),
    )
    assert ms["tariff-100-start"].at.date() == date(2025, 11, 1)
    assert ms["tariff-100-start"].outcome is not None
    assert ms["truce-expiry-2026"].outcome is None  # passed; for a curator to settle


def test_conflicts_are_flagged_with_both_sides(dataset: Dataset) -> None:
    conflicts = {c.id: c for c in dataset.conflicts}
    ustr = conflicts["li-washington-counterpart"]
    assert {c.source for c in ustr.claims} >= {"dj-li-heads-to-us", "reuters-label-delegation"}
    assert ustr.settled and "rec-greer-confirmed" in ustr.supported_by
    assert {"truce-end-2025", "threat-timing", "truce-lapse-level", "xi-meeting-setting"} <= set(
        conflicts
    )
    for conflict in conflicts.values():
        assert conflict.claims, conflict.id


def test_one_dispute_is_one_conflict_that_every_item_it_touches_names(dataset: Dataset) -> None:
    """The same disagreement is recorded once: the USTR mix-up is named by both people, the
    end of the August truce by the event and the milestone, the lapse level by the event and
    the suspended tariff layer."""
    named: dict[str, set[str]] = {}
    for item in dataset.disputable():
        for conflict_id in item.conflicts:
            named.setdefault(conflict_id, set()).add(item.id)
    assert named["ustr-august-2025"] == {"jamieson-greer", "katherine-tai"}
    assert named["truce-end-2025"] == {"truce-extended", "truce-expiry"}
    assert named["truce-lapse-level"] >= {"truce-extended", "us-cn-reciprocal-suspended-24"}
    questions = [c.question.casefold() for c in dataset.conflicts]
    assert len(questions) == len(set(questions))
    assert set(named) == {c.id for c in dataset.conflicts}  # none is orphaned


def test_quotes_are_brief_and_attributed(dataset: Dataset) -> None:
    for event in dataset.events:
        for quote in event.quotes:
            assert len(quote.text.split()) <= 15, (event.id, quote.text)
            assert quote.source in event.all_source_ids()


def _copy_data(tmp_path: Path) -> Path:
    target = tmp_path / "data"
    target.mkdir()
    for f in DATA_DIR.glob("*.yaml"):
        (target / f.name).write_text(f.read_text(encoding="utf-8"), encoding="utf-8")
    return target


def test_errors_name_file_item_and_field(tmp_path: Path) -> None:
    data = _copy_data(tmp_path)
    events = yaml.safe_load((data / "events.yaml").read_text(encoding="utf-8"))
    events[0]["sources"] = []
    events[1]["sources"] = ["no-such-source"]
    events[2]["date"] = "2025-02-30"
    (data / "events.yaml").write_text(yaml.safe_dump(events), encoding="utf-8")
    with pytest.raises(DataError) as info:
        load_dataset(data)
    text = "\n".join(info.value.errors)
    assert f"data/events.yaml: event '{events[0]['id']}': sources:" in text
    assert f"event '{events[1]['id']}': sources: unknown source 'no-such-source'" in text
    assert f"event '{events[2]['id']}': date:" in text and "not a real date" in text


def test_conflicts_named_must_exist_and_every_conflict_is_named(tmp_path: Path) -> None:
    data = _copy_data(tmp_path)
    events = yaml.safe_load((data / "events.yaml").read_text(encoding="utf-8"))
    named = next(e for e in events if e["id"] == "trump-100-threat")
    assert named["conflicts"] == ["threat-timing"]  # named by this event alone
    named["conflicts"] = ["no-such-dispute"]
    (data / "events.yaml").write_text(yaml.safe_dump(events), encoding="utf-8")
    conflicts = yaml.safe_load((data / "conflicts.yaml").read_text(encoding="utf-8"))
    conflicts[0]["claims"][0]["source"] = "no-such-source"
    (data / "conflicts.yaml").write_text(yaml.safe_dump(conflicts), encoding="utf-8")
    with pytest.raises(DataError) as info:
        load_dataset(data)
    text = "\n".join(info.value.errors)
    assert f"event '{named['id']}': conflicts: unknown conflict 'no-such-dispute'" in text
    assert f"conflict '{conflicts[0]['id']}': sources: unknown source 'no-such-source'" in text
    assert "conflict 'threat-timing': no event, person, tariff or milestone names it" in text


def _layer(**extra: object) -> dict[str, object]:
    return {
        "id": "layer",
        "imposer": "CN",
        "target": "US",
        "name": "Layer",
        "legal_basis": "Basis",
        "rate": 25,
        "history": [{"status": "in_force", "day": "2025-01-01"}],
        "sources": ["src"],
    } | extra


def test_a_status_past_its_end_date_says_what_followed_is_unknown() -> None:
    suspended = TariffMeasure.model_validate(
        _layer(
            history=[
                {"status": "in_force", "day": "2025-01-01"},
                {"status": "suspended", "day": "2025-11-10", "until": "2026-11-10"},
            ]
        )
    )
    assert suspended.overdue_on(date(2026, 11, 9)) is None
    assert suspended.overdue_on(date(2026, 11, 10)) == date(2026, 11, 10)
    assert suspended.status_on(date(2026, 11, 30)) is TariffStatus.SUSPENDED  # kept, flagged
    ended = TariffMeasure.model_validate(
        _layer(
            history=[
                {"status": "in_force", "day": "2026-02-24", "until": "2026-07-24"},
                {"status": "lifted", "day": "2026-07-24"},
            ]
        )
    )
    assert ended.overdue_on(date(2026, 8, 1)) is None  # what followed is on record
    with pytest.raises(ValidationError, match="not after day"):
        TariffMeasure.model_validate(
            _layer(history=[{"status": "in_force", "day": "2025-01-01", "until": "2025-01-01"}])
        )


def test_a_range_of_rates_is_only_for_product_lists() -> None:
    band = TariffMeasure.model_validate(_layer(rate_from=5, applies_to_all=False))
    assert (band.rate_from, band.rate) == (5, 25)
    with pytest.raises(ValidationError, match="only for product lists"):
        TariffMeasure.model_validate(_layer(rate_from=5))
    with pytest.raises(ValidationError, match="below rate"):
        TariffMeasure.model_validate(_layer(rate_from=30, applies_to_all=False))
