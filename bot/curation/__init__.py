"""Curators' input -> validated items (pure; see common.py for the rules and decisions)."""

from bot.curation.common import (
    DEFAULT_TOPIC,
    REASON_MAX,
    Context,
    Draft,
    changed_fields,
    check_url,
    clean_text,
    match_people,
    new_id,
    optional_text,
    parse_date,
    parse_topic,
    slugify,
)
from bot.curation.events import EventInput, build_event, edit_event
from bot.curation.milestones import MilestoneInput, build_milestone, edit_milestone, parse_when
from bot.curation.people import PersonInput, build_person, edit_person

__all__ = [
    "DEFAULT_TOPIC",
    "REASON_MAX",
    "Context",
    "Draft",
    "EventInput",
    "MilestoneInput",
    "PersonInput",
    "build_event",
    "build_milestone",
    "build_person",
    "changed_fields",
    "check_url",
    "clean_text",
    "edit_event",
    "edit_milestone",
    "edit_person",
    "match_people",
    "new_id",
    "optional_text",
    "parse_date",
    "parse_topic",
    "parse_when",
    "slugify",
]
