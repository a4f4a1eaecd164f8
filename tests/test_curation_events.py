"""/event add, edit, remove, restore and history, driven through SimCord as a curator would,
checking what the curator sees, what readers would see and what the store holds."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import pytest

from bot.briefing.cards import event_embed
from bot.briefing.text import inert
from bot.client import BriefingBot
from bot.models import AuditAction, Event, Kind, Person, Source
from bot.store import TimelineFilter
from bot.store._timeline import EVENT_TITLES
from tests.conftest import World
from tests.curation_helpers import answer, refused, shown_id, snapshot

LINK = "https://www.example-news.com/2025/10/09/talks"


async def reader_view(world: World, event_id: str) -> dict[str, object] | None:
    """The event as this server's readers get it from the store, rendered; None if hidden."""
    store = world.bot.store
    event = await store.get_item(Kind.EVENT, event_id, world.guild.id)
    if event is None:
        return None
    assert isinstance(event, Event)
    people = {p.id: p for p in await store.list_typed(Person, world.guild.id)}
    sources = {s.id: s for s in await store.list_typed(Source, world.guild.id)}
    conflicts = await store.conflicts_by_id(world.guild.id)
    return event_embed(event, people=people, sources=sources, conflicts=conflicts).to_dict()


async def on_timeline(world: World, event_id: str) -> bool:
    page = await world.bot.store.timeline(world.guild.id, TimelineFilter(), limit=100)
    return event_id in {e.id for e in page.events}


async def test_admin_adds_edits_removes_and_restores_an_event(world: World) -> None:
    store = world.bot.store
    ch = world.channel

    # add
    added = answer(
        await world.admin.slash(
            ch,
            "event add",
            date="9 Oct 2025",
            title="Beijing widens rare-earth export controls",
            summary="China adds five rare earths to its export-control list.",
            topic="export-controls",
            people="He Lifeng, Bessnet",
            source_url=LINK,
            source_name="Example News",
        )
    )
    assert added.ephemeral
    event_id = shown_id(added)
    assert event_id.startswith("beijing-widens-rare-earth-export-controls-")
    stored = await store.get(Kind.EVENT, event_id, world.guild.id)
    assert stored is not None and stored.scope == world.guild.id and stored.origin == "guild"
    event = stored.item
    assert isinstance(event, Event)
    assert event.people == ["he-lifeng", "scott-bessent"]  # 'Bessnet' matched by spelling
    assert event.date.canonical() == "2025-10-09" and event.topic == "export-controls"
    source = await store.get_item(Kind.SOURCE, event.sources[0], world.guild.id)
    assert isinstance(source, Source)
    assert (source.outlet, str(source.url), source.kind) == ("Example News", LINK, "article")
    assert source.published_window == event.date and source.timezone == "UTC"
    assert added.embeds[0].to_dict() == await reader_view(world, event_id)
    assert added.embeds[0].footer.text == f"id: {event_id}"
    assert await on_timeline(world, event_id)
    assert await store.get_item(Kind.EVENT, event_id, world.guild.id + 1) is None

    # edit: options
    edited = answer(
        await world.admin.slash(
            ch,
            "event edit",
            event=event_id,
            title="China widens rare-earth export controls",
            reason="Beijing is the capital; China is the actor",
        )
    )
    assert "(title)" in edited.content
    event = await store.get_item(Kind.EVENT, event_id, world.guild.id)
    assert isinstance(event, Event) and event.title == "China widens rare-earth export controls"
    assert edited.embeds[0].to_dict() == await reader_view(world, event_id)

    # edit: the form, for a long summary
    shown = await world.admin.slash(ch, "event edit", event=event_id)
    assert shown.modal is not None
    long_summary = ("China adds holmium, erbium, thulium, europium and ytterbium. " * 20).strip()
    assert 1000 < len(long_summary) <= 1500
    via_form = answer(
        await world.admin.submit_modal(
            shown,
            {
                "title": event.title,
                "date": "2025-10-09",
                "summary": long_summary,
                "people": "He Lifeng, Scott Bessent",
                "reason": "fuller summary",
            },
        )
    )
    assert "(summary)" in via_form.content
    event = await store.get_item(Kind.EVENT, event_id, world.guild.id)
    assert isinstance(event, Event) and event.summary == long_summary
    assert via_form.embeds[0].description == f"{long_summary} [1]"  # cited as readers see it

    # remove
    removed = answer(
        await world.admin.slash(ch, "event remove", event=event_id, reason="duplicate entry")
    )
    assert "no longer see it" in removed.content
    assert await reader_view(world, event_id) is None
    assert not await on_timeline(world, event_id)
    kept = await store.get(Kind.EVENT, event_id, world.guild.id, include_removed=True)
    assert kept is not None and kept.removed and kept.removed_reason == "duplicate entry"
    restorable = await world.admin.autocomplete(ch, "event restore", "event", "")
    assert [c["value"] for c in restorable] == [event_id]

    # restore
    restored = answer(await world.admin.slash(ch, "event restore", event=event_id))
    assert restored.embeds[0].to_dict() == await reader_view(world, event_id)
    assert await on_timeline(world, event_id)

    # history: who, what, when, why
    history = answer(await world.admin.slash(ch, "event history", event=event_id))
    text = history.embeds[0].description
    assert [
        a.value
        for a in (h.action for h in await store.history(Kind.EVENT, event_id, world.guild.id))
    ] == [
        "add",
        "edit",
        "edit",
        "remove",
        "restore",
    ]
    assert text.index("**restored**") < text.index("**removed**") < text.index("**added**")
    assert "by curator" in text and "> duplicate entry" in text
    assert "title: “Beijing widens rare-earth export controls” → “China widens" in text
    assert "> Beijing is the capital; China is the actor" in text


