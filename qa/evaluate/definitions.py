"""Plain-language metric definitions, shown in report.html (and mirrored in the README)."""

from __future__ import annotations

DEFINITIONS = (
    ("recall@c", "Document level, answerable questions with relevant documents (sources' doc ids, or --qrels): "
                 "share of the relevant documents found in the top c ranked documents (ir-measures R@c). "
                 "With one relevant document this is the hit rate."),
    ("mrr@k", "Mean reciprocal rank of the first relevant document within the top k (RR@k); 0 when none."),
    ("ndcg@k, map@k", "nDCG@k and average precision@k over the top k documents with graded relevance "
                      "(qrels grades; grade 1 for each source document without qrels)."),
    ("section_recall@c, section_mrr@k", "The same at section level, for questions whose sources name "
                                       "`doc_id#Section`; sections compared ignoring case and spacing."),
    ("answer_f1", "SQuAD token F1 of the answer's cited sentences against the reference answer after "
                  "SQuAD normalization (lower case, no punctuation or articles); an abstention scores 0. "
                  "Answerable questions with a reference answer."),
    ("answer_containment", "Share of the reference answer's normalized tokens found in the answer "
                           "(containment of the reference in the answer); 1.0 when the quote holds it all."),
    ("citation_verbatim", "Share of all citations whose text equals the document text at [start:end]. Must be 1.0."),
    ("citation_precision", "Of the citations given on answerable questions with expected sources, the share "
                           "from an expected source (`doc` matches any section, `doc#Section` that section)."),
    ("citation_recall", "Share of answerable questions with expected sources where at least one citation "
                        "comes from an expected source (an abstention counts as a miss)."),
    ("answerable_accuracy", "Share of answerable questions that were answered (not abstained)."),
    ("unanswerable_accuracy", "Share of unanswerable questions (answerable: false) where the bot abstained."),
    ("abstention_accuracy", "Share of all questions with the right behaviour (answered if answerable, "
                            "abstained if not)."),
    ("best_threshold", "The abstention threshold that maximizes abstention_accuracy on this file (SQuAD v2 "
                       "find_best_thresh: answer iff confidence >= threshold); ties keep the higher threshold. "
                       "Calibrate on a dev file, not on the file you report."),
    ("questions_per_second", "Evaluated questions divided by the wall time of the run with the model loaded "
                             "(batched encoding, scoring and writing included). p50/p95 latency: each "
                             "question's share of its batch's retrieval plus its own answer composition."),
    ("reliability", "Questions grouped by confidence (five equal bins over 0-1) with the share whose answer "
                    "is right: answerable, answered, and holding the reference (answer_containment >= 0.5), or "
                    "citing an expected source when the row has no reference. A calibrated confidence of 0.7 is "
                    "right about 70% of the time; abstained and unanswerable questions count as not right."),
)
