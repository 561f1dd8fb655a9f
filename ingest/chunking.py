"""Document -> sentences -> chunks (windows of consecutive sentences in one section)."""

from __future__ import annotations

import bisect

from .loinc import section_names
from .records import Chunk, Document, Section, Sentence, content_id
from .sentences import split_sentences


def document_sentences(doc: Document) -> list[list[Sentence]]:
    """Sentences per section, skipping metadata lines (date, source URL)."""
    per_section = []
    for section in doc.sections:
        sentences = [
            Sentence(doc.doc_id, section.title, s, e, doc.text[s:e])
            for s, e in split_sentences(doc.text, section.start, section.end)
            if not any(a <= s < b for a, b in doc.skip_spans)
        ]
        per_section.append(sentences)
    return per_section


def page_at(doc: Document, offset: int) -> int | None:
    """The PDF page holding doc.text[offset]; None for documents without pages."""
    return page_of(doc.pages, offset)


def section_at(doc: Document, offset: int) -> Section | None:
    """The section whose body holds doc.text[offset] (sections are in text order)."""
    i = bisect.bisect_right([s.start for s in doc.sections], offset) - 1
    return doc.sections[i] if i >= 0 and doc.sections[i].start <= offset < max(doc.sections[i].end, offset + 1) else None


def section_label(doc: Document, heading: str, offset: int) -> str:
    """A section's heading with its LOINC section name when the label codes it and the
    heading does not already say it: "2.1 Crohn's Disease (Dosage & Administration)"."""
    section = section_at(doc, offset)
    name = section_names().get(section.section_code, "") if section is not None else ""
    if not name or name.lower().replace("&", "and") in heading.lower().replace("&", "and"):
        return heading
    return f"{heading} ({name})"


def page_of(pages: tuple[tuple[int, int], ...], offset: int) -> int | None:
    """pages = ((start offset, page number), ...) sorted by offset."""
    if not pages:
        return None
    i = bisect.bisect_right([p[0] for p in pages], offset) - 1
    return pages[max(i, 0)][1]


def chunk_document(doc: Document, size: int, overlap: int, first_row: int = 0
                   ) -> tuple[list[Sentence], list[Chunk]]:
    """Sentences of doc and its chunks; a chunk's sentence_ids are rows counted from first_row.

    Windows step by size - overlap and stop at the window that reaches the section's
    end: size 4, overlap 1 over 8 sentences gives 0-3, 3-6, 6-7.
    """
    sentences: list[Sentence] = []
    chunks: list[Chunk] = []
    stride = size - overlap
    for section_sentences in document_sentences(doc):
        base = first_row + len(sentences)
        sentences.extend(section_sentences)
        n = len(section_sentences)
        for lo in range(0, n, stride):
            hi = min(lo + size, n)
            start, end = section_sentences[lo].start, section_sentences[hi - 1].end
            text = doc.text[start:end]
            chunks.append(Chunk(
                chunk_id=content_id("c", doc.doc_id, start, end, text), doc_id=doc.doc_id,
                section=section_sentences[lo].section, start=start, end=end, text=text,
                sentence_ids=tuple(range(base + lo, base + hi)), page=page_at(doc, start),
            ))
            if hi == n:
                break
    return sentences, chunks
