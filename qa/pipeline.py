"""The query path: question -> focus -> hits -> passages -> answer with citations."""

from __future__ import annotations

import logging
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

from ingest.chunking import page_at, section_at
from ingest.config import IngestConfig
from ingest.drugs import DrugNameIndex
from ingest.lexical import stem
from ingest.store import IncompatibleIndexError, StoredIndex, load_index, read_manifest

from .abbreviations import LibraryAbbreviations
from .compose import compose_answer, summary_rows
from .config import QAConfig
from .conversation import allowed_docs, answer_fields, asks_back, guessed_turn, resolve_turn, turn_answer
from .drug_library import library_drugs
from .question import QuestionFocus, analyze_question, with_abbreviations, with_neighbours
from .records import Answer, Citation, DocumentScore, Passage, SectionScore
from .retrieve import Hit, Retriever
from .spelling import Speller
from .units import corpus_view
from .word_match import LabelVocabulary, LibraryWords, WordVectors, passage_words, term_matches

log = logging.getLogger(__name__)
ABSTAIN_TEXT = "The monograph does not cover this question. The closest passages are listed below."
NO_MONOGRAPH_TEXT = "The library has no monograph for {names}."


class QuestionError(ValueError):
    """A question that cannot be asked (empty, too long)."""


def check_question(question: str, max_chars: int) -> str:
    if not isinstance(question, str) or not question.strip():
        raise QuestionError("the question is empty; type a question about the monograph")
    if len(question) > max_chars:
        raise QuestionError(f"the question is {len(question)} characters long; the limit is {max_chars}")
    return question.strip()


