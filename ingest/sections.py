"""Section detection: Markdown headings, or short title lines in plain text."""

from __future__ import annotations

import re

from .loinc import heading_codes
from .records import Section

_MD_HEADING = re.compile(r"^(#{1,6})[ \t]+(.+?)[ \t#]*$")
_MONTHS = "january|february|march|april|may|june|july|august|september|october|november|december"
DATE_LINE = re.compile(
    rf"^\s*(?:\d{{1,2}}\s+(?:{_MONTHS})\s+\d{{4}}|(?:{_MONTHS})\s+\d{{1,2}},?\s+\d{{4}}"
    rf"|\d{{4}}-\d{{2}}-\d{{2}})\s*$",
    re.IGNORECASE,
)
SOURCE_LINE = re.compile(r"^\s*(?:source|url)\s*:\s*(https?://\S+)\s*$", re.IGNORECASE)
# A plain-text heading is one short line between blank lines that does not end like
# a sentence: "How to Use Lenalidomide" yes, "Keep out of reach of children." no.
MAX_HEADING_CHARS = 90
MAX_HEADING_WORDS = 12


def _lines(text: str) -> list[tuple[int, int, str]]:
    """(start, end, content without line break) for every line."""
    out, pos = [], 0
    for raw in text.splitlines(keepends=True):
        out.append((pos, pos + len(raw), raw.rstrip("\r\n")))
        pos += len(raw)
    return out


def is_plain_heading(line: str) -> bool:
    s = line.strip().lstrip("\ufeff")
    return (
        0 < len(s) <= MAX_HEADING_CHARS
        and len(s.split()) <= MAX_HEADING_WORDS
        and s[-1] not in ".,;:"
        and s[0].isalnum()
        and s[0] == s[0].upper()
        and any(ch.isalpha() for ch in s)
        and not DATE_LINE.match(s)
        and not SOURCE_LINE.match(s)
    )


def find_headings(text: str, markdown: bool) -> list[tuple[int, int, str, int]]:
    """(line start, line end, heading title, level) for every heading line (level: the
    number of #; 1 for a plain-text heading)."""
    lines = _lines(text)
    found = []
    for i, (start, end, content) in enumerate(lines):
        if markdown:
            m = _MD_HEADING.match(content)
            if m:
                found.append((start, end, m.group(2).strip(), len(m.group(1))))
            continue
        blank_before = i == 0 or not lines[i - 1][2].strip()
        blank_after = i == len(lines) - 1 or not lines[i + 1][2].strip()
        if blank_before and blank_after and is_plain_heading(content):
            found.append((start, end, content.strip().lstrip("\ufeff"), 1))
    return found


def split_sections(text: str, markdown: bool, title: str) -> tuple[Section, ...]:
    """Sections covering the document; text before the first heading goes under `title`.
    A heading named as a label section carries its LOINC code (`heading_codes`)."""
    headings = find_headings(text, markdown)
    codes = heading_codes([h[2] for h in headings], [h[3] for h in headings])
    sections: list[Section] = []
    first = headings[0][0] if headings else len(text)
    if text[:first].strip():
        sections.append(Section(title, 0, first))
    for i, (_, line_end, heading, _) in enumerate(headings):
        body_end = headings[i + 1][0] if i + 1 < len(headings) else len(text)
        sections.append(Section(heading, line_end, body_end, None, codes[i]))
    return tuple(sections)


def metadata_lines(text: str, head_lines: int = 12) -> tuple[str, str, tuple[tuple[int, int], ...]]:
    """Date and source URL from the first lines, and their spans (never cited)."""
    date, url, spans = "", "", []
    for start, end, content in _lines(text)[:head_lines]:
        if not date and DATE_LINE.match(content):
            date = content.strip()
            spans.append((start, end))
        elif not url and (m := SOURCE_LINE.match(content)):
            url = m.group(1)
            spans.append((start, end))
    return date, url, tuple(spans)
