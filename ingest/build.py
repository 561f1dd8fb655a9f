"""Build (or refresh) the index: discover -> load -> chunk -> embed -> store, streaming.

Files are read, chunked and embedded in batches of about BATCH_TEXTS texts, and every
batch goes straight to disk (`IndexWriter`), so memory holds one batch of documents plus
compact per-chunk BM25 token ids, not the whole corpus. Vectors are looked up by the
hash of the text that was embedded (`vector_cache.py`), so a rebuild after one file
changed re-embeds only that file's new texts.
"""

from __future__ import annotations

import logging
import sys
import time
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from .chunking import chunk_document
from .collection import RecordError
from .config import IngestConfig
from .documents import CorpusError, SourceFile, discover, load_source
from .lexical import analyze
from .records import Chunk, Document, Sentence
from .row_cache import DocumentRows, RowCache, astuple_shallow
from .store import FLAT, IndexWriter, MissingIndexError, read_manifest
from .vector_cache import KnownVectors, chunk_embedding_text, embed_key, previous_vectors, section_embedding_text

log = logging.getLogger(__name__)
# 4096 texts per round: ~4096 x 384 x 4 B = 6 MB of fresh vectors plus the batch's
# documents (~200 files); large enough that the encoder's length-sorted batches pad little.
BATCH_TEXTS = 4096
# Exact search scans every chunk vector: 100k x 384 x 4 B = 154 MB a query. Measured by
# bench/scale.py on this 2-core machine (k=100, CPU ms a query, shared box): 39 at 100k,
# 65 at 200k, 151 at 500k vectors. Up to 200k that fits an interactive budget, stays
# exact, and keeps incremental builds cheap (a flat index is just the vector file).
# Past it, HNSW answers in about a millisecond but is approximate and its graph is
# rebuilt on every build (README "Scaling past one machine").
FLAT_LIMIT = 200_000
# efSearch below k (qa asks for 100 candidates) is raised to k by FAISS. Recall@100 on
# 27,785 real MiniLM sentence vectors: 0.86 at 64 (=100), 0.94 at 128, 0.97 at 256.
HNSW_M, HNSW_EF_CONSTRUCTION, HNSW_EF_SEARCH = 32, 80, 256


@dataclass(slots=True)
class BuildReport:
    rebuilt: bool
    reasons: list[str]
    documents: int = 0
    sections: int = 0
    chunks: int = 0
    seconds: float = 0.0
    added: int = 0
    changed: int = 0
    removed: int = 0
    embedded: int = 0
    parsed: int = 0  # files read and chunked; the others' rows came from the row cache
    skipped: list[str] = field(default_factory=list)  # files left out, "file: skipped: reason"
    skipped_records: list[str] = field(default_factory=list)  # collection records, "file:line: skipped: reason"

    def summary(self) -> str:
        skips = f"{len(self.skipped)} files and {len(self.skipped_records)} records skipped"
        if not self.rebuilt:
            built_with = f"; {skips} when it was built" if self.skipped or self.skipped_records else ""
            return (f"index is up to date ({self.documents} documents, {self.sections} sections, "
                    f"{self.chunks} chunks{built_with})")
        return (f"indexed {self.documents} documents, {self.sections} sections, {self.chunks} chunks "
                f"in {self.seconds:.1f} s ({self.added} added, {self.changed} changed, {self.removed} removed; "
                f"{self.parsed} files read, {self.embedded} texts embedded, {skips})")


def stale_reasons(config: IngestConfig) -> list[str]:
    """Why the index at config.index_dir must be (re)built; empty when it is current."""
    try:
        manifest = read_manifest(config.index_dir)
    except MissingIndexError:
        return ["no index yet"]
    reasons = []
    built = manifest.get("fingerprint", {})
    for key, value in config.fingerprint().items():
        if built.get(key) != value:
            reasons.append(f"{key} changed ({built.get(key)!r} -> {value!r})")
    old = manifest.get("sources", {})
    try:
        new = {str(s.path): s.sha256 for s in discover(config.corpus_paths)}
    except CorpusError as err:
        return [str(err)]
    for kind, paths in _diff(old, new).items():
        if paths:
            reasons.append(f"{len(paths)} file(s) {kind}: {', '.join(sorted(paths)[:3])}")
    return reasons


