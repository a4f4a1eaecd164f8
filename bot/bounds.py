"""What the bot can compute with, checked wherever a value enters (commands, import, the
curated load, ingest, feeds): the range of dates and instants, and the IANA time zones.

Every date the bot stores lies in [EARLIEST_DAY, LATEST_DAY], so that an alert a week before a
milestone, a digest slot in any zone, a Discord timestamp and a chart axis can all be
computed from it: `date.min`/`date.max` are a few days from the end of what Python's datetime
represents, and one stored milestone at 0001-01-01 used to make every sweep raise.

A zone is one of the IANA names the `tzdata` package ships (a dependency), not whatever files
a machine's /usr/share/zoneinfo happens to hold: `localtime`, `posixrules` or `right/UTC`
resolve on some machines and not on others, and a server configured with one would fail on
the next machine the bot runs on.
"""

from __future__ import annotations

import importlib.resources
from datetime import UTC, date, datetime
from functools import cache

EARLIEST_DAY = date(1900, 1, 1)
LATEST_DAY = date(2199, 12, 31)
EARLIEST = datetime(1900, 1, 1, tzinfo=UTC)
LATEST = datetime(2200, 1, 1, tzinfo=UTC)
RANGE_TEXT = "between 1900 and 2199"

MAX_URL = 2000
"""The longest web address the bot takes or keeps (the store's column for addresses)."""


INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff\u00ad\u180e\u200e\u200f"
"""Characters that show as nothing: zero-width spaces and joiners, word joiner, BOM, soft
hyphen, direction marks."""
_INVISIBLE = dict.fromkeys(map(ord, INVISIBLE))


def visible(text: str) -> bool:
    """Whether the text shows anything once invisible characters and spaces are gone."""
    return bool(text.translate(_INVISIBLE).strip())


def fit(text: str, limit: int) -> str:
    """Text for a column of `limit` characters: cut with an ellipsis when longer (what the
    store keeps of values from the web)."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


class OutOfRange(ValueError):
    """A date or instant the bot cannot compute with; the message says the range."""


def day_in_range(day: date) -> bool:
    return EARLIEST_DAY <= day <= LATEST_DAY


def instant_in_range(at: datetime) -> bool:
    """An aware instant within the range, whatever its offset (compared in UTC)."""
    try:
        utc = at.astimezone(UTC)
    except (OverflowError, ValueError):
        return False
    return EARLIEST <= utc < LATEST


def check_day(day: date, what: str = "date") -> date:
    if not day_in_range(day):
        raise OutOfRange(f"the {what} {day.isoformat()} is out of range: use a date {RANGE_TEXT}")
    return day


def check_instant(at: datetime, what: str = "time") -> datetime:
    if not instant_in_range(at):
        raise OutOfRange(f"the {what} {at.isoformat()} is out of range: use a date {RANGE_TEXT}")
    return at


@cache
def iana_zones() -> frozenset[str]:
    """The zone names of the installed `tzdata` package (its `zones` list)."""
    text = importlib.resources.files("tzdata").joinpath("zones").read_text(encoding="utf-8")
    return frozenset(text.split())


def is_zone(name: str) -> bool:
    return name in iana_zones()


def quoted(text: str, limit: int = 60) -> str:
    """User text as a one-line error shows it: control characters escaped, cut at `limit`."""
    one = "".join(c if c.isprintable() else c.encode("unicode_escape").decode() for c in text)
    return one if len(one) <= limit else one[: limit - 1] + "…"


def zone_error(name: str) -> str:
    shown = quoted(name)
    return (
        f"'{shown}' is not an IANA time zone; use a name like America/New_York, "
        "Asia/Shanghai or UTC"
    )
