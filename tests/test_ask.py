import json
import subprocess
import sys

import pytest

from ingest.store import MissingIndexError
from qa import QAConfig, QuestionError, load_pipeline

from .conftest import ROOT


def raw_text(pipeline, doc_id):
    return open(pipeline.documents[doc_id].source_path, encoding="utf-8", newline="").read()


def test_days_off_between_cycles_cites_the_rest_period(pipeline):
    answer = pipeline.ask("How many days off between cycles?")
    assert not answer.abstained
    assert "7-day rest period" in answer.citations[0].text
    assert answer.citations[0].section == "How to Use Lenalidomide"
    assert "[1]" in answer.answer


@pytest.mark.parametrize("question", [
    "What is lenalidomide used for?",
    "Does Revlimid interact with blood thinners?",
    "How should the capsules be swallowed?",
    "What serious side effects can lenalidomide cause?",
])
def test_every_answer_sentence_is_a_verbatim_cited_quote(pipeline, question):
    answer = pipeline.ask(question)
    assert not answer.abstained and answer.citations
    text = raw_text(pipeline, "lenalidomide")
    rest = answer.answer
    for c in answer.citations:
        assert text[c.start:c.end] == c.text
        assert rest.startswith(f"{c.text} [{c.n}]")
        rest = rest[len(f"{c.text} [{c.n}]"):].lstrip()
    assert rest == ""
    for p in answer.passages:
        assert text[p.start:p.end] == p.text


@pytest.mark.parametrize("question", [
    "Who won the 2022 World Cup?",
    "What are the side effects of metformin?",
    "What is the capital of France?",
])
def test_unrelated_questions_abstain_and_still_list_passages(pipeline, question):
    answer = pipeline.ask(question)
    assert answer.abstained and answer.citations == ()
    assert "does not cover" in answer.answer or "no monograph" in answer.answer
    assert answer.passages and answer.documents


def test_a_drug_missing_from_the_library_is_named(pipeline):
    answer = pipeline.ask("What are the side effects of metformin?")
    assert answer.answer == "The library has no monograph for metformin."


def test_brand_name_and_misspelling_reach_the_monograph(pipeline):
    for q in ("What is revlimid used for?", "What is lenalidomid used for?"):
        answer = pipeline.ask(q)
        assert not answer.abstained
        assert answer.citations[0].doc_id == "lenalidomide"


@pytest.mark.parametrize("question, message", [
    ("", "empty"), ("   \n", "empty"), ("x" * 2001, "2001 characters long; the limit is 2000")])
def test_bad_questions_raise_the_documented_error(pipeline, question, message):
    with pytest.raises(QuestionError, match=message):
        pipeline.ask(question)


def test_missing_index_error_says_how_to_build(tmp_path):
    with pytest.raises(MissingIndexError, match="python -m ingest"):
        load_pipeline(QAConfig(index_dir=tmp_path / "absent"))


def test_an_index_from_another_model_is_refused_with_a_rebuild_hint(lenalidomide_index, tmp_path, encoder):
    import json as _json
    import shutil

    from ingest.store import IncompatibleIndexError

    copy = tmp_path / "index"
    shutil.copytree(lenalidomide_index, copy)
    manifest = _json.loads((copy / "manifest.json").read_text())
    manifest["fingerprint"]["model"] = "some-other-model"
    (copy / "manifest.json").write_text(_json.dumps(manifest))
    with pytest.raises(IncompatibleIndexError, match="some-other-model.*python -m ingest"):
        load_pipeline(QAConfig(index_dir=copy), encoder=encoder)


def run_cli(*args):
    return subprocess.run([sys.executable, "-m", "qa", *args], cwd=ROOT, capture_output=True, text=True, timeout=300)


@pytest.mark.slow
def test_cli_json_is_exactly_one_object_with_the_contract_fields(lenalidomide_index):
    done = run_cli("ask", "--index", str(lenalidomide_index), "--json", "How many days off between cycles?")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert set(data) == {"question", "answer", "abstained", "confidence", "citations", "passages",
                         "documents", "timings_ms", "interpreted_as", "drugs", "clarify"}
    assert (data["interpreted_as"], data["drugs"], data["clarify"]) == (
        "How many days off between cycles?", ["lenalidomide"], [])
    c = data["citations"][0]
    assert set(c) == {"n", "doc_id", "title", "section", "section_code", "text", "start", "end", "score"}
    assert c["section_code"] == ""  # a plain-text monograph has no LOINC codes
    assert set(data["passages"][0]) == {"chunk_id", "doc_id", "section", "section_code", "text", "start", "end", "score"}
    text = (ROOT / "corpus" / "lenalidomide.txt").read_bytes().decode("utf-8")
    assert text[c["start"]:c["end"]] == c["text"] and "7-day rest period" in c["text"]
    assert set(data["timings_ms"]) == {"retrieve", "answer", "total"}


@pytest.mark.slow
def test_cli_errors_exit_2_with_a_message(tmp_path):
    done = run_cli("ask", "--index", str(tmp_path / "none"), "What is it?")
    assert done.returncode == 2 and "python -m ingest" in done.stderr
    done = run_cli("ask", "  ")
    assert done.returncode == 2 and "empty" in done.stderr
