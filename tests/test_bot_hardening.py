"""What a hostile user or a bad day does to the bot (issue 10), end to end over real HTTP through
the fake Bot API server: each test failed on the bot before the fix."""

from __future__ import annotations

import asyncio
import json
import os
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import aiohttp
import pytest

from bot.app import EXPIRED, FLOOD, HELP_TEXT, NOT_SAVED, SORRY, build_parser
from bot.words import uses
from tests.test_bot_e2e import ask, last_buttons, running_bot, texts

WORDS = "고양이, 생선, 먹다"
ROOT = str(Path(__file__).resolve().parent.parent)  # the bot under test, whatever the working folder


def bot_process(telegram, tmp_path, *args: str, token: str | None = None) -> subprocess.Popen:
    env = {**os.environ, "TELEGRAM_BOT_TOKEN": token or telegram.token, "PYTHONPATH": ROOT}
    env.pop("TELEGRAM_WEBHOOK_SECRET", None)
    return subprocess.Popen([sys.executable, "-m", "bot.app", "--store", str(tmp_path / "s.sqlite3"), *args],
                            env=env, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)


async def finish(proc: subprocess.Popen, timeout: float = 60) -> tuple[int, str]:
    try:
        out, _ = await asyncio.to_thread(proc.communicate, timeout=timeout)
    finally:
        proc.kill()
    return proc.returncode, out.decode()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def listening(port: int, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            _, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.close()
            return
        except OSError:
            if time.monotonic() > deadline:
                raise
            await asyncio.sleep(0.1)


# -- 1. webhook mode ------------------------------------------------------------------------------
async def test_webhook_mode_needs_a_secret_and_listens_on_localhost(telegram, tmp_path):
    assert build_parser().parse_args([]).listen == "127.0.0.1"
    proc = bot_process(telegram, tmp_path, "--base-url", telegram.base_url, "--webhook-url", "https://bot.example")
    code, out = await finish(proc, timeout=30)
    assert code == 2 and "TELEGRAM_WEBHOOK_SECRET" in out, out
    assert not telegram.sent("setWebhook")


async def test_webhook_reads_only_requests_with_the_secret_and_caps_the_body(telegram, tmp_path):
    port, secret = free_port(), "s3cret-Webhook"
    proc = bot_process(telegram, tmp_path, "--base-url", telegram.base_url, "--webhook-url", "https://bot.example",
                       "--port", str(port), "--secret-token", secret)
    url = f"http://127.0.0.1:{port}/telegram"

    def update(chat_id: int) -> bytes:
        return json.dumps({"update_id": chat_id, "message": telegram.message(chat_id, WORDS)}).encode()

    try:
        await telegram.wait_for(lambda t: t.sent("setWebhook"), timeout=60)
        assert telegram.sent("setWebhook")[0].params["secret_token"] == secret
        await listening(port)
        async with aiohttp.ClientSession(headers={"Content-Type": "application/json"}) as http:
            for headers in ({}, {"X-Telegram-Bot-Api-Secret-Token": "guess"}):
                async with http.post(url, data=update(31337), headers=headers) as r:
                    assert r.status == 403
            huge = b'{"update_id": 1, "pad": "' + b"x" * (8 << 20) + b'"}'
            with pytest.raises(aiohttp.ClientError):  # refused from its Content-Length, before the body is read
                async with http.post(url, data=huge, headers={"X-Telegram-Bot-Api-Secret-Token": secret}) as r:
                    assert r.status >= 400
                    raise aiohttp.ClientError(r.status)
            async with http.post(url, data=update(31338), headers={"X-Telegram-Bot-Api-Secret-Token": secret}) as r:
                assert r.status == 200
                with sqlite3.connect(tmp_path / "inbox.sqlite3") as inbox:  # kept before the POST was answered
                    assert inbox.execute("SELECT 1 FROM inbox WHERE update_id = 31338").fetchone()
        await telegram.wait_for(lambda t: texts(t, 31338))
        assert not texts(telegram, 31337)
    finally:
        proc.terminate()
        await finish(proc)


# -- 2. one chat cannot starve the others ----------------------------------------------------------
async def test_a_flooding_group_or_user_does_not_delay_others(telegram, engine, tmp_path):
    async with running_bot(telegram, engine, tmp_path / "s.sqlite3"):
        for _ in range(100):  # Telegram lets a bot send ~20 messages a minute to a group
            telegram.push_message(-1001, WORDS, kind="supergroup", user_id=77)
        for _ in range(300):
            telegram.push_message(32, WORDS)
        start = time.monotonic()
        reply = await asyncio.wait_for(ask(telegram, 31, WORDS), 5)
        assert all(uses(w, reply) for w in ["고양이", "생선", "먹다"])
        assert time.monotonic() - start < 3
        await telegram.wait_for(lambda t: FLOOD in texts(t, -1001) and FLOOD in texts(t, 32), timeout=15)
        await telegram.wait_for(lambda t: len(texts(t, 32)) >= 20, timeout=30)
        await asyncio.sleep(0.5)
        assert texts(telegram, 32).count(FLOOD) == 1 and texts(telegram, -1001).count(FLOOD) == 1
        assert len(texts(telegram, 32)) < 150  # the backlog of 20 and those answered while the flood came


# -- 3. the token never reaches the logs -------------------------------------------------------------
async def test_the_token_is_masked_in_every_log_line_and_a_bad_base_url_is_refused(telegram, tmp_path):
    token = "987654:REAL-SECRET-abcdefghijklmnop"
    for folder in "abc":
        (tmp_path / folder).mkdir()
    runs = [bot_process(telegram, tmp_path / "a", "--base-url", telegram.base_url, token=token),  # rejected
            bot_process(telegram, tmp_path / "b", "--base-url", f"http://127.0.0.1:{free_port()}/bot",
                        "--network-retries", "1", token=token),  # 0.5 s, not 0.5 + 1 + 2 + 4
            bot_process(telegram, tmp_path / "c", "--base-url", f"http://127.0.0.1:{telegram.port}", token=token)]
    results = await asyncio.gather(*(finish(p, timeout=120) for p in runs))
    (rejected, rejected_log), (unreachable, unreachable_log), (bad_url, bad_url_log) = results
    for _, log in results:
        assert "REAL-SECRET" not in log, log
    assert rejected == 1 and "InvalidToken" in rejected_log, rejected_log
    assert unreachable == 1 and "ieum-bot stopped" in unreachable_log, unreachable_log
    assert "retry 1 in 0.5s" in unreachable_log and "retry 2" not in unreachable_log, unreachable_log
    assert bad_url == 2 and "/bot" in bad_url_log, bad_url_log




# -- 6. no duplicate replies ------------------------------------------------------------------------
async def test_a_reply_whose_answer_comes_late_is_not_sent_again(telegram, engine, tmp_path):
    telegram.faults["sendMessage"] = [("slow", 1.0)]  # Telegram got it; its answer is late
    async with running_bot(telegram, engine, tmp_path / "s.sqlite3", read_timeout=0.3):
        telegram.push_message(61, WORDS)
        await telegram.wait_for(lambda t: texts(t, 61))
        await asyncio.sleep(2.0)  # time for a retry or an error message
        assert await ask(telegram, 62, WORDS)  # still serving
    assert len(texts(telegram, 61)) == 1 and SORRY not in texts(telegram, 61)


# -- 7. no replies where none belong --------------------------------------------------------------------
async def test_service_messages_channel_posts_edits_and_other_bots_commands_get_no_reply(telegram, engine, tmp_path):
    async with running_bot(telegram, engine, tmp_path / "s.sqlite3"):
        telegram.push_message(-1002, None, kind="supergroup", new_chat_members=[telegram.user(4242)])
        telegram.push_message(-1002, None, kind="supergroup", new_chat_members=[telegram.user(71)])
        telegram.push_message(-1002, None, kind="supergroup",
                              pinned_message=telegram.message(-1002, "공지", kind="supergroup"))
        telegram.push_message(-1002, "/unknown", kind="supergroup", user_id=71)
        telegram.push_message(-1002, "/help@other_bot", kind="supergroup", user_id=71)
        telegram.push_message(-1003, WORDS, kind="channel")
        telegram.push_edit(72, WORDS)
        telegram.push_message(72, "/help@other_bot")
        assert await ask(telegram, 72, "/unknown@ieum_test_bot") == HELP_TEXT  # addressed to this bot
        assert await ask(telegram, 72, "/help@ieum_test_bot") == HELP_TEXT
        await asyncio.sleep(0.3)
    assert {c.params["chat_id"] for c in telegram.sent("sendMessage")} == {72}
    assert len(texts(telegram, 72)) == 2


# -- 8. handler bugs -----------------------------------------------------------------------------------
async def test_double_taps_odd_callbacks_and_command_newlines_never_fail(telegram, engine, tmp_path):
    async with running_bot(telegram, engine, tmp_path / "s.sqlite3"):
        await ask(telegram, 81, "백설공주, 동물들, 숲속, 이야기하다")
        message_id, buttons = last_buttons(telegram, 81)
        for _ in range(2):
            telegram.push_callback(81, message_id, buttons["한다체"])  # a double tap
        telegram.push_callback(81, message_id, "")
        telegram.push_callback(81, None, buttons["다른 문장"])  # no message: forged
        await telegram.wait_for(lambda t: len(t.sent("answerCallbackQuery", None)) == 4)
        reply = await ask(telegram, 81, "/compose\n고양이, 생선, 먹다")
        assert all(uses(w, reply) for w in ["고양이", "생선", "먹다"]), reply
        reply = await ask(telegram, 81, "고양이\ud800, 생선\u200b, 먹다")
        assert all(uses(w, reply) for w in ["고양이", "생선", "먹다"]), reply
    assert SORRY not in texts(telegram, 81)
    answers = [c.params.get("text") for c in telegram.sent("answerCallbackQuery")]
    assert answers.count(EXPIRED) == 2, answers


# -- 5. the settings store ---------------------------------------------------------------------------------
async def choose_style(telegram, chat_id: int, label: str) -> str:
    await ask(telegram, chat_id, "/style")
    message_id, buttons = last_buttons(telegram, chat_id)
    edits = len(telegram.sent("editMessageText", chat_id))
    telegram.push_callback(chat_id, message_id, buttons[label])
    await telegram.wait_for(lambda t: len(t.sent("editMessageText", chat_id)) > edits)
    return telegram.texts[(chat_id, message_id)]


def rows(store) -> dict[int, str]:
    with sqlite3.connect(store) as db:
        return dict(db.execute("SELECT user_id, data FROM user_data").fetchall())


async def test_users_without_settings_leave_no_rows_and_a_bad_row_is_skipped(telegram, engine, tmp_path):
    store = tmp_path / "s.sqlite3"
    async with running_bot(telegram, engine, store):
        for user in range(100, 130):
            telegram.push_message(user, "/help")
        await telegram.wait_for(lambda t: all(texts(t, u) for u in range(100, 130)))
        await choose_style(telegram, 131, "해요체")
    assert set(rows(store)) == {131}
    with sqlite3.connect(store) as db:
        db.execute("INSERT INTO user_data VALUES (132, '{not json')")
    async with running_bot(telegram, engine, store):
        assert (await ask(telegram, 131, WORDS)).endswith("요.")
        assert (await ask(telegram, 132, WORDS)).endswith("니다.")


async def test_a_locked_store_delays_no_one_and_loses_no_choice(telegram, engine, tmp_path):
    store = tmp_path / "s.sqlite3"
    async with running_bot(telegram, engine, store):
        other = sqlite3.connect(store, isolation_level=None)
        other.execute("BEGIN EXCLUSIVE")  # another process holds the store
        try:
            start = time.monotonic()
            confirmation = await choose_style(telegram, 141, "해요체")
            assert await ask(telegram, 142, "/help") == HELP_TEXT
            assert time.monotonic() - start < 2
            assert NOT_SAVED in confirmation  # the user is not told it was saved
        finally:
            other.execute("ROLLBACK")
            other.close()
        assert NOT_SAVED not in await choose_style(telegram, 141, "해요체")
    assert json.loads(rows(store)[141]) == {"style": "polite"}


async def test_a_read_only_store_stops_the_bot_at_start_with_a_clear_message(telegram, tmp_path):
    store = tmp_path / "s.sqlite3"
    sqlite3.connect(store).close()
    os.chmod(store, 0o444)
    immutable = os.geteuid() == 0 and subprocess.run(["chattr", "+i", str(store)], capture_output=True).returncode == 0
    if os.geteuid() == 0 and not immutable:
        pytest.skip("running as root without chattr: no way to make the file read-only")
    try:
        proc = bot_process(telegram, tmp_path, "--base-url", telegram.base_url)
        code, out = await finish(proc, timeout=60)
    finally:
        if immutable:
            subprocess.run(["chattr", "-i", str(store)])
    assert code == 1 and "s.sqlite3" in out and "readonly" in out.replace("-", "").replace(" ", ""), out
    assert "Traceback" not in out and not telegram.sent("getUpdates")


async def test_a_confirmed_style_survives_sigkill(telegram, tmp_path):
    proc = bot_process(telegram, tmp_path, "--base-url", telegram.base_url)
    try:
        await telegram.wait_for(lambda t: t.sent("setMyCommands"), timeout=60)
        assert "해요체" in await choose_style(telegram, 151, "해요체")
        proc.kill()  # SIGKILL, at once after the confirmation
    finally:
        await finish(proc)
    assert json.loads(rows(tmp_path / "s.sqlite3")[151]) == {"style": "polite"}
