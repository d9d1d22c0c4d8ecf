"""Per-user settings (the speech level) that survive restarts: a small PTB persistence on SQLite.

Only `user_data` is stored, one JSON row per user, so the file stays readable and any process can
share it; for several bot processes behind a load balancer, swap this class for one with the same
five user-data methods on a server database (PostgreSQL, Redis).
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

from telegram.ext import BasePersistence, PersistenceInput


class SQLitePersistence(BasePersistence):
    """`user_data` in one SQLite table; chat, bot and callback data are not persisted."""

    def __init__(self, path: str | Path, update_interval: float = 5.0) -> None:
        super().__init__(store_data=PersistenceInput(bot_data=False, chat_data=False, user_data=True,
                                                     callback_data=False), update_interval=update_interval)
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(str(path), check_same_thread=False)
        self._db.execute("CREATE TABLE IF NOT EXISTS user_data (user_id INTEGER PRIMARY KEY, data TEXT NOT NULL)")
        self._db.commit()

    async def get_user_data(self) -> dict[int, dict[Any, Any]]:
        rows = self._db.execute("SELECT user_id, data FROM user_data").fetchall()
        return {user_id: json.loads(data) for user_id, data in rows}

    async def update_user_data(self, user_id: int, data: dict[Any, Any]) -> None:
        self._db.execute("INSERT INTO user_data VALUES (?, ?) ON CONFLICT(user_id) DO UPDATE SET data = excluded.data",
                         (user_id, json.dumps(data, ensure_ascii=False)))
        self._db.commit()

    async def drop_user_data(self, user_id: int) -> None:
        self._db.execute("DELETE FROM user_data WHERE user_id = ?", (user_id,))
        self._db.commit()

    async def refresh_user_data(self, user_id: int, user_data: dict[Any, Any]) -> None:
        """Nothing to refresh: this process is the only writer of its users' rows."""

    async def flush(self) -> None:
        self._db.commit()

    # -- not stored (see PersistenceInput above) -------------------------------------------------
    async def get_chat_data(self) -> dict[int, dict[Any, Any]]:
        return {}

    async def update_chat_data(self, chat_id: int, data: dict[Any, Any]) -> None:
        pass

    async def refresh_chat_data(self, chat_id: int, chat_data: dict[Any, Any]) -> None:
        pass

    async def drop_chat_data(self, chat_id: int) -> None:
        pass

    async def get_bot_data(self) -> dict[Any, Any]:
        return {}

    async def update_bot_data(self, data: dict[Any, Any]) -> None:
        pass

    async def refresh_bot_data(self, bot_data: dict[Any, Any]) -> None:
        pass

    async def get_callback_data(self) -> None:
        return None

    async def update_callback_data(self, data: Any) -> None:
        pass

    async def get_conversations(self, name: str) -> dict:
        return {}

    async def update_conversation(self, name: str, key: tuple[int | str, ...], new_state: object | None) -> None:
        pass
