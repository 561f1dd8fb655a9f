"""Incremental builds take unchanged files' rows from the row cache; builds embed with ONNX."""

from pathlib import Path

import numpy as np
import pytest

from ingest import IngestConfig, build_index, load_index
from ingest.documents import discover, load_source
from ingest.row_cache import RowCache

from .conftest import ROOT


def build(corpus, index_dir, encoder, **kw):
    return build_index(IngestConfig(corpus_paths=(corpus,), index_dir=index_dir), progress=False,
                       encoder=encoder, **kw)


@pytest.fixture()
def loads(monkeypatch) -> list[str]:
    """File names the build's loader is called for."""
    called = []

    def recording_load(source):
        called.append(source.path.name)
        return load_source(source)

    monkeypatch.setattr("ingest.build.load_source", recording_load)
    return called


def same_index(a_dir: Path, b_dir: Path) -> None:
    a, b = load_index(a_dir), load_index(b_dir)
    assert a.documents == b.documents
    assert a.chunks == b.chunks and a.sentences == b.sentences
    assert a.chunk_keys == b.chunk_keys and a.sentence_keys == b.sentence_keys and a.section_keys == b.section_keys
    # Same texts, same vectors up to float noise: a batch pads its texts to another length.
    np.testing.assert_allclose(np.asarray(a.chunk_vectors), np.asarray(b.chunk_vectors), atol=1e-4)
    np.testing.assert_allclose(np.asarray(a.sentence_vectors), np.asarray(b.sentence_vectors), atol=1e-3)
    np.testing.assert_allclose(a.section_vectors, b.section_vectors, atol=1e-3)
    for q in (["warfarin", "bleeding"], ["lenalidomide", "rest", "period"]):
        assert (a.bm25.get_scores(q) == b.bm25.get_scores(q)).all()


def test_adding_a_file_reads_only_that_file_and_gives_the_full_build(mini_corpus, tmp_path, encoder, loads):
    build(mini_corpus, tmp_path / "index", encoder)
    assert sorted(loads) == ["atorvastatin.md", "empty.txt", "latin1.txt", "metoprolol-crlf.txt", "warfarin.txt"]
    loads.clear()
    (mini_corpus / "lenalidomide.txt").write_bytes((ROOT / "corpus" / "lenalidomide.txt").read_bytes())
    report = build(mini_corpus, tmp_path / "index", encoder)
    # The files that failed are read again (and reported again); the good ones are not.
    assert sorted(loads) == ["empty.txt", "latin1.txt", "lenalidomide.txt"] and report.parsed == 3
    assert report.documents == 4 and len(report.skipped) == 2
    full = build(mini_corpus, tmp_path / "full", encoder, force=True)
    assert full.parsed == 6  # force reads every file again
    same_index(tmp_path / "index", tmp_path / "full")
    (mini_corpus / "note.md").write_text("# Note\n\nWarfarin needs regular INR checks.\n", encoding="utf-8")
    assert build(mini_corpus, tmp_path / "full", encoder).parsed == 3  # a forced build fills the cache too


def test_a_changed_file_is_read_again_and_its_old_rows_leave_the_cache(mini_corpus, tmp_path, encoder, loads):
    build(mini_corpus, tmp_path / "index", encoder)
    entries = set((tmp_path / "index" / "rows").glob("*/*.jsonl"))
    assert len(entries) == 3  # the three files that gave documents
    warfarin = mini_corpus / "warfarin.txt"
    warfarin.write_text(warfarin.read_text(encoding="utf-8") + "\nTake warfarin at the same time each day.\n",
                        encoding="utf-8")
    (mini_corpus / "atorvastatin.md").unlink()
    loads.clear()
    report = build(mini_corpus, tmp_path / "index", encoder)
    assert "warfarin.txt" in loads and "metoprolol-crlf.txt" not in loads
    assert report.changed == 1 and report.removed == 1
    after = set((tmp_path / "index" / "rows").glob("*/*.jsonl"))
    assert len(after) == 2 and len(after & entries) == 1  # metoprolol kept, warfarin replaced, atorvastatin gone
    build(mini_corpus, tmp_path / "full", encoder, force=True)
    same_index(tmp_path / "index", tmp_path / "full")
    index = load_index(tmp_path / "index")
    assert any("same time each day" in s.text for s in index.sentences)


def test_cached_rows_decode_to_the_records_they_were_made_from(mini_corpus, tmp_path):
    from ingest.build import _document_rows
    from ingest.chunking import chunk_document

    cache = RowCache(tmp_path / "rows", IngestConfig().fingerprint())
    source = next(s for s in discover((mini_corpus,)) if s.path.name == "metoprolol-crlf.txt")
    doc = next(load_source(source))
    rows = _document_rows(doc, *chunk_document(doc, 4, 1))
    writer = cache.writer(source)
    writer.add(rows)
    writer.commit()
    assert list(cache.get(source)) == [rows]
    assert "\r\n" in rows.document.text  # CRLF survives the JSON round trip
    other = RowCache(tmp_path / "rows", {**IngestConfig().fingerprint(), "chunk_sentences": 5})
    assert other.get(source) is None  # other chunking settings miss the cache


@pytest.mark.slow
def test_builds_embed_with_onnx_vectors_equal_to_torch(mini_corpus, tmp_path, encoder):
    from ingest.config import product_model_path
    from ingest.embedding import build_encoder

    onnx = build_encoder(product_model_path(), tmp_path / "onnx")
    assert onnx.batch_tokens and onnx._session.get_session_options().intra_op_num_threads >= 1
    build(mini_corpus, tmp_path / "onnx-index", onnx)
    build(mini_corpus, tmp_path / "torch-index", encoder)
    a, b = load_index(tmp_path / "onnx-index"), load_index(tmp_path / "torch-index")
    assert a.chunk_keys == b.chunk_keys
    cosines = (np.asarray(a.chunk_vectors) * np.asarray(b.chunk_vectors)).sum(axis=1)
    assert cosines.min() > 1 - 1e-5
    # float16 storage rounds sentence and heading vectors to ~1e-3 either way.
    np.testing.assert_allclose(np.asarray(a.sentence_vectors, np.float32), np.asarray(b.sentence_vectors, np.float32),
                               atol=2e-3)
    np.testing.assert_allclose(a.section_vectors, b.section_vectors, atol=2e-3)
