"""Ingest: corpus files -> documents -> sections -> sentences -> chunks -> index on disk."""

from .build import BuildReport, build_index, stale_reasons
from .config import IngestConfig
from .documents import CorpusError
from .records import Chunk, Document, Section, Sentence
from .store import IncompatibleIndexError, MissingIndexError, StoredIndex, load_index

__all__ = [
    "BuildReport", "Chunk", "CorpusError", "Document", "IncompatibleIndexError", "IngestConfig",
    "MissingIndexError", "Section", "Sentence", "StoredIndex", "build_index", "load_index",
    "stale_reasons",
]
