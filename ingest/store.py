"""The index on disk: manifest, documents, sentences, chunks, vectors, BM25.

Layout of an index directory:
    manifest.json        model, chunking parameters, source hashes, counts
    documents.jsonl      one document per line, with its text and sections
    sentences.jsonl      [doc row, section, start, end, embed key] per sentence
    chunks.jsonl         one chunk per line (offsets, sentence rows, embed key)
    chunks.faiss         dense index over chunk vectors (inner product = cosine)
    sentence_vectors.npy float16 unit vectors, one row per sentence
    section_vectors.npy  float16 unit vectors of "title: section heading" per section
    bm25/                bm25s index over chunk stems

A build writes a sibling temporary directory and swaps it in with two renames, so a
crash mid-build leaves the previous index in place and usable.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from .records import Chunk, Document, Section, Sentence

MANIFEST = "manifest.json"
REQUIRED_FILES = (MANIFEST, "documents.jsonl", "sentences.jsonl", "chunks.jsonl",
                  "chunks.faiss", "sentence_vectors.npy", "section_vectors.npy")


class IndexError_(Exception):  # noqa: N801 - avoid shadowing the builtin IndexError
    pass


class MissingIndexError(IndexError_):
    pass


class IncompatibleIndexError(IndexError_):
    pass


@dataclass(slots=True)
class StoredIndex:
    """Everything a query needs, loaded read-only."""

    directory: Path
    manifest: dict
    documents: dict[str, Document]
    sentences: list[Sentence]
    sentence_keys: list[str]
    chunks: list[Chunk]
    chunk_keys: list[str]
    dense: object  # faiss.Index
    sentence_vectors: np.ndarray
    section_vectors: np.ndarray
    section_keys: list[tuple[str, str]]  # (doc_id, section title) per section_vectors row
    bm25: object  # bm25s.BM25


def document_to_json(doc: Document) -> dict:
    data = asdict(doc)
    data["sections"] = [[s.title, s.start, s.end, s.page] for s in doc.sections]
    return data


def document_from_json(data: dict) -> Document:
    data = dict(data)
    data["sections"] = tuple(Section(*s) for s in data["sections"])
    for key in ("drugs",):
        data[key] = tuple(data[key])
    for key in ("skip_spans", "pages"):
        data[key] = tuple(tuple(x) for x in data[key])
    return Document(**data)


def write_index(directory: Path, manifest: dict, documents: list[Document],
                sentences: list[Sentence], sentence_keys: list[str], chunks: list[Chunk],
                chunk_keys: list[str], dense, sentence_vectors: np.ndarray,
                section_vectors: np.ndarray, bm25) -> None:
    import faiss

    directory = Path(directory)
    directory.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{directory.name}.building-", dir=directory.parent))
    try:
        doc_row = {d.doc_id: i for i, d in enumerate(documents)}
        _write_jsonl(tmp / "documents.jsonl", (document_to_json(d) for d in documents))
        _write_jsonl(tmp / "sentences.jsonl", (
            [doc_row[s.doc_id], s.section, s.start, s.end, k] for s, k in zip(sentences, sentence_keys)))
        _write_jsonl(tmp / "chunks.jsonl", (
            {"chunk_id": c.chunk_id, "doc": doc_row[c.doc_id], "section": c.section, "start": c.start,
             "end": c.end, "sentences": [c.sentence_ids[0], c.sentence_ids[-1] + 1], "page": c.page,
             "key": k} for c, k in zip(chunks, chunk_keys)))
        faiss.write_index(dense, str(tmp / "chunks.faiss"))
        np.save(tmp / "sentence_vectors.npy", sentence_vectors.astype(np.float16))
        np.save(tmp / "section_vectors.npy", section_vectors.astype(np.float16))
        bm25.save(str(tmp / "bm25"))
        (tmp / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True), encoding="utf-8")
        _swap_in(tmp, directory)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def _swap_in(tmp: Path, directory: Path) -> None:
    old = directory.with_name(f".{directory.name}.old-{os.getpid()}")
    if directory.exists():
        os.replace(directory, old)
    os.replace(tmp, directory)
    shutil.rmtree(old, ignore_errors=True)


def _write_jsonl(path: Path, rows) -> None:
    with path.open("w", encoding="utf-8") as fh:
        for row in rows:
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")


def _read_jsonl(path: Path):
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            yield json.loads(line)


def read_manifest(directory: Path) -> dict:
    path = Path(directory) / MANIFEST
    if not path.exists():
        raise MissingIndexError(
            f"no index at {directory}/ (missing {MANIFEST}); build it with: python -m ingest corpus/ --index {directory}")
    return json.loads(path.read_text(encoding="utf-8"))


def load_index(directory: Path) -> StoredIndex:
    import bm25s
    import faiss

    directory = Path(directory)
    manifest = read_manifest(directory)
    missing = [f for f in REQUIRED_FILES if not (directory / f).exists()]
    if missing:
        raise MissingIndexError(f"index at {directory}/ is incomplete (missing {', '.join(missing)}); "
                                f"rebuild it with: python -m ingest --index {directory}")
    docs = [document_from_json(d) for d in _read_jsonl(directory / "documents.jsonl")]
    sentences, sentence_keys = [], []
    for row, section, start, end, key in _read_jsonl(directory / "sentences.jsonl"):
        doc = docs[row]
        sentences.append(Sentence(doc.doc_id, section, start, end, doc.text[start:end]))
        sentence_keys.append(key)
    chunks, chunk_keys = [], []
    for c in _read_jsonl(directory / "chunks.jsonl"):
        doc = docs[c["doc"]]
        chunks.append(Chunk(c["chunk_id"], doc.doc_id, c["section"], c["start"], c["end"],
                            doc.text[c["start"]:c["end"]], tuple(range(*c["sentences"])), c["page"]))
        chunk_keys.append(c["key"])
    dense = faiss.read_index(str(directory / "chunks.faiss"))
    sentence_vectors = np.load(directory / "sentence_vectors.npy").astype(np.float32)
    section_vectors = np.load(directory / "section_vectors.npy").astype(np.float32)
    bm25 = bm25s.BM25.load(str(directory / "bm25"))
    counts = manifest.get("counts", {})
    if dense.ntotal != len(chunks) or len(sentence_vectors) != len(sentences) \
            or counts.get("chunks") != len(chunks):
        raise IncompatibleIndexError(
            f"index at {directory}/ is inconsistent ({dense.ntotal} vectors, {len(chunks)} chunks, "
            f"{len(sentence_vectors)} sentence vectors for {len(sentences)} sentences); "
            f"rebuild it with: python -m ingest --index {directory}")
    section_keys = [(d.doc_id, s.title) for d in docs for s in d.sections]
    return StoredIndex(directory, manifest, {d.doc_id: d for d in docs}, sentences, sentence_keys,
                       chunks, chunk_keys, dense, sentence_vectors, section_vectors, section_keys, bm25)
