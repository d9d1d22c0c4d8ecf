"""The model's output alphabet and how it becomes Korean text.

The model never spells the user's words or chooses a particle allomorph: it emits a copy slot
(`<w0>` … `<w11>`, "put input word i here") and particle units (`<JKS>` = 이/가, …). The realiser
replaces each slot with the word as the user wrote it and gives each unit the allomorph that agrees
with the syllable before it (tossi), so unseen names are copied whole and particle agreement holds
by construction. Training imports these symbols too, so both sides share one definition.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import tossi

from bot.hangul import B_FINAL, is_syllable, split

MAX_WORDS = 12
STYLES = ("plain", "polite", "formal")  # 한다체 / 해요체 / 합니다체
STYLE_NAMES = {"plain": "한다체", "polite": "해요체", "formal": "합니다체"}

# unit -> (the allomorph pair it stands for, the form tossi resolves)
PARTICLE_UNITS = {
    "<JKS>": (("이", "가"), "이"),
    "<JKO>": (("을", "를"), "을"),
    "<JX>": (("은", "는"), "은"),
    "<JC>": (("과", "와"), "과"),
    "<RO>": (("으로", "로"), "으로"),
    "<NA>": (("이나", "나"), "이나"),
    "<RANG>": (("이랑", "랑"), "이랑"),
    "<JKV>": (("아", "야"), "아"),
}
UNIT_OF_FORM = {form: unit for unit, (forms, _) in PARTICLE_UNITS.items() for form in forms}
# the Sejong part-of-speech tags (kiwipiepy's and mecab-ko's) of the particles the units stand for
PARTICLE_TAGS = frozenset({"JKS", "JKC", "JKO", "JX", "JC", "JKB", "JKV"})

GLUE = "<GLUE>"  # marks the rare slot written straight after the text before it
_SLOT = re.compile(r"<w\d+>")
_SYMBOL = re.compile(r"(<(?:w\d+|[A-Z]+)>)")


def slot_token(i: int) -> str:
    return f"<w{i}>"


def style_token(style: str) -> str:
    return f"<{style.upper()}>"


def special_symbols() -> list[str]:
    """Every symbol the tokenizer must keep whole, in a fixed order (slots first, contiguous)."""
    return (
        [slot_token(i) for i in range(MAX_WORDS)]
        + list(PARTICLE_UNITS)
        + [style_token(s) for s in STYLES]
        + [GLUE]
    )


def compact(template: str) -> str:
    """The target as the model writes it: no space token before a slot (most slots start a word;
    the realiser puts the space back), and GLUE before the few that do not."""
    template = re.sub(r"(?<=\S)(<w\d+>)", GLUE + r"\1", template)
    return re.sub(r" +(<w\d+>)", r"\1", template)


@dataclass(frozen=True)
class Particle:
    """A particle unit as realised: the eojeol before it, the allomorph written, the unit, and the
    allomorph's character offset in the finished sentence."""

    word: str
    form: str
    unit: str
    start: int


def realize(text: str, words: list[str]) -> str:
    """Fill copy slots with `words` and resolve particle units against the preceding syllable."""
    return realize_particles(text, words, record=False)[0]


def realize_particles(text: str, words: list[str], record: bool = True) -> tuple[str, tuple[Particle, ...]]:
    """`realize`, with a record of each particle unit it resolved (none unless `record`: working out
    each one's offset in the tidied sentence is most of the cost, and the search checks many
    sentences it does not keep)."""
    out, glued, particles = "", False, []
    for piece in filter(None, _SYMBOL.split(text)):
        if piece in PARTICLE_UNITS:
            word = out.rstrip().rsplit(" ", 1)[-1]
            # tossi reads the word's last letters; a word of letters alone gives the same answer from a cache
            form = (_pick(word, PARTICLE_UNITS[piece][1]) if word.isalnum()
                    else tossi.pick(out.rstrip() or "가", PARTICLE_UNITS[piece][1]))
            if record:
                particles.append(Particle(word, form, piece, len(_tidy(out))))
            out += form
        elif _SLOT.fullmatch(piece):
            i = int(piece[2:-1])
            out += ("" if glued else " ") + (words[i] if i < len(words) else "")
        elif not _SYMBOL.fullmatch(piece):
            out += piece
        glued = piece == GLUE
    return finish_sentence(out), tuple(particles)


# an acronym (TV, PC, USB) is read letter by letter, so its last letter's Korean name decides the
# particle: a syllable with the same final stands in for it (엘, 엠, 엔, 알; the other names end in a
# vowel), where tossi alone gives both forms (TV을(를))
_LETTER_FINALS = {"L": "갈", "M": "감", "N": "간", "R": "갈"}


@lru_cache(maxsize=4096)
def _pick(word: str, particle: str) -> str:
    form = tossi.pick(word, particle)
    if "(" in form and word.isascii() and word.isalpha() and word.isupper():
        form = tossi.pick(_LETTER_FINALS.get(word[-1], "가"), particle)
    return form


def detect_style(sentence: str) -> str:
    """The speech level a sentence ends in: formal (합니다체), polite (해요체) or plain."""
    core = sentence.rstrip(".?!~ ")
    b_before = is_syllable(core[-3:-2]) and split(core[-3])[2] == B_FINAL  # 합니다, 습니까, 갑시다 (아니다 is plain)
    if core.endswith(("니다", "니까", "시다")) and b_before or core.endswith("시오"):
        return "formal"
    if core.endswith(("요", "죠")):
        return "polite"
    return "plain"


def finish_sentence(text: str) -> str:
    """One tidy sentence: single spaces, no space before punctuation, a final . ? or !"""
    text = _tidy(text).rstrip()
    if text and text[-1] not in ".?!":
        text += "."
    return text


def _tidy(text: str) -> str:
    """Single spaces, none at the start or before punctuation, a native numeral apart from its
    counter (두 개, 몇 명); a prefix keeps its offsets."""
    text = re.sub(r" ([.,?!])", r"\1", re.sub(r"\s+", " ", text).lstrip())
    return _NUMERAL_COUNTER.sub(_space_counter, text)


_NUMERALS = "한|두|세|네|다섯|여섯|일곱|여덟|아홉|열|스무|몇|여러"
_COUNTERS = ("개|명|마리|권|잔|대|장|살|켤레|송이|그루|벌|병|줄|채|척|가지|시간|시|분|번|군데|곳|층|칸|쌍|조각|"
             "그릇|봉지|상자|통|캔|개월|달|주|해|방울|알|자루|판|접시")
_AFTER_COUNTER = ("의|을|를|이|가|은|는|에|도|와|과|씩|만|쯤|째|이나|나|밖에|뿐|정도|보다|까지|동안|"
                  "이에요|예요|입니다|이다|다")
_NUMERAL_COUNTER = re.compile(
    rf"(?<![가-힣])({_NUMERALS})({_COUNTERS})(?=$|[^가-힣]|(?:{_AFTER_COUNTER})(?:$|[^가-힣]))")
# written together in another sense: 한번 (once, try), 한시 (a moment), 한가지 (the same), 열대 (tropics),
# 세대 (generation), 여러분 (you all)
_TOGETHER = frozenset({"한번", "한시", "한가지", "열대", "세대", "여러분"})


def _space_counter(m: re.Match[str]) -> str:
    return m.group(0) if m.group(0) in _TOGETHER else f"{m.group(1)} {m.group(2)}"
