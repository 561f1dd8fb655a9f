"""PDF -> text per page (pypdf), with page start offsets and detected headings.

pypdf gives one line per printed line, so a paragraph arrives wrapped at the page
width. Lines are re-joined into paragraphs (a sentence must not be split in two by
a line break) and heading lines are recognised by type: a line set in a larger or
bold font than the page's body text that also passes the plain-text heading test
(`is_plain_heading`: short, no sentence punctuation). Headings get blank lines around
them, so the stored text reads like a plain-text monograph.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

from .sections import is_plain_heading

# A heading is set at least 15% larger than the body text (11 pt body -> 12.65 pt).
HEADING_SIZE_RATIO = 1.15
PAGE_GAP = "\n\n"
_LIST_ITEM = re.compile(r"^(?:[-*\u2022\u2013\u25aa]|\d{1,3}[.)])\s")


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
    for number, lines in enumerate(pages, 1):
        if not lines:
            continue
        if parts:
            parts.append(PAGE_GAP)
            pos += len(PAGE_GAP)
        starts.append((pos, number))
        for i, (line, heading) in enumerate(lines):
            if i:
                gap = "\n\n" if heading or lines[i - 1][1] else "\n"
                parts.append(gap)
                pos += len(gap)
            if heading:
                headings.append((pos, pos + len(line), line))
            parts.append(line)
            pos += len(line)
    return "".join(parts) + ("\n" if parts else ""), headings, tuple(starts)


def _page_lines(page) -> list[tuple[str, bool]]:
    """[(line, is heading)] of one page, wrapped lines joined into paragraphs."""
    fragments: list[tuple[str, float, bool]] = []

    def visit(text, cm, tm, font, size):
        scale = abs(tm[3] * cm[3]) or 1.0
        bold = "bold" in str((font or {}).get("/BaseFont", "")).lower()
        fragments.append((text, size * scale, bold))

    text = page.extract_text(visitor_text=visit) or ""
    styled = _styled_lines(fragments)
    body = _body_style(styled)
    lines: list[tuple[str, bool]] = []
    for raw in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        line = " ".join(raw.split())
        if not line:
            continue
        style = styled.get(line)
        heading = bool(style and body and _stands_out(style, body) and is_plain_heading(line))
        if lines and not heading and not lines[-1][1] and _continues(lines[-1][0], line):
            joiner = "" if lines[-1][0].endswith("-") else " "
            lines[-1] = (lines[-1][0] + joiner + line, False)
        else:
            lines.append((line, heading))
    return lines


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
