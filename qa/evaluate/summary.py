"""Aggregate per-question results into the summary: metrics, counts, calibration, timings."""

from __future__ import annotations

from collections.abc import Sequence

from .metrics import abstention_accuracy, best_threshold, mean, percentile, retrieval_names
from .scoring import QuestionResult

ANSWER_METRICS = ("answer_f1", "answer_containment")
CITATION_METRICS = ("citation_verbatim", "citation_precision", "citation_recall")
ABSTENTION_METRICS = ("abstention_accuracy", "answerable_accuracy", "unanswerable_accuracy")


def metric_names(k: int) -> tuple[str, ...]:
    """Every name summary["metrics"] holds for depth k: the valid --fail-under names."""
    return (retrieval_names(k) + retrieval_names(k, "section_", graded=False)
            + ANSWER_METRICS + CITATION_METRICS + ABSTENTION_METRICS)


def aggregate_metrics(results: Sequence[QuestionResult], k: int) -> dict[str, float | None]:
    """Means over the questions each metric applies to; citation verbatim and precision are
    pooled over all citations (micro average). None where no question qualifies."""
    metrics: dict[str, float | None] = {}
    for name in retrieval_names(k) + retrieval_names(k, "section_", graded=False) + ANSWER_METRICS:
        metrics[name] = mean([r.metrics[name] for r in results if name in r.metrics])
    cited = sum(r.metrics["citations"] for r in results)
    verbatim = sum(r.metrics["citations_verbatim"] for r in results)
    metrics["citation_verbatim"] = verbatim / cited if cited else None
    judged = [r.metrics for r in results if "citation_precision" in r.metrics]
    judged_cited = sum(m["citations"] for m in judged)
    metrics["citation_precision"] = sum(m["citations_in_sources"] for m in judged) / judged_cited if judged_cited else None
    metrics["citation_recall"] = mean([r.metrics["citation_recall"] for r in results if "citation_recall" in r.metrics])
    metrics |= abstention_accuracy([r.case.answerable for r in results], [r.answer.abstained for r in results])
    return metrics


def counts(results: Sequence[QuestionResult], skipped: int) -> dict[str, int]:
    m = [r.metrics for r in results]
    return {"rows": len(results) + skipped, "evaluated": len(results), "skipped": skipped,
            "answerable": sum(r.case.answerable for r in results),
            "unanswerable": sum(not r.case.answerable for r in results),
            "with_document_relevance": sum(1 for x in m if any(key.startswith("recall@") for key in x)),
            "with_section_sources": sum(1 for x in m if any(key.startswith("section_recall@") for key in x)),
            "with_reference_answer": sum(1 for x in m if "answer_f1" in x),
            "answered": sum(not r.answer.abstained for r in results),
            "abstained": sum(r.answer.abstained for r in results),
            "citations": sum(x["citations"] for x in m)}


def calibration(results: Sequence[QuestionResult], threshold: float) -> dict:
    """The configured threshold and the best one on this file (SQuAD v2 style). Hard
    abstentions (confidence 0, e.g. a drug with no monograph) stay abstained at any threshold."""
    best, accuracy = best_threshold([r.answer.confidence for r in results], [r.case.answerable for r in results],
                                    [not (r.answer.abstained and r.answer.confidence == 0.0) for r in results])
    return {"abstain_threshold": threshold, "best_threshold": best,
            "best_threshold_accuracy": accuracy if results else None}


def timings(results: Sequence[QuestionResult], wall_seconds: float) -> dict:
    """Throughput over the whole run (model already loaded); latency is each question's share
    of its batch's retrieval plus its own answer composition."""
    latencies = [r.answer.timings_ms.get("total", 0.0) for r in results]
    p50, p95 = percentile(latencies, 50), percentile(latencies, 95)
    return {"wall_seconds": round(wall_seconds, 3),
            "questions_per_second": round(len(results) / wall_seconds, 2) if wall_seconds > 0 else None,
            "latency_ms_p50": None if p50 is None else round(p50, 2),
            "latency_ms_p95": None if p95 is None else round(p95, 2)}


RELIABILITY_BINS = 5


def answer_right(result: QuestionResult) -> bool:
    """The outcome the confidence predicts: an answerable question answered with the
    reference in the quote (answer_containment >= 0.5), or from an expected source when
    the row has no reference text, or answered at all when it has neither."""
    m = result.metrics
    if not result.case.answerable or result.answer.abstained:
        return False
    if "answer_containment" in m:
        return m["answer_containment"] >= 0.5
    if "citation_recall" in m:
        return m["citation_recall"] > 0
    return True


def reliability(results: Sequence[QuestionResult], bins: int = RELIABILITY_BINS) -> list[dict]:
    """Confidence bins (equal width over [0, 1]) against the share of questions whose answer
    is right: a calibrated confidence of 0.7 is right about 70% of the time. Abstained
    answerable questions count as not right (their answer was not given)."""
    rows = []
    for i in range(bins):
        lo, hi = i / bins, (i + 1) / bins
        inside = [r for r in results if lo <= r.answer.confidence < hi or (i == bins - 1 and r.answer.confidence == 1.0)]
        rows.append({"bin": f"{lo:.1f}-{hi:.1f}", "questions": len(inside),
                     "answerable": sum(r.case.answerable for r in inside),
                     "mean_confidence": round(sum(r.answer.confidence for r in inside) / len(inside), 3) if inside else None,
                     "share_right": round(sum(answer_right(r) for r in inside) / len(inside), 3) if inside else None,
                     "answered": sum(not r.answer.abstained for r in inside)})
    return rows
