"""The composing engine on the committed exported model."""

from __future__ import annotations

import json
import shutil

import pytest
import tossi

from bot.engine import Engine, ExportedModelError, find_exported
from bot.realize import STYLES, detect_style
from bot.words import InputError, uses

SEED = ["백설공주", "동물들", "숲속", "이야기하다"]


@pytest.mark.parametrize("style", STYLES)
def test_seed_example_in_each_style_uses_every_word(engine, style):
    found = engine.compose(SEED, n=3, style=style)
    assert 1 <= len(found) <= 3
    for c in found:
        assert all(uses(w, c.sentence) for w in SEED), c.sentence
        assert c.sentence[-1] in ".?!" and c.ms == found[0].ms  # one compose call, one time
    assert detect_style(found[0].sentence) == style, found[0].sentence
    assert [c.score for c in found] == sorted((c.score for c in found), reverse=True)


def test_default_style_is_plain_like_the_data(engine):
    assert detect_style(engine.compose(["고양이", "생선", "먹"])[0].sentence) == "plain"


@pytest.mark.parametrize("words", [
    ["피노키오", "제페토", "나무", "만들다"],
    ["춘향이", "몽룡", "그네", "타다"],
    ["뽀로로", "크롱", "눈싸움", "하다"],
    ["쿠쿠루", "바닷가", "조개"],
])
def test_unseen_names_are_copied_whole(engine, words):
    sentence = engine.compose(words)[0].sentence
    assert all(uses(w, sentence) for w in words), sentence
    assert words[0] in sentence


def test_particles_agree_after_copied_words(engine):
    particles = []
    for words in (["계피", "빵", "굽다"], ["바닷가", "걷다"], ["서울", "기차", "가다"], ["물", "컵", "마시다"]):
        found = engine.compose(words)[0]
        for p in found.particles:
            assert found.sentence[p.start:p.start + len(p.form)] == p.form
            assert tossi.pick(p.word, p.form) == p.form, (found.sentence, p)
        particles += found.particles
    assert len(particles) >= 4


def test_inputs_are_checked(engine):
    with pytest.raises(InputError):
        engine.compose([])
    with pytest.raises(InputError):
        engine.compose(["ㅋㅋ"])


@pytest.fixture
def exported_copy(tmp_path):
    folder = tmp_path / "exported"
    shutil.copytree(find_exported(), folder)
    return folder


def test_tampered_file_is_refused_by_name(exported_copy):
    step = exported_copy / json.loads((exported_copy / "model.json").read_text())["files"]["step"]["path"]
    data = bytearray(step.read_bytes())
    data[len(data) // 2] ^= 0xFF
    step.write_bytes(bytes(data))
    with pytest.raises(ExportedModelError, match=step.name + ".*sha256"):
        Engine(exported_copy)


def test_missing_file_and_wrong_version_are_refused(exported_copy, monkeypatch):
    (exported_copy / "tokenizer.model").unlink()
    with pytest.raises(ExportedModelError, match="tokenizer.model.*missing"):
        Engine(exported_copy)
    card = json.loads((exported_copy / "model.json").read_text())
    (exported_copy / "model.json").write_text(json.dumps({**card, "format_version": 99}))
    monkeypatch.setenv("IEUM_EXPORTED", str(exported_copy))
    with pytest.raises(ExportedModelError, match="format_version"):
        Engine()


def test_model_card_describes_the_shipped_model(engine):
    card = engine.card
    assert isinstance(card["parameters"], int) and card["parameters"] <= 10_000_000
    assert card["precision"] == "int8"
    assert card["parity"]["max_abs_prob_diff"] < 1e-3
    size = sum(p.stat().st_size for p in find_exported().iterdir() if p.is_file())
    assert size < 25 * 2**20


class CountingSession:
    """An onnxruntime session that counts its runs: the decoder steps a compose costs."""

    def __init__(self, session) -> None:
        self.session, self.runs = session, 0

    def run(self, outputs, feeds):
        self.runs += 1
        return self.session.run(outputs, feeds)


def test_a_list_composed_again_in_another_level_costs_no_new_search(engine):
    encoder, step = CountingSession(engine.encoder), CountingSession(engine.step)
    counted = Engine(sessions=(encoder, step))
    words = ["나", "머리", "아프다"]
    plain = counted.compose(words)[0].sentence
    steps = step.runs
    assert steps > 0
    formal = counted.compose(words, style="formal")[0].sentence  # the level button: the same plain search
    assert step.runs == steps and formal != plain and detect_style(formal) == "formal"
    assert formal == engine.compose(words, style="formal")[0].sentence  # what an engine without that search gives
    long_list = ["아침", "일어나다", "세수하다", "밥", "먹다", "옷", "입다", "가방", "메다", "학교", "친구", "만나다"]
    with pytest.raises(ValueError) as first:
        counted.compose(long_list)
    steps = step.runs
    with pytest.raises(ValueError) as again:  # a list no pass can join is refused at once the next time
        counted.compose(long_list)
    assert step.runs == steps and str(again.value) == str(first.value)
