"""python -m qa eval TESTFILE [--qrels FILE] [--k 10] [--out DIR] [--json] [--fail-under METRIC=VALUE ...]"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from .summary import metric_names

EXIT_BELOW_BOUND, EXIT_USAGE, EXIT_INTERRUPTED = 1, 2, 130


def add_eval_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("testfile", type=Path, help="test file: .jsonl (one object per line) or .csv (header row)")
    parser.add_argument("--qrels", type=Path, default=None,
                        help="TREC qrels (qid 0 doc_id grade): graded document relevance, overrides sources")
    parser.add_argument("--k", type=int, default=10, help="ranking depth for recall/MRR/nDCG/MAP (default: 10)")
    parser.add_argument("--out", type=Path, default=None, help="output folder (default: eval-out/<testfile stem>/)")
    parser.add_argument("--json", action="store_true", help="print the summary as one JSON object")
    parser.add_argument("--batch-size", type=int, default=64, help="questions encoded per batch (default: 64)")
    parser.add_argument("--fail-under", nargs="+", action="extend", default=[], metavar="METRIC=VALUE",
                        help="exit 1 when a metric is below its bound, e.g. recall@5=0.9 abstention_accuracy=0.8")


def parse_bounds(items: list[str], k: int) -> dict[str, float]:
    """`name=value` strings -> {name: value}; raises ValueError naming the valid metrics."""
    valid = metric_names(k)
    bounds = {}
    for item in items:
        name, sep, value = item.partition("=")
        if not sep:
            raise ValueError(f"--fail-under {item!r}: expected METRIC=VALUE, e.g. recall@5=0.9")
        if name not in valid:
            raise ValueError(f"--fail-under: unknown metric {name!r}; valid metrics: {', '.join(valid)}")
        try:
            bounds[name] = float(value)
        except ValueError as err:
            raise ValueError(f"--fail-under {item!r}: {value!r} is not a number") from err
    return bounds


def check_bounds(metrics: dict, bounds: dict[str, float]) -> list[str]:
    """One message per metric below its bound (or not computable on this file)."""
    failed = []
    for name, bound in bounds.items():
        value = metrics.get(name)
        if value is None:
            failed.append(f"{name} could not be computed on this file (no question it applies to); bound {bound}")
        elif value < bound:
            failed.append(f"{name} = {value:.4f} is below {bound}")
    return failed


def run_eval(args, config) -> int:
    from ingest.store import IndexError_

    from ..pipeline import load_pipeline
    from .runner import run_evaluation
    from .testfile import TestFileError, load_testfile

    out_dir = args.out or Path("eval-out") / args.testfile.stem
    try:
        if args.k < 1 or args.batch_size < 1:
            raise ValueError(f"--k ({args.k}) and --batch-size ({args.batch_size}) must be at least 1")
        bounds = parse_bounds(args.fail_under, args.k)
        load_testfile(args.testfile, config.max_question_chars)  # fail fast, before the slow model load
        if args.qrels is not None and not args.qrels.is_file():
            raise TestFileError(f"{args.qrels}: no such qrels file")
        pipeline = load_pipeline(config)
    except (ValueError, IndexError_) as err:
        print(f"error: {err}", file=sys.stderr)
        return EXIT_USAGE
    bar = _progress_bar()
    try:
        summary = run_evaluation(pipeline, args.testfile, out_dir, k=args.k, qrels=args.qrels,
                                 progress=bar.update_to, batch_size=args.batch_size)
    except KeyboardInterrupt:
        bar.close()
        print(f"interrupted: results so far are in {out_dir}/", file=sys.stderr)
        return EXIT_INTERRUPTED
    except ValueError as err:
        bar.close()
        print(f"error: {err}", file=sys.stderr)
        return EXIT_USAGE
    bar.close()
    for row in summary["bad_rows"]:
        print(f"bad row skipped: {row}", file=sys.stderr)
    print(json.dumps(summary, ensure_ascii=False) if args.json else format_summary(summary, out_dir))
    failed = check_bounds(summary["metrics"], bounds)
    for message in failed:
        print(f"fail-under: {message}", file=sys.stderr)
    return EXIT_BELOW_BOUND if failed else 0


def format_summary(summary: dict, out_dir: Path) -> str:
    c, t, a = summary["counts"], summary["timings"], summary["abstention"]
    lines = [f"{c['evaluated']} questions ({c['answerable']} answerable, {c['unanswerable']} unanswerable), "
             f"{c['skipped']} bad rows skipped; mode {summary['settings']['mode']}, k={summary['settings']['k']}", ""]
    width = max(len(n) for n in summary["metrics"])
    for name, value in summary["metrics"].items():
        lines.append(f"  {name:<{width}}  {'n/a' if value is None else f'{value:.3f}'}")
    best = "abstain on all" if a["best_threshold"] is None else f"{a['best_threshold']:.3f}"
    lines += ["", f"abstain threshold {a['abstain_threshold']}; best on this file {best} "
                  f"(abstention accuracy {a['best_threshold_accuracy']:.3f})",
              "reliability (confidence bin: questions, mean confidence, share right, answered):",
              *(f"  {b['bin']}: {b['questions']:>4}  {_num(b['mean_confidence'])}  {_num(b['share_right'])}  "
                f"{b['answered']}" for b in summary.get("reliability", ())),
              f"{t['questions_per_second']} questions/s; latency p50 {t['latency_ms_p50']} ms, "
              f"p95 {t['latency_ms_p95']} ms", f"wrote {out_dir}/results.jsonl, summary.json, report.html"]
    return "\n".join(lines)


def _num(value) -> str:
    return "  n/a" if value is None else f"{value:.3f}"


def _progress_bar():
    from tqdm import tqdm

    class _Bar(tqdm):
        def update_to(self, done: int, total: int) -> None:
            self.total = total
            self.update(done - self.n)

    return _Bar(desc="evaluating", unit="q", file=sys.stderr, total=None)
