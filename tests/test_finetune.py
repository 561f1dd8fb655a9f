"""bench/finetune.py's ranking figures."""

import numpy as np

from bench.finetune import rank_figures


def test_finetune_rank_figures_read_the_first_answer_unit():
    scores = [np.array([0.9, 0.5, 0.7]), np.array([0.1, 0.8, 0.3])]
    labels = [np.array([False, True, False]), np.array([False, True, True])]
    # first question: the answer unit ranks third (1/3); second: first (1/1)
    assert rank_figures(scores, labels) == {"mrr": round((1 / 3 + 1) / 2, 3), "top2": 0.5}


def test_separation_counts_answerable_above_unanswerable():
    from bench.finetune import separation

    # 0.9 beats both unanswerable; 0.4 beats 0.3 and ties 0.4 (half)
    assert separation([0.9, 0.4], [0.3, 0.4]) == round((2 + 1.5) / 4, 3)
    assert separation([0.9], []) is None


def test_abstention_sets_take_the_bundled_models_first_sentences():
    from bench.finetune import Unanswerable, abstention_sets

    u = Unanswerable("How much does it cost?", ["a", "b", "c"], np.array([0.2, 0.9, 0.5]))
    assert abstention_sets([u], 2) == [("How much does it cost?", ["b", "c"])]
    assert abstention_sets([u], 4) == []  # a label too short to offer k sentences


def test_label_rows_take_the_sources_then_the_named_drugs_label():
    from bench.finetune import label_rows

    rows = {"adcetris": [0, 1], "eliquis": [2, 3, 4]}
    assert label_rows(rows, {"sources": ["eliquis#Boxed Warning"]}, frozenset({"adcetris"})).tolist() == [2, 3, 4]
    # an unanswerable question has no sources: the label of the drug it names
    assert label_rows(rows, {"sources": []}, frozenset({"adcetris"})).tolist() == [0, 1]
    assert label_rows(rows, {"sources": []}, None).tolist() == [0, 1, 2, 3, 4]


def test_training_pairs_take_the_bundled_models_first_answer_and_first_others():
    from bench.finetune import Ranked, training_pairs

    r = Ranked("q", ["a", "b", "c", "d"], np.array([False, True, False, False]), np.array([0.9, 0.5, 0.1, 0.7]))
    assert training_pairs([r]) == [("q", "b", "a")]
    # the negatives in the bundled model's order; a label with fewer gives what it has
    assert training_pairs([r], 2) == [("q", "b", "a", "d")]
    assert training_pairs([r], 5) == [("q", "b", "a", "d", "c")]
