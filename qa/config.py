"""Query-time settings, defaults in one place; the CLI and the web app override fields.

The weights of retrieval fusion, answer-unit scoring and confidence, and the two
thresholds, are fitted by `python -m bench.fit` and read from `qa/data/fitted.json`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .intent import section_kinds
from .linear import LinearModel, load_fitted

RETRIEVAL_MODES = ("hybrid", "dense", "bm25")
MAX_QUESTION_CHARS = 2000
# The last features say which kind of section (data/section_kinds.tsv) the chunk is in.
CHUNK_FEATURES = ("dense", "sentence", "bm25", "heading", "intent", "title", "mention",
                  *(f"section_{kind}" for kind in section_kinds()))


def _fitted(key: str):
    return lambda: load_fitted()[key]


@dataclass(frozen=True, slots=True)
class QAConfig:
    index_dir: Path = Path("index")
    mode: str = "hybrid"  # hybrid | dense | bm25 (the last two are evaluation baselines)
    encoder: str = "onnx"  # torch | onnx | onnx-int8; onnx (fp32) ranks as torch does, 3x faster
    threads: int = 1  # one intra-op thread is fastest for a single short question on 2 cores
    k_candidates: int = 100  # chunks taken from each ranker before fusion
    k_passages: int = 5  # ranked chunks returned
    k_documents: int = 10
    k_answer_passages: int = 5  # passages whose units (and their neighbours) may be quoted
    k_term_match_passages: int = 3  # passages whose words the question's terms are matched with
    word_vector_cache: int = 50_000  # single-word vectors kept for the term match (float16: 38 MB)
    # A question word the library never uses also accepts its nearest library words
    # (single-word MiniLM cosine at least this, fitted; this many at most): "breastfeed" -> nursing.
    neighbour_min_cosine: float = field(default_factory=_fitted("neighbour_min_cosine"))
    neighbours_per_word: int = 2
    # Abbreviations the labels define ("hepatitis B virus (HBV)") stand for their long
    # forms in the question's terms and retrieval text (qa/abbreviations.py).
    abbreviations: bool = True
    max_answer_units: int = field(default_factory=_fitted("max_answer_units"))
    # Fused chunk score = chunk_model over CHUNK_FEATURES (dense cosine, the best cosine of
    # one of the chunk's sentences, BM25 / best BM25,
    # cosine with "title: heading (section name)", intent match, title words in the question,
    # share of the
    # chunks using a drug-like word of the question that belong to this chunk's label; the
    # kind of section the chunk is in: a leaflet, clinical studies, ...).
    chunk_model: LinearModel = field(default_factory=_fitted("chunk"))
    unit_model: LinearModel = field(default_factory=_fitted("unit"))
    confidence_model: LinearModel = field(default_factory=_fitted("confidence"))
    abstain_threshold: float = field(default_factory=_fitted("abstain_threshold"))  # answer iff confidence >= it
    adjacent_threshold: float = field(default_factory=_fitted("adjacent_threshold"))  # a further unit joins
    # ... unless its sentence vector's cosine with a chosen unit's reaches this (it says the
    # same again: a dosing statement restated under Pharmacokinetics); above 1.0: never
    # skipped. Fitted.
    redundant_cosine: float = field(default_factory=_fitted("redundant_cosine"))
    max_question_chars: int = MAX_QUESTION_CHARS

    def __post_init__(self) -> None:
        if self.mode not in RETRIEVAL_MODES:
            raise ValueError(f"mode {self.mode!r} is not one of {', '.join(RETRIEVAL_MODES)}")
        if self.encoder not in ("torch", "onnx", "onnx-int8"):
            raise ValueError(f"encoder {self.encoder!r} is not one of torch, onnx, onnx-int8")
        if self.k_passages < 1 or self.k_candidates < self.k_passages:
            raise ValueError(f"need 1 <= k_passages ({self.k_passages}) <= k_candidates ({self.k_candidates})")
        if self.k_term_match_passages < 1 or self.word_vector_cache < 1:
            raise ValueError(f"k_term_match_passages ({self.k_term_match_passages}) and word_vector_cache "
                             f"({self.word_vector_cache}) must be at least 1")
        if self.neighbours_per_word < 0 or not -1.0 <= self.neighbour_min_cosine <= 1.0:
            raise ValueError(f"neighbours_per_word ({self.neighbours_per_word}) must be >= 0 and neighbour_min_cosine "
                             f"({self.neighbour_min_cosine}) within [-1, 1]")
        if self.chunk_model.features != CHUNK_FEATURES:
            raise ValueError(f"chunk_model features {self.chunk_model.features} must be {CHUNK_FEATURES}")
