"""What people type (dictionary forms, pronouns, one word or twelve) gets a sentence that keeps
DESIGN.md's output rules, checked morphologically with kiwipiepy (training.forms), not by the
engine's own rules."""

from __future__ import annotations

import re

import pytest

import bot.engine
from bot.realize import finish_sentence
from training.forms import dictionary_form, dictionary_form_left, glued_counter, runaway, used_as_itself

# the inputs of the users'-forms issue, each of which once failed a rule
TYPED = [
    ["의사", "환자", "치료하다"],
    ["물", "마시다"],
    ["나", "학교", "가다"],
    ["아이", "칫솔", "이", "닦다"],
    ["배", "바다", "떠다니다"],
    ["팥쥐", "콩쥐", "괴롭히다"],
    ["우리", "바다", "수영하다"],
    ["사과"],
    ["아침", "일어나다", "세수하다", "밥", "먹다", "학교", "가다"],
    ["동물들과", "숲속에서", "백설공주가", "이야기했다"],
    ["두", "풍선", "날아다니다", "공중"],
]


def assert_keeps_the_rules(words: list[str], sentence: str) -> None:
    missing = [w for w in words if not used_as_itself(w, sentence)]
    assert not missing, f"{sentence} — not used as itself: {missing}"
    assert not dictionary_form_left(sentence), sentence
    assert not glued_counter(sentence), sentence
    assert not runaway(sentence, words), sentence


@pytest.mark.parametrize("style", [None, "formal"])
@pytest.mark.parametrize("words", TYPED, ids=lambda w: ",".join(w))
def test_typed_inputs_keep_every_output_rule(engine, words, style):
    sentence = engine.compose(words, style=style)[0].sentence
    assert_keeps_the_rules(words, sentence)
    if "이" in words:  # the tooth, with its particle — not the determiner 이 "this"
        assert re.search(r"(^|\s)이(를|가|는|도|에)", sentence), sentence


def test_twelve_words_give_one_sentence_with_each(engine):
    words = ["아침", "일어나다", "세수하다", "밥", "먹다", "옷", "입다", "가방", "메다", "학교", "친구", "만나다"]
    sentence = engine.compose(words)[0].sentence
    assert sentence[-1] in ".?!" and sentence.count(".") == 1
    assert all(used_as_itself(w, sentence) for w in words), sentence


def test_the_engine_normalises_like_the_cli(engine):
    assert engine.compose(["  고양이 ", "생선."])[0].sentence == engine.compose(["고양이", "생선"])[0].sentence


def test_when_every_strict_pass_fails_the_last_pass_still_gives_a_sentence(engine, monkeypatch):
    """Force the fallback: the output rules refuse every ending, so only the loose last pass of
    the schedule can finish; it must still put every word in one sentence."""
    monkeypatch.setattr(bot.engine, "fault", lambda sentence, words: "refused by the test")
    words = ["고양이", "생선", "먹다"]
    sentence = engine.compose(words)[0].sentence
    assert sentence[-1] in ".?!"
    assert all(w in sentence or w[:-1] in sentence for w in words), sentence


def test_numerals_and_counters_are_spaced():
    assert finish_sentence("두개의 풍선이 몇명의 아이에게 간다") == "두 개의 풍선이 몇 명의 아이에게 간다."
    assert finish_sentence("여러분, 한번 해 보세요") == "여러분, 한번 해 보세요."


@pytest.mark.parametrize("concept, form", [("간다", "가다"), ("쳤", "치다"), ("앉", "앉다"), ("치료하", "치료하다"),
                                           ("공중", "공중"), ("두", "두")])
def test_kcg_dict_conversion(concept, form):
    assert dictionary_form(concept) == form
