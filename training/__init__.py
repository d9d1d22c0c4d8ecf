"""Offline training: Korean sentences → training pairs → SentencePiece → LSTM composer → ONNX.

Needs the `train` extra (torch, kiwipiepy, onnx). May import `bot` (the shared symbols and the
engine used for evaluation); nothing in `bot` imports this package. Run it with `ieum-train`.
Modules: data (pairs), tokenizer, model (the whole network), train (the loop), export (ONNX, int8,
parity), evaluate (the DESIGN.md metrics), cli.
"""
