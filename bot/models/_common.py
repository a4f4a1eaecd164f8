"""Shared pieces of the domain models: ids, text limits, zones, the base model and the kinds
of stored item."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
)

ItemId = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]{1,63}$")]
ShortText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
LongText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=1500)]
SourceIds = Annotated[list[ItemId], Field(min_length=1)]

TITLE_MAX = 200
SUMMARY_MAX = 1500


def _check_zone(value: str) -> str:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"'{value}' is not an IANA time zone (e.g. America/New_York)") from None
    return value


TimeZoneName = Annotated[str, AfterValidator(_check_zone)]


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
