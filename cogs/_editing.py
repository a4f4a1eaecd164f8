"""Shared by the curation cogs: who may edit, who is acting, picking an item as you type,
and the ephemeral replies (mentions off) that show a change as readers will see it.

Who may edit: members with Manage Server, or holders of the role set with /editors role.
The commands also carry Discord's default permission (Manage Server), so a role holder
sees them only where a server admin allowed that role under Server Settings > Integrations.
The runtime check below refuses everyone else, whatever the Integrations settings say.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

import discord
from discord import app_commands
from rapidfuzz import fuzz, process

from bot.client import BriefingBot, send_error
from bot.curation import REASON_MAX, Context, clean_text
from bot.errors import UserError
from bot.models import AnyItem, Kind, Person, Source
from bot.store import Actor, Store, Stored, StoreError

T = TypeVar("T")
Interaction = discord.Interaction[BriefingBot]
NO_MENTIONS = discord.AllowedMentions.none()
REFUSED = (
    "Only members with Manage Server, or with the editor role set by /editors role, can "
    "change the record. Ask a server admin."
)
CHOICE_NAME_MAX = 100
MAX_CHOICES = 25


async def is_editor(interaction: Interaction) -> bool:
    """The runtime check behind every edit command."""
    if interaction.guild is None:
        raise app_commands.NoPrivateMessage()
    if interaction.permissions.manage_guild:
        return True
    config = await interaction.client.store.guild_config(interaction.guild.id)
    user = interaction.user
    if (
        config.editor_role_id is not None
        and isinstance(user, discord.Member)
        and user.get_role(config.editor_role_id) is not None
    ):
        return True
    raise app_commands.CheckFailure(REFUSED)


def editor_only() -> Callable[[T], T]:
    return app_commands.check(is_editor)


def guild_id(interaction: Interaction) -> int:
    if interaction.guild_id is None:
        raise app_commands.NoPrivateMessage()
    return interaction.guild_id


def actor(interaction: Interaction) -> Actor:
    return Actor(interaction.user.id, interaction.user.name)


async def context(interaction: Interaction, kind: Kind) -> Context:
    """What validation needs to know about this server's data."""
    store = interaction.client.store
    gid = guild_id(interaction)
    config = await store.guild_config(gid)
    return Context(
        people=await store.list_typed(Person, gid),
        sources=await store.list_typed(Source, gid),
        taken_ids=await store.item_ids(kind, gid),
        source_ids=await store.item_ids(Kind.SOURCE, gid),
        timezone=config.timezone,
        actor_name=interaction.user.name,
    )


async def sources_by_id(store: Store, gid: int) -> dict[str, Source]:
    return {s.id: s for s in await store.list_typed(Source, gid)}


async def find(
    store: Store, kind: Kind, value: str, gid: int, *, include_removed: bool = False
) -> Stored:
    """An item picked from autocomplete (its id) or typed by its exact title."""
    raw = value.strip()
    stored = await store.get(kind, raw, gid, include_removed=include_removed)
    if stored is not None:
        return stored
    if kind is Kind.EVENT:
        titles = await store.event_titles_matching(
            gid, raw, include_removed=include_removed, exact=True, limit=1
        )
    else:
        titles = await store.titles(kind, gid, include_removed=include_removed)
    for item_id, title in titles:
        if title.casefold() == raw.casefold():
            found = await store.get(kind, item_id, gid, include_removed=include_removed)
            if found is not None:
                return found
    raise UserError(f"No {kind.value} '{raw[:100]}' here: pick one from the list as you type.")


def choice_name(title: str, item_id: str) -> str:
    name = f"{title} · {item_id}"
    if len(name) <= CHOICE_NAME_MAX:
        return name
    room = CHOICE_NAME_MAX - len(item_id) - 4
    return f"{title[:room].rstrip()}… · {item_id}"[:CHOICE_NAME_MAX]


@dataclass(frozen=True)
class Pickable:
    """(id, title) pairs prepared for matching: titles case-folded, ids joined for one
    substring search. Built once per data version (see `autocomplete_items`)."""

    pairs: Sequence[tuple[str, str]]
    folded: Sequence[str]
    ids: str
    starts: Sequence[int]

    @classmethod
    def of(cls, pairs: Iterable[tuple[str, str]]) -> Pickable:
        pool = list(pairs)
        starts, at = [], 0
        for item_id, _ in pool:
            starts.append(at)
            at += len(item_id) + 1
        return cls(
            pool, [title.casefold() for _, title in pool], "\n".join(i for i, _ in pool), starts
        )

    def ids_containing(self, typed: str) -> set[int]:
        found: set[int] = set()
        at = self.ids.find(typed)
        while at >= 0:
            found.add(bisect_right(self.starts, at) - 1)
            at = self.ids.find(typed, at + 1)
        return found


def rank(pairs: Iterable[tuple[str, str]], current: str) -> list[app_commands.Choice[str]]:
    """Up to 25 (id, title) pairs matching what was typed, best first (newest first when
    nothing is typed yet)."""
    return choices_of(ranked(Pickable.of(pairs), current))


