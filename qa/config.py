"""Query-time settings, defaults in one place; the CLI and the web app override fields."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

RETRIEVAL_MODES = ("hybrid", "dense", "bm25")
MAX_QUESTION_CHARS = 2000


@dataclass(frozen=True, slots=True)
class QAConfig:
    index_dir: Path = Path("index")
    mode: str = "hybrid"  # hybrid | dense | bm25 (the last two are evaluation baselines)
    encoder: str = "onnx"  # torch | onnx | onnx-int8; onnx (fp32) ranks as torch does, 3x faster
    threads: int = 1  # one intra-op thread is fastest for a single short question on 2 cores
    k_candidates: int = 100  # chunks taken from each ranker before fusion
    k_passages: int = 5  # ranked chunks returned and read for the answer
    k_documents: int = 10
    # Fused chunk score = dense + bm25_weight * bm25/max(bm25) + section_weight * heading cosine
    bm25_weight: float = 0.3
    section_weight: float = 0.3
    intent_weight: float = 0.2
    title_weight: float = 0.3
    max_answer_sentences: int = 3
    # A further sentence joins the answer when its score is within this margin of the best.
    sentence_margin: float = 0.08
    abstain_threshold: float = 0.5
    max_question_chars: int = MAX_QUESTION_CHARS

    def __post_init__(self) -> None:
        if self.mode not in RETRIEVAL_MODES:
            raise ValueError(f"mode {self.mode!r} is not one of {', '.join(RETRIEVAL_MODES)}")
        if self.encoder not in ("torch", "onnx", "onnx-int8"):
            raise ValueError(f"encoder {self.encoder!r} is not one of torch, onnx, onnx-int8")
        if self.k_passages < 1 or self.k_candidates < self.k_passages:
            raise ValueError(f"need 1 <= k_passages ({self.k_passages}) <= k_candidates ({self.k_candidates})")
