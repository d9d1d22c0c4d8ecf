"""Writes bot/adjectives.txt and bot/verbs.txt: the dictionary forms of adjectives, which may end
a plain sentence as they are (하늘이 파랗다), and of verbs, which may not (배가 떠다니다). The
runtime has no kiwipiepy, so the lists are read off the training text once with it: VA / VV lemmas
and noun/root + 하 (XSA / XSV), seen at least twice, each word in the list it is more often in
(an adjective when as often as a verb).

    python -m training.lexicon [--data ../shared/data] [--per-file 8000]
"""

from __future__ import annotations

import argparse
from collections import Counter
from pathlib import Path

from training.forms import kiwi
from training.sets import DATA_DIR, read_commongen

BOT = Path(__file__).resolve().parent.parent / "bot"


def predicates(sentences: list[str]) -> tuple[list[str], list[str]]:
    """(adjectives, verbs) in dictionary form, as kiwipiepy reads them in `sentences`."""
    adjective, verb = Counter(), Counter()
    for tokens in kiwi().tokenize(sentences):
        for a, b in zip(tokens, tokens[1:] + [None]):
            if a.tag.startswith("VA"):
                adjective[a.lemma] += 1
            elif a.tag.startswith("VV"):
                verb[a.lemma] += 1
            if b is not None and b.start == a.start + a.len and a.tag in ("XR", "NNG") and b.tag in ("XSA", "XSV"):
                (adjective if b.tag == "XSA" else verb)[a.form + b.form + "다"] += 1
    seen = {w for w in adjective.keys() | verb.keys() if w.endswith("다") and all("가" <= ch <= "힣" for ch in w)}
    return (sorted(w for w in seen if adjective[w] >= 2 and adjective[w] >= verb[w]),
            sorted(w for w in seen if verb[w] >= 2 and verb[w] > adjective[w]))


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m training.lexicon", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--data", type=Path, default=DATA_DIR)
    p.add_argument("--per-file", type=int, default=8000, help="sentences read from each open file")
    args = p.parse_args(argv)
    sentences = [s for f in sorted((args.data / "open").glob("*.txt"))
                 for s in f.read_text(encoding="utf-8").splitlines()[: args.per_file]]
    for f in sorted((args.data / "korean_commongen").glob("train_*.txt")):
        sentences += [refs[0] for _, refs in read_commongen(f) if refs]
    for name, words in zip(("adjectives", "verbs"), predicates(sentences)):
        (BOT / f"{name}.txt").write_text("\n".join(words) + "\n", encoding="utf-8")
        print(f"{len(words)} {name} -> {BOT / f'{name}.txt'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
