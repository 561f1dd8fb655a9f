"""bench/tradeoff.py: right and abstained counts as the held-out thresholds rise."""

import json

import pytest

from bench.tradeoff import counts_at, main, read_run, tradeoff


def row(answerable, abstained, confidence, containment=0.0, answer="the reference"):
    return {"expected": {"answerable": answerable, "answer": answer if answerable else ""},
            "abstained": abstained, "confidence": confidence, "metrics": {"answer_containment": containment}}


ROWS = [row(True, False, 0.9, 1.0),    # right at any raise below 0.5
        row(True, False, 0.45, 0.6),   # right until the threshold passes 0.45
        row(True, False, 0.8, 0.2),    # answered short of the reference: never right
        row(True, True, 0.2, 1.0),     # abstained: a raise cannot bring it back
        row(False, False, 0.42),       # answered; abstained once the threshold passes 0.42
        row(False, True, 0.1)]


def test_counts_at_read_containment_and_the_threshold():
    assert counts_at(ROWS, 0.4) == (2, 1)
    assert counts_at(ROWS, 0.43) == (2, 2)
    assert counts_at(ROWS, 0.46) == (1, 2)
    # an answerable row without a reference cannot be right
    assert counts_at([row(True, False, 0.9, 1.0, answer="")], 0.4) == (0, 0)


def test_tradeoff_raises_every_groups_threshold_by_the_offset():
    points = tradeoff({"a": ROWS, "b": ROWS}, {"a": 0.4, "b": 0.3}, offsets=(0.0, 0.05, 0.14))
    assert [(p["right"], p["abstained"]) for p in points] == [(4, 2), (4, 3), (3, 4)]
    assert points[1]["groups"] == {"a": (2, 2), "b": (2, 1)}


def test_read_run_reads_a_fit_run_and_names_what_is_missing(tmp_path, capsys):
    (tmp_path / "held-out" / "a").mkdir(parents=True)
    (tmp_path / "held-out" / "a" / "results.jsonl").write_text("\n".join(json.dumps(r) for r in ROWS) + "\n")
    (tmp_path / "report.json").write_text(json.dumps({"held_out": {"a": {"thresholds": {"abstain": 0.4}}}}))
    rows, thresholds, answerable, unanswerable = read_run(tmp_path, ["a"])
    assert (len(rows["a"]), thresholds, answerable, unanswerable) == (6, {"a": 0.4}, 4, 2)
    assert main(["--run", str(tmp_path), "--groups", "a"]) == 0
    assert "| 0.00 | 2 | 1 |" in capsys.readouterr().out
    with pytest.raises(SystemExit, match="no held-out run of b"):
        read_run(tmp_path, ["a", "b"])
    with pytest.raises(SystemExit, match="report.json is missing"):
        read_run(tmp_path / "held-out", ["a"])
