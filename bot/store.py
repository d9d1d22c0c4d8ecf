"""What the bot keeps: per-user settings, history, favourites, feedback, and the button state.

One small interface, `Store`, with two implementations: `SQLiteStore` (a file; the default) and
`RedisStore` (a `redis://` URL, shared by several bot processes). `open_store(spec)` picks one.
Every record is JSON; entries (history, saved, feedback) carry an `id` and the time they were
added. The button state is kept here rather than in process memory, so a button on a message sent
by one process works when the press reaches another.
"""

from __future__ import annotations

import asyncio
import json
import logging
import secrets
import sqlite3
import time
from abc import ABC, abstractmethod
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

log = logging.getLogger("ieum.store")

KINDS = ("history", "saved", "feedback")
KEEP = {"history": 10, "saved": 200, "feedback": 1000}  # newest entries kept per user and kind
BUTTON_TTL = 14 * 24 * 3600  # seconds a message's buttons keep working
START_BUSY_TIMEOUT = 10.0  # seconds: at start-up another process may hold the SQLite lock a while
SCHEMA_VERSION = 1
BUSY_TIMEOUT = 1.0  # seconds: while serving, a locked SQLite file fails a write soon (the user is told)


class StoreError(RuntimeError):
    """The store cannot be used (read-only, not a database): names the file and why."""


class Store(ABC):
    """Async storage keyed by Telegram user id."""

    @abstractmethod
    async def settings(self, user_id: int) -> dict[str, Any]:
        """The user's settings ({} for a new user)."""

    @abstractmethod
    async def set_settings(self, user_id: int, data: dict[str, Any]) -> None: ...

    @abstractmethod
    async def add(self, user_id: int, kind: str, entry: dict[str, Any]) -> int:
        """Add an entry of `kind` (history, saved, feedback); return its id. Old ones beyond KEEP go."""

    @abstractmethod
    async def entries(self, user_id: int, kind: str, limit: int) -> list[dict[str, Any]]:
        """The user's newest entries of `kind`, newest first, each with its `id` and `at`."""

    @abstractmethod
    async def entry(self, user_id: int, kind: str, entry_id: int) -> dict[str, Any] | None: ...

    @abstractmethod
    async def take_feedback(self) -> list[dict[str, Any]]:
        """Remove and return every user's feedback, oldest first, without the user ids (the export)."""

    @abstractmethod
    async def put_button(self, user_id: int, state: dict[str, Any], key: str | None = None) -> str:
        """Keep a message's button state (under `key`, or a new one); return the key."""

    @abstractmethod
    async def button(self, key: str) -> dict[str, Any] | None:
        """The state behind a button, or None when it expired or was forgotten."""

    @abstractmethod
    async def forget(self, user_id: int) -> None:
        """Delete everything kept about the user (exported feedback is no longer theirs)."""

    @abstractmethod
    async def close(self) -> None:
        """Release connections."""


def new_key() -> str:
    return secrets.token_urlsafe(9)  # 12 characters: a button's data stays far under 64 bytes


def open_store(spec: str | Path) -> Store:
    """`redis://…` (or `rediss://`, `unix://`) → RedisStore; anything else is a SQLite file path."""
    if str(spec).startswith(("redis://", "rediss://", "unix://")):
        return RedisStore(str(spec))
    return SQLiteStore(spec)


