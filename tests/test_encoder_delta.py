"""The tuned encoder: a low-rank delta merged into the bundled MiniLM weights."""

from __future__ import annotations

import numpy as np
import pytest

from ingest.config import BUNDLED_MODEL, IngestConfig, bundled_model_path, product_model_name
from ingest.encoder_delta import DELTA_PATH, adapted_names, merged_weights, tuned_model_path


def test_merge_adds_b_times_a_to_the_named_weights_only():
    rng = np.random.default_rng(0)
    base = {"encoder.layer.0.attention.self.query.weight": rng.normal(size=(4, 3)).astype(np.float32),
            "encoder.layer.0.attention.self.query.bias": np.zeros(4, np.float32),
            "embeddings.word_embeddings.weight": rng.normal(size=(5, 3)).astype(np.float32)}
    a = rng.normal(size=(2, 3)).astype(np.float16)
    b = rng.normal(size=(4, 2)).astype(np.float16)
    out = merged_weights(base, {"encoder.layer.0.attention.self.query.lora_a": a,
                                "encoder.layer.0.attention.self.query.lora_b": b})
    name = "encoder.layer.0.attention.self.query.weight"
    assert np.allclose(out[name], base[name] + b.astype(np.float32) @ a.astype(np.float32), atol=1e-6)
    assert out[name].dtype == np.float32
    assert out["embeddings.word_embeddings.weight"] is base["embeddings.word_embeddings.weight"]


def test_a_delta_for_another_network_is_refused():
    base = {"encoder.layer.0.output.dense.weight": np.zeros((4, 3), np.float32)}
    with pytest.raises(ValueError, match="4x3"):
        merged_weights(base, {"encoder.layer.0.output.dense.lora_a": np.zeros((2, 5), np.float16),
                              "encoder.layer.0.output.dense.lora_b": np.zeros((4, 2), np.float16)})
    with pytest.raises(ValueError, match="does not have"):
        merged_weights(base, {"encoder.layer.9.output.dense.lora_a": np.zeros((2, 3), np.float16),
                              "encoder.layer.9.output.dense.lora_b": np.zeros((4, 2), np.float16)})


@pytest.mark.skipif(not DELTA_PATH.exists(), reason="no encoder delta ships")
def test_the_shipped_delta_covers_every_adapted_layer_and_is_small():
    with np.load(DELTA_PATH) as delta:
        names = {k.rsplit(".", 1)[0] for k in delta.files}
        assert names == set(adapted_names(6))
        assert all(delta[k].dtype == np.float16 for k in delta.files)
    assert DELTA_PATH.stat().st_size < 2_000_000


@pytest.mark.skipif(not DELTA_PATH.exists(), reason="no encoder delta ships")
def test_the_tuned_model_loads_and_differs_from_the_bundled_one(tmp_path, encoder):
    from ingest.embedding import Encoder

    path = tuned_model_path(bundled_model_path(), tmp_path)
    assert tuned_model_path(bundled_model_path(), tmp_path) == path  # merged once, reused
    tuned = Encoder(path)
    bundled = Encoder(bundled_model_path())
    texts = ["Can I take ibuprofen with this drug?", "Avoid concomitant use of NSAIDs."]
    t, b = tuned.encode(texts), bundled.encode(texts)
    assert np.allclose(np.linalg.norm(t, axis=1), 1.0, atol=1e-5)
    assert 0.5 < float((t * b).sum(axis=1).min()) < 0.9999  # tuned, not replaced
    # the session's encoder (tests/conftest.py) is the product's: the tuned one
    assert np.allclose(encoder.encode(texts), tuned.encode(texts), atol=1e-5)


@pytest.mark.skipif(not DELTA_PATH.exists(), reason="no encoder delta ships")
def test_an_index_of_the_bundled_model_is_stale(tmp_path):
    from ingest import build_index
    from ingest.build import stale_reasons
    from ingest.store import IncompatibleIndexError
    from qa import QAConfig, load_pipeline

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "drug.txt").write_text("DRUGX\n\nDOSAGE\n\nTake one tablet daily with water.\n", encoding="utf-8")
    old = IngestConfig(corpus_paths=(corpus,), index_dir=tmp_path / "index", model_name=BUNDLED_MODEL,
                       model_path=bundled_model_path())
    build_index(old, progress=False)
    current = IngestConfig(corpus_paths=(corpus,), index_dir=tmp_path / "index")
    assert any(product_model_name() in r for r in stale_reasons(current))
    with pytest.raises(IncompatibleIndexError, match="rebuild"):
        load_pipeline(QAConfig(index_dir=tmp_path / "index"))


def test_a_broken_delta_file_is_named_and_leaves_nothing_behind(tmp_path):
    broken = tmp_path / "delta.npz"
    broken.write_bytes(b"not a zip file")
    with pytest.raises(ValueError, match="delta.npz is unreadable"):
        tuned_model_path(bundled_model_path(), tmp_path / "cache", broken)
    assert list((tmp_path / "cache").iterdir()) == []
