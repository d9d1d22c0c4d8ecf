"""The output rules of DESIGN.md that a finished sentence must keep, beyond using every word:
no verb left in its dictionary form where Korean needs an ending, and no runaway chains or
stutters. The engine refuses a hypothesis that breaks one, so the beam finds another."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from enum import Enum

from bot.hangul import (
    BRIGHT_VOWELS,
    HIEUH_INITIAL,
    IEUNG_INITIAL,
    L_FINAL,
    N_FINAL,
    NO_FINAL,
    SS_FINAL,
    Vowel,
    final_jamo,
    is_syllable,
    join,
    split,
    with_final,
)
from bot.restyle import adjectives, is_irregular, plain_present, verbs
from bot.words import (
    INFINITIVE_VOWELS,
    TOPICS,
    bare_stem,
    closes_eojeol,
    conjugations,
    inflects,
    is_dictionary_form,
    is_polite_finite,
    is_typed_past,
    slot_text,
    typed_as_stems,
)

# a verb's plain ending is ㄴ다/는다, so only these may end a sentence in their dictionary form
# (싶다 is an adjective: 가고 싶다.)
_ALWAYS_FINAL = frozenset({"있다", "없다", "이다", "아니다", "싶다"})
# 한다가, 보다고, 아니라고: one is speech, two are a runaway chain (아니라고 하였다고 하자)
_CHAIN_LINK = re.compile(r"다[가고]$|라고$")
_EOJEOL = re.compile(r"[^\s.,?!]+")
_PARTICLE_THEN_HA = re.compile("[이가을를은는도][하해했한할합]")  # 사과가했다, 공부를했다
# a syllable with ㄴ받침 then (습)니다: the formal ending is ㅂ니다 (날아다닙니다), never 닌니다 or
# 닌습니다 (안습니다, 신습니다 are the stems 안-, 신-)
_WITH_N = with_final(N_FINAL)
_WITH_SS = with_final(SS_FINAL)  # ㅆ받침: the past marker (갔, 했) and syllables that only look like it (있, 겠)
_N_THEN_NIDA = re.compile("[" + _WITH_N.replace("안", "").replace("신", "") + "]습?니다")
# a verb's plain present (간다, 먹는다): after a past the user typed, a tense clash
_VERB_PRESENT = re.compile(f"(?:[{_WITH_N}]|는)다$")
# a word for a time gone (어제, 옛날에) wants a past at the end (어제 집에서 쉰다 → 쉬었다); one to come
# (내일, 내년에) no past (내일 비가 왔다)
_PAST_TIME = re.compile("(?:어제|어젯밤|그저께|그제|지난주|지난달|지난해|지난번|작년|옛날|아까)(?:에|는|도|에는|부터)?")
_FUTURE_TIME = re.compile("(?:내일|모레|내년|다음 ?주|다음 ?달)(?:에|은|는|도|에는|부터)?")
# a past marker (갔, 먹었, 했): ㅆ, but not 있 or 밌 (the verb 있다: 어제 집에 있다 is a present; 재밌다)
# nor 겠
_PAST_MARK = re.compile("[" + re.sub("[있밌겠]", "", _WITH_SS) + "]")
# a plain finite form (한다, 먹는다, 갔다, 있다) ends a sentence; inside one it is a runaway
_FINITE = re.compile(f"(?:[{_WITH_N}]|었|았|였|했|겠|있|없)다$")
# verbs that also serve as light or auxiliary verbs (운동을 하고 공부를 한다, 먹고 있다, 해 보다):
# a second use is no repetition. The count is for one word alone: a stem's pattern also matches
# nouns that start like it (그리 in 그림, 놀 in 놀이터, 오 in 오늘), harmless when one use is asked
_AUXILIARIES = frozenset({"하다", "있다", "되다", "보다", "주다", "싶다", "않다", "없다"})
# the copula is a suffix: an eojeol of its own has lost its noun (a lone 다 may be the adverb "all"
# mid-sentence, 다 먹었다, but never the last word: 나는 다.)
_COPULA_ALONE = frozenset({"이다", "입니다", "이에요", "이야", "이었다", "였다"})
# a past or future marker (갔, 썼, 했, 겠) finishes its verb: no 고 있다 / 고 싶다 / 고 하다, 는다,
# 하다 or a copula after it (썼고 있다, 갔는다, 세수했합니다, 갔입니다); 있 is the verb 있다 itself
# (집에 있고 싶다)
_PAST_THEN = re.compile(f"[{_WITH_SS.replace('있', '')}](?:고 [있싶하한합해했]|는다|[하한할합해했닙입])")
# 싶다 is an adjective: no 고 있다 nor a second 싶다 after it (마시고 싶고 있다, 보고 싶고 싶다)
_SIP_THEN_MORE = re.compile(r"(?:^|\s)싶고 [있싶]")
# words that need a given ending on the eojeol before them: (their starts, that ending, why not)
_WANTS_BEFORE = (
    (("않",), re.compile(r"지[는도를만]?$"), "않다 without a -지 before it (사과가 않습니다)"),  # 먹지 않는다
    (("싶",), re.compile(r"고[는도만]?$"), "싶다 without a -고 before it (가서 싶다)"),  # 가고 싶다
    (("대해", "대한", "대하여"), re.compile("에$"), "대해 without a noun in 에 before it (놀이터에서 대해)"),
)
# a bound noun (것, 게, 데…) after a topic pronoun makes the pronoun a verb's modifier: 나는 게
# 기쁘다, 나는 것입니다 read 나 as 나다 ("to come out")
_BOUND_NOUN = re.compile("(?:것|게|거|건|걸|데|줄|수|적|척|듯)"
                         "(?:이|을|를|은|는|에|도|만|이다|입니다|이에요|예요|야|다|라|라고)?")
# the speaker reporting their own words (나는 떡볶이를 좋아한다고 한다): they would just say it
_FIRST_PERSON = frozenset({"나는", "저는", "우리는", "저희는"})
HEARSAY_END = re.compile(r"[다라]고 (?:한다|했다|하였다)\.$")
# a denial (먹지 않는다, 쉽지는 않다, 안 간다, 못 간다) and the words that ask for one (않다, 안, 못,
# 없다, 아니다, 싫다)
_DENIAL = re.compile(r"지(?:는|도|가|를)? (?:않|못)|(?:^|\s)(?:안|못) ")
_ASKS_DENIAL = re.compile("않|안|못|없|아니|아닌|싫")
# an ideophone written twice (깡충깡충, 반짝반짝) is an adverb: no particle after it, only 하다
_AFTER_IDEOPHONE = frozenset("하해했한합할")
# a statement ending in a particle or a connective has lost its predicate: 사과가. 먹고.
_FRAGMENT_ENDS = frozenset("가이을를은는의에도과와로고서며")
# a typed word may end a sentence as it is when it ends like a predicate: 판다, 좋아해요, 가니, or a
# 아/어 ending (예뻐, 줘, 고마워); any other word standing last has no predicate after it (우리.)
_PREDICATE_LAST_SYLLABLES = frozenset("다요까지네야니나자게라")


def _ends_like_a_predicate(word: str) -> bool:
    last = word[-1]
    if last in _PREDICATE_LAST_SYLLABLES:
        return True
    return is_syllable(last) and split(last)[2] == NO_FINAL and split(last)[1] in INFINITIVE_VOWELS


def _is_ideophone(word: str) -> bool:
    """깡충깡충, 반짝반짝: a word of two or more syllables written twice (쿵쿵 is too short to tell)."""
    half = len(word) // 2
    return len(word) >= 4 and len(word) % 2 == 0 and word[:half] == word[half:]


def _tense_clash(words: list[str], eojeols: list[str]) -> str | None:
    """A time word the user gave, and a last predicate in the other tense. A past earlier in the
    sentence may carry the time word (어제 본 영화가 재밌다, 어제 갔는데 좋다), so only a sentence
    without one clashes with 어제."""
    last = eojeols[-1]
    past = _PAST_MARK.search(last)
    if past and any(_FUTURE_TIME.fullmatch(w) for w in words):
        return f"a time to come, then the past {last} (내일 왔다)"
    if not past and any(_PAST_TIME.fullmatch(w) for w in words) and not any(
            _PAST_MARK.search(e) or _is_past_modifier(e) for e in eojeols[:-1]):
        return f"a time gone, then the present {last} (어제 쉰다)"
    return None


def _is_past_modifier(eojeol: str) -> bool:
    """A verb's past adnominal (본, 산, 먹은, 만든, 공부한): its stem + 다 is a known verb."""
    if eojeol.endswith("은"):
        return eojeol[:-1] + "다" in verbs()
    if not is_syllable(eojeol[-1:]) or split(eojeol[-1])[2] != N_FINAL:
        return False
    initial, medial, _ = split(eojeol[-1])
    return any(eojeol[:-1] + join(initial, medial, final) + "다" in verbs() for final in (NO_FINAL, L_FINAL))