def _diff(old: dict, new: dict) -> dict[str, list[str]]:
    return {"added": [p for p in new if p not in old],
            "changed": [p for p in new if p in old and old[p] != new[p]],
            "removed": [p for p in old if p not in new]}


def build_index(config: IngestConfig, force: bool = False, progress: bool = True,
                encoder=None) -> BuildReport:
    """Build the index if missing or stale (or force); returns what was done."""
    reasons = ["forced"] if force else stale_reasons(config)
    if not reasons:
        manifest = read_manifest(config.index_dir)
        m = manifest["counts"]
        return BuildReport(False, [], m["documents"], m["sections"], m["chunks"],
                           skipped=manifest.get("skipped", []), skipped_records=manifest.get("skipped_records", []))
    started = time.perf_counter()
    sources = discover(config.corpus_paths)
    if not sources:
        raise CorpusError(f"no corpus files (.txt, .md, .jsonl, .csv, .html, .pdf) under "
                          f"{', '.join(map(str, config.corpus_paths))}")
    diff = _diff(_old_sources(config.index_dir), {str(s.path): s.sha256 for s in sources})
    known = KnownVectors() if force else previous_vectors(config)
    rows = RowCache(config.index_dir / "rows", config.fingerprint(), reuse=not force)
    if encoder is None:
        from .embedding import build_encoder

        encoder = build_encoder(config.resolved_model_path(), config.index_dir / "onnx")
    writer = IndexWriter(config.index_dir, encoder.dim)
    try:
        run = _Run(config, encoder, known, writer, rows)
        run.ingest(sources, progress)
        if not writer.chunks:
            first_skips = (run.skipped + run.skipped_records)[:5]
            raise CorpusError("the corpus yielded no sentences to index: " + "; ".join(first_skips))
        dense = _dense_index(writer.vectors["chunk"].view())
        report = BuildReport(True, reasons, writer.documents, run.sections, writer.chunks,
                             added=len(diff["added"]), changed=len(diff["changed"]),
                             removed=len(diff["removed"]), embedded=run.embedded, parsed=run.parsed,
                             skipped=run.skipped, skipped_records=run.skipped_records)
        bm25 = run.bm25_index()
        report.seconds = time.perf_counter() - started
        writer.commit(_manifest(config, sources, report, writer, dense), dense, bm25)
    except BaseException:
        writer.abort()
        raise
    rows.prune()
    return report


def _manifest(config: IngestConfig, sources: list[SourceFile], report: BuildReport, writer: IndexWriter,
              dense) -> dict:
    return {
        "fingerprint": config.fingerprint(),
        "model_path": config.resolved_model_path(),
        "dim": writer.vectors["chunk"].dim,
        "faiss": FLAT if dense is None else type(dense).__name__,
        "hnsw_ef_search": HNSW_EF_SEARCH,
        "corpus_paths": [str(p) for p in config.corpus_paths],
        "sources": {str(s.path): s.sha256 for s in sources},
        "counts": {"documents": report.documents, "sections": report.sections, "sentences": writer.sentences,
                   "chunks": report.chunks, "skipped_files": len(report.skipped),
                   "skipped_records": len(report.skipped_records)},
        "skipped": report.skipped,
        "skipped_records": report.skipped_records,
        "built_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "build_seconds": round(report.seconds, 2),
    }


def _old_sources(index_dir: Path) -> dict:
    try:
        return read_manifest(index_dir).get("sources", {})
    except (MissingIndexError, ValueError):
        return {}