class SQLiteStore(Store):
    """One SQLite file (WAL, so several processes on one machine may share it); every query runs on
    one worker thread, off the event loop."""

    def __init__(self, path: str | Path) -> None:
        try:
            self._db = self._open(Path(path))
        except (OSError, sqlite3.Error) as e:
            raise StoreError(f"{path}: cannot write the store ({e}); check the file and folder permissions "
                             "or pass another --store") from None
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="store")

    @staticmethod
    def _open(path: Path) -> sqlite3.Connection:
        """Connect, create the tables, and prove the file is writable (a read-only one fails here, at start)."""
        path.parent.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(str(path), check_same_thread=False, timeout=START_BUSY_TIMEOUT)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")  # with WAL: durable across a crash of the bot, not of the OS
        db.executescript("""
            CREATE TABLE IF NOT EXISTS user_data (user_id INTEGER PRIMARY KEY, data TEXT NOT NULL);
            CREATE TABLE IF NOT EXISTS entries (id INTEGER PRIMARY KEY AUTOINCREMENT, user_id INTEGER NOT NULL,
                                                kind TEXT NOT NULL, data TEXT NOT NULL, at REAL NOT NULL);
            CREATE INDEX IF NOT EXISTS entries_by_user ON entries (user_id, kind, id);
            CREATE TABLE IF NOT EXISTS buttons (key TEXT PRIMARY KEY, user_id INTEGER NOT NULL,
                                                data TEXT NOT NULL, at REAL NOT NULL);
            CREATE INDEX IF NOT EXISTS buttons_by_user ON buttons (user_id);
            CREATE INDEX IF NOT EXISTS buttons_by_time ON buttons (at);
        """)
        with db:
            db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")  # a real write
        db.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT * 1000)}")
        return db

    async def _run(self, fn, *args: Any) -> Any:
        return await asyncio.get_running_loop().run_in_executor(self._pool, fn, *args)

    def _write(self, sql: str, *params: Any) -> sqlite3.Cursor:
        with self._db:
            return self._db.execute(sql, params)

    async def settings(self, user_id: int) -> dict[str, Any]:
        def get() -> dict[str, Any]:
            row = self._db.execute("SELECT data FROM user_data WHERE user_id = ?", (user_id,)).fetchone()
            return _settings(row[0] if row else None, user_id)
        return await self._run(get)

    async def set_settings(self, user_id: int, data: dict[str, Any]) -> None:
        await self._run(self._write, "INSERT INTO user_data VALUES (?, ?) "
                        "ON CONFLICT(user_id) DO UPDATE SET data = excluded.data", user_id, _dumps(data))

    async def add(self, user_id: int, kind: str, entry: dict[str, Any]) -> int:
        def add() -> int:
            with self._db:
                cur = self._db.execute("INSERT INTO entries (user_id, kind, data, at) VALUES (?, ?, ?, ?)",
                                       (user_id, kind, _dumps(entry), time.time()))
                self._db.execute(
                    "DELETE FROM entries WHERE user_id = ? AND kind = ? AND id NOT IN "
                    "(SELECT id FROM entries WHERE user_id = ? AND kind = ? ORDER BY id DESC LIMIT ?)",
                    (user_id, kind, user_id, kind, KEEP[kind]))
                return cur.lastrowid
        return await self._run(add)

    async def entries(self, user_id: int, kind: str, limit: int) -> list[dict[str, Any]]:
        def get() -> list[dict[str, Any]]:
            rows = self._db.execute("SELECT id, data, at FROM entries WHERE user_id = ? AND kind = ? "
                                    "ORDER BY id DESC LIMIT ?", (user_id, kind, limit)).fetchall()
            return [{**json.loads(data), "id": i, "at": at} for i, data, at in rows]
        return await self._run(get)

    async def entry(self, user_id: int, kind: str, entry_id: int) -> dict[str, Any] | None:
        def get() -> dict[str, Any] | None:
            row = self._db.execute("SELECT data, at FROM entries WHERE user_id = ? AND kind = ? AND id = ?",
                                   (user_id, kind, entry_id)).fetchone()
            return {**json.loads(row[0]), "id": entry_id, "at": row[1]} if row else None
        return await self._run(get)

    async def take_feedback(self) -> list[dict[str, Any]]:
        def take() -> list[dict[str, Any]]:
            with self._db:
                rows = self._db.execute("SELECT id, data, at FROM entries WHERE kind = 'feedback' "
                                        "ORDER BY id").fetchall()
                self._db.executemany("DELETE FROM entries WHERE id = ?", [(i,) for i, _, _ in rows])
            return [{**json.loads(data), "id": i, "at": at} for i, data, at in rows]
        return await self._run(take)

    async def put_button(self, user_id: int, state: dict[str, Any], key: str | None = None) -> str:
        key = key or new_key()
        now = time.time()

        def put() -> None:
            with self._db:
                self._db.execute("INSERT INTO buttons VALUES (?, ?, ?, ?) ON CONFLICT(key) DO UPDATE SET "
                                 "data = excluded.data, at = excluded.at", (key, user_id, _dumps(state), now))
                self._db.execute("DELETE FROM buttons WHERE at < ?", (now - BUTTON_TTL,))
        await self._run(put)
        return key

    async def button(self, key: str) -> dict[str, Any] | None:
        def get() -> dict[str, Any] | None:
            row = self._db.execute("SELECT data FROM buttons WHERE key = ? AND at >= ?",
                                   (key, time.time() - BUTTON_TTL)).fetchone()
            return json.loads(row[0]) if row else None
        return await self._run(get)

    async def forget(self, user_id: int) -> None:
        def forget() -> None:
            with self._db:
                for table in ("user_data", "entries", "buttons"):
                    self._db.execute(f"DELETE FROM {table} WHERE user_id = ?", (user_id,))
        await self._run(forget)

    async def close(self) -> None:
        await self._run(self._db.close)
        self._pool.shutdown()


