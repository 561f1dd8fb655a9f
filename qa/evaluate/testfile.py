"""Load a test file (JSONL or CSV) into EvalCase records; bad rows become BadRow with file:line."""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass, field
from pathlib import Path

from ..config import MAX_QUESTION_CHARS

EXTENSIONS = (".jsonl", ".csv")
KNOWN_FIELDS = ("id", "question", "answer", "sources", "answerable")
# Output keys of a results.jsonl line; a carried test-file field may not reuse them.
RESERVED_FIELDS = frozenset({"citations", "passages", "documents", "timings_ms", "abstained", "confidence",
                             "metrics", "expected", "ranked_sections", "line"})
_CSV_TRUE = {"true": True, "1": True, "yes": True, "false": False, "0": False, "no": False}


class TestFileError(ValueError):
    """A test file that cannot be evaluated at all (missing, empty, unknown format)."""

    __test__ = False  # not a pytest test class


@dataclass(frozen=True, slots=True)
class EvalCase:
    id: str
    question: str
    line: int
    answer: str | None = None
    sources: tuple[str, ...] = ()
    answerable: bool = True
    extra: dict = field(default_factory=dict)  # unknown fields, carried to results unchanged


@dataclass(frozen=True, slots=True)
class BadRow:
    path: str
    line: int
    reason: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.reason}"


@dataclass(frozen=True, slots=True)
class EvalFile:
    path: Path
    cases: tuple[EvalCase, ...]
    bad_rows: tuple[BadRow, ...]


class _RowError(ValueError):
    pass


def load_testfile(path: Path, max_question_chars: int = MAX_QUESTION_CHARS) -> EvalFile:
    """Parse and validate every row. Raises TestFileError when nothing can be evaluated."""
    path = Path(path)
    if path.suffix.lower() not in EXTENSIONS:
        raise TestFileError(f"{path}: unknown test file extension {path.suffix!r}; use one of {', '.join(EXTENSIONS)}")
    if not path.is_file():
        raise TestFileError(f"{path}: no such test file")
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as err:
        raise TestFileError(f"{path}: not UTF-8 text ({err.reason} at byte {err.start})") from err
    if not text.strip():
        raise TestFileError(f"{path}: the test file is empty")
    rows = _jsonl_rows(text) if path.suffix.lower() == ".jsonl" else _csv_rows(text, path)
    cases, bad, seen = [], [], set()
    for line, row in rows:
        try:
            case = _to_case(row, line, max_question_chars)
            if case.id in seen:
                raise _RowError(f"duplicate id {case.id!r}")
        except _RowError as err:
            bad.append(BadRow(str(path), line, str(err)))
            continue
        seen.add(case.id)
        cases.append(case)
    if not cases and not bad:
        raise TestFileError(f"{path}: the test file has no rows")
    return EvalFile(path, tuple(cases), tuple(bad))


def _jsonl_rows(text: str):
    for line, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip():
            continue
        try:
            row = json.loads(raw)
        except json.JSONDecodeError as err:
            yield line, _RowError(f"invalid JSON ({err.msg} at column {err.colno})")
            continue
        yield line, row if isinstance(row, dict) else _RowError(f"expected a JSON object, got {type(row).__name__}")


def _csv_rows(text: str, path: Path):
    reader = csv.DictReader(text.splitlines(keepends=True))
    if not reader.fieldnames or "question" not in [f.strip() for f in reader.fieldnames]:
        raise TestFileError(f"{path}:1: the CSV header has no 'question' column (header: {reader.fieldnames})")
    start = reader.line_num + 1
    for record in reader:
        line, start = start, reader.line_num + 1  # a quoted cell may span lines: report where the row starts
        if None in record:
            yield line, _RowError(f"{len(record[None])} more cells than header columns")
            continue
        if any(v is None for v in record.values()):
            yield line, _RowError("fewer cells than header columns")
            continue
        yield line, _csv_record(record)


def _csv_record(record: dict) -> dict | _RowError:
    """CSV cells are strings: empty means absent, sources split on '|', answerable is a word."""
    row: dict = {}
    for key, value in record.items():
        key = key.strip()
        if key == "sources":
            row[key] = [s.strip() for s in value.split("|") if s.strip()]
        elif key == "answerable":
            if value.strip():
                word = value.strip().lower()
                if word not in _CSV_TRUE:
                    return _RowError(f"answerable must be one of {', '.join(_CSV_TRUE)}, got {value!r}")
                row[key] = _CSV_TRUE[word]
        elif key in KNOWN_FIELDS:
            if value.strip():
                row[key] = value
        else:
            row[key] = value
    return row


def _to_case(row, line: int, max_question_chars: int) -> EvalCase:
    if isinstance(row, _RowError):
        raise row
    question = row.get("question")
    if not isinstance(question, str) or not question.strip():
        raise _RowError("missing question" if question is None else "question must be a non-empty string")
    if len(question) > max_question_chars:
        raise _RowError(f"question is {len(question)} characters long; the limit is {max_question_chars}")
    case_id = row.get("id", line)
    if isinstance(case_id, bool) or not isinstance(case_id, (str, int)) or str(case_id).strip() == "":
        raise _RowError(f"id must be a non-empty string or an integer, got {case_id!r}")
    answer = row.get("answer")
    if answer is not None and not isinstance(answer, str):
        raise _RowError(f"answer must be a string, got {type(answer).__name__}")
    sources = row.get("sources", [])
    if isinstance(sources, str) or not isinstance(sources, list) \
            or not all(isinstance(s, str) and s.strip() for s in sources):
        raise _RowError(f"sources must be a list of 'doc_id' or 'doc_id#Section' strings, got {sources!r}")
    answerable = row.get("answerable", True)
    if not isinstance(answerable, bool):
        raise _RowError(f"answerable must be true or false, got {answerable!r}")
    clashes = sorted(RESERVED_FIELDS & set(row))
    if clashes:
        raise _RowError(f"field(s) {', '.join(clashes)} clash with results.jsonl keys; rename them")
    extra = {k: v for k, v in row.items() if k not in KNOWN_FIELDS}
    return EvalCase(str(case_id).strip(), question.strip(), line, answer.strip() if answer else None,
                    tuple(s.strip() for s in sources), answerable, extra)


def load_qrels(path: Path) -> dict[str, dict[str, int]]:
    """TREC qrels `qid iter doc_id grade` -> {qid: {doc_id: grade}}. Raises TestFileError with file:line."""
    path = Path(path)
    if not path.is_file():
        raise TestFileError(f"{path}: no such qrels file")
    qrels: dict[str, dict[str, int]] = {}
    for line, raw in enumerate(path.read_text(encoding="utf-8-sig").splitlines(), start=1):
        parts = raw.split()
        if not parts:
            continue
        if len(parts) != 4:
            raise TestFileError(f"{path}:{line}: expected 'qid 0 doc_id grade', got {raw.strip()!r}")
        try:
            grade = int(parts[3])
        except ValueError as err:
            raise TestFileError(f"{path}:{line}: grade must be an integer, got {parts[3]!r}") from err
        qrels.setdefault(parts[0], {})[parts[2]] = grade
    if not qrels:
        raise TestFileError(f"{path}: the qrels file is empty")
    return qrels
