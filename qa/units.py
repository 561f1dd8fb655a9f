"""Answer units: the sentences, list items and table rows an answer may quote, with context.

A unit is one sentence row of the index (the splitter never crosses a line, so a list
item or a table row is a unit of its own). What a reader needs to understand a unit is
its context: the section heading (and its LOINC section name), the header row of the
table a row belongs to, the lead-in line ("Do not use:") a list item completes. Context
counts when the unit is scored; the quote itself stays verbatim.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from ingest.chunking import section_at
from ingest.loinc import section_names
from ingest.records import Chunk, Document, Sentence

ROW_SEPARATOR = " | "
MAX_HEADER_SCAN = 400  # table rows to look back over for the header row
# A unit that is mostly a cross-reference: "[see Warnings and Precautions (5.1)]", "(2.3)".
_XREF = re.compile(r"\[\s*see[^\]]*\]|\(\s*\d+(?:\.\d+)*(?:\s*,\s*\d+(?:\.\d+)*)*\s*\)", re.I)
_WORD = re.compile(r"[A-Za-z]{2,}")


@dataclass(frozen=True, slots=True)
class CorpusView:
    """What composition reads of the index: rows, texts, vectors and term statistics."""

    sentences: list[Sentence]
    sentence_vectors: np.ndarray
    chunks: list[Chunk]
    documents: dict[str, Document]
    idf: dict[str, float]
    vocabulary: frozenset[str]
    summary_rows: frozenset[int]

    def same_section(self, a: int, b: int) -> bool:
        sa, sb = self.sentences[a], self.sentences[b]
        return sa.doc_id == sb.doc_id and sa.section == sb.section


def line_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    """The line holding text[start:end]."""
    lo = text.rfind("\n", 0, start) + 1
    hi = text.find("\n", end)
    return lo, len(text) if hi < 0 else hi


def previous_line(text: str, line_start: int) -> tuple[int, int] | None:
    """The nearest non-blank line before line_start."""
    pos = line_start - 1
    while pos > 0 and text[pos - 1] in "\r\n":
        pos -= 1
    if pos <= 0:
        return None
    lo = text.rfind("\n", 0, pos) + 1
    return lo, pos


def table_header(text: str, start: int, end: int) -> str:
    """The first row of the table whose row holds text[start:end] ("" when not a table row)."""
    lo, hi = line_bounds(text, start, end)
    if ROW_SEPARATOR not in text[lo:hi]:
        return ""
    header = ""
    for _ in range(MAX_HEADER_SCAN):
        prev = previous_line(text, lo)
        if prev is None or ROW_SEPARATOR not in text[prev[0]:prev[1]]:
            break
        lo = prev[0]
        header = text[prev[0]:prev[1]]
    return header


def lead_in(text: str, start: int, end: int) -> str:
    """The line before a unit's line when it ends with a colon ("Do not use:"), else ""."""
    lo, _ = line_bounds(text, start, end)
    prev = previous_line(text, lo)
    if prev is None:
        return ""
    line = text[prev[0]:prev[1]].strip()
    return line if line.endswith(":") else ""


def unit_context(doc: Document, sentence: Sentence) -> str:
    """Heading, LOINC section name, table header row and lead-in of a unit."""
    section = section_at(doc, sentence.start)
    code_name = section_names().get(section.section_code, "") if section is not None else ""
    return " ".join(p for p in (sentence.section, code_name, table_header(doc.text, sentence.start, sentence.end),
                                lead_in(doc.text, sentence.start, sentence.end)) if p)


def cross_reference_share(text: str) -> float:
    """Share of a unit's words inside cross-references; 1.0 for "[see Dosage (2.1)]" alone."""
    words = len(_WORD.findall(text))
    if not words:
        return 1.0
    inside = sum(len(_WORD.findall(m.group(0))) for m in _XREF.finditer(text))
    return min(inside / words, 1.0)
