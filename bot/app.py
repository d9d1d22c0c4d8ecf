"""`ieum-bot`: the Telegram bot (python-telegram-bot v22, async).

Handlers stay thin: they parse, call the engine off the event loop, and reply in plain text. The
button state (words, alternatives) stays server-side through PTB's arbitrary callback data, so a
button carries only an id (Telegram allows 64 bytes). Sends go through PTB's AIORateLimiter,
extended to retry network failures and 5xx answers with backoff; 429 answers are retried after
`retry_after` by the limiter itself; a BadRequest is never retried.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from telegram import (
    BotCommand,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InlineQueryResultArticle,
    InputTextMessageContent,
    Update,
)
from telegram.constants import ChatAction
from telegram.error import BadRequest, NetworkError
from telegram.ext import (
    AIORateLimiter,
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    InlineQueryHandler,
    InvalidCallbackData,
    MessageHandler,
    filters,
)

from bot.chat import run_chat
from bot.engine import Composition, Engine, ExportedModelError
from bot.realize import STYLE_NAMES, STYLES
from bot.store import SQLitePersistence
from bot.words import MAX_INPUT_CHARS, MAX_WORD_CHARS, MAX_WORDS, ComposeError, split_words

log = logging.getLogger("ieum.bot")

DEFAULT_STYLE = "formal"  # 합니다체 for a new user, as in the seed example
ALTERNATIVES = 3
SEED = "백설공주, 동물들, 숲속, 이야기하다"
COMMANDS = [("compose", "단어로 문장 만들기"), ("style", "문체 고르기 (합니다체/해요체/한다체)"),
            ("help", "사용법"), ("start", "처음 인사")]
START_TEXT = ("안녕하세요! 이음은 단어를 이어 자연스러운 한국어 문장 하나를 만들어 드립니다.\n"
              f"단어를 보내 보세요. 예: {SEED}")
HELP_TEXT = (
    "단어를 쉼표(,)나 띄어쓰기로 구분해 보내면 그 단어를 모두 넣은 문장을 만들어 드립니다.\n"
    f"예: {SEED}\n\n"
    "• 기본형도 괜찮습니다: 이야기하다, 파랗다\n"
    "• 쉼표를 쓰면 띄어쓰기가 있는 단어도 됩니다: 빨간 모자, 숲, 늑대\n"
    f"• 단어는 1~{MAX_WORDS}개, 단어마다 {MAX_WORD_CHARS}자, 전체 {MAX_INPUT_CHARS}자까지입니다.\n\n"
    "명령어\n/compose 단어들 — 문장 만들기\n/style — 문체 고르기 (합니다체/해요체/한다체)\n"
    "/help — 이 도움말\n\n문장 아래 버튼으로 다른 문장을 보거나 문체를 바꿀 수 있습니다.\n"
    "다른 대화방에서도 @봇이름 뒤에 단어를 쓰면 문장을 골라 보낼 수 있습니다.")
NOT_TEXT = "글자로 된 단어를 보내 주세요. 예: " + SEED
SORRY = "죄송합니다. 문장을 만드는 중에 문제가 생겼습니다. 잠시 후 다시 시도해 주세요."
EXPIRED = "이 버튼은 만료되었습니다. 단어를 다시 보내 주세요."


@dataclass(frozen=True)
class Shown:
    """What a sentence message shows; its buttons carry the next state, kept server-side by PTB."""

    words: tuple[str, ...]
    style: str
    sentences: tuple[str, ...]
    index: int


@dataclass(frozen=True)
class ChooseStyle:
    style: str


class RetryingRateLimiter(AIORateLimiter):
    """AIORateLimiter (flood limits, 429 retries) that also retries network failures and 5xx."""

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
                if attempt == self.network_retries:
                    raise
                delay = self.backoff * 2**attempt
                attempt += 1
                log.warning("%s failed (%s); retry %d in %.1fs", endpoint, e, attempt, delay)
                await asyncio.sleep(delay)


class EnginePool:
    """The engine behind a small thread pool: composing never blocks the event loop, and at most
    `workers` sentences are composed at once."""

    def __init__(self, engine: Engine, workers: int = 2) -> None:
        self.engine = engine
        self.pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="compose")

    async def compose(self, words: list[str], style: str, n: int = ALTERNATIVES) -> list[Composition]:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self.pool, partial(self.engine.compose, words, n=n, style=style))


# -- replies ------------------------------------------------------------------------------------
def keyboard(shown: Shown) -> InlineKeyboardMarkup:
    more = len(shown.sentences) > 1
    nxt = Shown(shown.words, shown.style, shown.sentences, (shown.index + 1) % len(shown.sentences))
    rows = [[InlineKeyboardButton("다른 문장", callback_data=nxt)]] if more else []
    rows.append([InlineKeyboardButton(("✓ " if s == shown.style else "") + STYLE_NAMES[s],
                                      callback_data=Shown(shown.words, s, (), 0)) for s in STYLES])
    return InlineKeyboardMarkup(rows)


def user_style(context: ContextTypes.DEFAULT_TYPE) -> str:
    return context.user_data.get("style", DEFAULT_STYLE) if context.user_data is not None else DEFAULT_STYLE


async def compose_reply(update: Update, context: ContextTypes.DEFAULT_TYPE, text: str) -> None:
    """Compose from `text` and reply with the sentence and its buttons, or a polite explanation."""
    message = update.effective_message
    try:
        words = split_words(text)
    except ComposeError as e:
        await message.reply_text(e.korean)
        return
    style = user_style(context)
    await context.bot.send_chat_action(message.chat_id, ChatAction.TYPING)
    try:
        found = await context.bot_data["composer"].compose(words, style)
    except ComposeError as e:
        await message.reply_text(e.korean)
        return
    shown = Shown(tuple(words), style, tuple(c.sentence for c in found), 0)
    await message.reply_text(shown.sentences[0], reply_markup=keyboard(shown))


# -- handlers -----------------------------------------------------------------------------------
async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Greet with the seed example."""
    await update.effective_message.reply_text(START_TEXT)


