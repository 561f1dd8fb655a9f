"""Per-question scoring and aggregation on hand-built answers (no model needed)."""

from types import SimpleNamespace

import pytest

from qa.evaluate.scoring import score_batch
from qa.evaluate.summary import aggregate_metrics, calibration, counts, metric_names, reliability
from qa.evaluate.testfile import EvalCase
from qa.records import Answer, Citation, DocumentScore, SectionScore

TEXT = "Take it daily. Rest 7 days. Watch for clots."
DOCS = {"d": SimpleNamespace(text=TEXT), "e": SimpleNamespace(text="Other drug.")}


def answer(question, citations=(), abstained=False, confidence=0.8, documents=("d", "e"), sections=()):
    return Answer(question, "" if abstained else " ".join(c.text for c in citations), abstained, confidence,
                  tuple(citations), (), tuple(DocumentScore(d, 1.0) for d in documents), {"total": 10.0},
                  sections=tuple(SectionScore(d, s, 1.0) for d, s in sections))


def cite(n, doc, section, start, end, text=None):
    return Citation(n, doc, doc, section, TEXT[start:end] if text is None else text, start, end, 0.9)


CASES = [
    EvalCase("q1", "how to take?", 1, "take it daily", ("d#Dosing",)),
    EvalCase("q2", "clots?", 2, None, ("e",)),
    EvalCase("q3", "price?", 3, answerable=False),
]
ANSWERS = [
    answer("how to take?", [cite(1, "d", "Dosing", 0, 14), cite(2, "d", "Safety", 28, 44)],
           sections=[("d", "Safety"), ("d", "Dosing")]),
    answer("clots?", [cite(1, "d", "Safety", 28, 44, text="Watch for clots!")]),
    answer("price?", abstained=True, confidence=0.3, documents=("e",)),
]


@pytest.fixture(scope="module")
def results():
    return score_batch(CASES, ANSWERS, DOCS, k=10)


def test_per_question_metrics_by_hand(results):
    q1, q2, q3 = (r.metrics for r in results)
    # q1: relevant doc d at rank 1; section Dosing at rank 2 -> MRR 0.5; one of two citations in sources
    assert (q1["recall@1"], q1["section_recall@1"], q1["section_mrr@10"]) == (1.0, 0.0, 0.5)
    assert (q1["citation_precision"], q1["citation_recall"], q1["citations_verbatim"]) == (0.5, 1.0, 2)
    # "Take it daily. Watch for clots." vs "take it daily": P = 3/6, R = 1 -> F1 = 2/3; containment 1
    assert q1["answer_f1"] == pytest.approx(2 / 3) and q1["answer_containment"] == 1.0
    # q2: relevant doc e at rank 2, the citation is from d and its text is not the document's
    assert (q2["recall@1"], q2["mrr@10"], q2["citation_precision"], q2["citation_recall"]) == (0.0, 0.5, 0.0, 0.0)
    assert q2["citations_verbatim"] == 0 and "answer_f1" not in q2 and "section_recall@1" not in q2
    # q3: unanswerable, abstained: right; no retrieval metrics
    assert q3["abstention_correct"] is True and "recall@1" not in q3


def test_aggregates_by_hand(results):
    m = aggregate_metrics(results, 10)
    assert set(m) == set(metric_names(10))
    assert m["recall@1"] == 0.5 and m["mrr@10"] == 0.75  # (1 + 0.5) / 2
    assert m["section_recall@1"] == 0.0 and m["section_mrr@10"] == 0.5  # q1 only
    assert m["citation_verbatim"] == pytest.approx(2 / 3)  # 2 of 3 citations
    assert m["citation_precision"] == pytest.approx(1 / 3)  # 1 in sources of 3 cited
    assert m["citation_recall"] == 0.5
    assert (m["answerable_accuracy"], m["unanswerable_accuracy"], m["abstention_accuracy"]) == (1.0, 1.0, 1.0)


def test_counts_and_calibration(results):
    c = counts(results, skipped=2)
    assert (c["rows"], c["evaluated"], c["skipped"], c["answerable"], c["unanswerable"]) == (5, 3, 2, 2, 1)
    assert (c["with_section_sources"], c["with_reference_answer"], c["citations"]) == (1, 1, 3)
    # answer iff confidence >= 0.8 answers both answerable questions and abstains on the 0.3 one
    assert calibration(results, 0.5) == {"abstain_threshold": 0.5, "best_threshold": 0.8,
                                         "best_threshold_accuracy": 1.0}


def test_qrels_override_sources_for_documents():
    qrels = {"q2": {"d": 2, "e": 0}}
    r = score_batch(CASES[1:2], ANSWERS[1:2], DOCS, k=10, qrels=qrels)[0].metrics
    # with qrels d (grade 2) is relevant and ranked first; e is not
    assert (r["recall@1"], r["ndcg@10"]) == (1.0, 1.0)
    # citations still judged against the row's sources ("e")
    assert r["citation_precision"] == 0.0


def test_results_line_holds_the_ask_object_id_carried_fields_and_metrics(results):
    case = EvalCase("x", "how to take?", 4, extra={"team": "safety"})
    line = score_batch([case], ANSWERS[:1], DOCS, k=10)[0].to_dict()
    assert line["id"] == "x" and line["team"] == "safety" and line["citations"][0]["n"] == 1
    assert set(ANSWERS[0].to_dict()) <= set(line)
    assert line["expected"] == {"answer": None, "sources": [], "answerable": True}
    assert line["ranked_sections"] == ["d#Safety", "d#Dosing"]


def test_reliability_bins_confidence_against_right_answers(results):
    bins = {b["bin"]: b for b in reliability(results)}
    # q1 (0.8) holds its reference "take it daily"; q2 (0.8) has no reference and cites document d,
    # not its expected source e; q3 (0.3) is unanswerable and abstained.
    assert bins["0.8-1.0"] == {"bin": "0.8-1.0", "questions": 2, "answerable": 2, "mean_confidence": 0.8,
                               "share_right": 0.5, "answered": 2}
    assert bins["0.2-0.4"]["questions"] == 1 and bins["0.2-0.4"]["share_right"] == 0.0
    assert bins["0.0-0.2"]["questions"] == 0 and bins["0.0-0.2"]["share_right"] is None
