"""Corrections: cleaned and checked, exported without who sent them, read back as training pairs."""

from __future__ import annotations

import asyncio
import json
import logging

import pytest

from bot.feedback import COLUMNS, MAX_CORRECTION_CHARS, Correction, clean_correction, read_tsv, write_tsv
from bot.realize import realize
from bot.store import SQLiteStore
from bot.words import ComposeError, slot_text
from tests.fixtures import write_data_dir
from training import cli

SHOWN = "고양이는 생선에 먹습니다."


def test_a_correction_is_one_clean_line():
    assert clean_correction("  고양이가\n생선을\u200b 먹습니다.\x1b[31m ", SHOWN) == "고양이가 생선을 먹습니다."


@pytest.mark.parametrize("text, says", [
    ("", "빈 문장"), ("  \u200b\n ", "빈 문장"), (None, "빈 문장"),
    ("가" * (MAX_CORRECTION_CHARS + 1), "너무 깁니다"), ("가" * 100_000, "너무 깁니다"),
    ("ㅋㅋㅋ", "한글로"), (SHOWN, "같습니다"),
])
def test_a_bad_correction_is_refused_politely(text, says):
    with pytest.raises(ComposeError) as e:
        clean_correction(text, SHOWN)
    assert says in e.value.korean and "/skip" in e.value.korean


def test_tsv_round_trip_appends_under_one_header(tmp_path):
    rows = [Correction(("고양이", "생선", "먹다"), "고양이가 생선을 먹습니다.", SHOWN, "formal", "2025-01-02"),
            Correction(("빨간 모자", "숲"), "빨간 모자가 숲에 갔다.", "숲이 빨간 모자다.", "plain", "2025-01-03")]
    path = tmp_path / "fb.tsv"
    assert write_tsv(rows[:1], path) == 1 and write_tsv(rows[1:], path) == 1
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "\t".join(COLUMNS) and len(lines) == 3
    assert read_tsv(path) == rows


def ieum_train(*args: str) -> int:
    """`ieum-train ARGS` in this process (kiwipiepy loads once for the suite): its exit code."""
    return cli.main(list(args))


def test_export_then_prepare_turns_corrections_into_training_pairs(tmp_path, caplog):
    caplog.set_level(logging.INFO)
    store_path = tmp_path / "bot.sqlite3"

    async def fill() -> None:
        store = SQLiteStore(store_path)
        await store.add(777001, "feedback", {"words": ["고양이", "생선", "먹다"], "shown": SHOWN,
                                              "correction": "고양이가 생선을 먹습니다.", "style": "formal"})
        await store.add(777002, "feedback", {"words": ["사자", "달리다"], "shown": "사자.",
                                              "correction": "호랑이가 뛴다.", "style": "plain"})  # words missing
        await store.close()
    asyncio.run(fill())

    out = tmp_path / "fb.tsv"
    assert ieum_train("feedback", "export", str(out), "--store", str(store_path)) == 0
    text = out.read_text(encoding="utf-8")
    assert "고양이#생선#먹다\t고양이가 생선을 먹습니다.\t" + SHOWN + "\tformal\t" in text
    assert "777001" not in text and "user" not in text  # no user or chat id in the export
    assert len(read_tsv(out)) == 2
    assert ieum_train("feedback", "export", str(out), "--store", str(store_path)) == 0  # taken once
    assert len(read_tsv(out)) == 2
    bad_path = str(tmp_path / "no" / "dir.tsv")
    assert ieum_train("feedback", "export", bad_path, "--store", str(store_path)) == 2

    data = write_data_dir(tmp_path / "data", n_train=40, n_test=4)
    run = tmp_path / "run"
    assert ieum_train("prepare", "--data", str(data), "--run", str(run), "--dev-size", "5", "--extra", str(out)) == 0
    assert "1 of 2 skipped" in caplog.text
    pairs = [json.loads(line) for line in (run / "data" / "train_cg.jsonl").open(encoding="utf-8")]
    def sentence(p: dict) -> str:  # a copy slot writes slot_text(word): a predicate's stem
        return realize(p["target"], [slot_text(w) for w in p["words"]])

    realised = {sentence(p) for p in pairs if sorted(p["words"]) == ["고양이", "먹다", "생선"]}
    assert "고양이가 생선을 먹습니다." in realised
    formal = [p for p in pairs if sentence(p) == "고양이가 생선을 먹습니다."]
    assert formal[0]["style"] == "formal" and "<JKS>" in formal[0]["target"] and "<JKO>" in formal[0]["target"]
    assert ieum_train("prepare", "--data", str(data), "--run", str(run), "--extra", "nope.tsv") == 2
