"""/milestone and /person through SimCord: add, correct, record an outcome, remove."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.models import Event, Kind, Milestone, OutcomeStatus, Person
from tests.conftest import World
from tests.curation_helpers import answer, refused, shown_id, snapshot

LINK = "https://www.reuters.com/world/china/truce-2026-11-10/"


async def test_admin_adds_a_milestone_in_its_own_time_zone(world: World) -> None:
    shown = answer(
        await world.admin.slash(
            world.channel,
            "milestone add",
            name="Tariff truce review",
            when="2027-02-01 09:30",
            timezone="Asia/Shanghai",
            place="Beijing",
            kind="meeting",
            source_url=LINK,
        )
    )
    milestone_id = shown_id(shown)
    stored = await world.bot.store.get_item(Kind.MILESTONE, milestone_id, world.guild.id)
    assert isinstance(stored, Milestone)
    assert stored.at == datetime(2027, 2, 1, 1, 30, tzinfo=UTC)  # 09:30 in Shanghai
    assert (stored.timezone, stored.place, stored.kind.value) == (
        "Asia/Shanghai",
        "Beijing",
        "meeting",
    )
    fields = {f.name: f.value for f in shown.embeds[0].fields}
    assert fields["When"] == f"<t:{int(stored.at.timestamp())}:F>"
    assert "left" in fields["Status"] and f"<t:{int(stored.at.timestamp())}:R>" in fields["Status"]


async def test_outcome_only_once_passed_and_cited(world: World) -> None:
    store = world.bot.store
    # a milestone still ahead cannot have an outcome
    future = answer(
        await world.admin.slash(
            world.channel, "milestone add", name="Next round", when="2027-01-15", source_url=LINK
        )
    )
    future_id = shown_id(future)
    assert "still ahead" in await refused(
        world,
        world.admin,
        "milestone edit",
        milestone=future_id,
        outcome="met",
        outcome_note="Held on time.",
        source_url=LINK,
    )
    assert "Cite the outcome" in await refused(
        world,
        world.admin,
        "milestone edit",
        milestone="truce-expiry-2026",
        outcome="lapsed",
        outcome_note="Nothing replaced it.",
    )
    shown = answer(
        await world.admin.slash(
            world.channel,
            "milestone edit",
            milestone="truce-expiry-2026",
            outcome="extended",
            outcome_note="Extended to 10 Nov 2027 after talks in Kuala Lumpur.",
            source_url="https://www.reuters.com/world/china/truce-extended/",
            source_name="Reuters",
            reason="record the outcome",
        )
    )
    ms = await store.get_item(Kind.MILESTONE, "truce-expiry-2026", world.guild.id)
    assert isinstance(ms, Milestone) and ms.outcome is not None
    assert ms.outcome.status is OutcomeStatus.EXTENDED
    fields = {f.name: f.value for f in shown.embeds[0].fields}
    assert fields["Outcome"].startswith("**extended**: Extended to 10 Nov 2027")
    cited = "\n".join(v for k, v in fields.items() if k.startswith("Sources"))
    assert (
        "] Reuters, " in cited and "(https://www.reuters.com/world/china/truce-extended/)" in cited
    )
    other = await store.get_item(Kind.MILESTONE, "truce-expiry-2026", world.guild.id + 1)
    assert isinstance(other, Milestone) and other.outcome is None  # this server's overlay

    removed = answer(
        await world.admin.slash(
            world.channel, "milestone remove", milestone=future_id, reason="cancelled"
        )
    )
    assert "Hidden from readers: cancelled" in removed.embeds[0].footer.text
    assert await store.get_item(Kind.MILESTONE, future_id, world.guild.id) is None
    await world.admin.slash(world.channel, "milestone restore", milestone=future_id)
    assert await store.get_item(Kind.MILESTONE, future_id, world.guild.id) is not None


async def test_bad_milestone_input_is_refused(world: World) -> None:
    before = await snapshot(world.bot.store)
    base = {"name": "X", "when": "2027-01-01", "source_url": LINK}
    assert "not a single day" in await refused(
        world, world.admin, "milestone add", **{**base, "when": "Jan 2027"}
    )
    assert "not an IANA time zone" in await refused(
        world, world.admin, "milestone add", **{**base, "timezone": "Mars/Olympus"}
    )
    assert "is not a time" in await refused(
        world, world.admin, "milestone add", **{**base, "when": "2027-01-01 25:00"}
    )
    assert "cites a source" in await refused(
        world, world.admin, "milestone add", name="X", when="2027-01-01"
    )
    assert await snapshot(world.bot.store) == before


async def test_admin_adds_a_person_then_names_them_in_an_event(world: World) -> None:
    store = world.bot.store
    shown = answer(
        await world.admin.slash(
            world.channel,
            "person add",
            name="Liao Min",
            country="China",
            affiliation="Ministry of Finance",
            bio="Vice finance minister who joined the Madrid round.",
            aliases="Liao, 廖岷",
            source_url=LINK,
        )
    )
    person_id = shown_id(shown)
    assert person_id.startswith("liao-min-")
    assert shown.embeds[0].title == "Liao Min"
    assert "already known" in await refused(
        world,
        world.admin,
        "person add",
        name="Bessent",
        country="US",
        affiliation="Treasury",
        bio="Dup.",
        source_url=LINK,
    )
    added = answer(
        await world.admin.slash(
            world.channel,
            "event add",
            date="2025-09-14",
            title="Madrid round opens",
            summary="Talks open in Madrid.",
            people="廖岷, Bessent",
            source_url=LINK,
        )
    )
    event = await store.get_item(Kind.EVENT, shown_id(added), world.guild.id)
    assert isinstance(event, Event) and event.people == [person_id, "scott-bessent"]
    assert "Liao Min, Scott Bessent" in added.embeds[0].fields[2].value

    edited = answer(
        await world.admin.slash(
            world.channel,
            "person edit",
            person=person_id,
            affiliation="Ministry of Finance of the PRC",
            aliases="none",
        )
    )
    assert "(aliases, affiliation)" in edited.content
    person = await store.get_item(Kind.PERSON, person_id, world.guild.id)
    assert isinstance(person, Person) and person.aliases == []
    assert await store.get_item(Kind.PERSON, person_id, world.guild.id + 1) is None


async def test_a_new_milestone_has_a_description_and_an_event_says_its_topic(
    world: World,
) -> None:
    added = answer(
        await world.admin.slash(
            world.channel,
            "milestone add",
            name="Geneva round",
            when="2027-01-14",
            description="Negotiators meet to turn the truce into a first tariff deal.",
            source_url=LINK,
        )
    )
    assert added.embeds[0].description.startswith("Negotiators meet to turn the truce")
    event = answer(
        await world.admin.slash(
            world.channel,
            "event add",
            date="2026-11-24",
            title="China cuts its tariff on US pork",
            summary="The duty falls to 5% from Dec 1.",
            source_url=LINK,
        )
    )
    assert "Filed under **tariffs** from its words" in event.content


async def test_aliases_win_and_suggestions_are_no_noise(world: World) -> None:
    answer(
        await world.admin.slash(
            world.channel,
            "person add",
            name="Wang Wentao",
            country="China",
            affiliation="Ministry of Commerce",
            bio="China's commerce minister.",
            aliases="Wang, Commerce Minister Wang",
            source_url=LINK,
        )
    )
    found = answer(await world.member.slash(world.channel, "who", name="commerce minister"))
    assert found.embeds[0].title == "Wang Wentao"  # his alias, not Li's "vice commerce minister"
    swapped = answer(await world.member.slash(world.channel, "who", name="Bessnet"))
    assert swapped.embeds[0].title == "Scott Bessent"
    unknown = await refused(world, world.member, "who", name="Howard Lutnick")
    assert "He Lifeng" not in unknown and "Katherine Tai" not in unknown


async def test_a_person_added_by_mistake_is_removed_and_restored(world: World) -> None:
    added = answer(
        await world.admin.slash(
            world.channel,
            "person add",
            name="Zed Mistake",
            country="Atlantis",
            affiliation="Nowhere",
            bio="Added by mistake.",
            source_url=LINK,
        )
    )
    person_id = shown_id(added)
    assert answer(await world.member.slash(world.channel, "who", name="Zed Mistake")).embeds
    removed = answer(
        await world.admin.slash(world.channel, "person remove", person=person_id, reason="typo")
    )
    assert "/person restore brings them back" in removed.content
    assert "I don't know anyone called" in await refused(
        world, world.member, "who", name="Zed Mistake"
    )
    stored = await world.bot.store.get(Kind.PERSON, person_id, world.guild.id, include_removed=True)
    assert stored is not None and stored.removed and stored.removed_reason == "typo"
    answer(await world.admin.slash(world.channel, "person restore", person=person_id))
    back = answer(await world.member.slash(world.channel, "who", name="Zed Mistake"))
    assert back.embeds[0].title == "Zed Mistake"
    actions = [
        e.action.value
        for e in await world.bot.store.history(Kind.PERSON, person_id, world.guild.id)
    ]
    assert actions == ["add", "remove", "restore"]
