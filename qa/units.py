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

from ingest.chunking import section_label
from ingest.records import Chunk, Document, Sentence

ROW_SEPARATOR = " | "
MAX_HEADER_SCAN = 400  # table rows to look back over for the header row
MAX_LIST_ITEMS = 30  # list items to look back over for the lead-in line
MAX_ITEM_WORDS = 12  # a longer line, or one with a closing stop, is no list fragment
# Cross-references: "[see Warnings and Precautions (5.1)]", "(2.3)", "( 6 )", "(2.3, 5.4)"; not a
# table cell's percentage after its count ("Dysgeusia   2 (9)", "190 (4.9)"), which follows a number;
# and the statement Highlights print under a boxed warning's title (21 CFR 201.57(a)(4)):
# "See full prescribing information for complete boxed warning."
_XREF = re.compile(r"\[\s*see[^\]]*\]|(?<![\d%])(?<![\d%]\s)\(\s*\d+(?:\.\d+)*(?:\s*,\s*\d+(?:\.\d+)*)*\s*\)"
                   r"|\bsee\s+full\s+prescribing\s+information\b[^.\]]*", re.I)
_WORD = re.compile(r"[A-Za-z]{2,}")
# A sentence opening with a demonstrative that points back to the sentence before ("These
# changes", "In this setting", "Such patients"): English demonstrative determiners, after a
# preposition or not.
_POINTS_BACK = re.compile(r"\s*(?:(?:in|of|among|for|with|from|despite|at|on|after|during)\s+)?"
                          r"(?:these|this|those|such)\s+(?!drug\b|medicine\b|medication\b|product\b)[a-z]", re.I)
_BOXED_TITLE = re.compile(r"[^a-z]*\bWARNINGS?\s*:[^a-z]*")  # fullmatch: no lower-case letter
_NUMBERED = re.compile(r"\d{1,2}(?:\.\d{1,2})*\s+[A-Z]")


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
    section_vectors: np.ndarray  # one row per (doc_id, section title) of section_rows
    section_rows: dict[tuple[str, str], int]
    doc_starts: dict[str, tuple[int, np.ndarray]]  # doc_id -> (first sentence row, sentence starts)

    def same_section(self, a: int, b: int) -> bool:
        sa, sb = self.sentences[a], self.sentences[b]
        return sa.doc_id == sb.doc_id and sa.section == sb.section

    def row_at(self, doc_id: str, offset: int) -> int | None:
        """The sentence row starting at offset in doc_id, if any."""
        first, starts = self.doc_starts[doc_id]
        i = int(np.searchsorted(starts, offset))
        return first + i if i < len(starts) and starts[i] == offset else None

    def row_covering(self, doc_id: str, offset: int) -> int:
        """The sentence row whose text starts at or before offset in doc_id (the last such)."""
        first, starts = self.doc_starts[doc_id]
        return first + max(int(np.searchsorted(starts, offset, side="right")) - 1, 0)


def corpus_view(index, idf: dict[str, float], vocabulary: frozenset[str], summary: frozenset[int]) -> CorpusView:
    """What composition needs of a loaded index (sentences of a document are consecutive rows)."""
    doc_starts: dict[str, tuple[int, list[int]]] = {}
    for row, s in enumerate(index.sentences):
        doc_starts.setdefault(s.doc_id, (row, []))[1].append(s.start)
    section_rows: dict[tuple[str, str], int] = {}
    for row, key in enumerate(index.section_keys):
        section_rows.setdefault(key, row)
    return CorpusView(index.sentences, index.sentence_vectors, index.chunks, index.documents, idf, vocabulary,
                      summary, index.section_vectors, section_rows,
                      {d: (first, np.asarray(starts)) for d, (first, starts) in doc_starts.items()})


def context_rows(corpus: CorpusView, row: int) -> list[int]:
    """Sentence rows that a unit needs to be read: its table's header row, its lead-in line."""
    s = corpus.sentences[row]
    text = corpus.documents[s.doc_id].text
    out = []
    header = header_span(text, s.start, s.end)
    if header is not None:
        other = corpus.row_at(s.doc_id, header)
        if other is not None and other != row:
            out.append(other)
    lead = lead_in_row(corpus, row)
    if lead is not None:
        out.append(lead)
    return out


def lead_in_row(corpus: CorpusView, row: int) -> int | None:
    """The sentence row ending the lead-in line of the list whose item `row` is, in the same
    section ("... while taking HUMIRA, including:"), or None."""
    s = corpus.sentences[row]
    text = corpus.documents[s.doc_id].text
    lo = lead_in_span(text, s.start, s.end)
    if lo is None:
        return None
    other = corpus.row_covering(s.doc_id, line_bounds(text, lo, lo)[1] - 1)
    return other if other != row and other < row and corpus.same_section(other, row) else None


def is_header_row(corpus: CorpusView, row: int) -> bool:
    """The first row of a table: a label for the rows below, never an answer alone."""
    s = corpus.sentences[row]
    text = corpus.documents[s.doc_id].text
    lo, hi = line_bounds(text, s.start, s.end)
    if ROW_SEPARATOR not in text[lo:hi]:
        return False
    prev = previous_line(text, lo)
    return prev is None or ROW_SEPARATOR not in text[prev[0]:prev[1]]


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


