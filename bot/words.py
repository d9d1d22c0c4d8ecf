"""Input rules shared by the CLI and the bot: split a message into words, enforce the limits,
normalise each word, and tell whether a sentence uses a word (the engine's coverage check)."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from bot.hangul import B_FINAL, L_FINAL, N_FINAL, NO_FINAL, SS_FINAL, Vowel, is_syllable, join, split
from bot.realize import MAX_WORDS

MAX_WORD_CHARS = 30
MAX_INPUT_CHARS = 300

_SEPARATORS = re.compile(r"[,#、;\n]")
# terminal escape sequences: CSI (ESC [ … final), OSC (ESC ] … BEL or ST), and any other ESC + one character
_ESCAPES = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b.?", re.DOTALL)
_HANGUL_SYLLABLE = re.compile(r"[가-힣]")
_EDGE_PUNCT = re.compile(r"^[\s\"'“”‘’()\[\]{}<>.!?~·…]+|[\s\"'“”‘’()\[\]{}<>.!?~·…]+$")
_TRAILING_PARTICLES = ("에서", "에게", "한테", "으로", "이랑", "하고", "까지", "부터",
                       "이", "가", "을", "를", "은", "는", "와", "과", "에", "의", "도",
                       "로", "랑", "만")


# nouns and adverbs that end in 다 (kiwipiepy's tags over the open corpora): a copy slot writes them whole
_NOT_PREDICATES = frozenset({
    "다", "바다", "앞바다", "먼바다", "캐나다", "과다", "베란다", "플로리다", "해마다", "수다", "저마다", "판다",
    "최다", "네바다", "어쩌다", "우간다", "르완다", "사이다", "소다", "레이다", "린다", "마틸다", "게르다",
    "오다가다", "왔다갔다"})


def slot_text(word: str) -> str:
    """What a copy slot writes for a typed word. A predicate in 다-form stands for its stem, so the
    model writes the ending after it (떠다니다 → 떠다니 + ㄴ다 is generated, never "떠다니다."), and a
    noun + 하다 for its noun (치료하다 → 치료 + 했다 / 를 했다); everything else is copied whole."""
    if len(word) < 2 or not word.endswith("다") or word in _NOT_PREDICATES or not _HANGUL_SYLLABLE.fullmatch(word[-2]):
        return word
    if word.endswith("하다") and len(word) > 2:
        return word[:-2]
    return word[:-1]


# a pronoun typed bare may reach the model as the topic: the training pairs never give a pronoun
# (kiwipiepy's NP) as a word of its own, and the model reads a bare 나 as the verb 나다 (학교나고)
_TOPIC_PRONOUNS = {"나": "나는", "너": "너는", "저": "저는", "우리": "우리는", "저희": "저희는",
                   "그녀": "그녀는", "당신": "당신은"}
TOPICS = frozenset(_TOPIC_PRONOUNS.values())  # complete eojeols: nothing may follow them (나는을)


def model_words(words: list[str]) -> list[str]:
    """The words as the model is given them: in a list typed with dictionary forms (a user's
    나, 학교, 가다) the first pronoun becomes its topic, 나 → 나는, and the sentence still uses 나 as
    itself. A list of bare stems is Korean CommonGen's style, where 나 is the verb 나다 (기억, 나)
    and 저 the determiner (저 코끼리): as typed; and so is a pronoun alone."""
    first = next((i for i, w in enumerate(words) if w in _TOPIC_PRONOUNS), None)
    if first is None or len(words) < 2 or typed_as_stems(words):  # 우리 alone: 우리는 이다.
        return words
    return [_TOPIC_PRONOUNS[w] if i == first else w for i, w in enumerate(words)]


class ComposeError(ValueError):
    """Something the user should read: `korean` for the chat, `bilingual()` for the CLI."""

    def __init__(self, korean: str, english: str) -> None:
        super().__init__(english)
        self.korean = korean
        self.english = english

    def bilingual(self) -> str:
        return f"{self.korean} / {self.english}"


class InputError(ComposeError):
    """A word list the input rules refuse."""


def visible(text: str) -> str:
    """`text` without terminal escapes, control characters (whitespace such as newlines stays),
    bidirectional marks, zero-width characters and lone surrogates: nothing a word needs, nothing to echo."""
    text = _ESCAPES.sub("", text)
    return "".join(c for c in text if c.isspace() or unicodedata.category(c) not in ("Cc", "Cf", "Cs"))


def split_words(text: str) -> list[str]:
    """Split on , # 、 ; or newlines when any is present, else on whitespace; trim; drop empties."""
    text = unicodedata.normalize("NFC", visible(text))
    if len(text) > MAX_INPUT_CHARS:
        raise InputError(
            f"입력이 너무 깁니다. 전체 {MAX_INPUT_CHARS}자 이내로 써 주세요.",
            f"input too long: at most {MAX_INPUT_CHARS} characters in all",
        )
    parts = _SEPARATORS.split(text) if _SEPARATORS.search(text) else text.split()
    return normalize_words(parts)


