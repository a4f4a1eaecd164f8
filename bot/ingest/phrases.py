"""The date expressions news prose writes, as patterns, in the order bot.ingest.when tries
them (a longer expression first, so that one inside it is not read again), with the words
they are made of (weekdays, months, numbers in words). Pure data."""

from __future__ import annotations

import calendar
import re

WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
MONTHS = {name.lower(): i for i, name in enumerate(calendar.month_name) if name} | {
    name.lower(): i for i, name in enumerate(calendar.month_abbr) if name
}
MONTHS["sept"] = 9
_MONTH = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
    r"|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)
MONTH = _MONTH
"""A month's name, whole or cut short ("Sept.", "Dec")."""
_DAY = r"(?:[12]?\d|3[01])(?:st|nd|rd|th)?"
_YEAR = r"(?:,?\s+(?P<year>20\d\d)|\s+(?P<rel>last|this|next) year)?"
"""A day's year, given ("Nov. 10, 2025") or relative ("Nov. 10 last year")."""
NUMBERS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "a": 1,
}  # fmt: skip

_WD = (
    r"Mon(?:day)?|Tue(?:s(?:day)?)?|Wed(?:nesday)?|Thu(?:rs(?:day)?)?|Fri(?:day)?|"
    r"Sat(?:urday)?|Sun(?:day)?"
)
"""A weekday, whole or cut short as listings write it ("Tue-Wed")."""


def weekday_index(text: str) -> int:
    return next(i for i, name in enumerate(WEEKDAYS) if name.startswith(text.lower()[:3]))


PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    (
        "weekday_prev",  # "on Monday last week", "next week's Tuesday", "Friday of next week"
        re.compile(
            r"\b(?:(?P<wd>Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\s+"
            r"(?:of\s+)?(?P<w>(?i:last|next|this) week)|(?P<w2>(?i:last|next) week)'s\s+"
            r"(?P<wd2>Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday))\b"
        ),
    ),
    (
        "span_md",
        re.compile(
            rf"\b(?:from\s+)?(?P<m1>{_MONTH})\s+(?P<d1>{_DAY})\s*(?:-|–|to|through|until|and)\s*"
            rf"(?:(?P<m2>{_MONTH})\s+)?(?P<d2>{_DAY}){_YEAR}\b(?!\s*(?:%|per))",
            re.IGNORECASE,
        ),
    ),
    (
        "span_dm",
        re.compile(
            # "11-12 January", "Monday 11 and Tuesday 12 January"
            rf"\b(?:(?:{_WD})\s+)?(?P<d1>{_DAY})\s*(?:-|–|to|and)\s*(?:(?:{_WD})\s+)?"
            rf"(?P<d2>{_DAY})\s+(?P<m1>{_MONTH}){_YEAR}\b",
            re.IGNORECASE,
        ),
    ),
    ("md", re.compile(rf"\b(?P<m1>{_MONTH})\s+(?P<d1>{_DAY}){_YEAR}\b(?!\s*(?:%|per))")),
    ("dm", re.compile(rf"\b(?P<d1>{_DAY})\s+(?P<m1>{_MONTH}){_YEAR}\b")),
    (
        "part",
        re.compile(
            rf"\b(?P<part>early|mid|late)[-\s]+(?P<m1>{_MONTH}){_YEAR}\b",
            re.IGNORECASE,
        ),
    ),
    ("a_week_from", re.compile(r"\ba week from (?P<base>tomorrow|today)\b", re.IGNORECASE)),
    ("in_days", re.compile(r"\bin (?P<n>\d{1,3}|[a-z]+) days\b", re.IGNORECASE)),
    ("days_ago", re.compile(r"\b(?:just |a few |several |some )?days ago\b", re.IGNORECASE)),
    ("n_ago", re.compile(r"\b(?P<n>\d{1,2}|[a-z]+) (?P<unit>days?|weeks?) ago\b", re.I)),
    ("in_weeks", re.compile(r"\bin (?P<n>\d{1,2}|[a-z]+) weeks?\b", re.IGNORECASE)),
    (
        "year_ago",  # "a year ago this week", "a year ago this month"
        re.compile(r"\ba year ago this (?P<unit>week|month)\b", re.IGNORECASE),
    ),
    (
        "week",
        re.compile(r"\b(?P<which>later this|this|next|last|earlier this) week\b", re.IGNORECASE),
    ),
    ("month_rel", re.compile(r"\b(?P<which>this|next|last) month\b", re.IGNORECASE)),
    (
        "year_rel",
        re.compile(r"\b(?P<which>earlier this|later this|this|next|last) year\b", re.I),
    ),
    (
        "weekday_span",
        re.compile(rf"\b(?P<wd>{_WD})(?:\s*(?:-|–|/)\s*|\s+(?:and|to|through)\s+)(?P<wd2>{_WD})\b"),
    ),
    (
        "weekday",
        re.compile(
            r"\b(?P<next>(?i:next|this coming) )?(?P<last>(?i:last) )?"
            r"(?P<wd>Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b"
        ),
    ),
    (
        "today",
        re.compile(
            r"\b(?P<word>today|tonight|this evening|this morning|(?:earlier|later) in the day)\b",
            re.I,
        ),
    ),
    (
        "just_now",  # a live blog's "has just posted", "within the past hour": today
        re.compile(
            r"\b(?:(?:has|have) just \w+|within the past (?:hour|few hours)|"
            r"(?:has|have) (?:begun|started|opened))\b|"
            # "the video call ended at 9:45 a.m.": the clock of an act of the day, done
            r"\b(?:ended|began|started|finished|concluded)\b[^.;\d]{0,30}? at \d{1,2}"
            r"(?::\d{2}(?:\s*[ap]\.m\.)?|\s*[ap]\.m\.)",
            re.IGNORECASE,
        ),
    ),
    ("yesterday", re.compile(r"\b(?P<word>yesterday)\b", re.IGNORECASE)),
    ("tomorrow", re.compile(r"\b(?P<word>tomorrow)\b", re.IGNORECASE)),
    ("month", re.compile(rf"\b(?:in|since|by|until|through)\s+(?P<m1>{_MONTH}){_YEAR}\b")),
    ("month_year", re.compile(rf"\b(?P<m1>{_MONTH})\s+(?P<year>20\d\d)\b")),
    ("the_month", re.compile(rf"\b[Tt]he (?P<m1>{_MONTH})(?:'s)? (?=[a-z])")),
]


DATELINE = re.compile(rf",?\s+(?:{_MONTH}\s+{_DAY}|{_DAY}\s+{_MONTH})")
"""What follows a weekday that the explicit day says ("Thursday, October 30", "Wednesday 16
December")."""
SUPERLATIVE = re.compile(
    r"\b(?:\w+est|most|least|first time|best|worst)\b(?:\s+\w+){0,3}\s*$", re.IGNORECASE
)
