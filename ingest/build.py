"""Build (or refresh) the index: discover -> load -> chunk -> embed -> store.

Vectors are cached by the hash of the text that was embedded, so a rebuild after
one file changed re-embeds only that file's chunks and sentences.
"""

from __future__ import annotations

import hashlib
import logging
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .config import IngestConfig
from .chunking import chunk_document
from .documents import CorpusError, SourceFile, discover, load_source
from .lexical import analyze
from .records import Chunk, Document, Sentence
from .store import IncompatibleIndexError, MissingIndexError, load_index, read_manifest, write_index

log = logging.getLogger(__name__)
# Exact search stays under ~10 ms per query up to about 200k chunk vectors of 384
# floats (200k x 384 x 4 B = 307 MB scanned); past that, HNSW keeps queries fast.
FLAT_LIMIT = 200_000


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
    skipped: list[str] = field(default_factory=list)

    def summary(self) -> str:
        if not self.rebuilt:
            return f"index is up to date ({self.documents} documents, {self.sections} sections, {self.chunks} chunks)"
        return (f"indexed {self.documents} documents, {self.sections} sections, {self.chunks} chunks "
                f"in {self.seconds:.1f} s ({self.added} added, {self.changed} changed, {self.removed} removed; "
                f"{self.embedded} texts embedded, {len(self.skipped)} files skipped)")


def embed_key(text: str) -> str:
    return hashlib.sha1(text.encode()).hexdigest()[:20]


def chunk_embedding_text(doc: Document, chunk: Chunk) -> str:
    """What the dense index sees: the chunk in its document and section context."""
    return f"{doc.title} | {chunk.section}\n{chunk.text}"


def section_embedding_text(doc: Document, section_title: str) -> str:
    return f"{doc.title}: {section_title}"


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


def _vector_cache(config: IngestConfig) -> dict[str, np.ndarray]:
    """Vectors of the previous build by embed key, when it used the same model."""
    try:
        old = load_index(config.index_dir)
    except (MissingIndexError, IncompatibleIndexError, OSError, ValueError, KeyError):
        return {}
    if old.manifest.get("fingerprint", {}).get("model") != config.model_name:
        return {}
    cache = dict(zip(old.sentence_keys, old.sentence_vectors))
    section_texts = [section_embedding_text(d, s.title) for d in old.documents.values() for s in d.sections]
    cache.update(zip((embed_key(t) for t in section_texts), old.section_vectors))
    chunk_vectors = old.dense.reconstruct_n(0, old.dense.ntotal)
    cache.update(zip(old.chunk_keys, chunk_vectors))
    return cache


