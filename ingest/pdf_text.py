"""PDF -> text per page (pypdf), with page start offsets and detected headings.

pypdf gives one line per printed line, so a paragraph arrives wrapped at the page
width. Lines are re-joined into paragraphs (a sentence must not be split in two by
a line break) and heading lines are recognised by type: a line set in a larger or
bold font than the page's body text that also passes the plain-text heading test
(`is_plain_heading`: short, no sentence punctuation; a numbered label heading such as
"2.2 Heterozygous Familial Hypercholesterolemia in Pediatric Patients (10-17 years of
age)" may be longer and wrap onto a second line). Headings get blank lines around them,
so the stored text reads like a plain-text monograph. A paragraph running on to the next
page is joined across the page break, and page furniture ("Reference ID: 3378512", "Page
3 of 40") is dropped. Label structure (Highlights, Contents, numbered sections) is read
from this text by `pdf_label`.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

from .pdf_label import is_label_heading
from .sections import is_plain_heading

# A heading is set at least 15% larger than the body text (11 pt body -> 12.65 pt).
HEADING_SIZE_RATIO = 1.15
PAGE_GAP = "\n\n"
MAX_NUMBERED_TITLE_CHARS = 200
# A numbered heading line this long may wrap: the next line in the same type continues it.
WRAPPED_HEADING_CHARS = 50
_LIST_ITEM = re.compile(r"^(?:[-*\u2022\u2013\u25aa]|\d{1,3}[.)])\s")
# Printed on every page by Drugs@FDA and most label producers; never part of the text.
_PAGE_FURNITURE = re.compile(r"^(?:Reference ID:\s*\d+|Page \d+ of \d+)$", re.IGNORECASE)
# "5.1 Hepatotoxicity", "2 DOSAGE AND ADMINISTRATION": a line of its own even when not set in bold.
_NUMBERED_HEADING = re.compile(r"^\d{1,2}(?:\.\d{1,2})*\s+[A-Z]")
_SUBSECTION_HEADING = re.compile(r"^\d{1,2}(?:\.\d{1,2})+\s+[A-Z]")


def extract_pdf(path: Path) -> tuple[str, list[tuple[int, int, str]], tuple[tuple[int, int], ...]]:
    """(text, [(heading line start, line end, heading)], ((page start offset, page number), ...))."""
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(path)
        if reader.is_encrypted and not reader.decrypt(""):
            raise ValueError("encrypted PDF (needs a password)")
        pages = [_page_lines(page) for page in reader.pages]
    except PyPdfError as err:
        raise ValueError(f"not a readable PDF ({err})") from None
    parts, headings, starts, pos = [], [], [], 0
    previous: tuple[str, bool, bool] | None = None  # the last line written: (text, heading, stands alone)
    for number, lines in enumerate(pages, 1):
        if not lines:
            continue
        if previous:
            # A paragraph running on to the next page is one paragraph: "... non-biologic" + "DMARDs."
            runs_on = not previous[2] and not lines[0][2] and _continues(previous[0], lines[0][0])
            gap = ("" if previous[0].endswith("-") else " ") if runs_on else PAGE_GAP
            parts.append(gap)
            pos += len(gap)
        starts.append((pos, number))
        for i, (line, heading, _) in enumerate(lines):
            if i:
                gap = "\n\n" if heading or lines[i - 1][1] else "\n"
                parts.append(gap)
                pos += len(gap)
            if heading:
                headings.append((pos, pos + len(line), line))
            parts.append(line)
            pos += len(line)
        previous = lines[-1]
    return "".join(parts) + ("\n" if parts else ""), headings, tuple(starts)


def _page_lines(page) -> list[tuple[str, bool, bool]]:
    """[(line, is heading, stands alone)] of one page, wrapped lines joined into paragraphs."""
    fragments: list[tuple[str, float, bool]] = []

    def visit(text, cm, tm, font, size):
        scale = abs(tm[3] * cm[3]) or 1.0
        bold = "bold" in str((font or {}).get("/BaseFont", "")).lower()
        fragments.append((text, size * scale, bold))

    text = page.extract_text(visitor_text=visit) or ""
    styled = _styled_lines(fragments)
    body = _body_style(styled)
    lines: list[tuple[str, bool, bool]] = []
    for raw in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        line = " ".join(raw.split())
        if not line or _PAGE_FURNITURE.match(line):
            continue
        style = styled.get(line)
        stands_out = bool(style and body and _stands_out(style, body))
        if stands_out and lines and _wraps_heading(lines[-1], styled.get(lines[-1][0]), line, style):
            lines[-1] = (f"{lines[-1][0]} {line}", True, True)
            continue
        heading = stands_out and (is_plain_heading(line) or _numbered_title(line))
        alone = heading or _stands_alone(line)
        if lines and not alone and not lines[-1][2] and _continues(lines[-1][0], line):
            joiner = "" if lines[-1][0].endswith("-") else " "
            lines[-1] = (lines[-1][0] + joiner + line, False, False)
        else:
            lines.append((line, heading, alone))
    return lines


def _stands_alone(line: str) -> bool:
    """A label heading line, never joined to the lines around it, so that it stays a line of
    its own when the PDF does not set it in bold: a subsection number ("5.1 Hepatotoxicity"),
    or capitals with a section number or a label section name ("2 DOSAGE AND ADMINISTRATION",
    "FULL PRESCRIBING INFORMATION", "MEDICATION GUIDE"). Other short capitals lines may be a
    wrapped all-capitals paragraph, and "15 Days after ..." a wrapped sentence."""
    if not is_plain_heading(line):
        return False
    if _SUBSECTION_HEADING.match(line):
        return True
    return line.isupper() and (bool(_NUMBERED_HEADING.match(line)) or is_label_heading(line))


def _wraps_heading(previous: tuple[str, bool, bool], previous_style, line: str, style) -> bool:
    """line is the second printed line of a long numbered heading: same type, not a heading
    of its own. "2.1 Hyperlipidemia (Heterozygous Familial and Nonfamilial) and Mixed" +
    "Dyslipidemia (Fredrickson Types IIa and IIb)"."""
    text, heading, _ = previous
    return (heading and style == previous_style and len(text) >= WRAPPED_HEADING_CHARS
            and bool(_NUMBERED_HEADING.match(text)) and not _NUMBERED_HEADING.match(line)
            and len(text) + 1 + len(line) <= MAX_NUMBERED_TITLE_CHARS and line[-1] not in ".,;:")


def _numbered_title(line: str) -> bool:
    """A numbered heading longer than a plain heading may be: "2.2 Heterozygous Familial
    Hypercholesterolemia in Pediatric Patients (10-17 years of age)". Only with a heading style."""
    return bool(_NUMBERED_HEADING.match(line)) and len(line) <= MAX_NUMBERED_TITLE_CHARS and line[-1] not in ".,;:"


