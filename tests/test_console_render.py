"""Messages as text: timestamps in an injected zone, inert mentions, embeds, numbered
controls, forms."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.console.render import (
    Names,
    RenderContext,
    SavedFile,
    format_timestamp,
    relative_time,
    render_components,
    render_embed,
    render_message,
    render_modal,
    render_text,
)

NOW = datetime(2026, 11, 21, 12, 0, tzinfo=UTC)
SHANGHAI = ZoneInfo("Asia/Shanghai")
UNIX = int(datetime(2025, 10, 9, 6, 30, 5, tzinfo=UTC).timestamp())


def ctx(zone: ZoneInfo = SHANGHAI) -> RenderContext:
    names = Names(users={1: "reader"}, roles={2: "Admins"}, channels={3: "briefing"})
    return RenderContext(zone, NOW, names)


@pytest.mark.parametrize(
    ("style", "shown"),
    [
        ("t", "14:30"),
        ("T", "14:30:05"),
        ("d", "2025-10-09"),
        ("D", "9 October 2025"),
        ("f", "9 October 2025 14:30"),
        (None, "9 October 2025 14:30"),
        ("F", "Thursday, 9 October 2025 14:30"),
        ("R", "a year ago"),
    ],
)
def test_timestamp_styles_in_the_readers_zone(style: str | None, shown: str) -> None:
    assert format_timestamp(UNIX, style, SHANGHAI, NOW) == shown


def test_the_zone_decides_the_day_and_summer_time() -> None:
    ny = ZoneInfo("America/New_York")
    winter = int(datetime(2026, 1, 10, 3, 0, tzinfo=UTC).timestamp())
    summer = int(datetime(2026, 7, 10, 3, 0, tzinfo=UTC).timestamp())
    assert format_timestamp(winter, "f", ny, NOW) == "9 January 2026 22:00"
    assert format_timestamp(summer, "f", ny, NOW) == "9 July 2026 23:00"


@pytest.mark.parametrize(
    ("delta", "shown"),
    [
        (timedelta(seconds=10), "in a few seconds"),
        (timedelta(minutes=-1), "a minute ago"),
        (timedelta(minutes=30), "in 30 minutes"),
        (timedelta(hours=5), "in 5 hours"),
        (timedelta(days=-1), "a day ago"),
        (timedelta(days=3), "in 3 days"),
        (timedelta(days=-60), "2 months ago"),
        (timedelta(days=400), "in a year"),
        (timedelta(days=-1100), "3 years ago"),
    ],
)
def test_relative_times_read_like_discord(delta: timedelta, shown: str) -> None:
    assert relative_time(NOW + delta, NOW) == shown


def test_text_shows_mentions_as_inert_names() -> None:
    text = f"<@1> and <@!9>, <@&2> in <#3>: </timeline:123> <:flag:55> at <t:{UNIX}:D> <t:x>"
    assert render_text(text, ctx()) == (
        "@reader and @unknown-user, @Admins in #briefing: /timeline :flag: at 9 October 2025 <t:x>"
    )


def test_embed_reads_top_to_bottom() -> None:
    embed = {
        "author": {"name": "Briefing"},
        "title": "Li Chenggang",
        "url": "https://example.org/li",
        "description": f"Vice minister.\nSince <t:{UNIX}:D>.",
        "fields": [
            {"name": "Role", "value": "Negotiator", "inline": True},
            {"name": "Talks", "value": "Geneva\nLondon"},
        ],
        "image": {"url": "attachment://chart.png"},
        "footer": {"text": "Sources: Reuters"},
        "timestamp": NOW.isoformat(),
    }
    lines = render_embed(embed, ctx(), {"chart.png": "out/console/1-chart.png"})
    assert lines == [
        "│ Briefing",
        "│ # Li Chenggang  <https://example.org/li>",
        "│",
        "│ Vice minister.",
        "│ Since 9 October 2025.",
        "│",
        "│ Role: Negotiator",
        "│ Talks: Geneva",
        "│   London",
        "│ image: out/console/1-chart.png",
        "│",
        "│ — Sources: Reuters · 21 November 2026 20:00",
    ]


def test_buttons_and_menus_are_numbered_choices() -> None:
    components = [
        {
            "type": 1,
            "components": [
                {
                    "type": 2,
                    "style": 2,
                    "label": "Older",
                    "custom_id": "t:older",
                    "emoji": {"name": "◀"},
                },
                {"type": 2, "style": 1, "label": "Newer", "custom_id": "t:newer", "disabled": True},
                {"type": 2, "style": 5, "label": "Source", "url": "https://example.org"},
            ],
        },
        {
            "type": 1,
            "components": [
                {
                    "type": 3,
                    "custom_id": "t:topic",
                    "placeholder": "Topic",
                    "min_values": 1,
                    "max_values": 2,
                    "options": [
                        {"label": "Tariffs", "value": "tariffs", "description": "duties"},
                        {"label": "Chips", "value": "chips", "default": True},
                    ],
                }
            ],
        },
        {"type": 1, "components": [{"type": 5, "custom_id": "t:who"}]},
    ]
    out = render_components(components, ctx(), message_id=7, first_number=4)
    assert out.lines == [
        "[4] ◀ Older   [5] Newer (disabled)   Source <https://example.org>",
        "[6] menu: Topic (choose 1 to 2)",
        "    1. Tariffs — duties",
        "    2. Chips (selected)",
        "[7] menu: Make a selection (choose 1 × a member)",
    ]
    assert [(c.number, c.kind, c.custom_id, c.disabled) for c in out.controls] == [
        (4, "button", "t:older", False),
        (5, "button", "t:newer", True),
        (6, "select", "t:topic", False),
        (7, "select", "t:who", False),
    ]
    assert out.controls[2].options[1].value == "chips"
    assert all(c.message_id == 7 for c in out.controls)


def test_layout_components_show_their_text() -> None:
    components = [
        {
            "type": 17,
            "components": [
                {"type": 10, "content": f"Deadline <t:{UNIX}:R>"},
                {"type": 14},
                {
                    "type": 9,
                    "components": [{"type": 10, "content": "More"}],
                    "accessory": {"type": 2, "style": 1, "label": "Open", "custom_id": "o"},
                },
            ],
        }
    ]
    out = render_components(components, ctx(), 1, 1)
    assert out.lines == ["Deadline a year ago", "─" * 20, "More", "[1] Open"]


def test_message_content_embeds_controls_and_files() -> None:
    out = render_message(
        content="Here <@1>",
        embeds=[{"title": "Chart", "image": {"url": "attachment://c.png"}}],
        components=[{"type": 1, "components": [{"type": 2, "label": "Next", "custom_id": "n"}]}],
        attachments=[SavedFile("c.png", "out/console/9-c.png", 2048, "image/png")],
        ctx=ctx(),
        message_id=9,
    )
    assert out.lines == [
        "Here @reader",
        "",
        "│ # Chart",
        "│ image: out/console/9-c.png",
        "",
        "[1] Next",
        "attachment c.png: out/console/9-c.png (image/png, 2.0 KB)",
    ]


def test_forms_list_their_fields() -> None:
    modal = {
        "title": "New event",
        "custom_id": "m",
        "components": [
            {
                "type": 1,
                "components": [{"type": 4, "custom_id": "a1", "label": "Title", "style": 1}],
            },
            {
                "type": 18,
                "label": "Long summary",
                "component": {"type": 4, "custom_id": "a2", "style": 2, "required": False},
            },
        ],
    }
    assert render_modal(modal, ctx()) == [
        "form: New event",
        "  [1] Title (title:, short text, required)",
        "  [2] Long summary (long-summary:, paragraph, optional)",
        "  fill it in with :form title:... long-summary:...",
    ]
