"""`ieum-bot`: the Telegram bot (python-telegram-bot v22, async).

Handlers stay thin: they parse, call the engine off the event loop, and reply in plain text. What
the bot keeps (settings, history, favourites, corrections, and each sentence message's button
state) lives in the store named by `--store` (bot/store.py: SQLite, or Redis shared by several
processes); a button carries only "<state key>:<action>" (Telegram allows 64 bytes). Each chat's
updates wait in their own queue (bot/updates.py), so no chat can starve the others. Sends go
through PTB's AIORateLimiter, extended to retry the failures after which a request surely had no
effect (no connection, a 5xx answer); 429 answers are retried after `retry_after` by the limiter
itself; a BadRequest or a read timeout is never retried. The token never reaches a log line
(bot/logsafe.py).
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import re
import sqlite3
import sys
from dataclasses import astuple
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
from telegram import (
    BotCommand,
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InlineQueryResultArticle,
    InputTextMessageContent,
    Message,
    Update,
)
from telegram.constants import ChatAction
from telegram.error import BadRequest, NetworkError, TelegramError, TimedOut
from telegram.ext import (
    AIORateLimiter,
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    InlineQueryHandler,
    MessageHandler,
    filters,
)

from bot.chat import run_chat
from bot.engine import Composition, Engine, ExportedModelError
from bot.explain import explain
from bot.feedback import clean_correction
from bot.inbox import DurableQueue, InboxRequest, SQLiteInbox
from bot.logsafe import protect
from bot.pool import EnginePool
from bot.realize import STYLE_NAMES, STYLES, Particle
from bot.store import KEEP, Store, StoreError, open_store
from bot.updates import ChatQueues
from bot.words import MAX_INPUT_CHARS, MAX_WORD_CHARS, MAX_WORDS, ComposeError, split_words

log = logging.getLogger("ieum.bot")

DEFAULT_STYLE = "formal"  # 합니다체 for a new user, as in the seed example
ALTERNATIVES = 3  # sentences composed when 다른 문장 is first pressed (the first reply composes one)
TYPING_AFTER = 0.3  # seconds: a composition still running then shows "typing…"
CONNECTIONS = 32  # to the Bot API: enough at 30 sends a second, and few for httpx to scan on each request
SAVED_SHOWN = 20
HISTORY_SHOWN = 10
SEED = "백설공주, 동물들, 숲속, 이야기하다"
COMMANDS = [("compose", "단어로 문장 만들기"), ("style", "문체 고르기 (합니다체/해요체/한다체)"),
            ("saved", "저장한 문장"), ("history", "최근 만든 문장 10개"), ("skip", "문장 고치기 취소"),
            ("forget", "내 정보 모두 지우기"), ("help", "사용법"), ("start", "처음 인사")]
START_TEXT = ("안녕하세요! 이음은 단어를 이어 자연스러운 한국어 문장 하나를 만들어 드립니다.\n"
              f"단어를 보내 보세요. 예: {SEED}")
HELP_TEXT = (
    "단어를 쉼표(,)나 띄어쓰기로 구분해 보내면 그 단어를 모두 넣은 문장을 만들어 드립니다.\n"
    f"예: {SEED}\n\n"
    "• 기본형도 괜찮습니다: 이야기하다, 파랗다\n"
    "• 쉼표를 쓰면 띄어쓰기가 있는 단어도 됩니다: 빨간 모자, 숲, 늑대\n"
    f"• 단어는 1~{MAX_WORDS}개, 단어마다 {MAX_WORD_CHARS}자, 전체 {MAX_INPUT_CHARS}자까지입니다.\n\n"
    "명령어\n/compose 단어들 — 문장 만들기\n/style — 문체 고르기 (합니다체/해요체/한다체)\n"
    "/saved — ⭐ 저장한 문장 (누르면 다시 보내 드립니다)\n/history — 최근 만든 문장 10개와 그 단어\n"
    "/skip — 문장 고치기 취소\n/forget — 저장된 내 정보(문체, 기록, 저장한 문장, 고친 문장) 모두 지우기\n"
    "/help — 이 도움말\n\n"
    "문장 아래 버튼: 다른 문장, 조사 설명(이/가, 을/를 …이 왜 그 모양인지), 문체 바꾸기, "
    "⭐ 저장, 틀렸어요(올바른 문장을 알려 주시면 학습에 씁니다).\n"
    "다른 대화방에서도 @봇이름 뒤에 단어를 쓰면 문장을 골라 보낼 수 있습니다.")
NOT_TEXT = "글자로 된 단어를 보내 주세요. 예: " + SEED
SORRY = "죄송합니다. 문장을 만드는 중에 문제가 생겼습니다. 잠시 후 다시 시도해 주세요."
EXPIRED = "이 버튼은 만료되었습니다. 단어를 다시 보내 주세요."
SAVED_OK = "⭐ 저장했습니다. /saved 에서 볼 수 있습니다."
SAVED_ALREADY = "이미 저장한 문장입니다."
NO_SAVED = "저장한 문장이 없습니다. 문장 아래 ⭐ 저장 버튼을 눌러 보세요."
SAVED_GONE = "이 저장한 문장은 이제 없습니다."
NO_HISTORY = "아직 만든 문장이 없습니다. 단어를 보내 보세요. 예: " + SEED
ASK_CORRECTION = "어떤 문장이 맞을까요? 올바른 문장을 보내 주세요. 그만두려면 /skip\n\n보여 드린 문장: {}"
THANKS = "고맙습니다! 고친 문장을 받았습니다. 더 나은 문장을 만드는 데 쓰겠습니다."
SKIPPED = "문장 고치기를 그만두었습니다."
NOTHING_TO_SKIP = "지금은 고칠 문장이 없습니다."
FLOOD = "메시지가 너무 빨리 와서 일부는 건너뛰었습니다. 답을 받은 뒤에 다음 단어를 보내 주세요."
NOT_SAVED = " (설정을 저장하지 못해 봇이 다시 시작하면 이전 문체로 돌아갈 수 있습니다.)"
FORGOTTEN = ("저장된 내 정보를 모두 지웠습니다: 문체 설정, 최근 문장 기록, 저장한 문장, 아직 보내지 않은 고친 문장, "
             "문장 버튼의 내용.")


MESSAGE = filters.UpdateType.MESSAGE  # new messages only: no edits, no channel posts


class ButtonHandler(CallbackQueryHandler):
    """A CallbackQueryHandler whose pattern must really match: PTB passes a press without data to
    every pattern, and such data is none of ours."""

    def check_update(self, update: object) -> re.Match | None:
        result = super().check_update(update)
        return result if isinstance(result, re.Match) else None


def never_reached_telegram(error: NetworkError) -> bool:
    """True when a failed request surely had no effect, so sending it again cannot duplicate it:
    no connection was made (or none was free), Telegram answered with an error (5xx), or the
    connection closed before any answer (a stale keep-alive). A read timeout is not such a case:
    Telegram may have sent the message and only its answer was late."""
    cause = error.__cause__
    if isinstance(cause, httpx.ConnectError | httpx.ConnectTimeout | httpx.PoolTimeout | httpx.RemoteProtocolError):
        return True
    return cause is None and not isinstance(error, TimedOut)


class RetryingRateLimiter(AIORateLimiter):
    """AIORateLimiter (flood limits, 429 retries) that also retries the network failures and 5xx
    answers after which the request surely did not take effect (never a read timeout)."""

    def __init__(self, network_retries: int = 4, backoff: float = 0.5, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.network_retries = network_retries
        self.backoff = backoff

    async def process_request(self, callback, args, kwargs, endpoint, data, rate_limit_args):
        attempt = 0
        while True:
            try:
                return await super().process_request(callback, args, kwargs, endpoint, data, rate_limit_args)
            except BadRequest:
                raise
            except NetworkError as e:
                if attempt >= self.network_retries or not never_reached_telegram(e):
                    raise
                delay = self.backoff * 2**attempt
                attempt += 1
                log.warning("%s failed (%s); retry %d in %.1fs", endpoint, e, attempt, delay)
                await asyncio.sleep(delay)


async def composing(context: ContextTypes.DEFAULT_TYPE, chat_id: int, words: list[str], style: str,
                    n: int = 1) -> list[Composition]:
    """Compose off the event loop; "typing…" is sent only if the sentence is still not ready after
    TYPING_AFTER (a 4 ms composition needs no chat action) and no queue is waiting for the pool:
    under load every message would get one, and those calls would share the send cap with the
    replies, delaying each reply further."""
    composer = context.bot_data["composer"]
    task = asyncio.ensure_future(composer.compose(words, style, n))
    done, _ = await asyncio.wait({task}, timeout=TYPING_AFTER)
    if not done and not composer.backlogged:
        try:
            await context.bot.send_chat_action(chat_id, ChatAction.TYPING)
        except TelegramError as e:  # a courtesy: the reply matters more
            log.warning("typing action failed (%s)", e)
    return await task


# -- state ------------------------------------------------------------------------------------
# A sentence message's state lives in the store under a short key; each button's data is
# "<key>:<action>", so any bot process sharing the store can answer any button.
def user_id(update: Update) -> int:
    return (update.effective_user or update.effective_chat).id


def store(context: ContextTypes.DEFAULT_TYPE) -> Store:
    return context.bot_data["store"]


def shown_state(words: list[str], style: str, found: list[Composition]) -> dict:
    return {"words": list(words), "style": style, "index": 0,
            "sentences": [{"sentence": c.sentence, "particles": [astuple(p) for p in c.particles]} for c in found]}


def current(state: dict) -> tuple[str, tuple[Particle, ...]]:
    """The sentence the message shows and its particles."""
    shown = state["sentences"][state["index"]]
    return shown["sentence"], tuple(Particle(*p) for p in shown["particles"])


def keyboard(key: str, state: dict) -> InlineKeyboardMarkup:
    row = [InlineKeyboardButton("다른 문장", callback_data=f"{key}:next"),
           InlineKeyboardButton("조사 설명", callback_data=f"{key}:explain")]
    styles = [InlineKeyboardButton(("✓ " if s == state["style"] else "") + STYLE_NAMES[s], callback_data=f"{key}:s:{s}")
              for s in STYLES]
    keep = [InlineKeyboardButton("⭐ 저장", callback_data=f"{key}:save"),
            InlineKeyboardButton("틀렸어요", callback_data=f"{key}:wrong")]
    return InlineKeyboardMarkup([row, styles, keep])


async def send_sentence(message: Message, uid: int, context: ContextTypes.DEFAULT_TYPE, state: dict) -> None:
    """Reply with the state's current sentence and its buttons (the state kept for them first)."""
    key = await store(context).put_button(uid, state)
    await message.reply_text(current(state)[0], reply_markup=keyboard(key, state))


