"""The sentence encoder: bundled all-MiniLM-L6-v2, normalized embeddings, no downloads.

Two backends with one interface (`.dim`, `.encode(texts) -> float32 unit vectors`):
- `Encoder`: sentence-transformers on torch (what the index is built with);
- `OnnxEncoder`: the same network exported locally to ONNX (fp32, or int8 weights),
  run by ONNX Runtime. A short question takes ~5 ms instead of ~18 ms on one core, and
  the query path then imports neither torch nor transformers.
`load_encoder` picks one by name.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import warnings
from collections.abc import Sequence
from pathlib import Path

import numpy as np

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

BACKENDS = ("torch", "onnx", "onnx-int8")


def _quiet_transformers() -> None:
    """No "Loading weights" progress bar on every start (the weights are local)."""
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()
ONNX_OPSET = 17
# CPU ms a text at one thread, 101 TAC labels (sentences ~26 tokens, chunks ~100):
# sentences 6.0 in batches of 8-16 vs 6.8 of 64; chunks 26.6 in batches of 8 vs 34.3 of 64.
# Bigger batches only add padding and cache misses, so a batch holds ~1,000 tokens.
BUILD_BATCH_TOKENS = 1024
_INPUTS = ("input_ids", "attention_mask", "token_type_ids")


class Encoder:
    """Wraps SentenceTransformer on the CPU; vectors are float32 with unit length."""

    def __init__(self, model_path: str, threads: int | None = None) -> None:
        import torch
        from sentence_transformers import SentenceTransformer

        if threads:
            torch.set_num_threads(threads)
        self.model_path = model_path
        _quiet_transformers()
        self._model = SentenceTransformer(model_path, device="cpu")
        self.dim = int(self._model.get_embedding_dimension())

    def encode(self, texts: Sequence[str], batch_size: int = 64, progress: bool = False) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        vectors = self._model.encode(
            list(texts), batch_size=batch_size, normalize_embeddings=True,
            convert_to_numpy=True, show_progress_bar=progress,
        )
        return np.ascontiguousarray(vectors, dtype=np.float32)


class OnnxEncoder:
    """The exported model under ONNX Runtime; same tokens, pooling and norm as `Encoder`.

    The graph ends with sentence-transformers' mean pooling (padding masked out,
    count clamped at 1e-9) and L2 normalization, so it outputs the final vectors.
    """

    def __init__(self, model_path: str, cache_dir: Path, quantized: bool = False, threads: int = 1,
                 batch_tokens: int | None = None) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        if threads < 1:
            raise ValueError(f"threads ({threads}) must be at least 1")
        self.model_path, self.batch_tokens = model_path, batch_tokens
        self.onnx_path = exported_model(model_path, Path(cache_dir), quantized)
        max_length = _max_seq_length(model_path)
        self._tokenizer = Tokenizer.from_file(str(Path(model_path) / "tokenizer.json"))
        self._tokenizer.enable_truncation(max_length)
        self._tokenizer.no_padding()
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        if threads > 1:
            # Idle pool threads would otherwise spin for work, taking the core a
            # neighbouring process (or the web server) needs.
            options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        options.inter_op_num_threads = 1
        options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        self._session = ort.InferenceSession(str(self.onnx_path), options, providers=["CPUExecutionProvider"])
        self.dim = int(self._session.get_outputs()[0].shape[-1])

    def encode(self, texts: Sequence[str], batch_size: int = 64, progress: bool = False) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        if not texts:
            return out
        encodings = self._tokenizer.encode_batch(list(texts))
        for rows in _length_runs([len(e.ids) for e in encodings], batch_size, self.batch_tokens):
            out[rows] = self._session.run(None, _feed([encodings[r] for r in rows]))[0]
        return out


def build_encoder(model_path: str, cache_dir: Path) -> OnnxEncoder:
    """What index builds embed with: ONNX fp32 on every core this process may use, in
    batches of at most BUILD_BATCH_TOKENS padded tokens. Its vectors are within 1e-6
    cosine of `Encoder`'s (max over the 15,061 sentences of the 101 TAC labels: 7e-7),
    so an index built with either backend reuses the other's vectors."""
    return OnnxEncoder(model_path, cache_dir, threads=len(os.sched_getaffinity(0)), batch_tokens=BUILD_BATCH_TOKENS)


def load_encoder(model_path: str, backend: str = "torch", threads: int = 1, cache_dir: Path | None = None):
    """An encoder by backend name; the onnx backends keep their exported models in cache_dir."""
    if backend not in BACKENDS:
        raise ValueError(f"encoder backend {backend!r} is not one of {', '.join(BACKENDS)}")
    if backend == "torch":
        return Encoder(model_path, threads=threads)
    if cache_dir is None:
        raise ValueError(f"encoder backend {backend!r} needs cache_dir, the folder for exported models")
    return OnnxEncoder(model_path, Path(cache_dir), quantized=backend == "onnx-int8", threads=threads)


def exported_model(model_path: str, cache_dir: Path, quantized: bool) -> Path:
    """cache_dir/<weights sha256[:16]>/model-{fp32,int8}.onnx, exported on first use."""
    folder = cache_dir / weights_digest(model_path, cache_dir / "weights-digest.json")[:16]
    fp32 = folder / "model-fp32.onnx"
    if not fp32.exists():
        _atomic_write(fp32, lambda tmp: _export_fp32(model_path, tmp))
    if not quantized:
        return fp32
    int8 = folder / "model-int8.onnx"
    if not int8.exists():
        _atomic_write(int8, lambda tmp: _quantize_int8(fp32, tmp))
    return int8


