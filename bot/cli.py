"""`ieum`: compose sentences from the command line (one input, or a batch, one per line)."""

from __future__ import annotations

import argparse
import io
import json
import os
import sys
import time
from typing import TextIO

from bot.engine import Engine, ExportedModelError
from bot.explain import explain
from bot.realize import STYLES
from bot.words import ComposeError, split_words, words_from_args


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="ieum", description="Compose one grammatical Korean sentence from content words.",
        epilog="example: ieum 백설공주, 동물들, 숲속, 이야기하다")
    p.add_argument("words", nargs="*", help="the words (or one quoted argument split by , # ; or spaces)")
    p.add_argument("--batch", metavar="FILE", help="one input per line ('-' = stdin), one output line each")
    p.add_argument("--n", type=int, default=1, metavar="K", help="K alternatives, best first")
    p.add_argument("--style", choices=STYLES, help="plain 한다체 / polite 해요체 / formal 합니다체")
    p.add_argument("--json", action="store_true", help="one JSON object per input")
    p.add_argument("--explain", action="store_true", help="explain each particle of the sentence (조사 설명)")
    p.add_argument("--exported", metavar="DIR", help="model folder (default: $IEUM_EXPORTED or the shipped one)")
    p.add_argument("--threads", type=int, default=1, help="onnxruntime threads")
    p.add_argument("--beam", type=int, help="beam width (default: the engine's, 4, and 16 for a single word)")
    return p


def run_one(engine: Engine, words: list[str], args: argparse.Namespace) -> dict:
    start = time.perf_counter()
    try:
        found = engine.compose(words, n=args.n, style=args.style, beam=args.beam)
        result = {"words": words, "sentences": [c.sentence for c in found],
                  "ms": round((time.perf_counter() - start) * 1000, 2)}
        if args.explain:
            result["explanations"] = [explain(c.sentence, c.particles) for c in found]
        return result
    except ComposeError as e:
        return {"words": words, "error": e.bilingual(), "ms": round((time.perf_counter() - start) * 1000, 2)}


def run_batch(engine: Engine, stream: TextIO, out: TextIO, args: argparse.Namespace) -> None:
    """Same count, same order: a line that cannot be composed gives an empty line (error on stderr)."""
    text = stream.read()
    lines = text.split("\n")
    if text.endswith("\n"):
        lines.pop()
    for number, line in enumerate(lines, 1):
        try:
            result = run_one(engine, split_words(line), args)
        except ComposeError as e:
            result = {"words": [], "error": e.bilingual(), "ms": 0.0}
        if "error" in result:
            print(f"line {number}: {result['error']}", file=sys.stderr)
        if args.json:
            out.write(json.dumps(result, ensure_ascii=False) + "\n")
        else:
            out.write("\t".join(result.get("sentences", [])) + "\n")
        out.flush()


def main(argv: list[str] | None = None) -> int:
    """Run `ieum`; a reader that stops early (`ieum --batch big.txt | head`) ends it quietly, with
    the shell's status for a broken pipe (128 + SIGPIPE), not a traceback."""
    try:
        return _main(argv)
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # no second error at exit's flush
        return 141


def _main(argv: list[str] | None) -> int:
    args = build_parser().parse_args(argv)
    if args.n < 1 or (args.beam is not None and args.beam < 1) or args.threads < 1:
        print("--n, --beam, --threads는 1 이상이어야 합니다 / --n, --beam and --threads must be ≥ 1", file=sys.stderr)
        return 2
    if bool(args.batch) == bool(args.words):
        print("단어를 주거나 --batch 파일을 주세요 (둘 중 하나) / give words or --batch FILE (one of them)",
              file=sys.stderr)
        return 2
    try:
        words = words_from_args(args.words) if args.words else []
    except ComposeError as e:
        print(e.bilingual(), file=sys.stderr)
        return 2
    try:
        engine = Engine(args.exported, threads=args.threads)
    except ExportedModelError as e:
        print(f"모델을 불러올 수 없습니다 / cannot load the model: {e}", file=sys.stderr)
        return 1
    if args.batch:
        try:
            stream = (io.TextIOWrapper(sys.stdin.buffer, encoding="utf-8", errors="replace", newline="")
                      if args.batch == "-" else
                      open(args.batch, encoding="utf-8", errors="replace", newline=""))
        except OSError as e:
            print(f"파일을 열 수 없습니다 / cannot open {args.batch}: {e.strerror}", file=sys.stderr)
            return 2
        with stream:
            run_batch(engine, stream, sys.stdout, args)
        return 0
    result = run_one(engine, words, args)
    if args.json:
        print(json.dumps(result, ensure_ascii=False))
    if "error" in result:
        print(result["error"], file=sys.stderr)
        return 2
    if not args.json:
        print("\n\n".join(result["explanations"]) if args.explain else "\n".join(result["sentences"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