class _Run:
    """One build's streaming state: the pending batch, BM25 token ids, counters."""

    def __init__(self, config: IngestConfig, encoder, known: KnownVectors, writer: IndexWriter,
                 rows: RowCache | None) -> None:
        self.config, self.encoder, self.known, self.writer, self.rows = config, encoder, known, writer, rows
        for appender in writer.vectors.values():
            known.add(appender, [])
        self.pending: list[DocumentRows] = []
        self.pending_texts = 0
        self.next_row = 0  # sentence row of the next document's first sentence
        self.seen: dict[str, str] = {}
        self.skipped: list[str] = []  # "file: skipped: reason", one per file left out
        self.skipped_records: list[str] = []  # "file:line: skipped: reason", one per record left out
        self.sections = self.embedded = self.parsed = 0
        self.vocab: dict[str, int] = {}
        self.chunk_tokens: list[list[int]] = []  # ids share the vocab's int objects: 8 B per token

    def ingest(self, sources: list[SourceFile], progress: bool) -> None:
        from tqdm import tqdm
        from tqdm.contrib.logging import logging_redirect_tqdm

        bar = tqdm(sources, desc="indexing", unit="file", disable=not progress, file=sys.stderr,
                   dynamic_ncols=True)
        with logging_redirect_tqdm():  # "skipped" warnings print above the bar, not through it
            for source in bar:
                self._read(source)
                bar.set_postfix(chunks=self.writer.chunks, embedded=self.embedded, refresh=False)
            self._flush()
        bar.close()

    def _read(self, source: SourceFile) -> None:
        """Queue the documents of one file. A file that cannot be read is reported and
        skipped; in a collection a bad record (a RecordError, a duplicate id, no
        sentences) is reported as `file:line: skipped: reason` and the records after it go on.
        Rows of a file read by an earlier build come from the row cache; only a file read
        without any error is cached (so its skipped records are reported again next time).
        """
        if self._read_cached(source):
            return
        self.parsed += 1
        cache = self.rows.writer(source) if self.rows else None
        docs = load_source(source)
        while True:
            try:
                doc = next(docs, None)
            except (OSError, ValueError) as err:  # the file itself (records read before it stay)
                self._skip(self.skipped, f"{source.path}: skipped: {err}")
                if cache:
                    cache.discard()
                return
            if doc is None:
                break
            try:
                if isinstance(doc, RecordError):
                    raise doc
                rows = self._check(doc)
            except RecordError as err:
                self._skip(self.skipped_records, f"{err.path}:{err.line}: skipped: {err.reason}")
                if cache:
                    cache.discard()
                    cache = None
                continue
            except ValueError as err:  # a whole-file document
                self._skip(self.skipped, f"{source.path}: skipped: {err}")
                if cache:
                    cache.discard()
                return
            if cache:
                cache.add(rows)
            self._queue(source, rows)
        if cache:
            cache.commit()

    def _check(self, doc: Document) -> DocumentRows:
        """The rows of a document that may join the index: a repeated id or a document
        without sentences is a RecordError for a collection record, else a ValueError."""
        where = _record_location(doc)
        if doc.doc_id in self.seen:
            _reject(where, f"document id {doc.doc_id!r} already used by {self.seen[doc.doc_id]}")
        sentences, chunks = chunk_document(doc, self.config.chunk_sentences, self.config.chunk_overlap)
        if not chunks:
            _reject(where, f"document {doc.doc_id!r} has no sentences")
        return _document_rows(doc, sentences, chunks)

    def _read_cached(self, source: SourceFile) -> bool:
        """Queue source's cached rows; False when it has none (or they are unusable) and must be read."""
        cached = self.rows.get(source) if self.rows else None
        if cached is None:
            return False
        queued = 0
        try:
            for rows in cached:
                if rows.document.doc_id in self.seen:  # reading the file reports this
                    raise ValueError(f"document id {rows.document.doc_id!r} already used")
                self._queue(source, rows)
                queued += 1
        except ValueError as err:
            if not queued:
                return False
            self._skip(self.skipped, f"{source.path}: skipped: {err}")
        return True

    def _skip(self, messages: list[str], message: str) -> None:
        log.warning(message)
        messages.append(message)

    def _queue(self, source: SourceFile, rows: DocumentRows) -> None:
        """Add one document to the pending batch, its chunks' sentence rows counted from self.next_row."""
        doc = rows.document
        if self.next_row:
            base = self.next_row
            rows = replace(rows, chunks=tuple(replace(c, sentence_ids=tuple(i + base for i in c.sentence_ids))
                                              for c in rows.chunks))
        self.seen[doc.doc_id] = doc.source_path or str(source.path)
        self.next_row += len(rows.sentences)
        self.pending.append(rows)
        self.pending_texts += len(rows.sentences) + len(rows.chunks) + len(doc.sections)
        if self.pending_texts >= BATCH_TEXTS:
            self._flush()

    def _flush(self) -> None:
        """Embed what the pending documents need and write them with their vectors."""
        if not self.pending:
            return
        texts: dict[str, tuple[list[str], list[str]]] = {"chunk": ([], []), "sentence": ([], []), "section": ([], [])}
        for doc, sentences, chunks, _ in map(astuple_shallow, self.pending):
            _extend(texts["chunk"], [chunk_embedding_text(doc, c) for c in chunks])
            _extend(texts["sentence"], [s.text for s in sentences])
            _extend(texts["section"], [section_embedding_text(doc, s) for s in doc.sections])
        todo = {k: t for keys, ts in texts.values() for k, t in zip(keys, ts, strict=True) if k not in self.known}
        fresh: dict[str, np.ndarray] = {}
        if todo:
            vectors = self.encoder.encode(list(todo.values()), batch_size=self.config.embed_batch_size)
            fresh = dict(zip(todo, vectors, strict=True))
            self.embedded += len(todo)
        for kind, (keys, _) in texts.items():
            appender = self.writer.vectors[kind]
            first = appender.rows
            appender.append(self.known.gather(keys, fresh, appender.dim))
            self.known.register(appender, keys, first)
        sentence_keys, chunk_keys = iter(texts["sentence"][0]), iter(texts["chunk"][0])
        for doc, sentences, chunks, chunk_tokens in map(astuple_shallow, self.pending):
            self.writer.add_document(doc, [next(sentence_keys) for _ in sentences], sentences,
                                     [next(chunk_keys) for _ in chunks], chunks)
            self.sections += len(doc.sections)
            for tokens in chunk_tokens:
                self.chunk_tokens.append([self.vocab.setdefault(t, len(self.vocab)) for t in tokens])
        self.pending, self.pending_texts = [], 0

    def bm25_index(self):
        """BM25 over chunk text plus its document title, drug names and section heading."""
        import bm25s

        logging.getLogger("bm25s").setLevel(logging.WARNING)  # it logs its steps at DEBUG
        bm25 = bm25s.BM25()
        bm25.index((self.chunk_tokens, self.vocab), show_progress=False)
        return bm25


