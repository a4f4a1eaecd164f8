"""Answers consistent with themselves (issue 22, point 9), renderer by renderer: a timeline
footer that names one date once and a span of pages with 'from … to', the ⚠️ legend only
where a ⚠️ is shown, a passed milestone's outcome once, a post not followed by its own
organisation again, a review page that shows every proposal its footer counts, the digest's
days left for a milestone known by its day, and a fixed offset shown as UTC+08:00."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.briefing.common import Refs
from bot.briefing.countdown import milestone_embed
from bot.briefing.digest import when as digest_when
from bot.briefing.people import post_line
from bot.briefing.review import queue_embed
from bot.briefing.timeline import page_embed
from bot.curated import Dataset
from bot.ingesting import zone_label
from bot.models import Queued, TimelineFilter, TimelinePage
from tests.conftest import NOW
from tests.seen import embed_text


def test_timeline_footer_dates_and_legend(dataset: Dataset) -> None:
    calm = [e for e in dataset.events if not e.conflicts]
    one = page_embed(TimelinePage([calm[0]], False, False), TimelineFilter(), {})
    footer = one.footer.text or ""
    assert f"{calm[0].date.label()} – {calm[0].date.label()}" not in footer
    assert calm[0].date.label() in footer and "⚠️" not in footer
    spans = [e for e in dataset.events if e.date.start != e.date.end][:2]
    two = page_embed(TimelinePage(spans[::-1], True, False), TimelineFilter(), {})
    assert "from " in (two.footer.text or "") and " to " in (two.footer.text or "")
    flagged = [e for e in dataset.events if e.conflicts][:1]
    marked = page_embed(TimelinePage(flagged, False, False), TimelineFilter(), {})
    assert "⚠️ = sources disagree" in (marked.footer.text or "")


def test_a_passed_milestones_outcome_is_said_once(dataset: Dataset) -> None:
    held = next(m for m in dataset.milestones if m.outcome is not None)
    sources = {s.id: s for s in dataset.sources}
    text = embed_text(milestone_embed(held, sources, NOW + timedelta(days=400), {}))
    assert text.count(held.outcome.note[:40]) == 1  # type: ignore[union-attr]


def test_a_post_is_not_followed_by_its_own_organisation(dataset: Dataset) -> None:
    xi = next(p for p in dataset.people if p.id == "xi-jinping")
    sources = {s.id: s for s in dataset.sources}
    line = post_line(xi.posts[0], Refs(sources))
    assert line.startswith("**President of the People's Republic of China** (")


def test_a_review_page_shows_every_proposal_it_counts(dataset: Dataset) -> None:
    title = "A long proposal title about tariff talks and their many consequences " * 2
    page = [
        Queued(
            id=n,
            guild_id=1,
            source_id="s1",
            kind="event",
            data={"kind": "event", "date": "2026-11-24", "title": title},
            status="pending",
            created_at=NOW,
            created_by="x",
            decided_at=None,
            decided_by=None,
            reason=None,
            item_kind=None,
            item_id=None,
        )
        for n in range(1, 9)
    ]
    embed = queue_embed(page, 16, 0, {})
    text = embed_text(embed)
    assert all(f"#{n}" in text for n in range(1, 9)) and "more" not in text
    assert (embed.footer.text or "").startswith("1–8 of 16 pending")
    assert "⚠️" not in (embed.footer.text or "")


def test_the_digest_counts_days_to_a_milestone_known_by_its_day(dataset: Dataset) -> None:
    g20 = next(m for m in dataset.milestones if m.id == "g20-miami-2026")
    assert g20.all_day
    now = datetime(2026, 12, 2, 15, 0, tzinfo=UTC)
    assert digest_when(g20, now).endswith("(in 12 days)")
    assert digest_when(replace_at(g20, now), now).endswith("(today)")


def replace_at(m: object, now: datetime) -> object:
    return m.model_copy(update={"at": now.astimezone(ZoneInfo("America/New_York"))})  # type: ignore[attr-defined]


def test_a_fixed_offset_reads_as_utc_plus() -> None:
    at = datetime(2026, 11, 24, 9, 0, tzinfo=ZoneInfo("Etc/GMT-8"))
    assert zone_label("Etc/GMT-8", at) == "UTC+08:00"
    assert zone_label("Asia/Shanghai", at) == "Asia/Shanghai"


def test_a_cut_never_leaves_a_bracket_open() -> None:
    from bot.briefing.text import truncate

    cut = truncate("face masks (2026 increases from 1 Jan): rubber gloves 100%", 30)
    assert cut == "face masks…"
    outlet = truncate("Thompson Hine (law-firm blog, on CBP CSMS, quoting the notice)", 40)
    assert outlet == "Thompson Hine…"
    assert truncate("short (kept whole)", 40) == "short (kept whole)"
