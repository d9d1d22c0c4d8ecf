"""Training pairs: (style, concept words) → a target template in the model's output alphabet.

Sources: Korean CommonGen train (concept sets as given) and the open corpora (content words
extracted with kiwipiepy in CommonGen's style). Each target is rewritten so that input words become
copy slots and every allomorphic particle becomes a unit (bot.realize) — which also repairs the
≈1.7/1000 wrong allomorphs in CommonGen. Augmented copies teach the input forms DESIGN.md
accepts: shuffled order, dictionary forms, nouns with 들, a particle left attached, unseen names,
and the three speech levels (endings converted with kiwipiepy's `join`).
"""

from __future__ import annotations

import json
import logging
import random
import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

import tossi
from tqdm import tqdm

from bot.feedback import read_tsv
from bot.realize import MAX_WORDS, PARTICLE_TAGS, UNIT_OF_FORM, detect_style, slot_token
from bot.rules import HEARSAY_END
from bot.words import slot_text, uses
from training.config import PrepareConfig
from training.forms import kiwi
from training.sets import read_commongen

log = logging.getLogger(__name__)

CONTENT_TAGS = {"NNG", "NNP", "NR", "XR", "VV", "VA", "VV-I", "VA-I", "VV-R", "VA-R", "MAG", "MM"}
STEM_TAGS = {"VV", "VA", "VX", "VV-I", "VA-I", "VV-R", "VA-R", "VX-I"}
# at most this many sentences of a file: encyclopedic text is plentiful but not what users write
OPEN_CAPS = {"kowiki_common.txt": 60_000, "klue_nli_train.txt": 15_000, "ud_ksl_learners.txt": 3_000}
RECIPE = "recipe.json"  # beside the pairs: the model card records the recipe they were made with
_ABOUT = re.compile(r"에 대(?:해|한|하여)")  # …에 대해 이야기하고 있다: a dialogue's summary
_NEGATIONS = {("VX", "않"), ("VX", "못하"), ("VX", "말"), ("MAG", "안"), ("MAG", "못")}
_NAME_SYLLABLES = "가나라마바사아자차카타파하민서준지유수연도윤현우진영호은혜선미철희"


@dataclass
class Pair:
    words: list[str]  # input words, in the order the model sees them
    target: str  # template: text with copy slots and particle units
    style: str  # plain / polite / formal, detected from the target's ending
    sentence: str = ""  # the plain reference (dev only)

    def to_json(self) -> str:
        return json.dumps(self.__dict__, ensure_ascii=False)


