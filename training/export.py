"""Export a trained composer for the runtime: two ONNX graphs (the encoder, run once per input,
and one decoder step, run once per token for the whole beam), their int8 dynamic quantization,
the SentencePiece model, and `model.json` with sizes, sha256s and a torch/onnxruntime parity check."""

from __future__ import annotations

import hashlib
import json
import logging
import shutil
from dataclasses import asdict
from pathlib import Path

import numpy as np
import onnxruntime as ort
import sentencepiece as spm
import torch
from onnxruntime.quantization import QuantType, quantize_dynamic
from torch import nn

from bot.engine import FORMAT_VERSION
from bot.tokens import BOS, encode_source
from training.config import PrepareConfig
from training.model import Composer

log = logging.getLogger(__name__)

ENCODER_INPUTS, ENCODER_OUTPUTS = ["src"], ["enc", "keys", "h", "c"]
STEP_INPUTS = ["y", "h", "c", "enc", "keys", "slots"]
STEP_OUTPUTS = ["logp", "h_out", "c_out"]


class EncoderGraph(nn.Module):
    def __init__(self, model: Composer) -> None:
        super().__init__()
        self.encoder = model.encoder

    def forward(self, src: torch.Tensor):
        return self.encoder(src)


class StepGraph(nn.Module):
    """One decoding step for a beam sharing one source: log-probabilities and the next state."""

    def __init__(self, model: Composer) -> None:
        super().__init__()
        self.decoder = model.decoder

    def forward(self, y, h, c, enc, keys, slots):
        logp, (h, c) = self.decoder(y, (h, c), enc, keys, slots)
        return logp[:, -1], h, c


def export_onnx(model: Composer, out_dir: Path) -> dict[str, Path]:
    model.eval()
    cfg = model.cfg
    src = torch.tensor([[cfg.slot_base + 20, cfg.slot_base, 100, 101, cfg.slot_base + 1, 102]])
    enc, keys, h, c = model.encoder(src)
    beam = 3
    step_args = (torch.full((beam, 1), BOS), h.expand(1, beam, -1).contiguous(),
                 c.expand(1, beam, -1).contiguous(), enc.expand(beam, -1, -1).contiguous(),
                 keys.expand(beam, -1, -1).contiguous(), torch.tensor([[-1, 0, 0, 0, 1, 1]] * beam))
    paths = {"encoder": out_dir / "encoder.onnx", "step": out_dir / "step.onnx"}
    with torch.no_grad():
        # wrappers in eval mode: export restores a wrapper's mode onto the shared submodules after
        torch.onnx.export(EncoderGraph(model).eval(), (src,), paths["encoder"], dynamo=False,
                          input_names=ENCODER_INPUTS, output_names=ENCODER_OUTPUTS,
                          dynamic_axes={"src": {1: "S"}, "enc": {1: "S"}, "keys": {1: "S"}},
                          opset_version=17)
        torch.onnx.export(StepGraph(model).eval(), step_args, paths["step"], dynamo=False,
                          input_names=STEP_INPUTS, output_names=STEP_OUTPUTS,
                          dynamic_axes={"y": {0: "B"}, "h": {1: "B"}, "c": {1: "B"},
                                        "enc": {0: "B", 1: "S"}, "keys": {0: "B", 1: "S"},
                                        "slots": {0: "B", 1: "S"}, "logp": {0: "B"},
                                        "h_out": {1: "B"}, "c_out": {1: "B"}},
                          opset_version=17)
    return paths


def quantize(paths: dict[str, Path], out_dir: Path) -> dict[str, Path]:
    """int8 weights, activations quantized on the fly (onnxruntime's dynamic quantization)."""
    out = {}
    for name, path in paths.items():
        out[name] = out_dir / f"{path.stem}.int8.onnx"
        quantize_dynamic(path, out[name], weight_type=QuantType.QInt8)
    return out


