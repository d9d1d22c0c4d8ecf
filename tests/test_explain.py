"""조사 설명: pairs, jobs and the 받침 reason, from the engine's particle records."""

from __future__ import annotations

import pytest

from bot.explain import PARTICLES, explain, why
from bot.hangul import final_jamo
from bot.realize import PARTICLE_UNITS, Particle, realize_particles


def test_every_model_unit_has_a_pair_and_a_job():
    assert set(PARTICLES) == set(PARTICLE_UNITS)


@pytest.mark.parametrize("syllable, final", [("가", ""), ("책", "ㄱ"), ("울", "ㄹ"), ("상", "ㅇ"), ("3", None)])
def test_final_jamo(syllable, final):
    assert final_jamo(syllable) == final


@pytest.mark.parametrize("word, unit, form, expected", [
    ("백설공주", "<JKS>", "가", "'주'에 받침이 없어서 '가'를 씁니다 (받침이 있으면 '이', 없으면 '가')."),
    ("책상", "<JKS>", "이", "'상'에 받침 ㅇ이 있어서 '이'를 씁니다 (받침이 있으면 '이', 없으면 '가')."),
    ("밥", "<JKO>", "을", "'밥'에 받침 ㅂ이 있어서 '을'을 씁니다 (받침이 있으면 '을', 없으면 '를')."),
    ("동물들", "<JC>", "과", "'들'에 받침 ㄹ이 있어서 '과'를 씁니다 (받침이 있으면 '과', 없으면 '와')."),
    ("숲속", "<RO>", "으로", "'속'에 받침 ㄱ이 있어서 '으로'를 씁니다 (받침이 있으면 '으로', 없으면 '로')."),
    ("학교", "<RO>", "로", "'교'에 받침이 없어서 '로'를 씁니다 (받침이 있으면 '으로', 없으면 '로')."),
    ("서울", "<RO>", "로", "'울'에 ㄹ받침이 있습니다. ㄹ받침 뒤에는 '으로'가 아니라 '로'를 씁니다."),
    ("물", "<NA>", "이나", "'물'에 받침 ㄹ이 있어서 '이나'를 씁니다 (받침이 있으면 '이나', 없으면 '나')."),
])
def test_why_this_form(word, unit, form, expected):
    assert why(Particle(word, form, unit, len(word))) == expected


def test_explanation_lists_each_particle_with_its_word_and_pair():
    sentence, particles = realize_particles("<w0><JKS><w1><RO> 간다", ["철수", "서울"])
    text = explain(sentence, particles)
    assert sentence in text
    assert "철수 + 가  (이/가)" in text and "주어" in text
    assert "서울 + 로  ((으)로)" in text and "ㄹ받침" in text
    assert "조사(이/가" in explain("비가 온다.", ())  # nothing to explain says so
