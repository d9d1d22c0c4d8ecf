"""The metrics of DESIGN.md on Korean CommonGen's official test split (three references).

Words are mecab-ko morphs. Paper-style scores compare a prediction with each reference alone
and keep the best, then average: BLEU-3/4 (the clipped n-gram precision of that order), ROUGE-2/L
(F with β = 1.2), METEOR (exact matches only); coverage is the share of the concept set's morphs
found among the prediction's morphs. With these definitions the published KoBART and mT5-large
predictions score exactly their published BLEU-4 and ROUGE-L. Standard scores are sacrebleu's corpus
BLEU on mecab-tokenised text and chrF. Particle errors are counted with mecab's tags against the
syllable before each particle.
"""

from __future__ import annotations

from collections import Counter
from functools import lru_cache

import mecab
import sacrebleu
import tossi

from bot.realize import PARTICLE_TAGS, UNIT_OF_FORM

BASELINES = {  # published on this split (Seo et al., 2022)
    "KoGPT2": {"bleu4": 18.91, "rougeL": 60.41, "coverage": 79.43},
    "KoBART": {"bleu4": 29.17, "rougeL": 68.55, "coverage": 93.65},
    "mT5-large": {"bleu4": 35.89, "rougeL": 72.78, "coverage": 95.07},
}
_mecab = None


def _tagger() -> mecab.MeCab:
    global _mecab
    if _mecab is None:
        _mecab = mecab.MeCab()
    return _mecab


@lru_cache(maxsize=100_000)
def morphs(text: str) -> tuple[str, ...]:
    return tuple(_tagger().morphs(text))


def _ngrams(tokens: tuple[str, ...], n: int) -> Counter:
    return Counter(tokens[i : i + n] for i in range(len(tokens) - n + 1))


def ngram_precision(hyp: tuple[str, ...], ref: tuple[str, ...], n: int) -> float:
    """Clipped n-gram precision of one order: the paper's "BLEU-n" (it reproduces the published
    KoBART 29.17 and mT5-large 35.89 BLEU-4 from their released predictions)."""
    h, r = _ngrams(hyp, n), _ngrams(ref, n)
    return sum(min(c, r[g]) for g, c in h.items()) / max(sum(h.values()), 1)


def _lcs(a: tuple[str, ...], b: tuple[str, ...]) -> int:
    prev = [0] * (len(b) + 1)
    for x in a:
        cur = [0]
        for j, y in enumerate(b):
            cur.append(prev[j] + 1 if x == y else max(prev[j + 1], cur[j]))
        prev = cur
    return prev[-1]


def _f(p: float, r: float, beta: float = 1.2) -> float:
    """F-measure with the β = 1.2 of the paper's ROUGE (reproduces its published ROUGE-L)."""
    return 0.0 if p == 0 or r == 0 else (1 + beta**2) * p * r / (r + beta**2 * p)


def rouge_n(hyp: tuple[str, ...], ref: tuple[str, ...], n: int = 2) -> float:
    h, r = _ngrams(hyp, n), _ngrams(ref, n)
    match = sum((h & r).values())
    return _f(match / max(sum(h.values()), 1), match / max(sum(r.values()), 1))


def rouge_l(hyp: tuple[str, ...], ref: tuple[str, ...]) -> float:
    lcs = _lcs(hyp, ref)
    return _f(lcs / max(len(hyp), 1), lcs / max(len(ref), 1))


def meteor_exact(hyp: tuple[str, ...], ref: tuple[str, ...]) -> float:
    """METEOR with exact matches only (no synonym tables offline): F-mean with fragmentation penalty."""
    used, align = set(), []
    for i, t in enumerate(hyp):
        j = next((j for j, u in enumerate(ref) if u == t and j not in used), None)
        if j is not None:
            used.add(j)
            align.append((i, j))
    m = len(align)
    if m == 0:
        return 0.0
    p, r = m / len(hyp), m / len(ref)
    fmean = 10 * p * r / (r + 9 * p)
    chunks = 1 + sum(1 for (i1, j1), (i2, j2) in zip(align, align[1:]) if not (i2 == i1 + 1 and j2 == j1 + 1))
    return fmean * (1 - 0.5 * (chunks / m) ** 3)


def coverage(concepts: list[str], prediction: str) -> float:
    wanted = [m for c in concepts for m in morphs(c)]
    got = set(morphs(prediction))
    return sum(m in got for m in wanted) / max(len(wanted), 1)