def _styled_lines(fragments) -> dict[str, tuple[float, bool]]:
    """Printed line text -> (smallest font size, all bold) from pypdf's text visitor."""
    out: dict[str, tuple[float, bool]] = {}
    current: list[tuple[str, float, bool]] = []
    for text, size, bold in [*fragments, ("\n", 0.0, False)]:
        pieces = text.split("\n")
        for j, piece in enumerate(pieces):
            if piece.strip():
                current.append((piece, size, bold))
            if j < len(pieces) - 1 and current:
                line = " ".join("".join(p for p, _, _ in current).split())
                out.setdefault(line, (min(s for _, s, _ in current), all(b for _, _, b in current)))
                current = []
    return out


def _body_style(styled: dict[str, tuple[float, bool]]) -> tuple[float, bool] | None:
    """The (size, bold) that sets the most characters on the page."""
    weight: Counter = Counter()
    for line, style in styled.items():
        weight[style] += len(line)
    return weight.most_common(1)[0][0] if weight else None


def _stands_out(style: tuple[float, bool], body: tuple[float, bool]) -> bool:
    return style[0] >= body[0] * HEADING_SIZE_RATIO or (style[1] and not body[1])


def _continues(previous: str, line: str) -> bool:
    """Whether line is the wrapped continuation of previous rather than a new block.

    "... on days 1, 8, 15 and" + "22 of each cycle." joins; "Take it as follows:" +
    "1. Swallow whole." does not (a list item, and the line before ends a clause).
    """
    if _LIST_ITEM.match(line):
        return False
    return previous.endswith(("-", ",")) or line[0].islower() or previous[-1].isalnum()
