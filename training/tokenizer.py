"""SentencePiece on the training text, keeping the model's symbols (slots, particle units,
styles) whole so the decoder emits each as one token."""

from __future__ import annotations

import io
import logging
from pathlib import Path

import sentencepiece as spm

from bot.realize import compact, special_symbols
from bot.tokens import BOS, EOS, PAD, UNK
from training.data import read_pairs

log = logging.getLogger(__name__)


def train_tokenizer(data_dir: Path, model_path: Path, vocab_size: int = 8000,
                    model_type: str = "unigram") -> Path:
    """Train on targets and input words of every training pair; write `model_path` (.model)."""
    lines = []
    for name in ("train_cg.jsonl", "train_open.jsonl"):
        for p in read_pairs(data_dir / name):
            lines += [compact(p.target), " ".join(p.words)]
    model = io.BytesIO()
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(lines), model_writer=model, vocab_size=vocab_size,
        model_type=model_type, character_coverage=0.9995, byte_fallback=True,
        user_defined_symbols=special_symbols(), pad_id=PAD, unk_id=UNK, bos_id=BOS, eos_id=EOS,
        hard_vocab_limit=False, input_sentence_size=1_000_000, shuffle_input_sentence=True, num_threads=2,
        minloglevel=2,
    )
    model_path.parent.mkdir(parents=True, exist_ok=True)
    model_path.write_bytes(model.getvalue())
    log.info("tokenizer: %s, %d pieces, trained on %d lines", model_path, vocab_size, len(lines))
    return model_path
