"""`ieum` as a user runs it: a real process, real exit codes, nothing on stderr but one line."""

from __future__ import annotations

import json
import subprocess
import sys

from bot.words import uses


def ieum(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "bot.cli", *args], input=stdin, capture_output=True,
                          text=True, timeout=120)


def test_words_as_arguments():
    r = ieum("백설공주", "동물들", "숲속", "이야기하다")
    assert r.returncode == 0, r.stderr
    sentence = r.stdout.strip()
    assert all(uses(w, sentence) for w in ["백설공주", "동물들", "숲속", "이야기하다"]), sentence


def test_one_quoted_argument_n_and_style():
    r = ieum("백설공주, 동물들, 숲속, 이야기하다", "--n", "2", "--style", "polite")
    lines = r.stdout.strip().split("\n")
    assert r.returncode == 0 and len(lines) == 2
    assert all(line.endswith("요.") for line in lines), lines


def test_bad_input_exits_2_with_one_line_and_no_traceback():
    for args in (["ㅋㅋ"], ["가" * 31], [", ".join(["사과"] * 13)], []):
        r = ieum(*args)
        assert r.returncode == 2, args
        assert len(r.stderr.strip().split("\n")) == 1 and "Traceback" not in r.stderr
        assert r.stdout == ""


def test_batch_keeps_count_and_order_with_empty_lines_for_errors():
    r = ieum("--batch", "-", "--n", "2", stdin="고양이, 생선, 먹다\nㅋㅋ\r\n\n백설공주 숲속 이야기하다\n")
    assert r.returncode == 0
    lines = r.stdout.split("\n")[:-1]
    assert len(lines) == 4
    assert lines[1] == "" and lines[2] == ""
    assert all(len(lines[i].split("\t")) == 2 for i in (0, 3))
    assert "line 2" in r.stderr and "line 3" in r.stderr


def test_a_reader_that_stops_early_ends_the_batch_quietly(tmp_path):
    batch = tmp_path / "in.txt"
    # more output than a pipe holds (64 KiB), so the writer is still writing when the reader
    # stops (the search cache makes every line after the first instant)
    batch.write_text("고양이, 생선, 먹다\n" * 4000, encoding="utf-8")
    proc = subprocess.Popen([sys.executable, "-m", "bot.cli", "--batch", str(batch)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    first = proc.stdout.readline()  # `ieum --batch in.txt | head -1`
    proc.stdout.close()
    _, err = proc.communicate(timeout=120)
    assert "고양이" in first
    assert proc.returncode == 141 and "Traceback" not in err and "Error" not in err, err


def test_json_has_words_sentences_and_ms(tmp_path):
    batch = tmp_path / "in.txt"
    batch.write_text("고양이, 생선, 먹다\n" + "가" * 31 + "\n", encoding="utf-8")
    r = ieum("--batch", str(batch), "--json")
    rows = [json.loads(line) for line in r.stdout.strip().split("\n")]
    assert rows[0]["words"] == ["고양이", "생선", "먹다"] and rows[0]["sentences"] and rows[0]["ms"] > 0
    assert "error" in rows[1] and "ms" in rows[1]


def test_missing_model_is_a_clear_error(tmp_path):
    r = ieum("--exported", str(tmp_path), "고양이")
    assert r.returncode == 1 and "model.json" in r.stderr and "Traceback" not in r.stderr


def test_explain_names_each_particle_with_its_pair():
    r = ieum("--explain", "고양이", "생선", "먹다")
    assert r.returncode == 0, r.stderr
    assert "조사 설명" in r.stdout and "(을/를)" in r.stdout and "생선 + 을" in r.stdout, r.stdout
    r = ieum("--explain", "--json", "고양이, 생선, 먹다")
    assert "을/를" in json.loads(r.stdout)["explanations"][0]


def test_batch_never_echoes_control_characters(tmp_path):
    batch = tmp_path / "words.txt"
    batch.write_text("고양이, 생선, 먹다\n\x1b[31m고양이\x1b[0m, 생선\u200b, \u202e먹다\n\x1b]0;pwned\x07ㅋㅋ\x1b[2J\n",
                     encoding="utf-8")
    r = ieum("--batch", str(batch))
    plain, escaped, bad = r.stdout.split("\n")[:3]
    assert r.returncode == 0 and plain and escaped == plain, r.stdout
    assert bad == "" and "line 3" in r.stderr
    assert not any(c in r.stdout + r.stderr for c in "\x1b\x07\u200b\u202e")


def test_the_command_line_composes_one_word_as_the_engine_does(engine):
    """`--beam` left out leaves the width to the engine (16 for a single word): a default of 4 here
    gave 생일은 뭘 것이다. on the command line and 생일이다. in the bot."""
    r = ieum("--batch", "-", stdin="생일\n지민\n고양이, 생선\n")
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines() == [engine.compose(w)[0].sentence for w in (["생일"], ["지민"], ["고양이", "생선"])]
