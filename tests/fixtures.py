"""Small data the tests write themselves, in the real files' formats (no shared data needed)."""

from __future__ import annotations

import itertools
import random
from pathlib import Path

import tossi

SUBJECTS = ["고양이", "강아지", "아이", "남자", "여자", "학생", "할머니", "곰"]
PLACES = ["공원", "집", "학교", "부엌", "숲속", "바닷가"]
OBJECTS = ["사과", "공", "책", "빵", "우유", "그림"]
VERBS = [("먹", "먹는다"), ("보", "본다"), ("들", "든다"), ("좋아하", "좋아한다")]


def sentences(seed: int = 0) -> list[tuple[list[str], str]]:
    """(concepts, sentence) pairs such as (고양이, 공원, 사과, 먹) → 고양이가 공원에서 사과를 먹는다."""
    rows = []
    for s, p, o, (stem, verb) in itertools.product(SUBJECTS, PLACES, OBJECTS, VERBS):
        sentence = f"{tossi.postfix(s, '이')} {p}에서 {tossi.postfix(o, '을')} {verb}."
        rows.append(([s, p, o, stem], sentence))
    random.Random(seed).shuffle(rows)
    return rows


def write_data_dir(root: Path, n_train: int = 300, n_test: int = 12) -> Path:
    """A folder shaped like ../shared/data: korean_commongen/{train_*,test}.txt and open/*.txt."""
    rows = sentences()
    cg, op = root / "korean_commongen", root / "open"
    cg.mkdir(parents=True)
    op.mkdir()
    train, test = rows[:n_train], rows[n_train : n_train + n_test]
    half = len(train) // 2
    for name, part in (("train_image.txt", train[:half]), ("train_dialogue.txt", train[half:])):
        (cg / name).write_text("".join(f"[SOS] {'#'.join(c)} = {s} [EOS]\n" for c, s in part), encoding="utf-8")
    (cg / "test.txt").write_text(
        "".join(f"[SOS] {'#'.join(c)} = {s} = {s} = {s} [EOS]\n" for c, s in test), encoding="utf-8")
    (op / "stories.txt").write_text(
        "".join(s + "\n" for _, s in rows[n_train + n_test : n_train + n_test + 100]), encoding="utf-8")
    return root
