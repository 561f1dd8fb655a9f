"""Run a test file through the pipeline and write results.jsonl, summary.json, report.html."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path


def run_evaluation(pipeline, testfile: Path, out_dir: Path, k: int = 10, qrels: Path | None = None,
                   progress: Callable[[int, int], None] | None = None) -> dict:
    """Evaluate every good row of `testfile`; return the summary dict also written to summary.json.

    `progress(done, total)` is called after each batch of questions.
    """
    raise NotImplementedError("run_evaluation is being implemented (issue 3)")
