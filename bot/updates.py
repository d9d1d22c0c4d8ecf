"""Fair update processing: one queue per chat, so no chat can starve the others.

python-telegram-bot hands each update to the processor in its own task, under a semaphore of
`max_concurrent_updates` slots. A plain processor holds a slot while a handler waits on the send
limiter, so one busy group (Telegram allows ~20 sends a minute there) or one flooding user can
hold every slot. Here the first update of a chat becomes that chat's runner: it handles its own
update and then the chat's queued ones, in order; a queued update gives its slot back at once.
So a chat holds one slot at most, chats proceed in parallel, and a chat that sends faster than it
is answered keeps at most `backlog` updates waiting (`group_backlog` in a group, where Telegram
allows only ~20 sends a minute); the excess is dropped with one note per flood.
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor, filters

log = logging.getLogger("ieum.updates")


@dataclass
class _Chat:
    queue: deque[tuple[object, Awaitable[Any]]] = field(default_factory=deque)
    noted: bool = False  # the flood note was sent since the queue was last empty


def chat_key(update: object) -> int | None:
    """The queue an update waits in: its chat, else its user (inline queries); None: no queue, for
    what the bot never answers (edits, channel posts, service messages), which costs nothing."""
    if not isinstance(update, Update) or not (update.callback_query or update.inline_query or (
            update.message and not filters.StatusUpdate.ALL.check_update(update))):
        return None
    if update.effective_chat is not None:
        return update.effective_chat.id
    return update.effective_user.id if update.effective_user is not None else None


class ChatQueues(BaseUpdateProcessor):
    """Each chat's updates one at a time and in order; chats in parallel; a flood's excess dropped."""

    def __init__(self, max_concurrent_updates: int = 512, backlog: int = 20, group_backlog: int = 3,
                 on_done: Callable[[object], Awaitable[None]] | None = None,
                 on_note: Callable[[Update], Awaitable[None]] | None = None) -> None:
        super().__init__(max_concurrent_updates)
        self.backlog = backlog
        self.group_backlog = group_backlog
        self.on_done = on_done  # called once each update is handled or dropped (the inbox marks it done)
        self.on_note = on_note  # the one polite note per flood
        self._chats: dict[int, _Chat] = {}
        self._notes: set[asyncio.Task] = set()

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        key = chat_key(update)
        if key is None:
            await self._run(update, coroutine)
            return
        chat = self._chats.get(key)
        if chat is not None:  # the chat's runner will get to it; this slot is free again
            if len(chat.queue) < self._backlog(update):
                chat.queue.append((update, coroutine))
            else:
                await self._drop(update, coroutine, chat)
            return
        chat = self._chats[key] = _Chat()
        try:
            await self._run(update, coroutine)
            while chat.queue:
                await self._run(*chat.queue.popleft())
        finally:
            del self._chats[key]

    def _backlog(self, update: object) -> int:
        chat = update.effective_chat if isinstance(update, Update) else None
        return self.group_backlog if chat is not None and chat.type != chat.PRIVATE else self.backlog

    async def _drop(self, update: object, coroutine: Awaitable[Any], chat: _Chat) -> None:
        coroutine.close()  # type: ignore[attr-defined]  # never started
        log.info("update %s dropped: its chat has %d waiting", getattr(update, "update_id", "?"), len(chat.queue))
        await self._done(update)
        if not chat.noted and self.on_note is not None and isinstance(update, Update):
            chat.noted = True
            task = asyncio.create_task(self.on_note(update))  # waits on the send limiter, not here
            self._notes.add(task)
            task.add_done_callback(self._notes.discard)

    async def initialize(self) -> None:
        pass

    async def shutdown(self) -> None:
        for task in self._notes:  # a note still waiting on the send limiter is not worth waiting for
            task.cancel()

    async def _run(self, update: object, coroutine: Awaitable[Any]) -> None:
        """Await one update's handling; a failure (PTB reports handler errors itself) never stops the queue."""
        try:
            await coroutine
        except Exception:
            log.exception("update %s failed", getattr(update, "update_id", "?"))
        await self._done(update)

    async def _done(self, update: object) -> None:
        if self.on_done is None:
            return
        try:
            await self.on_done(update)
        except Exception:
            log.exception("update %s: could not record it as done", getattr(update, "update_id", "?"))
