"""People from /person add and /person edit (people the curated data does not know yet)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from bot.curation.common import (
    Changes,
    Context,
    Draft,
    aliases,
    changed_fields,
    clean_text,
    known_name,
    new_id,
    validated,
)
from bot.dates import FuzzyDate
from bot.errors import UserError
from bot.models import SUMMARY_MAX, TITLE_MAX, Person


@dataclass(frozen=True)
class PersonInput:
    name: str | None = None
    aliases: str | None = None
    country: str | None = None
    affiliation: str | None = None
    bio: str | None = None
    source_url: str | None = None
    source_name: str | None = None


def _unique_name(name: str, ctx: Context, except_id: str | None = None) -> None:
    try:
        other = known_name(name, ctx.people, except_id=except_id)
    except LookupError:
        return
    raise UserError(
        f"'{name}' is already known as {other.name} (id {other.id}); "
        "use /person edit to change that entry."
    )


def build_person(inp: PersonInput, ctx: Context, today: date) -> Draft:
    name = clean_text(inp.name or "", "name", TITLE_MAX)
    _unique_name(name, ctx)
    alias_list = aliases(inp.aliases or "")
    for alias in alias_list:
        _unique_name(alias, ctx)
    if not inp.source_url or not inp.source_url.strip():
        raise UserError(
            "Every person cites a source: give source_url (an http(s) link, or pick a known "
            "source from the list)."
        )
    changes = Changes()
    source_id = changes.cite(
        inp.source_url, name=inp.source_name, about=name, when=FuzzyDate.day(today), ctx=ctx
    )
    person = validated(
        Person,
        {
            "id": new_id(name, ctx.taken_ids, "person"),
            "name": name,
            "aliases": alias_list,
            "country": clean_text(inp.country or "", "country", TITLE_MAX),
            "affiliation": clean_text(inp.affiliation or "", "affiliation", TITLE_MAX),
            "bio": clean_text(inp.bio or "", "bio", SUMMARY_MAX),
            "sources": [source_id],
        },
    )
    return Draft(person, tuple(changes.sources))


def edit_person(current: Person, inp: PersonInput, ctx: Context, today: date) -> Draft:
    """Replace the given fields ('none' clears the aliases); a source_url adds a citation."""
    data: dict[str, Any] = current.model_dump()
    if inp.name is not None:
        data["name"] = clean_text(inp.name, "name", TITLE_MAX)
        _unique_name(data["name"], ctx, except_id=current.id)
    if inp.aliases is not None:
        data["aliases"] = aliases(inp.aliases)
        for alias in data["aliases"]:
            _unique_name(alias, ctx, except_id=current.id)
    for key, limit in (("country", TITLE_MAX), ("affiliation", TITLE_MAX), ("bio", SUMMARY_MAX)):
        value = getattr(inp, key)
        if value is not None:
            data[key] = clean_text(value, key, limit)
    changes = Changes()
    if inp.source_url and inp.source_url.strip():
        source_id = changes.cite(
            inp.source_url,
            name=inp.source_name,
            about=data["name"],
            when=FuzzyDate.day(today),
            ctx=ctx,
        )
        if source_id not in current.sources:
            data["sources"] = [*current.sources, source_id]
    person = validated(Person, data)
    changed = changed_fields(current, person)
    if not changed:
        raise UserError("That is what the entry already says; nothing changed.")
    return Draft(person, tuple(changes.sources), changed)
