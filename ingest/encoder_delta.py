"""The tuned encoder: bundled all-MiniLM-L6-v2 plus a small low-rank weight delta.

`bench/finetune.py` fine-tunes MiniLM on public (question, answer sentence) pairs with a
low-rank adapter (LoRA: each linear layer of the transformer gains W + B @ A, rank r) and
writes only A and B, ~0.7 MB of float16 (`ingest/data/encoder_delta.npz`), not a second
90 MB model. Here the delta is merged into the bundled weights once, into a model folder
in a cache directory that both backends (torch, ONNX) load like the bundled one.
Pure merge in `merged_weights`; file I/O in `tuned_model_path`.
"""

from __future__ import annotations

import functools
import hashlib
import json
import shutil
import tempfile
import zipfile
from pathlib import Path

import numpy as np

DELTA_PATH = Path(__file__).parent / "data" / "encoder_delta.npz"
# the transformer's linear layers that carry an adapter, per encoder layer
ADAPTED = ("attention.self.query", "attention.self.key", "attention.self.value",
           "attention.output.dense", "intermediate.dense", "output.dense")
_A, _B = ".lora_a", ".lora_b"


def adapted_names(layers: int) -> list[str]:
    """Weight-name prefixes of every adapted linear layer: encoder.layer.0.attention.self.query ..."""
    return [f"encoder.layer.{i}.{name}" for i in range(layers) for name in ADAPTED]


def merged_weights(base: dict[str, np.ndarray], delta: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """base weights with W += B @ A for every adapted layer of delta (B already scaled)."""
    out = dict(base)
    for key in delta:
        if not key.endswith(_A):
            continue
        name = key[: -len(_A)]
        weight = f"{name}.weight"
        if weight not in base or f"{name}{_B}" not in delta:
            raise ValueError(f"encoder delta names {name!r}, which the bundled model does not have")
        a = delta[key].astype(np.float32)
        b = delta[f"{name}{_B}"].astype(np.float32)
        if (b.shape[0], a.shape[1]) != base[weight].shape:
            raise ValueError(f"encoder delta for {name} is {b.shape[0]}x{a.shape[1]}, "
                             f"the weight is {base[weight].shape[0]}x{base[weight].shape[1]}")
        out[weight] = (base[weight].astype(np.float32) + b @ a).astype(base[weight].dtype)
    return out


def delta_digest(delta_path: Path) -> str:
    """SHA-256 of the delta file (every index fingerprint names it: read once while unchanged)."""
    stat = delta_path.stat()
    return _digest(str(delta_path.resolve()), stat.st_size, stat.st_mtime_ns)


@functools.lru_cache(maxsize=16)
def _digest(path: str, size: int, mtime_ns: int) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def tuned_model_path(base_path: str, cache_dir: Path, delta_path: Path = DELTA_PATH) -> str:
    """A model folder holding base_path's files with the delta merged into its weights:
    cache_dir/tuned-<delta sha256[:16]>/, written on first use (atomically: a folder of
    this process's, renamed into place; nothing left behind on failure), reused after."""
    from safetensors.numpy import load_file, save_file

    target = Path(cache_dir) / f"tuned-{delta_digest(delta_path)[:16]}"
    if (target / "model.safetensors").exists():
        return str(target)
    base = Path(base_path)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    try:
        shutil.copytree(base, tmp, dirs_exist_ok=True,
                        ignore=shutil.ignore_patterns("*.safetensors", "*.bin", "*.onnx", "README.md"))
        weights = load_file(str(base / "model.safetensors"))
        try:
            with np.load(delta_path) as delta:
                merged = merged_weights(weights, dict(delta))
        except (OSError, ValueError, zipfile.BadZipFile) as err:
            raise ValueError(f"encoder delta {delta_path} is unreadable or does not fit {base}: {err}") from err
        save_file(merged, str(tmp / "model.safetensors"))
        (tmp / "rxcite_delta.json").write_text(json.dumps({"base": str(base), "delta": str(delta_path)}),
                                               encoding="utf-8")
        try:
            tmp.rename(target)
        except OSError:  # another process merged it first
            if not (target / "model.safetensors").exists():
                raise
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return str(target)
