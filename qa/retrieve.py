"""Hybrid retrieval: dense FAISS + BM25 over chunks, plus a section-heading signal.

fused = chunk_model . (dense cosine, bm25 / max bm25 of the query,
        cosine(question, "document title: section heading"),
        [the question's intent is one the section answers],
        IDF-weighted share of the document title's words in the question)
with weights fitted by `python -m bench.fit` (qa/data/fitted.json).
Dense alone misses exact tokens ("5q", "21 days", a drug name); BM25 alone misses
paraphrase; the heading and intent signals steer "what are the treatments" to a
Treatment section whatever the chunk's own wording; the title signal separates
"Childhood" from "Adult" leukemia when every chunk reads alike.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ingest.chunking import section_at
from ingest.lexical import analyze
from ingest.records import Document
from ingest.store import StoredIndex

from .config import CHUNK_FEATURES, QAConfig
from .intent import code_intents, heading_intents, question_intents, section_kinds


@dataclass(frozen=True, slots=True)
class Hit:
    row: int  # chunk row in the index
    score: float  # fused
    dense: float
    bm25: float
    section: float
    intent: float = 0.0
    title: float = 0.0


class IdfTable(dict):
    """stem -> IDF, knowing its highest value (the weight of a term the corpus never uses;
    a unit's coverage asks it tens of thousands of times). Never changed once built."""

    def __init__(self, values) -> None:
        super().__init__(values)
        self.highest = max(self.values(), default=1.0)


def term_statistics(bm25) -> tuple[IdfTable, frozenset[str]]:
    """BM25's IDF per stem (from its per-term posting lengths) and the corpus vocabulary."""
    df = np.diff(np.asarray(bm25.scores["indptr"]))
    n = max(int(bm25.scores["num_docs"]), 1)
    idf = IdfTable({t: float(np.log(1 + (n - df[i] + 0.5) / (df[i] + 0.5)))
                    for t, i in bm25.vocab_dict.items() if i < len(df) and df[i] > 0})
    return idf, frozenset(idf)


class Retriever:
    def __init__(self, index: StoredIndex, config: QAConfig) -> None:
        self.index = index
        self.config = config
        self.chunk_vectors = index.chunk_vectors
        section_row = {}
        for row, key in enumerate(index.section_keys):
            section_row.setdefault(key, row)
        self.chunk_section = np.array([section_row.get((c.doc_id, c.section), 0) for c in index.chunks])
        self.chunk_doc = [c.doc_id for c in index.chunks]
        rows: dict[str, list[int]] = {}
        for row, c in enumerate(index.chunks):
            rows.setdefault(c.doc_id, []).append(row)
        self.doc_rows = {d: np.array(r) for d, r in rows.items()}
        # A chunk answers the intents of its heading and of its LOINC section code:
        # "2.1 Rheumatoid Arthritis" under "Dosage & Administration" (34068-7) is dosing.
        self.chunk_intents = [located_intents(index.documents[c.doc_id], c.section, c.start) for c in index.chunks]
        self.chunk_kinds = section_kind_matrix(index)
        # Each chunk's sentence rows, flat, and where each chunk's run of them starts.
        counts = np.array([len(c.sentence_ids) for c in index.chunks], dtype=np.int64)
        self.chunk_sentence_start = np.concatenate([[0], np.cumsum(counts)[:-1]]) if len(counts) else counts
        self.chunk_sentence_count = counts
        self.chunk_sentence_rows = np.fromiter((r for c in index.chunks for r in c.sentence_ids), dtype=np.int64,
                                               count=int(counts.sum()))
        self.title_stems: dict[str, frozenset[str]] = {}
        self.docs_by_title_stem: dict[str, set[str]] = {}
        for doc in index.documents.values():
            stems = frozenset(analyze(doc.title))
            self.title_stems[doc.doc_id] = stems
            for t in stems:
                self.docs_by_title_stem.setdefault(t, set()).add(doc.doc_id)
        self.idf, self.vocabulary = term_statistics(index.bm25)
        self._word_shares: dict[str, dict[str, float]] = {}  # drug word -> its labels' shares

    def title_scores(self, question_stems: set[str]) -> dict[str, float]:
        """doc id -> IDF-weighted share of its title's stems that the question contains."""
        docs = set().union(*(self.docs_by_title_stem.get(t, set()) for t in question_stems)) if question_stems else set()
        out = {}
        for doc_id in docs:
            title = self.title_stems[doc_id]
            total = sum(self.idf.get(t, 1.0) for t in title)
            out[doc_id] = sum(self.idf.get(t, 1.0) for t in title & question_stems) / total if total else 0.0
        return out

    def word_shares(self, word: str) -> dict[str, float]:
        """doc id -> share of the chunks using the word that are this label's (kept per word:
        the question's focus and its retrieval both ask)."""
        if word not in self._word_shares:
            self._word_shares[word] = self._count_word_shares(word)
        return self._word_shares[word]

    def _count_word_shares(self, word: str) -> dict[str, float]:
        tokens = analyze(word)
        rows = np.flatnonzero(np.asarray(self.index.bm25.get_scores(tokens)) > 0) if tokens else []
        counts: dict[str, int] = {}
        for r in rows:
            counts[self.chunk_doc[r]] = counts.get(self.chunk_doc[r], 0) + 1
        return {doc_id: n / len(rows) for doc_id, n in counts.items()}

    def owned_words(self, words: tuple[str, ...]) -> tuple[str, ...]:
        """The drug words one label uses more than all others together ("everolimus": most of
        its uses are AFINITOR's); a word spread over many labels' interaction sections
        ("warfarin") belongs to none, and a question naming only it is asked back."""
        return tuple(w for w in words if max(self.word_shares(w).values(), default=0.0) > 0.5)

    def mention_shares(self, mentioned: tuple[str, ...]) -> dict[str, float]:
        """doc id -> share of the chunks using a mentioned drug word that are this label's
        (the best over the words)."""
        shares: dict[str, float] = {}
        for word in mentioned:
            for doc_id, share in self.word_shares(word).items():
                shares[doc_id] = max(shares.get(doc_id, 0.0), share)
        return shares

    def search(self, qvecs: np.ndarray, questions: list[str], doc_filters: list[frozenset[str] | None],
               intents: list[frozenset[str]] | None = None,
               boost_docs: list[frozenset[str]] | None = None,
               mentioned: list[tuple[str, ...]] | None = None) -> list[list[Hit]]:
        """Ranked chunk hits per question (best first), restricted to doc_filters when given.
        intents default to what question_intents reads in each question; chunks of a
        question's boost_docs (a drug named misspelled) are all candidates."""
        intents = intents or [question_intents(q) for q in questions]
        boost_docs = boost_docs or [frozenset()] * len(questions)
        mentioned = mentioned or [()] * len(questions)
        k = min(self.config.k_candidates, len(self.index.chunks))
        dense_rows = None
        if self.config.mode != "bm25":
            _, dense_rows = self.index.dense.search(np.ascontiguousarray(qvecs, dtype=np.float32), k)
        return [self._rank(qvecs[i], questions[i], None if dense_rows is None else dense_rows[i],
                           doc_filters[i], intents[i], boost_docs[i], mentioned[i]) for i in range(len(questions))]

    def _rank(self, qvec: np.ndarray, question: str, dense_rows,
              allowed: frozenset[str] | None, intents: frozenset[str],
              boosted: frozenset[str] = frozenset(), mentioned: tuple[str, ...] = ()) -> list[Hit]:
        rows, signals, bm25 = self.candidate_signals(qvec, question, dense_rows, allowed, intents, boosted, mentioned)
        if not len(rows):
            return []
        if self.config.mode == "dense":
            fused = signals[:, 0]
        elif self.config.mode == "bm25":
            fused = signals[:, 1]
        else:
            fused = self.config.chunk_model.scores(signals)
        return ranked_hits(rows, signals, bm25, fused)

    def candidate_signals(self, qvec: np.ndarray, question: str, dense_rows, allowed: frozenset[str] | None,
                          intents: frozenset[str], boosted: frozenset[str] = frozenset(),
                          mentioned: tuple[str, ...] = ()) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Candidate chunk rows, their CHUNK_FEATURES signals (one row each: dense cosine,
        BM25 / best BM25, heading cosine, intent match, title share, share of a mentioned drug
        word's chunks in the chunk's label) and raw BM25 scores. Every chunk of a `boosted`
        label (a drug the question names misspelled) is a candidate."""
        cfg = self.config
        bm25 = np.zeros(len(self.index.chunks), dtype=np.float32)
        tokens = analyze(question)
        titles = self.title_scores(set(tokens))
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
        shares = self.mention_shares(mentioned)
        top_mentioned = {d for d, v in shares.items() if v == max(shares.values())} if shares else set()
        if len(top_mentioned) > cfg.k_documents:  # a word every label uses alike points at none of them
            top_mentioned = set()
        for doc_id in boosted | top_mentioned:  # a named drug's chunks compete even when neither ranker found them
            if allowed is None or doc_id in allowed:
                candidates.update(int(r) for r in self.doc_rows.get(doc_id, ()))
        rows = np.fromiter(sorted(candidates), dtype=np.int64)
        if not len(rows):
            return rows, np.zeros((0, len(CHUNK_FEATURES)), np.float32), np.zeros(0, np.float32)
        dense = self.chunk_vectors[rows] @ qvec
        sentence = self.best_sentence_cosines(rows, qvec)
        top_bm25 = float(bm25[rows].max())
        lexical = bm25[rows] / top_bm25 if top_bm25 > 0 else np.zeros(len(rows), np.float32)
        # Heading cosines for the candidates' sections only (a library has ~100k sections).
        section = self.index.section_vectors[self.chunk_section[rows]] @ qvec
        intent = np.array([1.0 if intents & self.chunk_intents[r] else 0.0 for r in rows], dtype=np.float32)
        title = np.array([titles.get(self.chunk_doc[r], 0.0) for r in rows], dtype=np.float32)
        mention = np.array([shares.get(self.chunk_doc[r], 0.0) for r in rows], dtype=np.float32)
        signals = np.column_stack([dense, sentence, lexical, section, intent, title, mention,
                                   self.chunk_kinds[rows]]).astype(np.float32)
        return rows, signals, bm25[rows]

    def best_sentence_cosines(self, rows: np.ndarray, qvec: np.ndarray) -> np.ndarray:
        """Per chunk row, the best cosine of one of its sentences with the question: a long
        chunk whose one sentence answers scores low as a whole."""
        counts = self.chunk_sentence_count[rows]
        if not len(rows) or not counts.sum():
            return np.zeros(len(rows), np.float32)
        starts = self.chunk_sentence_start[rows]
        sentence_rows = np.concatenate([self.chunk_sentence_rows[s: s + n] for s, n in zip(starts, counts, strict=True)])
        order = np.argsort(sentence_rows)  # memory-mapped rows read in file order
        cosines = np.empty(len(sentence_rows), np.float32)
        cosines[order] = np.asarray(self.index.sentence_vectors[sentence_rows[order]], dtype=np.float32) @ qvec
        offsets = np.concatenate([[0], np.cumsum(counts)[:-1]])
        best = np.maximum.reduceat(cosines, offsets[counts > 0]) if len(cosines) else np.zeros(0, np.float32)
        out = np.zeros(len(rows), np.float32)
        out[counts > 0] = best
        return out


def section_kind_matrix(index: StoredIndex) -> np.ndarray:
    """One row per chunk, one column per section kind (qa/data/section_kinds.tsv): 1.0 when
    the chunk's section carries one of the kind's LOINC codes."""
    kinds = list(section_kinds().values())
    out = np.zeros((len(index.chunks), len(kinds)), dtype=np.float32)
    for row, c in enumerate(index.chunks):
        section = section_at(index.documents[c.doc_id], c.start)
        code = section.section_code if section is not None else ""
        for j, codes in enumerate(kinds):
            out[row, j] = code in codes
    return out


def located_intents(doc: Document, heading: str, offset: int) -> frozenset[str]:
    """Intents of the section at offset: by its LOINC code and by its heading's words."""
    section = section_at(doc, offset)
    return code_intents(section.section_code if section is not None else "") | heading_intents(heading)


def ranked_hits(rows: np.ndarray, signals: np.ndarray, bm25: np.ndarray, fused: np.ndarray) -> list[Hit]:
    """Hits best first by fused score (ties keep row order), with their CHUNK_FEATURES signals."""
    order = np.argsort(-fused, kind="stable")
    return [Hit(int(rows[j]), float(fused[j]), float(signals[j, 0]), float(bm25[j]), float(signals[j, 2]),
                float(signals[j, 3]), float(signals[j, 4])) for j in order]
