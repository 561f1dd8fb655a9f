"""The Evaluate tab: upload a test file, watch progress, read the summary, download the results.

Each run writes into its own temporary folder, so two users evaluating at once never
share files. Gradio copies the downloads into its own cache when the run's event returns,
so the event after it removes the folder; what a dropped connection leaves behind goes
with the parent folder when the app exits. The report (self-contained HTML with inline SVG plots) is shown in a
sandboxed iframe: no script in it can run and the page's CSP still blocks remote loads.
"""

from __future__ import annotations

import atexit
import logging
import shutil
import tempfile
from pathlib import Path

import gradio as gr

from qa import Pipeline
from qa.evaluate import run_evaluation
from qa.evaluate.testfile import TestFileError

from .render import escape_text, notice_html

log = logging.getLogger(__name__)
APOLOGY = "Sorry, the evaluation failed. The problem has been logged."
REPORT_HEIGHT_PX = 900


def _fmt(value) -> str:
    if value is None:
        return "—"
    return f"{value:.3f}" if isinstance(value, float) else escape_text(str(value))


def summary_html(summary: dict) -> str:
    """Counts, timings and every metric of a run_evaluation summary as tables."""
    counts, timings = summary["counts"], summary["timings"]
    facts = [("questions evaluated", counts["evaluated"]), ("answerable", counts["answerable"]),
             ("unanswerable", counts["unanswerable"]), ("answered", counts["answered"]),
             ("abstained", counts["abstained"]), ("bad rows skipped", counts["skipped"]),
             ("questions per second", timings["questions_per_second"]),
             ("latency p50 (ms)", timings["latency_ms_p50"]), ("latency p95 (ms)", timings["latency_ms_p95"])]
    rows = "".join(f"<tr><td>{escape_text(k)}</td><td>{_fmt(v)}</td></tr>" for k, v in facts)
    metrics = "".join(f"<tr><td><code>{escape_text(k)}</code></td><td>{_fmt(v)}</td></tr>"
                      for k, v in summary["metrics"].items())
    bad = "".join(f"<li>{escape_text(b)}</li>" for b in summary["bad_rows"])
    return (f'<div class="eval-summary"><div><h3>Summary</h3><table>{rows}</table></div>'
            f"<div><h3>Metrics</h3><table>{metrics}</table></div>"
            + (f"<div><h3>Bad rows skipped</h3><ul>{bad}</ul></div>" if bad else "") + "</div>")


def report_iframe(report: Path) -> str:
    srcdoc = escape_text(report.read_text(encoding="utf-8"))
    return (f'<iframe class="eval-report" sandbox="" title="evaluation report" srcdoc="{srcdoc}" '
            f'style="width:100%;height:{REPORT_HEIGHT_PX}px;border:1px solid #e5e7eb"></iframe>')


class RunFolders:
    """The evaluation runs' temporary folders, all under one parent removed at exit."""

    def __init__(self) -> None:
        self.root: Path | None = None

    def new(self) -> Path:
        if self.root is None:
            self.root = Path(tempfile.mkdtemp(prefix="rxcite-eval-"))
            atexit.register(self.close)
        return Path(tempfile.mkdtemp(prefix="run-", dir=self.root))

    def release(self, folder: str | Path | None) -> None:
        """Remove one run's folder (only ever one of ours)."""
        if folder and self.root is not None and Path(folder).parent == self.root:
            shutil.rmtree(folder, ignore_errors=True)

    def close(self) -> None:
        if self.root is not None:
            shutil.rmtree(self.root, ignore_errors=True)


def evaluate_upload(pipeline: Pipeline, testfile: str | None, qrels: str | None, k: float, out_dir: Path,
                    progress=None):
    """(summary HTML, report HTML, files to download) for one uploaded test file, written to out_dir."""
    if not testfile:
        return notice_html("Choose a test file (.jsonl or .csv) first.", "notice"), "", None
    try:
        summary = run_evaluation(pipeline, Path(testfile), out_dir, k=int(k),
                                 qrels=Path(qrels) if qrels else None, progress=progress)
    except (TestFileError, ValueError) as err:
        return notice_html(f"The test file cannot be evaluated: {err}", "notice"), "", None
    except Exception:
        log.exception("evaluating %s failed", testfile)
        return notice_html(APOLOGY, "error"), "", None
    files = [str(out_dir / "results.jsonl"), str(out_dir / "report.html")]
    return summary_html(summary), report_iframe(out_dir / "report.html"), files


def build_evaluate_tab(pipeline: Pipeline) -> None:
    gr.HTML("<p>Upload a test file in the evaluation format (JSONL or CSV rows with <code>question</code> and "
            "optional <code>answer</code>, <code>sources</code>, <code>answerable</code>) to score the "
            "current index, as <code>python -m qa eval</code> does.</p>")
    with gr.Row():
        testfile = gr.File(label="Test file", file_types=[".jsonl", ".csv"], type="filepath", elem_id="eval-file")
        qrels = gr.File(label="Qrels (optional: TREC qid 0 doc_id grade)", type="filepath", elem_id="eval-qrels")
        k = gr.Number(value=10, minimum=1, maximum=100, precision=0, label="k (ranking depth)")
    run = gr.Button("Run evaluation", variant="primary", elem_id="eval-run")
    summary = gr.HTML(elem_id="eval-summary")
    downloads = gr.File(label="Download", file_count="multiple", interactive=False, elem_id="eval-downloads")
    report = gr.HTML(elem_id="eval-report")
    folders = RunFolders()
    run_folder = gr.State(None)

    def on_run(path: str | None, qrels_path: str | None, depth: float,
               progress=gr.Progress()):  # noqa: B008 - Gradio's idiom
        def report_progress(done: int, total: int) -> None:
            progress((done, total), desc="questions", unit="questions")

        out_dir = folders.new()
        return *evaluate_upload(pipeline, path, qrels_path, depth, out_dir, report_progress), str(out_dir)

    run.click(on_run, [testfile, qrels, k], [summary, report, downloads, run_folder], api_visibility="private",
              concurrency_limit=1, concurrency_id="evaluate"
              ).then(folders.release, run_folder, None, api_visibility="private")