async def button_state(update: Update, context: ContextTypes.DEFAULT_TYPE) -> tuple[str, dict] | None:
    """The pressed message's (key, state); None (the user told so) when it expired or was forgotten,
    or the press came without a message to answer under (a button on an inline message)."""
    query = update.callback_query
    key = query.data.split(":", 1)[0]
    state = await store(context).button(key) if query.message is not None else None
    if state is None:
        await query.answer(EXPIRED, show_alert=True)
        return None
    return key, state


async def edit(query: CallbackQuery, text: str, markup: InlineKeyboardMarkup | None = None) -> None:
    """Edit the pressed message; a double tap that would change nothing is not an error."""
    try:
        await query.edit_message_text(text, reply_markup=markup)
    except BadRequest as e:
        if "not modified" not in e.message.lower():
            raise


async def add_history(context: ContextTypes.DEFAULT_TYPE, uid: int, state: dict) -> None:
    await store(context).add(uid, "history", {"words": state["words"], "sentence": current(state)[0],
                                              "style": state["style"]})


async def compose_reply(update: Update, context: ContextTypes.DEFAULT_TYPE, text: str, style: str) -> None:
    """Compose from `text` and reply with the sentence and its buttons, or a polite explanation."""
    message, uid = update.effective_message, user_id(update)
    try:
        words = split_words(text)
    except ComposeError as e:
        await message.reply_text(e.korean)
        return
    try:
        found = await composing(context, message.chat_id, words, style)
    except ComposeError as e:
        await message.reply_text(e.korean)
        return
    state = shown_state(words, style, found)
    await send_sentence(message, uid, context, state)
    await add_history(context, uid, state)


