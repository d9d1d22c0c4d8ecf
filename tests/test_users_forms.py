"""What people type (dictionary forms, pronouns, one word or twelve) gets a sentence that keeps
DESIGN.md's output rules, checked morphologically with kiwipiepy (training.forms), not by the
engine's own rules."""

from __future__ import annotations

import random
import re

import pytest

import bot.engine
from bot.realize import detect_style, finish_sentence
from bot.restyle import restyle
from bot.rules import fault
from bot.words import slot_text, uses
from training.data import keeps_negation
from training.forms import dictionary_form, dictionary_form_left, glued_counter, kiwi, runaway, used_as_itself

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
    words = ["겨울", "눈", "많이", "내리다", "아이들", "밖", "나가다", "눈사람", "만들다", "썰매", "타다", "놀다"]
    sentence = engine.compose(words)[0].sentence
    assert sentence[-1] in ".?!" and sentence.count(".") == 1
    assert all(used_as_itself(w, sentence) for w in words), sentence


# lists of the evaluation sets that once got no sentence: every strict pass refused, and the loose
# pass either did not count 생겨서 as 생기다 or ran out of steps with a word unwritten
NO_SENTENCE_ONCE = [
    (["생기다", "귀여워하다", "처음", "대파 꽃", "봤", "칫솔"], None),
    (["후들거린다", "오늘", "힘들", "다리", "역대급", "요가"], "formal"),
]


@pytest.mark.parametrize("words, style", NO_SENTENCE_ONCE, ids=lambda x: ",".join(x) if isinstance(x, list) else x)
def test_lists_that_once_got_no_sentence_get_one_with_every_word(engine, words, style):
    sentence = engine.compose(words, style=style)[0].sentence
    assert sentence[-1] in ".?!" and sentence.count(".") == 1, sentence
    # what the last resort promises: each word as written or conjugated (생겨서), not its grammar
    assert all(slot_text(w) in sentence or uses(w, sentence, nouns_bare=False) for w in words), sentence


# the last resort once wrote "…합니다 고등학교 가노래라고 합니다." and "…한다가 보다고 한다 하고
# 싶다고 한다있어서, 학교에 대해 친구고 있다." for these
@pytest.mark.parametrize("style", [None, "formal"])
@pytest.mark.parametrize("words", [
    ["나", "동생", "엄마", "생일", "케이크", "만들다", "카드", "쓰다", "노래", "부르다", "축하하다", "드리다"],
    ["아침", "일어나다", "세수하다", "밥", "먹다", "옷", "입다", "가방", "메다", "학교", "친구", "만나다"]],
    ids=["birthday", "morning"])
def test_a_long_list_no_strict_pass_can_join_gets_a_request_for_fewer_words(words, style, monkeypatch):
    """Whether a strict pass joins a twelve-word list turns on the last bits of the int8 arithmetic
    (the birthday list got a sentence on an AVX-512 VNNI machine, none where this test was written),
    so the strict passes are taken away here: the loose ones must never run for such a list."""
    monkeypatch.setattr(bot.engine, "SEARCHES", tuple(s for s in bot.engine.SEARCHES if not s.strict))
    with pytest.raises(bot.engine.NoSentenceError) as refused:
        bot.engine.Engine(searches_kept=0).compose(words, style=style)
    assert "7개 이하" in refused.value.korean and "at most 7" in refused.value.english


@pytest.mark.parametrize("words", [["나", "학교", "가다"], ["우리", "바다", "수영하다"], ["저", "물", "마시다"],
                                   ["나", "엄마", "좋아하다"]])
def test_a_pronoun_is_the_topic_not_a_verb(engine, words):
    sentence = engine.compose(words)[0].sentence
    tokens = kiwi().tokenize(sentence)
    assert any(t.form == words[0] and t.tag == "NP" for t in tokens), sentence
    assert re.search(rf"(^|\s){words[0]}(는|가|도)", sentence), sentence  # 나는, not 나고 / 나면


