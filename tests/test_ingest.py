import json
import logging

import numpy as np
import pytest

from ingest import IngestConfig, build_index, load_index, stale_reasons
from ingest.__main__ import main as ingest_main
from ingest.store import MissingIndexError


def build(corpus, index_dir, encoder, **kw):
    return build_index(IngestConfig(corpus_paths=(corpus,), index_dir=index_dir, **kw), progress=False, encoder=encoder)


def test_every_chunk_and_sentence_offset_round_trips(lenalidomide_index):
    index = load_index(lenalidomide_index)
    raw = {d.doc_id: open(d.source_path, encoding="utf-8", newline="").read() for d in index.documents.values()}
    assert index.chunks and index.sentences
    for c in index.chunks:
        assert raw[c.doc_id][c.start:c.end] == c.text
        first, last = index.sentences[c.sentence_ids[0]], index.sentences[c.sentence_ids[-1]]
        assert (first.start, last.end) == (c.start, c.end)
        assert {index.sentences[i].section for i in c.sentence_ids} == {c.section}
    for s in index.sentences:
        assert raw[s.doc_id][s.start:s.end] == s.text
    assert index.dense.ntotal == len(index.chunks) == index.manifest["counts"]["chunks"]


def test_faiss_top_k_equals_brute_force(lenalidomide_index, encoder):
    index = load_index(lenalidomide_index)
    vectors = index.dense.reconstruct_n(0, index.dense.ntotal)
    q = encoder.encode(["How many days off between cycles?"])
    _, rows = index.dense.search(q, 5)
    assert list(rows[0]) == list(np.argsort(-(vectors @ q[0]), kind="stable")[:5])


def test_bad_files_are_skipped_by_name_and_the_rest_indexed(mini_corpus, tmp_path, encoder, caplog):
    with caplog.at_level(logging.WARNING):
        report = build(mini_corpus, tmp_path / "index", encoder)
    assert report.documents == 3
    skipped = " ".join(report.skipped)
    assert "empty.txt" in skipped and "latin1.txt" in skipped and "not UTF-8" in skipped
    assert "empty.txt" in caplog.text


def test_crlf_offsets_index_the_file_as_on_disk(mini_corpus, tmp_path, encoder):
    build(mini_corpus, tmp_path / "index", encoder)
    index = load_index(tmp_path / "index")
    raw = (mini_corpus / "metoprolol-crlf.txt").read_bytes().decode("utf-8")
    assert "\r\n" in raw
    sentences = [s for s in index.sentences if s.doc_id == "metoprolol-crlf"]
    assert [s.section for s in sentences][:1] == ["Metoprolol Overview"]
    for s in sentences:
        assert raw[s.start:s.end] == s.text and "\r" not in s.text


def test_rebuild_only_when_stale_and_only_changed_file_is_embedded(mini_corpus, tmp_path, encoder):
    index_dir = tmp_path / "index"
    first = build(mini_corpus, index_dir, encoder)
    assert first.rebuilt and first.added == 5
    again = build(mini_corpus, index_dir, encoder)
    assert not again.rebuilt
    path = mini_corpus / "warfarin.txt"
    path.write_text(path.read_text() + "\nWarfarin Storage\n\nStore below 25 degrees. Keep dry.\n")
    config = IngestConfig(corpus_paths=(mini_corpus,), index_dir=index_dir)
    assert any("changed" in r for r in stale_reasons(config))
    changed = build(mini_corpus, index_dir, encoder)
    assert changed.rebuilt and (changed.added, changed.changed, changed.removed) == (0, 1, 0)
    # Only the new section's texts are embedded: 2 sentences + 1 chunk + 1 heading.
    assert changed.embedded == 4
    assert any(s.text == "Keep dry." for s in load_index(index_dir).sentences)
    (mini_corpus / "atorvastatin.md").unlink()
    removed = build(mini_corpus, index_dir, encoder)
    assert removed.removed == 1 and "atorvastatin" not in load_index(index_dir).documents


def test_exported_encoders_survive_a_rebuild(mini_corpus, tmp_path, encoder):
    index_dir = tmp_path / "index"
    build(mini_corpus, index_dir, encoder)
    (index_dir / "onnx").mkdir()
    (index_dir / "onnx" / "model.onnx").write_text("exported")
    build_index(IngestConfig(corpus_paths=(mini_corpus,), index_dir=index_dir), force=True, progress=False,
                encoder=encoder)
    assert (index_dir / "onnx" / "model.onnx").read_text() == "exported"


def test_changed_chunking_parameters_trigger_a_rebuild(mini_corpus, tmp_path, encoder):
    index_dir = tmp_path / "index"
    build(mini_corpus, index_dir, encoder)
    reasons = stale_reasons(IngestConfig(corpus_paths=(mini_corpus,), index_dir=index_dir, chunk_sentences=2))
    assert reasons == ["chunk_sentences changed (4 -> 2)"]


def test_a_crash_mid_build_leaves_the_old_index_usable(mini_corpus, tmp_path, encoder):
    index_dir = tmp_path / "index"
    build(mini_corpus, index_dir, encoder)
    before = json.loads((index_dir / "manifest.json").read_text())

    class Exploding:
        dim = encoder.dim

        def encode(self, *a, **k):
            raise RuntimeError("power cut")

    (mini_corpus / "new.txt").write_text("New Drug\n\nNewdrugamide is new. It is tested.\n")
    with pytest.raises(RuntimeError, match="power cut"):
        build(mini_corpus, index_dir, Exploding())
    assert json.loads((index_dir / "manifest.json").read_text()) == before
    assert len(load_index(index_dir).chunks) == before["counts"]["chunks"]
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".index.building-")]


def test_missing_index_says_how_to_build(tmp_path):
    with pytest.raises(MissingIndexError, match="python -m ingest"):
        load_index(tmp_path / "nowhere")


def test_cli_reports_a_missing_corpus(tmp_path, capsys):
    assert ingest_main([str(tmp_path / "nope"), "--index", str(tmp_path / "i"), "--quiet"]) == 2
    assert "does not exist" in capsys.readouterr().err
