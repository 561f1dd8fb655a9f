"""PDF -> text per page (pdfminer.six), with page start offsets and detected headings.

Each page's characters come in the order the PDF draws them, each with its box, font
and size. Characters on one baseline make a printed line (a space where the gap between
two glyphs is a word space, superscripts kept on their line). Printed lines are joined
back into paragraphs by the page's own geometry, the way word wrap made them: the next
line continues this one when it starts right below it (no paragraph spacing) and its
first word would not have fitted in the room left at the end of this line; a line that
stops short of its column's right edge ended its paragraph, whatever its punctuation, so
list items, table rows and the lines of a dose table stay lines of their own. A table
row keeps its cells on one line, joined by " | " where a gap wider than any word space
parts them, or a narrower one where the rows around it start a column at the same x; a
cell wrapped onto the next printed line (starting at one of the row's columns, one line's
leading below) stays in its row, and a row is never a heading nor part of a paragraph.
Heading lines are recognised by type: a line set in a
larger or bold font than the page's body text that also passes the plain-text heading
test (`is_plain_heading`: short, no sentence punctuation; a numbered label heading such
as "2.2 Heterozygous Familial Hypercholesterolemia in Pediatric Patients (10-17 years of
age)" may be longer and wrap onto a second line; a Drug Facts heading may end with a full
stop, "Keep out of reach of children."), unless it is the wrapped second line of a bold
paragraph such as a table caption. Headings get blank lines around them,
and so do paragraphs, so the stored text reads like a plain-text monograph. A paragraph
running on to the next page is joined across the page break, and page furniture
("Reference ID: 3378512", "Page 3 of 40") is dropped. Label structure (Highlights,
Contents, numbered sections) is read from this text by `pdf_label`.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, replace
from pathlib import Path

from .loinc import section_code
from .pdf_label import is_label_heading
from .sections import is_plain_heading

# A heading is set at least 15% larger than the body text (11 pt body -> 12.65 pt).
HEADING_SIZE_RATIO = 1.15
PAGE_GAP = "\n\n"
MAX_NUMBERED_TITLE_CHARS = 200
# A numbered heading line this long may wrap: the next line in the same type continues it.
WRAPPED_HEADING_CHARS = 50
# Typesetting proportions, in ems of the font size (not fitted: they are how type is set).
WORD_SPACE_EMS = 0.15  # a gap this wide between glyphs is a word space (a space is ~0.25 em)
CELL_GAP_EMS = 1.5  # wider than any word space: the gap between two table cells
CELL_SEPARATOR = " | "  # as the SPL reader joins a table row's cells
ALIGNED_CELL_GAP_EMS = 0.5  # wider than a stretched word space (~0.28 em): a cell gap where columns align
ALIGN_EMS = 0.05  # x positions this close are one column's left edge
ALIGN_ROWS = 3  # rows this many lines apart belong to one table
CELL_LEADING_EMS = 1.3  # a wrapped cell's next line is this close below; the next row is further (cell padding)
SAME_LINE_EMS = 0.5  # baselines closer than this are one printed line (superscripts rise ~0.33 em)
LEADING_EMS = 1.5  # the next line of a paragraph starts within this (leading is ~1.2 em); more is paragraph spacing
PARAGRAPH_PITCH = 1.2  # or within this many of the page's usual line pitch (double-spaced pages)
INDENT_EMS = 3.0  # a continuation line starts within this of the line above (first-line and hanging indents)
_LIST_ITEM = re.compile(r"^(?:[-*\u2022\u2013\u25aa]|\d{1,3}[.)])\s")
# Printed on every page by Drugs@FDA and most label producers; never part of the text.
_PAGE_FURNITURE = re.compile(r"^(?:Reference ID:\s*\d+|Page \d+ of \d+)$", re.IGNORECASE)
# "5.1 Hepatotoxicity", "2 DOSAGE AND ADMINISTRATION": a line of its own even when not set in bold.
_NUMBERED_HEADING = re.compile(r"^\d{1,2}(?:\.\d{1,2})*\s+[A-Z]")
_SUBSECTION_HEADING = re.compile(r"^\d{1,2}(?:\.\d{1,2})+\s+[A-Z]")


@dataclass
class _Printed:
    """One printed line of a page: its text and where and how it is set."""
    text: str
    x0: float
    x1: float
    baseline: float
    size: float  # the smallest font size on the line
    bold: bool  # every glyph bold
    first_word: float  # width of its first word
    # (x0, gap before it in ems, text) of its runs between gaps wider than a word space
    pieces: tuple[tuple[float, float, str], ...] = ()

    @property
    def cells(self) -> tuple[float, ...]:
        """Where its table cells after the first start (x0); () when it is no table row."""
        return tuple(x for x, gap, _ in self.pieces if gap > CELL_GAP_EMS)


def extract_pdf(path: Path) -> tuple[str, list[tuple[int, int, str]], tuple[tuple[int, int], ...]]:
    """(text, [(heading line start, line end, heading)], ((page start offset, page number), ...))."""
    printed_pages = [[p for p in page if not _PAGE_FURNITURE.match(p.text)] for page in _read_pages(path)]
    pages = [_page_lines(printed) for printed in printed_pages]
    parts, headings, starts, pos = [], [], [], 0
    previous: tuple[str, bool, bool] | None = None  # the last line written: (text, heading, stands alone)
    previous_page: list[_Printed] = []
    for number, (lines, printed) in enumerate(zip(pages, printed_pages, strict=True), 1):
        if not lines:
            continue
        if previous:
            # A paragraph running on to the next page is one paragraph: "... non-biologic" + "DMARDs."
            runs_on = (not previous[2] and not lines[0][2]
                       and _fills_line(previous_page[-1], printed[0], previous_page))
            gap = _word_joiner(previous[0]) if runs_on else PAGE_GAP
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
        previous, previous_page = lines[-1], printed
    return "".join(parts) + ("\n" if parts else ""), headings, tuple(starts)


def _read_pages(path: Path) -> list[list[_Printed]]:
    """The printed lines of every page, in drawing order."""
    from pdfminer.converter import PDFPageAggregator
    from pdfminer.layout import LTChar, LTContainer
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
    from pdfminer.pdfinterp import PDFPageInterpreter, PDFResourceManager
    from pdfminer.pdfpage import PDFPage
    from pdfminer.pdfparser import PDFSyntaxError
    from pdfminer.psexceptions import PSException

    def glyphs(item):
        if isinstance(item, LTChar):
            yield item
        elif isinstance(item, LTContainer):
            for child in item:
                yield from glyphs(child)

    manager = PDFResourceManager()
    device = PDFPageAggregator(manager, laparams=None)
    interpreter = PDFPageInterpreter(manager, device)
    pages = []
    try:
        with path.open("rb") as handle:
            for page in PDFPage.get_pages(handle):
                interpreter.process_page(page)
                pages.append(_aligned_cells(_printed_lines([g for g in glyphs(device.get_result()) if g.upright])))
    except (PDFPasswordIncorrect, PDFEncryptionError):
        raise ValueError("encrypted PDF (needs a password)") from None
    except (PDFSyntaxError, PSException, KeyError, TypeError, ValueError) as err:
        raise ValueError(f"not a readable PDF ({type(err).__name__}: {err})") from None
    return pages


def _printed_lines(glyphs) -> list[_Printed]:
    """Glyphs in drawing order -> printed lines. A glyph starts a new line when its baseline
    moves by half an em or more, or when it is drawn left of the glyph before it."""
    lines: list[_Printed] = []
    chars: list = []
    pieces: list[list] = []  # [x0, gap before in ems, [texts]]

    def close():
        text = _joined([(x, gap, "".join(texts)) for x, gap, texts in pieces])
        if text:
            words = [c for c in chars if c.get_text().strip()]
            first_end = words[0].x1
            for c in words[1:]:
                if c.x0 - first_end > WORD_SPACE_EMS * c.size:
                    break
                first_end = c.x1
            lines.append(_Printed(text, words[0].x0, words[-1].x1, words[0].matrix[5],
                                  min(c.size for c in words), all(_is_bold(c.fontname) for c in words),
                                  first_end - words[0].x0,
                                  tuple((x, gap, "".join(texts)) for x, gap, texts in pieces)))

    for glyph in glyphs:
        text = glyph.get_text()
        if chars:
            last = chars[-1]
            em = max(last.size, glyph.size, 1.0)
            if abs(glyph.matrix[5] - chars[0].matrix[5]) >= SAME_LINE_EMS * em or glyph.x0 < last.x0 - 0.1 * em:
                close()
                chars, pieces = [], []
            elif text != " " and glyph.x0 - last.x1 > WORD_SPACE_EMS * em:
                pieces.append([glyph.x0, (glyph.x0 - last.x1) / em, []])
        if not pieces:
            pieces.append([glyph.x0, 0.0, []])
        chars.append(glyph)
        pieces[-1][2].append(text)
    if chars:
        close()
    return lines


def _joined(pieces) -> str:
    """A printed line's text: its runs joined by a space, or by CELL_SEPARATOR after a gap
    wider than any word space (CELL_GAP_EMS)."""
    out = []
    for i, (_, gap, text) in enumerate(pieces):
        if i:
            out.append(CELL_SEPARATOR if gap > CELL_GAP_EMS else " ")
        out.append(text)
    return " ".join("".join(out).split()).replace("| |", "|").strip(" |")


def _aligned_cells(lines: list[_Printed]) -> list[_Printed]:
    """Table columns line up: a gap too narrow for CELL_GAP_EMS still parts two cells where a
    row at most ALIGN_ROWS lines away starts a cell at the same x, and the gap is wider than
    a stretched word space (ALIGNED_CELL_GAP_EMS): a long first cell leaves little room."""
    out = []
    for i, line in enumerate(lines):
        near = [c for j in range(max(0, i - ALIGN_ROWS), min(len(lines), i + ALIGN_ROWS + 1)) if j != i
                for c in lines[j].cells]
        tolerance = ALIGN_EMS * line.size
        starts = {x for x, gap, _ in line.pieces
                  if ALIGNED_CELL_GAP_EMS < gap <= CELL_GAP_EMS and any(abs(x - c) <= tolerance for c in near)}
        if starts:  # such a gap counts as a cell gap from here on
            pieces = tuple((x, CELL_GAP_EMS + 1.0 if x in starts else gap, t) for x, gap, t in line.pieces)
            line = replace(line, text=_joined(pieces), pieces=pieces)
        out.append(line)
    return out


def _is_bold(fontname: str) -> bool:
    return any(w in fontname.lower() for w in ("bold", "black", "heavy"))


def _page_lines(printed: list[_Printed]) -> list[tuple[str, bool, bool]]:
    """[(line, is heading, stands alone)] of one page, wrapped lines joined into paragraphs."""
    body = _body_style(printed)
    pitch = _pitch(printed)
    lines: list[tuple[str, bool, bool]] = []
    last: _Printed | None = None
    row: _Printed | None = None  # the table row the last line holds
    for p in printed:
        line, style = p.text, (round(p.size, 1), p.bold)
        stands_out = bool(body and _stands_out(style, body))
        if (stands_out and lines and last is not None
                and _wraps_heading(lines[-1], (round(last.size, 1), last.bold), line, style)):
            lines[-1] = (f"{lines[-1][0]} {line}", True, True)
            last = p
            continue
        if stands_out and lines and last is not None and _wraps_styled(lines[-1][0], last, p, printed, pitch):
            # a bold paragraph (a table caption) wrapped onto this line: a heading only if the
            # whole still reads as one
            joined = lines[-1][0] + _word_joiner(lines[-1][0]) + line
            heading = is_plain_heading(joined)
            lines[-1] = (joined, heading, heading or _stands_alone(joined))
            last = p
            continue
        # a table row (cells) is neither a heading nor part of a paragraph
        heading = stands_out and not p.cells and (is_plain_heading(line) or _numbered_title(line)
                                                  or _drug_facts_heading(line))
        alone = heading or _stands_alone(line)
        if row is not None and last is not None and not alone and _continues_cell(row, last, p):
            lines[-1] = (f"{lines[-1][0]} {line}", False, lines[-1][2])
        elif (lines and last is not None and not alone and not lines[-1][2] and not last.cells and not p.cells
              and _wrapped(last, p, printed, pitch)):
            lines[-1] = (lines[-1][0] + _word_joiner(lines[-1][0]) + line, False, False)
        else:
            lines.append((line, heading, alone))
            row = p if p.cells else None
        last = p
    return lines


def _word_joiner(text: str) -> str:
    """What joins a wrapped line to the text before it: nothing after a hyphen ("FDA-" + "1088"), else a space."""
    return "" if text.endswith("-") else " "


def _wrapped(above: _Printed, line: _Printed, page: list[_Printed], pitch: float) -> bool:
    """Whether line is the wrapped continuation of the printed line above: it starts on the
    next line down, under the line above, and its first word would not have fitted in the
    room the line above left before its column's right edge."""
    em = max(above.size, line.size, 1.0)
    drop = above.baseline - line.baseline
    if not 0 < drop <= max(LEADING_EMS * em, PARAGRAPH_PITCH * pitch) or abs(line.x0 - above.x0) > INDENT_EMS * em:
        return False
    return _fills_line(above, line, page)