@pytest.mark.parametrize("words, sentence", [
    (["옷", "비싸", "사"], "옷이 비싸서 사다."),  # a typed stem left in 다-form
    (["백설공주"], "백설공주가 휴가하다."),  # a 하다 verb of the model's own
    (["나", "졸리다"], "졸리게 나다."),
    # a typed verb stem among dictionary forms: a known verb (bot/verbs.txt), not a noun + copula
    (["내용", "재미없다", "화나"], "내용이 재미없어서 화나다."),
    (["책", "읽다", "잠들"], "책을 읽다가 잠들다."),
])
def test_a_sentence_may_not_end_on_a_dictionary_form(words, sentence):
    assert fault(sentence, words)
    assert dictionary_form_left(sentence)  # kiwipiepy agrees


@pytest.mark.parametrize("words, sentence", [
    (["아프다"], "아픈데 아프다."),  # the one predicate given, twice
    (["놀다"], "놀고 싶어서 논다."),
    (["우리"], "우리는 이다."),  # a copula without its noun
    (["사과"], "사과가 않습니다."),  # 않다 without a verb in -지
    (["엄마"], "엄마가 뭔가 한다."),  # a placeholder for content
    (["사과"], "사과가 아닙니다."),  # one word: said, not denied
    (["나는", "엄마", "좋아하다"], "엄마가 나는을 좋아한다."),  # the topic the engine gave 나 takes nothing more
    (["나는", "엄마", "좋아하다"], "엄마가 좋아는 나는입니다."),
])
def test_a_word_twice_a_lone_copula_or_a_placeholder_breaks_a_rule(words, sentence):
    assert fault(sentence, words)


# sentences the engine once gave for the typed set, each breaking a rule a reader sees at once
@pytest.mark.parametrize("words, sentence", [
    (["친구에게", "편지를", "썼다"], "친구에게 편지를 썼고 있다."),  # a past form, then more
    (["나는", "학교에", "갔다"], "나는 학교에 갔는다."),
    (["아침에", "일어나서", "세수했다"], "아침에 일어나서 세수했합니다."),
    (["아침에", "일어나서", "세수했다"], "아침에 일어나서 세수했닙니다."),
    (["나는", "학교에", "갔다"], "학교에 나는 가갔입니다."),
    (["나는", "학교에", "갔다"], "나는 학교에 갔입니다."),
    (["나", "화장실", "가다", "싶다"], "나는 화장실에 가서 싶었다."),  # 싶다 wants -고
    (["병아리", "노랗다"], "병아리가 노란다."),  # a verb's present on an adjective
    (["코끼리", "크다"], "코끼리가 큰다."),
    (["코끼리", "코", "길다"], "코끼리가 코를 긴다봅니다."),
    (["코끼리", "코", "길다"], "코끼리가 코를 길고 있다."),
    (["김치", "맵다"], "김치가 맵고 싶다."),
    (["거북이", "느리다", "이기다"], "거북이가 느리게 이기다고 한다."),  # an ending on a dictionary form
    (["거북이", "이기다"], "결국 거북이를 이기다릅니다."),
    (["집", "가다", "싶다"], "집에 가가고 싶다."),  # a one-syllable stem twice
    (["고양이는", "생선을", "좋아해요"], "고양이는 생선을 좋아해요한다."),  # a typed polite form ends it
    (["고양이는", "생선을", "좋아해요"], "고양이는 생선을 좋아해요 했습니다."),
    (["동물들과", "숲속에서", "백설공주가", "이야기했다"], "숲속에서 동물들과 백설공주가에 대해 이야기했다."),
    (["동물들과", "숲속에서", "백설공주가", "이야기했다"], "숲속에서 백설공주가 동물들과에 대해 이야기했다."),
    (["콩쥐는", "항아리에", "물을"], "콩쥐는 항아리에 물을습니다."),
    (["동생이랑", "놀이터에서"], "동생이랑 놀이터에서 대해 한다."),  # 대해 after a noun in 에 only
    (["나", "물", "마시다", "싶다"], "나는 물을 마시고 싶고 있다."),  # 싶다 is an adjective
    (["나", "너", "보고 싶다"], "나는 너를 보고 싶고 있다."),
    (["나", "너", "보고 싶다"], "나는 너를 보고 싶고 싶다."),
    (["나", "배고프다"], "배고파서 나는 다."),  # a copula without its noun, at the end
    (["나는", "목마르다"], "목마르면 나는 거라 한다."),  # a bound noun reads the topic 나는 as 나다
    (["나는", "기쁘다"], "나는 게 기쁘다."),
    (["김치", "맵다"], "김치가 맵고 한다."),  # an adjective + 고 한다
    (["토끼", "깡충깡충", "뛰다"], "토끼가 깡충깡충으로 뛴다."),  # an ideophone takes no particle
    (["나는", "떡볶이", "좋아하다"], "나는 떡볶이를 좋아한다고 한다."),  # one's own words as hearsay
    (["아빠랑", "자전거를", "탔다"], "아빠랑 자전거를 탔고 간다."),  # a typed past, then the present
    (["바람", "세다", "불다"], "바람이 불어 둔 게 아니라고 하였다고 하자 센지 않다."),  # two quotes: a runaway
    (["어제", "나", "집", "쉬다"], "어제 나는 집에서 쉰다."),  # a time gone, then the present
    (["옛날에", "흥부", "살다"], "옛날에 흥부가 산다."),
    (["어제", "집", "있다"], "어제 집에 있다."),
    (["내일", "비", "오다"], "내일 비가 왔다."),  # a time to come, then the past
])
def test_what_was_typed_finished_stays_finished_and_adjectives_stay_adjectives(words, sentence):
    assert fault(sentence, words)