def normalize_words(words: list[str]) -> list[str]:
    """Each word NFC-normalised and trimmed, empty ones dropped, the limits enforced: what the
    engine composes from, however the words arrived (CLI, bot, benchmark, evaluation)."""
    cleaned = [_clean(unicodedata.normalize("NFC", w)) for w in words]
    return check_words([w for w in cleaned if w])


def words_from_args(args: list[str]) -> list[str]:
    """CLI form: one argument is split by the rules; several arguments are one word each."""
    if len(args) == 1:
        return split_words(args[0])
    return split_words(",".join(a for a in args if a.strip()))


def _clean(word: str) -> str:
    return re.sub(r"\s+", " ", _EDGE_PUNCT.sub("", word))


def check_words(words: list[str]) -> list[str]:
    """Enforce the limits of DESIGN.md; return the words unchanged when they pass."""
    if not words:
        raise InputError("단어를 하나 이상 보내 주세요. 예: 백설공주, 동물들, 숲속, 이야기하다",
                         "no words: send at least one word")
    if len(words) > MAX_WORDS:
        raise InputError(f"단어가 너무 많습니다. {MAX_WORDS}개 이하로 보내 주세요 ({len(words)}개 받음).",
                         f"too many words: at most {MAX_WORDS}, got {len(words)}")
    long = [w for w in words if len(w) > MAX_WORD_CHARS]
    if long:
        raise InputError(f"'{long[0][:10]}…' 단어가 너무 깁니다. 단어마다 {MAX_WORD_CHARS}자 이내로 써 주세요.",
                         f"word too long: at most {MAX_WORD_CHARS} characters each")
    if not any(_HANGUL_SYLLABLE.search(w) for w in words):
        raise InputError("한글 단어가 없습니다. 완성된 한글로 단어를 보내 주세요 (ㅋㅋ 같은 자모만으로는 안 됩니다).",
                         "no Hangul word: send words written in complete Hangul syllables")
    return words


def uses(word: str, sentence: str, nouns_bare: bool = True) -> bool:
    """Does `sentence` use `word` as itself (DESIGN.md, output rules)? A noun must start an
    eojeol and be followed only by particles, a copula or a 하/되 ending (물을, 물이다, 공부했다 —
    not 물 in 물어보고, 나 in 가나고, nor 이 "this" without a particle); a predicate in 다-form must
    start an eojeol as its stem conjugated (떠다니다 → 떠다녔다), a 하다 verb also as its noun
    (이야기하다 → 이야기를 했다). With `nouns_bare` False — a list in Korean CommonGen's style,
    where verbs come as bare stems (눕, 덮) — a word without 다 may also be such a stem (눕고)."""
    form = slot_text(word)
    stem_of = word if form != word else None if nouns_bare else word + "다"
    if stem_of and (pattern := _stem_pattern(stem_of)) and pattern.search(sentence):
        return True
    nouns = (form,) if form != word and word.endswith("하다") else () if form != word else _literal_forms(word)
    for noun in nouns:
        for m in _spaced(noun).finditer(sentence):
            tail = re.match(r"[^\s.,?!]*", sentence[m.end():]).group()
            if _NOUN_TAIL.fullmatch(tail) and (tail or not nouns_bare or noun not in BARE_AMBIGUOUS):
                return True
    return False


