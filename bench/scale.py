"""Scale benchmark: a synthetic library of N monographs, built and queried in child processes.

    python -m bench.scale [--docs N] [--encoder minilm|random] [--hnsw] [--keep DIR]

Each document is a Markdown monograph for a generated drug name (an INN stem, so drug
names are detected): 3-5 sections under real monograph headings, each of 2-5 sentences
spliced from two real sentences of ../shared/benchmarks/medquad-cancergov/corpus and
corpus/lenalidomide.txt. Splicing keeps sentence length and vocabulary realistic and
makes almost every sentence unique, so the vector cache cannot flatter the build.
About 5 chunks and 14 sentences per document: 20,000 documents ~ 100,000 chunks.

Latencies are reported as wall time and as CPU time of the process: on a shared
machine the wall time includes waiting for a core, CPU time does not.

Reports build time, index size on disk, peak memory (ru_maxrss of each child process),
and `pipeline.ask` latency p50/p95 against the one-monograph index (corpus/), plus
exact FAISS search latency at 100k/200k/500k vectors. `--encoder random` replaces
MiniLM *in the build only* by hash-seeded unit vectors: everything but the model at
full size (streaming, BM25, FAISS, store, query latency). `--hnsw` measures HNSW
against flat search on this index's real sentence vectors (recall needs real vectors).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
SOURCES = (SHARED / "benchmarks" / "medquad-cancergov" / "corpus", ROOT / "corpus" / "lenalidomide.txt")
DEV_SET = SHARED / "eval" / "lenalidomide-dev.jsonl"
HEADINGS = ("Indications and Usage", "Dosage and Administration", "Contraindications", "Warnings and Precautions",
            "Adverse Reactions", "Drug Interactions", "Use in Pregnancy", "Mechanism of Action",
            "Overdosage", "Storage and Handling", "Patient Counseling", "Clinical Studies")
STEMS = ("tinib", "ciclib", "zomib", "domide", "lisib", "rafenib", "parib", "xaban", "gliptin", "sartan")
SYLLABLES = ("ba", "ce", "do", "fi", "ga", "la", "mi", "no", "pe", "ra", "so", "ta", "vo", "xe", "zu", "cor", "len")


def sentence_pool() -> list[str]:
    from ingest.sentences import split_sentences

    files = [p for src in SOURCES for p in ([src] if src.is_file() else sorted(src.glob("*.md")))]
    pool = set()
    for path in files:
        text = path.read_text(encoding="utf-8")
        for s, e in split_sentences(text):
            words = text[s:e].split()
            if 6 <= len(words) <= 40 and text[s:e].endswith("."):
                pool.add(text[s:e])
    return sorted(pool)


def drug_names(n: int, rng: random.Random) -> list[str]:
    names: set[str] = set()
    while len(names) < n:
        names.add("".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3))) + rng.choice(STEMS))
    return sorted(names)


def write_library(target: Path, n_docs: int, seed: int = 0) -> list[str]:
    """n_docs monographs under target/NN/ (1,000 per folder); returns the drug names."""
    rng = random.Random(seed)
    pool = sentence_pool()
    names = drug_names(n_docs, rng)
    for i, name in enumerate(names):
        folder = target / f"{i // 1000:02d}"
        folder.mkdir(parents=True, exist_ok=True)
        parts = [f"# {name.capitalize()} monograph\n"]
        # 3-5 sections of 2-5 sentences: chunks of 4 sentences, overlap 1, give 1 chunk
        # per section (2 when it has 5 sentences), so ~5 chunks and ~14 sentences per document.
        for heading in rng.sample(HEADINGS, rng.randint(3, 5)):
            parts.append(f"\n## {heading}\n\n")
            parts.append(" ".join(_spliced(rng, pool, name) for _ in range(rng.randint(2, 5))) + "\n")
        (folder / f"{name}.md").write_text("".join(parts), encoding="utf-8")
    return names


def _spliced(rng: random.Random, pool: list[str], drug: str) -> str:
    a, b = rng.choice(pool).split(), rng.choice(pool).split()
    words = a[: rng.randint(3, max(3, len(a) - 2))] + b[rng.randint(1, len(b) - 2):]
    if rng.random() < 0.3:
        words.insert(rng.randint(0, len(words) - 1), drug)
    text = re.sub(r"(?i)\b(lenalidomide|revlimid)\b", drug, " ".join(words))
    return text[0].upper() + text[1:]


def run_child(args: list[str]) -> tuple[float, int, str]:
    """(wall seconds, peak RSS in MB, stdout) of `python -m bench.scale ARGS` in a child."""
    started = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "bench.scale", *args], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    out = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode:
        raise SystemExit(f"child {' '.join(args)} failed with exit code {proc.returncode}")
    return time.perf_counter() - started, usage.ru_maxrss // 1024, out  # Linux: ru_maxrss in KB


class RandomEncoder:
    """Unit vectors seeded by each text's hash: the build's cost without the model's."""

    dim = 384

    def encode(self, texts, batch_size: int = 64, progress: bool = False) -> np.ndarray:
        import hashlib

        out = np.empty((len(texts), self.dim), dtype=np.float32)
        for i, t in enumerate(texts):
            seed = int.from_bytes(hashlib.sha1(t.encode()).digest()[:8], "little")
            out[i] = np.random.default_rng(seed).standard_normal(self.dim)
        return out / np.linalg.norm(out, axis=1, keepdims=True)