# a stem the copy slot wrote, with an ending that does not fit it as written
@pytest.mark.parametrize("words, sentence", [
    (["김치", "맵다"], "맵은 김치이다."),  # ㅂ irregular: 매운
    (["음악", "듣다"], "음악을 듣어요."),  # ㄷ irregular: 들어요
    (["빵", "굽다"], "빵을 굽려고 한다."),  # 구우려고
    (["밥", "먹다"], "밥을 먹려고 한다."),  # a consonant stem takes 으 first: 먹으려고
    (["아이들", "놀다"], "아이들이 놀는 놀이터이다."),  # the ㄹ drops: 노는
    (["빨래", "널다"], "빨래를 널습니다."),  # 넙니다
    (["놀부", "살다"], "놀부가 집에 살었다."),  # vowel harmony: 살았다
    (["동생", "먹다"], "동생이 먹았다."),  # 먹었다
    (["친구", "이사", "가다"], "친구가 이사 가한다."),  # no ending starts with ㅎ: 하다 glued
    (["친구", "집", "오다"], "친구가 집에 오았다."),  # 오 always contracts: 왔다
    (["학교", "가다"], "학교에 가았다."),  # 갔다
    (["선물", "주다"], "선물을 주았다."),  # 주었다: ㅜ takes 어
    (["영화", "보다"], "영화를 보았다."),  # bookish beside 봤다, and the model overused it (떼어)
])
def test_an_ending_must_fit_the_stem_it_follows(words, sentence):
    assert fault(sentence, words)


