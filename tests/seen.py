"""What a member sees: embeds flattened to text, for assertions and the report's dumps."""

from __future__ import annotations

from typing import Any

import discord


def embed_text(embed: discord.Embed) -> str:
    parts = [f"TITLE: {embed.title or ''}", f"DESCRIPTION: {embed.description or ''}"]
    for field in embed.fields:
        parts.append(f"FIELD {field.name}:\n{field.value}")
    if embed.footer.text:
        parts.append(f"FOOTER: {embed.footer.text}")
    if embed.image.url:
        parts.append(f"IMAGE: {embed.image.url}")
    return "\n".join(parts)


def message_text(message: Any) -> str:
    return "\n\n".join([message.content or "", *(embed_text(e) for e in message.embeds)]).strip()


def seen(result: Any) -> str:
    """Everything the interaction showed: the reply and its follow-ups."""
    messages = [m for m in [result.response, *result.followups] if m is not None]
    return "\n\n=====\n\n".join(message_text(m) for m in messages)


def custom_ids(message: Any) -> list[str]:
    out: list[str] = []

    def walk(components: list[dict[str, Any]]) -> None:
        for c in components:
            if "custom_id" in c:
                out.append(c["custom_id"])
            walk(c.get("components", []))

    walk(message.components)
    return out


def button(message: Any, label: str) -> dict[str, Any]:
    def walk(components: list[dict[str, Any]]) -> dict[str, Any] | None:
        for c in components:
            if c.get("type") == 2 and c.get("label") == label:
                return c
            found = walk(c.get("components", []))
            if found:
                return found
        return None

    found = walk(message.components)
    assert found is not None, f"no button {label!r}"
    return found
