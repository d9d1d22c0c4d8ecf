"""Composing speed: p50/p95 latency per sentence, throughput, peak RSS and load time, for
onnxruntime int8 (the shipped model), onnxruntime fp32 and the same network in torch eager, with
greedy and beam search, on 1 and 2 threads. Each configuration runs in its own process so that
load time and peak memory are its own.

    python -m bench.latency --run runs/main          # fp32 graphs and checkpoint from a training run
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

from bot.engine import Engine, find_exported
from bot.words import split_words
from training.sets import DATA_DIR, read_commongen

FALLBACK_INPUTS = ["백설공주, 동물들, 숲속, 이야기하다", "고양이, 생선, 먹다", "아이, 공원, 공, 차다",
                   "할머니, 시장, 사과, 사다", "피노키오, 제페토, 나무, 만들다"]


def load_inputs(count: int) -> list[list[str]]:
    """The first `count` concept sets of the official test split (or a small built-in list)."""
    test = DATA_DIR / "korean_commongen" / "test.txt"
    sets = [c for c, _ in read_commongen(test)] if test.is_file() else [split_words(t) for t in FALLBACK_INPUTS]
    return [sets[i % len(sets)] for i in range(count)]


class TorchSession:
    """A torch module behind onnxruntime's `run(None, feeds)` call, so the engine's search runs on it."""

    def __init__(self, module, names: list[str]) -> None:
        import torch

        self.torch, self.module, self.names = torch, module.eval(), names

    def run(self, _outputs, feeds: dict):
        with self.torch.inference_mode():
            out = self.module(*(self.torch.from_numpy(feeds[n]) for n in self.names))
        return [t.numpy() for t in out]


def make_engine(backend: str, run: Path, threads: int) -> Engine:
    if backend == "onnxruntime-int8":
        return Engine(find_exported(), threads=threads, searches_kept=0)
    if backend != "torch-eager":
        return Engine(run / "fp32", threads=threads, searches_kept=0)
    import torch

    from training.export import ENCODER_INPUTS, STEP_INPUTS, EncoderGraph, StepGraph
    from training.train import load_model

    torch.set_num_threads(threads)
    model = load_model(run / "model.pt")
    sessions = (TorchSession(EncoderGraph(model), ENCODER_INPUTS), TorchSession(StepGraph(model), STEP_INPUTS))
    return Engine(run / "fp32", threads=threads, sessions=sessions, searches_kept=0)


def worker(backend: str, run: Path, threads: int, beam: int, count: int, repeats: int) -> dict:
    """One configuration: load, warm up, then time every composition (median of `repeats` passes)."""
    start = time.perf_counter()
    engine = make_engine(backend, run, threads)
    load_s = time.perf_counter() - start
    inputs = load_inputs(count)
    for words in inputs[:10]:
        engine.compose(words, beam=beam)
    passes = []
    for _ in range(repeats):
        times = []
        for words in inputs:
            t = time.perf_counter()
            try:
                engine.compose(words, beam=beam)
            except ValueError:
                pass
            times.append((time.perf_counter() - t) * 1000)
        passes.append(times)
    per_item = [statistics.median(p[i] for p in passes) for i in range(count)]
    q = statistics.quantiles(per_item, n=20)
    return {"backend": backend, "threads": threads, "beam": beam, "p50_ms": statistics.median(per_item),
            "p95_ms": q[18], "per_s": 1000 * count / sum(per_item), "load_s": load_s,
            "peak_rss_mb": peak_rss_mb()}


def peak_rss_mb() -> float:
    """This process's peak resident memory (VmHWM: unlike ru_maxrss it does not carry over the
    parent's peak through fork and exec)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def outside(count: int) -> dict:
    """`ieum --batch` over `count` inputs, timed from outside the process (load time included)."""
    text = "\n".join(", ".join(w) for w in load_inputs(count)) + "\n"
    start = time.perf_counter()
    r = subprocess.run([sys.executable, "-m", "bot.cli", "--batch", "-"], input=text, capture_output=True,
                       text=True, check=True)
    wall = time.perf_counter() - start
    lines = r.stdout.split("\n")[:-1]
    return {"inputs": count, "wall_s": wall, "ms_per_sentence": 1000 * wall / count,
            "non_empty": sum(bool(x) for x in lines)}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="ieum-bench", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--run", type=Path, default=Path("runs/main"), help="training run with fp32/ and model.pt")
    p.add_argument("--count", type=int, default=400)
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--worker", nargs=3, metavar=("BACKEND", "THREADS", "BEAM"), help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.worker:
        backend, threads, beam = args.worker
        print(json.dumps(worker(backend, args.run, int(threads), int(beam), args.count, args.repeats)))
        return 0
    backends = ["onnxruntime-int8"]
    if (args.run / "fp32" / "model.json").is_file():
        backends.append("onnxruntime-fp32")
        if importlib.util.find_spec("torch") and (args.run / "model.pt").is_file():
            backends.append("torch-eager")
    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
          f"python {platform.python_version()}; {args.count} inputs, median of {args.repeats} passes")
    print(f"{'backend':18}{'threads':>8}{'search':>8}{'p50 ms':>9}{'p95 ms':>9}{'sent/s':>9}"
          f"{'load s':>8}{'RSS MB':>8}")
    for backend in backends:
        for threads in (1, 2):
            for beam in (1, 4):
                cmd = [sys.executable, "-m", "bench.latency", "--run", str(args.run), "--count", str(args.count),
                       "--repeats", str(args.repeats), "--worker", backend, str(threads), str(beam)]
                r = json.loads(subprocess.run(cmd, capture_output=True, text=True, check=True).stdout)
                search = "greedy" if beam == 1 else f"beam{beam}"
                print(f"{backend:18}{threads:>8}{search:>8}{r['p50_ms']:>9.2f}{r['p95_ms']:>9.2f}"
                      f"{r['per_s']:>9.1f}{r['load_s']:>8.2f}{r['peak_rss_mb']:>8.0f}", flush=True)
    o = outside(args.count)
    print(f"ieum --batch from outside: {o['inputs']} inputs in {o['wall_s']:.2f} s "
          f"= {o['ms_per_sentence']:.2f} ms per sentence (beam 4, 1 thread, load included), "
          f"{o['non_empty']} non-empty")
    return 0


if __name__ == "__main__":
    sys.exit(main())