async def test_a_curated_event_edited_here_is_this_servers_overlay(world: World) -> None:
    store = world.bot.store
    await world.admin.slash(
        world.channel, "event edit", event="geneva-talks", title="Geneva talks (our wording)"
    )
    mine = await store.get(Kind.EVENT, "geneva-talks", world.guild.id)
    theirs = await store.get(Kind.EVENT, "geneva-talks", world.guild.id + 1)
    assert mine is not None and mine.origin == "overlay" and mine.item.title.endswith("wording)")
    assert theirs is not None and theirs.curated and "our wording" not in theirs.item.title
    await world.admin.slash(world.channel, "event remove", event="geneva-talks", reason="off topic")
    assert await store.get(Kind.EVENT, "geneva-talks", world.guild.id) is None
    assert await store.get(Kind.EVENT, "geneva-talks", world.guild.id + 1) is not None


async def test_a_change_survives_a_restart(
    world: World, bot_factory: Callable[..., BriefingBot]
) -> None:
    added = answer(
        await world.admin.slash(
            world.channel,
            "event add",
            date="2025-11",
            title="Soybean purchases resume",
            summary="Chinese buyers book US soybean cargoes again.",
            topic="agriculture",
            source_url="rec-xinhua-vice-premiers",
        )
    )
    event_id = shown_id(added)
    await world.admin.slash(world.channel, "event edit", event=event_id, date="mid Nov 2025")

    await world.env.restart_bot(bot_factory())

    event = await world.bot.store.get_item(Kind.EVENT, event_id, world.guild.id)
    assert isinstance(event, Event) and event.date.label() == "mid Nov 2025"
    assert event.sources == ["rec-xinhua-vice-premiers"]  # a known source, cited by id
    history = answer(await world.admin.slash(world.channel, "event history", event=event_id))
    assert "**edited**" in history.embeds[0].description
    assert "date: “2025-11” → “mid 2025-11”" in history.embeds[0].description


