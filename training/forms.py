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
    """(lemma, is a predicate) of a typed word: 먹다 → (먹다, True), 동물들과 → (동물, False)."""
    tokens = [t for t in kiwi().tokenize(word) if not t.tag.startswith(("J", "E", "XSN", "S"))]
    if not tokens:
        return word, False
    head = tokens[-1] if tokens[-1].tag.startswith(("XSV", "XSA")) and len(tokens) > 1 else tokens[0]
    if head.tag.startswith(("XSV", "XSA")):
        return tokens[0].form + "하다", True
    if head.tag.startswith(PREDICATE_TAGS):
        return head.lemma, True
    return head.form, False


def used_as_itself(word: str, sentence: str) -> bool:
    """A real morphological check: the sentence has a morpheme with the word's lemma and part of
    speech at the start of an eojeol (물 the noun, not 물 in 물어보고; 가다 as a verb)."""
    lemma, predicate = _lemma_of(word)
    tokens = kiwi().tokenize(sentence)
    starts = {0} | {m.end() for m in re.finditer(r"\s+", sentence)}
    for i, t in enumerate(tokens):
        if t.start not in starts:
            continue
        if predicate:
            if t.tag.startswith(PREDICATE_TAGS) and t.lemma == lemma:
                return True
            noun = lemma[:-2]  # 이야기하다 → 이야기 (이야기를 했다, 이야기했다)
            if lemma.endswith("하다") and noun and t.form == noun and t.tag.startswith(("NN", "XR")):
                return True
        elif sentence.startswith(lemma, t.start) and _noun_span(tokens[i:], t.start + len(lemma)):
            return True
    return False


def _noun_span(tokens: list, end: int) -> bool:
    """The morphemes up to `end` are nouns (a name may be read as several), and what follows in
    the eojeol starts with a particle, a suffix, a copula or an ending — not a verb stem."""
    inside = [t for t in tokens if t.start < end]
    after = next((t for t in tokens if t.start >= end), None)
    nominal = all(t.tag.startswith(("N", "XR", "SL", "SH", "SN", "XSN", "MM")) for t in inside)
    # MM only for a numeral concept (두, 세); a determiner 이 ("this") is not the noun 이 ("tooth")
    if len(inside) == 1 and inside[0].tag == "MM" and inside[0].form in ("이", "그", "저"):
        return False
    return nominal and (after is None or after.start > end or after.tag.startswith(("J", "X", "E", "VCP")))


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
