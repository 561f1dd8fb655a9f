"""The streaming build: many small batches give the same index as one; HNSW past FLAT_LIMIT."""

import numpy as np

from ingest import IngestConfig, build_index, load_index
from ingest.store import NpyAppender


def build(corpus, index_dir, encoder, **kw):
    return build_index(IngestConfig(corpus_paths=(corpus,), index_dir=index_dir), progress=False,
                       encoder=encoder, **kw)


def test_npy_appender_writes_a_file_np_load_reads(tmp_path):
    appender = NpyAppender(tmp_path / "v.npy", 3, np.float16)
    appender.append(np.ones((2, 3)))
    assert appender.view().shape == (2, 3)
    appender.append(np.arange(6).reshape(2, 3))
    appender.close()
    loaded = np.load(tmp_path / "v.npy")
    assert loaded.dtype == np.float16 and loaded.tolist() == [[1, 1, 1], [1, 1, 1], [0, 1, 2], [3, 4, 5]]


def test_tiny_batches_build_the_same_index_as_one_batch(mini_corpus, tmp_path, encoder, monkeypatch):
    one = build(mini_corpus, tmp_path / "one", encoder)
    monkeypatch.setattr("ingest.build.BATCH_TEXTS", 3)  # a flush after every document
    many = build(mini_corpus, tmp_path / "many", encoder)
    # A text repeated in a later batch is read back from this build's own vector file.
    assert many.embedded == one.embedded
    a, b = load_index(tmp_path / "one"), load_index(tmp_path / "many")
    assert [c.chunk_id for c in a.chunks] == [c.chunk_id for c in b.chunks]
    assert a.sentence_keys == b.sentence_keys
    # Same texts, same vectors up to float noise: a batch pads its texts to another length.
    np.testing.assert_allclose(b.dense.reconstruct_n(0, b.dense.ntotal), a.dense.reconstruct_n(0, a.dense.ntotal),
                               atol=1e-4)
    np.testing.assert_allclose(b.sentence_vectors, a.sentence_vectors, atol=1e-3)
    np.testing.assert_allclose(b.section_vectors, a.section_vectors, atol=1e-3)
    q = ["warfarin bleeding"]
    assert (a.bm25.get_scores(q) == b.bm25.get_scores(q)).all()


def test_past_flat_limit_the_index_is_hnsw_and_finds_the_exact_top_hit(mini_corpus, tmp_path, encoder, monkeypatch):
    monkeypatch.setattr("ingest.build.FLAT_LIMIT", 0)
    build(mini_corpus, tmp_path / "index", encoder)
    index = load_index(tmp_path / "index")
    assert index.manifest["faiss"] == "IndexHNSWFlat" and (tmp_path / "index" / "chunks.faiss").exists()
    vectors = np.load(tmp_path / "index" / "chunk_vectors.npy")
    q = encoder.encode(["What does warfarin interact with?"])
    _, rows = index.dense.search(q, 1)
    assert rows[0][0] == int(np.argmax(vectors @ q[0]))
