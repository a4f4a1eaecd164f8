"""The console session's output: what the bot posted, edited or deleted since the last line,
shown as the acting member sees it, files it sent saved to disk."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, tzinfo
from pathlib import Path
from typing import TextIO

import discord
import simcord
from simcord import (
    BackendError,
    ChannelHandle,
    InteractionResult,
    MemberActor,
    SetupError,
)

from bot.console._scene import (
    LOADING_FLAG,
    Scene,
    fingerprint,
)
from bot.console.render import (
    Control,
    Names,
    RenderContext,
    SavedFile,
    render_message,
)


class SessionOutput:
    """Part of ConsoleSession (bot.console.session): printing what changed."""

    scene: Scene
    env: simcord.Env
    out: TextIO
    out_dir: Path
    zone: tzinfo
    _now: Callable[[], datetime]
    actors: dict[str, MemberActor]
    actor: MemberActor
    _seen: dict[int, str]
    _printed: set[int]
    _saved: dict[int, str]
    _controls: dict[int, Control]

    def write(self, text: str = "") -> None:
        self.out.write(text + "\n")
        self.out.flush()

    # ---- output -------------------------------------------------------------------------------

    def _context(self) -> RenderContext:
        bot = self.env.bot
        users = {a.id: a.name for a in self.actors.values()}
        if bot.user is not None:
            users[bot.user.id] = bot.user.name
        roles = {r.id: r.name for r in self.scene.guild.roles.values()}
        channels = {c.id: c.name or str(c.id) for c in self.scene.guild.channels.values()}
        return RenderContext(self.zone, self._now(), Names(users, roles, channels))

    def _all_messages(self) -> list[tuple[ChannelHandle, discord.Message, bool]]:
        """(channel, message, visible to the current member) for every channel of the server."""
        out: list[tuple[ChannelHandle, discord.Message, bool]] = []
        for channel in self.scene.guild.channels.values():
            every: dict[int, discord.Message] = {}
            visible: set[int] = set()
            for actor in self.actors.values():  # ephemeral messages show only to their member
                try:
                    history = channel.history(viewer=actor)
                except (SetupError, BackendError):
                    continue
                every.update((m.id, m) for m in history)
                if actor is self.actor:
                    visible = {m.id for m in history}
            out.extend((channel, every[i], i in visible) for i in sorted(every))
        return out

    def _snapshot(self, *, mark_only: bool) -> list[tuple[ChannelHandle, discord.Message, str]]:
        changes = []
        current: set[int] = set()
        for channel, message, visible in self._all_messages():
            current.add(message.id)
            now_seen = fingerprint(message)
            before = self._seen.get(message.id)
            self._seen[message.id] = now_seen
            if mark_only or before == now_seen or not visible:
                continue
            changes.append((channel, message, "new" if before is None else "edited"))
        for gone in set(self._seen) - current:
            del self._seen[gone]
            if gone in self._printed and not mark_only:
                self.write("── the bot deleted a message it had shown ──")
        return changes

    async def _print_changes(self, result: InteractionResult) -> bool:
        changes = self._snapshot(mark_only=False)
        response = result.response
        response_id = response.id if response is not None else None
        followups = {m.id for m in result.followups}
        controls: list[Control] = []
        for channel, message, state in changes:
            if state == "edited":
                what = "edited its message"
            elif message.id == response_id:
                what = "reply"
            elif message.id in followups:
                what = "follow-up"
            else:
                what = f"posted in #{channel.name}"
            controls.extend(await self._print_message(message, what, len(controls) + 1))
        self._remember(controls)
        return bool(changes)

    async def _print_message(
        self, message: discord.Message, what: str, first_number: int
    ) -> list[Control]:
        header = f"── {message.author.name}: {what}"
        if message.flags.ephemeral:
            header += " (only visible to you)"
        self.write(header + " ──")
        if message.flags.value & LOADING_FLAG and not message.content and not message.embeds:
            self.write("(thinking…)")
        files = [await self._save(message, a) for a in message.attachments]
        rendered = render_message(
            content=message.content,
            embeds=[e.to_dict() for e in message.embeds],
            components=[c.to_dict() for c in message.components],
            attachments=files,
            ctx=self._context(),
            message_id=message.id,
            first_number=first_number,
        )
        for line in rendered.lines:
            self.write(line)
        self._printed.add(message.id)
        return rendered.controls

    async def _save(self, message: discord.Message, attachment: discord.Attachment) -> SavedFile:
        path = self._saved.get(attachment.id)
        if path is None:
            data = await attachment.read()
            self.out_dir.mkdir(parents=True, exist_ok=True)
            target = self.out_dir / f"{message.id}-{Path(attachment.filename).name}"
            target.write_bytes(data)
            path = self._saved[attachment.id] = str(target)
        return SavedFile(attachment.filename, path, attachment.size, attachment.content_type or "")

    def _remember(self, controls: list[Control]) -> None:
        if controls:
            self._controls = {c.number: c for c in controls}