# -- commands and messages ----------------------------------------------------------------------
async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Greet with the seed example."""
    await update.effective_message.reply_text(START_TEXT)


async def help_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """How to write words, the commands, the limits."""
    await update.effective_message.reply_text(HELP_TEXT)


async def compose_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/compose 단어들 → the sentence (the words may start after a space or a new line)."""
    text = (update.effective_message.text.split(maxsplit=1) + [""])[1]
    if not text.strip():
        await update.effective_message.reply_text(f"/compose 뒤에 단어를 써 주세요. 예: /compose {SEED}")
        return
    settings = await store(context).settings(user_id(update))
    await compose_reply(update, context, text, settings.get("style", DEFAULT_STYLE))


async def on_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A plain message is a word list, or the correction the user was asked for after 틀렸어요."""
    uid, text = user_id(update), update.effective_message.text
    settings = await store(context).settings(uid)
    if "awaiting" in settings:
        await take_correction(update, context, uid, settings)
    else:
        await compose_reply(update, context, text, settings.get("style", DEFAULT_STYLE))


async def take_correction(update: Update, context: ContextTypes.DEFAULT_TYPE, uid: int, settings: dict) -> None:
    """Keep the correction with what it corrects; a bad one is explained and the request stays open."""
    wrong = settings["awaiting"]
    try:
        correction = clean_correction(update.effective_message.text, wrong["shown"])
    except ComposeError as e:
        await update.effective_message.reply_text(e.korean)
        return
    await store(context).add(uid, "feedback", {**wrong, "correction": correction})
    del settings["awaiting"]
    await store(context).set_settings(uid, settings)
    await update.effective_message.reply_text(THANKS)


async def skip_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/skip: stop waiting for a correction."""
    uid = user_id(update)
    settings = await store(context).settings(uid)
    if settings.pop("awaiting", None) is None:
        await update.effective_message.reply_text(NOTHING_TO_SKIP)
        return
    await store(context).set_settings(uid, settings)
    await update.effective_message.reply_text(SKIPPED)


