"""Metric functions against values computed by hand on tiny inputs."""

import math

import pytest

from qa.evaluate.metrics import (
    abstention_accuracy,
    best_threshold,
    containment,
    cutoffs,
    normalize_answer,
    percentile,
    retrieval_scores,
    source_matches,
    token_f1,
)


def one(relevant, ranked, k=10, graded=True):
    return retrieval_scores({"q": relevant}, {"q": ranked}, k, graded=graded)["q"]


def test_mrr_of_relevance_0_1_is_one_half():
    assert one({"b": 1}, ["a", "b"])["mrr@10"] == 0.5


def test_recall_at_cutoffs_with_two_relevant_documents():
    # relevant b (rank 2) and z (never retrieved): recall@1 = 0, recall@5 = 1/2
    s = one({"b": 1, "z": 1}, ["a", "b", "c"])
    assert (s["recall@1"], s["recall@5"], s["recall@10"]) == (0.0, 0.5, 0.5)


def test_ndcg_and_map_by_hand():
    # binary relevance at ranks 2 and 3, 2 relevant:
    # DCG = 1/log2(3) + 1/log2(4) = 0.6309 + 0.5; IDCG = 1 + 0.6309; nDCG = 1.1309 / 1.6309 = 0.6934
    # AP = (1/2 + 2/3) / 2 = 0.5833
    s = one({"b": 1, "c": 1}, ["a", "b", "c"])
    assert s["ndcg@10"] == pytest.approx((1 / math.log2(3) + 0.5) / (1 + 1 / math.log2(3)))
    assert s["map@10"] == pytest.approx((1 / 2 + 2 / 3) / 2)


def test_graded_ndcg_uses_grades():
    # grades 2 at rank 2, 1 at rank 1: DCG = 1 + 2/log2(3); IDCG = 2 + 1/log2(3)
    s = one({"a": 1, "b": 2}, ["a", "b"])
    assert s["ndcg@10"] == pytest.approx((1 + 2 / math.log2(3)) / (2 + 1 / math.log2(3)))


def test_the_pipeline_order_is_kept_not_resorted_by_id():
    # pytrec_eval breaks score ties by doc id; rank-based scores must keep "z" first
    assert one({"z": 1}, ["z", "a"])["recall@1"] == 1.0
    assert one({"a": 1}, ["z", "a"])["recall@1"] == 0.0


def test_cutoff_k_limits_the_ranking():
    s = one({"c": 1}, ["a", "b", "c"], k=2)
    assert s == {"recall@1": 0.0, "recall@2": 0.0, "mrr@2": 0.0, "ndcg@2": 0.0, "map@2": 0.0}


def test_nothing_retrieved_scores_zero_and_unjudged_queries_are_skipped():
    scores = retrieval_scores({"q1": {"a": 1}, "q2": {}}, {"q1": []}, 10, graded=False)
    assert scores == {"q1": {"recall@1": 0.0, "recall@5": 0.0, "recall@10": 0.0, "mrr@10": 0.0}}


def test_cutoffs():
    assert cutoffs(10) == (1, 5, 10)
    assert cutoffs(3) == (1, 3)
    assert cutoffs(20) == (1, 5, 10, 20)
    with pytest.raises(ValueError, match="k \\(0\\) must be at least 1"):
        cutoffs(0)


def test_squad_normalization():
    assert normalize_answer("The  Bcl-2 protein, an ANTI-apoptotic one!") == "bcl2 protein antiapoptotic one"


def test_token_f1_by_hand():
    # prediction 4 tokens, reference 2, 2 shared: P = 2/4, R = 2/2, F1 = 2*0.5*1/1.5 = 0.667
    assert token_f1("fatigue and mild diarrhea", "fatigue, diarrhea") == pytest.approx(2 / 3)
    assert token_f1("Revlimid", "revlimid.") == 1.0
    assert token_f1("", "Revlimid") == 0.0
    assert token_f1("nothing shared", "Revlimid") == 0.0


def test_containment_by_hand():
    # reference "T cells and NK cells" = t, cells, and, nk, cells: the answer holds t, cells, and, nk
    # and one "cells" -> 4/5
    assert containment("It activates T cells and NK bodies", "T cells and NK cells") == pytest.approx(4 / 5)
    assert containment("the drug is a potent IMiD used in myeloma", "an IMiD") == 1.0
    assert containment("", "Revlimid") == 0.0


def test_source_matches_document_or_section():
    sources = ["lenalidomide#How to Use Lenalidomide", "other"]
    assert source_matches("lenalidomide", "How to use  lenalidomide", sources)
    assert not source_matches("lenalidomide", "Lenalidomide Mechanism of Action", sources)
    assert source_matches("other", "Any section", sources)


def test_abstention_accuracy_separately_and_overall():
    # answerable: answered, abstained -> 1/2; unanswerable: abstained -> 1/1; overall 2/3
    acc = abstention_accuracy([True, True, False], [False, True, True])
    assert acc == pytest.approx({"answerable_accuracy": 0.5, "unanswerable_accuracy": 1.0,
                                 "abstention_accuracy": 2 / 3})
    assert abstention_accuracy([True], [False])["unanswerable_accuracy"] is None


def test_best_threshold_worked_example():
    # thresholds 0.9 -> 2/3, 0.6 -> 1/3, 0.4 -> 2/3, abstain on all -> 1/3: keep the higher, 0.9
    t, acc = best_threshold([0.9, 0.6, 0.4], [True, False, True])
    assert t == 0.9 and acc == pytest.approx(2 / 3)


def test_best_threshold_separable_scores_and_abstain_all():
    assert best_threshold([0.8, 0.7, 0.3, 0.2], [True, True, False, False]) == (0.7, 1.0)
    assert best_threshold([0.8, 0.7], [False, False]) == (None, 1.0)


def test_best_threshold_ties_flip_together_and_hard_abstentions_stay():
    # two questions at 0.5 (one answerable, one not) flip together: 0.5 gives 1/2 = abstain all 1/2
    assert best_threshold([0.5, 0.5], [True, False]) == (None, 0.5)
    # a hard abstention (can_answer False) on an answerable question is never counted as answered
    assert best_threshold([0.0, 0.6], [True, False], [False, True]) == (None, 0.5)


def test_percentile_matches_linear_interpolation():
    assert percentile([10, 20, 30, 40], 50) == 25
    assert percentile([10, 20, 30, 40], 95) == pytest.approx(38.5)
    assert percentile([], 50) is None
