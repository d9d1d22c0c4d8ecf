"""The offline pipeline: pairs from sentences, and a tiny `ieum-train all` that yields a model the
engine loads (torch and onnxruntime agreeing)."""

from __future__ import annotations

import json
import logging
import os
import random
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bot.engine import Engine
from bot.realize import realize
from tests.fixtures import write_data_dir
from training import cli
from training.data import PairMaker, keeps_negation, thin_summaries
from training.sets import read_commongen

TINY = ["--steps", "40", "--vocab-size", "400", "--emb", "32", "--enc-hidden", "32", "--dec-hidden", "48",
        "--eval-every", "20", "--dev-size", "20", "--batch-size", "32", "--threads", "1"]


@pytest.fixture(scope="module")
def maker() -> PairMaker:
    return PairMaker(seed=1)


def pair_of(maker: PairMaker, sentence: str, concepts: list[str]):
    return maker.pair(sentence, maker.analyse([sentence])[0], concepts)


def test_targets_use_copy_slots_and_particle_units(maker):
    p = pair_of(maker, "백설공주가 숲속에서 동물들과 이야기하고 있다.", ["백설공주", "동물", "숲속", "이야기"])
    assert "<JKS>" in p.target and "<JC>" in p.target
    assert realize(p.target, p.words) == "백설공주가 숲속에서 동물들과 이야기하고 있다."


def test_wrong_allomorphs_in_the_data_are_repaired(maker):
    p = pair_of(maker, "떡볶이을 먹었다.", ["떡볶이", "먹"])
    assert realize(p.target, p.words) == "떡볶이를 먹었다."


def test_speech_level_conversion_keeps_the_rest(maker):
    sentence = "백설공주가 숲속에서 동물들과 이야기하고 있다."
    tokens = maker.analyse([sentence])[0]
    assert maker.convert_style(sentence, tokens, "formal") == "백설공주가 숲속에서 동물들과 이야기하고 있습니다."
    assert maker.convert_style(sentence, tokens, "polite") == "백설공주가 숲속에서 동물들과 이야기하고 있어요."


def test_pronouns_are_input_words_as_typed(maker):
    sentence = "나는 친구와 학교에 갔다. 내가 먼저 도착했다."
    words = maker.content_words(sentence, maker.analyse([sentence])[0])
    assert words[:3] == ["나", "친구", "학교"]
    assert "내" not in words  # 내가: the contracted form is nobody's input for 나
    p = pair_of(maker, "우리는 바다에서 수영했다.", ["우리", "바다", "수영"])
    assert realize(p.target, p.words) == "우리는 바다에서 수영했다."


def test_an_unseen_name_stands_only_where_a_person_would(maker):
    """A fake name replaces a subject or topic (지민이 공원에서 …), never a place or an object, so
    the model does not learn to put a name a user types in 에서 or 을."""
    sentence = "아이가 공원에서 공을 찬다."
    tokens = maker.analyse([sentence])[0]
    seen = [maker.vary(sentence, tokens, ["아이", "공원", "공", "차"]) for _ in range(300)]
    assert any(v[0] not in ("아이", "아이가") for v in seen)  # the subject sometimes becomes a name
    assert all(v[1] in ("공원", "공원에서") and v[2] in ("공", "공을") for v in seen)


def test_nouns_alone_give_a_pair_whose_sentence_keeps_its_verb(maker):
    sentence = "고양이가 부엌에서 생선을 먹는다."
    tokens = maker.analyse([sentence])[0]
    kept = maker.without_predicates(sentence, tokens, ["고양이", "생선", "먹", "부엌"])
    assert kept == ["고양이", "생선", "부엌"]
    p = maker.pair(sentence, tokens, kept)
    assert "먹는다" in p.target and realize(p.target, p.words) == sentence
    assert maker.without_predicates("비가 온다.", maker.analyse(["비가 온다."])[0], ["비", "오"]) is None


def test_input_forms_are_varied_like_users_type_them(maker):
    sentence = "야구 선수가 공을 쳤다."
    tokens = maker.analyse([sentence])[0]
    seen = {w for _ in range(40) for w in maker.vary(sentence, tokens, ["야구 선수", "공", "쳤"])}
    assert "치다" in seen  # dictionary form of 쳤
    assert "공을" in seen  # particle left attached


