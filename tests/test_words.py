"""Input rules of DESIGN.md and the coverage check the engine relies on."""

from __future__ import annotations

import re

import pytest

from bot.words import InputError, model_words, normalize_words, slot_text, split_words, uses, words_from_args


@pytest.mark.parametrize("text, words", [
    ("백설공주, 동물들, 숲속, 이야기하다", ["백설공주", "동물들", "숲속", "이야기하다"]),
    ("백설공주 동물들  숲속\t이야기하다", ["백설공주", "동물들", "숲속", "이야기하다"]),
    ("빨간 모자, 숲, 늑대, 만나다", ["빨간 모자", "숲", "늑대", "만나다"]),
    ("사과#배;포도、귤\n감", ["사과", "배", "포도", "귤", "감"]),
    (" 고양이 ,, 생선. ", ["고양이", "생선"]),
    ("BTS, 노래", ["BTS", "노래"]),
])
def test_split_rules(text, words):
    assert split_words(text) == words


def test_cli_arguments_are_one_word_each_unless_one_argument():
    assert words_from_args(["빨간 모자", "숲"]) == ["빨간 모자", "숲"]
    assert words_from_args(["고양이 생선 먹다"]) == ["고양이", "생선", "먹다"]
    assert words_from_args(["고양이,", "생선"]) == ["고양이", "생선"]


@pytest.mark.parametrize("text, english", [
    ("", "no words"),
    (" , ; ", "no words"),
    ("ㅋㅋ ㅎㅎ", "no Hangul"),
    ("abc def", "no Hangul"),
    (", ".join(["사과"] * 13), "too many words"),
    ("가" * 31, "word too long"),
    ("사과 " * 101, "input too long"),
])
def test_bad_input_classes(text, english):
    with pytest.raises(InputError) as e:
        split_words(text)
    assert english in e.value.english
    assert re.search("[가-힣]", e.value.korean)
    assert e.value.bilingual() == f"{e.value.korean} / {e.value.english}"


def test_limits_are_inclusive():
    assert len(split_words(", ".join(["사과"] * 12))) == 12
    assert split_words("가" * 30) == ["가" * 30]


@pytest.mark.parametrize("word, sentence, used", [
    ("이야기하다", "동물들과 이야기하고 있다.", True),
    ("이야기하다", "동물들과 이야기했다.", True),
    ("보다", "영화를 봤다.", True),
    ("가다", "학교에 간다.", True),
    ("춥다", "날씨가 추워요.", True),
    ("동물들과", "동물들이 논다.", True),
    ("쳤", "공을 쳤다.", True),
    ("바다", "하늘이 파랗다.", False),
    ("치다", "공을 쳤다.", True),
    ("뛰어놀다", "강아지가 뛰어놀고 있다.", True),
    ("뛰어놀다", "강아지가 뛰어나 있다.", False),
    ("아프다", "배가 아파요.", True),
    ("백설공주", "백설주가 있다.", False),
    ("접시위", "바나나가 접시 위에 있다.", True),
    ("빨간 모자", "빨간모자가 숲에 간다.", True),
    ("가방", "그가 방에 있다.", False),
    # as itself, never inside another word (DESIGN.md output rules)
    ("물", "마시는지 물어보고 있다.", False),
    ("물", "물을 마신다.", True),
    ("나", "학교 가나고 있다.", False),
    ("나", "나는 학교에 간다.", True),
    ("이", "이 아이는 칫솔을 닦는다.", False),
    ("이", "아이가 칫솔로 이를 닦는다.", True),
    ("치료하다", "의사가 환자를 치료했다.", True),
    ("이야기하다", "백설공주가 이야기를 했다.", True),
    ("떠다니다", "배가 바다에 떠다녔다.", True),
    ("부르다", "아이가 노래를 불러요.", True),
    ("하얗다", "눈이 하얘요.", True),
    ("두", "풍선 두 개가 날아간다.", True),
    ("놀다", "아이들이 놉니다.", True),  # an ㄹ stem drops its ㄹ only before ㄴ, ㅂ, ㅅ
    ("놀다", "눈사람을 만들고 싶지 않아 놓았다.", False),  # 놓다, not 놀다
])
def test_uses(word, sentence, used):
    assert uses(word, sentence) is used


@pytest.mark.parametrize("text", [
    "\x1b[31m고양이\x1b[0m, 생선, 먹다",  # colour escapes
    "\x1b]0;title\x07고양이, 생선, 먹다",  # a terminal title sequence
    "고양이\u200b, \u202e생선\u202c, 먹\u200d다",  # zero-width and right-to-left marks
    "고양이\x00\x07, 생선\ufeff, 먹다\x7f",  # control characters and a byte-order mark
    "고양이\ud800, 생선, 먹다",  # a lone surrogate (sentencepiece cannot encode it)
])
def test_invisible_and_control_characters_are_removed_first(text):
    assert split_words(text) == ["고양이", "생선", "먹다"]


@pytest.mark.parametrize("word, slot", [
    ("떠다니다", "떠다니"), ("치료하다", "치료"), ("있다", "있"), ("바다", "바다"), ("판다", "판다"),
    ("이야기했다", "이야기했"), ("고양이", "고양이"), ("하다", "하"),
])
def test_a_copy_slot_writes_a_predicates_stem(word, slot):
    assert slot_text(word) == slot


def test_normalize_words_is_what_split_words_applies():
    assert normalize_words(["  고양이 ", "생선.", ""]) == split_words("고양이 생선") == ["고양이", "생선"]


def test_the_first_pronoun_of_a_typed_list_reaches_the_model_as_its_topic():
    assert model_words(["나", "학교", "가다"]) == ["나는", "학교", "가다"]
    assert model_words(["선생님", "우리", "너", "돕다"]) == ["선생님", "우리는", "너", "돕다"]  # the first only
    assert model_words(["나"]) == ["나"]  # one word: as typed
    assert model_words(["나무", "심다"]) == ["나무", "심다"]
    assert model_words(["기억", "나"]) == ["기억", "나"]  # bare stems (Korean CommonGen): 나다
    assert model_words(["코끼리", "이상", "저", "색"]) == ["코끼리", "이상", "저", "색"]  # 저 코끼리