async def saved_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/saved: the favourites, newest first; each has a button that sends it again."""
    saved = await store(context).entries(user_id(update), "saved", SAVED_SHOWN)
    if not saved:
        await update.effective_message.reply_text(NO_SAVED)
        return
    lines = [f"{i}. {e['sentence']}" for i, e in enumerate(saved, 1)]
    buttons = [[InlineKeyboardButton(f"{i}. {e['sentence'][:40]}", callback_data=f"saved:{e['id']}")]
               for i, e in enumerate(saved, 1)]
    await update.effective_message.reply_text("⭐ 저장한 문장 (최근 것부터, 누르면 다시 보내 드립니다)\n\n"
                                              + "\n".join(lines), reply_markup=InlineKeyboardMarkup(buttons))


async def history_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/history: the last sentences composed for this user, each with its words."""
    history = await store(context).entries(user_id(update), "history", HISTORY_SHOWN)
    if not history:
        await update.effective_message.reply_text(NO_HISTORY)
        return
    items = [f"{i}. {e['sentence']}\n   단어: {', '.join(e['words'])}" for i, e in enumerate(history, 1)]
    await update.effective_message.reply_text("최근 만든 문장 (최근 것부터)\n\n" + "\n".join(items))


async def forget_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/forget: delete everything stored about the user, and say so."""
    await store(context).forget(user_id(update))
    await update.effective_message.reply_text(FORGOTTEN)


async def on_unknown_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """An unknown command in a private chat: the help, unless it is addressed to another bot."""
    addressee = update.effective_message.text.split(maxsplit=1)[0].partition("@")[2]
    if not addressee or addressee.lower() == (context.bot.username or "").lower():
        await update.effective_message.reply_text(HELP_TEXT)


async def on_other(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A sticker, photo or other non-text message in a private chat: say what the bot understands."""
    await update.effective_message.reply_text(NOT_TEXT)