@pytest.fixture(scope="module")
def tiny_run(tmp_path_factory) -> tuple[Path, int, float]:
    """One tiny `ieum-train all` (in this process: torch and kiwipiepy load once for the suite),
    shared by the tests that need a trained run: (folder, exit code, seconds)."""
    root = tmp_path_factory.mktemp("tiny")
    data = write_data_dir(root / "data", n_test=4)
    start = time.monotonic()
    code = cli.main(["all", "--data", str(data), "--run", str(root / "run"), "--exported", str(root / "exported"),
                     *TINY, "--eval-sets", "official"])
    return root, code, time.monotonic() - start


@pytest.mark.xdist_group("tiny_run")  # with pytest-xdist: the tests of one run on one worker
def test_tiny_pipeline_end_to_end(tiny_run):
    root, code, elapsed = tiny_run
    assert code == 0
    assert elapsed < 60, f"tiny pipeline took {elapsed:.0f}s"
    assert (root / "run" / "training_curve.png").stat().st_size > 0
    card = json.loads((root / "exported" / "model.json").read_text())
    assert card["parity"]["max_abs_prob_diff"] < 1e-4 and card["parity"]["argmax_agreement"] == 1.0
    assert card["metrics"]["official int8"]["items"] == 4
    assert card["data"]["recipe"]["dev_size"] == 20 and card["training"]["steps"] == 40  # the flags were used
    history = json.loads((root / "run" / "history.json").read_text())
    # training time counts from step 0, not from the first dev evaluation (step 20)
    assert history[-1]["seconds"] > history[-1]["time"] - history[0]["time"] + history[0]["seconds"] / 2
    engine = Engine(root / "exported")  # loadable: every file matches its sha256
    assert engine.parameters == card["parameters"] and engine.precision == "int8"


@pytest.mark.xdist_group("tiny_run")
def test_an_export_on_its_own_records_the_recipe_the_pairs_were_made_with(tiny_run, tmp_path):
    root, _, _ = tiny_run
    assert cli.main(["export", "--data", str(root / "data"), "--run", str(root / "run"),
                     "--exported", str(tmp_path / "exported")]) == 0  # no recipe flags given here
    card = json.loads((tmp_path / "exported" / "model.json").read_text())
    assert card["data"]["recipe"]["dev_size"] == 20  # prepare's --dev-size, not the default 1000


@pytest.mark.xdist_group("tiny_run")
def test_training_resumes_from_its_checkpoint(tiny_run, tmp_path, caplog):
    root, code, _ = tiny_run
    run = shutil.copytree(root / "run", tmp_path / "run")
    caplog.set_level(logging.INFO)
    assert cli.main(["train", "--data", str(root / "data"), "--run", str(run), *TINY[2:], "--steps", "45"]) == 0
    assert "resumed at step 40" in caplog.text
    assert json.loads((run / "history.json").read_text())[-1]["step"] == 45


@pytest.mark.skipif(not os.environ.get("IEUM_DATA_DIR"), reason="IEUM_DATA_DIR not set")
def test_real_data_splits_have_the_published_sizes():
    root = Path(os.environ["IEUM_DATA_DIR"]) / "korean_commongen"
    train = sum(len(read_commongen(root / f)) for f in ("train_image.txt", "train_dialogue.txt"))
    test = read_commongen(root / "test.txt")
    assert train == 43_188 and len(test) == 2_040
    assert all(len(refs) == 3 for _, refs in test)


def test_the_decoder_gives_a_distribution_that_copies_by_attention():
    """The decoder works in log space: its probabilities still sum to one when all attention falls on
    words, and the copy slots share their mass as the attention on each word's positions."""
    import torch

    from training.model import Composer, ComposerConfig

    torch.manual_seed(0)
    cfg = ComposerConfig(vocab_size=60, emb=16, enc_hidden=8, dec_hidden=12, dropout=0.0)
    model = Composer(cfg).eval()
    b = cfg.slot_base
    src = torch.tensor([[b, 30, 31, b + 1, 40, b + 2, 50, 51, 52]])
    # each word's marker and pieces (no style token, whose attention no word takes: the mass sums to one)
    slots = torch.tensor([[0, 0, 0, 1, 1, 2, 2, 2, 2]])
    with torch.no_grad():
        logp, _ = model(src, slots, torch.tensor([[1, 20, b + 1, 21]]))
        probs = logp.exp()
        assert torch.allclose(probs.sum(-1), torch.ones(1, 4), atol=1e-5)
        assert (probs[..., b + 3 : b + cfg.n_slots] < 1e-8).all()  # no word 3 and up: no mass there
        enc, keys, h, c = model.encoder(src)
        e = model.decoder.embed(torch.tensor([[1]]))
        out, _ = model.decoder.rnn(e, (h, c))
        attn = (out @ keys.transpose(1, 2)).softmax(-1)[0, 0]
        copy = probs[0, 0, b : b + 3].sum()  # all copy mass, whatever the gate
        by_word = probs[0, 0, b : b + 3] / copy
        expected = torch.stack([attn[slots[0] == i].sum() for i in range(3)])
        assert torch.allclose(by_word, expected / expected.sum(), atol=1e-5)


