"""The terminal chat: the bot's conversation without Telegram, on the same engine.

Each input line is a word list, each answer a sentence; end of input (Ctrl-D) ends it. Works in a
terminal and in a pipe (`echo 백설공주, 동물들, 숲속, 이야기하다 | ieum-bot`).
"""

from __future__ import annotations

from typing import TextIO

from bot.engine import Engine
from bot.words import ComposeError, split_words

GREETING = ("이음 터미널 채팅입니다. 단어를 쉼표나 띄어쓰기로 구분해 입력하면 문장을 만들어 드립니다.\n"
            "예: 백설공주, 동물들, 숲속, 이야기하다   (끝내려면 Ctrl-D)")


def run_chat(engine: Engine, stdin: TextIO, stdout: TextIO, style: str | None = "formal") -> None:
    interactive = stdin.isatty()
    if interactive:
        print(GREETING, file=stdout)
    while True:
        if interactive:
            print("> ", end="", file=stdout, flush=True)
        line = stdin.readline()
        if not line:
            break
        line = line.rstrip("\r\n")  # the line's own end is not a separator: 엄마 사과 사다 is three words
        if not line.strip():
            continue
        try:
            answer = engine.compose(split_words(line), style=style)[0].sentence
        except ComposeError as e:
            answer = e.korean
        print(answer, file=stdout, flush=True)
    if interactive:
        print(file=stdout)
