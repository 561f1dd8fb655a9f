"""Corpus loaders: files on disk -> Document records.

Text files are decoded as UTF-8 exactly as on disk (CRLF kept), so a citation's
offsets index the file's own characters. Collections (.jsonl/.csv) hold one document
per record; offsets refer to its `text` field. HTML and PDF keep their extracted text
in the index, which is what their offsets refer to.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from .collection import RecordError, csv_rows, document_records, jsonl_rows
from .config import DOCUMENT_SUFFIXES
from .drugs import detect_drug_names
from .openfda import is_label_record, read_record
from .records import Document, Section
from .sections import metadata_lines, split_sections
from .spl import LabelInfo, label_drug_names, read_spl

log = logging.getLogger(__name__)
META_SUFFIX = ".meta.json"


@dataclass(frozen=True, slots=True)
class SourceFile:
    path: Path
    rel_id: str  # path relative to its corpus root, without the extension
    sha256: str


class CorpusError(Exception):
    """A corpus path that cannot be read at all (missing, not a corpus file)."""


def discover(paths: tuple[Path, ...]) -> list[SourceFile]:
    """Every corpus file under paths (folders recursively), with its content hash."""
    found: list[SourceFile] = []
    for root in paths:
        root = Path(root)
        if not root.exists():
            raise CorpusError(f"corpus path does not exist: {root}")
        if root.is_file():
            files, base = [root], root.parent
        else:
            files, base = sorted(p for p in root.rglob("*") if p.is_file()), root
        for path in files:
            if path.name.endswith(META_SUFFIX) or path.suffix.lower() not in DOCUMENT_SUFFIXES:
                continue
            rel = path.relative_to(base).with_suffix("").as_posix()
            found.append(SourceFile(path, rel, _sha256(path, path.with_name(path.stem + META_SUFFIX))))
    return found


def _sha256(path: Path, meta: Path) -> str:
    h = hashlib.sha256()
    try:
        h.update(path.read_bytes())
        if meta.exists():
            h.update(meta.read_bytes())
    except OSError as err:
        return f"unreadable:{err.strerror}"
    return h.hexdigest()


def load_source(source: SourceFile) -> Iterator[Document | RecordError]:
    """Documents of one corpus file. Raises ValueError/OSError with a readable reason when
    the file cannot be read; a collection yields a RecordError for each bad record."""
    suffix = source.path.suffix.lower()
    if suffix in (".jsonl", ".csv"):
        yield from _load_collection(source)
        return
    if suffix == ".xml":
        yield _load_spl(source)
        return
    if suffix == ".json":
        yield from _load_openfda_json(source)
        return
    if suffix in (".html", ".htm", ".pdf"):
        from .rich_formats import load_rich

        yield load_rich(source, _read_meta(source.path))
        return
    raw = source.path.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        raise ValueError(f"not UTF-8 text ({err.reason} at byte {err.start})") from None
    yield make_document(source.rel_id, text, markdown=suffix == ".md",
                        meta=_read_meta(source.path), source_path=str(source.path))


def _read_meta(path: Path) -> dict:
    meta = path.with_name(path.stem + META_SUFFIX)
    if not meta.exists():
        return {}
    data = json.loads(meta.read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise ValueError(f"{meta}: metadata must be a JSON object")
    return data


def make_document(doc_id: str, text: str, markdown: bool, meta: dict,
                  source_path: str = "", sections: tuple[Section, ...] | None = None,
                  pages: tuple[tuple[int, int], ...] = ()) -> Document:
    if not text.strip():
        raise ValueError("no text")
    date, url, skip = metadata_lines(text)
    first_line = next((ln.strip().lstrip("#").strip() for ln in text.splitlines() if ln.strip()), doc_id)
    heading_title = first_line.lstrip("\ufeff")[:200]
    title = str(meta.get("title") or heading_title)
    if sections is None:
        sections = split_sections(text, markdown, heading_title)
    drugs = meta.get("drugs") or meta.get("drug") or detect_drug_names(title, text)
    if isinstance(drugs, str):
        drugs = [d.strip() for d in drugs.replace("|", ",").split(",") if d.strip()]
    return Document(
        doc_id=doc_id, title=title, text=text, sections=sections, drugs=tuple(drugs),
        date=str(meta.get("date") or date), url=str(meta.get("url") or url),
        source_path=source_path, skip_spans=skip, pages=pages,
    )


def _load_collection(source: SourceFile) -> Iterator[Document | RecordError]:
    """One document per JSONL line / CSV row: id, text, optional title, drug(s), date, url.

    A bad record comes as a RecordError in its place; the records after it still load.
    """
    if source.path.suffix.lower() == ".csv":
        rows = csv_rows(source.path, required=("id", "text"))
    else:
        rows = jsonl_rows(source.path)
    yield from document_records(source.path, rows, lambda line, row: _record_document(source, line, row))


def _record_document(source: SourceFile, line_no: int, row: dict) -> Document:
    """A {id, text, ...} record, or an openFDA label record (a JSONL line of label JSON)."""
    if is_label_record(row):
        return _label_record_document(row, source, line_no)
    path = source.path
    doc_id, text = row.get("id"), row.get("text")
    if isinstance(doc_id, int) and not isinstance(doc_id, bool):
        doc_id = str(doc_id)
    if doc_id is not None and not isinstance(doc_id, str):
        raise ValueError(f"id must be a string, not {type(doc_id).__name__}")
    if not (doc_id or "").strip():
        raise ValueError("no id")
    if text is not None and not isinstance(text, str):
        raise ValueError(f"text must be a string, not {type(text).__name__}")
    if not (text or "").strip():
        raise ValueError("no text")
    meta = {k: row[k] for k in ("title", "drug", "drugs", "date", "url") if row.get(k)}
    for key, value in meta.items():
        strings = value if key in ("drug", "drugs") and isinstance(value, list) else [value]
        if not all(isinstance(v, str) for v in strings):
            raise ValueError(f"{key} must be a string{' or a list of strings' if key.startswith('drug') else ''}, "
                             f"not {type(value).__name__}")
    return make_document(doc_id.strip(), text, markdown=True, meta=meta, source_path=f"{path}:{line_no}")


def label_document(doc_id: str, text: str, sections: tuple[Section, ...], info: LabelInfo,
                   source_path: str) -> Document:
    """A Document of an FDA label (SPL or openFDA): names and dates from the label itself."""
    if not any(s.end > s.start for s in sections):
        raise ValueError("the label has no text outside its Highlights and product data")
    return Document(doc_id=doc_id, title=info.title, text=text, sections=sections,
                    drugs=label_drug_names(info.brand_names, info.generic_names), date=info.date,
                    source_path=source_path, set_id=info.set_id, version=info.version, labeler=info.labeler)


def _load_spl(source: SourceFile) -> Document:
    """One label per SPL XML file; other XML raises ValueError naming what it is."""
    text, sections, info = read_spl(source.path.read_bytes())
    return label_document(source.rel_id, text, sections, info, str(source.path))


def _label_record_document(record: dict, source: SourceFile, line: int, single: bool = False) -> Document:
    if not isinstance(record, dict):
        raise ValueError("a label record must be a JSON object")
    text, sections, info = read_record(record)
    key = info.set_id or str(record.get("id") or line)
    doc_id = source.rel_id if single else f"{source.rel_id}/{key}"
    return label_document(doc_id, text, sections, info, f"{source.path}:{line}")


def _load_openfda_json(source: SourceFile) -> Iterator[Document]:
    """openFDA's bulk layout {"meta": ..., "results": [record, ...]}, a list of records, or one
    record. A bad record comes as a RecordError (file:line of its id); the others go on."""
    try:
        raw = source.path.read_text(encoding="utf-8")
        data = json.loads(raw)
    except json.JSONDecodeError as err:
        raise ValueError(f"invalid JSON at line {err.lineno} column {err.colno} ({err.msg})") from None
    except UnicodeDecodeError as err:
        raise ValueError(f"not UTF-8 text ({err.reason} at byte {err.start})") from None
    if isinstance(data, dict) and isinstance(data.get("results"), list):
        records = data["results"]
    elif isinstance(data, list):
        records = data
    elif isinstance(data, dict) and is_label_record(data):
        records = [data]
    else:
        raise ValueError("not an openFDA drug-label file (expected {\"results\": [label records]}, a list of "
                         "records, or one record with text fields such as indications_and_usage)")
    rows = [(_record_line(raw, record, i), record) for i, record in enumerate(records)]
    yield from document_records(source.path, rows, lambda line, record: _label_record_document(
        record, source, line, single=len(records) == 1))


def _record_line(text: str, record: object, index: int) -> int:
    """The file line of a record: where its id (or set id) is written; else its position."""
    for key in ("id", "set_id"):
        value = record.get(key) if isinstance(record, dict) else None
        pos = text.find(json.dumps(value)) if isinstance(value, str) and value else -1
        if pos >= 0:
            return text.count("\n", 0, pos) + 1
    return index + 1