class Pipeline:
    """Loaded once, read-only afterwards: safe to share between web users and threads."""

    def __init__(self, index: StoredIndex, encoder, config: QAConfig) -> None:
        self.index = index
        self.encoder = encoder
        self.config = config
        self.retriever = Retriever(index, config)
        self.documents = index.documents
        self.sentence_texts = [s.text for s in index.sentences]
        self.idf = self.retriever.idf
        self.vocabulary = self.retriever.vocabulary
        self.corpus = corpus_view(index, self.idf, self.vocabulary, summary_rows(index.sentences, index.documents))
        docs_by_name: dict[str, set[str]] = {}
        for doc in index.documents.values():
            for name in doc.drugs:
                docs_by_name.setdefault(name.lower(), set()).add(doc.doc_id)
        self.drug_docs = {name: frozenset(docs) for name, docs in docs_by_name.items()}
        self.drug_names = DrugNameIndex({name: name for name in docs_by_name}, self.vocabulary)
        self.library = library_drugs(index.documents)
        # The library's words are its sentences' and its headings' ("3 DOSAGE FORMS AND
        # STRENGTHS" may be the only place a label says "strengths").
        self.library_words = LibraryWords(lambda: self.library_texts())
        self.label_vocabulary = LabelVocabulary(self.library_words, encoder)
        self.word_vectors = WordVectors(encoder, config.word_vector_cache, self.label_vocabulary)
        self.speller = Speller(self.library_words, self.vocabulary, lambda word: self.drug_names.match(word) is not None)
        self.abbreviations = LibraryAbbreviations(lambda: (doc.text for doc in self.documents.values()))

    def warm(self) -> None:
        """Build what the first question would otherwise wait for: the library's word
        vectors (a few seconds for a hundred labels) and its abbreviations."""
        self.label_vocabulary.warm()
        self.abbreviations.tables()

    def library_texts(self) -> list[str]:
        """Every sentence, document title and section heading of the library."""
        headings = [text for doc in self.documents.values() for text in (doc.title, *(s.title for s in doc.sections))]
        return self.sentence_texts + headings

    def with_config(self, **changes) -> Pipeline:
        """A pipeline sharing this one's index and encoder with other query settings."""
        other = Pipeline(self.index, self.encoder, replace(self.config, **changes))
        # the same index and encoder: the same words, vectors and readings
        for name in ("library_words", "label_vocabulary", "word_vectors", "speller", "abbreviations"):
            setattr(other, name, getattr(self, name))
        return other

    def ask(self, question: str, history: list[str] | None = None, doc_ids: list[str] | None = None) -> Answer:
        """history: the conversation's earlier questions, oldest first; doc_ids: the labels the
        conversation is restricted to (None or empty: the whole library)."""
        return self.ask_many([question], histories=[history], doc_ids=doc_ids)[0]

    def ask_many(self, questions: list[str], batch_size: int = 64, histories: list[list[str] | None] | None = None,
                 doc_ids: list[str] | None = None) -> list[Answer]:
        """Answers for many questions, encoding them in batches. Raises QuestionError."""
        questions = [check_question(q, self.config.max_question_chars) for q in questions]
        histories = list(histories) if histories is not None else [None] * len(questions)
        if len(histories) != len(questions):
            raise ValueError(f"histories ({len(histories)}) must give one history per question ({len(questions)})")
        scope = self.scope(doc_ids)
        answers: list[Answer] = []
        for lo in range(0, len(questions), batch_size):
            batch = questions[lo: lo + batch_size]
            t0 = time.perf_counter()
            turns = [resolve_turn(q, h, self.library, scope) for q, h in zip(batch, histories[lo: lo + batch_size],
                                                                           strict=True)]
            focuses = [self.focus_of(t.text) for t in turns]
            turns = [guessed_turn(t, self.library, self.vocabulary) if asks_back(t, f) else t for t, f in zip(turns, focuses, strict=True)]
            expanded = [f.expanded for f in focuses]
            qvecs = self.encoder.encode(expanded, batch_size=batch_size)
            hits = self.retriever.search(qvecs, expanded, [allowed_docs(f.drug_docs, t.doc_ids)
                                                           for f, t in zip(focuses, turns, strict=True)],
                                         [f.intents for f in focuses], [f.boost_docs for f in focuses],
                                         [f.mentioned_drugs for f in focuses])
            t1 = time.perf_counter()
            per_question_retrieve = (t1 - t0) * 1000 / len(batch)
            for q, qvec, focus, turn, q_hits in zip(batch, qvecs, focuses, turns, hits, strict=True):
                t2 = time.perf_counter()
                answer = turn_answer(q, turn, focus) or self._answer(q, qvec, focus, q_hits)
                answer_ms = (time.perf_counter() - t2) * 1000
                answers.append(replace(answer, sections=self._rank_sections(q_hits), timings_ms={
                    "retrieve": round(per_question_retrieve, 3), "answer": round(answer_ms, 3),
                    "total": round(per_question_retrieve + answer_ms, 3)}, **self._fields(turn, focus)))
        return answers

    def _fields(self, turn, focus: QuestionFocus) -> dict:
        """The answer's interpreted_as / drugs / clarify; interpreted_as shows the words a
        misspelling was read as ("glacoma" -> glaucoma), so a wrong reading is visible."""
        fields = answer_fields(turn, focus)
        return {**fields, "interpreted_as": self.speller(fields["interpreted_as"])}

    def focus_of(self, text: str) -> QuestionFocus:
        """What the question is about (misspelled words read as the library's words); of the
        drug words the labels use, only those one label owns."""
        focus = analyze_question(self.speller(text), self.drug_names, self.drug_docs, self.vocabulary)
        unknown = [w for w in focus.term_words if stem(w) not in self.vocabulary]
        if unknown and self.config.neighbours_per_word:
            near = self.label_vocabulary.neighbours(self.word_vectors(unknown), self.config.neighbour_min_cosine,
                                                    self.config.neighbours_per_word)
            focus = with_neighbours(focus, dict(zip(unknown, near, strict=True)))
        if self.config.abbreviations:
            focus = with_abbreviations(focus, self.abbreviations.use(focus.term_words, self.idf))
        if focus.mentioned_drugs:
            focus = replace(focus, mentioned_drugs=self.retriever.owned_words(focus.mentioned_drugs))
        return focus

    def term_match(self, focus: QuestionFocus, hits: list[Hit]) -> np.ndarray:
        """Per term word of the question, its best cosine with a word of the best passages."""
        if not focus.term_words:
            return np.zeros(0, dtype=np.float32)
        chunks = [self.index.chunks[h.row] for h in hits[: self.config.k_term_match_passages]]
        found = passage_words(f"{c.section} {c.text}" for c in chunks)
        return term_matches(self.word_vectors(list(focus.term_words)), self.word_vectors(found))

    def scope(self, doc_ids: list[str] | None) -> frozenset[str] | None:
        """The documents a conversation keeps to (None: all). Raises QuestionError on unknown ids."""
        if not doc_ids:
            return None
        unknown = sorted(set(doc_ids) - set(self.documents))
        if unknown:
            known = sorted(self.documents)
            listed = ", ".join(known[:10]) + (f" and {len(known) - 10} more" if len(known) > 10 else "")
            raise QuestionError(f"doc_ids {', '.join(unknown)} are not in the library; it has: {listed}")
        return frozenset(doc_ids)

    def _answer(self, question: str, qvec: np.ndarray, focus: QuestionFocus, hits: list[Hit]) -> Answer:
        cfg = self.config
        chunks = self.index.chunks
        passages = tuple(self._passage(h) for h in hits[: cfg.k_passages])
        documents = self._rank_documents(hits)
        result = compose_answer(focus, qvec, hits, self.corpus, cfg, self.term_match(focus, hits))
        debug = {"terms": [list(t) for t in focus.terms], "unknown_drugs": list(focus.unknown_drugs),
                 "partner_drugs": list(focus.partner_drugs), "expanded": focus.expanded,
                 "intents": sorted(focus.intents), "abstain_reason": result.abstain_reason,
                 "confidence_features": {k: round(v, 4) for k, v in result.confidence_features.items()},
                 "hits": [{"chunk_id": chunks[h.row].chunk_id, "fused": round(h.score, 4),
                           "dense": round(h.dense, 4), "bm25": round(h.bm25, 4), "section": round(h.section, 4),
                           "intent": h.intent, "title": round(h.title, 4)} for h in hits[: cfg.k_passages]],
                 "units": [{"text": self.sentence_texts[u.row][:80], "score": round(u.score, 4),
                            **{k: round(v, 4) for k, v in u.features.items()}} for u in result.candidates[:5]]}
        if not result.units:
            if result.abstain_reason.startswith("the library has no monograph"):
                text = NO_MONOGRAPH_TEXT.format(names=", ".join(focus.unknown_drugs))
            else:
                text = ABSTAIN_TEXT
            return Answer(question, text, True, round(result.confidence, 4), (), passages, documents, {}, debug)
        citations = tuple(self._citation(i + 1, u.row, u.score) for i, u in enumerate(result.units))
        text = " ".join(f"{c.text} [{c.n}]" for c in citations)
        return Answer(question, text, False, round(result.confidence, 4), citations, passages, documents, {}, debug)

    def _passage(self, hit: Hit) -> Passage:
        c = self.index.chunks[hit.row]
        return Passage(c.chunk_id, c.doc_id, c.section, c.text, c.start, c.end, round(hit.score, 4), c.page,
                       self._section_code(c.doc_id, c.start))

    def _citation(self, n: int, row: int, score: float) -> Citation:
        s = self.index.sentences[row]
        doc = self.documents[s.doc_id]
        return Citation(n, s.doc_id, doc.title, s.section, s.text, s.start, s.end, round(score, 4),
                        page_at(doc, s.start), self._section_code(s.doc_id, s.start))

    def _section_code(self, doc_id: str, offset: int) -> str:
        section = section_at(self.documents[doc_id], offset)
        return section.section_code if section is not None else ""

    def _best_by(self, hits: list[Hit], key) -> list[tuple[object, float]]:
        """Distinct key(chunk) values in hit order with their best score, at least 10."""
        best: dict = {}
        for h in hits:
            best.setdefault(key(self.index.chunks[h.row]), round(h.score, 4))
        return list(best.items())[: max(self.config.k_documents, 10)]

    def _rank_sections(self, hits: list[Hit]) -> tuple[SectionScore, ...]:
        return tuple(SectionScore(d, s, v) for (d, s), v in self._best_by(hits, lambda c: (c.doc_id, c.section)))

    def _rank_documents(self, hits: list[Hit]) -> tuple[DocumentScore, ...]:
        return tuple(DocumentScore(d, v) for d, v in self._best_by(hits, lambda c: c.doc_id))


