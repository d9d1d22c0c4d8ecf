"""조사 설명, ⭐ 저장 and /saved, /history, 틀렸어요 and /skip, /forget — through the real bot over HTTP,
pressing the real buttons (SQLite store; tests/test_scale_out.py runs the bot on Redis)."""

from __future__ import annotations

from bot.app import (
    ASK_CORRECTION,
    EXPIRED,
    FORGOTTEN,
    NO_HISTORY,
    NO_SAVED,
    NOTHING_TO_SKIP,
    SAVED_ALREADY,
    SAVED_GONE,
    SAVED_OK,
    SKIPPED,
    THANKS,
)
from bot.explain import PARTICLES
from bot.store import SQLiteStore
from bot.words import uses
from tests.test_bot_e2e import ask, last_buttons, running_bot, texts

WORDS = ["고양이", "생선", "먹다"]


async def press(telegram, chat_id: int, message_id: int, data: str, reply: bool = False) -> dict:
    """Press a button; return the bot's answerCallbackQuery parameters (with `reply`, once the new
    message the press sends has arrived too)."""
    answered, sent = len(telegram.sent("answerCallbackQuery")), len(texts(telegram, chat_id))
    telegram.push_callback(chat_id, message_id, data)
    await telegram.wait_for(lambda t: len(t.sent("answerCallbackQuery")) > answered
                            and (not reply or len(texts(t, chat_id)) > sent))
    return telegram.sent("answerCallbackQuery")[answered].params


async def test_explain_button_names_each_particle_with_its_word_and_pair(telegram, engine, tmp_path):
    async with running_bot(telegram, engine, tmp_path / "s.sqlite3"):
        sentence = await ask(telegram, 1, ", ".join(WORDS))
        message_id, buttons = last_buttons(telegram, 1)
        assert list(buttons)[:2] == ["다른 문장", "조사 설명"] and {"⭐ 저장", "틀렸어요"} <= set(buttons)
        await press(telegram, 1, message_id, buttons["조사 설명"], reply=True)
        explanation = texts(telegram, 1)[-1]
    particles = engine.compose(WORDS, style="formal")[0].particles
    assert engine.compose(WORDS, style="formal")[0].sentence == sentence and particles, sentence
    assert explanation.startswith("조사 설명\n" + sentence)
    for p in particles:
        assert f"{p.word} + {p.form}  ({PARTICLES[p.unit][0]})" in explanation, explanation
    assert "받침" in explanation


async def test_save_saved_resend_and_history(telegram, engine, tmp_path):
    async with running_bot(telegram, engine, tmp_path / "s.sqlite3"):
        assert await ask(telegram, 2, "/saved") == NO_SAVED
        assert await ask(telegram, 2, "/history") == NO_HISTORY
        first = await ask(telegram, 2, ", ".join(WORDS))
        message_id, buttons = last_buttons(telegram, 2)
        assert (await press(telegram, 2, message_id, buttons["⭐ 저장"]))["text"] == SAVED_OK
        assert (await press(telegram, 2, message_id, buttons["⭐ 저장"]))["text"] == SAVED_ALREADY
        second = await ask(telegram, 2, "백설공주, 숲속, 이야기하다")
        second_id, second_buttons = last_buttons(telegram, 2)
        await press(telegram, 2, second_id, second_buttons["⭐ 저장"])

        saved = await ask(telegram, 2, "/saved")
        assert saved.index(second) < saved.index(first), saved  # newest first
        _, saved_buttons = last_buttons(telegram, 2)
        assert len(saved_buttons) == 2
        saved_message = max(m for (c, m) in telegram.texts if c == 2)
        await press(telegram, 2, saved_message, saved_buttons[next(b for b in saved_buttons if b.startswith("2."))],
                    reply=True)
        assert texts(telegram, 2)[-1] == first  # the tap sends the sentence again, with its buttons
        assert "조사 설명" in last_buttons(telegram, 2)[1]

        history = await ask(telegram, 2, "/history")
        assert history.index(second) < history.index(first)
        assert "단어: 고양이, 생선, 먹다" in history and "단어: 백설공주, 숲속, 이야기하다" in history


async def test_wrong_takes_the_next_message_as_the_correction(telegram, engine, tmp_path):
    store = tmp_path / "s.sqlite3"
    async with running_bot(telegram, engine, store):
        shown = await ask(telegram, 3, ", ".join(WORDS))
        message_id, buttons = last_buttons(telegram, 3)
        await press(telegram, 3, message_id, buttons["틀렸어요"], reply=True)
        assert texts(telegram, 3)[-1] == ASK_CORRECTION.format(shown)
        assert "빈 문장" in await ask(telegram, 3, " \u200b ")
        assert "너무 깁니다" in await ask(telegram, 3, "고" * 100_000)
        assert "한글로" in await ask(telegram, 3, "ㅋㅋㅋ")
        assert await ask(telegram, 3, "고양이가 생선을 맛있게 먹습니다.") == THANKS
        after = await ask(telegram, 3, ", ".join(WORDS))  # the next message is words again
        assert all(uses(w, after) for w in WORDS)
        message_id, buttons = last_buttons(telegram, 3)

        assert await ask(telegram, 3, "/skip") == NOTHING_TO_SKIP
        await press(telegram, 3, message_id, buttons["틀렸어요"], reply=True)
        assert await ask(telegram, 3, "/skip") == SKIPPED
        again = await ask(telegram, 3, ", ".join(WORDS))
        assert all(uses(w, again) for w in WORDS)

    kept = SQLiteStore(store)
    feedback = await kept.take_feedback()
    await kept.close()
    assert [(f["words"], f["shown"], f["correction"], f["style"]) for f in feedback] == [
        (WORDS, shown, "고양이가 생선을 맛있게 먹습니다.", "formal")]
    assert feedback[0]["at"] > 0


async def test_forget_deletes_everything_and_old_buttons_answer_politely(telegram, engine, tmp_path):
    store = tmp_path / "s.sqlite3"
    async with running_bot(telegram, engine, store):
        await ask(telegram, 4, "/style")
        style_message, style_buttons = last_buttons(telegram, 4)
        await press(telegram, 4, style_message, style_buttons["해요체"])
        sentence = await ask(telegram, 4, ", ".join(WORDS))
        assert sentence.endswith("요."), sentence
        message_id, buttons = last_buttons(telegram, 4)
        await press(telegram, 4, message_id, buttons["⭐ 저장"])
        await ask(telegram, 4, "/saved")
        saved_message, saved_buttons = last_buttons(telegram, 4)
        await press(telegram, 4, message_id, buttons["틀렸어요"], reply=True)
        await ask(telegram, 4, "고양이가 생선을 먹어요.")
        await ask(telegram, 5, "숲, 늑대")  # someone else's data stays

        assert await ask(telegram, 4, "/forget") == FORGOTTEN
        assert await ask(telegram, 4, "/saved") == NO_SAVED
        assert await ask(telegram, 4, "/history") == NO_HISTORY
        for label in ("조사 설명", "⭐ 저장", "틀렸어요", "한다체"):
            assert (await press(telegram, 4, message_id, buttons[label]))["text"] == EXPIRED
        assert (await press(telegram, 4, saved_message, next(iter(saved_buttons.values()))))["text"] == SAVED_GONE
        assert (await ask(telegram, 4, ", ".join(WORDS))).endswith("니다.")  # the default style again
        assert "숲" in await ask(telegram, 5, "/history")
    kept = SQLiteStore(store)
    assert await kept.take_feedback() == []
    await kept.close()
