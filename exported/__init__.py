"""The shipped model: int8 ONNX graphs, the SentencePiece model and model.json (the model card).

Written by `ieum-train export` and `evaluate`; read by `bot.engine`, which checks every file
against the sha256 in model.json. Data files only; nothing here imports anything.
"""