def child_build(corpus: Path, index: Path, encoder: str) -> None:
    from ingest import IngestConfig, build_index

    enc = RandomEncoder() if encoder == "random" else None
    report = build_index(IngestConfig(corpus_paths=(corpus,), index_dir=index), force=True,
                         progress=sys.stderr.isatty(), encoder=enc)
    print(json.dumps({"summary": report.summary(), "embedded": report.embedded, "chunks": report.chunks,
                      "documents": report.documents, "seconds": report.seconds}))


def child_query(index: Path, questions: list[str], hnsw: bool) -> None:
    from qa import QAConfig, load_pipeline

    t0 = time.perf_counter()
    pipeline = load_pipeline(QAConfig(index_dir=index))
    load_s = time.perf_counter() - t0
    load_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    pipeline.ask(questions[0])  # warm-up: first-call allocations, lazy imports
    times = _timed(pipeline.ask, [(q,) for q in questions])
    qvecs = pipeline.encoder.encode(questions)
    result = {"load_s": round(load_s, 2), "rss_after_load_mb": load_rss, "ask_ms": _percentiles(times),
              "faiss_ms": _percentiles(_search_times(pipeline.index.dense, qvecs, 100)),
              "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024,
              "chunks": len(pipeline.index.chunks), "sentences": len(pipeline.index.sentences)}
    if hnsw:
        result["hnsw"] = _hnsw_vs_flat(np.asarray(pipeline.index.sentence_vectors, np.float32), qvecs)
    print(json.dumps(result))


def _timed(fn, calls) -> tuple[list[float], list[float]]:
    """(wall ms, process CPU ms) per call."""
    wall, cpu = [], []
    for call in calls:
        w, c = time.perf_counter(), time.process_time()
        fn(*call)
        wall.append((time.perf_counter() - w) * 1000)
        cpu.append((time.process_time() - c) * 1000)
    return wall, cpu


def _percentiles(times: tuple[list[float], list[float]]) -> dict:
    wall, cpu = times
    return {"p50": round(float(np.percentile(wall, 50)), 2), "p95": round(float(np.percentile(wall, 95)), 2),
            "cpu_p50": round(float(np.percentile(cpu, 50)), 2), "cpu_p95": round(float(np.percentile(cpu, 95)), 2),
            "n": len(wall)}


def _search_times(index, qvecs: np.ndarray, k: int) -> tuple[list[float], list[float]]:
    return _timed(index.search, [(qvecs[i: i + 1], k) for i in range(len(qvecs))])


