"""The bot end to end over real HTTP: the real Application talks to a fake Bot API server on
127.0.0.1 through `base_url`, with the real exported model behind it."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from contextlib import asynccontextmanager
from pathlib import Path

import pytest

from bench.fake_telegram import FakeTelegram
from bot.app import EXPIRED, HELP_TEXT, NOT_TEXT, START_TEXT, build_application
from bot.words import uses

SEED_WORDS = ["백설공주", "동물들", "숲속", "이야기하다"]


@asynccontextmanager
async def running_bot(telegram: FakeTelegram, engine, store, **options):
    app = build_application(telegram.token, engine, base_url=telegram.base_url, store=store, **options)
    async with app:
        await app.post_init(app)  # as run_polling does
        await app.start()
        await app.updater.start_polling(poll_interval=0.0, timeout=1)
        try:
            yield app
        finally:
            await app.updater.stop()
            await app.stop()


def texts(telegram: FakeTelegram, chat_id: int) -> list[str]:
    return [c.params["text"] for c in telegram.sent("sendMessage", chat_id)]


async def ask(telegram: FakeTelegram, chat_id: int, text: str | None, **kw) -> str:
    """Send a message as user `chat_id` and return the bot's reply text."""
    before = len(texts(telegram, chat_id))
    telegram.push_message(chat_id, text, **kw)
    await telegram.wait_for(lambda t: len(texts(t, chat_id)) > before)
    return texts(telegram, chat_id)[before]


def last_buttons(telegram: FakeTelegram, chat_id: int) -> tuple[int, dict[str, str]]:
    """(message_id, {button label: callback_data}) of the bot's last message to `chat_id`."""
    call = telegram.sent("sendMessage", chat_id)[-1]
    message_id = max(m for (c, m) in telegram.texts if c == chat_id)
    rows = call.params["reply_markup"]["inline_keyboard"]
    return message_id, {b["text"]: b["callback_data"] for row in rows for b in row}


async def test_start_help_and_command_menu(telegram, engine, tmp_path):
    async with running_bot(telegram, engine, tmp_path / "s.sqlite3"):
        assert await ask(telegram, 1, "/start") == START_TEXT
        assert await ask(telegram, 1, "/help") == HELP_TEXT
        commands = telegram.sent("setMyCommands")[0].params["commands"]
        assert {c["command"] for c in commands} >= {"compose", "style", "help", "start"}


async def test_message_and_compose_command_give_a_formal_sentence_with_every_word(telegram, engine, tmp_path):
    async with running_bot(telegram, engine, tmp_path / "s.sqlite3"):
        for text in ("백설공주, 동물들, 숲속, 이야기하다", "/compose 백설공주 동물들 숲속 이야기하다"):
            reply = await ask(telegram, 2, text)
            assert all(uses(w, reply) for w in SEED_WORDS), reply
            assert reply.endswith("니다."), reply  # 합니다체 is a new user's default
        assert not telegram.sent("sendChatAction"), "no typing action before a reply that takes milliseconds"
        assert all("parse_mode" not in c.params for c in telegram.sent("sendMessage"))


@pytest.mark.parametrize("text, expected", [
    ("ㅋㅋ ㅎㅎ", "한글 단어가 없습니다"),
    (", , ,", "단어를 하나 이상"),
    ("사과, " * 13, "단어가 너무 많습니다"),
    ("가" * 31, "단어가 너무 깁니다"),
    ("사과 " * 120, "입력이 너무 깁니다"),
    ("/compose", "/compose 뒤에 단어를"),
])
async def test_bad_input_gets_a_polite_korean_reply(telegram, engine, tmp_path, text, expected):
    async with running_bot(telegram, engine, tmp_path / "s.sqlite3"):
        assert expected in await ask(telegram, 3, text)


async def test_sticker_and_unknown_command(telegram, engine, tmp_path):
    async with running_bot(telegram, engine, tmp_path / "s.sqlite3"):
        assert await ask(telegram, 4, None, sticker=True) == NOT_TEXT
        assert await ask(telegram, 4, "/unknown") == HELP_TEXT