async def help_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """How to write words, the commands, the limits."""
    await update.effective_message.reply_text(HELP_TEXT)


async def compose_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/compose 단어들 → the sentence."""
    text = update.effective_message.text.partition(" ")[2]
    if not text.strip():
        await update.effective_message.reply_text(f"/compose 뒤에 단어를 써 주세요. 예: /compose {SEED}")
        return
    await compose_reply(update, context, text)


async def on_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A plain message is a word list."""
    await compose_reply(update, context, update.effective_message.text)


async def on_other(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Stickers, photos, unknown commands: say what the bot understands."""
    await update.effective_message.reply_text(NOT_TEXT if not update.effective_message.text else HELP_TEXT)


async def style_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Offer the three speech levels as buttons."""
    current = user_style(context)
    buttons = [[InlineKeyboardButton(("✓ " if s == current else "") + STYLE_NAMES[s],
                                     callback_data=ChooseStyle(s)) for s in STYLES]]
    await update.effective_message.reply_text(f"문체를 골라 주세요. 지금은 {STYLE_NAMES[current]}입니다.",
                                              reply_markup=InlineKeyboardMarkup(buttons))


async def on_choose_style(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Remember the chosen speech level for this user."""
    query = update.callback_query
    await query.answer()
    style = query.data.style
    context.user_data["style"] = style
    text = f"앞으로 {STYLE_NAMES[style]}로 문장을 만듭니다."
    if query.message is None or query.message.text != text:
        await query.edit_message_text(text)


async def on_shown(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """다른 문장 (next alternative) or a speech-level button: edit the message in place."""
    query = update.callback_query
    shown: Shown = query.data
    if not shown.sentences:  # a speech-level button: compose again in that level
        await context.bot.send_chat_action(query.message.chat.id, ChatAction.TYPING)
        try:
            found = await context.bot_data["composer"].compose(list(shown.words), shown.style)
        except ComposeError as e:
            await query.answer(e.korean, show_alert=True)
            return
        shown = Shown(shown.words, shown.style, tuple(c.sentence for c in found), 0)
    sentence = shown.sentences[shown.index]
    if query.message is not None and query.message.text == sentence:
        await query.answer("이미 보고 계신 문장입니다.")
        return
    await query.answer()
    await query.edit_message_text(sentence, reply_markup=keyboard(shown))


async def on_expired(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A button from before a restart (its state is gone)."""
    await update.callback_query.answer(EXPIRED, show_alert=True)


async def inline_query(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """@bot 단어들 in any chat → up to three sentences to pick."""
    query = update.inline_query
    results = []
    try:
        words = split_words(query.query) if query.query.strip() else []
        found = await context.bot_data["composer"].compose(words, user_style(context)) if words else []
    except ComposeError:
        found = []
    for i, c in enumerate(found):
        results.append(InlineQueryResultArticle(id=str(i), title=c.sentence,
                                                input_message_content=InputTextMessageContent(c.sentence)))
    await query.answer(results, cache_time=10, is_personal=True)


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log the failure with its update, and tell the user something short."""
    log.error("error while handling %s", getattr(update, "update_id", update), exc_info=context.error)
    if isinstance(update, Update) and update.effective_message is not None:
        try:
            await update.effective_message.reply_text(SORRY)
        except Exception:  # the reply itself may be what failed
            log.exception("could not tell the user about the error")


async def set_commands(app: Application) -> None:
    await app.bot.set_my_commands([BotCommand(c, d) for c, d in COMMANDS])


def build_application(token: str, engine: Engine, *, base_url: str | None = None,
                      store: str | Path = ".ieum/settings.sqlite3", workers: int = 2,
                      concurrent_updates: int = 64, max_rate: float = 30) -> Application:
    """The whole bot; `max_rate` caps sends per second overall (Telegram's flood limit; 0 = off)."""
    builder = (Application.builder().token(token)
               .rate_limiter(RetryingRateLimiter(max_retries=3, overall_max_rate=max_rate))
               .persistence(SQLitePersistence(store))
               .arbitrary_callback_data(4096)
               .concurrent_updates(concurrent_updates)
               .post_init(set_commands))
    if base_url:
        builder = builder.base_url(base_url)
    app = builder.build()
    app.bot_data["composer"] = EnginePool(engine, workers)
    app.add_handlers([
        CommandHandler("start", start),
        CommandHandler("help", help_command),
        CommandHandler("compose", compose_command),
        CommandHandler("style", style_command),
        CallbackQueryHandler(on_choose_style, pattern=ChooseStyle),
        CallbackQueryHandler(on_shown, pattern=Shown),
        CallbackQueryHandler(on_expired, pattern=InvalidCallbackData),
        InlineQueryHandler(inline_query),
        MessageHandler(filters.TEXT & ~filters.COMMAND, on_text),
        MessageHandler(filters.ALL, on_other),
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


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="ieum-bot", description="The ieum Telegram bot (long polling by default).")
    p.add_argument("--base-url", help="Bot API URL the token is appended to, e.g. http://127.0.0.1:8081/bot")
    p.add_argument("--webhook-url", help="public HTTPS URL Telegram posts updates to (enables webhook mode)")
    p.add_argument("--listen", default="0.0.0.0", help="webhook mode: address to listen on")
    p.add_argument("--port", type=int, default=8443, help="webhook mode: port to listen on")
    p.add_argument("--secret-token", default=os.environ.get("TELEGRAM_WEBHOOK_SECRET"),
                   help="webhook mode: secret Telegram sends in a header (or $TELEGRAM_WEBHOOK_SECRET)")
    p.add_argument("--exported", help="model folder (default: $IEUM_EXPORTED or the shipped one)")
    p.add_argument("--threads", type=int, default=1, help="onnxruntime threads per composition")
    p.add_argument("--workers", type=int, default=2, help="compositions at once")
    p.add_argument("--store", default=os.environ.get("IEUM_STORE", ".ieum/settings.sqlite3"),
                   help="SQLite file for user settings")
    p.add_argument("--max-rate", type=float, default=30,
                   help="sends per second overall (Telegram allows about 30; 0 = no limit, for load tests)")
    p.add_argument("--style", choices=STYLES, default=DEFAULT_STYLE, help="terminal chat: speech level")
    args = p.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("httpx").setLevel(logging.WARNING)  # its request lines carry the token in the URL
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
    app = build_application(token, engine, base_url=args.base_url, store=args.store, workers=args.workers,
                            max_rate=args.max_rate)
    if args.webhook_url:
        app.run_webhook(listen=args.listen, port=args.port, url_path="telegram", secret_token=args.secret_token,
                        webhook_url=args.webhook_url.rstrip("/") + "/telegram", allowed_updates=Update.ALL_TYPES)
    else:
        app.run_polling(allowed_updates=Update.ALL_TYPES)
    return 0


if __name__ == "__main__":
    sys.exit(main())
