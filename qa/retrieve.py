"""Hybrid retrieval: dense FAISS + BM25 over chunks, plus a section-heading signal.

fused = dense cosine + bm25_weight * bm25 / max bm25 of the query
        + section_weight * cosine(question, "document title: section heading")
Dense alone misses exact tokens ("5q", "21 days", a drug name); BM25 alone misses
paraphrase; the heading signal steers "what are the treatments" to a Treatment
section whatever the chunk's own wording.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ingest.lexical import analyze
from ingest.store import StoredIndex

from .config import QAConfig


@dataclass(frozen=True, slots=True)
class Hit:
    row: int  # chunk row in the index
    score: float  # fused
    dense: float
    bm25: float
    section: float


class Retriever:
    def __init__(self, index: StoredIndex, config: QAConfig) -> None:
        self.index = index
        self.config = config
        n = index.dense.ntotal
        self.chunk_vectors = index.dense.reconstruct_n(0, n) if n else np.zeros((0, 384), np.float32)
        section_row = {}
        for row, key in enumerate(index.section_keys):
            section_row.setdefault(key, row)
        self.chunk_section = np.array([section_row.get((c.doc_id, c.section), 0) for c in index.chunks])
        self.chunk_doc = [c.doc_id for c in index.chunks]
        rows: dict[str, list[int]] = {}
        for row, c in enumerate(index.chunks):
            rows.setdefault(c.doc_id, []).append(row)
        self.doc_rows = {d: np.array(r) for d, r in rows.items()}

    def search(self, qvecs: np.ndarray, questions: list[str],
               doc_filters: list[frozenset[str] | None]) -> list[list[Hit]]:
        """Ranked chunk hits per question (best first), restricted to doc_filters when given."""
        k = min(self.config.k_candidates, len(self.index.chunks))
        dense_rows = None
        if self.config.mode != "bm25":
            _, dense_rows = self.index.dense.search(np.ascontiguousarray(qvecs, dtype=np.float32), k)
        section_scores = self.index.section_vectors @ qvecs.T  # (sections, questions)
        return [self._rank(i, qvecs[i], questions[i], None if dense_rows is None else dense_rows[i],
                           section_scores[:, i], doc_filters[i]) for i in range(len(questions))]

    def _rank(self, i: int, qvec: np.ndarray, question: str, dense_rows, section_scores,
              allowed: frozenset[str] | None) -> list[Hit]:
        cfg = self.config
        bm25 = np.zeros(len(self.index.chunks), dtype=np.float32)
        tokens = analyze(question)
        if cfg.mode != "dense" and tokens:
            bm25 = np.asarray(self.index.bm25.get_scores(tokens), dtype=np.float32)
        candidates: set[int] = set()
        if dense_rows is not None:
            candidates.update(int(r) for r in dense_rows if r >= 0)  # FAISS pads with -1
        if cfg.mode != "dense":
            top = np.argpartition(-bm25, min(cfg.k_candidates, len(bm25) - 1))[: cfg.k_candidates]
            candidates.update(int(r) for r in top if bm25[r] > 0)
        if allowed is not None:
            candidates = {r for r in candidates if self.chunk_doc[r] in allowed}
            if len(candidates) < cfg.k_passages:
                for doc_id in allowed:
                    candidates.update(int(r) for r in self.doc_rows.get(doc_id, ()))
        if not candidates:
            return []
        rows = np.fromiter(candidates, dtype=np.int64)
        dense = self.chunk_vectors[rows] @ qvec
        top_bm25 = float(bm25[rows].max()) if len(rows) else 0.0
        lexical = bm25[rows] / top_bm25 if top_bm25 > 0 else np.zeros(len(rows), np.float32)
        section = section_scores[self.chunk_section[rows]]
        if cfg.mode == "dense":
            fused = dense
        elif cfg.mode == "bm25":
            fused = lexical
        else:
            fused = dense + cfg.bm25_weight * lexical + cfg.section_weight * section
        order = np.argsort(-fused, kind="stable")
        return [Hit(int(rows[j]), float(fused[j]), float(dense[j]), float(bm25[rows[j]]), float(section[j]))
                for j in order]
