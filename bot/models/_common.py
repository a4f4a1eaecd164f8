"""Shared pieces of the domain models: ids, text limits, zones, the base model and the kinds
of stored item."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Annotated

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
)

from bot.bounds import check_day, check_instant, is_zone, visible, zone_error


def _shows(value: str) -> str:
    if not visible(value):
        raise ValueError("the text shows nothing (only spaces or invisible characters)")
    return value


ItemId = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]{1,63}$")]
ShortText = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=200),
    AfterValidator(_shows),
]
LongText = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=1500),
    AfterValidator(_shows),
]
SourceIds = Annotated[list[ItemId], Field(min_length=1)]

TITLE_MAX = 200
SUMMARY_MAX = 1500


def _check_zone(value: str) -> str:
    if not is_zone(value):
        raise ValueError(zone_error(value))
    return value


TimeZoneName = Annotated[str, AfterValidator(_check_zone)]


def _day(value: date) -> date:
    return check_day(value)


def _instant(value: datetime) -> datetime:
    return check_instant(value)


Day = Annotated[date, AfterValidator(_day)]
"""A day within what the bot computes with (bot.bounds)."""
Instant = Annotated[AwareDatetime, AfterValidator(_instant)]
"""An aware instant within what the bot computes with (bot.bounds)."""


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Kind(StrEnum):
    """The kinds of stored item; also the YAML file names under data/."""

    SOURCE = "source"
    PERSON = "person"
    EVENT = "event"
    TARIFF = "tariff"
    MILESTONE = "milestone"
    CONFLICT = "conflict"