@pytest.mark.parametrize("words, sentence", [
    (["나", "화장실", "가다", "싶다"], "나는 화장실에 가고 싶다."),
    (["김치", "맵다"], "매운 김치이다."),
    (["밥", "먹다"], "밥을 먹으려고 한다."),
    (["아이들", "놀다"], "아이들이 놀면 좋다."),
    (["의자", "앉다"], "의자에 앉았다."),
    (["나는", "수영", "좋아하다"], "나는 수영을 좋아한다."),  # 수영, not the bound noun 수
    (["토끼", "깡충깡충", "뛰다"], "토끼가 깡충깡충 뛴다."),
    (["별", "반짝반짝"], "별이 반짝반짝한다."),
    (["엄마", "숙제", "하다"], "엄마가 숙제를 하라고 했다."),  # hearsay of someone else's words
    (["집", "있다"], "집에 있고 싶다."),
    (["물", "필요"], "물이 필요하다."),  # 필요 is a noun, not a polite form
    (["휴가", "바다", "가다"], "휴가를 바다로 갔다."),  # 휴가 ends in 가 but carries no particle
    (["어린이", "놀다"], "어린이가 놀고 있다."),
    (["사과", "결과"], "사과의 결과가 좋다."),
    (["하늘", "파랗다", "구름"], "하늘이 파랗고 구름이 있다."),
    (["아이", "학교", "가다", "넘어지다"], "아이가 학교에 가다가 넘어졌다."),  # -다가 is an ending of its own
    (["그", "어제", "오다"], "그는 어제 왔었다."),
    (["방", "깨끗하다"], "깨끗한 방이다."),
    (["아이", "밥", "먹다"], "아이가 밥을 다 먹었다."),  # 다 "all" mid-sentence
    (["나무", "심다"], "나무를 심고 있다."),
    (["백설공주", "동물들", "숲속", "이야기하다"], "숲속의 백설공주와 동물들에 대해 이야기하고 있습니다."),
    (["바다에서", "수영했어요"], "바다에서 수영했어요."),
    (["돌", "보다", "촌스럽"], "돌을 보니 촌스럽다."),  # an adjective's stem, which may end so
    (["고양이", "귀엽다", "사과"], "고양이가 귀엽고 이것은 사과다."),  # a noun and its copula
    # after ㅟ and ㅢ 어 stays apart; after ㅚ and ㅜ it may
    (["집", "쉬다"], "집에서 쉬었다."),
    (["글자", "띄다"], "글자가 눈에 띄었다."),
    (["의심", "되다"], "의심이 되었다."),
    (["친구", "선물", "주다"], "친구에게 선물을 주어서 기쁘다."),
    (["어제", "집", "있다"], "어제 집에 있었다."),  # a time gone and a past
    (["내일", "비", "오다"], "내일 비가 오겠다."),  # a time to come: 겠 is no past
    (["내일", "비", "오다"], "내일 비가 온다."),
    (["어제", "영화", "보다"], "어제 본 영화가 재밌다."),  # the past is in 본
    (["내일", "영상", "찍"], "내일 영상을 찍었는데 편집이 재밌다."),  # 재밌다 is 재미있다: no past
])
def test_finished_forms_adjectives_and_nouns_that_look_like_them_are_fine(words, sentence):
    assert fault(sentence, words) is None


@pytest.mark.parametrize("words", [["어제", "날씨", "춥다"], ["아까", "밥", "먹다"], ["어제", "나", "집", "쉬다"]])
def test_a_time_gone_gets_a_past(engine, words):
    """어제 나는 집에서 쉽니다 (the engine before this rule): a reader hears the clash at once."""
    sentence = engine.compose(words, style="formal")[0].sentence
    assert any(t.tag == "EP" and t.form in ("었", "았", "였") for t in kiwi().tokenize(sentence)), sentence
    assert_keeps_the_rules(words, sentence)


@pytest.mark.parametrize("words", [["나", "목마르다"], ["나", "머리", "아프다"], ["김치", "맵다"],
                                   ["바람", "불다", "춥다"]])
@pytest.mark.parametrize("style", ["formal", "polite"])
def test_a_speech_level_is_the_plain_sentence_restyled(engine, words, style):
    """The model writes the plain level, the rules restyle its ending: given the level's own token
    it wrote 목마르면 나는 거라 합니다, 김치가 맵고 합니다, 바람이 불고 춥다고 합니다."""
    plain = engine.compose(words)[0].sentence
    leveled = engine.compose(words, style=style)[0].sentence
    assert leveled == restyle(plain, style) and detect_style(leveled) == style, (plain, leveled)
    assert_keeps_the_rules(words, leveled)