def _at_eojeol(text: str, sentence: str) -> Iterator[int]:
    """Where `text` ends each time it starts an eojeol of `sentence` (no pattern per word: a
    regex compiled for each new word cost more than the search)."""
    start = sentence.find(text)
    while start >= 0:
        if start == 0 or sentence[start - 1].isspace():
            yield start + len(text)
        start = sentence.find(text, start + 1)


def _bad_after_stem(stem: str, adjective: bool, sentence: str) -> str | None:
    """A stem the copy slot wrote must take an ending that fits it (`fits_after`): never none
    (떠다니.), after a vowel no 습니다/어/았/은… (괴롭히습니다), after an irregular stem no
    ending in ㅇ (맵은, 듣어: Korean writes 매운, 들어 — words.uses knows those as the stem's)."""
    shape = stem_shape(stem, adjective)
    for end in _at_eojeol(stem, sentence):
        after = sentence[end:end + 1]
        if not is_syllable(after):
            return f"bare stem {stem}"
        if not fits_after(shape, after):
            return f"the ending {after} after the {shape.kind.name.lower()} stem {stem}"
    return None


class StemKind(Enum):
    CONSONANT = "잡, 먹: 으 before 려고, 면, 시 (먹으려고)"
    L_FINAL = "놀, 만들: no 으, and the ㄹ drops before ㄴ, ㅂ, ㅅ (노는, 놉니다, 노세요)"
    VOWEL = "가, 다니: a vowel has absorbed 아/어, so no ending that only a consonant takes"
    VOWEL_OPEN = "쉬, 띄, 되, 주: 어 stays apart (쉬었다, 띄어) or may (되었다, 주어서 beside 됐다, 줘서)"
    IRREGULAR = "맵, 듣, 짓, 노랗: changes before an ending in ㅇ (매워, 들어, 지어, 노래) or 으 (매우려고)"