def bare_stem(word: str) -> str | None:
    """The stem a copy slot writes for a verb or adjective in 다-form, which must take an ending
    (떠다니다 → 떠다니); None for a word copied whole and for a 하다 verb, whose slot writes its noun."""
    stem = slot_text(word)
    return stem if stem != word and not word.endswith("하다") else None


def is_dictionary_form(word: str) -> bool:
    """가다, 파랗다 — not a plain present (탄다, 먹는다) or a past (갔다, 이야기했다), which are
    finished forms a sentence may end on as typed."""
    if slot_text(word) == word or word.endswith("는다"):
        return False
    before = word[-2]
    return split(before)[2] not in (N_FINAL, SS_FINAL) or before in "안신앉"


def is_typed_past(word: str) -> bool:
    """갔다, 읽었다, 이야기했다: a past typed as such, whose tense the sentence keeps (its slot writes
    the stem with the past marker, ㅆ)."""
    return (stem := slot_text(word)) != word and split(stem[-1])[2] == SS_FINAL


def typed_as_stems(words: list[str]) -> bool:
    """A list with no dictionary form gives its verbs as bare stems, as Korean CommonGen does;
    one with a dictionary form (물, 마시다) gives its other words as nouns, and so does a single
    word (Korean CommonGen never gives one): 물 is water, not the stem of 물다 in 물어보고."""
    return len(words) > 1 and not any(is_dictionary_form(w) for w in words)


def inflects(word: str, eojeol: str) -> bool:
    """Is `eojeol` the predicate `word` (in 다-form) conjugated: 노란다, 길고 for 노랗다, 길다?"""
    pattern = _stem_pattern(word)
    return bool(pattern and pattern.match(eojeol))


# a subject, object, topic or "and" marker left on a noun (백설공주가, 물을, 동물들과), in the
# allomorph its noun takes: it closes the eojeol. 가, 와, 과 only after two syllables or more
# (휴가, 기와, 결과 are nouns)
_CLOSING_PARTICLES = (("가", True, 3), ("를", True, 2), ("는", True, 2), ("을", False, 2),
                      ("와", True, 3), ("과", False, 3))
# the vowels of a 아/어 ending's syllable, alone (예뻐, 줘, 해) or before a polite 요 (해요, 했어요,
# 좋아요, 가세요): 요 after another vowel belongs to a noun (필요, 동요)
INFINITIVE_VOWELS = frozenset({Vowel.A, Vowel.AE, Vowel.EO, Vowel.E, Vowel.YEO, Vowel.WA, Vowel.WO, Vowel.WAE})


def is_polite_finite(word: str) -> bool:
    """좋아해요, 샀어요, 가세요: a finished polite predicate, which ends a sentence (not 필요, 동요)."""
    return (len(word) >= 3 and word.endswith("요") and is_syllable(word[-2])
            and (split(word[-2])[1] in INFINITIVE_VOWELS or word.endswith("세요")))


def closes_eojeol(word: str) -> bool:
    """A word typed finished, which nothing may follow in its eojeol: a noun with its subject,
    object or topic marker (지민이가, never 지민이가에서) or a polite finite form (좋아해요, never
    좋아해요한다)."""
    if is_polite_finite(word):
        return True
    return any(word.endswith(particle) and len(word) >= shortest and is_syllable(word[-2])
               and (split(word[-2])[2] == NO_FINAL) == after_vowel
               for particle, after_vowel, shortest in _CLOSING_PARTICLES)


def conjugations(word: str, sentence: str) -> int:
    """How many eojeols of `sentence` are the predicate `word` conjugated (0 if it is none)."""
    pattern = _stem_pattern(word)
    return len(pattern.findall(sentence)) if pattern else 0


_PARTICLE = ("께서|에게서|에서|에게|한테|으로|로|이랑|랑|하고|까지|부터|처럼|보다|마다|만큼|밖에|이나|나|이든|든|"
             "께|의|이|가|을|를|은|는|와|과|에|도|만|아|야|요|조차|마저|뿐|라도|이라도|씩|쯤|끼리")
