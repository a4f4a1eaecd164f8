"""How the record keeps a moving story: a deadline's extensions as one chain, a layer's legal
end beside its collection end, and the check that the ledger holds every tariff the record's
own words name."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
import yaml
from pydantic import ValidationError

from bot import tariffs
from bot.briefing import countdown
from bot.briefing.tariffs import tariffs_briefing
from bot.coverage import gaps
from bot.curated import DataError, Dataset, load_dataset
from bot.models import Event, Milestone, TariffMeasure
from tests.seen import embed_text
from tests.test_data import _copy_data, _layer


def test_the_truce_is_one_chain_of_extensions(dataset: Dataset) -> None:
    by_id = {m.id: m for m in dataset.milestones}
    latest = by_id["truce-expiry-2026"]
    chain = countdown.earlier_ends(latest, dataset.milestones)
    assert [m.id for m in chain] == ["geneva-truce-expiry", "truce-expiry"]
    assert all(m.outcome is not None and m.outcome.status == "extended" for m in chain)
    sources = {s.id: s for s in dataset.sources}
    now = datetime(2026, 12, 2, tzinfo=UTC)
    card = embed_text(countdown.milestone_embed(latest, sources, now, {}, earlier=chain))
    assert "How it moved (2 extensions)" in card
    assert "12 Aug 2025 → 10 Nov 2025 → **10 Nov 2026**" in card
    assert "Extended on 11 Aug 2025 by 90 days" in card
    # the first deadline of the chain has no earlier end, and its card says nothing of one
    first = countdown.milestone_embed(by_id["geneva-truce-expiry"], sources, now, {})
    assert "How it moved" not in embed_text(first)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"follows": "no-such-milestone"}, "unknown milestone 'no-such-milestone'"),
        ({"follows": "g20-miami-2026"}, "'g20-miami-2026' is not earlier than this milestone"),
        ({"follows": "sec122-expiry"}, "'sec122-expiry' has no outcome 'extended'"),
    ],
)
def test_a_bad_follows_link_is_refused(
    tmp_path: Path, change: dict[str, str], message: str
) -> None:
    data = _copy_data(tmp_path)
    path = data / "milestones.yaml"
    items = yaml.safe_load(path.read_text(encoding="utf-8"))
    target = next(m for m in items if m["id"] == "truce-expiry-2026")
    target.update(change)
    path.write_text(yaml.safe_dump(items), encoding="utf-8")
    with pytest.raises(DataError) as info:
        load_dataset(data)
    assert f"milestone 'truce-expiry-2026': follows: {message}" in "\n".join(info.value.errors)


def test_ieepa_layers_keep_their_legal_end_and_were_collected_until_24_february(
    dataset: Dataset,
) -> None:
    ieepa = [
        m
        for m in dataset.tariffs
        if "IEEPA" in m.legal_basis and m.target == "CN" and m.effective_from is not None
    ]
    ended = [m for m in ieepa if m.effective_until == date(2026, 2, 24)]
    assert ended and all(m.legal_end == date(2026, 2, 20) for m in ended)
    # between the ruling and the end of collection, the stack is what customs collected
    for day, total in [(date(2026, 2, 19), 20), (date(2026, 2, 22), 20), (date(2026, 2, 24), 10)]:
        assert tariffs.view(dataset.tariffs, "US", "CN", day).total == total, day
    sources = {s.id: s for s in dataset.sources}
    text = "\n".join(
        embed_text(e)
        for e in tariffs_briefing(dataset.tariffs, sources, date(2026, 2, 22), conflicts={}).embeds
    )
    assert "void in law from 20 Feb 2026, collected until 24 Feb 2026" in text
    later = "\n".join(
        embed_text(e)
        for e in tariffs_briefing(dataset.tariffs, sources, date(2026, 3, 10), conflicts={}).embeds
    )
    assert "in force 14 May 2025 – 24 Feb 2026 (void in law from 20 Feb 2026)" in later
    assert "void in law from 20 Feb 2026, collected" not in later  # only while it was collected


def test_a_legal_end_is_only_for_a_lift_and_never_after_collection_stopped() -> None:
    with pytest.raises(ValidationError, match="only for a lifted status"):
        TariffMeasure.model_validate(
            _layer(history=[{"status": "in_force", "day": "2025-01-01", "legal_day": "2025-01-01"}])
        )
    with pytest.raises(ValidationError, match="collection cannot stop before the legal end"):
        TariffMeasure.model_validate(
            _layer(
                history=[
                    {"status": "in_force", "day": "2025-01-01"},
                    {"status": "lifted", "day": "2025-03-01", "legal_day": "2025-03-05"},
                ]
            )
        )
    same_day = TariffMeasure.model_validate(
        _layer(
            history=[
                {"status": "in_force", "day": "2025-01-01"},
                {"status": "lifted", "day": "2025-03-01", "legal_day": "2025-03-01"},
            ]
        )
    )
    assert same_day.legal_end is None  # nothing to tell apart


def test_the_ledger_holds_every_tariff_the_record_names(dataset: Dataset) -> None:
    assert gaps(dataset.events, dataset.milestones, dataset.tariffs) == []


def test_a_named_tariff_missing_from_the_ledger_is_flagged(dataset: Dataset) -> None:
    """Without the 2018 metals layers, the event that reports them shows the gap; a sentence
    listing China's counter-tariff beside US cranes does not pair the two."""
    without = [m for m in dataset.tariffs if "Proclamation 970" not in m.legal_basis]
    assert len(without) == len(dataset.tariffs) - 2
    found = gaps(dataset.events, dataset.milestones, without)
    lines = [g.line() for g in found]
    assert any(
        "event 'us-232-metals-2018' (2018-03-23): names a Section 232 on steel tariff" in line
        for line in lines
    ), lines
    assert any("Section 232 on aluminium" in line for line in lines)
    assert not any("Customs Tariff Commission on crane" in line for line in lines)


def test_gaps_see_goods_near_their_basis_only() -> None:
    event = Event.model_validate(
        {
            "id": "made-up",
            "date": "2019-05-10",
            "title": "A made-up story",
            "summary": (
                "The US raises Section 232 duties on lumber. China's counter-tariff on US pork "
                "rises; separately, far away in the same sentence, the US talks about cranes."
            ),
            "topic": "tariffs",
            "sources": ["src"],
        }
    )
    milestone = Milestone.model_validate(
        {
            "id": "made-up-review",
            "name": "IEEPA review",
            "at": "2019-06-01T00:00:00+00:00",
            "timezone": "UTC",
            "kind": "deadline",
            "sources": ["src"],
        }
    )
    found = {(g.basis, g.goods) for g in gaps([event], [milestone], [])}
    assert found == {
        ("Section 232", "lumber"),
        ("Customs Tariff Commission", "pork"),
        ("IEEPA", None),
    }


def test_check_data_fails_on_a_gap_with_one_line_per_sentence(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from bot.__main__ import main

    data = _copy_data(tmp_path)
    path = data / "tariffs.yaml"
    items = yaml.safe_load(path.read_text(encoding="utf-8"))
    kept = [t for t in items if "Proclamation 970" not in t["legal_basis"]]
    assert len(kept) == len(items) - 2
    path.write_text(yaml.safe_dump(kept, allow_unicode=True), encoding="utf-8")
    assert main(["check-data", "--data-dir", str(data)]) == 1
    err = capsys.readouterr().err
    assert "event 'us-232-metals-2018' (2018-03-23): names a Section 232 on steel tariff" in err
    assert err.strip().splitlines()[-1].startswith("error: ")
    assert "are not in the ledger" in err