_ONLY_AFTER_VOWEL = frozenset("려러면며시세셔셨")  # 가려고, 가면, 가세요, not 먹려고, 굽려고
_NOT_AFTER_L = frozenset("는습니세시셔셨")  # 놀는, 놀습니다, 놀세요


@dataclass(frozen=True)
class StemShape:
    """What decides which endings a stem takes as written."""

    kind: StemKind
    bright: bool  # its last vowel ㅏ, ㅗ or ㅑ: 아/았 after it, 어/었 after the others (잡았다, 먹었다)


STEM_SHAPES = tuple(StemShape(kind, bright) for kind in StemKind for bright in (False, True))


def stem_shape(stem: str, adjective: bool) -> StemShape:
    """How a stem takes its endings (see StemKind); ㅂ stems of adjectives are irregular (맵, 귀엽),
    of verbs only a few (돕, 눕: not 잡, 입)."""
    _, vowel, final = split(stem[-1])
    bright = vowel in BRIGHT_VOWELS and final != SS_FINAL  # the past takes 어: 갔어요
    if final == NO_FINAL:
        return StemShape(StemKind.VOWEL_OPEN if _keeps_eo_apart(stem) else StemKind.VOWEL, bright)
    if final == L_FINAL:
        return StemShape(StemKind.L_FINAL, bright)
    return StemShape(StemKind.IRREGULAR if is_irregular(stem, adjective) else StemKind.CONSONANT, bright)


