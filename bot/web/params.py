"""Query parameters as readers type them into an address bar: each one checked, and a bad
one refused with one line that says how to write it (HTTP 400), never a stack trace."""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from datetime import date

from bot.bounds import OutOfRange, check_day, quoted
from bot.dates import DateParseError, parse_user_date
from bot.models import TOPICS, TimelineFilter
from bot.store import words_to_match

ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
PAGE_DIGITS = re.compile(r"[1-9][0-9]{0,5}")
"""A page number: 1 to 999999 (a longer number is refused before it is read)."""
QUERY_MAX = 100
DAY_TEXT_MAX = 40


class BadParam(ValueError):
    """A query parameter that cannot be used; str() is the one line the reader sees."""


def as_of(query: Mapping[str, str], today: date) -> tuple[date, bool]:
    """(the day asked for, whether one was asked for); today when none was."""
    text = query.get("as_of")
    if text is None or not text.strip():
        return today, False
    text = text.strip()
    if not ISO_DAY.fullmatch(text):
        raise BadParam(
            f"as_of={quoted(text, 40)} is not a date: write it as YYYY-MM-DD, e.g. as_of=2025-04-12"
        )
    try:
        return check_day(date.fromisoformat(text), "as_of date"), True
    except OutOfRange as exc:
        raise BadParam(f"{exc} (as YYYY-MM-DD)") from None
    except ValueError:
        raise BadParam(
            f"as_of={quoted(text, 40)} is not a real date: write it as YYYY-MM-DD, "
            "e.g. as_of=2025-04-12"
        ) from None


def page(query: Mapping[str, str]) -> int:
    """The page asked for: 1 when none was."""
    text = query.get("page")
    if text is None:
        return 1
    if not PAGE_DIGITS.fullmatch(text.strip()):
        raise BadParam(
            f"page={quoted(text, 20)} is not a page number: use a whole number from 1, e.g. page=2"
        )
    return int(text.strip())


def _day(query: Mapping[str, str], name: str, *, end: bool) -> date | None:
    text = query.get(name)
    if text is None or not text.strip():
        return None
    if len(text) > DAY_TEXT_MAX:
        raise BadParam(f"{name} is too long: use a date like 2025-10-09, 9 Oct 2025 or Oct 2025")
    try:
        window = parse_user_date(text)
    except DateParseError as exc:
        raise BadParam(f"{name}: {exc}") from None
    return window.end if end else window.start


def timeline_filter(query: Mapping[str, str], people: Collection[str]) -> TimelineFilter:
    """The /timeline filters (the bot's /timeline options): query, person (an id), topic,
    since and until (as the bot reads them: since from the first day, until to the last)."""
    words = query.get("query", "").strip() or None
    if words is not None:
        if len(words) > QUERY_MAX:
            raise BadParam(f"query is too long: use at most {QUERY_MAX} characters")
        if not words_to_match(words):
            raise BadParam(
                f"query={quoted(words, 40)} has no words to match: give a word from a title "
                "or summary, like Geneva, soybeans or 301"
            )
    person = query.get("person", "").strip() or None
    if person is not None and person not in people:
        raise BadParam(
            f"person={quoted(person, 40)} is no one on record: pick a person from the "
            "list on /timeline (their id, e.g. person=he-lifeng)"
        )
    topic = query.get("topic", "").strip().lower() or None
    if topic is not None and topic not in TOPICS:
        raise BadParam(f"topic={quoted(topic, 40)} is not a topic: use one of {', '.join(TOPICS)}")
    since = _day(query, "since", end=False)
    until = _day(query, "until", end=True)
    if since and until and since > until:
        raise BadParam("since is after until: swap them or widen the dates")
    return TimelineFilter(query=words, person=person, topic=topic, since=since, until=until)


def filter_query(flt: TimelineFilter) -> dict[str, str]:
    """The filters as query parameters, in one order, so a page's address is stable."""
    out: dict[str, str] = {}
    if flt.query:
        out["query"] = flt.query
    if flt.person:
        out["person"] = flt.person
    if flt.topic:
        out["topic"] = flt.topic
    if flt.since:
        out["since"] = flt.since.isoformat()
    if flt.until:
        out["until"] = flt.until.isoformat()
    return out
