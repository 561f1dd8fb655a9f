"""python -m bench [--quick] [--ingest-docs N] [--out bench/RESULTS.md]

Runs every benchmark side by side with the naive baseline (bench/baseline.py) and
writes bench/RESULTS.md. Indexes live under bench/out/. The ingest measurement builds
from scratch (no vectors to reuse) the first 40 of the 106 cancer.gov documents, which
keeps `make bench` near 10 minutes on 2 idle cores (all 106 take ~500 s of CPU for the
product's build alone: --ingest-docs 106). --quick ingests 20, repeats less and skips
the web app. Build throughput (bench/build.py) builds the 101 TAC labels against
sentence-transformers encoding their sentences, then adds one file to that index and to
2,000 synthetic monographs (--quick: the labels only).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import time
from pathlib import Path

from . import build as build_bench
from . import cold, warm
from .machine import describe
from .report import Row, encoder_table, machine_text, quality_table, rows_table

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
DEV_SET = SHARED / "eval" / "lenalidomide-dev.jsonl"
MEDQUAD = SHARED / "benchmarks" / "medquad-cancergov"
OUT = ROOT / "bench" / "out"
COLD_QUESTION = "How many days off between cycles?"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[2])
    parser.add_argument("--quick", action="store_true", help="fewer repeats, no web app")
    parser.add_argument("--ingest-docs", type=int, default=None, metavar="N",
                        help="measure ingest on the first N cancer.gov documents (default: 40; --quick: 20; "
                             "all: 106)")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "RESULTS.md")
    args = parser.parse_args(argv)
    for path in (DEV_SET, MEDQUAD / "questions.jsonl"):
        if not path.exists():
            print(f"error: {path} is missing; the benchmarks read ../shared beside the checkout", file=sys.stderr)
            return 2
    os.chdir(ROOT)
    started = time.perf_counter()
    results = run(args.quick, args.ingest_docs or (20 if args.quick else 40))
    results["seconds"] = round(time.perf_counter() - started)
    results["command"] = " ".join(["python -m bench", *(argv if argv is not None else sys.argv[1:])])
    args.out.write_text(render(results), encoding="utf-8")
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "results.json").write_text(json.dumps(results, indent=2, default=str), encoding="utf-8")
    print(render(results))
    print(f"\nwritten to {args.out} ({results['seconds']} s)", file=sys.stderr)
    return 0


def run(quick: bool, ingest_docs: int) -> dict:
    result = {"machine": describe()}
    lenalidomide, medquad = OUT / "lenalidomide-index", OUT / "medquad-index"
    say("building the lenalidomide index (not measured)")
    build(ROOT / "corpus", lenalidomide)
    # Child processes first, while this process is small: a child's ru_maxrss starts
    # from its parent's resident size at fork.
    say("cold start: python -m qa ask")
    result["cold_ask"] = cold.cold_ask(lenalidomide, COLD_QUESTION, warm.ENCODERS, repeat=1 if quick else 3)
    if not quick:
        say("cold start: python app.py to an answering page")
        result["cold_app"] = cold.cold_app(lenalidomide, ROOT / "corpus", COLD_QUESTION, warm.ENCODERS)
    result["ingest"] = measure_ingest(ingest_docs, medquad)
    say("build throughput: the 101 TAC labels against sentence-transformers encoding their sentences")
    result["build"] = build_bench.measure(build_bench.LABELS, 0 if quick else 2000)
    from ingest.config import product_model_path
    from qa import QAConfig

    result["default_encoder"] = QAConfig().encoder
    say("ONNX export on first use")
    result["export_s"] = first_use_export(product_model_path(), OUT / "onnx-first-use")
    dev = warm.read_questions(DEV_SET)
    mq = warm.read_questions(MEDQUAD / "questions.jsonl")
    say("warm latency: lenalidomide dev set, one process per system")
    result["latency"] = warm.latency(lenalidomide, DEV_SET, passes=1 if quick else 2)
    say("throughput: lenalidomide dev set")
    systems = warm.load_systems(lenalidomide)
    result["dev_qps"], answers = warm.throughput(systems, [q.text for q in dev], repeat=5 if quick else 20)
    result["dev_quality"] = warm.retrieval_quality(dev, answers)
    del systems
    say("throughput: cancer.gov benchmark")
    systems = warm.load_systems(medquad)
    result["medquad_qps"], answers = warm.throughput(systems, [q.text for q in mq])
    result["medquad_questions"] = len(mq)
    result["medquad_quality"] = warm.retrieval_quality(mq, answers)
    del systems, answers
    say("encoders alone: threads 1 and 2")
    result["encoders"] = warm.encoder_rates(product_model_path(), medquad / "onnx", [q.text for q in mq])
    result["machine"]["load_average_end"] = [round(x, 2) for x in os.getloadavg()]
    return result


def measure_ingest(ingest_docs: int, medquad: Path) -> dict:
    """Product and baseline ingest of the first ingest_docs cancer.gov documents; leaves
    the full cancer.gov index built at medquad."""
    documents = sorted((MEDQUAD / "corpus").iterdir())
    if ingest_docs >= len(documents):
        say(f"ingest: all {len(documents)} cancer.gov documents, product then baseline")
        result = cold.ingest(MEDQUAD / "corpus", medquad, OUT / "naive-medquad.faiss")
    else:
        subset = OUT / f"medquad-first-{ingest_docs}"
        if subset.exists():
            shutil.rmtree(subset)
        subset.mkdir(parents=True)
        for path in documents[:ingest_docs]:
            shutil.copy(path, subset / path.name)
        say(f"ingest: the first {ingest_docs} of {len(documents)} cancer.gov documents, product then baseline")
        result = cold.ingest(subset, OUT / "medquad-subset-index", OUT / "naive-medquad.faiss")
        say("building the cancer.gov index (not measured; incremental)")
        build(MEDQUAD / "corpus", medquad)
    result["documents"] = min(ingest_docs, len(documents))
    return result


def build(corpus: Path, index: Path) -> None:
    if cold.run_child([cold.PY, "-m", "ingest", str(corpus), "--index", str(index), "--quiet"]).returncode:
        raise RuntimeError(f"python -m ingest {corpus} --index {index} failed")


def first_use_export(model_path: str, cache_dir: Path) -> dict[str, float]:
    """Seconds for the first load of each ONNX backend (export, quantization) and a second load."""
    from ingest.embedding import load_encoder

    if cache_dir.exists():
        shutil.rmtree(cache_dir)
    times = {}
    for label, backend in (("fp32 export", "onnx"), ("int8 quantization", "onnx-int8"), ("cached load", "onnx")):
        t0 = time.perf_counter()
        load_encoder(model_path, backend, cache_dir=cache_dir)
        times[label] = round(time.perf_counter() - t0, 2)
    return times


def result_rows(r: dict) -> list[Row]:
    default = r["default_encoder"]
    name = {e: f"{e} (default)" if e == default else e for e in warm.ENCODERS}
    lat, base = r["latency"], r["latency"]["baseline"]
    rows = [Row("warm ask p50, dev set", name[e], lat[e]["p50_ms"], base["p50_ms"], "ms") for e in warm.ENCODERS]
    rows += [Row("warm ask p95, dev set", name[e], lat[e]["p95_ms"], base["p95_ms"], "ms") for e in warm.ENCODERS]
    rows += [Row("warm ask CPU p50, dev set", name[e], lat[e]["cpu_p50_ms"], base["cpu_p50_ms"], "ms")
             for e in warm.ENCODERS]
    for key, label in (("dev_qps", "eval throughput, dev set"), ("medquad_qps", "eval throughput, cancer.gov")):
        for unit, what in (("qps", ""), ("cpu_qps", " per CPU second"),
                           ("start_qps", " counting the library word-vector build")):
            if unit in r[key]["baseline"]:
                rows += [Row(label + what, name[e], r[key][e][unit], r[key]["baseline"][unit], "q/s", False)
                         for e in warm.ENCODERS]
    ask = r["cold_ask"]
    rows += [Row("cold `python -m qa ask`", name[e], ask[e].wall_s, ask["baseline"].wall_s, "s")
             for e in warm.ENCODERS]
    rows += [Row("cold `python -m qa ask` CPU", name[e], ask[e].cpu_s, ask["baseline"].cpu_s, "s")
             for e in warm.ENCODERS]
    rows += [Row("cold `qa ask` peak memory", name[e], ask[e].max_rss_mb, ask["baseline"].max_rss_mb, "MB")
             for e in warm.ENCODERS]
    if "cold_app" in r:
        app = r["cold_app"]
        rows += [Row("`python app.py` to an answer", name[e], app[e], app["baseline"], "s") for e in warm.ENCODERS]
    if "ingest" in r:
        ing = r["ingest"]
        n = ing["chunks"]
        rows.append(Row(f"ingest cancer.gov, {ing['documents']} docs ({n} chunks)", "python -m ingest", n / ing["product"].wall_s,
                        n / ing["baseline"].wall_s, "chunks/s", False))
        rows.append(Row("ingest per CPU second", "python -m ingest", n / ing["product"].cpu_s,
                        n / ing["baseline"].cpu_s, "chunks/s", False))
        rows.append(Row("ingest peak memory", "python -m ingest", ing["product"].max_rss_mb,
                        ing["baseline"].max_rss_mb, "MB"))
    return rows


def render(r: dict) -> str:
    parts = [
        "# Benchmark results", "",
        f"Written by `{r['command']}` ({r['seconds']} s). Default encoder: `{r['default_encoder']}`. "
        "Baseline: torch MiniLM encode + FAISS flat search over the chunk vectors, top chunk returned "
        "(bench/baseline.py). Ratio = value / baseline.", "",
        "## Machine", "", machine_text(r["machine"]), "",
        "## Figures", "", rows_table(result_rows(r)), "",
        "Warm latency: each system in a process of its own (as in a served app), every dev question "
        "asked once to warm up, then timed in 2 rounds; 2 such passes alternating the systems. Eval throughput: one `ask_many` call over the question list, after the library's word vectors are built (as `qa eval` and the app do at start; the rows counting the library word-vector build add it; the dev set's warm-up questions already build it, 0.2 s). "
        "Cold rows: median of separate processes on the built lenalidomide index with the ONNX "
        "export already cached; the app row times `python app.py` until its `ask` API returns.", "",
        "## Retrieval quality by encoder", "",
        "Ranked doc#section keys (`Answer.sections`) against the sources of answerable questions; "
        "`same_*` = share of questions where the result equals the torch pipeline's.", "",
        quality_table("dev set", r["dev_quality"]), "",
        quality_table("cancer.gov", r["medquad_quality"]), "",
        f"## Encoders alone ({r.get('medquad_questions', 683)} cancer.gov questions)", "", encoder_table(r["encoders"]), "",
        f"ONNX first use (seconds): {r['export_s']}", "",
    ]
    if "build" in r:
        parts += ["## Build throughput (`python -m bench.build`)", "",
                  "Baseline: sentence-transformers on torch encoding the sentences of the labels at batch 64. "
                  "rxcite: `python -m ingest --force` (ONNX on all cores; embeds sentences, chunks and section "
                  "headings, builds BM25, writes the index), then `python -m ingest` after adding one file.", "",
                  build_bench.render(r["build"]), ""]
    if "ingest" in r:
        ing = r["ingest"]
        parts += [f"Ingest: product {ing['product'].wall_s:.1f} s wall / {ing['product'].cpu_s:.1f} s CPU "
                  f"(embeds chunks, sentences and section headings, builds BM25); baseline "
                  f"{ing['baseline'].wall_s:.1f} s wall / {ing['baseline'].cpu_s:.1f} s CPU (embeds the same "
                  "chunk texts only).", ""]
    return "\n".join(parts)


def say(message: str) -> None:
    print(f"bench: {message}", file=sys.stderr, flush=True)


if __name__ == "__main__":
    sys.exit(main())
