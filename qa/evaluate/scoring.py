"""Score each answered question against its test case: one QuestionResult per row."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ..records import Answer
from .metrics import containment, retrieval_scores, section_key, source_matches, token_f1
from .testfile import EvalCase


@dataclass(frozen=True, slots=True)
class QuestionResult:
    case: EvalCase
    answer: Answer
    metrics: dict  # this question's scores; a metric that does not apply is absent
    ranked_sections: tuple[str, ...]  # `doc#Section` of the top k retrieved sections

    def to_dict(self) -> dict:
        """One results.jsonl line: the `ask --json` object, id, carried fields, expectations, metrics."""
        expected = {"answer": self.case.answer, "sources": list(self.case.sources),
                    "answerable": self.case.answerable}
        return {"id": self.case.id, "line": self.case.line, **self.answer.to_dict(), **self.case.extra,
                "expected": expected, "ranked_sections": list(self.ranked_sections), "metrics": self.metrics}


def expected_sources(case: EvalCase, qrels: Mapping[str, Mapping[str, int]] | None) -> tuple[str, ...]:
    """What a citation must come from: the row's sources, else the qrels' relevant documents."""
    if case.sources or not qrels:
        return case.sources
    return tuple(doc for doc, grade in qrels.get(case.id, {}).items() if grade > 0)


def document_relevance(case: EvalCase, qrels: Mapping[str, Mapping[str, int]] | None) -> dict[str, int]:
    """Graded document relevance: from qrels when given (they override sources), else grade 1
    for each document named in sources."""
    if qrels is not None:
        return dict(qrels.get(case.id, {}))
    return {source.partition("#")[0]: 1 for source in case.sources}


def section_relevance(case: EvalCase) -> dict[str, int]:
    return {section_key(*source.split("#", 1)): 1 for source in case.sources if "#" in source}


def score_batch(cases: Sequence[EvalCase], answers: Sequence[Answer], documents: Mapping, k: int,
                qrels: Mapping[str, Mapping[str, int]] | None = None) -> list[QuestionResult]:
    """Score a batch: retrieval over answerable questions, answer overlap where a reference
    exists, citation verbatim/precision/recall, and whether the abstention was right."""
    answerable = [c for c in cases if c.answerable]
    docs = retrieval_scores({c.id: document_relevance(c, qrels) for c in answerable},
                            {c.id: [d.doc_id for d in a.documents]
                             for c, a in zip(cases, answers, strict=True)}, k, graded=True)
    sections = retrieval_scores({c.id: section_relevance(c) for c in answerable},
                                {c.id: [section_key(s.doc_id, s.section) for s in a.sections]
                                 for c, a in zip(cases, answers, strict=True)}, k, prefix="section_", graded=False)
    results = []
    for case, answer in zip(cases, answers, strict=True):
        metrics = {**docs.get(case.id, {}), **sections.get(case.id, {}),
                   **_answer_metrics(case, answer), **_citation_metrics(case, answer, documents, qrels),
                   "abstention_correct": answer.abstained != case.answerable}
        ranked = tuple(f"{s.doc_id}#{s.section}" for s in answer.sections[:k])
        results.append(QuestionResult(case, answer, metrics, ranked))
    return results


def _answer_metrics(case: EvalCase, answer: Answer) -> dict:
    if not case.answerable or not case.answer:
        return {}
    prediction = "" if answer.abstained else " ".join(c.text for c in answer.citations)
    return {"answer_f1": token_f1(prediction, case.answer), "answer_containment": containment(prediction, case.answer)}


def _citation_metrics(case: EvalCase, answer: Answer, documents: Mapping, qrels) -> dict:
    verbatim = sum(1 for c in answer.citations if c.doc_id in documents
                   and documents[c.doc_id].text[c.start:c.end] == c.text)
    metrics = {"citations": len(answer.citations), "citations_verbatim": verbatim}
    sources = expected_sources(case, qrels)
    if case.answerable and sources:
        hits = sum(1 for c in answer.citations if source_matches(c.doc_id, c.section, sources))
        metrics["citations_in_sources"] = hits
        if answer.citations:
            metrics["citation_precision"] = hits / len(answer.citations)
        metrics["citation_recall"] = float(hits > 0)
    return metrics
