"""Child-process measurements: cold `qa ask`, the web page, ingest throughput and memory.

Each child's peak memory is its own ru_maxrss, read with os.wait4 (RUSAGE_CHILDREN
would give the largest child of the whole run instead).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
ENV = {**os.environ, "HF_HUB_OFFLINE": "1", "GRADIO_ANALYTICS_ENABLED": "False", "TOKENIZERS_PARALLELISM": "false"}


@dataclass(frozen=True, slots=True)
class ChildRun:
    wall_s: float
    cpu_s: float
    max_rss_mb: float
    returncode: int
    stdout: str


def run_child(args: list[str]) -> ChildRun:
    t0 = time.perf_counter()
    proc = subprocess.Popen(args, cwd=ROOT, env=ENV, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    out = proc.stdout.read()  # the children print little; reading to EOF cannot deadlock
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    return ChildRun(time.perf_counter() - t0, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, proc.returncode, out)


def median_run(args: list[str], repeat: int) -> ChildRun:
    runs = sorted((run_child(args) for _ in range(repeat)), key=lambda r: r.wall_s)
    bad = [r for r in runs if r.returncode != 0]
    if bad:
        raise RuntimeError(f"{' '.join(args)} exited with {bad[0].returncode}")
    return runs[len(runs) // 2]


def cold_ask(index: Path, question: str, encoders, repeat: int = 3) -> dict[str, ChildRun]:
    """`python -m qa ask` per encoder, and the baseline's one-shot ask, end to end."""
    commands = {"baseline": [PY, "-m", "bench.baseline", "ask", "--index", str(index), question]}
    for name in encoders:
        commands[name] = [PY, "-m", "qa", "ask", "--index", str(index), "--encoder", name, "--json", question]
    for args in commands.values():
        run_child(args)  # once untimed: files into the page cache, ONNX export if missing
    return {name: median_run(args, repeat) for name, args in commands.items()}


def cold_app(index: Path, corpus: Path, question: str, encoders, repeat: int = 2) -> dict[str, float | None]:
    """Seconds from starting the web app until its `ask` API returns an answer."""
    port = _free_port()
    commands = {"baseline": [PY, "-m", "bench.baseline", "app", "--index", str(index), "--port", str(port)]}
    for name in encoders:
        commands[name] = [PY, "app.py", "--index", str(index), "--corpus", str(corpus), "--port", str(port),
                          "--encoder", name, "--feedback-db", str(index.parent / "bench-feedback.db")]
    result = {}
    for name, args in commands.items():
        times = sorted(t for t in (_time_to_answer(args, port, question) for _ in range(repeat)) if t is not None)
        result[name] = times[len(times) // 2] if times else None
    return result


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _time_to_answer(args: list[str], port: int, question: str, timeout: float = 120) -> float | None:
    t0 = time.perf_counter()
    proc = subprocess.Popen(args, cwd=ROOT, env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        while time.perf_counter() - t0 < timeout and proc.poll() is None:
            if _answers(f"http://127.0.0.1:{port}", question):
                return time.perf_counter() - t0
            time.sleep(0.05)
        return None
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _answers(url: str, question: str) -> bool:
    """The page is served and the Gradio `ask` endpoint returns a completed result."""
    try:
        with urllib.request.urlopen(url + "/", timeout=2) as page:
            if page.status != 200:
                return False
        body = json.dumps({"data": [question, None, None]}).encode()  # history, doc_ids: every input
        call = urllib.request.Request(url + "/gradio_api/call/ask", body, {"Content-Type": "application/json"})
        with urllib.request.urlopen(call, timeout=10) as resp:
            event = json.load(resp)["event_id"]
        with urllib.request.urlopen(f"{url}/gradio_api/call/ask/{event}", timeout=30) as resp:
            return "event: complete" in resp.read().decode()
    except (OSError, urllib.error.URLError, ValueError, KeyError):
        return False


def ingest(corpus: Path, index: Path, baseline_out: Path) -> dict[str, ChildRun | int]:
    """A full build into an empty folder (no vectors to reuse), then the baseline's
    embedding of the same chunk texts into a flat index."""
    from ingest.store import remove_index

    remove_index(index)
    product = run_child([PY, "-m", "ingest", str(corpus), "--index", str(index), "--quiet"])
    if product.returncode != 0:
        raise RuntimeError(f"python -m ingest {corpus} exited with {product.returncode}")
    chunks = json.loads((index / "manifest.json").read_text(encoding="utf-8"))["counts"]["chunks"]
    baseline = run_child([PY, "-m", "bench.baseline", "ingest", "--index", str(index), "--out", str(baseline_out)])
    if baseline.returncode != 0:
        raise RuntimeError(f"bench.baseline ingest exited with {baseline.returncode}")
    return {"product": product, "baseline": baseline, "chunks": chunks}
