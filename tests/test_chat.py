"""`ieum-bot` without a token: it says how to get one and chats in the terminal (here, a pipe)."""

from __future__ import annotations

import os
import subprocess
import sys

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