async def test_buttons_alternative_and_speech_levels_edit_the_message(telegram, engine, tmp_path):
    async with running_bot(telegram, engine, tmp_path / "s.sqlite3"):
        first = await ask(telegram, 5, "백설공주, 동물들, 숲속, 이야기하다")
        message_id, buttons = last_buttons(telegram, 5)
        assert all(len(data.encode()) <= 64 for data in buttons.values())
        assert "다른 문장" in buttons

        telegram.push_callback(5, message_id, buttons["다른 문장"])
        await telegram.wait_for(lambda t: len(t.sent("editMessageText", 5)) == 1)
        other = telegram.texts[(5, message_id)]
        assert other != first and all(uses(w, other) for w in SEED_WORDS)

        for label, ending in (("한다체", "다."), ("해요체", "요.")):
            edits = len(telegram.sent("editMessageText", 5))
            telegram.push_callback(5, message_id, buttons[label])
            await telegram.wait_for(lambda t, n=edits: len(t.sent("editMessageText", 5)) > n)
            sentence = telegram.texts[(5, message_id)]
            assert sentence.endswith(ending) and all(uses(w, sentence) for w in SEED_WORDS), sentence
        answered = len(telegram.sent("answerCallbackQuery"))
        assert answered == 3


async def test_a_speech_level_button_changes_only_the_ending(telegram, engine, tmp_path):
    """A learner switching levels sees the same sentence with another ending (the level's own
    token once rewrote it: 머리가 아프지 않아도 나는 합니다 against 나는 머리가 아프다)."""
    async with running_bot(telegram, engine, tmp_path / "s.sqlite3"):
        first = await ask(telegram, 9, "나, 머리, 아프다")
        message_id, buttons = last_buttons(telegram, 9)
        for label, ending in (("한다체", "다."), ("해요체", "요.")):
            edits = len(telegram.sent("editMessageText", 9))
            telegram.push_callback(9, message_id, buttons[label])
            await telegram.wait_for(lambda t, n=edits: len(t.sent("editMessageText", 9)) > n)
            sentence = telegram.texts[(9, message_id)]
            assert sentence.endswith(ending), sentence
            assert sentence.rsplit(" ", 1)[0] == first.rsplit(" ", 1)[0], (first, sentence)


async def test_expired_button_is_answered_politely(telegram, engine, tmp_path):
    async with running_bot(telegram, engine, tmp_path / "s.sqlite3"):
        telegram.push_callback(6, 1, "not-a-known-id")
        await telegram.wait_for(lambda t: t.sent("answerCallbackQuery"))
        assert telegram.sent("answerCallbackQuery")[0].params["text"] == EXPIRED


async def test_style_is_remembered_across_a_restart(telegram, engine, tmp_path):
    store = tmp_path / "settings.sqlite3"
    async with running_bot(telegram, engine, store):
        await ask(telegram, 7, "/style")
        message_id, buttons = last_buttons(telegram, 7)
        telegram.push_callback(7, message_id, buttons["해요체"])
        await telegram.wait_for(lambda t: t.sent("editMessageText", 7))
    async with running_bot(telegram, engine, store):  # a new Application on the same store
        reply = await ask(telegram, 7, "고양이, 생선, 먹다")
        assert reply.endswith("요."), reply
        assert (await ask(telegram, 8, "고양이, 생선, 먹다")).endswith("니다.")  # others keep the default


async def test_inline_mode_offers_up_to_three_sentences(telegram, engine, tmp_path):
    async with running_bot(telegram, engine, tmp_path / "s.sqlite3"):
        telegram.push_inline(9, "백설공주 숲속 이야기하다")
        await telegram.wait_for(lambda t: t.sent("answerInlineQuery"))
        results = telegram.sent("answerInlineQuery")[0].params["results"]
        assert 1 <= len(results) <= 3
        for r in results:
            sentence = r["input_message_content"]["message_text"]
            assert all(uses(w, sentence) for w in ["백설공주", "숲속", "이야기하다"])
        telegram.push_inline(9, "ㅋㅋㅋ")
        await telegram.wait_for(lambda t: len(t.sent("answerInlineQuery")) == 2)
        assert telegram.sent("answerInlineQuery")[1].params["results"] == []