async def test_everyone_in_a_title_pings_nobody(world: World) -> None:
    result = await world.admin.slash(
        world.channel,
        "event add",
        date="2025-10-30",
        title="@everyone Trump and Xi meet in Busan @here",
        summary="<@&1> and @everyone: the leaders agree a one-year truce.",
        source_url=LINK,
    )
    shown = answer(result)
    embed = shown.embeds[0]
    assert embed.title == "@everyone Trump and Xi meet in Busan @here"  # shown as typed
    assert embed.description == "<@&1> and @everyone: the leaders agree a one-year truce. [1]"
    assert "@everyone" not in shown.content and "@here" not in shown.content
    message = shown.message
    assert not message.mention_everyone and not message.role_mentions and not message.mentions
    sent = [
        r.json
        for r in world.env.http_requests
        if r.method == "POST" and "/webhooks/" in r.path and isinstance(r.json, dict)
    ]
    assert sent and all(body["allowed_mentions"] == {"parse": []} for body in sent)


@pytest.mark.parametrize(
    ("field", "value", "expected"),
    [
        ("date", "2025-02-30", "February 2025 has 28 days"),
        ("date", "next Tuesday", "not a date I can read"),
        ("title", "   ", "The title is empty"),
        ("summary", "x" * 5000, "5,000 characters long; the limit is 1,500"),
        ("people", "Bessent, Nobody McFake", "Unknown people: 'Nobody McFake'"),
        ("source_url", "javascript:alert(document.cookie)", "got a 'javascript:' link"),
        ("source_url", "data:text/html,<script>alert(1)</script>", "got a 'data:' link"),
        ("source_url", "ftp://example.com/file", "http:// or https://"),
    ],
)
async def test_bad_input_gets_a_clear_error_and_changes_nothing(
    world: World, field: str, value: str, expected: str
) -> None:
    before = await snapshot(world.bot.store)
    options = {
        "date": "2025-10-09",
        "title": "A valid title",
        "summary": "A valid summary.",
        "source_url": LINK,
        field: value,
    }
    message = await refused(world, world.admin, "event add", **options)
    assert expected in message
    assert len(message) < 300
    assert await snapshot(world.bot.store) == before


@pytest.mark.parametrize(
    ("title", "summary"),
    [
        ("Robert'); DROP TABLE items;--", "1 OR 1=1; SELECT * FROM audit WHERE '' = ''"),
        ("🇺🇸🤝🇨🇳 Truce holds 🎉", "Both sides keep the truce 👍🏽 (emoji kept as typed)."),
        ("محادثات تجارية في جنيف", "يتفق الجانبان على خفض الرسوم الجمركية لمدة 90 يومًا."),
        ("שיחות סחר ‏Geneva‏ talks", "Mixed ‫right-to-left‬ and left-to-right text."),
    ],
)
async def test_odd_text_is_stored_and_shown_faithfully(
    world: World, title: str, summary: str
) -> None:
    before = await world.bot.store.count_events(world.guild.id)
    shown = answer(
        await world.admin.slash(
            world.channel,
            "event add",
            date="2025-05-12",
            title=title,
            summary=summary,
            source_url=LINK,
        )
    )
    event_id = shown_id(shown)
    event = await world.bot.store.get_item(Kind.EVENT, event_id, world.guild.id)
    assert isinstance(event, Event) and (event.title, event.summary) == (title, summary)
    # as typed once Discord renders it: the text's own markdown characters are escaped
    assert (shown.embeds[0].title, shown.embeds[0].description) == (
        inert(title),
        f"{inert(summary)} [1]",
    )
    assert await world.bot.store.count_events(world.guild.id) == before + 1
    found = await world.bot.store.timeline(world.guild.id, TimelineFilter(query=title), limit=5)
    assert event_id in {e.id for e in found.events}


