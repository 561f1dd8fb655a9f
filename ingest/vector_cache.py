"""What gets embedded, and where an embed key's vector already is.

A vector is found by the hash of the text that was embedded (`embed_key`): in the
previous index's memory-mapped vector files, or in rows this build already wrote. Only
texts found in neither are sent to the model.
"""

from __future__ import annotations

import hashlib
import logging

import numpy as np

from .chunking import section_label
from .config import INDEX_FORMAT_VERSION, IngestConfig
from .records import Chunk, Document, Section
from .store import MissingIndexError, NpyAppender, document_from_json, open_vectors, read_jsonl, read_manifest

log = logging.getLogger(__name__)


def embed_key(text: str) -> str:
    return hashlib.sha1(text.encode()).hexdigest()[:20]


def chunk_embedding_text(doc: Document, chunk: Chunk) -> str:
    """What the dense index sees: the chunk in its document and section context."""
    return f"{doc.title} | {section_label(doc, chunk.section, chunk.start)}\n{chunk.text}"


def section_embedding_text(doc: Document, section: Section) -> str:
    return f"{doc.title}: {section_label(doc, section.title, section.start)}"


class KnownVectors:
    """Where the vector of an embed key already is: (source array, row), 6 sources at most."""

    def __init__(self) -> None:
        self._sources: list = []  # memory-mapped arrays, or NpyAppenders still being written
        self._where: dict[str, int] = {}  # key -> row * 8 + source number

    def add(self, source, keys, first_row: int = 0) -> None:
        number = len(self._sources)
        self._sources.append(source)
        for i, key in enumerate(keys):
            self._where.setdefault(key, (first_row + i) * 8 + number)

    def register(self, source, keys, first_row: int) -> None:
        """Rows first_row.. of an already added source (an appender that grew)."""
        number = next(i for i, s in enumerate(self._sources) if s is source)
        for i, key in enumerate(keys):
            self._where.setdefault(key, (first_row + i) * 8 + number)

    def __contains__(self, key: str) -> bool:
        return key in self._where

    def gather(self, keys: list[str], fresh: dict[str, np.ndarray], dim: int) -> np.ndarray:
        out = np.empty((len(keys), dim), dtype=np.float32)
        wanted: dict[int, tuple[list[int], list[int]]] = {}
        for i, key in enumerate(keys):
            if key in fresh:
                out[i] = fresh[key]
            else:
                where = self._where[key]
                slots, rows = wanted.setdefault(where & 7, ([], []))
                slots.append(i)
                rows.append(where >> 3)
        for number, (slots, rows) in wanted.items():
            source = self._sources[number]
            array = source.view() if isinstance(source, NpyAppender) else source
            out[slots] = array[rows]
        return out


def previous_vectors(config: IngestConfig) -> KnownVectors:
    """The previous index's vectors by embed key, when it used the same model and format."""
    known = KnownVectors()
    directory = config.index_dir
    try:
        built = read_manifest(directory).get("fingerprint", {})
    except (MissingIndexError, OSError, ValueError):
        return known
    try:
        if built.get("model") != config.resolved_model_name() or built.get("format") != INDEX_FORMAT_VERSION:
            return known
        keys = {"chunk": [c["key"] for c in read_jsonl(directory / "chunks.jsonl")],
                "sentence": [row[4] for row in read_jsonl(directory / "sentences.jsonl")],
                "section": [embed_key(section_embedding_text(doc, s)) for doc in map(
                    document_from_json, read_jsonl(directory / "documents.jsonl")) for s in doc.sections]}
        for kind, kind_keys in keys.items():
            vectors = open_vectors(directory, kind)
            if len(vectors) == len(kind_keys):
                known.add(vectors, kind_keys)
    except (OSError, ValueError, KeyError, IndexError) as err:
        log.warning("not reusing vectors of %s/ (%s); embedding everything", directory, err)
        return KnownVectors()
    return known
