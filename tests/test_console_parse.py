"""Reading console lines: commands and options found in the command tree's JSON, values with
spaces, quoting, and the one-line errors for what Discord's client would refuse."""

from __future__ import annotations

from typing import Any

import pytest

from bot.console.catalog import Catalog
from bot.console.parse import (
    Directive,
    EntityRef,
    ParseError,
    SlashLine,
    completion_state,
    parse_line,
    split_options,
    static_choices,
)

TREE: list[dict[str, Any]] = [
    {
        "name": "who",
        "description": "A person",
        "type": 1,
        "options": [
            {
                "type": 3,
                "name": "name",
                "description": "Name",
                "required": True,
                "autocomplete": True,
            }
        ],
    },
    {
        "name": "event",
        "description": "Events",
        "type": 1,
        "options": [
            {
                "type": 1,
                "name": "add",
                "description": "Add an event",
                "options": [
                    {"type": 3, "name": "date", "description": "d", "required": True},
                    {"type": 3, "name": "title", "description": "t", "required": True},
                    {"type": 3, "name": "summary", "description": "s"},
                    {
                        "type": 4,
                        "name": "weight",
                        "description": "w",
                        "min_value": 1,
                        "max_value": 5,
                    },
                    {"type": 5, "name": "draft", "description": "b"},
                    {"type": 6, "name": "owner", "description": "u"},
                ],
            },
            {"type": 1, "name": "list", "description": "List events"},
        ],
    },
    {
        "name": "timeline",
        "description": "Timeline",
        "type": 1,
        "options": [
            {
                "type": 3,
                "name": "topic",
                "description": "Topic",
                "choices": [
                    {"name": "Tariffs", "value": "tariffs"},
                    {"name": "Export controls", "value": "export-controls"},
                ],
            }
        ],
    },
    {"name": "Report message", "type": 3},
]


@pytest.fixture
def catalog() -> Catalog:
    return Catalog.from_payloads(TREE)


def slash(text: str, catalog: Catalog) -> SlashLine:
    line = parse_line(text, catalog)
    assert isinstance(line.action, SlashLine)
    return line.action


def test_catalog_lists_leaves_and_skips_context_menus(catalog: Catalog) -> None:
    assert [c.name for c in catalog.leaves] == ["event add", "event list", "timeline", "who"]
    assert catalog.next_words(["event"]) == [("add", "Add an event"), ("list", "List events")]
    assert catalog.restricted_to(["who"]).leaves[0].name == "who"
    add = catalog.find(["event", "add"])
    assert add is not None
    assert add.usage().startswith("/event add date:<text> title:<text> [summary:<text>]")


def test_values_keep_their_spaces_and_colons(catalog: Catalog) -> None:
    line = slash(
        "/event add date:2025-11-10 title:Talks resume in Kuala Lumpur "
        "summary:Both sides met at 10:30; see https://example.org/a",
        catalog,
    )
    assert line.command.name == "event add"
    assert line.values == {
        "date": "2025-11-10",
        "title": "Talks resume in Kuala Lumpur",
        "summary": "Both sides met at 10:30; see https://example.org/a",
    }
    assert slash("/who name:Li Chenggang", catalog).values == {"name": "Li Chenggang"}


def test_quotes_keep_option_like_text_in_a_value(catalog: Catalog) -> None:
    line = slash("/event add title:\"Talks: date:TBC\" date:'2025-11-10'", catalog)
    assert line.values["title"] == "Talks: date:TBC"
    assert line.values["date"] == "2025-11-10"
    with pytest.raises(ParseError, match="never closes"):
        parse_line('/event add title:"open date:1', catalog)