class PairMaker:
    """Turns sentences (with or without concept sets) into training pairs; one Kiwi for all."""

    def __init__(self, seed: int = 0) -> None:
        self.kiwi = kiwi()
        self.rng = random.Random(seed)

    def analyse(self, sentences: list[str]) -> list[list]:
        return list(tqdm(self.kiwi.tokenize(sentences), total=len(sentences), desc="kiwi", mininterval=5))

    # -- targets -------------------------------------------------------------------------------
    def template(self, sentence: str, tokens: list, words: list[str]) -> str:
        """Replace each input word found in `sentence` by its slot and each particle by its unit."""
        spans: list[tuple[int, int, str]] = []
        forms = [slot_text(w) for w in words]
        for i in sorted(range(len(words)), key=lambda i: -len(forms[i])):
            # a stem (or the noun of a 하다 verb) marks only a morpheme of its own, never 치 in 치마
            starts = {t.start for t in tokens if t.form == forms[i]} if forms[i] != words[i] else None
            start = _find_free(sentence, forms[i], spans, starts)
            if start >= 0:
                spans.append((start, start + len(forms[i]), slot_token(i)))
        for prev, t in zip(tokens, tokens[1:]):
            end = t.start + t.len
            if (t.form in UNIT_OF_FORM and sentence[t.start:end] == t.form
                    and prev.start + prev.len == t.start and not _overlaps(t.start, end, spans)
                    and (t.tag in PARTICLE_TAGS or _misspelt_particle(sentence, prev, t))):
                spans.append((t.start, end, UNIT_OF_FORM[t.form]))
        out, last = "", 0
        for start, end, symbol in sorted(spans):
            out += sentence[last:start] + symbol
            last = end
        return out + sentence[last:]

    def convert_style(self, sentence: str, tokens: list, style: str) -> str | None:
        """Rewrite a plain sentence's final ending as 합니다체 or 해요체; None when it is not plain."""
        ends = [i for i, t in enumerate(tokens) if t.tag == "EF"]
        if not ends or tokens[ends[-1]].form not in ("다", "ᆫ다", "는다") or ends[-1] == 0:
            return None
        i = ends[-1]
        ending = "습니다" if style == "formal" else "에요" if tokens[i - 1].tag == "VCP" else "어요"
        first = i  # rejoin only the last eojeol, so the rest keeps its spacing
        while first > 0 and tokens[first - 1].start + tokens[first - 1].len >= tokens[first].start:
            first -= 1
        parts = [(t.form, t.tag) for t in tokens[first:i]] + [(ending, "EF")]
        tail = sentence[tokens[i].start + tokens[i].len:]
        return sentence[: tokens[first].start] + self.kiwi.join(parts) + tail

    # -- inputs --------------------------------------------------------------------------------
    def content_words(self, sentence: str, tokens: list) -> list[str]:
        """Content words in CommonGen's style: nouns, stems as written (쳤, 있), adverbs, numerals,
        and pronouns as typed (나, 우리; not the contracted 내 of 내가, which nobody types for 나),
        since users give pronouns that Korean CommonGen never does."""
        words = []
        for t in tokens:
            surface = sentence[t.start:t.start + t.len]
            if (t.tag in CONTENT_TAGS or (t.tag.startswith("VX") and t.form == "있")
                    or (t.tag == "NP" and surface == t.form)):
                if surface and surface not in words and re.search(r"[가-힣]", surface):
                    words.append(surface)
        return words

    def vary(self, sentence: str, tokens: list, words: list[str]) -> list[str]:
        """Other input forms a user may type for the same concepts."""
        out = []
        for w in words:
            pos = _position(sentence, tokens, w)
            after = [t for t in tokens if t.start >= pos + len(w)] if pos >= 0 else []
            head = _token_at(tokens, pos)
            roll = self.rng.random()
            if head is not None and head.tag in STEM_TAGS and head.lemma.endswith("다") and roll < 0.75:
                w = head.lemma  # dictionary form: 쳤 → 치다
            elif head is not None and head.tag.startswith("NN") and after:
                nxt = after[0]
                if nxt.tag in ("XSV", "XSA") and nxt.form == "하" and roll < 0.6:
                    w = w + "하다"  # 이야기 → 이야기하다
                elif nxt.tag == "XSN" and nxt.form == "들" and roll < 0.7:
                    w = w + "들"
                elif nxt.tag in PARTICLE_TAGS | {"JKB", "JKG"} and roll < 0.25:
                    w = sentence[pos:nxt.start + nxt.len]  # particle left attached: 동물과
                elif roll > 0.93 and (nxt.tag == "JKS" or (nxt.tag == "JX" and nxt.form in ("은", "는"))):
                    # a word it never saw, copied through its slot, where a name stands: the subject
                    # or topic (a name in place of 공원에서 taught it 현우에서 노래를 부릅니다)
                    w = self.fake_name()
            out.append(w)
        return out

    def without_predicates(self, sentence: str, tokens: list, words: list[str]) -> list[str] | None:
        """The words but the verbs and adjectives, if any was left out and two remain with a noun
        among them: the sentence keeps its predicate as text, which the model learns to supply."""
        kept = [(w, head) for w in words if (head := _head(sentence, tokens, w)) is None or head.tag not in STEM_TAGS]
        has_noun = any(head is not None and head.tag.startswith("NN") for _, head in kept)
        return [w for w, _ in kept] if len(words) > len(kept) >= 2 and has_noun else None

    def fake_name(self) -> str:
        return "".join(self.rng.choice(_NAME_SYLLABLES) for _ in range(self.rng.randint(2, 4)))

    def pair(self, sentence: str, tokens: list, words: list[str], typed: list[str] | None = None) -> Pair:
        """A pair whose input is `typed` (default: the concepts), shuffled; slots follow the shuffle."""
        typed = list(typed or words)
        order = list(range(len(typed)))
        self.rng.shuffle(order)
        shown = [typed[i] for i in order]
        # a fake name stands in for its concept: the slot still marks where the concept was
        marks = [words[i] if typed[i] != words[i] and not _is_form_of(typed[i], words[i]) else typed[i]
                 for i in order]
        target = self.template(sentence, tokens, marks)
        return Pair(shown, target, detect_style(sentence))


