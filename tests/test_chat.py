"""`ieum-bot` without a token: it says how to get one and chats in the terminal (here, a pipe)."""

from __future__ import annotations

import io
import os
import subprocess
import sys

from bot.chat import run_chat
from bot.words import uses


def test_no_token_falls_back_to_the_terminal_chat(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "TELEGRAM_BOT_TOKEN"}
    r = subprocess.run([sys.executable, "-m", "bot.app"], input="백설공주, 동물들, 숲속, 이야기하다\nㅋㅋ\n",
                       capture_output=True, text=True, env=env, cwd=tmp_path, timeout=120)
    assert r.returncode == 0, r.stderr
    assert "@BotFather" in r.stderr
    first, second = r.stdout.strip().split("\n")
    assert all(uses(w, first) for w in ["백설공주", "동물들", "숲속", "이야기하다"]) and first.endswith("니다.")
    assert "한글" in second


def test_a_space_separated_line_is_several_words(engine):
    """The line's own newline is not a separator: 엄마 사과 사다 is three words, as in the CLI."""
    out = io.StringIO()
    run_chat(engine, io.StringIO("엄마 사과 사다\n"), out)
    assert out.getvalue().strip() == engine.compose(["엄마", "사과", "사다"], style="formal")[0].sentence
