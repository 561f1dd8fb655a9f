"""Collections (.jsonl/.csv): a bad record is reported as file:line and skipped, the rest of the file is indexed."""

from __future__ import annotations

import json
import logging
import shutil

import pytest

from ingest import IngestConfig, build_index, load_index
from ingest.__main__ import main as ingest_main
from ingest.collection import RecordError, document_records
from ingest.documents import discover, load_source

from .conftest import DATA

COLLECTIONS = DATA / "collections"
# answers.jsonl: 30 records, bad at lines 1 (empty), 14 (repeated id), 15 (broken) and 30 (no text).
# labels.csv: 7 rows, bad at lines 2 (no text), 7 (unquoted comma), 8 (id of answers.jsonl:2), 12 (no id).
EXPECTED_SKIPS = [
    "answers.jsonl:1: skipped: no id",
    "answers.jsonl:14: skipped: document id 'cardamide' already used by {dir}/answers.jsonl:4",
    "answers.jsonl:15: skipped: invalid JSON (Unterminated string starting at column 26)",
    "answers.jsonl:30: skipped: no text",
    "labels.csv:2: skipped: no text",
    "labels.csv:7: skipped: 5 fields for 4 columns (an unquoted comma?)",
    "labels.csv:8: skipped: document id 'alphamide' already used by {dir}/answers.jsonl:2",
    "labels.csv:12: skipped: no id",
]


@pytest.fixture()
def collections(tmp_path):
    target = tmp_path / "corpus"
    shutil.copytree(COLLECTIONS, target)
    return target


def test_bad_records_at_start_middle_and_end_are_skipped_and_the_rest_indexed(collections, tmp_path, encoder,
                                                                              caplog):
    with caplog.at_level(logging.WARNING):
        report = build_index(IngestConfig(corpus_paths=(collections,), index_dir=tmp_path / "index"),
                             progress=False, encoder=encoder)
    assert report.skipped_records == [f"{collections}/{m.format(dir=collections)}" for m in EXPECTED_SKIPS]
    assert report.skipped == []
    assert report.documents == 26 + 3
    assert "0 files and 8 records skipped" in report.summary()
    assert "answers.jsonl:15: skipped" in caplog.text
    index = load_index(tmp_path / "index")
    assert "zetamide" in index.documents and "quamide" in index.documents  # after the last bad records
    assert index.documents["cardamide"].text.startswith("Cardamide Dosage")  # the first use of an id wins
    assert index.documents["nadomide"].source_path == f"{collections}/labels.csv:3"
    assert index.manifest["counts"]["skipped_records"] == 8


def test_strict_exits_1_when_a_record_was_skipped_and_0_on_a_clean_corpus(collections, tmp_path, capsys):
    index_dir = str(tmp_path / "index")
    assert ingest_main([str(collections), "--index", index_dir, "--quiet", "--strict"]) == 1
    out = capsys.readouterr()
    assert "8 records skipped" in out.out and "error: --strict" in out.err
    # Up to date: still 1, and the skipped records are listed again.
    assert ingest_main([str(collections), "--index", index_dir, "--quiet", "--strict"]) == 1
    assert "answers.jsonl:30: skipped: no text" in capsys.readouterr().err
    assert ingest_main([str(collections), "--index", index_dir, "--quiet"]) == 0
    clean = tmp_path / "clean"
    clean.mkdir()
    lines = (collections / "answers.jsonl").read_text().splitlines()
    (clean / "answers.jsonl").write_text("\n".join(lines[1:13]) + "\n")
    assert ingest_main([str(clean), "--index", str(tmp_path / "clean-index"), "--quiet", "--strict"]) == 0


def test_wrong_types_and_undecodable_lines_are_record_errors(tmp_path):
    rows = [{"id": "a", "text": ["not", "a", "string"]}, {"id": True, "text": "A text."},
            {"id": "b", "text": "A text.", "title": {"x": 1}}, {"id": "c", "text": "A text.", "drugs": ["x", 2]},
            {"id": 7, "text": "Numeric ids are fine."}, ["a", "list"]]
    path = tmp_path / "typed.jsonl"
    path.write_bytes(b"\n".join(json.dumps(r).encode() for r in rows) + b"\n{\"id\": \"d\", \"text\": \"caf\xe9\"}\n")
    got = list(load_source(discover((path,))[0]))
    errors = [str(g) for g in got if isinstance(g, RecordError)]
    assert errors == [f"{path}:1: text must be a string, not list", f"{path}:2: id must be a string, not bool",
                      f"{path}:3: title must be a string, not dict",
                      f"{path}:4: drugs must be a string or a list of strings, not list",
                      f"{path}:6: a record must be a JSON object", f"{path}:7: not UTF-8"]
    assert [d.doc_id for d in got if not isinstance(d, RecordError)] == ["7"]


def test_a_csv_without_a_text_column_skips_the_file_and_a_record_without_sentences_is_one_record(tmp_path, encoder):
    (tmp_path / "c").mkdir()
    (tmp_path / "c" / "bad.csv").write_text("id,body\nx,Some text.\n")
    (tmp_path / "c" / "good.txt").write_text("Good Drug\n\nGoodamide is good. It works.\n")
    (tmp_path / "c" / "more.jsonl").write_text('{"id": "dashes", "text": "- - -"}\n'
                                               '{"id": "after", "text": "Afteramide is taken at night."}\n')
    report = build_index(IngestConfig(corpus_paths=(tmp_path / "c",), index_dir=tmp_path / "index"),
                         progress=False, encoder=encoder)
    assert report.documents == 2
    assert report.skipped_records == [f"{tmp_path}/c/more.jsonl:1: skipped: document 'dashes' has no sentences"]
    assert report.skipped == [f"{tmp_path}/c/bad.csv: skipped: the CSV header has no text column (header: id, body)"]


def test_document_records_turns_any_loaders_record_failure_into_a_record_error(tmp_path):
    """What a record-per-document loader (openFDA JSON) gets: each bad record alone becomes a RecordError."""
    from ingest.documents import make_document

    def make(line, row):
        return make_document(row["id"], row["text"], markdown=False, meta={}, source_path=f"x.json:{line}")

    got = list(document_records(tmp_path / "x.json", enumerate([{"id": "a"}, {"id": "b", "text": " "},
                                                                {"id": "c", "text": "Fine."}], 1), make))
    assert [str(g) if isinstance(g, RecordError) else g.doc_id for g in got] == [
        f"{tmp_path}/x.json:1: missing field 'text'", f"{tmp_path}/x.json:2: no text", "c"]


def test_a_csv_record_longer_than_the_csv_default_field_limit_loads(tmp_path):
    path = tmp_path / "long.csv"
    text = "Longamide Dosage\n\n" + "Take longamide with water. " * 10_000  # 270,018 characters > 131,072
    path.write_text('id,text\nlong,"' + text + '"\nshort,Shortamide is short.\n', encoding="utf-8")
    docs = list(load_source(discover((path,))[0]))
    assert [d.doc_id for d in docs] == ["long", "short"] and docs[0].text == text
