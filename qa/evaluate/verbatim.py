"""The text a citation must match, read again from its source file (not the index's copy).

`citation_verbatim` compares each citation with the document text re-extracted from the
corpus file the index was built from: a text file's own characters, an SPL/PDF/HTML
file's extracted text, a collection record's text. An index whose stored text drifted
from its source (a bug in a loader, a file edited since the build) then fails the
check instead of agreeing with itself. A source that can no longer be read falls back
to the index's copy and is counted in `unverified`.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path
from types import SimpleNamespace

from ingest.collection import RecordError
from ingest.documents import SourceFile, load_source


class SourceDocuments(Mapping):
    """doc_id -> an object with the `text` re-extracted from the document's source file."""

    def __init__(self, documents: Mapping) -> None:
        self._documents = documents
        self._texts: dict[str, str] = {}
        self._loaded: set[str] = set()
        self.unverified: set[str] = set()

    def __getitem__(self, doc_id: str):
        doc = self._documents[doc_id]
        if doc_id not in self._texts:
            self._texts[doc_id] = self._source_text(doc)
        return SimpleNamespace(text=self._texts[doc_id])

    def __iter__(self) -> Iterator[str]:
        return iter(self._documents)

    def __len__(self) -> int:
        return len(self._documents)

    def _source_text(self, doc) -> str:
        path = doc.source_path
        file_path, _, line = path.rpartition(":")
        file_path = Path(file_path if line.isdigit() and file_path else path)
        try:
            for found in load_source(SourceFile(file_path, doc.doc_id, "")):
                if not isinstance(found, RecordError) and found.source_path == doc.source_path:
                    return found.text
        except (OSError, ValueError):
            pass
        self.unverified.add(doc.doc_id)
        return doc.text
