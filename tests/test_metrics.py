"""The DESIGN.md metrics behave as defined."""

from __future__ import annotations

from training.evaluate import coverage, morphs, ngram_precision, particle_errors, rouge_l, score


def test_identical_prediction_scores_full_marks():
    refs = [["고양이가 생선을 먹는다.", "고양이는 생선을 좋아한다.", "생선을 먹는 고양이."]]
    m = score(["고양이가 생선을 먹는다."], refs, [["고양이", "생선", "먹"]])
    assert m["bleu4"] == 100 and m["rougeL"] == 100 and m["coverage"] == 100
    assert m["particle_errors_per_1000"] == 0 and m["empty"] == 0


def test_best_reference_is_kept():
    h = morphs("고양이가 생선을 먹는다.")
    assert ngram_precision(h, morphs("개가 뼈를 씹는다."), 4) == 0
    assert rouge_l(h, h) == 1.0
    # the matching reference is the third: every paper-style score takes the best one
    m = score(["고양이가 생선을 먹는다."], [["개가 뼈를 씹는다.", "새가 난다.", "고양이가 생선을 먹는다."]],
              [["고양이", "생선", "먹"]])
    assert m["bleu4"] == 100 and m["rougeL"] == 100 and m["rouge2"] == 100


def test_coverage_counts_concept_morphs():
    assert coverage(["고양이", "자동차"], "고양이가 잔다.") == 0.5


def test_particle_errors_are_counted():
    errors, total = particle_errors("계피을 먹고 바닷가를 걸었다.")
    assert errors == 1 and total == 2