def particle_errors(sentence: str) -> tuple[int, int]:
    """(wrong allomorphs, allomorphic particles) in one sentence, by mecab's tags."""
    tagged = _tagger().pos(sentence)
    errors = total = 0
    for (prev, _), (form, tag) in zip(tagged, tagged[1:]):
        if tag.split("+")[0] in PARTICLE_TAGS and form in UNIT_OF_FORM and prev[-1:].strip():
            total += 1
            errors += tossi.pick(prev, form) != form
    return errors, total


def score(predictions: list[str], references: list[list[str]], concepts: list[list[str]]) -> dict:
    """Every DESIGN.md metric, as percentages (particle errors per 1,000 particles)."""
    sums: Counter = Counter()
    errors = particles = 0
    for pred, refs, cs in zip(predictions, references, concepts):
        h = morphs(pred)
        rs = [morphs(r) for r in refs]
        sums["bleu3"] += max(ngram_precision(h, r, 3) for r in rs)
        sums["bleu4"] += max(ngram_precision(h, r, 4) for r in rs)
        sums["rouge2"] += max(rouge_n(h, r, 2) for r in rs)
        sums["rougeL"] += max(rouge_l(h, r) for r in rs)
        sums["meteor"] += max(meteor_exact(h, r) for r in rs)
        sums["coverage"] += coverage(cs, pred)
        e, t = particle_errors(pred)
        errors, particles = errors + e, particles + t
    n = max(len(predictions), 1)
    out = {k: round(100 * v / n, 2) for k, v in sums.items()}
    tok = [" ".join(morphs(p)) for p in predictions]
    ref_streams = [[" ".join(morphs(r[k])) for r in references] for k in range(len(references[0]))]
    out["corpus_bleu"] = round(sacrebleu.corpus_bleu(tok, ref_streams, tokenize="none").score, 2)
    out["chrf"] = round(sacrebleu.corpus_chrf(predictions, [[r[k] for r in references]
                                                            for k in range(len(references[0]))]).score, 2)
    out["particle_errors_per_1000"] = round(1000 * errors / max(particles, 1), 2)
    out["empty"] = sum(not p.strip() for p in predictions)
    out["items"] = len(predictions)
    return out


def rule_counts(predictions: list[str], concepts: list[list[str]]) -> dict:
    """How many sentences break each output rule of DESIGN.md (checked with kiwipiepy)."""
    from training.forms import dictionary_form_left, glued_counter, runaway, used_as_itself

    made = [(p, c) for p, c in zip(predictions, concepts) if p.strip()]
    return {
        "no_sentence": len(predictions) - len(made),
        "word_not_as_itself": sum(not all(used_as_itself(w, p) for w in c) for p, c in made),
        "dictionary_form_left": sum(dictionary_form_left(p) for p, _ in made),
        "glued_counter": sum(glued_counter(p) for p, _ in made),
        "runaway": sum(runaway(p, c) for p, c in made),
    }


def evaluate(predictions: list[str], items: list[tuple[list[str], list[str]]]) -> dict:
    """The metrics and the rule counts of predictions for (concepts, references) items."""
    concepts = [c for c, _ in items]
    return {**score(predictions, [r for _, r in items], concepts), **rule_counts(predictions, concepts)}


def compose_all(engine, items: list[tuple[list[str], list[str]]], style: str | None = None) -> list[str]:
    """The engine's best sentence per item ("" where it gives none)."""
    from bot.words import ComposeError

    predictions = []
    for concepts, _ in items:
        try:
            predictions.append(engine.compose(concepts, style=style)[0].sentence)
        except ComposeError:
            predictions.append("")
    return predictions


def main(argv: list[str] | None = None) -> int:
    """Score a predictions file (one sentence per line, test order), e.g. the output of
    `ieum --batch`: python -m training.evaluate PREDICTIONS [--data ../shared/data]."""
    import argparse
    import json
    from pathlib import Path

    from training.sets import DATA_DIR, official_test

    p = argparse.ArgumentParser(prog="python -m training.evaluate", description=main.__doc__)
    p.add_argument("predictions", type=Path)
    p.add_argument("--data", type=Path, default=DATA_DIR)
    args = p.parse_args(argv)
    items = official_test(args.data)
    lines = args.predictions.read_text(encoding="utf-8").split("\n")[: len(items)]
    print(json.dumps(evaluate([line.split("\t")[0] for line in lines], items), ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
