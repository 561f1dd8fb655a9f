"""Warm measurements, everything loaded: latency, throughput, retrieval agreement.

Latency is wall time; CPU time of the calling thread is recorded beside it because
on a loaded machine wall time also counts the wait for a core.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

ENCODERS = ("torch", "onnx", "onnx-int8")


@dataclass(frozen=True, slots=True)
class Question:
    text: str
    sources: tuple[str, ...]  # doc#section keys that answer it; empty when unanswerable


def read_questions(path: Path) -> list[Question]:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [Question(r["question"], tuple(r.get("sources") or ())) for r in rows]


def load_systems(index_dir: Path, encoders=ENCODERS) -> dict:
    """name -> object with ask / ask_many: the baseline and one pipeline per encoder backend."""
    from qa import QAConfig, load_pipeline

    from .baseline import NaiveBaseline

    systems = {"baseline": NaiveBaseline(index_dir)}
    for name in encoders:
        systems[name] = load_pipeline(QAConfig(index_dir=index_dir, encoder=name))
    return systems


def latency(index_dir: Path, questions_file: Path, systems=("baseline", *ENCODERS), passes: int = 2,
            rounds: int = 2) -> dict[str, dict]:
    """Warm single-question latency per system: p50/p95 wall ms and p50 CPU ms.

    Each system runs in a process of its own, as in a served app: in one process with
    torch loaded beside it, the ONNX pipeline took 6.5 ms instead of 5.0 ms (CPU
    caches shared with the other models). Passes alternate the systems so that a
    neighbour's load on a shared machine falls on all of them alike.
    """
    wall = {name: [] for name in systems}
    cpu = {name: [] for name in systems}
    for _ in range(passes):
        for name in systems:
            out = subprocess.run([sys.executable, "-m", "bench.warm", str(index_dir), str(questions_file), name,
                                  str(rounds)], capture_output=True, text=True, check=True).stdout
            times = json.loads(out.splitlines()[-1])
            wall[name] += times["wall"]
            cpu[name] += times["cpu"]
    return {name: {"p50_ms": float(np.percentile(wall[name], 50)), "p95_ms": float(np.percentile(wall[name], 95)),
                   "cpu_p50_ms": float(np.percentile(cpu[name], 50)), "n": len(wall[name])} for name in systems}


def _time_asks(index_dir: Path, questions_file: Path, system: str, rounds: int) -> dict[str, list[float]]:
    """In the child: load one system, ask every question once to warm up, then time rounds."""
    if system == "baseline":
        from .baseline import NaiveBaseline

        target = NaiveBaseline(index_dir)
    else:
        from qa import QAConfig, load_pipeline

        target = load_pipeline(QAConfig(index_dir=index_dir, encoder=system))
    questions = [q.text for q in read_questions(questions_file)]
    for q in questions:
        target.ask(q)
    wall, cpu = [], []
    for _ in range(rounds):
        for q in questions:
            c0, t0 = time.thread_time(), time.perf_counter()
            target.ask(q)
            wall.append((time.perf_counter() - t0) * 1000)
            cpu.append((time.thread_time() - c0) * 1000)
    return {"wall": wall, "cpu": cpu}


def throughput(systems: dict, questions: list[str], repeat: int = 1) -> tuple[dict[str, dict], dict[str, list]]:
    """Questions per wall second and per CPU second (all threads of this process) of
    ask_many over the list (repeated), and each system's answers. A pipeline's library word
    vectors are built first, as `qa eval` and the web app do at start; "start_qps" counts
    that build in."""
    batch = questions * repeat
    rates, answers = {}, {}
    for name, system in systems.items():
        system.ask_many(questions[:8])  # warm
        t0 = time.perf_counter()
        vocabulary = getattr(system, "label_vocabulary", None)
        if vocabulary is not None:
            vocabulary.warm()
        start_s = time.perf_counter() - t0
        c0, t0 = time.process_time(), time.perf_counter()
        out = system.ask_many(batch)
        wall = time.perf_counter() - t0
        rates[name] = {"qps": len(batch) / wall, "cpu_qps": len(batch) / max(time.process_time() - c0, 1e-9),
                       "start_qps": len(batch) / (wall + start_s), "word_vectors_s": start_s}
        answers[name] = out[: len(questions)]
    return rates, answers


def top_sections(answer, k: int = 10) -> list[str]:
    if hasattr(answer, "sections"):
        return [s.key for s in answer.sections[:k]]
    return [f"{answer.doc_id}#{answer.section}"]  # the baseline's one chunk


def retrieval_quality(questions: list[Question], answers: dict[str, list], reference: str = "torch") -> dict:
    """Per system: hit@1 and MRR@10 of the ranked doc#section keys against the sources
    (answerable questions only), and agreement with the reference system's rankings."""
    answerable = [i for i, q in enumerate(questions) if q.sources]
    result = {}
    for name, out in answers.items():
        ranks = []
        for i in answerable:
            keys = top_sections(out[i])
            ranks.append(next((r for r, key in enumerate(keys, 1) if key in questions[i].sources), None))
        row = {"hit@1": sum(r == 1 for r in ranks) / max(len(ranks), 1),
               "mrr@10": sum(1 / r for r in ranks if r) / max(len(ranks), 1)}
        if name != "baseline" and reference in answers:
            ref = answers[reference]
            row["same_top1"] = np.mean([top_sections(a, 1) == top_sections(b, 1) for a, b in zip(out, ref, strict=True)])
            row["same_top10"] = np.mean([top_sections(a) == top_sections(b) for a, b in zip(out, ref, strict=True)])
            row["same_abstain"] = np.mean([a.abstained == b.abstained for a, b in zip(out, ref, strict=True)])
            row["same_citations"] = np.mean([_cited(a) == _cited(b) for a, b in zip(out, ref, strict=True)])
        result[name] = row
    return result


def _cited(answer) -> list[tuple[str, int, int]]:
    return [(c.doc_id, c.start, c.end) for c in answer.citations]


def encoder_rates(model_path: str, cache_dir: Path, questions: list[str]) -> dict[str, dict]:
    """Encoder alone: one-question p50 on 1 thread, and batch rate on 1 and 2 threads."""
    import torch

    from ingest.embedding import load_encoder

    result = {}
    for backend in ENCODERS:
        row = {}
        for threads in (1, 2):
            enc = load_encoder(model_path, backend, threads=threads, cache_dir=cache_dir)
            enc.encode(questions[:64])
            if threads == 1:
                times = []
                for q in questions[:100]:
                    t0 = time.perf_counter()
                    enc.encode([q])
                    times.append((time.perf_counter() - t0) * 1000)
                row["one_p50_ms"] = float(np.percentile(times, 50))
            t0 = time.perf_counter()
            enc.encode(questions, batch_size=64)
            row[f"batch_qps_{threads}t"] = len(questions) / (time.perf_counter() - t0)
        result[backend] = row
    torch.set_num_threads(1)  # load_encoder("torch", threads=2) set it for the whole process
    return result


if __name__ == "__main__":  # python -m bench.warm INDEX QUESTIONS SYSTEM ROUNDS (used by latency)
    print(json.dumps(_time_asks(Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3], int(sys.argv[4]))))
