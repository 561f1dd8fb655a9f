"""Loading test files: JSONL and CSV rows, bad rows with file:line, qrels."""

import pytest

from qa.evaluate.testfile import TestFileError, load_qrels, load_testfile

from .conftest import DATA

BAD_ROWS = "\n".join([
    '{"id": "a", "question": "Which immune cells does lenalidomide stimulate?", "sources": ["lenalidomide"]}',
    '{"id": "b", "question": "unterminated',
    '{"id": "c", "answer": "no question here"}',
    '',
    '{"id": "d", "question": "What is it?", "sources": "lenalidomide"}',
    '{"id": "a", "question": "A duplicate id?"}',
    '{"id": "e", "question": "Answerable as text?", "answerable": "yes"}',
    '["not", "an", "object"]',
    '{"question": "No id: the line number is the id", "team": "safety", "answerable": false}',
])


def test_bad_rows_are_reported_with_file_and_line_and_good_rows_kept(tmp_path):
    path = tmp_path / "t.jsonl"
    path.write_text(BAD_ROWS, encoding="utf-8")
    loaded = load_testfile(path)
    assert [c.id for c in loaded.cases] == ["a", "9"]
    reasons = {b.line: b.reason for b in loaded.bad_rows}
    assert sorted(reasons) == [2, 3, 5, 6, 7, 8]
    assert reasons[2].startswith("invalid JSON")
    assert reasons[3] == "missing question"
    assert "sources must be a list" in reasons[5]
    assert reasons[6] == "duplicate id 'a'"
    assert "answerable must be true or false" in reasons[7]
    assert "expected a JSON object" in reasons[8]
    assert str(loaded.bad_rows[0]) == f"{path}:2: {reasons[2]}"


def test_unknown_fields_are_carried_and_defaults_applied(tmp_path):
    path = tmp_path / "t.jsonl"
    path.write_text(BAD_ROWS, encoding="utf-8")
    last = load_testfile(path).cases[-1]
    assert (last.id, last.line, last.answerable, last.sources, last.answer) == ("9", 9, False, (), None)
    assert last.extra == {"team": "safety"}


def test_a_field_clashing_with_an_output_key_is_a_bad_row(tmp_path):
    path = tmp_path / "t.jsonl"
    path.write_text('{"question": "q?", "confidence": 1}\n{"question": "ok?"}\n', encoding="utf-8")
    loaded = load_testfile(path)
    assert len(loaded.cases) == 1 and "confidence" in loaded.bad_rows[0].reason


def test_csv_splits_list_fields_on_bar_and_reads_booleans():
    loaded = load_testfile(DATA / "example-eval.csv")
    assert not loaded.bad_rows
    c = {case.id: case for case in loaded.cases}
    assert c["c02"].sources == ("lenalidomide#What is Lenalidomide Side Effects",
                                "lenalidomide#What Other Drugs Will Affect Lenalidomide")
    assert c["c03"].answerable is True and c["c03"].sources == ("lenalidomide",)
    assert c["c03"].answer == "fatigue, diarrhea, constipation, nausea, and skin rashes"
    assert c["c04"].answerable is False and c["c04"].answer is None and c["c04"].sources == ()
    assert c["c01"].extra == {"topic": "mechanism"}


def test_csv_bad_rows_report_the_line_where_the_row_starts(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text('question,answerable\n"two\nline question?",true\nq2?,maybe\n,true\nq4?,true,extra\nq5?,\n',
                    encoding="utf-8")
    loaded = load_testfile(path)
    assert [(c.id, c.question) for c in loaded.cases] == [("2", "two\nline question?"), ("7", "q5?")]
    assert [(b.line, b.reason.split(" ")[0]) for b in loaded.bad_rows] == [(4, "answerable"), (5, "missing"), (6, "1")]


def test_csv_without_question_column_is_an_error(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("query,answer\nwhat?,x\n", encoding="utf-8")
    with pytest.raises(TestFileError, match="no 'question' column"):
        load_testfile(path)


@pytest.mark.parametrize("name, content, message", [
    ("empty.jsonl", "\n  \n", "the test file is empty"),
    ("header-only.csv", "question,answer\n", "has no rows"),
    ("questions.txt", "What?", "unknown test file extension '.txt'; use one of .jsonl, .csv"),
    ("missing.jsonl", None, "no such test file"),
])
def test_files_that_cannot_be_evaluated(tmp_path, name, content, message):
    path = tmp_path / name
    if content is not None:
        path.write_text(content, encoding="utf-8")
    with pytest.raises(TestFileError, match=message):
        load_testfile(path)


def test_too_long_question_is_a_bad_row(tmp_path):
    path = tmp_path / "t.jsonl"
    path.write_text('{"question": "%s"}\n{"question": "short?"}\n' % ("x" * 30), encoding="utf-8")
    loaded = load_testfile(path, max_question_chars=20)
    assert [b.line for b in loaded.bad_rows] == [1] and "limit is 20" in loaded.bad_rows[0].reason


def test_qrels_are_graded_and_errors_name_the_line(tmp_path):
    good = tmp_path / "q.txt"
    good.write_text("e01 0 lenalidomide 2\ne01 0 other 0\n\ne02 0 lenalidomide 1\n", encoding="utf-8")
    assert load_qrels(good) == {"e01": {"lenalidomide": 2, "other": 0}, "e02": {"lenalidomide": 1}}
    bad = tmp_path / "bad.txt"
    bad.write_text("e01 0 lenalidomide 2\ne02 lenalidomide 1\n", encoding="utf-8")
    with pytest.raises(TestFileError, match=r"bad.txt:2: expected 'qid 0 doc_id grade'"):
        load_qrels(bad)