def _position(sentence: str, tokens: list, word: str) -> int:
    """Where `word` stands in `sentence`: its first occurrence that starts a token no longer than
    the word (공 in 공원에서 공을 찬다 is the second 공, not the start of 공원), else its first; -1."""
    found = [m.start() for m in re.finditer(re.escape(word), sentence)]
    return next((pos for pos in found if all(t.len <= len(word) for t in tokens if t.start == pos)),
                found[0] if found else -1)


def _head(sentence: str, tokens: list, word: str):
    """The token that starts `word` where it stands in `sentence` (None if it does not)."""
    return _token_at(tokens, _position(sentence, tokens, word))


def _token_at(tokens: list, pos: int):
    """The token starting at `pos` (None for none, or for pos -1)."""
    return next((t for t in tokens if t.start == pos), None) if pos >= 0 else None


def _misspelt_particle(sentence: str, prev, t) -> bool:
    """Kiwi does not tag a wrong allomorph as a particle (떡볶이을 → 을/NNG): a one-syllable
    particle form closing an eojeol right after a noun, in the wrong allomorph, is one."""
    end = t.start + t.len
    closes = end == len(sentence) or not sentence[end].isalnum()
    return prev.tag.startswith("NN") and closes and tossi.pick(prev.form, t.form) != t.form


def _is_form_of(typed: str, concept: str) -> bool:
    return typed.startswith(concept) or typed.endswith("다")


def _find_free(sentence: str, word: str, spans: list, starts: set[int] | None = None) -> int:
    """First occurrence of `word` not overlapping a taken span, preferring the start of an eojeol;
    only at `starts` when given."""
    hits = [m.start() for m in re.finditer(re.escape(word), sentence)]
    hits = [h for h in hits if not _overlaps(h, h + len(word), spans) and (starts is None or h in starts)]
    at_word_start = [h for h in hits if h == 0 or sentence[h - 1] == " "]
    return (at_word_start or hits or [-1])[0]


def _overlaps(start: int, end: int, spans: list) -> bool:
    return any(start < e and s < end for s, e, _ in spans)


def prepare(data_dir: Path, out_dir: Path, cfg: PrepareConfig, extra: Sequence[Path] = ()) -> dict:
    """Write train_cg.jsonl, train_open.jsonl and dev.jsonl to `out_dir`; return counts. `extra`:
    feedback TSVs (bot.feedback) whose corrections join train_cg."""
    out_dir.mkdir(parents=True, exist_ok=True)
    seed, dev_size = cfg.data_seed, cfg.dev_size
    maker = PairMaker(seed)
    cg_dir = data_dir / "korean_commongen"
    items = [it for f in sorted(cg_dir.glob("train_*.txt")) for it in read_commongen(f)]
    items = [(c[:MAX_WORDS], refs[0]) for c, refs in items if refs]
    random.Random(seed).shuffle(items)
    dev, train = items[:dev_size], items[dev_size:]
    train = thin_summaries(train, cfg.summary_share, seed)

    dev_tokens, train_tokens = maker.analyse([s for _, s in dev]), maker.analyse([s for _, s in train])
    kept = [k for k, ((concepts, _), tokens) in enumerate(zip(train, train_tokens))
            if keeps_negation(tokens, concepts, cfg.unasked_negation_share, maker.rng)]
    train, analysed = [train[k] for k in kept], dev_tokens + [train_tokens[k] for k in kept]
    log.info("Korean CommonGen: %d train, %d dev", len(train), len(dev))
    dev_pairs, cg_pairs = [], []
    for k, ((concepts, sentence), tokens) in enumerate(zip(dev + train, analysed)):
        if k < len(dev):
            p = maker.pair(sentence, tokens, concepts)
            p.sentence = sentence
            dev_pairs.append(p)
            continue
        cg_pairs.append(maker.pair(sentence, tokens, concepts))
        cg_pairs.append(maker.pair(sentence, tokens, concepts, maker.vary(sentence, tokens, concepts)))
        if cfg.nouns_only_share and maker.rng.random() < cfg.nouns_only_share:
            if kept := maker.without_predicates(sentence, tokens, concepts):
                cg_pairs.append(maker.pair(sentence, tokens, kept))
    styled = _styled_copies(maker, train, analysed[len(dev):])
    cg_pairs += styled
    log.info("CommonGen pairs: %d (with %d speech-level copies)", len(cg_pairs), len(styled))
    corrections = _correction_pairs(maker, extra)
    cg_pairs += corrections

    open_pairs = []
    for path in sorted((data_dir / "open").glob("*.txt")):
        lines = [s for s in path.read_text(encoding="utf-8").splitlines()
                 if cfg.open_min_chars <= len(s) <= cfg.open_max_chars]
        limit = min(cfg.open_limit or len(lines), OPEN_CAPS.get(path.name, len(lines)))
        lines = random.Random(seed).sample(lines, limit) if limit < len(lines) else lines
        for sentence, tokens in zip(lines, maker.analyse(lines)):
            words = maker.content_words(sentence, tokens)
            if not keeps_negation(tokens, words, cfg.unasked_negation_share, maker.rng):
                continue
            if 2 <= len(words) <= MAX_WORDS:
                typed = maker.vary(sentence, tokens, words) if maker.rng.random() < cfg.typed_share else None
                open_pairs.append(maker.pair(sentence, tokens, words, typed))
            if (2 <= len(words) <= 3 and len(sentence) <= cfg.one_word_max_chars
                    and maker.rng.random() < cfg.one_word_share):
                one = [maker.rng.choice(words)]  # one word in, a short everyday sentence out
                open_pairs.append(maker.pair(sentence, tokens, one, maker.vary(sentence, tokens, one)))
        log.info("open corpora: %s -> %d pairs so far", path.name, len(open_pairs))

    for name, pairs in (("dev", dev_pairs), ("train_cg", cg_pairs), ("train_open", open_pairs)):
        with open(out_dir / f"{name}.jsonl", "w", encoding="utf-8") as f:
            f.writelines(p.to_json() + "\n" for p in pairs)
    (out_dir / RECIPE).write_text(json.dumps(asdict(cfg), indent=1) + "\n", encoding="utf-8")
    return {"dev": len(dev_pairs), "train_cg": len(cg_pairs), "train_open": len(open_pairs),
            "corrections": len(corrections)}