@torch.no_grad()
def parity(model: Composer, sp: spm.SentencePieceProcessor, paths: dict[str, Path],
           inputs: list[tuple[list[str], str]], targets: list[list[int]]) -> dict:
    """Teacher-force the same targets through torch and onnxruntime; compare the distributions."""
    model.eval()
    enc_s = ort.InferenceSession(str(paths["encoder"]), providers=["CPUExecutionProvider"])
    step_s = ort.InferenceSession(str(paths["step"]), providers=["CPUExecutionProvider"])
    worst, agree, total = 0.0, 0, 0
    for (words, style), tgt in zip(inputs, targets):
        ids, slots = encode_source(sp, words, style)
        src, sl = torch.tensor([ids]), torch.tensor([slots])
        logp, _ = model(src, sl, torch.tensor([[BOS] + tgt]))
        ref = logp[0].numpy()
        enc, keys, h, c = enc_s.run(None, {"src": src.numpy()})
        for t, y in enumerate([BOS] + tgt):
            logp, h, c = step_s.run(None, {"y": np.array([[y]]), "h": h, "c": c, "enc": enc,
                                           "keys": keys, "slots": sl.numpy()})
            p, q = np.exp(logp[0]), np.exp(ref[t])
            worst = max(worst, float(np.abs(p - q).max()))
            agree += int(p.argmax() == q.argmax())
            total += 1
    return {"inputs": len(inputs), "steps": total, "max_abs_prob_diff": worst,
            "argmax_agreement": agree / max(total, 1)}


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def run_card(run_dir: Path, data_dir: Path, recipe: PrepareConfig) -> dict:
    """What a run was: the model, the data it read and its recipe, its training config and time."""
    from training.data import OPEN_CAPS

    history = json.loads((run_dir / "history.json").read_text()) if (run_dir / "history.json").exists() else []
    config = torch.load(run_dir / "model.pt", weights_only=False)["config"]
    return {
        "name": "ieum composer",
        "architecture": "BiLSTM encoder, LSTM decoder, Luong attention, whole-word copy pointer, "
                        "particle units realised by rule",
        "data": {"korean_commongen_train": "Seo et al., Findings of NAACL 2022 (AI-Hub terms; not redistributed)",
                 "open_corpora": sorted(f.name for f in (data_dir / "open").glob("*.txt")),
                 "open_caps": OPEN_CAPS, "licences": "../shared/data/open/README.md lists each file's licence",
                 "dev": f"{recipe.dev_size} items held out of train", "recipe": asdict(recipe)},
        "training": {**{k: v for k, v in config.items() if k != "model"},
                     "minutes": round(history[-1]["seconds"] / 60, 1) if history and "seconds" in history[-1] else None,
                     "final_dev_loss": history[-1]["dev"] if history else None},
    }


def write_card(out_dir: Path, card: dict) -> Path:
    """model.json: the card, with the format version and the sha256 of every file it names."""
    files = {role: {"path": entry["path"], "sha256": sha256(out_dir / entry["path"])}
             for role, entry in card["files"].items()}
    path = out_dir / "model.json"
    text = json.dumps(dict(card, format_version=FORMAT_VERSION, files=files), ensure_ascii=False, indent=1)
    path.write_text(text + "\n", encoding="utf-8")
    return path


def add_metrics(out_dir: Path, metrics: dict) -> Path:
    """The evaluation's figures into an exported folder's model.json."""
    card = json.loads((out_dir / "model.json").read_text(encoding="utf-8"))
    return write_card(out_dir, dict(card, metrics=metrics))


def export(model: Composer, tokenizer: Path, out_dir: Path, fp32_dir: Path, card: dict,
           parity_inputs: list[tuple[list[str], str]], parity_targets: list[list[int]]) -> dict:
    """Write the int8 model (what ships) into `out_dir` and the fp32 one into `fp32_dir`.

    Each folder is complete on its own (graphs, tokenizer, model.json), so the engine, the
    evaluation and the benchmark load either; only the int8 one is small enough to commit."""
    fp32_dir.mkdir(parents=True, exist_ok=True)
    out_dir.mkdir(parents=True, exist_ok=True)
    fp32 = export_onnx(model, fp32_dir)
    int8 = quantize(fp32, out_dir)
    for folder in (out_dir, fp32_dir):
        shutil.copyfile(tokenizer, folder / "tokenizer.model")
    sp = spm.SentencePieceProcessor(model_file=str(tokenizer))
    check = parity(model, sp, fp32, parity_inputs, parity_targets)
    log.info("parity torch vs onnxruntime (fp32): %s", check)
    card = dict(card, parameters=model.num_parameters(), config=model.cfg.to_dict(),
                vocab_size=sp.get_piece_size(), parity=check)
    for folder, graphs, precision in ((out_dir, int8, "int8"), (fp32_dir, fp32, "fp32")):
        write_card(folder, dict(card, precision=precision, files={
            "tokenizer": {"path": "tokenizer.model"}, "encoder": {"path": graphs["encoder"].name},
            "step": {"path": graphs["step"].name}}))
    return card