async def style_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Offer the three speech levels as buttons."""
    now = (await store(context).settings(user_id(update))).get("style", DEFAULT_STYLE)
    buttons = [[InlineKeyboardButton(("✓ " if s == now else "") + STYLE_NAMES[s], callback_data=f"style:{s}")
                for s in STYLES]]
    await update.effective_message.reply_text(f"문체를 골라 주세요. 지금은 {STYLE_NAMES[now]}입니다.",
                                              reply_markup=InlineKeyboardMarkup(buttons))


# -- buttons ------------------------------------------------------------------------------------
async def on_choose_style(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Remember the chosen speech level for this user; confirm it once it is saved (or say it is not)."""
    query = update.callback_query
    await query.answer()
    uid, style = user_id(update), query.data.split(":")[1]
    text = f"앞으로 {STYLE_NAMES[style]}로 문장을 만듭니다."
    try:
        settings = await store(context).settings(uid)
        if settings.get("style") != style:
            await store(context).set_settings(uid, {**settings, "style": style})
    except (StoreError, sqlite3.Error) as e:
        log.warning("user %s: style not saved (%s)", uid, e)
        text += NOT_SAVED
    await edit(query, text)


async def on_next(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """다른 문장: show the next alternative in place (the alternatives are composed on the first press)."""
    query = update.callback_query
    if not (pressed := await button_state(update, context)):
        return
    key, state = pressed
    await query.answer()
    if len(state["sentences"]) == 1:
        try:
            found = await composing(context, query.message.chat.id, state["words"], state["style"], ALTERNATIVES)
        except ComposeError:
            found = []
        shown = state["sentences"][0]["sentence"]
        state["sentences"] += shown_state(state["words"], state["style"],
                                          [c for c in found if c.sentence != shown])["sentences"]
    state["index"] = (state["index"] + 1) % len(state["sentences"])
    await store(context).put_button(user_id(update), state, key)
    await edit(update.callback_query, current(state)[0], keyboard(key, state))


async def on_restyle(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A speech-level button: compose the same words again in that level, in place."""
    query = update.callback_query
    if not (pressed := await button_state(update, context)):
        return
    key, state = pressed
    style = query.data.rsplit(":", 1)[1]
    if style == state["style"]:
        await query.answer(f"이미 {STYLE_NAMES[style]} 문장입니다.")
        return
    await query.answer()
    try:
        found = await composing(context, query.message.chat.id, state["words"], style)
    except ComposeError as e:
        await query.message.reply_text(e.korean)
        return
    state = shown_state(state["words"], style, found)
    await store(context).put_button(user_id(update), state, key)
    await edit(query, current(state)[0], keyboard(key, state))
    await add_history(context, user_id(update), state)


async def on_explain(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """조사 설명: a new message explaining each particle of the sentence shown."""
    if not (pressed := await button_state(update, context)):
        return
    await update.callback_query.answer()
    await update.callback_query.message.reply_text(explain(*current(pressed[1])))


async def on_save(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """⭐ 저장: keep the sentence shown in the user's favourites."""
    if not (pressed := await button_state(update, context)):
        return
    state, uid = pressed[1], user_id(update)
    sentence, particles = current(state)
    saved = await store(context).entries(uid, "saved", KEEP["saved"])
    if any(e["sentence"] == sentence for e in saved):
        await update.callback_query.answer(SAVED_ALREADY)
        return
    await store(context).add(uid, "saved", {"words": state["words"], "sentence": sentence, "style": state["style"],
                                            "particles": [astuple(p) for p in particles]})
    await update.callback_query.answer(SAVED_OK)


async def on_wrong(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """틀렸어요: ask for the right sentence; the user's next message is taken as the correction."""
    if not (pressed := await button_state(update, context)):
        return
    state, uid = pressed[1], user_id(update)
    await update.callback_query.answer()
    sentence = current(state)[0]
    settings = await store(context).settings(uid)
    settings["awaiting"] = {"words": state["words"], "shown": sentence, "style": state["style"]}
    await store(context).set_settings(uid, settings)
    await update.callback_query.message.reply_text(ASK_CORRECTION.format(sentence))


async def on_resend(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A saved sentence's button under /saved: send that sentence again, with its buttons."""
    query, uid = update.callback_query, user_id(update)
    entry = await store(context).entry(uid, "saved", int(query.data.split(":")[1]))
    if entry is None:
        await query.answer(SAVED_GONE, show_alert=True)
        return
    await query.answer()
    state = {"words": entry["words"], "style": entry["style"], "index": 0,
             "sentences": [{"sentence": entry["sentence"], "particles": entry["particles"]}]}
    await send_sentence(query.message, uid, context, state)


async def on_expired(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A button whose data this bot does not know (from an older version, or made up)."""
    await update.callback_query.answer(EXPIRED, show_alert=True)


async def inline_query(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """@bot 단어들 in any chat → up to three sentences to pick."""
    query = update.inline_query
    results = []
    try:
        words = split_words(query.query) if query.query.strip() else []
        style = (await store(context).settings(user_id(update))).get("style", DEFAULT_STYLE)
        found = await context.bot_data["composer"].compose(words, style, ALTERNATIVES) if words else []
    except ComposeError:
        found = []
    for i, c in enumerate(found):
        results.append(InlineQueryResultArticle(id=str(i), title=c.sentence,
                                                input_message_content=InputTextMessageContent(c.sentence)))
    await query.answer(results, cache_time=10, is_personal=True)


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log the failure with its update, and tell the user something short."""
    if isinstance(context.error, TimedOut):  # the reply may well have arrived: do not send a second one
        log.warning("update %s: a request timed out (%s)", getattr(update, "update_id", update), context.error)
        return
    log.error("error while handling %s", getattr(update, "update_id", update), exc_info=context.error)
    if isinstance(update, Update) and update.effective_message is not None:
        try:
            await update.effective_message.reply_text(SORRY)
        except Exception:  # the reply itself may be what failed
            log.exception("could not tell the user about the error")


async def tell_flood(update: Update) -> None:
    """The one note to a chat whose messages were dropped because it sent too many at once."""
    if update.message is None:
        return
    try:
        await update.message.reply_text(FLOOD)
    except Exception:
        log.exception("could not send the flood note")


async def start_up(app: Application) -> None:
    """Before the first update: the command menu, then the updates a previous run left unanswered."""
    await app.bot.set_my_commands([BotCommand(c, d) for c, d in COMMANDS])
    await app.update_queue.replay(app.bot)


async def close_store(app: Application) -> None:
    app.bot_data["composer"].close()
    await app.bot_data["store"].close()
    await app.update_queue.inbox.close()


def inbox_path(store: str | Path) -> Path:
    """The inbox file: beside a SQLite store, else in .ieum/."""
    if str(store).startswith(("redis://", "rediss://", "unix://")):
        return Path(".ieum/inbox.sqlite3")
    return Path(store).with_name("inbox.sqlite3")


KEY = r"^[\w-]{12}:"  # a sentence message's state key (bot.store.new_key)


def build_application(token: str, engine: Engine, *, base_url: str | None = None,
                      store: str | Path = ".ieum/settings.sqlite3", workers: int = 2,
                      concurrent_updates: int = 512, backlog: int = 20, max_rate: float = 30,
                      read_timeout: float = 5.0, inbox: str | Path | None = None,
                      processes: bool = False, network_retries: int = 4) -> Application:
    """The whole bot; `store` is a SQLite path or a redis:// URL (StoreError when it cannot be
    written); `max_rate` caps sends per second overall (Telegram's flood limit; 0 = off); each
    chat keeps at most `backlog` updates waiting (bot/updates.py); `inbox` is the SQLite file
    that keeps updates until they are answered (bot/inbox.py; default: beside the store);
    `processes` composes in `workers` processes instead of threads (bot/pool.py); a request that
    never reached Telegram is tried again `network_retries` times, 0.5, 1, 2, 4 … s apart."""
    queue = DurableQueue(SQLiteInbox(inbox or inbox_path(store)))

    async def done(update: object) -> None:
        if isinstance(update, Update):
            await queue.inbox.done(update.update_id)

    builder = (Application.builder().token(token)
               .update_queue(queue)
               .get_updates_request(InboxRequest(queue, connection_pool_size=1, read_timeout=read_timeout))
               .connection_pool_size(CONNECTIONS)
               .pool_timeout(10)
               .rate_limiter(RetryingRateLimiter(network_retries, max_retries=3, overall_max_rate=max_rate))
               .concurrent_updates(ChatQueues(concurrent_updates, backlog, on_done=done, on_note=tell_flood))
               .read_timeout(read_timeout)
               .post_init(start_up)
               .post_shutdown(close_store))
    if base_url:
        builder = builder.base_url(base_url)
    app = builder.build()
    app.bot_data["composer"] = EnginePool(engine, workers, processes)
    app.bot_data["store"] = open_store(store)
    private = filters.ChatType.PRIVATE
    app.add_handlers([
        CommandHandler("start", start, filters=MESSAGE),
        CommandHandler("help", help_command, filters=MESSAGE),
        CommandHandler("compose", compose_command, filters=MESSAGE),
        CommandHandler("style", style_command, filters=MESSAGE),
        CommandHandler("saved", saved_command, filters=MESSAGE),
        CommandHandler("history", history_command, filters=MESSAGE),
        CommandHandler("skip", skip_command, filters=MESSAGE),
        CommandHandler("forget", forget_command, filters=MESSAGE),
        ButtonHandler(on_choose_style, pattern=r"^style:(plain|polite|formal)$"),
        ButtonHandler(on_resend, pattern=r"^saved:\d+$"),
        ButtonHandler(on_next, pattern=KEY + "next$"),
        ButtonHandler(on_restyle, pattern=KEY + "s:(plain|polite|formal)$"),
        ButtonHandler(on_explain, pattern=KEY + "explain$"),
        ButtonHandler(on_save, pattern=KEY + "save$"),
        ButtonHandler(on_wrong, pattern=KEY + "wrong$"),
        CallbackQueryHandler(on_expired),
        InlineQueryHandler(inline_query),
        MessageHandler(MESSAGE & filters.TEXT & ~filters.COMMAND, on_text),
        MessageHandler(MESSAGE & private & filters.COMMAND, on_unknown_command),
        MessageHandler(MESSAGE & private & ~filters.TEXT & ~filters.StatusUpdate.ALL, on_other),
    ])
    app.add_error_handler(on_error)
    return app


def read_token() -> str | None:
    """TELEGRAM_BOT_TOKEN from the environment, else from a `.env` file in the working folder."""
    token = os.environ.get("TELEGRAM_BOT_TOKEN")
    env = Path(".env")
    if not token and env.is_file():
        for line in env.read_text(encoding="utf-8").splitlines():
            key, _, value = line.partition("=")
            if key.strip().removeprefix("export ").strip() == "TELEGRAM_BOT_TOKEN":
                token = value.strip().strip("'\"")
    return token or None


NO_TOKEN = """TELEGRAM_BOT_TOKEN is not set, so here is the terminal chat on the same engine.
To run the Telegram bot: open Telegram, talk to @BotFather, send /newbot, follow the steps, and
copy the token it gives you; then `export TELEGRAM_BOT_TOKEN=...` (or put TELEGRAM_BOT_TOKEN=...
in a .env file here) and run `make run` again.
텔레그램 봇 토큰이 없어 터미널 채팅으로 실행합니다. @BotFather에서 /newbot으로 토큰을 받으세요."""


MAX_WEBHOOK_BODY = 1 << 20  # bytes: an update is a few KB; anything larger is refused before it is read


def base_url_problem(url: str) -> str | None:
    """Why `--base-url` cannot work (the token is appended to it), or None."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return "it must be an http:// or https:// URL"
    if "{token}" not in url and not parts.path.endswith("/bot"):
        return "the token is appended to it, so it must end in /bot (e.g. http://127.0.0.1:8081/bot)"
    return None


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="ieum-bot", description="The ieum Telegram bot (long polling by default).")
    p.add_argument("--base-url", help="Bot API URL the token is appended to, e.g. http://127.0.0.1:8081/bot")
    p.add_argument("--webhook-url", help="public HTTPS URL Telegram posts updates to (enables webhook mode)")
    p.add_argument("--listen", default="127.0.0.1",
                   help="webhook mode: address to listen on (TLS ends at a proxy in front of it)")
    p.add_argument("--port", type=int, default=8443, help="webhook mode: port to listen on")
    p.add_argument("--secret-token", default=os.environ.get("TELEGRAM_WEBHOOK_SECRET"),
                   help="webhook mode, required: secret Telegram sends in a header (or $TELEGRAM_WEBHOOK_SECRET)")
    p.add_argument("--exported", help="model folder (default: $IEUM_EXPORTED or the shipped one)")
    p.add_argument("--threads", type=int, default=1, help="onnxruntime threads per composition")
    p.add_argument("--workers", type=int, default=2, help="compositions at once")
    p.add_argument("--processes", action="store_true",
                   help="compose in --workers worker processes instead of threads (one engine each)")
    p.add_argument("--store", default=os.environ.get("IEUM_STORE", ".ieum/settings.sqlite3"),
                   help="where user data lives: a SQLite file, or a redis:// URL shared by several bot processes")
    p.add_argument("--inbox", help="SQLite file keeping updates until answered (default: beside a SQLite "
                   "--store, else .ieum/inbox.sqlite3); one per process")
    p.add_argument("--max-rate", type=float, default=30,
                   help="sends per second overall (Telegram allows about 30; 0 = no limit, for load tests)")
    p.add_argument("--network-retries", type=int, default=4,
                   help="tries again a request that never reached Telegram, 0.5, 1, 2, 4 … s apart; then the bot stops")
    p.add_argument("--style", choices=STYLES, default=DEFAULT_STYLE, help="terminal chat: speech level")
    return p


def run_webhook(app: Application, args: argparse.Namespace) -> None:
    """Webhook mode: plain HTTP on `--listen` behind a TLS proxy; only requests with the secret
    header are read, and none larger than MAX_WEBHOOK_BODY."""
    from tornado.httpserver import HTTPServer  # PTB's webhook server; the cap applies to it

    HTTPServer.configure(None, max_body_size=MAX_WEBHOOK_BODY)
    app.run_webhook(listen=args.listen, port=args.port, url_path="telegram", secret_token=args.secret_token,
                    webhook_url=args.webhook_url.rstrip("/") + "/telegram", allowed_updates=Update.ALL_TYPES)


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("httpx").setLevel(logging.WARNING)  # its request lines carry the token in the URL
    if args.base_url and (problem := base_url_problem(args.base_url)):
        print(f"--base-url {args.base_url}: {problem}", file=sys.stderr)
        return 2
    if args.webhook_url and not args.secret_token:
        print("웹훅 모드에는 비밀 토큰이 필요합니다 / webhook mode needs a secret: pass --secret-token or set "
              "TELEGRAM_WEBHOOK_SECRET (Telegram sends it with every update; requests without it are refused)",
              file=sys.stderr)
        return 2
    try:
        engine = Engine(args.exported, threads=args.threads)
    except ExportedModelError as e:
        print(f"모델을 불러올 수 없습니다 / cannot load the model: {e}", file=sys.stderr)
        return 1
    token = read_token()
    if not token:
        print(NO_TOKEN, file=sys.stderr)
        run_chat(engine, sys.stdin, sys.stdout, style=args.style)
        return 0
    protect(token)
    try:
        app = build_application(token, engine, base_url=args.base_url, store=args.store, workers=args.workers,
                                max_rate=args.max_rate, processes=args.processes, inbox=args.inbox,
                                network_retries=args.network_retries)
    except StoreError as e:
        print(f"설정 저장소를 쓸 수 없습니다 / {e}", file=sys.stderr)
        return 1
    try:
        if args.webhook_url:
            run_webhook(app, args)
        else:
            app.run_polling(allowed_updates=Update.ALL_TYPES)
    except Exception as e:  # a rejected token, an unreachable server: one line, the token masked
        log.error("ieum-bot stopped: %s: %s", type(e).__name__, e)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
