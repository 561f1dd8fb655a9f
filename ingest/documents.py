"""Corpus loaders: files on disk -> Document records.

Text files are decoded as UTF-8 exactly as on disk (CRLF kept), so a citation's
offsets index the file's own characters. Collections (.jsonl/.csv) hold one document
per record; offsets refer to its `text` field. HTML and PDF keep their extracted text
in the index, which is what their offsets refer to.
"""

from __future__ import annotations

import csv
import hashlib
import json
import logging
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

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


def load_source(source: SourceFile) -> Iterator[Document]:
    """Documents of one corpus file. Raises ValueError/OSError with a readable reason."""
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


def _load_collection(source: SourceFile) -> Iterator[Document]:
    """One document per JSONL line / CSV row: id, text, optional title, drug, date, url."""
    with source.path.open(encoding="utf-8", newline="") as fh:
        if source.path.suffix.lower() == ".csv":
            rows = ((i + 2, row) for i, row in enumerate(csv.DictReader(fh)))
        else:
            rows = ((i + 1, _json_line(line, source.path, i + 1))
                    for i, line in enumerate(fh) if line.strip())
        for line_no, row in rows:
            if row is None:
                continue
            if is_label_record(row):
                try:
                    yield _label_record_document(row, source, line_no)
                except ValueError as err:
                    log.warning("%s:%d: skipped: %s", source.path, line_no, err)
                continue
            doc_id, text = str(row.get("id") or "").strip(), row.get("text")
            if not doc_id or not isinstance(text, str) or not text.strip():
                log.warning("%s:%d: skipped: a record needs a non-empty id and text", source.path, line_no)
                continue
            meta = {k: row[k] for k in ("title", "drug", "drugs", "date", "url") if row.get(k)}
            yield make_document(doc_id, text, markdown=True, meta=meta, source_path=f"{source.path}:{line_no}")


def _json_line(line: str, path: Path, line_no: int) -> dict | None:
    try:
        row = json.loads(line)
    except json.JSONDecodeError as err:
        log.warning("%s:%d: skipped: invalid JSON (%s)", path, line_no, err.msg)
        return None
    if not isinstance(row, dict):
        log.warning("%s:%d: skipped: a record must be a JSON object", path, line_no)
        return None
    return row


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


def _label_record_document(record: dict, source: SourceFile, where: int | str, single: bool = False) -> Document:
    if not isinstance(record, dict):
        raise ValueError("a label record must be a JSON object")
    text, sections, info = read_record(record)
    key = info.set_id or str(record.get("id") or where)
    doc_id = source.rel_id if single else f"{source.rel_id}/{key}"
    return label_document(doc_id, text, sections, info, f"{source.path}:{where}")


def _load_openfda_json(source: SourceFile) -> Iterator[Document]:
    """openFDA's bulk layout {"meta": ..., "results": [record, ...]}, a list of records, or one
    record. A bad record is reported (file: results[i]) and skipped; the others go on."""
    try:
        data = json.loads(source.path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as err:
        raise ValueError(f"invalid JSON at line {err.lineno} column {err.colno} ({err.msg})") from None
    except UnicodeDecodeError as err:
        raise ValueError(f"not UTF-8 text ({err.reason} at byte {err.start})") from None
    if isinstance(data, dict) and isinstance(data.get("results"), list):
        records, label = data["results"], "results"
    elif isinstance(data, list):
        records, label = data, "record"
    elif isinstance(data, dict) and is_label_record(data):
        records, label = [data], "record"
    else:
        raise ValueError("not an openFDA drug-label file (expected {\"results\": [label records]}, a list of "
                         "records, or one record with text fields such as indications_and_usage)")
    for i, record in enumerate(records):
        try:
            yield _label_record_document(record, source, f"{label}[{i}]", single=len(records) == 1)
        except ValueError as err:
            log.warning("%s: %s[%d]: skipped: %s", source.path, label, i, err)
