"""The README's "Scaling out" recipe, run: two `ieum-bot` processes in webhook mode on one Redis
store, with this test as the load balancer (it posts each update to the process it chooses) and the
fake Bot API taking their replies. One after the other, then side by side: a button on a message
sent by one process works when the press reaches the other."""

from __future__ import annotations

import asyncio
import itertools
import os
import signal
import subprocess
import sys
import time
from contextlib import asynccontextmanager

import aiohttp

from bot.app import EXPIRED, FORGOTTEN, THANKS
from bot.words import uses
from tests.redis_server import free_port
from tests.test_bot_e2e import TELEGRAM_TOKEN_NOT_IN, texts

SECRET = "scale-out-secret"
WORDS = ["고양이", "생선", "먹다"]
_ids = itertools.count(1)


class BotProcess:
    """One `ieum-bot --webhook-url …` process; `send` is the load balancer forwarding an update to it."""

    def __init__(self, telegram, store: str, folder) -> None:
        self.port = free_port()
        env = {**os.environ, "TELEGRAM_BOT_TOKEN": telegram.token}
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "bot.app", "--base-url", telegram.base_url, "--store", store,
             "--webhook-url", f"http://127.0.0.1:{self.port}", "--listen", "127.0.0.1", "--port", str(self.port),
             "--secret-token", SECRET], env=env, cwd=folder, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)

    async def ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while True:
            try:
                _, writer = await asyncio.open_connection("127.0.0.1", self.port)
                writer.close()
                return
            except OSError:
                if self.proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("bot did not start:\n" + self.proc.stdout.read().decode()) from None
                await asyncio.sleep(0.2)

    async def send(self, update: dict) -> None:
        async with aiohttp.ClientSession() as http:
            async with http.post(f"http://127.0.0.1:{self.port}/telegram", json=update,
                                 headers={"X-Telegram-Bot-Api-Secret-Token": SECRET}) as r:
                assert r.status == 200, await r.text()

    async def stop(self) -> str:
        """SIGTERM; the process must exit 0. Returns its log."""
        self.proc.send_signal(signal.SIGTERM)
        code = await asyncio.to_thread(self.proc.wait, 60)
        log = self.proc.stdout.read().decode()
        assert code == 0, log
        return log


@asynccontextmanager
async def bots(telegram, store: str, folder, count: int):
    procs = [BotProcess(telegram, store, folder) for _ in range(count)]
    try:
        await asyncio.gather(*(p.ready() for p in procs))
        yield procs
        for p in procs:
            assert TELEGRAM_TOKEN_NOT_IN(await p.stop(), telegram.token)
    finally:
        for p in procs:
            p.proc.kill()


def message(telegram, user: int, text: str) -> dict:
    msg = {"message_id": next(_ids) + 500_000, "date": int(time.time()), "from": telegram.user(user),
           "chat": {"id": user, "type": "private", "first_name": f"user{user}"}, "text": text}
    if text.startswith("/"):
        msg["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
    return {"update_id": next(_ids), "message": msg}


def press(telegram, user: int, message_id: int, data: str) -> dict:
    msg = {"message_id": message_id, "date": int(time.time()), "from": {"id": 4242, "is_bot": True,
           "first_name": "이음"}, "chat": {"id": user, "type": "private"}, "text": telegram.texts[(user, message_id)]}
    return {"update_id": next(_ids), "callback_query": {"id": f"cq{next(_ids)}", "from": telegram.user(user),
                                                       "chat_instance": str(user), "data": data, "message": msg}}


async def reply(telegram, bot: BotProcess, update: dict, user: int) -> str:
    before = len(texts(telegram, user))
    await bot.send(update)
    await telegram.wait_for(lambda t: len(texts(t, user)) > before, timeout=30)
    return texts(telegram, user)[before]


def buttons_of(telegram, user: int) -> tuple[int, dict[str, str]]:
    call = telegram.sent("sendMessage", user)[-1]
    message_id = max(m for (c, m) in telegram.texts if c == user)
    return message_id, {b["text"]: b["callback_data"] for row in call.params["reply_markup"]["inline_keyboard"]
                        for b in row}


async def answered(telegram, bot: BotProcess, update: dict) -> dict:
    before = len(telegram.sent("answerCallbackQuery"))
    await bot.send(update)
    await telegram.wait_for(lambda t: len(t.sent("answerCallbackQuery")) > before, timeout=30)
    return telegram.sent("answerCallbackQuery")[before].params


async def test_one_after_the_other_on_one_redis(telegram, redis_url, tmp_path):
    async with bots(telegram, redis_url, tmp_path, 1) as (a,):
        await reply(telegram, a, message(telegram, 11, "/style"), 11)
        style_message, style_buttons = buttons_of(telegram, 11)
        await answered(telegram, a, press(telegram, 11, style_message, style_buttons["해요체"]))
        first = await reply(telegram, a, message(telegram, 11, ", ".join(WORDS)), 11)
        assert first.endswith("요."), first
        message_id, buttons = buttons_of(telegram, 11)
        await answered(telegram, a, press(telegram, 11, message_id, buttons["⭐ 저장"]))
    async with bots(telegram, redis_url, tmp_path, 1) as (b,):  # A is gone; B has its state
        edits = len(telegram.sent("editMessageText", 11))
        await answered(telegram, b, press(telegram, 11, message_id, buttons["다른 문장"]))
        await telegram.wait_for(lambda t: len(t.sent("editMessageText", 11)) > edits, timeout=30)
        assert telegram.texts[(11, message_id)] != first
        assert first in await reply(telegram, b, message(telegram, 11, "/saved"), 11)
        assert first in await reply(telegram, b, message(telegram, 11, "/history"), 11)
        assert (await reply(telegram, b, message(telegram, 11, "숲, 늑대, 만나다"), 11)).endswith("요.")


async def test_side_by_side_a_press_into_the_other_process_works(telegram, redis_url, tmp_path):
    async with bots(telegram, redis_url, tmp_path, 2) as (a, b):
        shown = await reply(telegram, a, message(telegram, 21, ", ".join(WORDS)), 21)
        message_id, buttons = buttons_of(telegram, 21)
        await answered(telegram, b, press(telegram, 21, message_id, buttons["한다체"]))  # B edits A's message
        await telegram.wait_for(lambda t: t.texts[(21, message_id)] != shown, timeout=30)
        plain = telegram.texts[(21, message_id)]
        assert plain.endswith("다.") and all(uses(w, plain) for w in WORDS), plain
        explained = await reply(telegram, b, press(telegram, 21, message_id, buttons["조사 설명"]), 21)
        assert explained.startswith("조사 설명\n" + plain)

        await reply(telegram, a, press(telegram, 21, message_id, buttons["틀렸어요"]), 21)  # asked by A …
        assert await reply(telegram, b, message(telegram, 21, "고양이가 생선을 먹는다."), 21) == THANKS  # … taken by B

        # both at once: users spread over the two processes all get their sentence
        users = range(30, 40)
        await asyncio.gather(*((a if u % 2 else b).send(message(telegram, u, "숲, 늑대, 만나다")) for u in users))
        await telegram.wait_for(lambda t: all(texts(t, u) for u in users), timeout=60)
        assert all(all(uses(w, texts(telegram, u)[0]) for w in ("숲", "늑대")) for u in users)

        assert await reply(telegram, a, message(telegram, 21, "/forget"), 21) == FORGOTTEN
        assert (await answered(telegram, b, press(telegram, 21, message_id, buttons["⭐ 저장"])))["text"] == EXPIRED
        assert "저장한 문장이 없습니다" in await reply(telegram, b, message(telegram, 21, "/saved"), 21)
