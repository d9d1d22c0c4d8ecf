"""The source layout both training and runtime use: a style token, then each word as its copy
slot followed by the word's SentencePiece pieces. `slots[j]` names the word position j belongs to
(-1 for the style token), which is what the model's word pointer sums attention over."""

from __future__ import annotations

import sentencepiece as spm

from bot.realize import MAX_WORDS, slot_token, style_token

PAD, UNK, BOS, EOS = 0, 1, 2, 3


def encode_source(sp: spm.SentencePieceProcessor, words: list[str], style: str) -> tuple[list[int], list[int]]:
    ids, slots = [sp.piece_to_id(style_token(style))], [-1]
    for i, word in enumerate(words[:MAX_WORDS]):
        pieces = [sp.piece_to_id(slot_token(i))] + sp.encode(word)
        ids += pieces
        slots += [i] * len(pieces)
    return ids, slots


def slot_base(sp: spm.SentencePieceProcessor) -> int:
    """Id of `<w0>`; the copy slots are contiguous from there."""
    base = sp.piece_to_id(slot_token(0))
    assert sp.piece_to_id(slot_token(MAX_WORDS - 1)) == base + MAX_WORDS - 1
    return base
