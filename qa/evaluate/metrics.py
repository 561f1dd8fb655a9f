"""Pure metric functions: IR measures (through ir-measures), SQuAD-style answer overlap,
citation matching, abstention accuracy and the SQuAD v2 best threshold."""

from __future__ import annotations

import re
import string
from collections import Counter
from collections.abc import Mapping, Sequence

import ir_measures
from ir_measures import AP, RR, R, nDCG

RECALL_CUTOFFS = (1, 5, 10)


def cutoffs(k: int) -> tuple[int, ...]:
    """Recall cutoffs reported for depth k: 1, 5, 10 up to k, and k itself (k=10 -> 1, 5, 10)."""
    if k < 1:
        raise ValueError(f"k ({k}) must be at least 1")
    return tuple(sorted({c for c in RECALL_CUTOFFS if c <= k} | {k}))


def retrieval_names(k: int, prefix: str = "", graded: bool = True) -> tuple[str, ...]:
    names = [f"{prefix}recall@{c}" for c in cutoffs(k)] + [f"{prefix}mrr@{k}"]
    return tuple(names + ([f"{prefix}ndcg@{k}", f"{prefix}map@{k}"] if graded else []))


def retrieval_scores(relevance: Mapping[str, Mapping[str, int]], rankings: Mapping[str, Sequence[str]],
                     k: int, prefix: str = "", graded: bool = True) -> dict[str, dict[str, float]]:
    """Per-query recall@c, MRR@k (and nDCG@k, MAP@k) of ranked keys against graded relevance.

    Only queries with at least one relevant key are scored. Scores handed to the library
    are rank-based (n, n-1, ...) so the pipeline's order is kept exactly: pytrec_eval
    would otherwise re-sort tied scores by doc id.
    """
    measures = {R @ c: f"{prefix}recall@{c}" for c in cutoffs(k)} | {RR @ k: f"{prefix}mrr@{k}"}
    if graded:
        measures |= {nDCG @ k: f"{prefix}ndcg@{k}", AP @ k: f"{prefix}map@{k}"}
    qrels = [ir_measures.Qrel(q, key, int(g)) for q, rel in relevance.items() for key, g in rel.items()]
    judged = {q for q, rel in relevance.items() if any(g > 0 for g in rel.values())}
    run = [ir_measures.ScoredDoc(q, key, float(len(ranked) - i))
           for q, ranked in rankings.items() if q in judged for i, key in enumerate(_unique(ranked)[:k])]
    scores = {q: dict.fromkeys(measures.values(), 0.0) for q in judged}  # nothing retrieved scores 0
    if run:
        for m in ir_measures.iter_calc(list(measures), qrels, run):
            if m.query_id in scores:
                scores[m.query_id][measures[m.measure]] = float(m.value)
    return scores


def _unique(keys: Sequence[str]) -> list[str]:
    return list(dict.fromkeys(keys))


def normalize_answer(text: str) -> str:
    """SQuAD normalization: lower case, drop punctuation and articles, collapse whitespace."""
    text = "".join(ch for ch in text.lower() if ch not in _PUNCTUATION)
    text = re.sub(r"\b(a|an|the)\b", " ", text)
    return " ".join(text.split())


_PUNCTUATION = set(string.punctuation) | {"\u2019", "\u2018", "\u201c", "\u201d", "\u2013", "\u2014"}


def token_f1(prediction: str, reference: str) -> float:
    """SQuAD token F1: harmonic mean of token precision and recall after normalization."""
    pred, ref = normalize_answer(prediction).split(), normalize_answer(reference).split()
    if not pred or not ref:
        return float(pred == ref)
    common = sum((Counter(pred) & Counter(ref)).values())
    if common == 0:
        return 0.0
    precision, recall = common / len(pred), common / len(ref)
    return 2 * precision * recall / (precision + recall)


def containment(prediction: str, reference: str) -> float:
    """Share of the reference's normalized tokens (with multiplicity) found in the prediction:
    Broder's containment of the reference in the answer. A verbatim quote that holds the
    whole reference scores 1.0 however long the quote is."""
    pred, ref = Counter(normalize_answer(prediction).split()), Counter(normalize_answer(reference).split())
    if not ref:
        return float(not pred)
    return sum((pred & ref).values()) / sum(ref.values())


def source_matches(doc_id: str, section: str, sources: Sequence[str]) -> bool:
    """A (document, section) is in the expected sources when a source names its document
    alone (`doc`) or its document and section (`doc#Section`, compared by section_key)."""
    for source in sources:
        doc, _, sec = source.partition("#")
        if doc == doc_id and (not sec or section_key(doc, sec) == section_key(doc_id, section)):
            return True
    return False


def section_key(doc_id: str, section: str) -> str:
    """`doc#section` with the section's case and spacing normalized."""
    return f"{doc_id}#{' '.join(section.split()).casefold()}"


def abstention_accuracy(answerable: Sequence[bool], abstained: Sequence[bool]) -> dict[str, float | None]:
    """Right behaviour = answering an answerable question, abstaining on an unanswerable one.
    Reported for each kind separately and overall; None when a kind is absent."""
    pairs = list(zip(answerable, abstained, strict=True))
    on_answerable = [not ab for ans, ab in pairs if ans]
    on_unanswerable = [ab for ans, ab in pairs if not ans]
    return {"answerable_accuracy": mean(on_answerable), "unanswerable_accuracy": mean(on_unanswerable),
            "abstention_accuracy": mean(on_answerable + on_unanswerable)}


def best_threshold(confidences: Sequence[float], answerable: Sequence[bool],
                   can_answer: Sequence[bool] | None = None) -> tuple[float | None, float]:
    """The abstention threshold with the best overall abstention accuracy on these questions.

    Like SQuAD v2's find_best_thresh: sweep the threshold down through the observed
    confidences (answer iff confidence >= threshold) starting from "abstain on all".
    Questions with can_answer False (hard abstentions) stay abstained at any threshold.
    Ties keep the highest threshold, the cautious choice. Returns (threshold, accuracy);
    threshold None means abstaining on everything is best.
    Worked example: confidences [0.9, 0.6, 0.4], answerable [T, F, T] -> 0.9 gives 2/3,
    0.6 gives 1/3, 0.4 gives 2/3, abstain-all gives 1/3 -> (0.9, 0.667).
    """
    n = len(confidences)
    if n == 0:
        return None, 0.0
    can_answer = [True] * n if can_answer is None else list(can_answer)
    correct = sum(1 for a in answerable if not a)  # abstain on all
    best, best_t = correct, None
    order = sorted((c, a) for c, a, ok in zip(confidences, answerable, can_answer, strict=True) if ok)
    i = len(order) - 1
    while i >= 0:
        t = order[i][0]
        while i >= 0 and order[i][0] == t:  # all questions at this confidence flip together
            correct += 1 if order[i][1] else -1
            i -= 1
        if correct > best:
            best, best_t = correct, t
    return best_t, best / n


def percentile(values: Sequence[float], q: float) -> float | None:
    """Linear-interpolated percentile (numpy's default), None for no values."""
    if not values:
        return None
    xs = sorted(values)
    pos = (len(xs) - 1) * q / 100
    lo = int(pos)
    hi = min(lo + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (pos - lo)


def mean(values: Sequence[float]) -> float | None:
    return sum(values) / len(values) if values else None

