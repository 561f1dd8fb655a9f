"""run_evaluation and `python -m qa eval` with the real model and a real index."""

import json
import re

import pytest

from qa.__main__ import main
from qa.evaluate import run_evaluation
from qa.evaluate.summary import metric_names
from qa.evaluate.testfile import TestFileError

from .conftest import DATA, DEV_SET

EXAMPLE = DATA / "example-eval.jsonl"


@pytest.fixture(scope="module")
def example_run(pipeline, tmp_path_factory):
    out = tmp_path_factory.mktemp("eval") / "out"
    calls = []
    summary = run_evaluation(pipeline, EXAMPLE, out, progress=lambda done, total: calls.append((done, total)))
    return summary, out, calls


def test_outputs_are_written_and_agree(example_run):
    summary, out, calls = example_run
    lines = [json.loads(x) for x in (out / "results.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(lines) == summary["counts"]["evaluated"] == 19 and calls[-1] == (19, 19)
    assert json.loads((out / "summary.json").read_text(encoding="utf-8")) == summary
    assert set(summary["metrics"]) == set(metric_names(10))
    assert summary["counts"]["skipped"] == 0 and summary["counts"]["unanswerable"] == 5
    first = lines[0]
    assert first["id"] == "e01" and first["topic"] == "indication" and "metrics" in first
    assert {"question", "answer", "abstained", "confidence", "citations", "passages", "documents"} <= set(first)
    assert summary["settings"]["manifest"]["counts"] and summary["timings"]["questions_per_second"] > 0


def test_every_citation_is_verbatim_and_the_single_document_is_always_found(example_run):
    metrics = example_run[0]["metrics"]
    assert metrics["citation_verbatim"] == 1.0
    assert metrics["recall@1"] == 1.0  # one monograph in the index


def test_report_is_self_contained_and_shows_failures(example_run):
    summary, out, _ = example_run
    html = (out / "report.html").read_text(encoding="utf-8")
    assert not re.search(r"""(src|href)\s*=\s*["']?\s*(https?:)?//""", html, re.IGNORECASE)
    assert "<link" not in html and "<script" not in html
    assert html.count("<svg") >= 2  # confidence histogram and per-section recall
    assert "Failures (" in html and "answer_f1" in html  # table and definitions


def test_bad_rows_are_skipped_counted_and_good_rows_still_evaluated(pipeline, tmp_path):
    path = tmp_path / "mixed.jsonl"
    path.write_text('{"id": "g1", "question": "Which immune cells does lenalidomide stimulate?"}\n'
                    '{"id": "b1", "question": 42}\n'
                    'not json\n'
                    '{"id": "g2", "question": "How much does Revlimid cost?", "answerable": false}\n', encoding="utf-8")
    summary = run_evaluation(pipeline, path, tmp_path / "out")
    assert summary["counts"]["skipped"] == 2 and summary["counts"]["evaluated"] == 2
    assert summary["bad_rows"][0].startswith(f"{path}:2: question must be")
    assert summary["bad_rows"][1].startswith(f"{path}:3: invalid JSON")
    ids = [json.loads(x)["id"] for x in (tmp_path / "out" / "results.jsonl").read_text().splitlines()]
    assert ids == ["g1", "g2"]


def test_a_file_of_only_bad_rows_is_an_error(pipeline, tmp_path):
    path = tmp_path / "bad.jsonl"
    path.write_text('{"question": ""}\n', encoding="utf-8")
    with pytest.raises(TestFileError, match="no valid rows"):
        run_evaluation(pipeline, path, tmp_path / "out")


def test_qrels_override_sources(pipeline, tmp_path):
    qrels = tmp_path / "qrels.txt"
    qrels.write_text("c01 0 not-in-the-index 1\nc02 0 lenalidomide 2\n", encoding="utf-8")
    summary = run_evaluation(pipeline, DATA / "example-eval.csv", tmp_path / "out", qrels=qrels)
    lines = {json.loads(x)["id"]: json.loads(x)["metrics"] for x in (tmp_path / "out" / "results.jsonl").open()}
    assert lines["c01"]["recall@10"] == 0.0 and lines["c02"]["recall@1"] == 1.0
    assert "recall@1" not in lines["c03"]  # no qrels entry: not judged at document level
    assert summary["counts"]["with_document_relevance"] == 2 and summary["metrics"]["recall@10"] == 0.5


def test_an_interrupted_run_keeps_the_flushed_rows(pipeline, tmp_path):
    def interrupt_after_first_batch(done, total):
        raise KeyboardInterrupt

    out = tmp_path / "out"
    with pytest.raises(KeyboardInterrupt):
        run_evaluation(pipeline, EXAMPLE, out, progress=interrupt_after_first_batch, batch_size=4)
    assert len((out / "results.jsonl").read_text().splitlines()) == 4
    summary = json.loads((out / "summary.json").read_text())
    assert summary["interrupted"] is True and summary["counts"]["evaluated"] == 4


@pytest.mark.parametrize("argv, message", [
    (["--fail-under", "recall@7=0.5"], "unknown metric 'recall@7'; valid metrics: recall@1, recall@5"),
    (["--fail-under", "recall@5"], "expected METRIC=VALUE"),
])
def test_bad_fail_under_is_a_usage_error(lenalidomide_index, argv, message, capsys):
    assert main(["eval", str(EXAMPLE), "--index", str(lenalidomide_index), *argv]) == 2
    assert message in capsys.readouterr().err


@pytest.mark.parametrize("name, content, message", [
    ("missing.jsonl", None, "no such test file"),
    ("empty.jsonl", "", "the test file is empty"),
    ("questions.tsv", "q\n", "unknown test file extension"),
])
def test_unusable_test_file_exits_2(lenalidomide_index, tmp_path, capsys, name, content, message):
    path = tmp_path / name
    if content is not None:
        path.write_text(content, encoding="utf-8")
    assert main(["eval", str(path), "--index", str(lenalidomide_index)]) == 2
    assert message in capsys.readouterr().err


def test_cli_json_output_and_fail_under_gate(lenalidomide_index, tmp_path, capsys):
    out = tmp_path / "cli"
    code = main(["eval", str(EXAMPLE), "--index", str(lenalidomide_index), "--out", str(out), "--json",
                 "--fail-under", "citation_verbatim=1.0", "recall@5=1.01"])
    captured = capsys.readouterr()
    assert code == 1
    summary = json.loads(captured.out)  # stdout is exactly one JSON object
    assert summary["counts"]["evaluated"] == 19
    assert "fail-under: recall@5 = 1.0000 is below 1.01" in captured.err
    assert "citation_verbatim" not in captured.err.split("fail-under:", 1)[1]
    assert {p.name for p in out.iterdir()} == {"results.jsonl", "summary.json", "report.html"}


@pytest.mark.parametrize("mode", ["hybrid", "dense", "bm25"])
def test_dev_set_in_every_mode_quotes_verbatim(pipeline, tmp_path, mode):
    if not DEV_SET.exists():
        pytest.skip(f"{DEV_SET} not present")
    summary = run_evaluation(pipeline.with_config(mode=mode), DEV_SET, tmp_path / mode)
    assert summary["settings"]["mode"] == mode and summary["counts"]["evaluated"] == 30
    assert summary["metrics"]["citation_verbatim"] == 1.0
    assert summary["metrics"]["section_recall@10"] == 1.0  # five sections: all are in the top 10


def test_citation_verbatim_is_checked_against_the_source_file_not_the_index(tmp_path, encoder):
    """An index whose stored text no longer matches its source file fails citation_verbatim."""
    import shutil

    from ingest import IngestConfig, build_index
    from qa import QAConfig, load_pipeline
    from qa.evaluate.runner import run_evaluation

    from .conftest import DATA

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(DATA / "mini" / "warfarin.txt", corpus)
    build_index(IngestConfig(corpus_paths=(corpus,), index_dir=tmp_path / "ix"), progress=False, encoder=encoder)
    pipeline = load_pipeline(QAConfig(index_dir=tmp_path / "ix"), encoder=encoder)
    tests = tmp_path / "t.jsonl"
    tests.write_text('{"question": "What is warfarin used for?"}\n', encoding="utf-8")
    before = run_evaluation(pipeline, tests, tmp_path / "before")
    assert before["metrics"]["citation_verbatim"] == 1.0 and before["verbatim_unverified_documents"] == []
    source = corpus / "warfarin.txt"
    source.write_text("Edited after the build.\n" + source.read_text(encoding="utf-8"), encoding="utf-8")
    after = run_evaluation(pipeline, tests, tmp_path / "after")
    assert after["metrics"]["citation_verbatim"] == 0.0