@pytest.mark.parametrize("faults", [[1], ["500", "500"], ["drop"]], ids=["429", "500", "dropped"])
async def test_every_update_gets_its_reply_despite_send_failures(telegram, engine, tmp_path, faults):
    telegram.faults["sendMessage"] = list(faults)
    async with running_bot(telegram, engine, tmp_path / "s.sqlite3"):
        for chat in range(20, 25):
            telegram.push_message(chat, "고양이, 생선, 먹다")
        await telegram.wait_for(lambda t: all(texts(t, c) for c in range(20, 25)), timeout=30)
    assert not telegram.faults["sendMessage"], "the faults were injected"
    assert all(len(texts(telegram, c)) == 1 for c in range(20, 25))


async def test_sigterm_finishes_in_flight_updates_and_exits_zero(telegram, tmp_path):
    env = {**os.environ, "TELEGRAM_BOT_TOKEN": telegram.token, "PYTHONPATH": str(Path(__file__).parent.parent)}
    proc = subprocess.Popen([sys.executable, "-m", "bot.app", "--base-url", telegram.base_url,
                             "--store", str(tmp_path / "s.sqlite3")], env=env, cwd=tmp_path,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        await telegram.wait_for(lambda t: t.sent("setMyCommands"), timeout=60)
        chats = range(100, 140)
        for chat in chats:
            telegram.push_message(chat, "고양이, 생선, 먹다")
        await telegram.wait_for(lambda t: len(t.sent("sendMessage")) >= 5, timeout=30)
        proc.send_signal(signal.SIGTERM)
        code = await asyncio.to_thread(proc.wait, 60)
        log = proc.stdout.read().decode()
        assert code == 0, log
        assert TELEGRAM_TOKEN_NOT_IN(log, telegram.token)
        taken = {u["message"]["chat"]["id"] for i, u in telegram.delivered.items() if i < telegram.confirmed}
        answered = {c.params["chat_id"] for c in telegram.sent("sendMessage")}
        assert len(answered) >= 5 and taken <= answered, f"confirmed, not answered: {sorted(taken - answered)}"
    finally:
        proc.kill()


def TELEGRAM_TOKEN_NOT_IN(log: str, token: str) -> bool:  # noqa: N802
    return token not in log and token.split(":")[1] not in log


async def test_typing_is_shown_only_when_a_reply_is_slow(telegram, engine, tmp_path):
    class Slow:
        def __init__(self, composer, delay: float, backlogged: bool = False) -> None:
            self.composer, self.delay, self.backlogged = composer, delay, backlogged

        async def compose(self, *args, **kwargs):
            await asyncio.sleep(self.delay)
            return await self.composer.compose(*args, **kwargs)

    async with running_bot(telegram, engine, tmp_path / "s.sqlite3") as app:
        await ask(telegram, 10, "고양이, 생선, 먹다")
        assert not telegram.sent("sendChatAction")
        app.bot_data["composer"] = Slow(app.bot_data["composer"], 0.8)
        reply = await ask(telegram, 10, "강아지, 공원, 뛰다")
        assert all(uses(w, reply) for w in ["강아지", "공원", "뛰다"])
        typing = telegram.sent("sendChatAction", 10)
        assert len(typing) == 1 and typing[0].params["action"] == "typing"
        assert typing[0].at < telegram.sent("sendMessage", 10)[-1].at
        # behind a queue a chat action would only take a reply's place under the send cap
        app.bot_data["composer"] = Slow(app.bot_data["composer"].composer, 0.8, backlogged=True)
        reply = await ask(telegram, 11, "새, 하늘, 날다")
        assert all(uses(w, reply) for w in ["새", "하늘", "날다"]) and not telegram.sent("sendChatAction", 11)