def _wraps_styled(text: str, above: _Printed, line: _Printed, page: list[_Printed], pitch: float) -> bool:
    """line continues the bold or larger line above it in the same type: set right below it
    (one line's leading) at the same left edge (not centred title lines), the line above
    stopping mid-sentence, and wrapped (`_wrapped`)."""
    em = max(above.size, line.size, 1.0)
    # the column's edge is set by the other lines (a title line alone on its x fills only itself)
    others = [p for p in page if p is not above]
    return ((round(above.size, 1), above.bold) == (round(line.size, 1), line.bold) and text[-1] not in ".:;!?"
            and 0 < above.baseline - line.baseline <= LEADING_EMS * em and abs(line.x0 - above.x0) <= SAME_LINE_EMS * em
            and _wrapped(above, line, others, pitch))


def _continues_cell(row: _Printed, above: _Printed, line: _Printed) -> bool:
    """line is a table cell's text wrapped onto the next printed line: it starts at one of the
    row's later columns, one line's leading below (a new row has its cell padding too)."""
    em = max(above.size, line.size, 1.0)
    drop = above.baseline - line.baseline
    return (0 < drop <= CELL_LEADING_EMS * em
            and any(abs(line.x0 - c) <= ALIGN_EMS * em for c in row.cells))


def _pitch(page: list[_Printed]) -> float:
    """The page's usual distance from one baseline to the next (its leading)."""
    drops = Counter(round(a.baseline - b.baseline) for a, b in zip(page, page[1:], strict=False)
                    if 0 < a.baseline - b.baseline < 3 * max(a.size, 1.0))
    return float(drops.most_common(1)[0][0]) if drops else 0.0


