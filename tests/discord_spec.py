"""Checks every REST request the bot sent against Discord's OpenAPI description
(../shared/discord-api-spec/openapi.json) and Discord's message limits, and that every
message the bot sends carries allowed_mentions with nothing allowed."""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

URN = "urn:discord-openapi"

EMBED_LIMITS = {"title": 256, "description": 4096, "footer": 2048, "author": 256}
FIELD_NAME, FIELD_VALUE, MAX_FIELDS, MAX_EMBEDS, EMBEDS_TOTAL, CONTENT = (
    256,
    1024,
    25,
    10,
    6000,
    2000,
)


def _pointer(*parts: str) -> str:
    return "/" + "/".join(p.replace("~", "~0").replace("/", "~1") for p in parts)


@dataclass(frozen=True)
class _Route:
    template: str
    regex: re.Pattern[str]


class DiscordSpec:
    def __init__(self, path: Path) -> None:
        spec = json.loads(path.read_text(encoding="utf-8"))
        spec = copy.deepcopy(spec)
        schemas = spec["components"]["schemas"]
        # discord.py sends some snowflakes as integers (see the spec README's quirks).
        schemas["SnowflakeType"] = {
            "anyOf": [schemas["SnowflakeType"], {"type": "integer", "minimum": 0}]
        }
        self.spec = spec
        resource = Resource.from_contents(spec, default_specification=DRAFT202012)
        self.registry: Registry[Any] = Registry().with_resource(URN, resource)
        self.routes = [
            _Route(t, re.compile("^" + re.sub(r"\\\{[^}]+\\\}", r"[^/]+", re.escape(t)) + "$"))
            for t in spec["paths"]
        ]
        # Literal segments beat placeholders (e.g. messages/@original).
        self.routes.sort(key=lambda r: r.template.count("{"))

    def route(self, path: str) -> str | None:
        for r in self.routes:
            if r.regex.match(path):
                return r.template
        return None

    def validate(self, method: str, path: str, body: Any) -> list[str]:
        template = self.route(path)
        if template is None:
            return [f"{method} {path}: no such route in Discord's API description"]
        operation = self.spec["paths"][template].get(method.lower())
        if operation is None:
            return [f"{method} {template}: method not in Discord's API description"]
        if body is None:
            return []
        content = operation.get("requestBody", {}).get("content", {})
        media = "application/json" if "application/json" in content else next(iter(content), None)
        if media is None:
            return [f"{method} {template}: Discord accepts no body here"]
        pointer = _pointer(
            "paths", template, method.lower(), "requestBody", "content", media, "schema"
        )
        validator = Draft202012Validator({"$ref": f"{URN}#{pointer}"}, registry=self.registry)
        errors = []
        for error in validator.iter_errors(body):
            deepest = _deepest(error)
            where = "/".join(map(str, deepest.absolute_path)) or "(body)"
            errors.append(f"{method} {template}: {where}: {deepest.message[:300]}")
        return errors


def _deepest(error: ValidationError) -> ValidationError:
    best = error
    if error.context:
        for sub in error.context:
            candidate = _deepest(sub)
            if len(candidate.absolute_path) >= len(best.absolute_path):
                best = candidate
    return best


@cache
def load_spec(path: Path) -> DiscordSpec:
    return DiscordSpec(path)


def _message_payloads(method: str, path: str, body: Any) -> list[dict[str, Any]]:
    """The message bodies inside a request (interaction callbacks wrap theirs in data)."""
    if not isinstance(body, dict):
        return []
    if path.endswith("/callback"):
        data = body.get("data")
        return [data] if body.get("type") in (4, 7) and isinstance(data, dict) else []
    if re.search(r"/channels/[^/]+/messages(/[^/]+)?$", path) or re.search(
        r"/webhooks/[^/]+/[^/]+(/messages/[^/]+)?$", path
    ):
        return [body] if method in ("POST", "PATCH") else []
    return []