def weights_digest(model_path: str, memo: Path) -> str:
    """SHA-256 of the weight files. Hashing 90 MB takes ~0.3 s of a cold start, so the
    digest is remembered in memo with the files' sizes and mtimes and reused while
    those are unchanged."""
    files = sorted(p for p in Path(model_path).iterdir() if p.suffix in (".safetensors", ".bin"))
    if not files:
        raise FileNotFoundError(f"no model weights (*.safetensors, *.bin) in {model_path}")
    stamp = [[str(p.resolve()), p.stat().st_size, p.stat().st_mtime_ns] for p in files]
    try:
        known = json.loads(memo.read_text(encoding="utf-8"))
        if known.get("stamp") == stamp:
            return known["sha256"]
    except (OSError, ValueError, KeyError):
        pass
    digest = hashlib.sha256()
    for p in files:
        with p.open("rb") as fh:
            while block := fh.read(1 << 20):
                digest.update(block)
    try:
        _atomic_write(memo, lambda tmp: tmp.write_text(
            json.dumps({"stamp": stamp, "sha256": digest.hexdigest()}), encoding="utf-8"))
    except OSError:
        pass  # a read-only cache only costs the re-hash
    return digest.hexdigest()


def _length_runs(lengths: list[int], batch_size: int, batch_tokens: int | None = None) -> list[np.ndarray]:
    """Row groups to run together: longest first, each at most batch_size rows (and at
    most batch_tokens padded tokens), and a new group once a row is shorter than 80% of
    its group's first (longest) row.

    Every row is padded to its group's longest, and on a CPU a batch saves little per
    row (3.2 ms vs 2.9 ms a question alone), so padding is what costs: 30 dev
    questions of 8-40 tokens (query expansion makes a few long) took 7.1 ms each in
    one batch, 3.3 ms each alone.
    """
    order = np.argsort([-n for n in lengths], kind="stable")
    runs, start = [], 0
    for i in range(1, len(order) + 1):
        longest = lengths[order[start]]
        if i == len(order) or i - start == batch_size or lengths[order[i]] < 0.8 * longest \
                or (batch_tokens and (i - start + 1) * longest > batch_tokens):
            runs.append(order[start:i])
            start = i
    return runs


def _feed(encodings) -> dict[str, np.ndarray]:
    width = max(len(e.ids) for e in encodings)
    feed = {name: np.zeros((len(encodings), width), dtype=np.int64) for name in _INPUTS}
    for i, e in enumerate(encodings):
        n = len(e.ids)
        feed["input_ids"][i, :n] = e.ids  # pad id is 0 in this vocabulary; masked out anyway
        feed["attention_mask"][i, :n] = 1
        feed["token_type_ids"][i, :n] = e.type_ids
    return feed


def _max_seq_length(model_path: str) -> int:
    config = Path(model_path) / "sentence_bert_config.json"
    if config.exists():
        return int(json.loads(config.read_text(encoding="utf-8"))["max_seq_length"])
    return 256


def _atomic_write(target: Path, write) -> None:
    """write(tmp_path) into a temporary sibling, then rename it onto target."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    try:
        write(Path(tmp))
        os.chmod(tmp, 0o644)  # mkstemp's 0600 would hide the cache from other users
        os.replace(tmp, target)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def _export_fp32(model_path: str, target: Path) -> None:
    import torch
    from transformers import AutoModel

    # Eager attention traces to plain MatMul/Softmax that any batch and length can run.
    _quiet_transformers()
    model = AutoModel.from_pretrained(model_path, attn_implementation="eager").eval()

    class SentenceEmbedding(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.transformer = model

        def forward(self, input_ids, attention_mask, token_type_ids):
            tokens = self.transformer(input_ids=input_ids, attention_mask=attention_mask,
                                      token_type_ids=token_type_ids).last_hidden_state
            mask = attention_mask.unsqueeze(-1).to(tokens.dtype)
            mean = (tokens * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
            return torch.nn.functional.normalize(mean, p=2, dim=1)

    example = torch.ones((2, 8), dtype=torch.long)
    axes = {name: {0: "batch", 1: "tokens"} for name in _INPUTS}
    # The tracer warns about shape-dependent branches in transformers' masking code and
    # about opset-17 indexing; the export is checked against torch in tests/test_encoder.py.
    with torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(SentenceEmbedding(), (example, example, torch.zeros_like(example)), str(target),
                          input_names=list(_INPUTS), output_names=["sentence_embedding"],
                          dynamic_axes={**axes, "sentence_embedding": {0: "batch"}},
                          opset_version=ONNX_OPSET, dynamo=False)


def _quantize_int8(fp32: Path, target: Path) -> None:
    from onnxruntime.quantization import QuantType, quantize_dynamic

    # Int8 weights, one scale per output channel, for the MatMuls with a constant
    # weight matrix; the attention products of two activations stay in float.
    # On 250 dev/benchmark questions and monograph lines, cosine with torch is 0.994 on
    # average (min 0.989); one scale per tensor gave 0.960 (min 0.869).
    quantize_dynamic(str(fp32), str(target), weight_type=QuantType.QInt8, per_channel=True,
                     extra_options={"MatMulConstBOnly": True})