def ranked(pool: Pickable, current: str) -> list[tuple[str, str]]:
    """The (id, title) pairs `rank` offers: a typed text found in a title or an id scores
    100, else its best partial match with the title; 85 or more, best first, ties in the
    pool's order. The scoring runs in rapidfuzz's C loop, not per title in Python."""
    typed = current.strip().casefold()
    if not typed:
        return list(pool.pairs[:MAX_CHOICES])
    scores = {
        index: score
        for _, score, index in process.extract(
            typed, pool.folded, scorer=fuzz.partial_ratio, score_cutoff=85, limit=None
        )
    }
    if "\n" not in typed:  # (a line break is in no id)
        for index in pool.ids_containing(typed):
            scores[index] = 100.0
    best = sorted(scores, key=lambda i: (-scores[i], i))[:MAX_CHOICES]
    return [pool.pairs[i] for i in best]


def choices_of(pairs: Iterable[tuple[str, str]]) -> list[app_commands.Choice[str]]:
    return [
        app_commands.Choice(name=choice_name(title, item_id), value=item_id)
        for item_id, title in pairs
    ]


async def may_autocomplete(interaction: Interaction) -> bool:
    """Autocomplete skips checks; offer nothing to someone who may not edit."""
    try:
        return await is_editor(interaction)
    except app_commands.AppCommandError:
        return False


def autocomplete_items(kind: Kind, which: str = "shown") -> Callable[[Interaction, str], Any]:
    """Items of a kind to pick: "shown" to readers, "removed" (for restore) or "all"."""

    async def complete(interaction: Interaction, current: str) -> list[app_commands.Choice[str]]:
        if not await may_autocomplete(interaction):
            return []
        store = interaction.client.store
        gid = guild_id(interaction)
        version = await store.data_version()
        key = ("picked", kind, which, gid, current)
        picked: list[tuple[str, str]] | None = store.caches.derived.get(key, version)
        if picked is None:
            if kind is Kind.EVENT and which != "removed":  # any number: searched by index
                picked = await store.event_titles_matching(
                    gid, current, include_removed=which == "all", limit=MAX_CHOICES
                )
            else:
                picked = ranked(await _pool(store, kind, which, gid, version), current)
            store.caches.derived.put(key, version, picked)
        return choices_of(picked)

    return complete


async def _pool(store: Store, kind: Kind, which: str, gid: int, version: int) -> Pickable:
    """A kind's titles prepared for ranking, once per data version."""
    key = ("pickable", kind, which, gid)
    pool: Pickable | None = store.caches.derived_large.get(key, version)
    if pool is None:
        if which == "removed":
            pairs = await store.removed_titles(kind, gid)
        else:
            pairs = await store.titles(kind, gid, include_removed=which == "all")
        pool = Pickable.of(pairs)
        store.caches.derived_large.put(key, version, pool)
    return pool


async def autocomplete_sources(
    interaction: Interaction, current: str
) -> list[app_commands.Choice[str]]:
    """Known sources for source_url; a typed link is taken as it is."""
    if not await may_autocomplete(interaction) or "://" in current:
        return []
    sources = await interaction.client.store.list_typed(Source, guild_id(interaction))
    return rank(((s.id, f"{s.outlet}: {s.headline}") for s in reversed(sources)), current)


async def defer(interaction: Interaction) -> None:
    await interaction.response.defer(ephemeral=True, thinking=True)


async def reply(
    interaction: Interaction, content: str, embeds: list[discord.Embed] | None = None
) -> None:
    """The ephemeral answer to a change, mentions off (it carries what the user typed)."""
    kwargs: dict[str, Any] = {"ephemeral": True, "allowed_mentions": NO_MENTIONS}
    if embeds:
        kwargs["embeds"] = embeds
    if interaction.response.is_done():
        await interaction.followup.send(content, **kwargs)
    else:
        await interaction.response.send_message(content, **kwargs)


async def modal_error(interaction: Interaction, error: Exception, log: Any) -> None:
    """Modal submissions bypass the tree's on_error: same short replies here."""
    if isinstance(error, UserError | StoreError):
        await send_error(interaction, str(error)[:2000])
        return
    log.error("modal failed", exc_info=error)
    await send_error(interaction, "Something went wrong on my side; it has been logged.")


async def hide_or_show(
    interaction: Interaction,
    kind: Kind,
    typed: str,
    *,
    reason: str | None,
) -> tuple[AnyItem, str | None]:
    """Remove (with `reason`) or restore (without) one item of this server's view, through
    the store's audited write: the one shape /event, /milestone and /person remove and
    restore share. The item as it now is, and the reason it was hidden."""
    await defer(interaction)
    store = interaction.client.store
    gid = guild_id(interaction)
    if reason is None:
        current = await find(store, kind, typed, gid, include_removed=True)
        stored = await store.restore(kind, current.item.id, guild_id=gid, actor=actor(interaction))
        return stored.item, None
    why = clean_text(reason, "reason", REASON_MAX)
    current = await find(store, kind, typed, gid)
    stored = await store.remove(
        kind, current.item.id, guild_id=gid, actor=actor(interaction), reason=why
    )
    return stored.item, why


async def show_history(interaction: Interaction, kind: Kind, typed: str) -> None:
    """Who changed an item, what, when and why, newest first (removed items too): the one
    shape /event, /milestone and /person history share."""
    from bot.briefing.history import history_embed

    await defer(interaction)
    store = interaction.client.store
    gid = guild_id(interaction)
    current = await find(store, kind, typed, gid, include_removed=True)
    item = current.item
    title = str(getattr(item, "title", None) or getattr(item, "name", item.id))
    entries = await store.history(kind, item.id, gid)
    await reply(
        interaction,
        f"History of {kind.value} `{item.id}`, newest first:",
        [history_embed(title, item.id, entries)],
    )
