"""Run a test file through the pipeline and write results.jsonl, summary.json, report.html."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path

from .report import write_report
from .scoring import QuestionResult, score_batch
from .summary import aggregate_metrics, calibration, counts, reliability, timings
from .testfile import TestFileError, load_qrels, load_testfile
from .verbatim import SourceDocuments

RESULTS, SUMMARY, REPORT = "results.jsonl", "summary.json", "report.html"


def run_evaluation(pipeline, testfile: Path, out_dir: Path, k: int = 10, qrels: Path | None = None,
                   progress: Callable[[int, int], None] | None = None, *, batch_size: int = 64) -> dict:
    """Evaluate every good row of `testfile`; return the summary dict also written to summary.json.

    Bad rows are listed in summary["bad_rows"] as "file:line: reason" and skipped.
    results.jsonl is flushed after every batch, so an interrupted run (KeyboardInterrupt)
    keeps its rows; the summary and report of the rows done so far are still written and
    the interrupt re-raised. `progress(done, total)` is called after each batch.
    Raises TestFileError for a missing, empty or unknown-format file, or one with no good row.
    """
    if k < 1 or batch_size < 1:
        raise ValueError(f"k ({k}) and batch_size ({batch_size}) must be at least 1")
    testfile, out_dir = Path(testfile), Path(out_dir)
    loaded = load_testfile(testfile, pipeline.config.max_question_chars)
    if not loaded.cases:
        shown = "; ".join(str(b) for b in loaded.bad_rows[:3])
        raise TestFileError(f"{testfile}: no valid rows, {len(loaded.bad_rows)} bad ({shown})")
    qrels_map = load_qrels(Path(qrels)) if qrels is not None else None
    if k > pipeline.config.k_documents:  # rank as many documents and sections as are scored
        pipeline = pipeline.with_config(k_documents=k)
    out_dir.mkdir(parents=True, exist_ok=True)
    cases, documents = loaded.cases, SourceDocuments(pipeline.index.documents)
    pipeline.warm()  # the library's word vectors in one batch and its abbreviations, before the first question
    results: list[QuestionResult] = []
    interrupted = False
    started = time.perf_counter()
    with open(out_dir / RESULTS, "w", encoding="utf-8") as out:
        try:
            for lo in range(0, len(cases), batch_size):
                batch = cases[lo: lo + batch_size]
                answers = pipeline.ask_many([c.question for c in batch], batch_size=batch_size)
                for result in score_batch(batch, answers, documents, k, qrels_map):
                    out.write(json.dumps(result.to_dict(), ensure_ascii=False) + "\n")
                    results.append(result)
                out.flush()
                if progress is not None:
                    progress(len(results), len(cases))
        except KeyboardInterrupt:
            interrupted = True
    summary = _summary(pipeline, loaded, results, k, qrels, time.perf_counter() - started, interrupted)
    summary["verbatim_unverified_documents"] = sorted(documents.unverified)  # source unreadable: index copy used
    (out_dir / SUMMARY).write_text(json.dumps(summary, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    write_report(out_dir / REPORT, summary, results)
    if interrupted:
        raise KeyboardInterrupt
    return summary


def _summary(pipeline, loaded, results, k, qrels, wall_seconds, interrupted) -> dict:
    cfg = pipeline.config
    return {"testfile": str(loaded.path), "interrupted": interrupted,
            "metrics": aggregate_metrics(results, k),
            "counts": counts(results, len(loaded.bad_rows)),
            "abstention": calibration(results, cfg.abstain_threshold),
            "reliability": reliability(results),
            "timings": timings(results, wall_seconds),
            "settings": {"k": k, "mode": cfg.mode, "encoder": cfg.encoder, "index_dir": str(cfg.index_dir),
                         "abstain_threshold": cfg.abstain_threshold, "qrels": None if qrels is None else str(qrels),
                         "manifest": pipeline.index.manifest},
            "bad_rows": [str(b) for b in loaded.bad_rows]}