def _keeps_eo_apart(stem: str) -> bool:
    """A vowel stem after which 어 stands uncontracted: ㅟ and ㅢ always (쉬었다, 띄어), ㅚ and ㅜ
    as often as not (되었다, 주어서). After ㅏ, ㅓ, ㅡ, ㅣ it always contracts (갔다, 써, 마셨다); after
    ㅐ, ㅔ, ㅗ keeping it apart (떼어, 보았다) is bookish, and the model overused it."""
    return split(stem[-1])[1] in (Vowel.WI, Vowel.UI, Vowel.OE, Vowel.U)


def fits_after(shape: StemShape, syllable: str) -> bool:
    """May an ending starting with `syllable` follow a stem of this shape as written?"""
    if split(syllable)[0] == HIEUH_INITIAL:
        return False  # 하다 glued to a stem: 가한다
    if shape.kind is StemKind.VOWEL_OPEN and syllable in "어었":
        return True
    if shape.kind in (StemKind.VOWEL, StemKind.VOWEL_OPEN):
        return not consonant_ending(syllable)
    if syllable in ("아았" if not shape.bright else "어었"):
        return False  # 살었다, 먹았다
    if shape.kind is StemKind.L_FINAL:
        return syllable not in _NOT_AFTER_L
    if shape.kind is StemKind.IRREGULAR and split(syllable)[0] == IEUNG_INITIAL:
        return False
    return syllable not in _ONLY_AFTER_VOWEL


def consonant_ending(syllable: str) -> bool:
    """An ending's first syllable that only a consonant stem takes: 습(니다), or one with the
    initial ㅇ (어, 았, 은, 을, 으…) but 요 and 야, in which a vowel stem has absorbed 아/어."""
    if syllable == "습":
        return True
    return is_syllable(syllable) and split(syllable)[0] == IEUNG_INITIAL and syllable not in "요야"


def complete_bare_stem(sentence: str, words: list[str]) -> str:
    """A sentence that ends on a stem its slot wrote (배가 떠다니.) gets the plain present of
    that stem (배가 떠다닌다.): the model meant the sentence to end there. A 하다 word's root closed
    by 다 alone after a final consonant (흥부가 착다.) gets its 하 back (착하다): 다 is a copula
    only after a vowel (사과다), so there the model dropped the 하."""
    for word in words:
        root = word[:-2]
        if word.endswith("하다") and root and final_jamo(root[-1]):
            sentence = re.sub(rf"(?:^|(?<=\s)){re.escape(root)}(?=다(?:$|[\s.,?!]))", root + "하", sentence, count=1)
    for word in words:
        if stem := bare_stem(word):
            if any(end == len(sentence) - 1 and sentence[end] in ".?!" for end in _at_eojeol(stem, sentence)):
                return sentence[: -len(stem) - 1] + plain_present(stem, word in adjectives()) + sentence[-1]
    return sentence


def _ends_in_dictionary_form(eojeol: str) -> bool:
    """A verb's dictionary form, which no statement ends on (adjectives, 있다/없다/이다 may)."""
    return is_dictionary_form(eojeol) and eojeol not in _ALWAYS_FINAL and eojeol not in adjectives()


