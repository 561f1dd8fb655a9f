"""Parsed and chunked rows of each corpus file, kept so a rebuild skips unchanged files.

Reading, sentence splitting, chunking and BM25 stemming cost ~5 ms a synthetic
monograph (profiled on 5,000: 24 s, two thirds of it Punkt), paid again for every file
on every build. After a file is read, its documents, sentences, chunks and BM25 tokens
are written to `<index>/rows/<key[:2]>/<key>.jsonl` (a line per document), and the next
build takes them from there instead of loading the file. The key hashes everything the
rows depend on: the file's SHA-256 and path, the chunking settings
(`IngestConfig.fingerprint`), the record fields, and the ingest package's code and data
(`_code_digest`). So a changed file, setting, record or parser misses the cache by
itself and is read afresh. Chunk `sentence_ids` are stored counting from the
document's first sentence (row 0). Entries no build used last are removed after it.

Records are written generically, field by field from `dataclasses.fields`, as
`{"@": class name, field: value, ...}`; lists come back as tuples (every sequence field
of a frozen record is a tuple).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, fields, is_dataclass
from pathlib import Path

from .records import Chunk, Document, Section, Sentence

log = logging.getLogger(__name__)
RECORDS = {cls.__name__: cls for cls in (Chunk, Document, Section, Sentence)}


@dataclass(frozen=True, slots=True)
class DocumentRows:
    """One document ready to index: sentences, chunks (sentence_ids from row 0), BM25 tokens per chunk."""

    document: Document
    sentences: tuple[Sentence, ...]
    chunks: tuple[Chunk, ...]
    tokens: tuple[tuple[str, ...], ...]


def astuple_shallow(rows: DocumentRows) -> tuple:
    """(document, sentences, chunks, tokens) without dataclasses.astuple's deep copy."""
    return rows.document, rows.sentences, rows.chunks, rows.tokens


class RowCache:
    """Rows by source file under folder; reads and writes never fail a build (a miss instead)."""

    def __init__(self, folder: Path, fingerprint: dict, reuse: bool = True) -> None:
        """reuse=False (a forced build) writes entries but reads none."""
        self.folder, self.reuse = Path(folder), reuse
        self._salt = json.dumps({"fingerprint": fingerprint, "records": _record_fields(), "code": _code_digest()},
                                sort_keys=True)
        self.used: set[str] = set()
        self.hits = 0

    def key(self, source) -> str:
        return hashlib.sha256(f"{self._salt}\0{source.path}\0{source.rel_id}\0{source.sha256}".encode()).hexdigest()

    def _path(self, key: str) -> Path:
        return self.folder / key[:2] / f"{key}.jsonl"

    def get(self, source) -> Iterator[DocumentRows] | None:
        """The cached rows of source, one document at a time; None when there are none.

        A line that does not decode raises ValueError (a file written by hand or by
        another version); the build then reads the source again."""
        if not self.reuse:
            return None
        key = self.key(source)
        try:
            fh = self._path(key).open(encoding="utf-8")
        except OSError:
            return None
        self.used.add(key)
        self.hits += 1
        return _read_rows(fh)

    def writer(self, source) -> _EntryWriter:
        key = self.key(source)
        return _EntryWriter(self, key, self._path(key))

    def prune(self) -> None:
        """Remove entries this build did not use (removed or changed files, old settings)."""
        if not self.folder.is_dir():
            return
        for path in self.folder.glob("*/*"):
            if path.suffix == ".tmp" or path.stem not in self.used:  # .tmp: left by a build that crashed
                path.unlink(missing_ok=True)


class _EntryWriter:
    """Rows of one source, a line per document, renamed into place by commit()."""

    def __init__(self, cache: RowCache, key: str, path: Path) -> None:
        self.cache, self.key, self.path = cache, key, path
        self._fh, self._tmp = None, None

    def add(self, rows: DocumentRows) -> None:
        if self._tmp == "":
            return
        try:
            if self._fh is None:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                fd, self._tmp = tempfile.mkstemp(prefix=f".{self.key}.", suffix=".tmp", dir=self.path.parent)
                self._fh = os.fdopen(fd, "w", encoding="utf-8")
            self._fh.write(json.dumps(_encode(rows), ensure_ascii=False, separators=(",", ":")) + "\n")
        except OSError as err:
            log.warning("could not cache rows in %s (%s)", self.path.parent, err)
            self.discard()
            self._tmp = ""  # stop trying for this source

    def commit(self) -> None:
        if self._fh is None or not self._tmp:
            return
        self._fh.close()
        os.replace(self._tmp, self.path)
        self.cache.used.add(self.key)

    def discard(self) -> None:
        if self._fh is not None:
            self._fh.close()
        if self._tmp:
            Path(self._tmp).unlink(missing_ok=True)
        self._fh = None


def _read_rows(fh) -> Iterator[DocumentRows]:
    with fh:
        for line in fh:
            try:
                yield _decode(json.loads(line))
            except (ValueError, TypeError, KeyError) as err:
                raise ValueError(f"cached rows in {fh.name} do not decode ({err})") from None


def _encode(value):
    if is_dataclass(value):
        return {"@": type(value).__name__, **{f.name: _encode(getattr(value, f.name)) for f in fields(value)}}
    if isinstance(value, tuple | list):
        return [_encode(v) for v in value]
    return value


def _decode(value):
    if isinstance(value, dict):
        cls = DocumentRows if value["@"] == "DocumentRows" else RECORDS[value["@"]]
        return cls(**{k: _decode(v) for k, v in value.items() if k != "@"})
    if isinstance(value, list):
        # Record sequences hold one kind of thing: a list of plain values (BM25 tokens,
        # sentence ids) needs no walk: half as many _decode calls for a cached file.
        if not value or not isinstance(value[0], dict | list):
            return tuple(value)
        return tuple(_decode(v) for v in value)
    return value


def _record_fields() -> dict[str, list[str]]:
    return {name: [f.name for f in fields(cls)] for name, cls in sorted(RECORDS.items())}


def _code_digest() -> str:
    """SHA-256 of every file of the ingest package: loaders, splitters and any data they
    read. A change to build or store code also re-reads every file once, which is cheap
    next to trusting rows a changed parser would no longer make."""
    digest = hashlib.sha256()
    package = Path(__file__).resolve().parent
    for path in sorted(p for p in package.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
        digest.update(f"{path.relative_to(package)}\0".encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()
