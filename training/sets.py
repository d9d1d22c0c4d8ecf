"""Korean CommonGen's file format, the data folder ($IEUM_DATA_DIR), and the evaluation sets,
each a list of (concepts, references): the official test, its users'-forms twin KCG-dict
(DESIGN.md), the held-out dev items and their twin, and the hand-written typed inputs of
bench/typed_inputs.tsv (one reference each). No kiwipiepy or torch at import, so the benchmarks
and `ieum-train --help` can use it in a runtime-only install."""

from __future__ import annotations

import os
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = Path(os.environ.get("IEUM_DATA_DIR") or ROOT.parent / "shared" / "data")
TYPED = ROOT / "bench" / "typed_inputs.tsv"

Items = list[tuple[list[str], list[str]]]
_CG_LINE = re.compile(r"^\[SOS\]\s*(.*?)\s*\[EOS\]\s*$")


def read_commongen(path: Path) -> list[tuple[list[str], list[str]]]:
    """(concepts, references) per line of a Korean CommonGen file."""
    items = []
    for line in path.read_text(encoding="utf-8").splitlines():
        m = _CG_LINE.match(line.strip())
        if not m:
            continue
        parts = [p.strip() for p in m.group(1).split(" = ")]
        concepts = [c.strip() for c in parts[0].split("#") if c.strip()]
        items.append((concepts, parts[1:]))
    return items


def official_test(data: Path = DATA_DIR) -> Items:
    return read_commongen(data / "korean_commongen" / "test.txt")


def dev(run: Path) -> Items:
    from training.data import read_pairs

    return [(p.words, [p.sentence]) for p in read_pairs(run / "data" / "dev.jsonl")]


def in_dictionary_forms(items: Items) -> Items:
    """KCG-dict: each verb or adjective concept as its lemma, the same references."""
    from training.forms import dictionary_form

    return [([dictionary_form(c) for c in concepts], refs) for concepts, refs in items]


def typed(path: Path = TYPED) -> Items:
    rows = path.read_text(encoding="utf-8").splitlines()[1:]
    return [([w.strip() for w in words.split(",")], [sentence])
            for _, words, sentence in (row.split("\t") for row in rows if row.strip())]
