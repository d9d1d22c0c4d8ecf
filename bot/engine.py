"""The composing engine: words in, sentences out, on onnxruntime (CPU) with a numpy beam search.

One `Engine` is loaded once (it checks every file of exported/ against model.json first) and
serves the CLI, the bot and the benchmarks through `compose`. The beam search is lexically
constrained: a copy slot is used at most once, and the sentence may neither close (. ? !) nor end
until every word is in it as itself and the output rules hold (bot.words.uses, bot.rules.fault).
A copy slot writes its word as `slot_text` gives it (a predicate's stem, so the model writes the
ending). A plain beam is tried first, since the constraint rarely binds and a plain beam keeps its
fluency; then the fallback schedule `SEARCHES`. Its last pass only asks for every word somewhere in
the sentence, so that every input gets one. 합니다체 and 해요체 are the plain sentence with its ending
restyled by rule (bot.restyle), so that the levels differ only in their ending.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Protocol

import numpy as np
import onnxruntime as ort
import sentencepiece as spm

from bot.hangul import is_syllable
from bot.realize import (
    GLUE,
    MAX_WORDS,
    STYLES,
    Particle,
    detect_style,
    finish_sentence,
    realize,
    realize_particles,
    style_token,
)
from bot.restyle import adjectives, restyle
from bot.rules import STEM_SHAPES, complete_bare_stem, fault, fits_after, stem_shape
from bot.tokens import BOS, EOS, PAD, UNK, encode_source, slot_base
from bot.words import ComposeError, bare_stem, model_words, normalize_words, slot_text, typed_as_stems, uses

FORMAT_VERSION = 1
PACKAGED_EXPORTED = Path(__file__).resolve().parent.parent / "exported"


class ExportedModelError(RuntimeError):
    """exported/ is missing a file, or a file does not match model.json."""


class NoSentenceError(ComposeError):
    """The beam could not build a sentence that uses every word."""


@dataclass(frozen=True)
class Composition:
    sentence: str
    score: float  # length-normalised log-probability under the model (0.0: made by rule, Engine._said_alone)
    ms: float  # wall time of the compose call that produced it
    particles: tuple[Particle, ...] = ()  # each particle unit realised, with its offset in `sentence`


@dataclass(frozen=True)
class Search:
    """One pass of the fallback schedule: beam width × `widen`, banks by words used, each word
    used as itself (strict) or only somewhere, and the output rules kept (rules) or not."""

    widen: int
    banks: bool
    strict: bool
    rules: bool = True


# a plain beam keeps the model's fluency and nearly always suffices; then banks (Post & Vilar
# 2018), a beam 4 and 16 times wider; then every word only somewhere but the output rules still
# kept (no runaway chain for a fragment such as 핫 of 핫도그), and last neither, so that every
# input gets a sentence
SEARCHES = (Search(1, False, True), Search(1, True, True), Search(4, True, True), Search(16, True, True),
            Search(4, True, False), Search(4, True, False, rules=False))


# one word gives the model the most freedom and the least to go on: a 4-wide beam wrote 생일은 뭘
# 것입니다, 지민은 많은 것입니다, 꽃이 많은 것이 있습니다 where a 16-wide one finds 생일입니다, 지민이
# 있습니다, 꽃이 있습니다 (a sentence of one or two eojeols costs little even 16 wide)
ONE_WORD_BEAM = 16

RESTYLED = ("formal", "polite")  # levels composed in the plain level, then restyled

# the last resort strings a long list into a chain (…봤다고 합니다고 싶어 하고…): past Korean
# CommonGen's longest lists (7 words) a list the strict passes cannot join gets a polite request
# for fewer words instead
LOOSE_MAX_WORDS = 7

# recent searches kept: the levels share the plain search (a level button costs no new search), a
# classroom sends the same words, and a list no pass can join is refused at once the next time
SEARCHES_KEPT = 512

# candidates read per step: enough that refused closings (one per closing piece) cannot starve
# the beam; of them, twice the beam is kept before the banks reorder and the beam cuts
CANDIDATE_MARGIN, CANDIDATES_KEPT = 4, 2


@dataclass
class _Hyp:
    tokens: list[int]
    logp: float
    used: frozenset[int] = field(default_factory=frozenset)  # copy slots already written


def find_exported(path: str | os.PathLike | None = None) -> Path:
    """`path`, else $IEUM_EXPORTED, else the exported/ shipped beside the code."""
    return Path(path or os.environ.get("IEUM_EXPORTED") or PACKAGED_EXPORTED)


ROLES = ("encoder", "step", "tokenizer")  # the files the runtime loads, by their role in model.json
_EXTERNAL_DATA = b"\x0a\x08location"  # an ONNX tensor stored in another file names it in a `location` entry


def load_card(exported: Path) -> dict:
    """Read model.json and verify every file it names; raise ExportedModelError naming the file.

    Each file must lie inside `exported` (no `..`, no absolute path, no link out), match its sha256,
    and an ONNX file must hold all its weights itself: external data would load unhashed bytes."""
    card_path = exported / "model.json"
    if not card_path.is_file():
        raise ExportedModelError(f"{card_path}: missing — no exported model here (run `ieum-train export`)")
    try:
        card = json.loads(card_path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as e:
        raise ExportedModelError(f"{card_path}: not valid JSON ({e})") from None
    if card.get("format_version") != FORMAT_VERSION:
        raise ExportedModelError(
            f"{card_path}: format_version {card.get('format_version')!r}, this runtime reads {FORMAT_VERSION}")
    files = card.get("files")
    files = files if isinstance(files, dict) else {}
    for role in ROLES:
        entry = files.get(role)
        if not isinstance(entry, dict) or not isinstance(entry.get("path"), str) or "sha256" not in entry:
            raise ExportedModelError(f"{card_path}: no {role} file (files.{role}.path and .sha256 are required)")
    root = exported.resolve()
    for role, entry in files.items():
        path = (exported / str(entry.get("path", ""))).resolve()
        if not path.is_relative_to(root):
            raise ExportedModelError(f"{card_path}: the {role} file {entry.get('path')!r} lies outside {exported}")
        if not path.is_file():
            raise ExportedModelError(f"{path}: missing ({role} file named in model.json)")
        data = path.read_bytes()
        if hashlib.sha256(data).hexdigest() != entry.get("sha256"):
            raise ExportedModelError(f"{path}: sha256 does not match model.json — file changed or corrupt")
        if path.suffix == ".onnx" and _EXTERNAL_DATA in data:
            raise ExportedModelError(f"{path}: refers to external data files, which are not checked — "
                                     "export with all weights inside the .onnx file")
    return card


class Session(Protocol):
    def run(self, output_names: None, feeds: dict[str, np.ndarray]) -> list[np.ndarray]: ...


def _ort_session(path: Path, threads: int) -> ort.InferenceSession:
    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    return ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])


def length_penalty(tokens: int, alpha: float) -> float:
    """GNMT's ((5 + length) / 6) ** alpha: a hypothesis's log-probability is divided by it."""
    return ((5 + tokens) / 6) ** alpha


class Engine:
    """Load exported/ once; `compose(words, n, style)` returns the n best sentences."""

    def __init__(self, exported: str | os.PathLike | None = None, threads: int = 1, beam: int = 4,
                 length_alpha: float = 0.8, max_extra_tokens: int = 24,
                 sessions: tuple[Session, Session] | None = None, searches_kept: int = SEARCHES_KEPT) -> None:
        """`sessions` (encoder, step) replace the onnxruntime ones: anything with onnxruntime's
        `run(None, feeds)`, e.g. the torch graphs the latency benchmark compares. `searches_kept`:
        how many recent searches are remembered (0 for a benchmark that times repeated lists)."""
        self.dir = find_exported(exported)
        self.card = load_card(self.dir)
        files = self.card["files"]
        self.sp = spm.SentencePieceProcessor(model_file=str(self.dir / files["tokenizer"]["path"]))
        self.encoder, self.step = sessions or (_ort_session(self.dir / files[role]["path"], threads)
                                               for role in ("encoder", "step"))
        self.beam = beam
        self.length_alpha = length_alpha
        self.max_extra_tokens = max_extra_tokens
        self.slot0 = slot_base(self.sp)
        self._glue = self.sp.piece_to_id(GLUE)
        vocab = self.sp.get_piece_size()
        self._banned = np.zeros(vocab, dtype=bool)
        self._banned[[PAD, UNK, BOS] + [self.sp.piece_to_id(style_token(s)) for s in STYLES]] = True
        # pieces that end a sentence: not allowed until every word is in it
        self._closers = frozenset(i for i in range(vocab) if any(
            ch in self.sp.id_to_piece(i) for ch in ".?!") or self.sp.id_to_piece(i) in ("<0x2E>", "<0x3F>", "<0x21>"))
        self._ends = sorted(self._closers | {EOS})
        # what may follow a stem written by its slot, by the stem's shape: an ending glued to it that
        # fits it (not 가+습니다, 맵+은), or the sentence's end, where complete_bare_stem adds one
        firsts = [self.sp.id_to_piece(i)[:1] for i in range(vocab)]
        endings = [i not in self._closers and i != EOS for i in range(vocab)]
        syllables = {f for f in firsts if is_syllable(f)}
        self._not_after_stem = {}
        for shape in STEM_SHAPES:
            fitting = {f for f in syllables if fits_after(shape, f)}  # once per first syllable, not per piece
            self._not_after_stem[shape] = np.flatnonzero([e and f not in fitting for e, f in zip(endings, firsts)])
        self._searched = lru_cache(maxsize=searches_kept)(self._schedule)

    # -- public ---------------------------------------------------------------------------------
    def compose(self, words: list[str], n: int = 1, style: str | None = None,
                beam: int | None = None) -> list[Composition]:
        """The `n` best sentences using every word, best first; raises ComposeError subclasses."""
        start = time.perf_counter()
        words = model_words(normalize_words(list(words)))
        if style is not None and style not in STYLES:
            raise ValueError(f"style must be one of {STYLES}")
        width = max(beam or (ONE_WORD_BEAM if len(words) == 1 else self.beam), n)
        if style in RESTYLED:
            # the model writes the plain level and the ending is restyled by rule: given the level's
            # own token it reads worse (목마르면 나는 거라 합니다 for 나는 목마릅니다); the token is
            # for an ending restyle cannot turn (a question, a polite word typed as the user wrote it)
            restyled = self._restyled(self._finished(words, "plain", width), words, style)
            finished = ([f for f in restyled if detect_style(f[1]) == style]
                        or self._restyled(self._finished(words, style, width), words, style))
        else:
            finished = self._finished(words, style or "plain", width)
        ms = (time.perf_counter() - start) * 1000
        seen, out = set(), []
        for score, sentence, particles in sorted(finished, key=lambda f: -f[0]):
            if sentence not in seen:
                seen.add(sentence)
                # a restyled ending keeps the particles before it; drop any it rewrote
                kept = tuple(p for p in particles if sentence[p.start : p.start + len(p.form)] == p.form)
                out.append(Composition(sentence, score, ms, kept))
        return out[:n]

    def _finished(self, words: list[str], style: str, width: int) -> list[tuple[float, str, tuple[Particle, ...]]]:
        """The finished hypotheses of the first pass of the fallback schedule that yields any
        (remembered for the last `SEARCHES_KEPT` lists; the engine is deterministic)."""
        found = self._searched(tuple(words), style, width)
        if isinstance(found, NoSentenceError):
            raise NoSentenceError(found.korean, found.english)
        return found

    def _schedule(self, words: tuple[str, ...], style: str, width: int
                  ) -> list[tuple[float, str, tuple[Particle, ...]]] | NoSentenceError:
        """The fallback schedule, pass by pass; a refusal is returned, not raised, so that it is
        remembered too (and without a traceback holding the search's arrays)."""
        words = list(words)
        ids, slots = encode_source(self.sp, words, style)
        encoded = self.encoder.run(None, {"src": np.array([ids], dtype=np.int64)})
        for search in SEARCHES:
            if not search.strict and len(words) > LOOSE_MAX_WORDS:
                return NoSentenceError(
                    f"단어가 많아서 자연스러운 한 문장으로 잇지 못했습니다. {LOOSE_MAX_WORDS}개 이하로 줄이거나 "
                    "두 번에 나눠 보내 주세요.",
                    f"too many words to join into one natural sentence: send at most {LOOSE_MAX_WORDS}, "
                    "or split them in two")
            if finished := self._search(words, encoded, slots, search.widen * width, search):
                return self._said_alone(words) + finished
        return NoSentenceError("모든 단어를 넣은 문장을 만들지 못했습니다. 단어를 바꾸거나 줄여서 다시 보내 주세요.",
                              "could not build a sentence that uses every word")

    @staticmethod
    def _said_alone(words: list[str]) -> list[tuple[float, str, tuple[Particle, ...]]]:
        """An adjective typed alone is the whole sentence (아프다 → 아픕니다, 파랗다 → 파래요), made by
        rule and scored 0.0, ahead of the model's: given nothing to describe, the model invents a
        subject (귀여운 게 아픕니다, 파란 화장실은 맛있습니다) or stops at the modifier (파란.)."""
        return [(0.0, finish_sentence(words[0]), ())] if len(words) == 1 and words[0] in adjectives() else []

    @property
    def parameters(self) -> int:
        return int(self.card["parameters"])

    @property
    def precision(self) -> str:
        return self.card.get("precision", "fp32")

    # -- search ---------------------------------------------------------------------------------
    def _search(self, words: list[str], encoded: list[np.ndarray], slots: list[int], width: int,
                search: Search) -> list[tuple[float, str, tuple[Particle, ...]]]:
        """One beam search over the encoder's outputs (`encoded`, computed once per compose)."""
        enc, keys, h, c = encoded
        enc_b = np.repeat(enc, width, 0)
        keys_b = np.repeat(keys, width, 0)
        slots_b = np.repeat(np.array([slots], dtype=np.int64), width, 0)
        banned = self._banned.copy()
        banned[self.slot0 + len(words) : self.slot0 + MAX_WORDS] = True
        banned = np.flatnonzero(banned)
        # the slot of a verb or adjective in 다-form writes its stem, which takes an ending
        stems = {self.slot0 + i: self._not_after_stem[stem_shape(stem, w in adjectives())]
                 for i, w in enumerate(words) if search.rules and (stem := bare_stem(w))}
        texts = [slot_text(w) for w in words]  # what each copy slot writes
        # a copy slot is evidence enough for a Korean CommonGen-style stem (앉 + 아서); in a list
        # typed with dictionary forms, every word is checked (not 물 + 어보고, 나 + 고)
        nouns_bare = not typed_as_stems(words)
        live = [_Hyp([BOS], 0.0)]
        finished: list[tuple[float, str, tuple[Particle, ...]]] = []
        for left in range(len(slots) + self.max_extra_tokens, 0, -1):  # steps left
            b = len(live)
            logp, h, c = self.step.run(None, {
                "y": np.array([[hyp.tokens[-1]] for hyp in live], dtype=np.int64),
                "h": h, "c": c, "enc": enc_b[:b], "keys": keys_b[:b], "slots": slots_b[:b]})
            logp[:, banned] = -np.inf
            for row, hyp in zip(logp, live):
                row[[self.slot0 + i for i in hyp.used]] = -np.inf
                row[_repeated_trigram_ends(hyp.tokens)] = -np.inf
                if hyp.tokens[-1] in stems:
                    row[stems[hyp.tokens[-1]]] = -np.inf
                elif hyp.tokens[-1] in self._closers:  # one sentence: 있다.. and 통한다. 한다. end at the first
                    _only(row, [EOS])
                if not search.rules and (missing := len(words) - len(hyp.used)) + 2 >= left:
                    # the last resort out of steps: the words not yet written come now, then the end
                    _only(row, [self.slot0 + i for i in range(len(words)) if i not in hyp.used] if missing
                          else self._ends)
            scores = logp + np.array([[hyp.logp] for hyp in live])
            ending: dict[int, tuple[str, tuple[Particle, ...]] | None] = {}  # row -> its sentence if complete
            next_live, sources = [], []
            for row, token in _top(scores, width * (len(self._closers) + CANDIDATE_MARGIN)):
                if len(next_live) == CANDIDATES_KEPT * width:
                    break
                hyp, score = live[row], float(scores[row, token])
                if token == EOS or token in self._closers:
                    if row not in ending:
                        ending[row] = self._ending(hyp, words, texts, nouns_bare, search)
                    if ending[row] is None:
                        continue
                if token == EOS:
                    finished.append((score / length_penalty(len(hyp.tokens), self.length_alpha), *ending[row]))
                    continue
                used = hyp.used | {token - self.slot0} if self._is_slot(token) else hyp.used
                next_live.append(_Hyp(hyp.tokens + [token], score, used))
                sources.append(row)
            if search.banks:
                order = _bank_order([len(x.used) for x in next_live])
                next_live = [next_live[i] for i in order]
                sources = [sources[i] for i in order]
            next_live, sources = next_live[:width], sources[:width]
            if len(finished) >= width or not next_live:
                break
            live = next_live
            h, c = h[:, sources], c[:, sources]
        return finished

    def _restyled(self, finished: list[tuple[float, str, tuple[Particle, ...]]], words: list[str],
                  style: str) -> list[tuple[float, str, tuple[Particle, ...]]]:
        return [(score, self._in_style(sentence, words, style), particles) for score, sentence, particles in finished]

    @staticmethod
    def _in_style(sentence: str, words: list[str], style: str) -> str:
        """The sentence in the asked level: as the model wrote it, or with its plain ending
        rewritten (a word copied as written, such as 본다, can pin the model to 한다체)."""
        if detect_style(sentence) == style:
            return sentence
        converted = restyle(sentence, style)
        nouns_bare = not typed_as_stems(words)
        keeps_words = converted and all(uses(w, converted, nouns_bare) or not uses(w, sentence, nouns_bare)
                                        for w in words)
        return converted if keeps_words else sentence

    def _is_slot(self, token: int) -> bool:
        return self.slot0 <= token < self.slot0 + MAX_WORDS

    def _ending(self, hyp: _Hyp, words: list[str], texts: list[str], nouns_bare: bool,
                search: Search) -> tuple[str, tuple[Particle, ...]] | None:
        """The realised sentence and its particles if `hyp` may end here, else None. Strict: every
        word written by its copy slot or used as itself (`uses`); else every word's slot, text or
        conjugated stem (생기 in 생겨서) somewhere in the sentence. Rules: no output rule broken
        (`fault`)."""
        text = self.sp.decode(hyp.tokens[1:])
        sentence = complete_bare_stem(realize(text, texts), words)
        if search.strict:
            # a slot glued to the text before it is no evidence that its word stands as itself
            glued = {t - self.slot0 for g, t in zip(hyp.tokens, hyp.tokens[1:]) if g == self._glue}
            unchecked = [w for i, w in enumerate(words) if nouns_bare or i not in hyp.used or i in glued]
            ok = all(uses(w, sentence, nouns_bare) for w in unchecked)
        else:
            ok = all(i in hyp.used or text in sentence or uses(w, sentence)
                     for i, (w, text) in enumerate(zip(words, texts)))
        # a list too long for the loose passes may keep a denial rather than go without a sentence
        ok = ok and not (search.rules and fault(sentence, words, denial_allowed=len(words) > LOOSE_MAX_WORDS))
        return (sentence, realize_particles(text, texts)[1]) if ok else None


def _top(scores: np.ndarray, k: int) -> list[tuple[int, int]]:
    """(row, token) of the k best finite scores, best first."""
    flat = scores.ravel()
    k = min(k, flat.size)
    idx = np.argpartition(flat, flat.size - k)[flat.size - k :]
    idx = idx[np.argsort(-flat[idx])]
    rows, tokens = np.divmod(idx[np.isfinite(flat[idx])], scores.shape[1])
    return list(zip(rows.tolist(), tokens.tolist()))


def _only(row: np.ndarray, allowed: list[int]) -> None:
    """Every score of `row` but those of `allowed` set to -inf, in place."""
    kept = row[allowed]
    row[:] = -np.inf
    row[allowed] = kept


def _repeated_trigram_ends(tokens: list[int]) -> list[int]:
    """Tokens that would repeat a trigram already in `tokens` (stops 'a b c a b c' loops)."""
    if len(tokens) < 3:
        return []
    last = tuple(tokens[-2:])
    return [tokens[i + 2] for i in range(len(tokens) - 2) if tuple(tokens[i : i + 2]) == last]


def _bank_order(used_counts: list[int]) -> list[int]:
    """Candidates (already best-first) re-ordered round-robin over banks of equal word coverage,
    the most-covering bank first, so hypotheses that use more words keep a place in the beam."""
    banks: dict[int, list[int]] = {}
    for i, count in enumerate(used_counts):
        banks.setdefault(count, []).append(i)
    queues = [banks[k] for k in sorted(banks, reverse=True)]
    order = []
    while any(queues):
        for q in queues:
            if q:
                order.append(q.pop(0))
    return order
