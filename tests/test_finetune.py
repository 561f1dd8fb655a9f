"""bench/finetune.py's ranking figures."""

import numpy as np

from bench.finetune import rank_figures


def test_finetune_rank_figures_read_the_first_answer_unit():
    scores = [np.array([0.9, 0.5, 0.7]), np.array([0.1, 0.8, 0.3])]
    labels = [np.array([False, True, False]), np.array([False, True, True])]
    # first question: the answer unit ranks third (1/3); second: first (1/1)
    assert rank_figures(scores, labels) == {"mrr": round((1 / 3 + 1) / 2, 3), "top2": 0.5}
