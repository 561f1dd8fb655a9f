"""The frozen records that flow from a corpus file to the index on disk."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Section:
    title: str
    start: int  # offset of the section body in the document text
    end: int
    page: int | None = None
    section_code: str = ""  # LOINC section code (FDA labels), "" when unknown


@dataclass(frozen=True, slots=True)
class Document:
    doc_id: str
    title: str
    text: str  # exactly what citations index into
    sections: tuple[Section, ...]
    drugs: tuple[str, ...] = ()
    date: str = ""
    url: str = ""
    source_path: str = ""
    skip_spans: tuple[tuple[int, int], ...] = ()  # metadata lines (date, source url) never cited
    pages: tuple[tuple[int, int], ...] = ()  # PDF: (start offset, page number), sorted
    # Label metadata (SPL / openFDA): the label's set id and version, and who markets it.
    set_id: str = ""
    version: str = ""
    labeler: str = ""


@dataclass(frozen=True, slots=True)
class Sentence:
    doc_id: str
    section: str
    start: int
    end: int
    text: str

    @property
    def sentence_id(self) -> str:
        return content_id("s", self.doc_id, self.start, self.end, self.text)


@dataclass(frozen=True, slots=True)
class Chunk:
    chunk_id: str
    doc_id: str
    section: str
    start: int
    end: int
    text: str
    sentence_ids: tuple[int, ...]  # row numbers in the index's sentence table
    page: int | None = None


def content_id(prefix: str, doc_id: str, start: int, end: int, text: str) -> str:
    """Stable id from content, so a citation key survives rebuilds."""
    digest = hashlib.sha1(f"{doc_id}\0{start}\0{end}\0{text}".encode()).hexdigest()[:16]
    return f"{prefix}-{digest}"