def check_compatible(manifest: dict, index_dir, model_name: str | None = None) -> None:
    """The index must come from this version's model (or model_name) and on-disk format
    (chunking parameters may differ: chunks carry their own offsets)."""
    expected = IngestConfig(model_name=model_name).fingerprint()
    built = manifest.get("fingerprint", {})
    for key in ("format", "model"):
        if built.get(key) != expected[key]:
            raise IncompatibleIndexError(
                f"index at {index_dir}/ was built with {key} {built.get(key)!r}, this version needs "
                f"{expected[key]!r}; rebuild it with: python -m ingest --index {index_dir} --force")


def load_pipeline(config: QAConfig | None = None, encoder=None, model_name: str | None = None) -> Pipeline:
    """Load the index and the encoder once. Raises MissingIndexError / IncompatibleIndexError.
    model_name: the encoder the index must be built with, when not the product's (benchmarks)."""
    config = config or QAConfig()
    check_compatible(read_manifest(Path(config.index_dir)), config.index_dir, model_name)
    index = load_index(Path(config.index_dir))
    if encoder is None:
        from ingest.embedding import load_encoder

        model_path = index.manifest.get("model_path")
        if not model_path or not Path(model_path).exists():
            from ingest.config import product_model_path

            if model_name:
                raise IncompatibleIndexError(f"index at {config.index_dir}/ names model weights at {model_path}, "
                                             f"which are gone; rebuild it")
            model_path = product_model_path()  # check_compatible: the index is the product model's
        # ONNX exports of the weights are cached beside the index (index/onnx/<weights hash>/).
        encoder = load_encoder(model_path, config.encoder, threads=config.threads,
                               cache_dir=Path(config.index_dir) / "onnx")
    if index.dense.d != encoder.dim:
        raise IncompatibleIndexError(
            f"index at {config.index_dir}/ holds {index.dense.d}-d vectors but the encoder gives {encoder.dim}-d; "
            f"rebuild it with: python -m ingest --index {config.index_dir}")
    return Pipeline(index, encoder, config)
