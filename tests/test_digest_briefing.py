"""The digest, alert and status texts: pure functions of models and now."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from bot.briefing import countdown
from bot.briefing.digest import (
    DigestData,
    OutMessage,
    build_alert,
    build_digest,
)
from bot.briefing.digest_status import status_embed
from bot.curated import Dataset
from bot.models import AuditAction, AuditEntry, Event, GuildConfig, Kind
from tests.conftest import NOW


def embed_chars(message: OutMessage) -> int:
    total = 0
    for e in message.embeds:
        total += len(e.title or "") + len(e.description or "")
        total += len(e.footer.text or "") + len(e.author.name or "")
        total += sum(len(f.name or "") + len(f.value or "") for f in e.fields)
    return total


def check_limits(messages: list[OutMessage]) -> None:
    for message in messages:
        assert 1 <= len(message.embeds) <= 10
        assert embed_chars(message) <= 6000
        for e in message.embeds:
            assert len(e.title or "") <= 256 and len(e.description or "") <= 4096


def config(**kw: object) -> GuildConfig:
    return GuildConfig.model_validate(
        {"guild_id": 1, "digest_channel_id": 5, "timezone": "America/New_York", **kw}
    )


def text_of(messages: list[OutMessage]) -> str:
    return "\n".join(
        f"{e.author.name or ''}\n{e.title}\n{e.description}\n{e.footer.text or ''}"
        for m in messages
        for e in m.embeds
    )


def test_digest_of_the_curated_data_today(dataset: Dataset) -> None:
    data = DigestData(
        now=NOW,
        config=config(),
        milestones=dataset.milestones,
        tariff_measures=dataset.tariffs,
        changes=[],
        since=NOW - timedelta(days=1),
        sources={s.id: s for s in dataset.sources},
    )
    messages = build_digest(data, "digest/2026-11-21")
    check_limits(messages)
    text = text_of(messages)
    assert "daily digest for Sat 21 Nov 2026" in text
    upcoming = sorted((m for m in dataset.milestones if m.at > NOW), key=lambda m: m.at)
    if upcoming:
        assert f"**{upcoming[0].name}**" in text.split("Latest passed")[0]
    else:
        assert "No deadline or meeting is on the calendar." in text
    # the latest passed milestones, with their outcomes (or the lack of one)
    assert (
        "**Extended truce expires (Busan deal)** — <t:1794286860:D>: outcome not yet recorded"
        in text
    )
    passed = sorted(
        (m for m in dataset.milestones if (m.ends or m.at) <= NOW),
        key=lambda m: m.ends or m.at,
        reverse=True,
    )
    assert f"**{passed[0].name}**" in text.split("Latest passed")[1]
    assert "**China on US: 10%** across the board" in text
    yesterday = int((NOW - timedelta(days=1)).timestamp())
    assert f"No event was added or changed since the last digest (<t:{yesterday}:f>)." in text
    first = text_of(build_digest(replace(data, first=True), "digest/2026-11-21"))
    assert f"changed in the last week (since <t:{yesterday}:f>)." in first
    assert "• [Supreme Court of the United States" in text
    assert messages[-1].embeds[-1].footer.text == (
        "Trade talks briefing · ref digest/2026-11-21 · 1/1"
    )
    # the curators are told what waits for review, only when something does
    assert "For curators" not in text
    waiting = text_of(build_digest(replace(data, pending_review=3), "digest/2026-11-21"))
    assert "3 proposals from new reporting wait for review: `/review`" in waiting
    one = text_of(build_digest(replace(data, pending_review=1), "digest/2026-11-21"))
    assert "1 proposal from new reporting waits for review" in one


def test_upcoming_milestones_count_down_with_discord_timestamps(dataset: Dataset) -> None:
    now = datetime(2025, 10, 20, tzinfo=UTC)
    data = DigestData(
        now=now,
        config=config(),
        milestones=dataset.milestones,
        tariff_measures=dataset.tariffs,
        changes=[],
        since=None,
        sources={},
    )
    text = text_of(build_digest(data, "digest/x"))
    coming = text.split("⏳ Coming up")[1].split("📌")[0]
    by_id = {m.id: m for m in dataset.milestones}
    start = by_id["tariff-100-start"]  # all day: a date, no hour, as /countdown shows it
    assert f"**{start.name}** — {countdown.day_stamp(start.at)}" in coming
    assert countdown.day_stamp(start.at) != f"<t:{int(start.at.timestamp())}:D>"
    expiry = by_id["truce-expiry"]
    stamp = int(expiry.at.timestamp())
    assert f"**{expiry.name}** — <t:{stamp}:F> (<t:{stamp}:R>)" in coming
    assert "**US on China: 30%** across the board (Fentanyl tariff 20%, " in text
    assert "**China on US: 10%**" in text


def event(i: int) -> Event:
    return Event.model_validate(
        {
            "id": f"ev-{i:03d}",
            "date": "2026-11-20",
            "title": f"Event {i:03d} " + "word " * 35,
            "summary": "Summary.",
            "topic": "talks",
            "sources": ["src"],
        }
    )


def test_a_long_digest_runs_over_several_messages_and_loses_nothing() -> None:
    changes = [
        AuditEntry(
            at=NOW,
            guild_id=None,
            actor_id=None,
            actor_name="curated data",
            kind=Kind.EVENT,
            item_id=f"ev-{i:03d}",
            action=AuditAction.ADD,
            before=None,
            after=event(i).model_dump(mode="json"),
        )
        for i in range(300)
    ]
    data = DigestData(
        now=NOW, config=config(), milestones=[], tariff_measures=[], changes=changes, since=None
    )
    messages = build_digest(data, "digest/2026-11-21")
    check_limits(messages)
    assert len(messages) >= 8
    footers = [m.embeds[-1].footer.text for m in messages]
    n = len(messages)
    assert footers == [
        f"Trade talks briefing · ref digest/2026-11-21 · {i}/{n}" for i in range(1, n + 1)
    ]
    text = text_of(messages)
    for i in range(300):
        assert text.count(f"Event {i:03d} ") == 1
    assert "(continued)" in text
    # newest change first; an edited event appears once, as updated
    assert text.index("Event 299 ") < text.index("Event 000 ")


def test_an_edit_after_an_add_shows_once_as_updated() -> None:
    def entry(action: AuditAction) -> AuditEntry:
        return AuditEntry(
            at=NOW,
            guild_id=1,
            actor_id=3,
            actor_name="curator",
            kind=Kind.EVENT,
            item_id="ev-001",
            action=action,
            before=None,
            after=event(1).model_dump(mode="json"),
        )

    data = DigestData(
        now=NOW,
        config=config(),
        milestones=[],
        tariff_measures=[],
        changes=[entry(AuditAction.ADD), entry(AuditAction.EDIT)],
        since=None,
    )
    text = text_of(build_digest(data, "digest/x"))
    assert text.count("Event 001") == 1 and "Updated: **Event 001" in text
    assert "(20 Nov 2026)" in text


def test_alerts_say_how_long_is_left(dataset: Dataset) -> None:
    by_id = {m.id: m for m in dataset.milestones}
    sources = {s.id: s for s in dataset.sources}
    expiry = by_id["truce-expiry"]
    titles = {
        offset: build_alert(expiry, offset, sources, f"alert-{offset}@1/x", NOW).embeds[0]
        for offset in ("7d", "1d", "1h", "due")
    }
    assert titles["7d"].title == "⏰ In 7 days: Tariff truce expires (August extension)"
    assert titles["1d"].title == "⏰ Tomorrow: Tariff truce expires (August extension)"
    assert titles["1h"].title == "⏰ Within the hour: Tariff truce expires (August extension)"
    assert titles["due"].title == "🔔 Now: Tariff truce expires (August extension)"
    stamp = int(expiry.at.timestamp())
    assert f"**When:** <t:{stamp}:F> (<t:{stamp}:R>)" in (titles["1d"].description or "")
    assert "**Sources**" in (titles["1d"].description or "")
    assert titles["due"].footer.text == "Trade talks briefing · ref alert-due@1/x · 1/1"


def test_status_card() -> None:
    off = status_embed(GuildConfig(guild_id=1), next_at=None, last_sent_at=None)
    assert off.title == "Digest: off" and "/digest setup" in (off.description or "")
    on = status_embed(config(), next_at=NOW, last_sent_at=None)
    fields = {f.name: f.value for f in on.fields}
    assert on.title == "Digest: on"
    assert fields["Channel"] == "<#5>"
    assert fields["Schedule"] == "Daily at 09:00 (America/New_York)"
    assert fields["Next digest"] == f"<t:{int(NOW.timestamp())}:F> (<t:{int(NOW.timestamp())}:R>)"
    assert fields["Last digest"] == "None yet"
    paused = status_embed(
        config(paused_reason="The digest channel <#5> was deleted.", frequency="weekly"),
        next_at=NOW,
        last_sent_at=NOW,
    )
    fields = {f.name: f.value for f in paused.fields}
    assert paused.title == "Digest: paused"
    assert fields["Paused"].startswith("The digest channel <#5> was deleted.")
    assert fields["Schedule"] == "Weekly, Mondays at 09:00 (America/New_York)"
    assert "Next digest" not in fields