@pytest.mark.parametrize("style, ending", [(None, "착하다."), ("formal", "착합니다.")])
def test_a_hada_adjective_keeps_its_ha(engine, style, ending):
    """The slot of 착하다 writes its root; 착다 (the model dropping 하) is never Korean, since 다
    is a copula only after a vowel: the sentence gets its 하 back."""
    sentence = engine.compose(["흥부", "착하다"], style=style)[0].sentence
    assert sentence.endswith(ending) and "착다" not in sentence, sentence


def test_a_sentence_ends_at_its_first_closing_mark(engine):
    for composition in engine.compose(["핫도그", "접시 위", "있", "무더기"], n=3):  # once: 있다..
        assert re.fullmatch(r"[^.?!]+[.?!]", composition.sentence), composition.sentence


@pytest.mark.parametrize("words", [["나는", "학교에", "갔다"], ["엄마가", "밥을", "차렸다"]])
def test_a_past_typed_stays_past_in_every_level(engine, words):
    for style in (None, "formal", "polite"):
        sentence = engine.compose(words, style=style)[0].sentence
        assert words[-1][:-1] in sentence and uses(words[-1], sentence), sentence  # 갔, 차렸: never 갑니다
    assert not uses("갔다", "학교에 갑니다.")  # the stem with another final is another tense


@pytest.mark.parametrize("words", [["친구에게", "편지를", "썼다"], ["고양이는", "생선을", "좋아해요"],
                                   ["나", "화장실", "가다", "싶다"], ["병아리", "노랗다"]])
def test_words_typed_finished_or_as_adjectives_read_right(engine, words):
    for style in (None, "formal"):
        sentence = engine.compose(words, style=style)[0].sentence
        assert fault(sentence, words) is None and not runaway(sentence, words), sentence


@pytest.mark.parametrize("word", ["생일", "지민", "꽃", "눈", "사과"])
def test_one_word_gives_one_short_plain_sentence(engine, word):
    """생일은 뭘 것입니다, 지민은 많은 것입니다, 꽃이 많은 것이 있습니다 (a 4-wide beam) are long
    for one word; 사과가 없습니다 denies what the child named."""
    for style in (None, "formal"):
        sentence = engine.compose([word], style=style)[0].sentence
        assert len(sentence.split()) <= 2 and "없" not in sentence, sentence
        assert_keeps_the_rules([word], sentence)


@pytest.mark.parametrize("word, levels", [
    ("아프다", ("아프다.", "아파요.", "아픕니다.")),
    ("파랗다", ("파랗다.", "파래요.", "파랗습니다.")),
    ("고맙다", ("고맙다.", "고마워요.", "고맙습니다.")),
    ("춥다", ("춥다.", "추워요.", "춥습니다.")),
])
def test_an_adjective_alone_is_the_whole_sentence(engine, word, levels):
    """The model, given one adjective, wrote 귀여운 게 아픕니다, 파란 화장실은 맛있습니다, 고마워 합니다."""
    for style, expected in zip(("plain", "polite", "formal"), levels):
        found = engine.compose([word], n=3, style=style)
        assert found[0].sentence == expected
        assert_keeps_the_rules([word], found[0].sentence)
        assert len({c.sentence for c in found}) == len(found)  # the model's own follow, not repeated


@pytest.mark.parametrize("word", ["물", "아프다", "고양이"])
def test_one_word_gives_a_sentence_with_it_as_itself(engine, word):
    sentence = engine.compose([word])[0].sentence
    assert_keeps_the_rules([word], sentence)  # 물이 있다., not 물어보고 싶다.


@pytest.mark.parametrize("sentence", ["이것은 사과다.", "물을 마시고 있습니다.", "기분이 좋다.", "학교에 간다."])
def test_plain_and_formal_endings_keep_the_rules(sentence):
    assert fault(sentence, ["사과", "물", "마시다", "기분", "좋다", "학교", "가다"]) is None


