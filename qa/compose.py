"""Answer composition: pick the corpus sentences that answer, or abstain.

No reader model ships offline, so extraction is a ranking of the sentences in the
best passages. A sentence scores by its own cosine with the question, by how much of
the question's content (IDF-weighted stems) it covers, and by the rank of its passage.
Confidence asks a stricter question: is the question's content present at all?
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from ingest.lexical import analyze

from .config import QAConfig

# A paragraph opening like this restates what the document said before; the original
# statement is the better citation, so its sentences give way by a small margin.
SUMMARY_OPENERS = re.compile(r"^\s*(?:in conclusion|in summary|to summari[sz]e|to conclude|overall|in short)\b",
                             re.IGNORECASE)
SUMMARY_PENALTY = 0.05


@lru_cache(maxsize=200_000)
def stem_set(text: str) -> frozenset[str]:
    """Stems of a corpus text, cached: the same sentences and passages recur across questions."""
    return frozenset(analyze(text))


def summary_rows(sentences, documents) -> frozenset[int]:
    """Rows of sentences in paragraphs that open with a summary phrase."""
    rows = set()
    for row, s in enumerate(sentences):
        text = documents[s.doc_id].text
        paragraph_start = max(text.rfind("\n\n", 0, s.start), text.rfind("\r\n\r\n", 0, s.start), -1)
        paragraph = text[paragraph_start + 1: s.start + 40].lstrip()
        if SUMMARY_OPENERS.match(paragraph):
            rows.add(row)
    return frozenset(rows)


@dataclass(frozen=True, slots=True)
class ScoredSentence:
    row: int
    score: float
    dense: float
    coverage: float
    passage: float


def term_coverage(terms: tuple[tuple[str, ...], ...], idf: dict[str, float], stems: set[str]) -> float:
    """IDF-weighted share of the question's terms found among stems (1.0 when no terms).

    A term is a group of alternatives, found when any of them is. A term the corpus
    never uses weighs as much as its rarest word (max_idf): "hair" in a monograph
    without hair is the point of the question, not noise.
    """
    if not terms:
        return 1.0
    max_idf = max(idf.values(), default=1.0)
    weights = [idf.get(group[0], max_idf) for group in terms]
    found = sum(w for w, group in zip(weights, terms, strict=True) if any(t in stems for t in group))
    return found / sum(weights)


def score_sentences(qvec: np.ndarray, terms: tuple[tuple[str, ...], ...], idf: dict[str, float],
                    candidates: dict[int, float], sentence_vectors: np.ndarray,
                    sentence_texts: list[str], penalized: frozenset[int] = frozenset()) -> list[ScoredSentence]:
    """candidates: sentence row -> relative score of its best passage (1.0 = top passage, 0.0 = third);
    penalized: rows that give way by SUMMARY_PENALTY (restatements)."""
    rows = list(candidates)
    dense = sentence_vectors[rows] @ qvec
    scored = []
    for row, cos in zip(rows, dense, strict=True):
        cov = term_coverage(terms, idf, stem_set(sentence_texts[row]))
        score = 0.45 * float(cos) + 0.2 * cov + 0.35 * candidates[row] - SUMMARY_PENALTY * (row in penalized)
        scored.append(ScoredSentence(row, score, float(cos), cov, candidates[row]))
    scored.sort(key=lambda s: -s.score)
    return scored


def pick_sentences(scored: list[ScoredSentence], same_group, config: QAConfig) -> list[ScoredSentence]:
    """The best sentence plus close runners-up from its section, best first: [1] is
    always the strongest support."""
    if not scored:
        return []
    best = scored[0]
    chosen = [best]
    for s in scored[1:]:
        if len(chosen) >= config.max_answer_sentences:
            break
        if best.score - s.score <= config.sentence_margin and same_group(s.row, best.row):
            chosen.append(s)
    return chosen


def confidence(best: ScoredSentence, context_coverage: float) -> float:
    """How sure the corpus answers: the best sentence's cosine and the share of the
    question's content found in the answer's passages, squashed to [0, 1]."""
    raw = 0.5 * best.dense + 0.5 * context_coverage
    return float(min(max(raw, 0.0), 1.0))
