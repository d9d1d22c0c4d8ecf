"""The realiser: copy slots and particle units become Korean with agreeing allomorphs."""

from __future__ import annotations

import pytest

from bot.realize import Particle, compact, detect_style, realize, realize_particles


@pytest.mark.parametrize("word, unit, expected", [
    ("계피", "<JKS>", "계피가"), ("책상", "<JKS>", "책상이"),
    ("바닷가", "<JKO>", "바닷가를"), ("밥", "<JKO>", "밥을"),
    ("나무", "<JX>", "나무는"), ("꽃", "<JX>", "꽃은"),
    ("피노키오", "<JC>", "피노키오와"), ("동물들", "<JC>", "동물들과"),
    ("서울", "<RO>", "서울로"), ("학교", "<RO>", "학교로"), ("숲속", "<RO>", "숲속으로"),
    ("커피", "<NA>", "커피나"), ("물", "<NA>", "물이나"),
    ("사과", "<RANG>", "사과랑"), ("빵", "<RANG>", "빵이랑"),
    ("철수", "<JKV>", "철수야"), ("민준", "<JKV>", "민준아"),
    ("3", "<JKS>", "3이"),
    # an acronym is read letter by letter: 티비, 시디, 케이티엑스 end in a vowel, 에이치티엠엘, 씨엔엔 in a consonant
    ("TV", "<JKO>", "TV를"), ("CD", "<JKS>", "CD가"), ("KTX", "<JX>", "KTX는"), ("USB", "<RO>", "USB로"),
    ("HTML", "<JKO>", "HTML을"), ("HTML", "<RO>", "HTML로"), ("CNN", "<JKS>", "CNN이"), ("CNN", "<RO>", "CNN으로"),
])
def test_particles_agree_with_the_syllable_before(word, unit, expected):
    assert realize(f"<w0>{unit} 있다.", [word]) == f"{expected} 있다."


def test_slots_are_copied_whole_and_spaced():
    text = "<w0><JKS><w2>에서<w1><JC> 이야기하고 있습니다."
    assert realize(text, ["백설공주", "동물들", "숲속"]) == "백설공주가 숲속에서 동물들과 이야기하고 있습니다."
    assert realize("물<GLUE><w0><JKS> 왔다", ["고기"]) == "물고기가 왔다."


def test_each_particle_unit_is_recorded_where_it_was_written():
    sentence, particles = realize_particles("<w0><JKS><w2>에서<w1><JC> 서울<RO> 간다", ["백설공주", "동물들", "숲속"])
    assert sentence == "백설공주가 숲속에서 동물들과 서울로 간다."
    assert particles == (Particle("백설공주", "가", "<JKS>", 4), Particle("동물들", "과", "<JC>", 14),
                         Particle("서울", "로", "<RO>", 18))
    assert all(sentence[p.start : p.start + len(p.form)] == p.form for p in particles)


def test_compact_round_trips_through_realize():
    template = "<w1><JKS> <w0>에서 <w2><JKO> 먹는다."
    assert compact(template) == "<w1><JKS><w0>에서<w2><JKO> 먹는다."
    assert realize(compact(template), ["공원", "고양이", "생선"]) == "고양이가 공원에서 생선을 먹는다."


@pytest.mark.parametrize("sentence, style", [
    ("고양이가 생선을 먹는다.", "plain"), ("고양이가 생선을 먹어요.", "polite"),
    ("고양이가 생선을 먹습니다.", "formal"), ("어디 가세요?", "polite"), ("무엇입니까?", "formal"),
])
def test_detect_style(sentence, style):
    assert detect_style(sentence) == style