def test_warm_start_reads_the_shipped_weights_back():
    """`--init exported/`: the dequantized int8 weights in torch give the engine's first-step
    distribution (int8 noise aside) for the seed example."""
    import numpy as np
    import torch

    from bot.tokens import BOS, encode_source
    from training.model import Composer, ComposerConfig
    from training.warm import load_exported

    engine = Engine()
    model = Composer(ComposerConfig(**engine.card["config"]))
    load_exported(model, engine.dir)
    ids, slots = encode_source(engine.sp, ["백설공주", "동물들", "숲속", "이야기하다"], "formal")
    enc, keys, h, c = engine.encoder.run(None, {"src": np.array([ids], dtype=np.int64)})
    onnx_logp = engine.step.run(None, {"y": np.array([[BOS]]), "h": h, "c": c, "enc": enc, "keys": keys,
                                      "slots": np.array([slots])})[0][0]
    with torch.no_grad():
        src = torch.tensor([ids])
        te, tk, th, tc = model.eval().encoder(src)
        logp, _ = model.decoder(torch.tensor([[BOS]]), (th, tc), te, tk, torch.tensor([slots]))
    torch_p = logp[0, -1].exp().numpy()
    assert np.abs(torch_p - np.exp(onnx_logp)).max() < 0.02
    assert torch_p.argmax() == onnx_logp.argmax()


@pytest.mark.parametrize("step", ["train", "all", "evaluate"])
def test_without_the_training_extras_a_step_says_in_one_line_what_to_install(step, tmp_path):
    blocked = "import sys; sys.modules['torch'] = sys.modules['kiwipiepy'] = None; from training.cli import main; "
    help_run = subprocess.run([sys.executable, "-c", blocked + "main(['--help'])"], capture_output=True, text=True)
    assert help_run.returncode == 0 and "ieum-train" in help_run.stdout
    r = subprocess.run([sys.executable, "-c", blocked + f"sys.exit(main(['{step}', '--run', '{tmp_path}']))"],
                       capture_output=True, text=True)
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert r.stderr.strip().splitlines()[-1].startswith("ieum-train needs the training extras")
    assert "pip install -e '.[train]'" in r.stderr


def test_dialogue_summaries_can_be_thinned_and_nothing_else_is():
    items = [(["비", "오"], "비가 온다."), (["친구", "오"], "친구가 온다고 한다."),
             (["여행", "이야기"], "여행에 대해 이야기하고 있다."), (["말", "하"], "그는 다른 말을 한다.")] * 50
    kept = thin_summaries(items, 0.3, seed=0)
    summaries = [s for _, s in kept if s.endswith(("고 한다.", "이야기하고 있다."))]
    assert [s for _, s in kept if s not in summaries] == ["비가 온다.", "그는 다른 말을 한다."] * 50
    assert 15 <= len(summaries) <= 45  # about 30 of the 100
    assert thin_summaries(items, 1.0, seed=0) == items


@pytest.mark.parametrize("sentence, words, unasked", [
    ("겨울에 눈이 내리지 않는다.", ["겨울", "눈", "내리"], True),
    ("숙제가 쉽지는 않다.", ["숙제", "쉽"], True),
    ("나는 우유를 못 마신다.", ["우유", "마시"], True),
    ("나는 우유를 못 마신다.", ["우유", "못", "마시"], False),  # the words ask for it
    ("동생이 밥을 안 먹는다.", ["동생", "밥", "안", "먹"], False),
    ("겨울에 눈이 내린다.", ["겨울", "눈", "내리"], False),
])
def test_a_denial_no_word_asks_for_can_be_left_out_of_the_pairs(maker, sentence, words, unasked):
    tokens = maker.analyse([sentence])[0]
    assert keeps_negation(tokens, words, 0.0, random.Random(0)) is not unasked
    assert keeps_negation(tokens, words, 1.0, random.Random(0))  # the default keeps every pair
