"""The whole ieum composer in one file: an LSTM encoder–decoder with attention and a word pointer.

Ideas: Luong attention (2015); the pointer-generator of See et al. (2017), except that the pointer
copies whole input *words* — attention summed over each word's positions picks a copy slot
`<wi>` — so a name is never split into syllables and the realiser writes it exactly. The encoder
is a BiLSTM over the shuffled word list (trained on random orders, so order carries no meaning).
Embeddings are shared by encoder, decoder and output layer.
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import nn

from training.config import ComposerConfig

MIN_PROB = 1e-9  # the floor of every probability, so that no log-probability is -inf


class Encoder(nn.Module):
    def __init__(self, cfg: ComposerConfig, embed: nn.Embedding) -> None:
        super().__init__()
        self.embed = embed
        self.rnn = nn.LSTM(cfg.emb, cfg.enc_hidden, cfg.enc_layers, batch_first=True,
                           bidirectional=True, dropout=cfg.dropout if cfg.enc_layers > 1 else 0.0)
        self.keys = nn.Linear(2 * cfg.enc_hidden, cfg.dec_hidden, bias=False)
        self.init_h = nn.Linear(2 * cfg.enc_hidden, cfg.dec_hidden)
        self.init_c = nn.Linear(2 * cfg.enc_hidden, cfg.dec_hidden)
        self.drop = nn.Dropout(cfg.dropout)

    def forward(self, src: torch.Tensor) -> tuple[torch.Tensor, ...]:
        mask = (src != 0).unsqueeze(-1).float()  # (B, S, 1)
        out, _ = self.rnn(self.drop(self.embed(src)))  # (B, S, 2He)
        pooled = (out * mask).sum(1) / mask.sum(1).clamp_min(1.0)  # (B, 2He)
        h0 = torch.tanh(self.init_h(pooled)).unsqueeze(0)  # (1, B, Hd)
        c0 = self.init_c(pooled).unsqueeze(0)
        return out, self.keys(out), h0, c0


class Decoder(nn.Module):
    """One LSTM layer, attention, and the mixture of generating a piece and copying a word."""

    def __init__(self, cfg: ComposerConfig, embed: nn.Embedding) -> None:
        super().__init__()
        self.cfg = cfg
        self.embed = embed
        self.rnn = nn.LSTM(cfg.emb, cfg.dec_hidden, batch_first=True)
        self.combine = nn.Linear(cfg.dec_hidden + 2 * cfg.enc_hidden, cfg.dec_hidden)
        self.to_emb = nn.Linear(cfg.dec_hidden, cfg.emb)
        self.gate = nn.Linear(cfg.dec_hidden + cfg.emb, 1)
        self.drop = nn.Dropout(cfg.dropout)
        slot_mask = torch.zeros(cfg.vocab_size, dtype=torch.bool)
        slot_mask[cfg.slot_base : cfg.slot_base + cfg.n_slots] = True
        self.register_buffer("slot_mask", slot_mask, persistent=False)

    def forward(self, y: torch.Tensor, state: tuple[torch.Tensor, torch.Tensor], enc: torch.Tensor,
                keys: torch.Tensor, slots: torch.Tensor, src_mask: torch.Tensor | None = None):
        """y (B, T) previous tokens → log-probabilities (B, T, V) and the new LSTM state.

        Worked out in log space (log-softmax, log-sigmoid) rather than as probabilities and a log
        after: the same distribution, but the runtime's step graph skips a log and a mask over the
        whole vocabulary at every token (a quarter of a step's time)."""
        e = self.drop(self.embed(y))  # (B, T, E)
        h, state = self.rnn(e, state)  # (B, T, Hd)
        scores = h @ keys.transpose(1, 2)  # (B, T, S)
        if src_mask is not None:
            scores = scores.masked_fill(~src_mask.unsqueeze(1), -1e9)
        attn = scores.softmax(-1)
        ctx = attn @ enc  # (B, T, 2He)
        o = self.drop(torch.tanh(self.combine(torch.cat([h, ctx], -1))))  # (B, T, Hd)
        logits = self.to_emb(o) @ self.embed.weight.t()  # (B, T, V)
        base, n = self.cfg.slot_base, self.cfg.n_slots
        generate = torch.cat([logits[..., :base], logits[..., base + n :]], -1).log_softmax(-1)  # no slots
        gate = self.gate(torch.cat([o, e], -1))  # (B, T, 1): generate rather than copy
        onehot = (slots.unsqueeze(-1) == torch.arange(n)).float()  # (B, S, n)
        copy = (attn @ onehot).clamp_min(MIN_PROB).log()  # (B, T, n): attention mass on each input word
        log_gen, log_copy = F.logsigmoid(gate), F.logsigmoid(-gate)
        logp = torch.cat([generate[..., :base] + log_gen, copy + log_copy, generate[..., base:] + log_gen], -1)
        return logp.clamp_min(math.log(MIN_PROB)), state


class Composer(nn.Module):
    def __init__(self, cfg: ComposerConfig) -> None:
        super().__init__()
        self.cfg = cfg
        self.embed = nn.Embedding(cfg.vocab_size, cfg.emb, padding_idx=0)
        nn.init.normal_(self.embed.weight, std=cfg.emb ** -0.5)
        self.encoder = Encoder(cfg, self.embed)
        self.decoder = Decoder(cfg, self.embed)

    def num_parameters(self) -> int:
        return sum(p.numel() for p in self.parameters())

    def forward(self, src: torch.Tensor, slots: torch.Tensor, tgt_in: torch.Tensor,
                tgt_out: torch.Tensor | None = None):
        """Teacher-forced log-probabilities (B, T, V) and, given targets, the smoothed NLL per token."""
        enc, keys, h0, c0 = self.encoder(src)
        logp, _ = self.decoder(tgt_in, (h0, c0), enc, keys, slots, src != 0)
        if tgt_out is None:
            return logp, None
        nll = -logp.gather(-1, tgt_out.unsqueeze(-1)).squeeze(-1)  # (B, T)
        # smooth only over what the model may say: pieces, and slots of words that are present
        present = (slots.unsqueeze(-1) == torch.arange(self.cfg.n_slots)).any(1)  # (B, n)
        allowed = (~self.decoder.slot_mask).float().expand(src.size(0), -1).clone()
        allowed[:, self.cfg.slot_base : self.cfg.slot_base + self.cfg.n_slots] = present.float()
        smooth = -(logp * allowed.unsqueeze(1)).sum(-1) / allowed.sum(-1, keepdim=True)
        eps = self.cfg.label_smoothing
        loss = (1 - eps) * nll + eps * smooth
        mask = (tgt_out != 0).float()
        return logp, (loss * mask).sum() / mask.sum()
