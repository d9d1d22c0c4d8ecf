"""A fake Telegram Bot API server on 127.0.0.1 for the end-to-end tests and the load benchmark.

It speaks the real JSON shapes (getMe, getUpdates with offset/timeout long polling, sendMessage,
editMessageText, answerCallbackQuery, answerInlineQuery, setMyCommands, sendChatAction, …), lets a
test push updates as Telegram would (private, group and channel messages, service messages, edits,
button presses, inline queries), records every call the bot makes, and can inject failures: a 429
with `retry_after`, a 500, a dropped connection, or an answer held back past the bot's read timeout
(`("slow", seconds)`: the call takes effect, its answer comes late).
"""

from __future__ import annotations

import asyncio
import itertools
import json
import time
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

BOT_USER = {"id": 4242, "is_bot": True, "first_name": "이음", "username": "ieum_test_bot",
            "can_join_groups": True, "can_read_all_group_messages": False, "supports_inline_queries": True}


@dataclass
class Call:
    method: str
    params: dict[str, Any]
    at: float = field(default_factory=time.monotonic)


class FakeTelegram:
    def __init__(self, token: str = "123456:TEST-token") -> None:
        self.token = token
        self.calls: list[Call] = []
        self.faults: dict[str, list[Any]] = {}  # method -> queue of 429 seconds / "500" / "drop" / ("slow", s)
        self.texts: dict[tuple[int, int], str] = {}  # (chat, message) -> current text
        self._updates: list[dict] = []
        self.delivered: dict[int, dict] = {}  # update_id -> update, once a getUpdates answer carried it
        self.confirmed = 0  # updates with a smaller id are confirmed (a getUpdates offset went past them)
        self._update_ids = itertools.count(1)
        self._message_ids = itertools.count(1000)
        self._changed = asyncio.Condition()
        self._runner: web.AppRunner | None = None
        self.port = 0

    # -- lifecycle ------------------------------------------------------------------------------
    async def start(self) -> str:
        app = web.Application()
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        # a long poll the bot has abandoned is not waited for at shutdown
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.1)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]
        return self.base_url

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/bot"

    async def stop(self) -> None:
        if self._runner:
            await self._runner.cleanup()

    # -- what a test does -----------------------------------------------------------------------
    def user(self, user_id: int) -> dict:
        return {"id": user_id, "is_bot": False, "first_name": f"user{user_id}", "language_code": "ko"}

    def chat(self, chat_id: int, kind: str = "private") -> dict:
        """A chat as Telegram describes it: private (the user's id), group, supergroup or channel."""
        if kind == "private":
            return {"id": chat_id, "type": "private", "first_name": f"user{chat_id}"}
        return {"id": chat_id, "type": kind, "title": f"{kind} {chat_id}"}

    def message(self, chat_id: int, text: str | None = None, *, sticker: bool = False, kind: str = "private",
                user_id: int | None = None, **extra: Any) -> dict:
        msg: dict[str, Any] = {"message_id": next(self._message_ids), "date": int(time.time()),
                               "chat": self.chat(chat_id, kind), **extra}
        if kind != "channel":
            msg["from"] = self.user(user_id or chat_id)
        if sticker:
            msg["sticker"] = {"file_id": "s1", "file_unique_id": "s1", "type": "regular", "width": 512,
                              "height": 512, "is_animated": False, "is_video": False}
        elif text is not None:
            msg["text"] = text
            if text.startswith("/"):
                length = len(text.split(maxsplit=1)[0]) if text.split() else 1
                msg["entities"] = [{"type": "bot_command", "offset": 0, "length": length}]
        return msg

    def push_message(self, chat_id: int, text: str | None, sticker: bool = False, kind: str = "private",
                     user_id: int | None = None, **extra: Any) -> int:
        """A new message; `kind` "channel" pushes a channel post, `extra` adds fields (a service message)."""
        msg = self.message(chat_id, text, sticker=sticker, kind=kind, user_id=user_id, **extra)
        return self._push({"channel_post" if kind == "channel" else "message": msg})

    def push_edit(self, chat_id: int, text: str) -> int:
        msg = self.message(chat_id, text)
        msg["edit_date"] = msg["date"]
        return self._push({"edited_message": msg})

    def push_callback(self, chat_id: int, message_id: int | None, data: str, user_id: int | None = None) -> int:
        """A button press on message `message_id` (None: a button under an inline message)."""
        query = {"id": f"cq{next(self._update_ids)}", "from": self.user(user_id or chat_id),
                 "chat_instance": str(chat_id), "data": data}
        if message_id is None:
            query["inline_message_id"] = f"im{chat_id}"
        else:
            query["message"] = {"message_id": message_id, "date": int(time.time()), "from": BOT_USER,
                                "chat": {"id": chat_id, "type": "private"},
                                "text": self.texts.get((chat_id, message_id), "")}
        return self._push({"callback_query": query})

    def push_inline(self, user_id: int, query: str) -> int:
        return self._push({"inline_query": {"id": f"iq{next(self._update_ids)}", "from": self.user(user_id),
                                            "query": query, "offset": ""}})

    def _push(self, body: dict) -> int:
        update_id = next(self._update_ids)
        self._updates.append({"update_id": update_id, **body})
        asyncio.get_running_loop().create_task(self._notify())
        return update_id

    async def _notify(self) -> None:
        async with self._changed:
            self._changed.notify_all()

    def sent(self, method: str = "sendMessage", chat_id: int | None = None) -> list[Call]:
        return [c for c in self.calls if c.method == method
                and (chat_id is None or c.params.get("chat_id") == chat_id)]

    async def wait_for(self, predicate, timeout: float = 20.0) -> None:
        """Wait until `predicate(self)` holds; raise TimeoutError after `timeout` seconds."""
        async def until() -> None:
            async with self._changed:
                await self._changed.wait_for(lambda: predicate(self))
        await asyncio.wait_for(until(), timeout)

    # -- the API --------------------------------------------------------------------------------
    async def _handle(self, request: web.Request) -> web.StreamResponse:
        if request.match_info["token"] != self.token:
            return web.json_response({"ok": False, "error_code": 401, "description": "Unauthorized"}, status=401)
        method = request.match_info["method"]
        params = {k: v if k in _TEXT_FIELDS else _decode(v) for k, v in (await request.post()).items()}
        fault = self.faults.get(method, []).pop(0) if self.faults.get(method) else None
        if fault == "drop":
            request.transport.close()
            raise ConnectionResetError("dropped by the fake server")
        if fault == "500":
            return web.json_response({"ok": False, "error_code": 500, "description": "Internal Server Error"},
                                     status=500)
        if isinstance(fault, tuple):  # ("slow", seconds): done now, answered late
            result = self._answer(method, params)
            self.calls.append(Call(method, params))
            await self._notify()
            await asyncio.sleep(fault[1])
            return web.json_response({"ok": True, "result": result})
        if isinstance(fault, int):
            return web.json_response({"ok": False, "error_code": 429, "parameters": {"retry_after": fault},
                                      "description": f"Too Many Requests: retry after {fault}"}, status=429)
        if method == "getUpdates":
            return await self._get_updates(params)
        result = self._answer(method, params)
        if isinstance(result, web.Response):
            return result
        self.calls.append(Call(method, params))
        await self._notify()
        return web.json_response({"ok": True, "result": result})

    async def _get_updates(self, params: dict) -> web.Response:
        offset, timeout = int(params.get("offset") or 0), float(params.get("timeout") or 0)
        self.confirmed = max(self.confirmed, offset)
        self._updates = [u for u in self._updates if u["update_id"] >= offset]
        if not self._updates and timeout:
            try:
                async with self._changed:
                    await asyncio.wait_for(self._changed.wait_for(lambda: bool(self._updates)), timeout)
            except TimeoutError:
                pass
        limit = int(params.get("limit") or 100)
        batch = self._updates[:limit]
        self.delivered.update((u["update_id"], u) for u in batch)
        return web.json_response({"ok": True, "result": batch})

    def _answer(self, method: str, p: dict) -> Any:
        if method == "getMe":
            return BOT_USER
        if method == "sendMessage":
            chat_id, message_id = int(p["chat_id"]), next(self._message_ids)
            self.texts[(chat_id, message_id)] = p["text"]
            return self._message(chat_id, message_id, p)
        if method == "editMessageText":
            if "inline_message_id" in p:
                return True
            key = (int(p["chat_id"]), int(p["message_id"]))
            if self.texts.get(key) == p["text"]:
                return web.json_response({"ok": False, "error_code": 400, "description":
                                          "Bad Request: message is not modified"}, status=400)
            self.texts[key] = p["text"]
            return self._message(*key, p)
        if method == "getWebhookInfo":
            return {"url": "", "has_custom_certificate": False, "pending_update_count": len(self._updates)}
        return True  # deleteWebhook, setMyCommands, sendChatAction, answerCallbackQuery, answerInlineQuery

    def _message(self, chat_id: int, message_id: int, p: dict) -> dict:
        msg = {"message_id": message_id, "date": int(time.time()), "from": BOT_USER,
               "chat": self.chat(chat_id, "private" if chat_id > 0 else "supergroup"), "text": p["text"]}
        if p.get("reply_markup"):
            msg["reply_markup"] = p["reply_markup"]
        return msg


_TEXT_FIELDS = {"text", "query", "callback_query_id", "inline_query_id"}


def _decode(value: Any) -> Any:
    """PTB posts form fields; objects and numbers arrive JSON-encoded."""
    if not isinstance(value, str):
        return value
    try:
        return json.loads(value)
    except ValueError:
        return value