def _hnsw_vs_flat(vectors: np.ndarray, qvecs: np.ndarray, k: int = 100) -> dict:
    import faiss

    from ingest.build import HNSW_EF_CONSTRUCTION, HNSW_M
    from ingest.store import flat_index

    flat = flat_index(vectors)
    _, truth = flat.search(qvecs, k)
    t = time.perf_counter()
    hnsw = faiss.IndexHNSWFlat(vectors.shape[1], HNSW_M, faiss.METRIC_INNER_PRODUCT)
    hnsw.hnsw.efConstruction = HNSW_EF_CONSTRUCTION
    hnsw.add(vectors)
    out = {"vectors": len(vectors), "build_s": round(time.perf_counter() - t, 1),
           "flat_ms": _percentiles(_search_times(flat, qvecs, k))}
    for ef in (64, 128, 256):
        hnsw.hnsw.efSearch = ef
        _, got = hnsw.search(qvecs, k)
        recall = np.mean([len(set(a) & set(b)) / k for a, b in zip(got, truth, strict=True)])
        out[f"ef{ef}"] = {"ms": _percentiles(_search_times(hnsw, qvecs, k)), "recall@100": round(float(recall), 3)}
    return out


def flat_latency(sizes=(100_000, 200_000, 500_000), queries: int = 100) -> dict:
    """Exact search cost depends only on the number of vectors, not their values."""
    from ingest.store import flat_index

    rng = np.random.default_rng(0)
    out = {}
    for n in sizes:
        x = rng.standard_normal((n, 384), dtype=np.float32)
        x /= np.linalg.norm(x, axis=1, keepdims=True)
        out[n] = _percentiles(_search_times(flat_index(x), x[:queries], 100))
        del x
    return out


def questions_for(names: list[str], n: int) -> tuple[list[str], list[str]]:
    """The dev-set questions (one-monograph case) and the same with library drug names."""
    dev = [json.loads(line)["question"] for line in DEV_SET.read_text(encoding="utf-8").splitlines() if line.strip()]
    rng = random.Random(1)
    base = [dev[i % len(dev)] for i in range(n)]
    return base, [re.sub(r"(?i)\b(lenalidomide|revlimid)\b", rng.choice(names), q) for q in base]


def disk_mb(path: Path) -> float:
    return round(sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 2**20, 1)