def _verb_ending_on_adjective(adjective: str, eojeols: list[str]) -> str | None:
    """An adjective takes no verb's present (노란다, 큰다, 긴다봅니다) nor 고 있다 / 고 싶다 / 고 한다
    (길고 있다)."""
    for eojeol, after in zip(eojeols, [*eojeols[1:], ""]):
        if eojeol == adjective or not inflects(adjective, eojeol):
            continue
        stem_end = len(adjective) - 2  # where the stem's last syllable stands in the eojeol
        if eojeol[stem_end + 1:stem_end + 2] == "다" and split(eojeol[stem_end])[2] == N_FINAL:
            return f"a verb's present on the adjective {adjective}: {eojeol}"
        if eojeol.endswith("고") and (after.startswith(("있", "싶")) or after in ("한다", "했다", "하고")):
            return f"the adjective {adjective} before {after}: {eojeol} {after}"
    return None


def fault(sentence: str, words: list[str], denial_allowed: bool = False) -> str | None:
    """Why `sentence` breaks an output rule, or None when it keeps them all. A denial no word asks
    for is one (the words were said, not denied), unless `denial_allowed`."""
    eojeols = _EOJEOL.findall(sentence)
    if not denial_allowed and _DENIAL.search(sentence) and not any(_ASKS_DENIAL.search(w) for w in words):
        return "a denial no word asks for (겨울에 눈이 내리지 않습니다)"
    for word in words:
        if (word in TOPICS or closes_eojeol(word)) and any(is_syllable(sentence[end:end + 1])
                                                           for end in _at_eojeol(word, sentence)):
            return f"more glued to {word}, which closes its eojeol (나는을, 지민이가에서, 좋아해요한다)"
        if word in TOPICS and any(e == word and _BOUND_NOUN.fullmatch(after) for e, after in zip(eojeols, eojeols[1:])):
            return f"a bound noun after {word}, which reads it as a verb (나는 게 기쁘다)"
        if _is_ideophone(word) and any(is_syllable(after := sentence[end:end + 1]) and after not in _AFTER_IDEOPHONE
                                       for end in _at_eojeol(word, sentence)):
            return f"a particle after the adverb {word} (깡충깡충으로)"
        if word in adjectives() and (why := _verb_ending_on_adjective(word, eojeols)):
            return why
        if is_polite_finite(word) and not sentence.rstrip(".?!").endswith(word):
            return f"the finished {word} before the end (좋아해요 했습니다)"
        # a predicate given once is said once, where its eojeols can be counted: a word alone in
        # dictionary form (아픈데 아프다) and a past typed with 다 (지민이가 읽었고 책을 읽었다). In a
        # longer list a stem's pattern also matches nouns that start like it (놀이터/놀다), and a
        # one-syllable past may be a light verb's (했다, 됐다), which other words' predicates share
        counted = ((len(words) == 1 and is_dictionary_form(word) and word not in _AUXILIARIES)
                   or (is_typed_past(word) and len(slot_text(word)) > 1))
        if counted and conjugations(word, sentence) > 1:
            return f"{word}, given once, said twice (아픈데 아프다, 읽었고 책을 읽었다)"
        if slot_text(word) == word:
            if any(_PARTICLE_THEN_HA.match(sentence, end) for end in _at_eojeol(word, sentence)):
                return f"particle then 하 glued to {word}"
            continue
        if not is_dictionary_form(word):
            continue
        if any(sentence.startswith("하", end) for end in _at_eojeol(word, sentence)):
            return f"dictionary form {word} glued to 하"
        # a verb's dictionary form takes nothing glued but -가 (먹다가): not 이기다고, 가다는, 이기다릅니다
        if word not in adjectives() and word not in _ALWAYS_FINAL and any(
                is_syllable(after := sentence[end:end + 1]) and after != "가" for end in _at_eojeol(word, sentence)):
            return f"an ending after the dictionary form {word} ({word}고)"
        if (stem := bare_stem(word)) and (why := _bad_after_stem(stem, word in adjectives(), sentence)):
            return why
        if len(stem or "") == 1 and any(sentence.startswith(stem, end) for end in _at_eojeol(stem, sentence)):
            return f"the stem of {word} twice (가가고)"
    if _FIRST_PERSON & set(words) and HEARSAY_END.search(sentence):
        return "the speaker's own words as hearsay (나는 …다고 한다)"
    if eojeols and _VERB_PRESENT.search(eojeols[-1]) and any(is_typed_past(w) for w in words):
        return f"a typed past, then the present {eojeols[-1]} (탔고 간다)"
    if eojeols and (why := _tense_clash(words, eojeols)):
        return why
    if m := _PAST_THEN.search(sentence):
        return f"more after a past or future marker: {m.group()} (썼고 있다, 갔는다)"
    if m := _N_THEN_NIDA.search(sentence):
        return f"ㄴ받침 before (습)니다: {m.group()}"
    if sentence.endswith(".") and sentence[-2:-1] in _FRAGMENT_ENDS:
        return "a fragment without a predicate at the end"
    if eojeols and eojeols[-1] in words and not _ends_like_a_predicate(eojeols[-1]):
        return f"the word {eojeols[-1]} last, with no predicate after it (우리.)"
    if _SIP_THEN_MORE.search(sentence):
        return "고 있다 or 싶다 after 싶다 (마시고 싶고 있다, 보고 싶고 싶다)"
    if any(e in _COPULA_ALONE for e in eojeols) or eojeols[-1:] == ["다"]:
        return "a copula standing alone (우리는 이다)"
    for starts, ending, why in _WANTS_BEFORE:
        if any(e.startswith(starts) and not ending.search(before) for before, e in zip(["", *eojeols], eojeols)):
            return why
    if "뭔가" not in words and any(e.startswith("뭔가") or e == "뭔다" for e in eojeols):
        return "a placeholder instead of content (엄마가 뭔가 한다)"
    if len(words) == 1 and not _ASKS_DENIAL.search(words[0]) and any(e.startswith(("아니", "아닌", "아닙", "없"))
                                                                    for e in eojeols):
        return "one word denied, not said (사과가 아닙니다, 사과가 없습니다)"
    # a verb left in its dictionary form: typed so (가다.), a typed stem (사 → 사다.; 화나 → 화나다., a
    # known verb; a longer one in a list of stems) or a 하다 verb of the model's own (휴가하다.); not
    # any 다 (사과다, 있습니다)
    last = eojeols[-1] if eojeols else ""
    typed_stem = last[:-1] in words and (len(last) == 2 or last in verbs() or typed_as_stems(words))
    if (last in words or typed_stem or last.endswith("하다")) and _ends_in_dictionary_form(last):
        return f"a sentence ending on the dictionary form {last}"
    if sum(bool(_CHAIN_LINK.search(e)) for e in eojeols) >= 2:
        return "runaway chain of 다가/다고/라고"
    for e in eojeols:
        if len(e) >= 3 and e.endswith("다가") and is_syllable(e[-3]) and split(e[-3])[2] == N_FINAL:
            return f"ungrammatical {e}"
    for e in eojeols[:-1]:
        if e not in words and _FINITE.search(e):
            return f"a finished predicate {e} in mid-sentence"
    for e in eojeols:
        if any(split(a)[:2] == split(b)[:2] and split(a)[2] == NO_FINAL and split(b)[2] == SS_FINAL
               for a, b in zip(e, e[1:]) if is_syllable(a) and is_syllable(b)):
            return f"a verb and its past glued: {e} (가갔)"
    for first, second in zip(eojeols, eojeols[1:]):
        if len(first) >= 2 and second.startswith(first) and first not in words:
            return f"stutter {first} {second}"
    repeated = {e for e in eojeols if len(e) >= 2 and eojeols.count(e) > 1}
    if any(words.count(e) < 2 for e in repeated):
        return f"repeated {sorted(repeated)[0]}"
    return None
