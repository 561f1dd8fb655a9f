"""Quality that has to hold on labels the scoring was not fitted on (leave-one-label-out).

Runs bench.fit's procedure over the four small SPL labels: for each, the models and
thresholds are fitted on the other three and the product pipeline answers its questions.
The floors sit below what bench/FIT.md reports, to absorb the noise of 25-40 questions a
label, and far above the engine before fitting (26% answered with the reference) and a
naive top-sentence baseline that never abstains.
"""

from __future__ import annotations

import pytest


@pytest.mark.slow
def test_leave_one_label_out_on_the_small_labels():
    from bench.fit import held_out_for
    from ingest.config import BUNDLED_MODEL, bundled_model_path

    # The fitting procedure over the bundled model, which saw no group's questions (the
    # tuned encoders of bench.fit take bench.finetune's ~20 minutes to train).
    report = held_out_for(["cough", "haloperidol", "edecrin", "rogaine"], model=(BUNDLED_MODEL, bundled_model_path()))
    right = [r["answered_with_reference"] for r in report.values()]
    abstained = [r["unanswerable_abstained"] for r in report.values()]
    assert sum(right) / len(right) >= 0.5, report  # 0.72 measured (haloperidol 0.74, cough 0.76, edecrin 0.54, rogaine 0.85)
    assert sum(abstained) / len(abstained) >= 0.6, report  # 0.88 measured
    for r in report.values():  # every answerable question is right or lost in one place
        assert abs(r["answered_with_reference"] + sum(r["lost"].values()) - 1) < 0.01, r
    # Fitted on three small labels only, the unit cap is noisier than bench.fit's (fitted on
    # eight groups: every held-out median <= 2.33 there); cough measured 2.59 here, 1.87 in FIT.md.
    lengths = [r["median_length_ratio"] for r in report.values()]
    assert sum(lengths) / len(lengths) <= 2.5 and max(lengths) <= 3.0, report


def test_loss_breakdown_puts_each_missed_question_in_one_place():
    from bench.fit import loss_breakdown

    def row(qid, abstained, containment):
        return {"id": qid, "abstained": abstained, "metrics": {"answer_containment": containment}}

    ranks = {"right": 0, "doubted": 1, "short": 0, "buried": 4, "missed": None}
    results = [row("right", False, 0.9), row("doubted", True, 0.0), row("short", False, 0.3),
               row("buried", False, 0.1), row("missed", True, 0.0), row("unanswerable", True, 0.0)]
    assert loss_breakdown(ranks, results) == {"abstained_top2": 0.2, "short_of_reference": 0.2,
                                              "ranked_third_or_lower": 0.2, "no_answer_unit": 0.2}
    assert loss_breakdown({}, results) == dict.fromkeys(
        ("abstained_top2", "short_of_reference", "ranked_third_or_lower", "no_answer_unit"))
