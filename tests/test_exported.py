"""exported/ as the runtime checks it (`load_card`): every file inside the folder, named by its
role, hashed, with no weights outside it; and loading the model phones nobody."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys

import pytest

from bot.engine import ExportedModelError, find_exported, load_card


@pytest.fixture
def exported_copy(tmp_path):
    folder = tmp_path / "exported"
    shutil.copytree(find_exported(), folder)
    return folder


def edit_card(folder, change) -> None:
    card = json.loads((folder / "model.json").read_text())
    change(card["files"])
    (folder / "model.json").write_text(json.dumps(card))


@pytest.mark.parametrize("path", ["../outside.model", "/etc/passwd"])
def test_a_path_that_leaves_the_folder_is_refused_even_with_its_hash(exported_copy, path):
    target = (exported_copy / path).resolve()
    if not target.is_file():
        target.write_bytes(b"not a tokenizer")
    digest = hashlib.sha256(target.read_bytes()).hexdigest()
    edit_card(exported_copy, lambda files: files["tokenizer"].update(path=path, sha256=digest))
    with pytest.raises(ExportedModelError, match="outside"):
        load_card(exported_copy)


def test_a_link_out_of_the_folder_is_refused(exported_copy, tmp_path):
    outside = tmp_path / "elsewhere.model"
    shutil.copy(exported_copy / "tokenizer.model", outside)
    (exported_copy / "tokenizer.model").unlink()
    (exported_copy / "tokenizer.model").symlink_to(outside)
    with pytest.raises(ExportedModelError, match="outside"):
        load_card(exported_copy)


@pytest.mark.parametrize("role", ["encoder", "step", "tokenizer"])
def test_a_missing_role_is_named(exported_copy, role):
    edit_card(exported_copy, lambda files: files.pop(role))
    with pytest.raises(ExportedModelError, match=f"no {role} file"):
        load_card(exported_copy)


def test_onnx_weights_in_an_external_file_are_refused(exported_copy):
    onnx = pytest.importorskip("onnx")
    import numpy as np
    from onnx import helper, numpy_helper

    weights = numpy_helper.from_array(np.ones((4, 4), dtype=np.float32), "W")
    graph = helper.make_graph([helper.make_node("MatMul", ["x", "W"], ["y"])], "g",
                              [helper.make_tensor_value_info("x", 1, [1, 4])],
                              [helper.make_tensor_value_info("y", 1, [1, 4])], [weights])
    model = exported_copy / "encoder.int8.onnx"
    onnx.save_model(helper.make_model(graph), str(model), save_as_external_data=True,
                    location="weights.bin", size_threshold=0)
    digest = hashlib.sha256(model.read_bytes()).hexdigest()
    edit_card(exported_copy, lambda files: files["encoder"].update(sha256=digest))
    with pytest.raises(ExportedModelError, match="external data"):
        load_card(exported_copy)


def test_the_shipped_folder_passes(exported_copy):
    assert set(load_card(exported_copy)["files"]) >= {"encoder", "step", "tokenizer"}


def test_loading_and_composing_writes_no_telemetry_files(tmp_path):
    """onnxruntime writes a device id under ~/.cache/Microsoft/…/.onnxruntime unless telemetry is off."""
    env = {**os.environ, "HOME": str(tmp_path)}
    env.pop("ORT_DISABLE_TELEMETRY", None)
    r = subprocess.run([sys.executable, "-c", "from bot.engine import Engine; Engine().compose(['고양이', '생선'])"],
                       env=env, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    assert [p.relative_to(tmp_path) for p in tmp_path.rglob("*")] == []