def limit_problems(message: dict[str, Any]) -> list[str]:
    problems: list[str] = []
    content = message.get("content") or ""
    if len(content) > CONTENT:
        problems.append(f"content is {len(content)} characters (max {CONTENT})")
    embeds = message.get("embeds") or []
    if len(embeds) > MAX_EMBEDS:
        problems.append(f"{len(embeds)} embeds (max {MAX_EMBEDS})")
    total = 0
    for i, embed in enumerate(embeds):
        for key, limit in EMBED_LIMITS.items():
            value = embed.get(key)
            text = (
                value.get("text" if key == "footer" else "name", "")
                if isinstance(value, dict)
                else (value or "")
            )
            total += len(text)
            if len(text) > limit:
                problems.append(f"embed {i} {key} is {len(text)} characters (max {limit})")
        fields = embed.get("fields") or []
        if len(fields) > MAX_FIELDS:
            problems.append(f"embed {i} has {len(fields)} fields (max {MAX_FIELDS})")
        for j, field in enumerate(fields):
            name, value = field.get("name", ""), field.get("value", "")
            total += len(name) + len(value)
            if len(name) > FIELD_NAME:
                problems.append(f"embed {i} field {j} name is {len(name)} characters")
            if len(value) > FIELD_VALUE:
                problems.append(f"embed {i} field {j} value is {len(value)} characters")
    if total > EMBEDS_TOTAL:
        problems.append(f"embeds hold {total} characters in all (max {EMBEDS_TOTAL})")
    return problems


def mention_problems(message: dict[str, Any]) -> list[str]:
    allowed = message.get("allowed_mentions")
    if allowed is None:
        return ["no allowed_mentions: Discord would ping what the text mentions"]
    problems = []
    if allowed.get("parse"):
        problems.append(f"allowed_mentions.parse allows {allowed['parse']}")
    if allowed.get("users") or allowed.get("roles") or allowed.get("replied_user"):
        problems.append(f"allowed_mentions allows {allowed}")
    return problems


_CITED = re.compile(r"\[(\d{1,3})\]")
_LISTED = re.compile(r"^\[(\d{1,3})\] ", re.MULTILINE)
_RANGE = re.compile(r"^\[(\d{1,3})\]–\[(\d{1,3})\]: \d+ more sources, listed in /sources", re.M)
_TOKEN = re.compile(r"/(?:webhooks/[^/]+|interactions/[^/]+)/([^/]+)")


def _texts(message: dict[str, Any]) -> list[str]:
    out = [str(message.get("content") or "")]
    for embed in message.get("embeds") or []:
        out.append(str(embed.get("description") or ""))
        out.extend(str(f.get("value") or "") for f in embed.get("fields") or [])
    return out


def citation_problems(groups: dict[str, list[dict[str, Any]]]) -> list[str]:
    """Every [n] shown in an answer (its reply and follow-ups, or one post) is listed in it
    as a source line '[n] …' (issue 22: no citation points nowhere)."""
    problems = []
    for key, messages in groups.items():
        texts = [t for m in messages for t in _texts(m)]
        listed = {int(n) for t in texts for n in _LISTED.findall(t)}
        for t in texts:  # "[46]–[60]: 15 more sources, listed in /sources"
            for a, b in _RANGE.findall(t):
                listed.update(range(int(a), int(b) + 1))
        cited = {int(n) for t in texts for n in _CITED.findall(t)}
        missing = sorted(cited - listed)
        if missing:
            problems.append(f"{key}: cites {missing} but lists only {sorted(listed)[:40]}")
    return problems


def check_requests(spec_path: Path, requests: Iterable[Any]) -> list[str]:
    """All problems with the recorded requests (empty when every one is fine)."""
    spec = load_spec(spec_path)
    problems: list[str] = []
    groups: dict[str, list[dict[str, Any]]] = {}
    for req in requests:
        body = req.json
        problems.extend(spec.validate(req.method, req.path, body))
        for message in _message_payloads(req.method, req.path, body):
            problems.extend(f"{req.method} {req.path}: {p}" for p in limit_problems(message))
            problems.extend(f"{req.method} {req.path}: {p}" for p in mention_problems(message))
            token = _TOKEN.search(req.path)
            key = (
                f"interaction {token.group(1)}"
                if token
                else f"{req.method} {req.path} #{len(groups)}"
            )
            groups.setdefault(key, []).append(message)
    problems.extend(citation_problems(groups))
    return problems
