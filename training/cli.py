"""`ieum-train`: the offline pipeline, one resumable step per subcommand.

    ieum-train all --data ../shared/data            # prepare → tokenizer → train → export → evaluate
    ieum-train train --run runs/main                 # resumes from runs/main/checkpoint.pt
    ieum-train feedback export fb.tsv --store S      # the bot's 틀렸어요 corrections → training pairs
    ieum-train prepare --extra fb.tsv --force        # prepare with those pairs added to the train set
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
import time
from dataclasses import MISSING, fields
from pathlib import Path

from training.config import ComposerConfig, PrepareConfig, TrainConfig
from training.sets import DATA_DIR

log = logging.getLogger("ieum-train")
ROOT = Path(__file__).resolve().parent.parent


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="ieum-train", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("step", choices=[*STEPS, "all", "feedback"])
    p.add_argument("action", nargs="*", metavar="export OUT.tsv", help="feedback: export OUT.tsv")
    p.add_argument("--store", default=os.environ.get("IEUM_STORE", ".ieum/settings.sqlite3"),
                   help="feedback export: the bot's store (SQLite path or redis:// URL)")
    p.add_argument("--extra", type=Path, action="append", default=[],
                   help="prepare: a feedback TSV (from `feedback export`) whose corrections join the train set")
    p.add_argument("--data", type=Path, default=DATA_DIR,
                   help="folder with korean_commongen/ and open/")
    p.add_argument("--run", type=Path, default=ROOT / "runs" / "main", help="work folder (pairs, checkpoints)")
    p.add_argument("--exported", type=Path, default=ROOT / "exported", help="where export writes")
    p.add_argument("--force", action="store_true", help="redo prepare/tokenizer even if their output exists")
    for config, fixed in FIXED_FIELDS.items():
        for f in fields(config):
            if f.name not in fixed:
                default = f.default if f.default is not MISSING else None
                p.add_argument("--" + f.name.replace("_", "-"), dest=f.name, default=default,
                               type=_flag_type(default), help=f"{config.__name__}.{f.name} (default {default!r})")
    p.add_argument("--split", choices=("test", "dev"), default="test", help="what evaluate decodes")
    p.add_argument("--eval-sets", default="official,kcg_dict,typed,dev,dev_dict",
                   help="evaluate: which sets of the split (official, kcg_dict, typed / dev, dev_dict)")
    p.add_argument("--beam", type=int, default=4)
    return p


# each config's fields that get no flag: the model's sizes come from the tokenizer, not from flags
FIXED_FIELDS = {PrepareConfig: set(), TrainConfig: {"model"}, ComposerConfig: {"vocab_size", "slot_base", "n_slots"}}


def _flag_type(default: object):
    if isinstance(default, bool):
        return lambda text: text.lower() in ("1", "true", "yes")
    return type(default)


def from_flags(config: type, args: argparse.Namespace) -> dict:
    """The fields of `config` that have flags, as the flags set them."""
    return {f.name: getattr(args, f.name) for f in fields(config) if f.name not in FIXED_FIELDS[config]}


def train_config(args: argparse.Namespace) -> TrainConfig:
    """The training dataclasses filled from their flags (warm-up capped at a tenth of a short run)."""
    train = from_flags(TrainConfig, args)
    train["warmup"] = min(train["warmup"], max(1, train["steps"] // 10))
    return TrainConfig(**train, model=ComposerConfig(**from_flags(ComposerConfig, args)))


def step_prepare(args: argparse.Namespace) -> None:
    from training.data import prepare

    data = args.run / "data"
    if (data / "train_open.jsonl").exists() and not args.force:
        log.info("prepare: %s exists, skipping (--force to redo%s)", data, ", with --extra" if args.extra else "")
        return
    counts = prepare(args.data, data, PrepareConfig(**from_flags(PrepareConfig, args)), extra=args.extra)
    log.info("prepare: %s", counts)


def step_tokenizer(args: argparse.Namespace) -> None:
    from training.tokenizer import train_tokenizer

    path = args.run / "spm.model"
    if path.exists() and not args.force:
        log.info("tokenizer: %s exists, skipping (--force to redo)", path)
        return
    train_tokenizer(args.run / "data", path, vocab_size=args.vocab_size)


def step_train(args: argparse.Namespace) -> None:
    from training.train import train

    start = time.time()
    final = train(args.run / "data", args.run / "spm.model", args.run, train_config(args))
    log.info("train: wrote %s (%.1f min this call)", final, (time.time() - start) / 60)


def step_export(args: argparse.Namespace) -> None:
    import sentencepiece as spm

    from bot.realize import compact
    from training.data import read_pairs, read_recipe
    from training.export import export, run_card
    from training.train import load_model

    model = load_model(args.run / "model.pt")
    sp = spm.SentencePieceProcessor(model_file=str(args.run / "spm.model"))
    dev = read_pairs(args.run / "data" / "dev.jsonl")[:100]
    recipe = read_recipe(args.run / "data") or PrepareConfig(**from_flags(PrepareConfig, args))
    card = run_card(args.run, args.data, recipe)
    export(model, args.run / "spm.model", args.exported, args.run / "fp32", card,
           [(p.words, p.style) for p in dev], [sp.encode(compact(p.target)) for p in dev])
    log.info("export: wrote %s", args.exported)


def step_evaluate(args: argparse.Namespace) -> None:
    from bot.engine import Engine
    from training import sets
    from training.evaluate import BASELINES, compose_all, evaluate, rule_counts
    from training.export import add_metrics

    if args.split == "test":
        official = sets.official_test(args.data)
        named = {"official": official, "kcg_dict": sets.in_dictionary_forms(official), "typed": sets.typed()}
    else:
        dev = sets.dev(args.run)
        named = {"dev": dev, "dev_dict": sets.in_dictionary_forms(dev)}
    named = {name: items for name, items in named.items() if name in args.eval_sets.split(",")}
    engines = {"int8": Engine(args.exported, threads=args.threads, beam=args.beam)}
    if (args.run / "fp32" / "model.json").exists():
        engines["fp32"] = Engine(args.run / "fp32", threads=args.threads, beam=args.beam)
    results: dict[str, dict] = {}
    for name, items in named.items():
        # the default level with every metric; 합니다체 (the bot's default) for the rule counts
        for precision, style in (("int8", None), ("fp32", None), ("int8", "formal")):
            if precision not in engines or (precision == "fp32" and name not in ("official", "dev")):
                continue
            key = f"{name} {precision}" + (" formal" if style else "")
            predictions = compose_all(engines[precision], items, style)
            (args.run / f"{args.split}_{key.replace(' ', '_')}.txt").write_text(
                "\n".join(predictions) + "\n", encoding="utf-8")
            concepts = [c for c, _ in items]
            results[key] = rule_counts(predictions, concepts) if style else evaluate(predictions, items)
            log.info("%s: %s", key, results[key])
    counts = ("no_sentence", "word_not_as_itself", "dictionary_form_left", "glued_counter", "runaway")
    print(f"{'':24}{'BLEU-4':>8}{'ROUGE-L':>9}{'cover':>7}" + "".join(f"{c[:8]:>10}" for c in counts))
    for name, m in [*BASELINES.items(), *results.items()]:
        scores = "".join(f"{m[k]:>{w}.2f}" if k in m else " " * w for k, w in
                         (("bleu4", 8), ("rougeL", 9), ("coverage", 7)))
        print(f"{name:24}{scores}" + "".join(f"{m[c]:>10}" if c in m else " " * 10 for c in counts))
    if args.split == "test":
        add_metrics(args.exported, {"split": "Korean CommonGen official test (2,040 items, 3 references); "
                                             "kcg_dict: the same in dictionary forms; typed: bench/typed_inputs.tsv",
                                    "beam": args.beam, **results, "baselines": BASELINES})


def export_feedback(store_spec: str, out: Path) -> int:
    """Move the bot's pending corrections into the TSV at `out` (appended); return how many.
    The file is opened before anything is taken from the store, so a bad path loses nothing."""
    from bot.feedback import from_entry, write_tsv
    from bot.store import open_store

    out.open("a", encoding="utf-8").close()

    async def take() -> list[dict]:
        store = open_store(store_spec)
        try:
            return await store.take_feedback()
        finally:
            await store.close()

    return write_tsv([from_entry(e) for e in asyncio.run(take())], out)


STEPS = {"prepare": step_prepare, "tokenizer": step_tokenizer, "train": step_train, "export": step_export,
         "evaluate": step_evaluate}


def run(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    args = build_parser().parse_args(argv)
    if args.step == "feedback":
        if len(args.action) != 2 or args.action[0] != "export":
            print("usage: ieum-train feedback export OUT.tsv [--store PATH|redis://…]", file=sys.stderr)
            return 2
        try:
            count = export_feedback(args.store, Path(args.action[1]))
        except OSError as e:
            print(f"cannot write {args.action[1]}: {e.strerror}", file=sys.stderr)
            return 2
        log.info("feedback: %d corrections exported to %s", count, args.action[1])
        return 0
    if args.action:
        print(f"unexpected arguments: {' '.join(args.action)}", file=sys.stderr)
        return 2
    missing = [str(f) for f in args.extra if not f.is_file()]
    if missing:
        print(f"no such file: {', '.join(missing)}", file=sys.stderr)
        return 2
    steps = STEPS if args.step == "all" else (args.step,)
    if "prepare" in steps:
        import kiwipiepy  # noqa: F401  (without the training extras, say so before looking for data)

        if not (args.data / "korean_commongen").is_dir():
            print(f"no Korean CommonGen data under {args.data} (use --data)", file=sys.stderr)
            return 2
    for step in steps:
        log.info("== %s", step)
        STEPS[step](args)
    return 0


def main(argv: list[str] | None = None) -> int:
    """`run`, or one line saying what to install when the training extras are missing."""
    try:
        return run(argv)
    except ModuleNotFoundError as e:
        print(f"ieum-train needs the training extras ({e.name} is not installed): "
              "pip install -e '.[train]'  — or `make train`", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