def _fills_line(above: _Printed, line: _Printed, page: list[_Printed]) -> bool:
    """line is not a list item, and its first word would not have fitted in the room the
    line above left before its column's right edge (the widest line starting where it does)."""
    if _LIST_ITEM.match(line.text):
        return False
    em = max(above.size, line.size, 1.0)
    right = max((p.x1 for p in page if abs(p.x0 - above.x0) <= INDENT_EMS * em), default=above.x1)
    return line.first_word + 2 * WORD_SPACE_EMS * em > right - above.x1


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


def _drug_facts_heading(line: str) -> bool:
    """A Drug Facts heading printed as a sentence: "Keep out of reach of children." (21 CFR 201.66(c))."""
    return line.endswith(".") and is_plain_heading(line[:-1]) and bool(section_code(line[:-1], "other"))


def _numbered_title(line: str) -> bool:
    """A numbered heading longer than a plain heading may be: "2.2 Heterozygous Familial
    Hypercholesterolemia in Pediatric Patients (10-17 years of age)". Only with a heading style."""
    return bool(_NUMBERED_HEADING.match(line)) and len(line) <= MAX_NUMBERED_TITLE_CHARS and line[-1] not in ".,;:"


def _body_style(printed: list[_Printed]) -> tuple[float, bool] | None:
    """The (size, bold) that sets the most characters on the page."""
    weight: Counter = Counter()
    for p in printed:
        weight[(round(p.size, 1), p.bold)] += len(p.text)
    return weight.most_common(1)[0][0] if weight else None


def _stands_out(style: tuple[float, bool], body: tuple[float, bool]) -> bool:
    return style[0] >= body[0] * HEADING_SIZE_RATIO or (style[1] and not body[1])
