"""틀렸어요: a user's correction, checked and cleaned, and the TSV that carries corrections to training.

The TSV has a header and one row per correction: the words (joined by `#`, as in Korean CommonGen),
the corrected sentence, the sentence the bot showed, the speech level and the date. No name, no
user or chat id. `ieum-train feedback export OUT.tsv` writes it; `ieum-train prepare --extra OUT.tsv`
reads it back as training pairs.
"""

from __future__ import annotations

import csv
import re
import time
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from bot.words import ComposeError

MAX_CORRECTION_CHARS = 300
COLUMNS = ("words", "correction", "shown", "style", "date")
_HANGUL_SYLLABLE = re.compile(r"[가-힣]")
_ESCAPE = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)?|.)")  # terminal escapes


@dataclass(frozen=True)
class Correction:
    words: tuple[str, ...]
    correction: str
    shown: str
    style: str
    date: str  # YYYY-MM-DD


def clean_correction(text: str | None, shown: str) -> str:
    """The correction as one tidy line; ComposeError (with a polite Korean reason) when it cannot be one."""
    text = _ESCAPE.sub("", unicodedata.normalize("NFC", text or ""))
    # control, format (bidi, zero-width) and other invisible characters go; any whitespace is one space
    text = "".join(" " if ch.isspace() else ch for ch in text if unicodedata.category(ch)[0] != "C" or ch.isspace())
    text = re.sub(r"\s+", " ", text).strip()
    if not text:
        raise ComposeError("빈 문장은 받을 수 없습니다. 올바른 문장을 보내 주세요. (그만두려면 /skip)",
                           "empty correction")
    if len(text) > MAX_CORRECTION_CHARS:
        raise ComposeError(f"문장이 너무 깁니다. {MAX_CORRECTION_CHARS}자 이내의 한 문장으로 보내 주세요. "
                           "(그만두려면 /skip)", f"correction over {MAX_CORRECTION_CHARS} characters")
    if not _HANGUL_SYLLABLE.search(text):
        raise ComposeError("한글로 쓴 올바른 문장을 보내 주세요. (그만두려면 /skip)", "no Hangul in the correction")
    if text == shown:
        raise ComposeError("보여 드린 문장과 같습니다. 고친 문장을 보내 주세요. (그만두려면 /skip)",
                           "correction equals the sentence shown")
    return text


def from_entry(entry: dict) -> Correction:
    """A stored feedback entry (words, shown, correction, style, at) as an export row."""
    return Correction(tuple(entry["words"]), entry["correction"], entry["shown"], entry["style"],
                      time.strftime("%Y-%m-%d", time.gmtime(entry["at"])))


def write_tsv(rows: Iterable[Correction], path: str | Path) -> int:
    """Append `rows` to the TSV at `path` (header first when the file is new); return how many."""
    path = Path(path)
    new = not path.exists() or path.stat().st_size == 0
    count = 0
    with open(path, "a", encoding="utf-8", newline="") as f:
        out = csv.writer(f, delimiter="\t", lineterminator="\n", quoting=csv.QUOTE_NONE, escapechar="\\")
        if new:
            out.writerow(COLUMNS)
        for r in rows:
            out.writerow(["#".join(r.words), r.correction, r.shown, r.style, r.date])
            count += 1
    return count


def read_tsv(path: str | Path) -> list[Correction]:
    """The rows of a feedback TSV (its header skipped)."""
    with open(path, encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE, escapechar="\\"))
    if rows and tuple(rows[0]) == COLUMNS:
        rows = rows[1:]
    return [Correction(tuple(w for w in r[0].split("#") if w), r[1], r[2], r[3], r[4]) for r in rows if len(r) >= 5]
