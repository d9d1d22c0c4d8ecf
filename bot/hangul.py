"""Hangul syllable arithmetic, with the jamo named: a syllable is
가 + (initial × 21 + medial) × 28 + final, the final 0 when it has no 받침."""

from __future__ import annotations

from enum import IntEnum

FIRST, LAST = 0xAC00, 0xD7A3


class Vowel(IntEnum):
    """The 21 medials in Unicode order."""

    A, AE, YA, YAE, EO, E, YEO, YE, O, WA, WAE, OE, YO, U, WO, WE, WI, YU, EU, UI, I = range(21)  # noqa: E741


# vowel harmony: a stem whose last vowel is one of these takes 아/았 (잡아, 잡았다), the others 어/었
BRIGHT_VOWELS = frozenset({Vowel.A, Vowel.O, Vowel.YA})

# finals (받침) used by the rules; 0 = none
NO_FINAL, N_FINAL, L_FINAL, B_FINAL, S_FINAL, SS_FINAL, H_FINAL = 0, 4, 8, 17, 19, 20, 27
IEUNG_INITIAL = 11  # ㅇ as an initial: the endings 어, 아, 었, 았, 으…, 은, 을 start with it
HIEUH_INITIAL = 18  # ㅎ: no ending starts with it (하 is the verb 하다)
FINAL_JAMO = " ㄱㄲㄳㄴㄵㄶㄷㄹㄺㄻㄼㄽㄾㄿㅀㅁㅂㅄㅅㅆㅇㅈㅊㅋㅌㅍㅎ"


def is_syllable(ch: str) -> bool:
    return len(ch) == 1 and FIRST <= ord(ch) <= LAST


def split(syllable: str) -> tuple[int, int, int]:
    """(initial, medial, final) of one syllable."""
    code = ord(syllable) - FIRST
    return code // 588, (code % 588) // 28, code % 28


def join(initial: int, medial: int, final: int = NO_FINAL) -> str:
    return chr(FIRST + (initial * 21 + medial) * 28 + final)


def final_jamo(syllable: str) -> str | None:
    """The 받침 as a jamo ('' when there is none); None for anything but a syllable."""
    return FINAL_JAMO[split(syllable)[2]].strip() if is_syllable(syllable) else None


def with_final(final: int) -> str:
    """Every syllable with this final (all 399 initial–vowel pairs), e.g. for a regex class."""
    return "".join(join(initial, vowel, final) for initial in range(19) for vowel in range(21))
