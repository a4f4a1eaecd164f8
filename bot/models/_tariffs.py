"""The tariff stack: layers and their status histories."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from enum import StrEnum
from itertools import pairwise
from typing import Annotated

from pydantic import (
    Field,
    StringConstraints,
    field_validator,
    model_validator,
)

from bot.models._common import (
    Day,
    ItemId,
    Model,
    ShortText,
    SourceIds,
)
from bot.models._sources import ConflictIds

# ---------------------------------------------------------------------------------------
# Tariffs
# ---------------------------------------------------------------------------------------


class TariffStatus(StrEnum):
    THREATENED = "threatened"
    ANNOUNCED = "announced"
    IN_FORCE = "in_force"
    SUSPENDED = "suspended"
    LIFTED = "lifted"


class StatusChange(Model):
    status: TariffStatus
    day: Day
    """The day the status took effect (YAML reads a bare `on` key as a boolean, hence `day`)."""
    note: str | None = None
    until: Day | None = None
    """The day this status was due to end, as the sources gave it (a suspension "until
    10 Nov 2026"). Past it, with no later change on record, readers are told that what
    followed is not on record rather than shown the old status as if it still stood."""
    legal_day: Day | None = None
    """For a lift that collection lagged: the day the law ended the layer (a court's ruling),
    before customs stopped collecting it on `day`. `day` stays the collection end, so the
    stack for any date says what was collected then; this date is shown beside it."""

    @model_validator(mode="after")
    def _until_after(self) -> StatusChange:
        if self.until is not None and self.until <= self.day:
            raise ValueError(f"until ({self.until}) is not after day ({self.day})")
        if self.legal_day is not None:
            if self.status is not TariffStatus.LIFTED:
                raise ValueError("legal_day is only for a lifted status (the legal end)")
            if self.legal_day > self.day:
                raise ValueError(
                    f"legal_day ({self.legal_day}) is after day ({self.day}): collection "
                    "cannot stop before the legal end"
                )
        return self


Country = Annotated[str, StringConstraints(pattern=r"^[A-Z]{2}$")]
"""ISO 3166 alpha-2, plus EU for the European Union."""


class TariffMeasure(Model):
    """One layer of a tariff stack: a rate imposed under one legal basis.

    Its life is a list of status changes; the status on any date, and so the rate in force,
    follows from that list. A rate change is a new measure that replaces the old one
    (the old one is lifted on the day the new one takes force).
    """

    id: ItemId
    imposer: Country
    target: Country
    name: ShortText
    legal_basis: ShortText
    rate: float = Field(ge=0, le=1000)
    """Percentage points added on top of what else applies (the highest band, when the rate
    varies by product: see rate_from)."""
    rate_from: float | None = Field(default=None, ge=0, le=1000)
    """For a product list whose rate varies by item (5% to 25%): the lowest band."""
    coverage: ShortText = "all goods"
    applies_to_all: bool = True
    """Counts toward the headline total: a duty on every good from the target, bar listed
    exemptions (not a product list)."""
    history: Annotated[list[StatusChange], Field(min_length=1)]
    planned_from: Day | None = None
    """For a threatened or announced measure: the start date it was given."""
    sources: SourceIds
    conflicts: ConflictIds = []

    @model_validator(mode="after")
    def _bands(self) -> TariffMeasure:
        if self.rate_from is not None:
            if self.applies_to_all:
                raise ValueError("rate_from (a range of rates) is only for product lists")
            if self.rate_from >= self.rate:
                raise ValueError("rate_from must be below rate (the highest band)")
        return self

    @field_validator("history")
    @classmethod
    def _chronological(cls, value: list[StatusChange]) -> list[StatusChange]:
        for a, b in pairwise(value):
            if b.day < a.day:
                raise ValueError(f"status changes out of order: {a.day} then {b.day}")
        return value

    @property
    def status(self) -> TariffStatus:
        return self.history[-1].status

    def status_on(self, day: date) -> TariffStatus | None:
        """Status on `day`; None before the measure was first heard of."""
        current: TariffStatus | None = None
        for change in self.history:
            if change.day <= day:
                current = change.status
            else:
                break
        return current

    def in_force_on(self, day: date) -> bool:
        return self.status_on(day) is TariffStatus.IN_FORCE

    def overdue_on(self, day: date) -> date | None:
        """The end date the status in force on `day` was due to reach, when `day` is past it
        and no later change is on record: what happened next is unknown."""
        current: StatusChange | None = None
        for change in self.history:
            if change.day <= day:
                current = change
            else:
                return None
        if current is not None and current.until is not None and current.until <= day:
            return current.until
        return None

    @property
    def effective_from(self) -> date | None:
        for change in self.history:
            if change.status is TariffStatus.IN_FORCE:
                return change.day
        return None

    @property
    def effective_until(self) -> date | None:
        """First day it no longer applied (exclusive end), if it took force and ended."""
        started = False
        for change in self.history:
            if change.status is TariffStatus.IN_FORCE:
                started = True
            elif started:
                return change.day
        return None

    @property
    def legal_end(self) -> date | None:
        """The day the law ended it, when that came before collection stopped
        (`effective_until`); None when the two are the same day."""
        end = self.effective_until
        for change in self.history:
            if change.day == end and change.legal_day is not None and change.legal_day < end:
                return change.legal_day
        return None

    def change_dates(self) -> Iterable[date]:
        return (c.day for c in self.history)

    def all_source_ids(self) -> set[str]:
        return set(self.sources)
