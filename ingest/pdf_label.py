"""FDA prescribing information (PLR format) in a PDF's extracted text -> the sections to cite.

A PLR label prints, in order: HIGHLIGHTS OF PRESCRIBING INFORMATION (a two-column summary
repeating facts of the full text), "FULL PRESCRIBING INFORMATION: CONTENTS*" (the numbered
headings again, as a table of contents), "FULL PRESCRIBING INFORMATION" (the label itself)
and, after its last section, the manufacturer's address and a "Revised: M/YYYY" line, often
followed by a Medication Guide or Patient Information leaflet.

Only the full text is cited. Sections start after the "FULL PRESCRIBING INFORMATION" line and
come from the numbered headings ("2 DOSAGE AND ADMINISTRATION", "5.1 Hepatotoxicity"), the
boxed warning and the patient-labeling headings; a section stops where an address or
"Revised:" line begins. So the Highlights, the Contents and the address lie outside every
section and no sentence is taken from them (their text stays in the document, unindexed).
Section codes are LOINC codes from data/pdf-label-headings.csv (the LOINC names with the headings PDF labels print): a top-level heading by its name
("WARNINGS AND PRECAUTIONS" -> 43685-7), a subsection by its own name when it has one
("8.1 Pregnancy" -> 42228-7), else its parent's.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from .chunking import page_of
from .loinc import heading_names, section_code
from .records import Section
from .sections import is_plain_heading

# Fewer top-level numbered headings with a known PLR name than this and the PDF is not read as a label.
MIN_PLR_SECTIONS = 2
MAX_TRAILER_LINE_CHARS = 100

_NUMBERED = re.compile(r"^(\d{1,2})((?:\.\d{1,2})*)\s+([A-Z].*)$")
_FULL_TEXT = re.compile(r"^FULL PRESCRIBING INFORMATION\s*$", re.IGNORECASE)
_CONTENTS = re.compile(r"^FULL PRESCRIBING INFORMATION\s*:?\s*CONTENTS", re.IGNORECASE)
_TRAILER = re.compile(
    r"^(?:(?:Manufactured|Distributed|Marketed|Packaged|Made)(?:\s+\w+)?\s+(?:by|for|in)\b"
    r"|Revised:|Rx only\s*$|U\.?\s?S\.? License|\u00a9|Copyright\b)", re.IGNORECASE)
_PRODUCT = re.compile(r"See\s+full\s+prescribing\s+information\s+for\s+[^.]*\.\s*(.+?)\s*Initial\s+U\.\s?S\.\s?Approval",
                      re.IGNORECASE | re.DOTALL)
_BRAND = re.compile(r"information\s+needed\s+to\s+use\s+(.+?)\s+safely\s+and\s+effectively", re.IGNORECASE | re.DOTALL)
_REVISED = re.compile(r"Revised:\s*(\d{1,2})/(?:\d{1,2}/)?(\d{4})")


@dataclass(frozen=True, slots=True)
class LabelLayout:
    sections: tuple[Section, ...]
    title: str  # the product line of the Highlights ("HUMIRA (adalimumab) injection, ..."), "" if absent
    brand: str  # "HUMIRA" from "... information needed to use HUMIRA safely and effectively", "" if absent
    date: str  # "2013-09" from "Revised: 9/2013", "" if absent


@dataclass(frozen=True, slots=True)
class _Mark:
    line_start: int
    body_start: int
    title: str
    code: str
    numbered: bool


def read_label(text: str, headings: list[tuple[int, int, str]],
               pages: tuple[tuple[int, int], ...] = ()) -> LabelLayout | None:
    """The cited sections of a PLR label; None when text is not one (no full-text marker,
    or fewer than MIN_PLR_SECTIONS numbered PLR headings). headings are the lines set as
    headings by type (pdf_text); a numbered line with a known PLR name counts even without."""
    lines = [(m.start(), m.end(), m.group().strip()) for m in re.finditer(r"[^\n]+", text)]
    begin = _full_text_start(lines)
    if begin is None:
        return None
    marks = _marks(lines[begin:], {start for start, _, _ in headings})
    if sum(1 for m in marks if m.numbered and "." not in m.title.split()[0] and m.code) < MIN_PLR_SECTIONS:
        return None
    sections = []
    lead_end = marks[0].line_start if marks else len(text)
    if text[lines[begin - 1][1]:lead_end].strip():
        sections.append(Section(lines[begin - 1][2], lines[begin - 1][1], lead_end, page_of(pages, lead_end)))
    for i, mark in enumerate(marks):
        end = marks[i + 1].line_start if i + 1 < len(marks) else len(text)
        end = _trailer_start(lines, mark.body_start, end)
        sections.append(Section(mark.title, mark.body_start, end, page_of(pages, mark.body_start), mark.code))
    front = text[: lines[begin - 1][0]]
    product, brand = _PRODUCT.search(front), _BRAND.search(front)
    revised = _REVISED.search(front) or _REVISED.search(text)
    return LabelLayout(
        tuple(sections),
        " ".join(product.group(1).split())[:200] if product else "",
        " ".join(brand.group(1).split())[:60] if brand else "",
        f"{revised.group(2)}-{int(revised.group(1)):02d}" if revised else "",
    )


def _full_text_start(lines: list[tuple[int, int, str]]) -> int | None:
    """Index of the first line of the full text (just after its marker line), or None.

    Without a "FULL PRESCRIBING INFORMATION" line, a Contents marker still tells a label:
    the full text then starts where the Contents' first numbered heading is printed again.
    """
    contents = None
    for i, (_, _, content) in enumerate(lines):
        if _FULL_TEXT.match(content):
            return i + 1
        if contents is None and _CONTENTS.match(content):
            contents = i
    if contents is None:
        return None
    first = next((c for _, _, c in lines[contents + 1:] if _NUMBERED.match(c)), None)
    again = [i for i, (_, _, c) in enumerate(lines) if i > contents and c == first]
    return again[1] if len(again) > 1 else None


def _marks(lines: list[tuple[int, int, str]], styled: set[int]) -> list[_Mark]:
    """Section headings of the full text, in order: numbered headings in sequence (a top-level
    one set as a heading or with a PLR name, a subsection numbered under the current one),
    the boxed warning before them, patient-labeling headings (after which numbers are list
    items, not headings)."""
    marks: list[_Mark] = []
    top, sub, top_code, leaflet = 0, (), "", False
    for start, end, content in lines:
        stands_out = start in styled or content.isupper()
        title_like = is_plain_heading(content) or start in styled
        number = _NUMBERED.match(content) if not leaflet and title_like else None
        if number:
            major, minor = int(number.group(1)), tuple(int(n) for n in number.group(2).split(".")[1:])
            name = number.group(3)
            if not minor and major > top and (start in styled or section_code(name, "top")):
                top, sub, top_code = major, (), section_code(name, "top")
                marks.append(_Mark(start, end, content, top_code, True))
                continue
            if minor and major == top and minor > sub:
                sub = minor
                marks.append(_Mark(start, end, content, section_code(name, "sub") or top_code, True))
                continue
        if not stands_out or not is_plain_heading(content):
            continue
        code = section_code(content, "unnumbered")
        if code and (top == 0 or code != _boxed_warning_code()):
            leaflet = leaflet or top > 0
            marks.append(_Mark(start, end, content, code, False))
    return marks


def _trailer_start(lines: list[tuple[int, int, str]], start: int, end: int) -> int:
    """Where the address / "Revised:" block begins inside [start, end), else end."""
    for line_start, _, content in lines[bisect.bisect_left(lines, (start,)):]:
        if line_start >= end:
            break
        if len(content) <= MAX_TRAILER_LINE_CHARS and _TRAILER.match(content):
            return line_start
    return end


def is_label_heading(line: str) -> bool:
    """A label's marker or unnumbered section heading: "FULL PRESCRIBING INFORMATION: CONTENTS*",
    "WARNING: SERIOUS INFECTIONS", "DOSAGE AND ADMINISTRATION", "PATIENT INFORMATION"."""
    return bool(_FULL_TEXT.match(line) or _CONTENTS.match(line)
                or section_code(line, "unnumbered") or section_code(line, "top"))


def _boxed_warning_code() -> str:
    return heading_names()["unnumbered"]["warning"]
