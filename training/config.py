"""The run's settings as dataclasses, without torch: the data recipe, the model, the training
loop. `ieum-train` builds its flags from these fields, so `ieum-train --help` (and `feedback
export`) start in a runtime-only install too."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field


@dataclass
class PrepareConfig:
    """The data recipe: which pairs `ieum-train prepare` writes, and the tokenizer's size."""

    dev_size: int = 1000  # Korean CommonGen train items held out as dev
    data_seed: int = 0  # the dev split, the shuffles and the varied copies
    open_limit: int = 0  # at most this many sentences per open file (0: only training.data.OPEN_CAPS)
    open_min_chars: int = 8  # open sentences outside these lengths are not used
    open_max_chars: int = 80
    typed_share: float = 0.5  # open pairs whose words are also varied the way users type them
    one_word_share: float = 0.15  # short open sentences (2–3 words) that also give a one-word pair
    one_word_max_chars: int = 30
    # Korean CommonGen items that also give a pair without their verbs and adjectives (고양이, 생선 →
    # 고양이가 생선을 먹는다): children type nouns alone, and the model must supply the predicate
    nouns_only_share: float = 0.0
    vocab_size: int = 8000  # SentencePiece pieces
    # share of the Korean CommonGen train items kept that are written as a dialogue's summary
    # (…다고 한다, …에 대해 이야기하고 있다): a third of the dialogue half is, and the model writes
    # "they talk about" where a user meant the words to act (the seed example) and chains hearsay
    summary_share: float = 1.0
    # share kept of the sentences with a negation (…지 않다, 안, 못) that none of their words carries:
    # from them the model learns to deny what the user said (겨울에 눈이 내리지 않습니다 for 겨울, 눈, 내리다)
    unasked_negation_share: float = 1.0


@dataclass
class ComposerConfig:
    vocab_size: int = 8000  # SentencePiece pieces, symbols included
    slot_base: int = 4  # id of <w0>; the n_slots copy slots are contiguous from there
    n_slots: int = 12  # most input words
    emb: int = 256  # embedding size, shared by encoder, decoder and output
    enc_hidden: int = 256  # per direction
    enc_layers: int = 2
    dec_hidden: int = 384  # one layer; its size sets the per-token cost at runtime
    dropout: float = 0.25
    label_smoothing: float = 0.1

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class TrainConfig:
    steps: int = 12000  # optimiser steps in all
    mix_until: float = 0.5  # share of the steps that also draw from the open corpora
    open_share: float = 0.5  # share of open-corpus pairs in a batch while mixing
    batch_size: int = 64
    lr: float = 2e-3
    warmup: int = 300
    clip: float = 1.0
    eval_every: int = 500  # steps between dev-loss checks
    checkpoint_seconds: float = 180.0
    reshuffle: bool = True  # a fresh word order (slots renumbered) each time a pair is drawn
    ema_decay: float = 0.999  # evaluate and ship an exponential moving average of the weights; 0 = off
    threads: int = 2  # torch.set_num_threads
    seed: int = 0
    init: str = ""  # an exported/ folder to start from (its int8 weights, dequantized); "" = random
    model: ComposerConfig = field(default_factory=ComposerConfig)
