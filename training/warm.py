"""Warm start: the torch composer's weights read back from an exported (int8 ONNX) model.

Only exported/ travels with the code (the torch checkpoints stay in a run folder), so a new run
can start from the shipped model by dequantizing its ONNX initializers (q − zero point) × scale
and mapping them onto `Composer`'s parameters: ONNX LSTMs keep their gates as i, o, f, c with the
weights transposed under dynamic quantization, torch as i, f, g, o.
"""

from __future__ import annotations

import numpy as np
import onnx
import torch
from onnx import numpy_helper

from training.model import Composer


def _initializers(path) -> dict[str, np.ndarray]:
    """Every initializer of a graph as float32, dequantized where it was quantized."""
    raw = {i.name: numpy_helper.to_array(i) for i in onnx.load(str(path)).graph.initializer}
    out = {}
    for name, value in raw.items():
        if name.endswith("_quantized"):
            base = name[: -len("_quantized")]
            scale, zero = raw[base + "_scale"].astype(np.float32), raw[base + "_zero_point"].astype(np.float32)
            if scale.ndim == 1:  # per LSTM direction
                scale, zero = scale[:, None, None], zero[:, None, None]
            out[base] = (value.astype(np.float32) - zero) * scale
        elif not name.endswith(("_scale", "_zero_point")):
            out[name] = value.astype(np.float32)
    return out


def _gates(x: np.ndarray) -> np.ndarray:
    """ONNX gate order (i, o, f, c) → torch's (i, f, g, o) along the first axis."""
    i, o, f, c = np.split(x, 4, axis=0)
    return np.concatenate([i, f, c, o], axis=0)


def _lstm(state: dict, prefix: str, layer: int, w: np.ndarray, r: np.ndarray, b: np.ndarray) -> None:
    """w, r: (directions, input, 4H) as dynamic quantization stores them; b: (directions, 8H)."""
    for d in range(w.shape[0]):
        suffix = f"_l{layer}" + ("_reverse" if d else "")
        hidden4 = w.shape[2]
        state[f"{prefix}.weight_ih{suffix}"] = _gates(w[d].T)
        state[f"{prefix}.weight_hh{suffix}"] = _gates(r[d].T)
        state[f"{prefix}.bias_ih{suffix}"] = _gates(b[d, :hidden4])
        state[f"{prefix}.bias_hh{suffix}"] = _gates(b[d, hidden4:])


def _by_shape(tensors: dict[str, np.ndarray], prefix: str, shape: tuple[int, ...]) -> np.ndarray:
    """The one unnamed (onnx::…) tensor of this shape."""
    found = [v for k, v in tensors.items() if k.startswith(prefix) and v.shape == shape]
    if len(found) != 1:
        raise ValueError(f"expected one {prefix}* tensor of shape {shape}, found {len(found)}")
    return found[0]


def _numbered(tensors: dict[str, np.ndarray], ndim: int) -> list[str]:
    """The exporter's unnamed LSTM tensors of this rank, in the order it numbered them."""
    names = [k for k, v in tensors.items() if k.startswith("onnx::LSTM") and v.ndim == ndim]
    return sorted(names, key=lambda k: int(k.rsplit("_", 1)[1]))


def load_exported(model: Composer, exported) -> None:
    """Overwrite `model`'s weights with those of the exported encoder and step graphs."""
    cfg = model.cfg
    enc = _initializers(exported / "encoder.int8.onnx")
    step = _initializers(exported / "step.int8.onnx")
    e, he, hd = cfg.emb, cfg.enc_hidden, cfg.dec_hidden
    state: dict[str, np.ndarray] = {"embed.weight": enc["encoder.embed.weight"]}
    lstm = _numbered(enc, 3)  # W, R of layer 0, then of layer 1
    for layer in range(cfg.enc_layers):
        _lstm(state, "encoder.rnn", layer, enc[lstm[2 * layer]], enc[lstm[2 * layer + 1]],
              enc[_numbered(enc, 2)[layer]])
    state["encoder.keys.weight"] = _by_shape(enc, "onnx::MatMul", (2 * he, hd)).T
    for name in ("init_h", "init_c"):
        state[f"encoder.{name}.weight"] = enc[f"encoder.{name}.weight_Transposed"].T
        state[f"encoder.{name}.bias"] = enc[f"encoder.{name}.bias"]
    w, r = _numbered(step, 3)
    _lstm(state, "decoder.rnn", 0, step[w], step[r], step[_numbered(step, 2)[0]])
    state["decoder.combine.weight"] = _by_shape(step, "onnx::MatMul", (hd + 2 * he, hd)).T
    state["decoder.to_emb.weight"] = _by_shape(step, "onnx::MatMul", (hd, e)).T
    state["decoder.gate.weight"] = _by_shape(step, "onnx::MatMul", (hd + e, 1)).T
    for name in ("combine", "to_emb", "gate"):
        state[f"decoder.{name}.bias"] = step[f"decoder.{name}.bias"]
    tensors = {k: torch.from_numpy(np.ascontiguousarray(v)) for k, v in state.items()}
    tensors["encoder.embed.weight"] = tensors["decoder.embed.weight"] = tensors["embed.weight"]
    model.load_state_dict(tensors)