async def test_edit_and_remove_refuse_unknown_events_and_nothing_to_change(world: World) -> None:
    assert "No event 'no-such-event' here" in await refused(
        world, world.admin, "event edit", event="no-such-event", title="x"
    )
    assert "nothing changed" in await refused(
        world, world.admin, "event edit", event="geneva-talks", topic="talks"
    )
    assert "The reason is empty" in await refused(
        world, world.admin, "event remove", event="geneva-talks", reason="  "
    )
    await world.admin.slash(world.channel, "event remove", event="geneva-talks", reason="dup")
    assert "No event 'geneva-talks' here" in await refused(
        world, world.admin, "event remove", event="geneva-talks", reason="again"
    )


async def test_autocomplete_offers_titles_within_discords_limits(world: World) -> None:
    choices = await world.admin.autocomplete(world.channel, "event edit", "event", "")
    assert len(choices) == 25
    assert all(len(c["name"]) <= 100 for c in choices)
    geneva = await world.admin.autocomplete(world.channel, "event edit", "event", "geneva")
    assert "geneva-talks" in [c["value"] for c in geneva]
    sources = await world.admin.autocomplete(world.channel, "event add", "source_url", "dow jones")
    assert sources and all(len(c["name"]) <= 100 for c in sources)


async def test_the_event_picker_follows_this_servers_changes_as_an_editor_types(
    world: World,
) -> None:
    async def picked(command: str, typed: str) -> list[str]:
        choices = await world.admin.autocomplete(world.channel, command, "event", typed)
        return [c["value"] for c in choices]

    for _ in range(100):  # the curated events' index is built once the bot is ready
        if await world.bot.store.maintained(EVENT_TITLES) is not None:
            break
        await asyncio.sleep(0.01)
    assert await world.bot.store.maintained(EVENT_TITLES) is not None

    assert "geneva-talks" in await picked("event edit", "genev")
    assert await picked("event edit", "genva") == await picked("event edit", "geneva")
    assert await picked("event edit", "zzqxw") == []
    added = answer(
        await world.admin.slash(
            world.channel,
            "event add",
            date="9 Oct 2025",
            title="Zanzibar shipping accord signed",
            summary="A made-up event for the picker.",
            topic="trade-deals",
            source_url=LINK,
        )
    )
    event_id = shown_id(added)
    assert await picked("event edit", "zanzibar ship") == [event_id]
    await world.admin.slash(
        world.channel, "event remove", event="Zanzibar shipping ACCORD signed", reason="test"
    )  # typed by its title, not picked
    assert await picked("event edit", "zanzibar") == []
    assert await picked("event restore", "zanzibar") == [event_id]
    assert await picked("event history", "zanzibar") == [event_id]


async def test_history_entries_record_actor_and_reason(world: World) -> None:
    await world.admin.slash(
        world.channel, "event edit", event="eu-deal", topic="diplomacy", reason="recheck"
    )
    entries = await world.bot.store.history(Kind.EVENT, "eu-deal", world.guild.id)
    last = entries[-1]
    assert last.action is AuditAction.EDIT and last.actor_id == world.admin.id
    assert last.actor_name == "curator" and last.reason == "recheck"
    assert last.guild_id == world.guild.id


async def test_history_shows_what_an_edit_changed_in_a_long_text(world: World) -> None:
    summary = (
        "The two sides agreed to extend the suspension of the crane tariff until May 2027, "
        "officials said, adding that talks would continue in Geneva in January with both "
        "delegations and that a joint statement would follow."
    )
    added = answer(
        await world.admin.slash(
            world.channel,
            "event add",
            date="2026-11-20",
            title="Crane tariff pause extended",
            summary=summary,
            topic="tariffs",
            source_url=LINK,
        )
    )
    event_id = shown_id(added)
    await world.admin.slash(
        world.channel,
        "event edit",
        event=event_id,
        summary=summary.replace("until May 2027", "until 10 May 2027"),
    )
    history = answer(await world.admin.slash(world.channel, "event history", event=event_id))
    text = history.embeds[0].description or ""
    assert "tariff until May 2027, officials said" in text
    assert "tariff until 10 May 2027, officials said" in text