_COPULA = "이다|다|이에요|예요|이었\\S*|였\\S*|입니\\S*|이야|이고|이며|이라\\S*|라고|라는|인|이지\\S*|이니\\S*"
_DERIVED = "(?:하|해|했|한|할|함|합|히|되|돼|됐|된|될|됨|됩|시키|시켜|시킨|시켰|스럽|스러|스런|다운|적|답)\\S*"
_AFTER_PARTICLE = "은|는|도|만|의|이나|라도|요"  # the second of two: 에서는, 에게도, 와의
_NOUN_TAIL = re.compile(f"(?:들)?(?:님)?(?:(?:{_PARTICLE})?(?:{_AFTER_PARTICLE})?|{_COPULA})|(?:들)?{_DERIVED}")
# one-syllable nouns that are also a determiner or a pronoun-like word when bare (이 "tooth" / "this")
BARE_AMBIGUOUS = frozenset({"이", "그", "저"})


@lru_cache(maxsize=4096)
def _spaced(form: str) -> re.Pattern[str]:
    """The form with other spacing, starting a word: 접시위 in "접시 위에" (as mecab's coverage sees it)."""
    chars = [re.escape(c) for c in form.replace(" ", "")]
    return re.compile(r"(?:^|(?<=\s))" + r"\s?".join(chars))


@lru_cache(maxsize=4096)
def _literal_forms(word: str) -> tuple[str, ...]:
    forms = [word]
    for particle in _TRAILING_PARTICLES:
        if word.endswith(particle) and len(word) - len(particle) >= 2:
            forms.append(word[: -len(particle)])
            break
    return tuple(forms)


# a vowel -> the vowels its syllable may show when conjugated (하→해, 보→봐, 주→줘, 쓰→써,
# 아프→아파, 다니→다녀, 되→돼, 하얗→하얘, 그렇→그래)
_CONTRACTIONS = {Vowel.A: {Vowel.AE}, Vowel.YA: {Vowel.YAE}, Vowel.EO: {Vowel.AE, Vowel.E},
                 Vowel.O: {Vowel.WA, Vowel.WAE}, Vowel.U: {Vowel.WO}, Vowel.EU: {Vowel.A, Vowel.EO},
                 Vowel.I: {Vowel.YEO}, Vowel.OE: {Vowel.WAE}}


@lru_cache(maxsize=4096)
def _stem_pattern(word: str) -> re.Pattern[str] | None:
    """The stem at the start of an eojeol: its body as written, then its last syllable with the
    same onset and vowel (or its contraction) and any final: 이야기하 → 이야기했, 놀 → 논/놉, but not
    뛰어놀 → 뛰어나; a 르 stem also as ㄹ + 라/러 (부르다 → 불러); a past (갔다) only as written."""
    if len(word) < 2 or not word.endswith("다") or not is_syllable(word[-2]):
        return None
    stem = word[:-1]
    prefix = stem[:-1]
    initial, vowel, final = split(stem[-1])
    if final == SS_FINAL:  # a past typed (갔다, 이야기했다) keeps its tense: 갔고, not 간다
        return re.compile(r"(?:^|(?<=\s))" + re.escape(stem))
    vowels = {vowel} | _CONTRACTIONS.get(vowel, set())
    # an ㄹ stem keeps its ㄹ or drops it before ㄴ, ㅂ, ㅅ (놀고, 논다, 놉니다, 노세요): 놓았다 is not 놀다
    finals = (NO_FINAL, L_FINAL, N_FINAL, B_FINAL) if final == L_FINAL else range(28)
    syllables = "".join(join(initial, v, f) for v in sorted(vowels) for f in finals)
    alternatives = [re.escape(prefix) + f"[{syllables}]"]
    if stem[-1] == "르" and prefix and is_syllable(prefix[-1]) and split(prefix[-1])[2] == NO_FINAL:
        alternatives.append(re.escape(prefix[:-1] + join(*split(prefix[-1])[:2], L_FINAL)) + "[라러]")
    return re.compile(r"(?:^|(?<=\s))(?:" + "|".join(alternatives) + ")")