class RedisStore(Store):
    """Redis (redis-py's asyncio client): settings as a string, entries as capped lists (newest
    first), button states as strings with a TTL, and a set per user of their button keys."""

    def __init__(self, url: str, prefix: str = "ieum") -> None:
        from redis.asyncio import Redis  # only needed with a redis:// store

        self.redis = Redis.from_url(url, decode_responses=True)
        self.p = prefix

    def _k(self, *parts: object) -> str:
        return ":".join([self.p, *map(str, parts)])

    async def settings(self, user_id: int) -> dict[str, Any]:
        return _settings(await self.redis.get(self._k("settings", user_id)), user_id)

    async def set_settings(self, user_id: int, data: dict[str, Any]) -> None:
        await self.redis.set(self._k("settings", user_id), _dumps(data))

    async def add(self, user_id: int, kind: str, entry: dict[str, Any]) -> int:
        entry_id = await self.redis.incr(self._k("seq"))
        key = self._k(kind, user_id)
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.lpush(key, _dumps({**entry, "id": entry_id, "at": time.time()}))
            pipe.ltrim(key, 0, KEEP[kind] - 1)
            if kind == "feedback":
                pipe.sadd(self._k("feedback-users"), user_id)
            await pipe.execute()
        return entry_id

    async def entries(self, user_id: int, kind: str, limit: int) -> list[dict[str, Any]]:
        return [json.loads(e) for e in await self.redis.lrange(self._k(kind, user_id), 0, limit - 1)]

    async def entry(self, user_id: int, kind: str, entry_id: int) -> dict[str, Any] | None:
        return next((e for e in await self.entries(user_id, kind, KEEP[kind]) if e["id"] == entry_id), None)

    async def take_feedback(self) -> list[dict[str, Any]]:
        taken = []
        for user_id in await self.redis.smembers(self._k("feedback-users")):
            async with self.redis.pipeline(transaction=True) as pipe:  # read, delete, unlist: one step
                pipe.lrange(self._k("feedback", user_id), 0, -1)
                pipe.delete(self._k("feedback", user_id))
                pipe.srem(self._k("feedback-users"), user_id)
                rows, _, _ = await pipe.execute()
            taken += [json.loads(r) for r in rows]
        return sorted(taken, key=lambda e: e["id"])

    async def put_button(self, user_id: int, state: dict[str, Any], key: str | None = None) -> str:
        key = key or new_key()
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.set(self._k("button", key), _dumps(state), ex=BUTTON_TTL)
            pipe.sadd(self._k("buttons", user_id), key)
            pipe.expire(self._k("buttons", user_id), BUTTON_TTL)
            await pipe.execute()
        return key

    async def button(self, key: str) -> dict[str, Any] | None:
        data = await self.redis.get(self._k("button", key))
        return json.loads(data) if data else None

    async def forget(self, user_id: int) -> None:
        keys = [self._k("button", k) for k in await self.redis.smembers(self._k("buttons", user_id))]
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.delete(self._k("settings", user_id), self._k("buttons", user_id),
                        *(self._k(kind, user_id) for kind in KINDS), *keys)
            pipe.srem(self._k("feedback-users"), user_id)
            await pipe.execute()

    async def close(self) -> None:
        await self.redis.aclose()


def _settings(text: str | None, user_id: int) -> dict[str, Any]:
    """A user's settings from their stored JSON; a damaged record counts as none (and is logged)."""
    if not text:
        return {}
    try:
        data = json.loads(text)
        if isinstance(data, dict):
            return data
    except ValueError:
        pass
    log.warning("user %s: stored settings are not a JSON object; using the defaults", user_id)
    return {}


def _dumps(data: dict[str, Any]) -> str:
    return json.dumps(data, ensure_ascii=False)