def test_values_are_typed_like_discord_sends_them(catalog: Catalog) -> None:
    line = slash("/event add date:1 title:t weight:3 draft:yes owner:@reader", catalog)
    assert line.values["weight"] == 3
    assert line.values["draft"] is True
    assert line.values["owner"] == EntityRef(6, "reader")
    assert slash("/timeline topic:Export controls", catalog).values == {"topic": "export-controls"}
    assert slash("/timeline topic:TARIFFS", catalog).values == {"topic": "tariffs"}
    assert slash("/timeline", catalog).values == {}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("/nope", "unknown command /nope"),
        ("/event", "/event needs a subcommand: add, list"),
        ("/event add title:x", "/event add needs date:"),
        (
            "/event add bogus:1 date:1 title:t",
            "/event add has no option 'bogus'; its options: date:",
        ),
        ("/event add date:1 title:t bogus:1", "has no option 'bogus'.*quote the value of title:"),
        ("/event add date:1 date:2 title:t", "given twice"),
        ("/event add date:1 title:t weight:9", "weight: must be at most 5"),
        ("/event add date:1 title:t weight:two", "weight: must be a whole number"),
        ("/event add date:1 title:t draft:maybe", "draft: must be true or false"),
        ("/timeline topic:chips", "topic: must be one of tariffs, export-controls"),
        ("/event list now:1", "/event list takes no options"),
        ("hello", "start with / for a bot command"),
        (":dance", "unknown console command :dance"),
    ],
)
def test_what_cannot_be_sent_is_one_clear_line(catalog: Catalog, text: str, message: str) -> None:
    with pytest.raises(ParseError, match=message) as caught:
        parse_line(text, catalog)
    assert "\n" not in str(caught.value)


def test_directives_comments_and_expected_errors(catalog: Catalog) -> None:
    assert parse_line(":select 3 1 2", catalog).action == Directive(
        "select", ("3", "1", "2"), "3 1 2"
    )
    assert parse_line("# a comment", catalog).action is None
    assert parse_line("   ", catalog).action is None
    line = parse_line("! /who name:x", catalog)
    assert line.expect_error and isinstance(line.action, SlashLine)
    form = parse_line(":form title:Two words", catalog).action
    assert isinstance(form, Directive) and form.rest == "title:Two words"


def test_split_options_on_its_own(catalog: Catalog) -> None:
    add = catalog.find(["event", "add"])
    assert add is not None
    assert split_options("", add) == {}
    assert split_options("title:a  summary:b c ", add) == {"title": "a", "summary": "b c"}


def test_completion_offers_commands_subcommands_and_options(catalog: Catalog) -> None:
    roots = completion_state("/", catalog).suggestions
    assert [s.display for s in roots] == ["event", "timeline", "who"]
    assert [s.text for s in completion_state("/ev", catalog).suggestions] == ["event "]
    subs = completion_state("/event ", catalog).suggestions
    assert [s.display for s in subs] == ["add", "list"]
    options = completion_state("/event add date:2025-11-10 ", catalog).suggestions
    assert [s.text for s in options] == ["title:", "summary:", "weight:", "draft:", "owner:"]
    partial = completion_state("/event add date:1 ti", catalog)
    assert [(s.text, s.replace) for s in partial.suggestions] == [("title:", 2)]
    assert [s.display for s in completion_state(":a", catalog).suggestions] == [":as"]
    assert [s.display for s in completion_state(":as a", catalog).suggestions] == ["admin"]
    assert completion_state("plain text", catalog) == completion_state("", catalog)


def test_completion_focuses_on_the_value_being_typed(catalog: Catalog) -> None:
    state = completion_state("/who name:Li Ch", catalog)
    assert state.focus is not None
    assert (state.focus.option.name, state.focus.partial) == ("name", "Li Ch")
    assert state.focus.option.autocomplete
    topic = completion_state("/timeline topic:", catalog).focus
    assert topic is not None and topic.partial == ""
    assert static_choices(topic) == [("tariffs", "Tariffs"), ("export-controls", "Export controls")]
    export = completion_state("/timeline topic:exp", catalog).focus
    assert export is not None and static_choices(export) == [("export-controls", "Export controls")]
    filled = completion_state('/event add title:"A b" date:20', catalog).focus
    assert filled is not None
    assert (filled.option.name, filled.partial, dict(filled.filled)) == (
        "date",
        "20",
        {"title": "A b"},
    )
    assert completion_state("/who name:Li Chenggang ", catalog).focus is None
