"""How often the requested speech level is what comes out: the first `count` test concept sets,
each composed in 합니다체, 해요체 and 한다체, each sentence's ending checked.

    IEUM_DATA_DIR=../shared/data python -m bench.styles --count 200
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter

from bench.latency import load_inputs
from bot.engine import Engine
from bot.realize import STYLES, detect_style
from bot.words import uses


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.styles", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--count", type=int, default=200)
    args = p.parse_args(argv)
    engine = Engine()
    hits, misses, covered = Counter(), [], 0
    inputs = load_inputs(args.count)
    for words in inputs:
        for style in STYLES:
            sentence = engine.compose(words, style=style)[0].sentence
            hits[style] += detect_style(sentence) == style
            covered += all(uses(w, sentence) for w in words)
            if detect_style(sentence) != style:
                misses.append((style, sentence))
    for style in STYLES:
        print(f"{style:7} {hits[style]}/{len(inputs)} = {100 * hits[style] / len(inputs):.1f}%")
    total = sum(hits.values())
    print(f"all     {total}/{3 * len(inputs)} = {100 * total / (3 * len(inputs)):.1f}%; "
          f"every word used in {covered}/{3 * len(inputs)}")
    for style, sentence in misses[:10]:
        print(f"  asked {style}: {sentence}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
