"""Rewrite a plain (한다체) sentence's final predicate as 합니다체 or 해요체, by rule.

The model learns the speech level from a control token, but Korean CommonGen hands it finished
plain predicates as words (본다, 다닌다), which it must copy as written; this turns such an ending
into the level the user asked for (본다 → 봅니다 / 봐요). 합니다체 is regular from the plain form;
해요체 needs vowel contraction and the common irregular stems, listed below.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from bot.hangul import (
    B_FINAL,
    BRIGHT_VOWELS,
    H_FINAL,
    L_FINAL,
    N_FINAL,
    NO_FINAL,
    S_FINAL,
    SS_FINAL,
    Vowel,
    final_jamo,
    join,
    split,
)

_ENDING = re.compile(r"^(.*[가-힣])다([.!]?)$")

# ㄹ-stems whose plain present drops the ㄹ (논다 = 놀- + ㄴ다), so the base alone is ambiguous
_L_STEMS = {"노": "놀", "우": "울", "부": "불", "여": "열", "만드": "만들", "아": "알", "파": "팔", "거": "걸",
            "드": "들", "미": "밀", "다": "달", "비": "빌", "사": "살", "떠드": "떠들", "흔드": "흔들"}
_D_IRREGULAR = {"듣": "들", "걷": "걸", "묻": "물", "싣": "실", "깨닫": "깨달"}
_S_IRREGULAR = {"짓", "낫", "긋", "붓", "잇"}
_B_IRREGULAR_VERBS = {"돕", "곱", "줍", "굽", "눕"}
_B_REGULAR_ADJECTIVES = {"좁"}
_H_REGULAR = {"좋", "놓", "낳", "넣", "닿", "쌓", "찧"}


@lru_cache(maxsize=1)
def adjectives() -> frozenset[str]:
    """Dictionary forms of adjectives (kiwipiepy's VA and XR/NNG + 하 XSA over the training text,
    written by training.lexicon)."""
    return _word_list("adjectives.txt")


@lru_cache(maxsize=1)
def verbs() -> frozenset[str]:
    """Dictionary forms of verbs (VV and XR/NNG + 하 XSV), from the same text."""
    return _word_list("verbs.txt")


def _word_list(name: str) -> frozenset[str]:
    return frozenset(Path(__file__).with_name(name).read_text(encoding="utf-8").split())


def restyle(sentence: str, style: str) -> str | None:
    """`sentence` with its plain final predicate in `style` ('formal' or 'polite'); None if the
    ending is not one this knows (a question, an already polite ending, …)."""
    m = _ENDING.match(sentence.strip())
    if not m or style not in ("formal", "polite"):
        return None
    head, mark = m.group(1), m.group(2) or "."
    prefix, last = head[:-1], head[-1]
    initial, medial, final = split(last)
    if last == "는" and prefix and split(prefix[-1])[2]:  # 먹는다: a consonant stem
        stem = prefix
        body = stem + "습니다" if style == "formal" else _polite_consonant(stem, adjective=False)
    elif final == N_FINAL:  # 본다, 다닌다, 한다: a vowel stem fused with ㄴ
        if style == "formal":
            body = prefix + join(initial, medial, B_FINAL) + "니다"
        else:
            base = prefix + join(initial, medial)
            stem = _l_stem(base, sentence)
            body = _polite_consonant(stem, adjective=False) if stem else _polite_vowel(base)
    elif final:  # 있다, 갔다, 좋다, 덥다, 길다: a consonant-final stem or a past tense
        if style == "formal" and final == L_FINAL:  # the ㄹ drops before ㅂ: 길다 → 깁니다
            body = prefix + join(initial, medial, B_FINAL) + "니다"
        elif style == "formal":
            body = head + "습니다"
        elif final == SS_FINAL:
            body = head + "어요"
        else:
            body = _polite_consonant(head, adjective=True)
    elif last == "이" and prefix:  # 학생이다: the copula
        after_vowel = final_jamo(prefix[-1]) == ""
        body = prefix + ("입니다" if style == "formal" else "예요" if after_vowel else "이에요")  # 침대예요
    elif head.endswith("아니"):  # the negative copula: 사과가 아니다
        body = head[:-1] + ("닙니다" if style == "formal" else "니에요")
    elif _is_noun_then_copula(head.split()[-1]):  # 사과다: a noun and the copula without its 이
        body = head + ("입니다" if style == "formal" else "예요")
    else:  # 크다, 예쁘다, 깨끗하다: a vowel-final adjective
        body = prefix + join(initial, medial, B_FINAL) + "니다" if style == "formal" else _polite_vowel(head)
    return body + mark


def _is_noun_then_copula(word: str) -> bool:
    """기차 (기차다) is a noun with the copula, 예쁘 (예쁘다) an adjective: a word of two syllables or
    more that is no adjective we know and no 하다 word (a verb's plain present ends in ㄴ다)."""
    return len(word) >= 2 and not word.endswith("하") and word + "다" not in adjectives()


def _l_stem(base: str, sentence: str) -> str | None:
    """The ㄹ-stem behind a plain present such as 논다 (놀다), if it is a known one."""
    for short, full in sorted(_L_STEMS.items(), key=lambda kv: -len(kv[0])):
        if base.endswith(short) and not (short == "사" and re.search(r"[을를] 산다", sentence)):
            return base[: -len(short)] + full
    return None


def _polite_vowel(stem: str) -> str:
    """해요체 of a vowel-final stem: 가 → 가요, 보 → 봐요, 다니 → 다녀요, 하 → 해요, 부르 → 불러요."""
    prefix, last = stem[:-1], stem[-1]
    initial, medial, _ = split(last)
    if last in ("하", "푸"):  # 하 → 해, 푸 → 퍼 (irregular)
        return prefix + {"하": "해요", "푸": "퍼요"}[last]
    if last == "르" and prefix:  # 르 irregular: 부르 → 불러, 고르 → 골라
        p_initial, p_medial, _ = split(prefix[-1])
        tail = "라요" if p_medial in (Vowel.A, Vowel.O) else "러요"
        return prefix[:-1] + join(p_initial, p_medial, L_FINAL) + tail
    contracted = {Vowel.O: Vowel.WA, Vowel.U: Vowel.WO, Vowel.I: Vowel.YEO, Vowel.OE: Vowel.WAE}.get(medial)
    if contracted is not None:
        return prefix + join(initial, contracted) + "요"
    if medial == Vowel.EU:  # 크 → 커, 아프 → 아파
        bright = prefix and split(prefix[-1])[1] in (Vowel.A, Vowel.O)
        return prefix + join(initial, Vowel.A if bright else Vowel.EO) + "요"
    if medial in (Vowel.A, Vowel.EO, Vowel.AE, Vowel.E, Vowel.YEO):
        return stem + "요"
    return stem + "어요"


def _polite_consonant(stem: str, adjective: bool) -> str:
    """해요체 of a consonant-final stem, with the common ㄷ, ㅂ, ㅅ and ㅎ irregulars."""
    prefix, last = stem[:-1], stem[-1]
    initial, medial, final = split(last)
    bright = medial in BRIGHT_VOWELS
    if last in _D_IRREGULAR:
        return prefix + _D_IRREGULAR[last] + ("아요" if bright else "어요")
    if final == B_FINAL and (last in _B_IRREGULAR_VERBS or (adjective and last not in _B_REGULAR_ADJECTIVES)):
        return prefix + join(initial, medial) + ("와요" if last in ("돕", "곱") else "워요")
    if final == S_FINAL and last in _S_IRREGULAR:
        return prefix + join(initial, medial) + ("아요" if bright else "어요")
    if final == H_FINAL and last not in _H_REGULAR:  # 파랗 → 파래, 하얗 → 하얘
        return prefix + join(initial, Vowel.YAE if medial == Vowel.YA else Vowel.AE) + "요"
    return stem + ("아요" if bright else "어요")


def is_irregular(stem: str, adjective: bool) -> bool:
    """Does a consonant-final stem change before an ending in ㅇ (듣 → 들어, 맵 → 매워, 짓 → 지어,
    파랗 → 파래)? The common ㄷ, ㅂ, ㅅ and ㅎ irregulars above."""
    last = stem[-1]
    final = split(last)[2]
    return (last in _D_IRREGULAR
            or (final == B_FINAL and (last in _B_IRREGULAR_VERBS or (adjective and last not in _B_REGULAR_ADJECTIVES)))
            or (final == S_FINAL and last in _S_IRREGULAR)
            or (final == H_FINAL and last not in _H_REGULAR))


def plain_present(stem: str, adjective: bool) -> str:
    """The plain (한다체) present of a bare stem: 떠다니 → 떠다닌다, 먹 → 먹는다, 놀 → 논다,
    파랗 → 파랗다 (an adjective, 있, 없: the stem + 다)."""
    initial, medial, final = split(stem[-1])
    if adjective or stem in ("있", "없") or stem.endswith(("있", "없")):
        return stem + "다"
    if final in (NO_FINAL, L_FINAL):  # 다니 → 다닌, 놀 → 논: ㄴ takes the final's place
        return stem[:-1] + join(initial, medial, N_FINAL) + "다"
    return stem + "는다"