def build_index(config: IngestConfig, force: bool = False, progress: bool = True,
                encoder=None) -> BuildReport:
    """Build the index if missing or stale (or force); returns what was done."""
    reasons = ["forced"] if force else stale_reasons(config)
    if not reasons:
        m = read_manifest(config.index_dir)["counts"]
        return BuildReport(False, [], m["documents"], m["sections"], m["chunks"])
    started = time.perf_counter()
    sources = discover(config.corpus_paths)
    if not sources:
        raise CorpusError(f"no corpus files (.txt, .md, .jsonl, .csv, .html, .pdf) under "
                          f"{', '.join(map(str, config.corpus_paths))}")
    old_sources = _old_sources(config.index_dir)
    diff = _diff(old_sources, {str(s.path): s.sha256 for s in sources})
    cache = {} if force else _vector_cache(config)
    if encoder is None:
        from .embedding import Encoder

        encoder = Encoder(config.resolved_model_path())
    docs, sentences, chunks, skipped = _load_all(sources, config, progress)
    if not chunks:
        raise CorpusError("the corpus yielded no sentences to index: " + "; ".join(skipped))
    doc_by_id = {d.doc_id: d for d in docs}
    chunk_texts = [chunk_embedding_text(doc_by_id[c.doc_id], c) for c in chunks]
    section_texts = [section_embedding_text(d, s.title) for d in docs for s in d.sections]
    sentence_keys = [embed_key(s.text) for s in sentences]
    chunk_keys = [embed_key(t) for t in chunk_texts]
    embedded = [0]

    def vectors(texts: list[str], keys: list[str], what: str) -> np.ndarray:
        todo = sorted({k: t for k, t in zip(keys, texts) if k not in cache}.items())
        if todo:
            if progress:
                print(f"embedding {len(todo)} {what}", file=sys.stderr)
            fresh = encoder.encode([t for _, t in todo], batch_size=config.embed_batch_size, progress=progress)
            cache.update(zip((k for k, _ in todo), fresh))
            embedded[0] += len(todo)
        if not keys:
            return np.zeros((0, encoder.dim), dtype=np.float32)
        return np.stack([cache[k] for k in keys]).astype(np.float32)

    chunk_vectors = vectors(chunk_texts, chunk_keys, "chunks")
    sentence_vectors = vectors([s.text for s in sentences], sentence_keys, "sentences")
    section_vectors = vectors(section_texts, [embed_key(t) for t in section_texts], "section headings")
    dense = _dense_index(chunk_vectors)
    bm25 = _bm25_index(docs, chunks)
    report = BuildReport(True, reasons, len(docs), sum(len(d.sections) for d in docs), len(chunks),
                         added=len(diff["added"]), changed=len(diff["changed"]),
                         removed=len(diff["removed"]), embedded=embedded[0], skipped=skipped)
    report.seconds = time.perf_counter() - started
    manifest = {
        "fingerprint": config.fingerprint(),
        "model_path": config.resolved_model_path(),
        "dim": int(chunk_vectors.shape[1]),
        "faiss": type(dense).__name__,
        "corpus_paths": [str(p) for p in config.corpus_paths],
        "sources": {str(s.path): s.sha256 for s in sources},
        "counts": {"documents": len(docs), "sections": report.sections, "sentences": len(sentences),
                   "chunks": len(chunks), "skipped_files": len(skipped)},
        "skipped": skipped,
        "built_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "build_seconds": round(report.seconds, 2),
    }
    write_index(config.index_dir, manifest, docs, sentences, sentence_keys, chunks, chunk_keys,
                dense, sentence_vectors, section_vectors, bm25)
    return report


def _old_sources(index_dir: Path) -> dict:
    try:
        return read_manifest(index_dir).get("sources", {})
    except (MissingIndexError, ValueError):
        return {}


def _load_all(sources: list[SourceFile], config: IngestConfig, progress: bool
              ) -> tuple[list[Document], list[Sentence], list[Chunk], list[str]]:
    from tqdm import tqdm

    docs: list[Document] = []
    sentences: list[Sentence] = []
    chunks: list[Chunk] = []
    skipped: list[str] = []
    seen: dict[str, str] = {}
    for source in tqdm(sources, desc="reading", unit="file", disable=not progress or len(sources) < 50,
                       file=sys.stderr):
        try:
            for doc in load_source(source):
                if doc.doc_id in seen:
                    raise ValueError(f"document id {doc.doc_id!r} already used by {seen[doc.doc_id]}")
                doc_sentences, doc_chunks = chunk_document(
                    doc, config.chunk_sentences, config.chunk_overlap, first_row=len(sentences))
                if not doc_chunks:
                    raise ValueError(f"document {doc.doc_id!r} has no sentences")
                seen[doc.doc_id] = str(source.path)
                docs.append(doc)
                sentences.extend(doc_sentences)
                chunks.extend(doc_chunks)
        except (OSError, ValueError) as err:
            message = f"{source.path}: skipped: {err}"
            log.warning(message)
            skipped.append(message)
    return docs, sentences, chunks, skipped


def _dense_index(vectors: np.ndarray):
    import faiss

    dim = vectors.shape[1]
    if len(vectors) <= FLAT_LIMIT:
        index = faiss.IndexFlatIP(dim)
    else:
        index = faiss.IndexHNSWFlat(dim, 32, faiss.METRIC_INNER_PRODUCT)
        index.hnsw.efConstruction = 80
    index.add(vectors)
    return index


def _bm25_index(docs: list[Document], chunks: list[Chunk]):
    """BM25 over chunk text plus its document title, drug names and section heading."""
    import bm25s

    doc_by_id = {d.doc_id: d for d in docs}
    corpus_tokens = []
    for c in chunks:
        d = doc_by_id[c.doc_id]
        corpus_tokens.append(analyze(f"{d.title} {' '.join(d.drugs)} {c.section} {c.text}") or ["<empty>"])
    bm25 = bm25s.BM25()
    bm25.index(corpus_tokens, show_progress=False)
    return bm25