def thin_summaries(items: list[tuple[list[str], str]], share: float, seed: int) -> list[tuple[list[str], str]]:
    """The items, of those written as a dialogue's summary (reported speech, "about") only `share`."""
    keep = random.Random(seed)
    return [it for it in items if not _is_summary(it[1]) or keep.random() < share]


def keeps_negation(tokens: list, words: Sequence[str], share: float, rng: random.Random) -> bool:
    """False for a sentence that denies (…지 않다, 안, 못) with no word carrying the denial, but for
    `share` of them: the words were said, not denied."""
    if share >= 1:
        return True
    unasked = any((t.tag, t.form) in _NEGATIONS and not any(t.form in w for w in words) for t in tokens)
    return not unasked or rng.random() < share


def _is_summary(sentence: str) -> bool:
    return bool(HEARSAY_END.search(sentence) or _ABOUT.search(sentence))


def _correction_pairs(maker: PairMaker, paths: Sequence[Path]) -> list[Pair]:
    """One pair per user correction that uses every word it was asked for (the bot's own check)."""
    rows = [r for path in paths for r in read_tsv(path)]
    kept = [r for r in rows if r.words and all(uses(w, r.correction) for w in r.words)]
    if len(kept) < len(rows):
        log.info("corrections: %d of %d skipped (a word missing from the correction)", len(rows) - len(kept), len(rows))
    if not kept:
        return []
    analysed = maker.analyse([r.correction for r in kept])
    return [maker.pair(r.correction, tokens, list(r.words)[:MAX_WORDS]) for r, tokens in zip(kept, analysed)]


def _styled_copies(maker: PairMaker, items: list, analysed: list) -> list[Pair]:
    """For a third of the plain CommonGen items, one copy in 합니다체 or 해요체."""
    converted, sources = [], []
    for (concepts, sentence), tokens in zip(items, analysed):
        if maker.rng.random() < 1 / 3 and detect_style(sentence) == "plain":
            new = maker.convert_style(sentence, tokens, maker.rng.choice(["formal", "polite"]))
            if new and all(c in new for c in concepts):
                converted.append(new)
                sources.append(concepts)
    if not converted:
        return []
    return [maker.pair(s, t, c) for s, t, c in zip(converted, maker.analyse(converted), sources)]


def read_recipe(data_dir: Path) -> PrepareConfig | None:
    """The recipe `prepare` wrote these pairs with (None for pairs written before it kept one)."""
    path = data_dir / RECIPE
    return PrepareConfig(**json.loads(path.read_text(encoding="utf-8"))) if path.exists() else None


def read_pairs(path: Path) -> list[Pair]:
    with open(path, encoding="utf-8") as f:
        return [Pair(**json.loads(line)) for line in f]
