"""Input rules shared by the CLI and the bot: split a message into words, enforce the limits,
normalise each word, and tell whether a sentence uses a word (the engine's coverage check)."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from bot.realize import MAX_WORDS

MAX_WORD_CHARS = 30
MAX_INPUT_CHARS = 300

_SEPARATORS = re.compile(r"[,#、;\n]")
# terminal escape sequences: CSI (ESC [ … final), OSC (ESC ] … BEL or ST), and any other ESC + one character
_ESCAPES = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b.?", re.DOTALL)
_HANGUL_SYLLABLE = re.compile(r"[가-힣]")
_EDGE_PUNCT = re.compile(r"^[\s\"'“”‘’()\[\]{}<>.!?~·…]+|[\s\"'“”‘’()\[\]{}<>.!?~·…]+$")
_TRAILING_PARTICLES = ("에서", "에게", "한테", "으로", "이랑", "하고", "까지", "부터",
                       "이", "가", "을", "를", "은", "는", "와", "과", "에", "의", "도",
                       "로", "랑", "만")


# nouns and adverbs that end in 다 (kiwipiepy's tags over the open corpora): a copy slot writes them whole
_NOT_PREDICATES = frozenset({
    "다", "바다", "앞바다", "먼바다", "캐나다", "과다", "베란다", "플로리다", "해마다", "수다", "저마다", "판다",
    "최다", "네바다", "어쩌다", "우간다", "르완다", "사이다", "소다", "레이다", "린다", "마틸다", "게르다",
    "오다가다", "왔다갔다"})


def slot_text(word: str) -> str:
    """What a copy slot writes for a typed word. A predicate in 다-form stands for its stem, so the
    model writes the ending after it (떠다니다 → 떠다니 + ㄴ다 is generated, never "떠다니다."), and a
    noun + 하다 for its noun (치료하다 → 치료 + 했다 / 를 했다); everything else is copied whole."""
    if len(word) < 2 or not word.endswith("다") or word in _NOT_PREDICATES or not _HANGUL_SYLLABLE.fullmatch(word[-2]):
        return word
    if word.endswith("하다") and len(word) > 2:
        return word[:-2]
    return word[:-1]


class ComposeError(ValueError):
    """Something the user should read: `korean` for the chat, `bilingual()` for the CLI."""

    def __init__(self, korean: str, english: str) -> None:
        super().__init__(english)
        self.korean = korean
        self.english = english

    def bilingual(self) -> str:
        return f"{self.korean} / {self.english}"


class InputError(ComposeError):
    """A word list the input rules refuse."""


def visible(text: str) -> str:
    """`text` without terminal escapes, control characters (whitespace such as newlines stays),
    bidirectional marks, zero-width characters and lone surrogates: nothing a word needs, nothing to echo."""
    text = _ESCAPES.sub("", text)
    return "".join(c for c in text if c.isspace() or unicodedata.category(c) not in ("Cc", "Cf", "Cs"))


def split_words(text: str) -> list[str]:
    """Split on , # 、 ; or newlines when any is present, else on whitespace; trim; drop empties."""
    text = unicodedata.normalize("NFC", visible(text))
    if len(text) > MAX_INPUT_CHARS:
        raise InputError(
            f"입력이 너무 깁니다. 전체 {MAX_INPUT_CHARS}자 이내로 써 주세요.",
            f"input too long: at most {MAX_INPUT_CHARS} characters in all",
        )
    parts = _SEPARATORS.split(text) if _SEPARATORS.search(text) else text.split()
    words = [_clean(p) for p in parts]
    return check_words([w for w in words if w])


def words_from_args(args: list[str]) -> list[str]:
    """CLI form: one argument is split by the rules; several arguments are one word each."""
    if len(args) == 1:
        return split_words(args[0])
    return split_words(",".join(a for a in args if a.strip()))


def _clean(word: str) -> str:
    return re.sub(r"\s+", " ", _EDGE_PUNCT.sub("", word))


def check_words(words: list[str]) -> list[str]:
    """Enforce the limits of DESIGN.md; return the words unchanged when they pass."""
    if not words:
        raise InputError("단어를 하나 이상 보내 주세요. 예: 백설공주, 동물들, 숲속, 이야기하다",
                         "no words: send at least one word")
    if len(words) > MAX_WORDS:
        raise InputError(f"단어가 너무 많습니다. {MAX_WORDS}개 이하로 보내 주세요 ({len(words)}개 받음).",
                         f"too many words: at most {MAX_WORDS}, got {len(words)}")
    long = [w for w in words if len(w) > MAX_WORD_CHARS]
    if long:
        raise InputError(f"'{long[0][:10]}…' 단어가 너무 깁니다. 단어마다 {MAX_WORD_CHARS}자 이내로 써 주세요.",
                         f"word too long: at most {MAX_WORD_CHARS} characters each")
    if not any(_HANGUL_SYLLABLE.search(w) for w in words):
        raise InputError("한글 단어가 없습니다. 완성된 한글로 단어를 보내 주세요 (ㅋㅋ 같은 자모만으로는 안 됩니다).",
                         "no Hangul word: send words written in complete Hangul syllables")
    return words


def uses(word: str, sentence: str) -> bool:
    """Does `sentence` contain `word`: as written (spacing aside), without a trailing particle, or, for a verb
    (dictionary form or inflected), its stem with the last syllable conjugated (이야기하다 → 이야기했)."""
    return any(form in sentence or _spaced(form).search(sentence) for form in _literal_forms(word)) or bool(
        (pattern := _stem_pattern(word)) and pattern.search(sentence)
    )


@lru_cache(maxsize=4096)
def _spaced(form: str) -> re.Pattern[str]:
    """The form with other spacing, starting a word: 접시위 in "접시 위에" (as mecab's coverage sees it)."""
    chars = [re.escape(c) for c in form.replace(" ", "")]
    return re.compile(r"(?:^|(?<=\s))" + r"\s?".join(chars))


@lru_cache(maxsize=4096)
def _literal_forms(word: str) -> tuple[str, ...]:
    forms = [word]
    for particle in _TRAILING_PARTICLES:
        if word.endswith(particle) and len(word) - len(particle) >= 2:
            forms.append(word[: -len(particle)])
            break
    return tuple(forms)


# vowel index -> the vowels its syllable may show when conjugated (하→해, 보→봐, 주→줘, 쓰→써,
# 아프→아파, 다니→다녀, 되→돼)
_CONTRACTIONS = {0: {1}, 8: {9, 10}, 13: {14}, 18: {0, 4}, 20: {6}, 11: {10}}


@lru_cache(maxsize=4096)
def _stem_pattern(word: str) -> re.Pattern[str] | None:
    if len(word) < 2 or not word.endswith("다") or not _HANGUL_SYLLABLE.fullmatch(word[-2]):
        return None
    stem = word[:-1]
    prefix, last = stem[:-1], ord(stem[-1]) - 0xAC00
    initial, vowel = divmod(last // 28, 21)
    vowels = {vowel} | _CONTRACTIONS.get(vowel, set())
    # the stem's body as written, then its last syllable with the same onset and vowel (or its
    # contraction), any final: 이야기하 → 이야기했, 놀 → 논/놉, but not 뛰어놀 → 뛰어나
    syllables = "".join(chr(0xAC00 + (initial * 21 + v) * 28 + f) for v in sorted(vowels) for f in range(28))
    return re.compile(re.escape(prefix) + f"[{syllables}]")