@pytest.mark.parametrize("sentence", ["사과를 먹지 않는다.", "학교가 쉽지는 않다.", "나는 학교에 안 간다.",
                                      "물을 못 마십니다."])
def test_a_denial_keeps_the_rules_only_when_a_word_asks_for_it(sentence):
    words = ["나", "사과", "물", "마시다", "먹다", "학교", "쉽다", "가다"]
    assert fault(sentence, words)  # the words were said, not denied
    assert fault(sentence, words, denial_allowed=True) is None
    for asking in ("안", "못", "싫다"):
        assert fault(sentence, [*words, asking]) is None


@pytest.mark.parametrize("words", [["옛날", "호랑이", "살다"], ["겨울", "눈", "내리다"], ["아이스크림", "녹다"],
                                   ["물고기", "바다", "헤엄치다"]])
def test_the_engine_says_the_words_without_denying_them(engine, words):
    for style in (None, "formal"):
        sentence = engine.compose(words, style=style)[0].sentence
        # kiwipiepy's reading, as the training pairs are filtered: no 않, 못하, 말 nor 안, 못 as an adverb
        assert keeps_negation(kiwi().tokenize(sentence), words, 0.0, random.Random(0)), sentence
        assert_keeps_the_rules(words, sentence)


@pytest.mark.parametrize("words, denial", [(["나", "우유", "못", "마시다"], "못 마"),
                                           (["오늘", "비", "안", "오다"], "안 ")])
def test_a_word_that_denies_gets_its_denial(engine, words, denial):
    for style in (None, "formal"):
        sentence = engine.compose(words, style=style)[0].sentence
        assert denial in sentence, sentence
        assert_keeps_the_rules(words, sentence)


@pytest.mark.parametrize("words, sentence", [
    (["오", "하", "하다", "운동", "누나"], "누나가 운동을 하고 오라고 합니다."),
    (["하다"], "운동을 하고 공부를 한다."),  # a light verb twice is no repetition
    (["누나", "그림", "그리다"], "누나가 그림을 그리고 있다."),  # 그림 only looks like 그리다
    (["오늘", "비", "오다"], "오늘 비가 오고 있다."),
])
def test_a_light_verb_or_a_noun_that_looks_like_the_verb_is_no_repetition(words, sentence):
    assert fault(sentence, words) is None


@pytest.mark.parametrize("words", [["누나", "그림", "그리다"], ["아이들", "놀이터", "놀다"], ["기린", "목", "길다"]])
def test_a_verb_next_to_a_noun_that_looks_like_it_is_still_written(engine, words):
    sentence = engine.compose(words)[0].sentence
    assert_keeps_the_rules(words, sentence)


def test_the_engine_normalises_like_the_cli(engine):
    assert engine.compose(["  고양이 ", "생선."])[0].sentence == engine.compose(["고양이", "생선"])[0].sentence


def test_when_every_strict_pass_fails_the_last_pass_still_gives_a_sentence(engine, monkeypatch):
    """Force the fallback: the output rules refuse every ending, so only the loose last pass of
    the schedule can finish; it must still put every word in one sentence."""
    monkeypatch.setattr(bot.engine, "fault", lambda sentence, words, **_: "refused by the test")
    words = ["고양이", "생선", "먹다"]
    sentence = engine.compose(words)[0].sentence
    assert sentence[-1] in ".?!"
    assert all(w in sentence or w[:-1] in sentence for w in words), sentence


# KCG-dict lists with a bare 하 that no strict pass joins: the last resort wrote runaway chains
# (씻고 싶다고 하며 이제 운동을 끝냈다고 말하고 있다.); the loose pass before it keeps the rules
@pytest.mark.parametrize("words", [["운동", "씻다", "이제", "끝냈", "하", "말"],
                                   ["하", "멋있다", "하다", "문양", "헤나", "모르다"]])
