"""Collections: files that hold many documents, one per record (JSONL line, CSV row, ...).

A bad record must cost that record only. A generator that raises is finished, so a
loader never raises for one record: it yields a `RecordError` in the record's place and
goes on, and the build reports it as `file:line: reason` and keeps reading.
`document_records` gives any record-per-document loader that behaviour.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from .records import Document

# Bytes that are not UTF-8 decode (errors="surrogateescape") to lone surrogates
# U+DC80-U+DCFF; valid UTF-8 never does, so finding one marks the record, not the file.
_UNDECODABLE = re.compile("[\udc80-\udcff]")
CSV_FIELD_LIMIT = 2**31 - 1


class RecordError(ValueError):
    """One record of a collection that cannot be indexed: `file:line: reason`."""

    def __init__(self, path: str | Path, line: int, reason: str) -> None:
        super().__init__(f"{path}:{line}: {reason}")
        self.path, self.line, self.reason = str(path), line, reason


def document_records(path: Path, rows: Iterable[tuple[int, object]],
                     make: Callable[[int, object], Document]) -> Iterator[Document | RecordError]:
    """make(line, row) for every (line, row), or a RecordError for a row that fails.

    A row may itself be a RecordError (the reader could not parse it); it is passed on.
    ValueError, TypeError and KeyError from make are the record's fault (bad or missing
    fields); anything else is a bug and propagates.
    """
    for line, row in rows:
        if isinstance(row, RecordError):
            yield row
            continue
        try:
            yield make(line, row)
        except RecordError as err:
            yield err
        except KeyError as err:
            yield RecordError(path, line, f"missing field {err}")
        except (ValueError, TypeError) as err:
            yield RecordError(path, line, str(err) or type(err).__name__)


def jsonl_rows(path: Path) -> Iterator[tuple[int, dict | RecordError]]:
    """(line number, parsed object) per non-blank line; a line that is not a JSON object
    (or not UTF-8) comes as a RecordError."""
    with path.open(encoding="utf-8-sig", errors="surrogateescape", newline="") as fh:
        for line_no, line in enumerate(fh, 1):
            if not line.strip():
                continue
            if _UNDECODABLE.search(line):
                yield line_no, RecordError(path, line_no, "not UTF-8")
                continue
            try:
                row = json.loads(line.rstrip("\r\n"))
            except json.JSONDecodeError as err:
                reason = f"invalid JSON ({err.msg.removesuffix(' at')} at column {err.colno})"
                yield line_no, RecordError(path, line_no, reason)
                continue
            if not isinstance(row, dict):
                yield line_no, RecordError(path, line_no, "a record must be a JSON object")
                continue
            yield line_no, row


def csv_rows(path: Path, required: tuple[str, ...]) -> Iterator[tuple[int, dict | RecordError]]:
    """(line number where the row starts, {column: value}) per row after the header.

    Raises ValueError when the header lacks a required column (the whole file is unusable).
    """
    # The default limit (131,072 characters a field) is below the text of a long label.
    csv.field_size_limit(max(csv.field_size_limit(), CSV_FIELD_LIMIT))
    with path.open(encoding="utf-8-sig", errors="surrogateescape", newline="") as fh:
        reader = csv.reader(fh)
        try:
            header = [h.strip() for h in next(reader, [])]
        except csv.Error as err:
            raise ValueError(f"unreadable CSV header ({err})") from None
        missing = [c for c in required if c not in header]
        if missing:
            raise ValueError(f"the CSV header has no {', '.join(missing)} column (header: {', '.join(header)})")
        while True:
            line_no = reader.line_num + 1
            try:
                values = next(reader)
            except StopIteration:
                return
            except csv.Error as err:
                yield line_no, RecordError(path, line_no, f"broken CSV row ({err})")
                continue
            if not values or not any(v.strip() for v in values):
                continue
            if len(values) > len(header):
                yield line_no, RecordError(path, line_no, f"{len(values)} fields for {len(header)} columns "
                                                          "(an unquoted comma?)")
            elif any(_UNDECODABLE.search(v) for v in values):
                yield line_no, RecordError(path, line_no, "not UTF-8")
            else:
                yield line_no, dict(zip(header, values, strict=False))