def embedding_rate(corpus: Path, n_sentences: int = 1000, n_chunks: int = 250) -> dict:
    """MiniLM texts per second on this library's sentences and chunk-sized texts."""
    from ingest.config import product_model_path
    from ingest.embedding import Encoder
    from ingest.sentences import split_sentences

    texts = []
    for path in sorted(corpus.rglob("*.md"))[:200]:
        text = path.read_text(encoding="utf-8")
        texts += [text[s:e] for s, e in split_sentences(text)]
    encoder = Encoder(product_model_path())
    encoder.encode(texts[:64])
    rates = {}
    for kind, batch in (("sentences", texts[:n_sentences]),
                        ("chunks", [" ".join(texts[i: i + 4]) for i in range(0, 4 * n_chunks, 4)])):
        t = time.perf_counter()
        encoder.encode(batch)
        rates[kind] = round(len(batch) / (time.perf_counter() - t), 1)
    return rates


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.scale", description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=int, default=500, help="documents in the synthetic library (default 500: "
                        "~15 min with MiniLM on a shared 2-core machine; 20000 gives ~100k chunks: ~8 h with "
                        "MiniLM there, ~5 min with --encoder random)")
    parser.add_argument("--encoder", choices=("minilm", "random"), default="minilm")
    parser.add_argument("--questions", type=int, default=60)
    parser.add_argument("--hnsw", action="store_true",
                        help="HNSW vs flat on this index's sentence vectors (with --encoder minilm)")
    parser.add_argument("--keep", type=Path, help="work folder to keep (default: a temporary one, removed)")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    parser.add_argument("child", nargs="*", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        return _child(args.child)
    work = args.keep or Path(tempfile.mkdtemp(prefix="rxcite-scale-"))
    try:
        result = run(args, work)
    finally:
        if not args.keep:
            import shutil

            shutil.rmtree(work, ignore_errors=True)
    print(json.dumps(result, indent=2))
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return 0


def _child(argv: list[str]) -> int:
    kind, *rest = argv
    if kind == "_build":
        child_build(Path(rest[0]), Path(rest[1]), rest[2])
    elif kind == "_query":
        questions = json.loads(Path(rest[1]).read_text(encoding="utf-8"))
        child_query(Path(rest[0]), questions, hnsw=rest[2] == "hnsw")
    else:
        raise SystemExit(f"unknown child task {kind!r}")
    return 0


def run(args, work: Path) -> dict:
    corpus, one_index, index = work / "corpus", work / "one-index", work / "index"
    t = time.perf_counter()
    names = write_library(corpus, args.docs)
    result: dict = {"docs": args.docs, "encoder": args.encoder, "cpus": os.cpu_count(),
                    "load_average_before": [round(x, 1) for x in os.getloadavg()],
                    "generate_s": round(time.perf_counter() - t, 1), "corpus_mb": disk_mb(corpus)}
    _say(f"library: {args.docs} documents, {result['corpus_mb']} MB in {work}")
    seconds, rss, out = run_child(["_build", str(corpus), str(index), args.encoder])
    result["build"] = {"wall_s": round(seconds, 1), "peak_rss_mb": rss, **json.loads(out.splitlines()[-1])}
    result["index_mb"] = disk_mb(index)
    result["index_files_mb"] = {p.name: disk_mb(p) if p.is_dir() else round(p.stat().st_size / 2**20, 1)
                                for p in sorted(index.iterdir())}
    _say(f"build: {result['build']['summary']}; peak RSS {rss} MB; index {result['index_mb']} MB")
    _, one_rss, one_out = run_child(["_build", str(ROOT / "corpus"), str(one_index), "minilm"])
    base, named = questions_for(names, args.questions)
    (work / "one.json").write_text(json.dumps(base)), (work / "named.json").write_text(json.dumps(named))
    hnsw = "hnsw" if args.hnsw and args.encoder == "minilm" else "-"  # recall means nothing on random vectors
    _, q_rss, q_out = run_child(["_query", str(index), str(work / "named.json"), hnsw])
    _, q1_rss, q1_out = run_child(["_query", str(one_index), str(work / "one.json"), "-"])
    # peak_rss_mb is measured in the child before the optional HNSW experiment;
    # child_peak_rss_mb (wait4) includes it.
    result["query"] = {"library": {**json.loads(q_out.splitlines()[-1]), "child_peak_rss_mb": q_rss},
                       "one_monograph": {**json.loads(q1_out.splitlines()[-1]), "child_peak_rss_mb": q1_rss}}
    _say(f"ask p50/p95: library {result['query']['library']['ask_ms']}, one monograph "
         f"{result['query']['one_monograph']['ask_ms']}")
    result["flat_search_ms_k100"] = flat_latency()
    if args.encoder == "random":
        result["minilm_texts_per_s"] = embedding_rate(corpus)
    result["extrapolated_20k"] = extrapolate(result)
    result["load_average_after"] = [round(x, 1) for x in os.getloadavg()]
    return result


def extrapolate(result: dict) -> dict:
    """Linear in documents: every stage (embedding, BM25, store) is linear in texts."""
    factor = 20_000 / result["docs"]
    build = result["build"]
    out = {"factor": round(factor, 2), "index_mb": round(result["index_mb"] * factor),
           "chunks": round(build["chunks"] * factor)}
    if result["encoder"] == "minilm":
        out["build_min"] = round(build["wall_s"] * factor / 60, 1)
    else:
        rates = result["minilm_texts_per_s"]
        sentences = result["query"]["library"]["sentences"] * factor
        chunks = build["chunks"] * factor
        headings = max(0.0, build["embedded"] * factor - sentences - chunks)  # short, sentence-like
        embed_s = (sentences + headings) / rates["sentences"] + chunks / rates["chunks"]
        out["embedding_min"] = round(embed_s / 60, 1)
        out["build_min"] = round((build["wall_s"] * factor + embed_s) / 60, 1)
    return out


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


if __name__ == "__main__":
    sys.exit(main())