def test_a_list_whose_fragments_cannot_stand_alone_still_gets_a_sentence_that_keeps_the_rules(engine, words):
    sentence = engine.compose(words)[0].sentence
    assert fault(sentence, words) is None and not runaway(sentence, words), sentence
    assert all(slot_text(w) in sentence or uses(w, sentence, nouns_bare=False) for w in words), sentence


def test_numerals_and_counters_are_spaced():
    assert finish_sentence("두개의 풍선이 몇명의 아이에게 간다") == "두 개의 풍선이 몇 명의 아이에게 간다."
    assert finish_sentence("여러분, 한번 해 보세요") == "여러분, 한번 해 보세요."


@pytest.mark.parametrize("concept, form", [("간다", "가다"), ("쳤", "치다"), ("앉", "앉다"), ("치료하", "치료하다"),
                                           ("공중", "공중"), ("두", "두")])
def test_kcg_dict_conversion(concept, form):
    assert dictionary_form(concept) == form


@pytest.mark.parametrize("word, sentence", [
    ("불다", "바람이 불고 춥다."),  # kiwipiepy's best reading alone: 불 "fire" + 다 "all"
    ("보다", "소파에서 텔레비전을 보고 있다."),  # 보다 "more"
    ("붓다", "컵에 물을 부었다."),  # a name
    ("잘하다", "그는 축구를 잘한다."),  # 잘 is an adverb, not a noun, before 하다
])
def test_the_evaluation_check_reads_a_verb_typed_alone_as_the_verb(word, sentence):
    assert used_as_itself(word, sentence)
    assert not used_as_itself(word, "사과가 맛있다.")


@pytest.mark.parametrize("words", [["TV", "켜다"], ["CD", "사다"], ["엄마", "TV", "끄다"]])
def test_an_acronym_takes_its_particle_as_it_is_read(engine, words):
    """TV을(를) is what tossi gives alone, and it is no word as itself: the search used to avoid
    every particle after it (TV에 켜진다, CD 샀다)."""
    for style in (None, "formal"):
        sentence = engine.compose(words, style=style)[0].sentence
        assert "(" not in sentence and re.search(r"(TV|CD)[가를는]", sentence), sentence
        assert_keeps_the_rules(words, sentence)


def test_a_past_typed_once_is_said_once(engine):
    """지민, 책, 읽었다 gave 지민을 읽었고 책을 읽었다: the typed past written twice."""
    assert fault("지민이가 읽었고 책을 읽었다.", ["지민이가", "책을", "읽었다"])
    assert fault("지민이가 책을 읽었다.", ["지민이가", "책을", "읽었다"]) is None
    words = ["지민", "책", "읽었다"]
    for style in (None, "formal"):
        sentence = engine.compose(words, style=style)[0].sentence
        assert sentence.count("읽었") == 1, sentence
        assert_keeps_the_rules(words, sentence)


def test_a_sentence_does_not_end_on_a_word_with_no_predicate_after_it(engine):
    """우리 gave 우리.: a word, not a sentence. A word typed as a predicate may end one (판다,
    좋아해요, and the 아/어 endings people type: 꽃, 예뻐 → 꽃이 예뻐.)."""
    assert fault("우리.", ["우리"])
    assert fault("슬픈 하늘.", ["하늘", "슬프다"])
    assert fault("남자가 가위를 판다.", ["남자", "판다", "가위"]) is None
    assert fault("고양이는 생선을 좋아해요.", ["고양이는", "생선을", "좋아해요"]) is None
    typed_as_said = (("꽃이 예뻐.", ["꽃", "예뻐"]), ("물을 줘.", ["물", "줘"]), ("엄마 사랑해.", ["엄마", "사랑해"]))
    for sentence, words in typed_as_said:
        assert fault(sentence, words) is None, sentence
    for style in (None, "formal"):
        sentence = engine.compose(["우리"], style=style)[0].sentence
        assert sentence.rstrip(".") != "우리", sentence
        assert_keeps_the_rules(["우리"], sentence)
    assert engine.compose(["꽃", "예뻐"])[0].sentence == "꽃이 예뻐."
