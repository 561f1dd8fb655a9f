"""Build throughput: rxcite's index build against a naive embedding baseline, same run.

    python -m bench.build [--labels DIR] [--scale-docs N] [--json FILE]

On the 101 TAC 2017 label excerpts (../shared/labels/tac2017-train), each in a child
process (wall time, CPU time and peak RSS from os.wait4):
(a) the naive baseline: sentence-transformers (torch) encoding the labels' sentences
    (split as rxcite splits them) at batch 64; its time to encode alone and in all;
(b) `python -m ingest` building the index of the labels from scratch (`--force`: no
    vectors or rows reused; the ONNX export is already cached, its one-off cost is
    reported apart), which embeds every sentence, chunk and section heading;
(c) adding one file (corpus/lenalidomide.txt) to that index, with the rows of the
    unchanged files cached and, as before the row cache, without.
Then (d) the same one-file addition on a synthetic library of --scale-docs documents
(bench/scale.py's generator; its full build uses hash-seeded vectors instead of the
model, since only the added file's texts are embedded afterwards).
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import time
from pathlib import Path

from .cold import PY, ChildRun, run_child

ROOT = Path(__file__).resolve().parent.parent
LABELS = ROOT.parent / "shared" / "labels" / "tac2017-train"
OUT = ROOT / "bench" / "out" / "build"
ADDED = ROOT / "corpus" / "lenalidomide.txt"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.build", description=__doc__.splitlines()[0])
    parser.add_argument("--labels", type=Path, default=LABELS)
    parser.add_argument("--scale-docs", type=int, default=5000, metavar="N",
                        help="synthetic library for the add-one-file measurement (0: skip)")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    parser.add_argument("child", nargs="*", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        return _child(args.child)
    if not args.labels.is_dir():
        print(f"error: {args.labels} is missing; the benchmark reads ../shared beside the checkout", file=sys.stderr)
        return 2
    result = measure(args.labels, args.scale_docs)
    print(render(result))
    if args.json:
        args.json.write_text(json.dumps(result, indent=2, default=str) + "\n", encoding="utf-8")
    return 0


def measure(labels: Path, scale_docs: int) -> dict:
    if OUT.exists():
        shutil.rmtree(OUT)
    load_start = _load()
    corpus, index, onnx = OUT / "labels", OUT / "labels-index", OUT / "onnx"
    shutil.copytree(labels, corpus)
    texts = OUT / "sentences.json"
    sentences = label_sentences(corpus)
    texts.write_text(json.dumps(sentences), encoding="utf-8")
    say(f"{len(list(corpus.iterdir()))} label files, {len(sentences)} sentences")
    t0 = time.perf_counter()
    _checked(run_child([PY, "-m", "bench.build", "_export", str(onnx)]))
    export_s = time.perf_counter() - t0
    say("(a) baseline: sentence-transformers encodes the sentences, batch 64")
    baseline = _checked(run_child([PY, "-m", "bench.build", "_baseline", str(texts)]))
    say("(b) python -m ingest --force: the labels' index from scratch")
    shutil.copytree(onnx, index / "onnx")  # the export a first build makes once, already there
    full = _checked(run_child([PY, "-m", "ingest", str(corpus), "--index", str(index), "--quiet", "--force"]))
    manifest = json.loads((index / "manifest.json").read_text(encoding="utf-8"))
    say("(c) add one file, rows cached; then the same without the row cache")
    add_cached, add_uncached = add_one_file(corpus, index)
    result = {
        "load_average_start": load_start, "files": len(list(corpus.iterdir())), "sentences": len(sentences), "export_s": round(export_s, 1),
        "baseline": {**_run(baseline), **json.loads(baseline.stdout.splitlines()[-1])},
        "build": {**_run(full), "counts": manifest["counts"], "summary": full.stdout.strip().splitlines()[-1]},
        "add_one": {"cached": _run(add_cached), "uncached": _run(add_uncached),
                    "summary": add_cached.stdout.strip().splitlines()[-1]},
    }
    if scale_docs:
        say(f"(d) a synthetic library of {scale_docs} documents: full build (hash vectors), then add one file")
        result["scale"] = scale(scale_docs, onnx)
    result["load_average_end"] = _load()
    return result


def add_one_file(corpus: Path, index: Path) -> tuple[ChildRun, ChildRun]:
    """Incremental builds after adding ADDED: with the row cache, then without it."""
    shutil.copy(ADDED, corpus / ADDED.name)
    cached = _checked(run_child([PY, "-m", "ingest", str(corpus), "--index", str(index), "--quiet"]))
    (corpus / ADDED.name).unlink()
    _checked(run_child([PY, "-m", "ingest", str(corpus), "--index", str(index), "--quiet"]))
    shutil.rmtree(index / "rows")
    shutil.copy(ADDED, corpus / ADDED.name)
    uncached = _checked(run_child([PY, "-m", "ingest", str(corpus), "--index", str(index), "--quiet"]))
    (corpus / ADDED.name).unlink()
    return cached, uncached


def scale(docs: int, onnx: Path) -> dict:
    from .scale import write_library

    corpus, index = OUT / f"scale-{docs}", OUT / f"scale-{docs}-index"
    write_library(corpus, docs)
    full = _checked(run_child([PY, "-m", "bench.build", "_random_build", str(corpus), str(index)]))
    shutil.copytree(onnx, index / "onnx")
    cached, uncached = add_one_file(corpus, index)
    counts = json.loads((index / "manifest.json").read_text(encoding="utf-8"))["counts"]
    return {"docs": docs, "counts": counts, "full_random": _run(full), "add_one": {
        "cached": _run(cached), "uncached": _run(uncached), "summary": cached.stdout.strip().splitlines()[-1]}}


def label_sentences(corpus: Path) -> list[str]:
    """The sentences rxcite indexes, as the baseline gets them (every occurrence)."""
    from ingest.chunking import chunk_document
    from ingest.documents import discover, load_source

    out = []
    for source in discover((corpus,)):
        for doc in load_source(source):
            out += [s.text for s in chunk_document(doc, 4, 1)[0]]
    return out


def _child(argv: list[str]) -> int:
    kind, *rest = argv
    if kind == "_baseline":
        from .baseline import load_model

        texts = json.loads(Path(rest[0]).read_text(encoding="utf-8"))
        model = load_model()
        t0 = time.perf_counter()
        model.encode(texts, batch_size=64, normalize_embeddings=True, convert_to_numpy=True)
        print(json.dumps({"encode_s": round(time.perf_counter() - t0, 2), "texts": len(texts)}))
    elif kind == "_export":
        from ingest.config import product_model_path
        from ingest.embedding import exported_model

        exported_model(product_model_path(), Path(rest[0]), quantized=False)
    elif kind == "_random_build":
        from ingest import IngestConfig, build_index

        from .scale import RandomEncoder

        report = build_index(IngestConfig(corpus_paths=(Path(rest[0]),), index_dir=Path(rest[1])), force=True,
                             progress=False, encoder=RandomEncoder())
        print(report.summary())
    else:
        raise SystemExit(f"unknown child task {kind!r}")
    return 0


def _checked(run: ChildRun) -> ChildRun:
    if run.returncode:
        raise RuntimeError(f"a benchmark child exited with {run.returncode}")
    return run


def _run(run: ChildRun) -> dict:
    return {"wall_s": round(run.wall_s, 1), "cpu_s": round(run.cpu_s, 1), "peak_rss_mb": round(run.max_rss_mb)}


def _load() -> list[float]:
    import os

    return [round(x, 1) for x in os.getloadavg()]


def rows(r: dict) -> list[tuple[str, str, str, str, str]]:
    """(measure, rxcite, baseline, ratio, note) rows for RESULTS.md and the README."""
    base, build = r["baseline"], r["build"]
    c = build["counts"]
    texts = c["sentences"] + c["chunks"] + c["sections"]
    out = [
        ("wall time", f"{build['wall_s']:.0f} s", f"{base['wall_s']:.0f} s (encoding alone {base['encode_s']:.0f} s)",
         f"{build['wall_s'] / base['encode_s']:.2f}", "ratio to the baseline's encoding alone"),
        ("CPU time", f"{build['cpu_s']:.0f} s", f"{base['cpu_s']:.0f} s", f"{build['cpu_s'] / base['cpu_s']:.2f}", ""),
        ("texts/s (wall)", f"{texts / build['wall_s']:.0f}", f"{base['texts'] / base['encode_s']:.0f}",
         f"{texts / build['wall_s'] / (base['texts'] / base['encode_s']):.2f}",
         f"rxcite: {c['sentences']} sentences + {c['chunks']} chunks + {c['sections']} headings; "
         f"baseline: {base['texts']} sentences"),
        ("peak RSS", f"{build['peak_rss_mb']} MB", f"{base['peak_rss_mb']} MB",
         f"{build['peak_rss_mb'] / base['peak_rss_mb']:.2f}", ""),
    ]
    add = r["add_one"]
    out.append(("add one file to the 101-label index", f"{add['cached']['wall_s']:.1f} s",
                f"full build {build['wall_s']:.0f} s", f"{add['cached']['wall_s'] / build['wall_s']:.2f}",
                f"without the row cache {add['uncached']['wall_s']:.1f} s"))
    if "scale" in r:
        s = r["scale"]
        out.append((f"add one file to {s['docs']:,} documents ({s['counts']['chunks']:,} chunks)",
                    f"{s['add_one']['cached']['wall_s']:.1f} s",
                    f"without the row cache {s['add_one']['uncached']['wall_s']:.1f} s",
                    f"{s['add_one']['cached']['wall_s'] / s['add_one']['uncached']['wall_s']:.2f}",
                    f"full build without the model {s['full_random']['wall_s']:.0f} s; peak RSS "
                    f"{s['add_one']['cached']['peak_rss_mb']} MB cached, {s['add_one']['uncached']['peak_rss_mb']} MB not"))
    return out


def render(r: dict) -> str:
    lines = [f"Build of the TAC 2017 label library ({r['files']} files, {r['sentences']:,} sentences); load average "
             f"{r['load_average_start']} at start, {r['load_average_end']} at end; one-off ONNX export "
             f"{r['export_s']} s (not in the build time).", "",
             "| measure | rxcite build | naive baseline | ratio | |", "| --- | ---: | ---: | ---: | --- |"]
    lines += [f"| {' | '.join(row)} |" for row in rows(r)]
    lines += ["", f"rxcite: `{r['build']['summary']}`; adding one file: `{r['add_one']['summary']}`"]
    return "\n".join(lines)


def say(message: str) -> None:
    print(f"bench.build: {message}", file=sys.stderr, flush=True)


if __name__ == "__main__":
    sys.exit(main())
