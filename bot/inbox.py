"""A durable inbox: every update is answered at least once and at most once, even when the process dies.

python-telegram-bot confirms a getUpdates batch as soon as it asks for the next one, while the
updates may still wait in its queue; a killed process (OOM, power cut) would drop them. Here each
update is written to the inbox before it enters the queue, so before Telegram hears it arrived
(polling: each getUpdates batch in one write, as it comes off the wire, so before the next
getUpdates confirms it; webhook: before the POST is answered). When its handling is
over (the reply sent, or the update dropped on purpose) it is marked done. At start-up the updates
not marked done are replayed, and an update Telegram delivers again is skipped if the inbox knows
it. So a kill can repeat only the replies in flight at that moment.

`Inbox` is the interface (add, done, pending, close); `SQLiteInbox` keeps it in a SQLite file.
Another backend (Redis) implements the same four methods.
"""

from __future__ import annotations

import asyncio
import json
import logging
import sqlite3
import time
from abc import ABC, abstractmethod
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from telegram import Bot, Update
from telegram.request import HTTPXRequest

log = logging.getLogger("ieum.inbox")

KEEP_DONE = 2 * 24 * 3600  # seconds answered ids are remembered (Telegram keeps an update 24 h)


class Inbox(ABC):
    """Updates kept from arrival until they are answered."""

    @abstractmethod
    async def add(self, updates: list[tuple[int, str]]) -> set[int]:
        """Keep updates (id, JSON) in one write; return the ids that were new (not pending, not done)."""

    @abstractmethod
    async def done(self, update_id: int) -> None:
        """The update was handled: never replay it."""

    @abstractmethod
    async def pending(self) -> list[str]:
        """The JSON of every update not yet done, oldest first."""

    @abstractmethod
    async def close(self) -> None: ...


class SQLiteInbox(Inbox):
    """The inbox in a SQLite table (WAL: a committed row survives a killed process). Writes run in
    one thread; the done marks that arrive while one write runs go together in the next."""

    def __init__(self, path: str | Path) -> None:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(str(path), check_same_thread=False, timeout=10, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.execute("CREATE TABLE IF NOT EXISTS inbox (update_id INTEGER PRIMARY KEY, payload TEXT, "
                         "done REAL)")  # done: when it was answered (NULL: not yet)
        self._db.execute("DELETE FROM inbox WHERE done < ?", (time.time() - KEEP_DONE,))
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="inbox")
        self._done: list[int] = []
        self._flush: asyncio.Future | None = None

    async def _run(self, fn, *args):
        return await asyncio.get_running_loop().run_in_executor(self._pool, fn, *args)

    async def add(self, updates: list[tuple[int, str]]) -> set[int]:
        def insert() -> set[int]:
            new = set()
            with self._db:
                self._db.execute("BEGIN")
                for update_id, payload in updates:
                    if self._db.execute("INSERT OR IGNORE INTO inbox VALUES (?, ?, NULL)",
                                        (update_id, payload)).rowcount == 1:
                        new.add(update_id)
            return new
        return await self._run(insert)

    async def done(self, update_id: int) -> None:
        self._done.append(update_id)
        if self._flush is None:
            self._flush = asyncio.ensure_future(self._write_done())
        await asyncio.shield(self._flush)

    async def _write_done(self) -> None:
        await asyncio.sleep(0)  # the marks of this moment join one write
        self._flush = None
        ids, self._done = self._done, []
        now = time.time()

        def mark() -> None:
            with self._db:
                self._db.execute("BEGIN")
                self._db.executemany("UPDATE inbox SET done = ?, payload = NULL WHERE update_id = ?",
                                     [(now, i) for i in ids])
        await self._run(mark)

    async def pending(self) -> list[str]:
        def get() -> list[str]:
            rows = self._db.execute("SELECT payload FROM inbox WHERE done IS NULL ORDER BY update_id").fetchall()
            return [payload for (payload,) in rows]
        return await self._run(get)

    async def close(self) -> None:
        await self._run(self._db.close)
        self._pool.shutdown()


class DurableQueue(asyncio.Queue):
    """PTB's update queue (polling and webhook both `put` into it) with the inbox in front:
    an update is in the queue only once it is in the inbox, and never twice."""

    def __init__(self, inbox: Inbox) -> None:
        super().__init__()
        self.inbox = inbox
        self._polled: set[int] = set()  # ids kept by the getUpdates transport, not yet put
        self._new: set[int] = set()  # those of them the inbox did not know

    async def received(self, payload: bytes) -> None:
        """A getUpdates answer, as it comes off the wire: keep its updates in one write."""
        updates = json.loads(payload).get("result") or []
        # ASCII JSON: a lone surrogate in a message (Telegram passes them on) stays an escape, storable
        rows = [(u["update_id"], json.dumps(u)) for u in updates if "update_id" in u]
        if rows:
            self._new |= await self.inbox.add(rows)
            self._polled |= {update_id for update_id, _ in rows}

    async def put(self, item: object) -> None:
        if isinstance(item, Update):
            if item.update_id in self._polled:  # kept already by the transport
                self._polled.discard(item.update_id)
                new = item.update_id in self._new
                self._new.discard(item.update_id)
            else:  # a webhook POST: kept before it is answered
                new = bool(await self.inbox.add([(item.update_id, item.to_json())]))
            if not new:
                log.info("update %s skipped: already received", item.update_id)
                return
        await super().put(item)

    async def replay(self, bot: Bot) -> int:
        """Queue the updates a previous run received but did not answer; return how many."""
        payloads = await self.inbox.pending()
        for payload in payloads:
            await super().put(Update.de_json(json.loads(payload), bot))
        if payloads:
            log.info("replaying %d updates received before the last stop", len(payloads))
        return len(payloads)


class InboxRequest(HTTPXRequest):
    """The transport of getUpdates: each answer goes into the inbox before PTB reads it."""

    def __init__(self, queue: DurableQueue, **kwargs) -> None:
        super().__init__(**kwargs)
        self.queue = queue

    async def do_request(self, *args, **kwargs) -> tuple[int, bytes]:
        code, payload = await super().do_request(*args, **kwargs)
        if code == 200:
            await self.queue.received(payload)
        return code, payload