def header_span(text: str, start: int, end: int) -> int | None:
    """Start of the first row of the table whose later row holds text[start:end]."""
    lo, hi = line_bounds(text, start, end)
    if ROW_SEPARATOR not in text[lo:hi]:
        return None
    header = None
    for _ in range(MAX_HEADER_SCAN):
        prev = previous_line(text, lo)
        if prev is None or ROW_SEPARATOR not in text[prev[0]:prev[1]]:
            break
        lo = header = prev[0]
    return header


def table_header(text: str, start: int, end: int) -> str:
    """The first row of the table whose row holds text[start:end] ("" when not a table row)."""
    lo = header_span(text, start, end)
    return "" if lo is None else text[lo: line_bounds(text, lo, lo)[1]]


def lead_in_span(text: str, start: int, end: int) -> int | None:
    """Start of the lead-in line ("Do not inject into skin that is:") of the list a unit is an
    item of: the line before it when that ends with a colon, or, for a later item, the
    first line ending with a colon above items that are fragments ("sore (tender)",
    "bruised": at most MAX_ITEM_WORDS words, no closing stop), up to MAX_LIST_ITEMS of them."""
    lo, hi = line_bounds(text, start, end)
    own_words = len(text[lo:hi].split())
    for crossed in range(MAX_LIST_ITEMS + 1):
        prev = previous_line(text, lo)
        if prev is None:
            return None
        line = text[prev[0]:prev[1]].strip()
        if line.endswith(":"):
            return prev[0] if crossed == 0 or own_words <= MAX_ITEM_WORDS else None
        if not is_list_fragment(line) or line.endswith(";") or ROW_SEPARATOR in line:
            return None
        lo = prev[0]
    return None


def is_list_fragment(text: str) -> bool:
    """A line too short to be read alone ("bruised", "sore (tender)"): at most
    MAX_ITEM_WORDS words, no closing stop."""
    stripped = text.strip()
    return len(stripped.split()) <= MAX_ITEM_WORDS and not stripped.endswith((".", "!", "?"))


def lead_in(text: str, start: int, end: int) -> str:
    """The line before a unit's line when it ends with a colon, else ""."""
    lo = lead_in_span(text, start, end)
    return "" if lo is None else text[lo: line_bounds(text, lo, lo)[1]].strip()


def unit_context(doc: Document, sentence: Sentence) -> str:
    """Heading, LOINC section name, table header row and lead-in of a unit."""
    return " ".join(p for p in (section_label(doc, sentence.section, sentence.start),
                                table_header(doc.text, sentence.start, sentence.end),
                                lead_in(doc.text, sentence.start, sentence.end)) if p)


def is_reference_stub(text: str) -> bool:
    """A heading that points elsewhere: a cross-reference after words that are no sentence
    (no closing stop) and are capitalised like a heading, as adverse-reaction lists open
    ("Serious Infections [see Warnings and Precautions (5.1)]"). The section it points to
    says what happens; the stub alone does not."""
    bare = _XREF.sub(" ", text).strip()
    if bare == text.strip() or " | " in text or bare.endswith((".", "!", "?", ":")):
        return False
    long_words = [w for w in _WORD.findall(bare) if len(w) >= 4]
    return not long_words or 2 * sum(w[0].isupper() for w in long_words) >= len(long_words)


def is_heading_line(text: str) -> bool:
    """A numbered section heading printed as a line of text ("5.4 QT Interval Prolongation",
    "2 DOSAGE AND ADMINISTRATION"), as labels pasted from print or flattened to text
    carry them: a number, capitalised words, no sentence punctuation, no table cells; or
    a boxed warning's title, "WARNING: SUBJECT" in capitals (21 CFR 201.57(c)(1)). It
    names what the lines below say; alone it answers nothing."""
    stripped = text.strip()
    if _BOXED_TITLE.fullmatch(stripped):
        return True
    if ROW_SEPARATOR in text or stripped.endswith((".", "!", "?", ":", ";")) or not _NUMBERED.match(stripped):
        return False
    long_words = [w for w in _WORD.findall(stripped) if len(w) >= 4]
    return not long_words or 2 * sum(w[0].isupper() for w in long_words) >= len(long_words)


def antecedent_row(corpus: CorpusView, row: int) -> int | None:
    """The sentence before a unit that opens by pointing back to it ("These changes were
    not associated with ...", "In this clinical context, ..."): the row before, in the same
    section and paragraph (line), or None. Alone, such a unit does not say what it is about."""
    s = corpus.sentences[row]
    if row == 0 or not _POINTS_BACK.match(s.text):
        return None
    before = corpus.sentences[row - 1]
    text = corpus.documents[s.doc_id].text
    if not corpus.same_section(row - 1, row) or "\n" in text[before.end: s.start]:
        return None
    return row - 1


def is_question_line(text: str) -> bool:
    """A question the label asks ("What are the possible side effects of HUMIRA?"), or points
    to ('See "How should I store HUMIRA?"'): how a Medication Guide heads its sections. It names what the lines below answer; alone it
    answers nothing."""
    return text.rstrip(" \t\n\"'\u201d\u2019).]").endswith("?")


def cross_reference_share(text: str) -> float:
    """Share of a unit's words inside cross-references; 1.0 for "[see Dosage (2.1)]" alone."""
    words = len(_WORD.findall(text))
    if not words:
        return 1.0
    inside = sum(len(_WORD.findall(m.group(0))) for m in _XREF.finditer(text))
    return min(inside / words, 1.0)
