"""Users' forms and the output rules, checked with kiwipiepy (independently of the engine's own
rule-based checks): the KCG-dict conversion of DESIGN.md, and per-sentence faults to count in the
evaluation — a word not used as itself, a verb left in its dictionary form, a numeral glued to its
counter, a runaway chain."""

from __future__ import annotations

import re
from functools import lru_cache

from kiwipiepy import Kiwi

PREDICATE_TAGS = ("VV", "VA", "VX")
_CHAIN_LINK = re.compile(r"다[가고]$")


@lru_cache(maxsize=1)
def kiwi() -> Kiwi:
    return Kiwi()


def dictionary_form(concept: str) -> str:
    """KCG-dict: a concept kiwipiepy reads as one verb or adjective with only endings after it
    becomes its lemma (간다 → 가다, 쳤 → 치다); a noun + 하 is completed with 다 (치료하 → 치료하다)."""
    tokens = kiwi().tokenize(concept)
    if tokens and tokens[0].tag.startswith(PREDICATE_TAGS) and all(t.tag.startswith("E") for t in tokens[1:]):
        return tokens[0].lemma
    if concept.endswith("하") and len(tokens) >= 2 and tokens[0].tag.startswith("NN"):
        return concept + "다"
    return concept


def _lemma_of(word: str) -> tuple[str, bool]:
    """(lemma, is a predicate) of a typed word: 먹다 → (먹다, True), 동물들과 → (동물, False),
    곰인형 → (곰인형, False); a bare stem as Korean CommonGen gives it (웃, 입) → (웃다, True)."""
    tokens = kiwi().tokenize(word)
    if len(word) >= 2 and word.endswith("다") and not tokens[0].tag.startswith(PREDICATE_TAGS):
        # typed alone, 불다 / 보다 / 붓다 are verbs, not 불 "fire" + 다 "all", 보다 "more", a name
        readings = [reading for reading, _ in kiwi().analyze(word, top_n=3)]
        tokens = next((r for r in readings if r[0].tag.startswith(PREDICATE_TAGS)
                       and all(t.tag.startswith("E") for t in r[1:])), tokens)
    content = [t for t in tokens if not t.tag.startswith(("J", "E", "XSN", "S"))]
    if not content:
        return word, False
    if len(content) > 1 and content[-1].tag in ("XSV", "XSA"):
        return word[: content[-1].start] + "하다", True
    if content[0].tag.startswith(PREDICATE_TAGS):
        return content[0].lemma, True
    return word[: content[-1].start + content[-1].len], False


def used_as_itself(word: str, sentence: str) -> bool:
    """A real morphological check: at the start of an eojeol the sentence has the word's own
    morphemes — a predicate with the word's lemma (가다 as 갔다), or the noun (or adverb) followed
    by a particle, suffix, copula or ending, not by a verb (물 the noun, not 물 in 물어보고). A
    Korean CommonGen stem read as a noun alone (웃, 입) also counts as that verb."""
    lemma, predicate = _lemma_of(word)
    tokens = kiwi().tokenize(sentence)
    starts = {0} | {m.end() for m in re.finditer(r"\s+", sentence)}
    for i, t in enumerate(tokens):
        if t.start not in starts:
            continue
        if predicate or len(lemma) <= 2:
            verb = lemma if predicate else lemma + "다"
            if t.tag.startswith(PREDICATE_TAGS) and t.lemma == verb:
                return True
            noun = verb[:-2]  # 이야기하다 → 이야기 (이야기를 했다, 이야기했다)
            if verb.endswith("하다") and noun and t.form == noun and t.tag.startswith(("NN", "XR", "MAG")):
                return True
        if not predicate and sentence.startswith(lemma, t.start) and _word_span(tokens[i:], t.start + len(lemma)):
            return True
    return False


def _word_span(tokens: list, end: int) -> bool:
    """The morphemes up to `end` are no verb (a name may be read as several nouns), and what
    follows in the eojeol starts with a particle, a suffix, a copula or an ending."""
    inside = [t for t in tokens if t.start < end]
    after = next((t for t in tokens if t.start >= end), None)
    if any(t.tag.startswith(PREDICATE_TAGS) for t in inside):
        return False
    return after is None or after.start > end or after.tag.startswith(("J", "X", "E", "VCP"))


def dictionary_form_left(sentence: str) -> bool:
    """A verb ending the sentence (or a clause) in its dictionary form: 떠다니다. / 수영하다하고."""
    tokens = kiwi().tokenize(sentence)
    for prev, t in zip(tokens, tokens[1:]):
        verb = prev.tag.startswith("VV") or (prev.tag == "XSV")
        if verb and t.tag == "EF" and t.form == "다" and prev.form not in ("있", "없"):
            return True
    return bool(re.search(r"[가-힣]하다하", sentence))


def glued_counter(sentence: str) -> bool:
    """A native numeral written together with its counter: 두개, 몇명."""
    tokens = kiwi().tokenize(sentence)
    return any(a.tag == "MM" and b.tag == "NNB" and a.start + a.len == b.start and a.form in _NATIVE
               for a, b in zip(tokens, tokens[1:]))


_NATIVE = {"한", "두", "세", "네", "다섯", "여섯", "일곱", "여덟", "아홉", "열", "스무", "몇", "여러"}


def runaway(sentence: str, words: list[str]) -> bool:
    """Two 다가/다고 links, or an eojeol repeated that the input did not repeat."""
    eojeols = re.findall(r"[^\s.,?!]+", sentence)
    if sum(bool(_CHAIN_LINK.search(e)) for e in eojeols) >= 2:
        return True
    return any(len(e) >= 2 and eojeols.count(e) > 1 and words.count(e) < 2 for e in eojeols)