def _document_rows(doc: Document, sentences: list[Sentence], chunks: list[Chunk]) -> DocumentRows:
    """A document's rows with the BM25 tokens of each chunk: its text plus the document
    title, drug names and section heading."""
    prefix = f"{doc.title} {' '.join(doc.drugs)}"
    tokens = tuple(tuple(analyze(f"{prefix} {c.section} {c.text}") or ["<empty>"]) for c in chunks)
    return DocumentRows(doc, tuple(sentences), tuple(chunks), tokens)


def _extend(keys_texts: tuple[list[str], list[str]], texts: list[str]) -> None:
    keys_texts[0].extend(embed_key(t) for t in texts)
    keys_texts[1].extend(texts)


def _dense_index(vectors: np.ndarray):
    """None for exact search (the flat index is rebuilt from the vectors on load), else HNSW."""
    import faiss

    if len(vectors) <= FLAT_LIMIT:
        return None
    index = faiss.IndexHNSWFlat(vectors.shape[1], HNSW_M, faiss.METRIC_INNER_PRODUCT)
    index.hnsw.efConstruction = HNSW_EF_CONSTRUCTION
    for lo in range(0, len(vectors), 65_536):
        index.add(np.ascontiguousarray(vectors[lo: lo + 65_536], dtype=np.float32))
    index.hnsw.efSearch = HNSW_EF_SEARCH
    return index


def _record_location(doc: Document) -> tuple[str, int] | None:
    """(file, line) of a document that is one record of a collection, else None.

    Collection loaders set source_path to "file:line" (whole files: just the path).
    """
    path, _, line = doc.source_path.rpartition(":")
    return (path, int(line)) if path and line.isdigit() else None


def _reject(where: tuple[str, int] | None, reason: str) -> None:
    """A record of a collection is skipped alone; a whole-file document skips its file."""
    if where is None:
        raise ValueError(reason)
    raise RecordError(where[0], where[1], reason)
