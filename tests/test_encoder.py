"""The ONNX encoders against the torch one they were exported from, with the real model."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from ingest import embedding
from ingest.config import product_model_path
from ingest.embedding import load_encoder

from .conftest import DEV_SET, ROOT


def real_sentences() -> list[str]:
    questions = [json.loads(line)["question"] for line in DEV_SET.read_text(encoding="utf-8").splitlines()
                 if line.strip()] if DEV_SET.exists() else []
    lines = [line for line in (ROOT / "corpus" / "lenalidomide.txt").read_text(encoding="utf-8").splitlines()
             if line.strip()]
    # The last one is longer than the 256-token limit: truncation must match too.
    return questions + lines[:80] + ["5q", "Revlimid", "dose " * 400]


@pytest.fixture(scope="session")
def onnx_cache(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("onnx-cache")


@pytest.fixture(scope="session")
def onnx_fp32(onnx_cache):
    return load_encoder(product_model_path(), "onnx", cache_dir=onnx_cache)


@pytest.fixture(scope="session")
def onnx_int8(onnx_cache):
    return load_encoder(product_model_path(), "onnx-int8", cache_dir=onnx_cache)


def test_unknown_backend_names_the_valid_ones():
    with pytest.raises(ValueError, match="'tensorrt' is not one of torch, onnx, onnx-int8"):
        load_encoder(product_model_path(), "tensorrt")


def test_onnx_backend_needs_a_cache_dir():
    with pytest.raises(ValueError, match="needs cache_dir"):
        load_encoder(product_model_path(), "onnx")


@pytest.mark.slow
def test_fp32_agrees_with_torch(encoder, onnx_fp32):
    texts = real_sentences()
    torch_vectors, onnx_vectors = encoder.encode(texts), onnx_fp32.encode(texts)
    assert onnx_vectors.shape == (len(texts), 384) and onnx_vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(onnx_vectors, axis=1), 1.0, atol=1e-5)
    assert (torch_vectors * onnx_vectors).sum(axis=1).min() > 0.999


@pytest.mark.slow
def test_int8_stays_close_to_torch(encoder, onnx_int8):
    texts = real_sentences()[:-1]  # natural text; "dose dose ..." x400 gives 0.978
    cosines = (encoder.encode(texts) * onnx_int8.encode(texts)).sum(axis=1)
    # Measured: mean 0.993, min 0.990 on the dev questions and monograph lines.
    assert cosines.mean() > 0.99 and cosines.min() > 0.98


@pytest.mark.slow
def test_batching_and_padding_do_not_change_vectors(onnx_fp32):
    texts = real_sentences()[:20]
    one_by_one = np.vstack([onnx_fp32.encode([t]) for t in texts])
    np.testing.assert_allclose(onnx_fp32.encode(texts, batch_size=7), one_by_one, atol=1e-5)
    assert onnx_fp32.encode([]).shape == (0, 384)


@pytest.mark.slow
def test_second_load_reuses_the_cached_export(onnx_cache, onnx_fp32, onnx_int8, monkeypatch):
    exported = {p: p.stat().st_mtime_ns for p in onnx_cache.rglob("*.onnx")}
    assert sorted(p.name for p in exported) == ["model-fp32.onnx", "model-int8.onnx"]

    def refuse(*args):
        raise AssertionError("exported again although the cache holds the model")

    monkeypatch.setattr(embedding, "_export_fp32", refuse)
    monkeypatch.setattr(embedding, "_quantize_int8", refuse)
    again = load_encoder(product_model_path(), "onnx-int8", cache_dir=onnx_cache)
    assert again.onnx_path == onnx_int8.onnx_path
    assert {p: p.stat().st_mtime_ns for p in onnx_cache.rglob("*.onnx")} == exported
    assert not list(onnx_cache.rglob("*.tmp"))  # atomic writes leave no temporaries


def test_changed_weights_get_a_new_export_folder(tmp_path):
    model = tmp_path / "model"
    model.mkdir()
    (model / "model.safetensors").write_bytes(b"first")
    memo = tmp_path / "digest.json"
    first = embedding.weights_digest(str(model), memo)
    assert embedding.weights_digest(str(model), memo) == first
    (model / "model.safetensors").write_bytes(b"second, longer")
    assert embedding.weights_digest(str(model), memo) != first


def test_length_runs_keep_padding_small():
    # longest first: 40 (row 1), 39 (row 3), 12 (row 2), 10 (row 0); 12 < 0.8 * 40 starts a new run
    runs = embedding._length_runs([10, 40, 12, 39], batch_size=64)
    assert [r.tolist() for r in runs] == [[1, 3], [2, 0]]
    assert [r.tolist() for r in embedding._length_runs([5, 5, 5], batch_size=2)] == [[0, 1], [2]]


def test_length_runs_cap_padded_tokens():
    # 100 x 3 = 300 tokens fit a 300-token budget, a 4th row would not; 9-token rows go 33 at a time.
    runs = embedding._length_runs([100] * 5 + [9] * 40, batch_size=256, batch_tokens=300)
    assert [len(r) for r in runs] == [3, 2, 33, 7]
