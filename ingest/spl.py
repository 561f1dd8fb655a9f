"""SPL (Structured Product Labeling, DailyMed) XML -> one labelled Document.

The label's text is laid out like a plain-text monograph: one block per line (a
paragraph, a list item, a table row with cells joined by " | "), section headings on
lines of their own, blank lines between blocks. Offsets of sections and citations refer
to that extracted text, which the index stores.

Kept out of the citable text: the Highlights (`<excerpt><highlight>`, which repeat the
full text), the product-data and carton sections, a table of contents, "Revised:" lines
and the labeler's address block.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from xml.etree.ElementTree import Element

from defusedxml import ElementTree

from .loinc import UNCLASSIFIED, printed_headings, section_names
from .records import Section

NS = "urn:hl7-org:v3"
_NS = f"{{{NS}}}"
# Sections that are not label prose: product data elements (a machine table), the
# carton's principal display panel, and SPL indexing data.
EXCLUDED_CODES = frozenset({"48780-1", "51945-4", "60559-2", "48779-3"})
_TOC = re.compile(r"^\s*(?:full prescribing information\s*:\s*contents|table of contents|contents\*?)\s*$", re.I)
_REVISED = re.compile(r"^\s*(?:content\s+)?(?:revised|rev\.|issued)\s*:?\s*(?:\d{1,2}\s*/\s*\d{2,4}|[a-z]+\.?\s+\d{4})\b",
                      re.I)
# The labeler's address block opens with one of these and runs over short lines.
_ADDRESS_OPENER = re.compile(
    r"^\s*(?:manufactured|distributed|marketed|packaged|repackaged|made|mfd\.?|distr?\.?|licensed|"
    r"product of|manufactured and distributed)\b[^.]{0,40}?\b(?:by|for|in|from)\b\s*:?", re.I)
_ADDRESS_LINE_CHARS = 120
# An address line: a US state and ZIP code or a Canadian postal code ("North Chicago, IL 60064").
_POSTAL = re.compile(r"\b(?:[A-Z]{2}\s+\d{5}(?:-\d{4})?|[A-Z]\d[A-Z]\s?\d[A-Z]\d)\b")
# A line that is only a revision date or a document control code ("October 2012", "LAB-0348-8.0").
_CONTROL_LINE = re.compile(r"^\s*(?:[A-Z]{2,6}-?\d[\w.-]*|(?i:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?"
                           r"\s+(?:\d{1,2},\s*)?\d{4}|[A-Z0-9:./-]*\d[A-Z0-9:./-]*(?:\s+\d+)*)\s*$")
_SPACE = re.compile(r"\s+")
# Zipf frequency (log10 of uses per billion words, wordfreq) at or above which a word of a
# product name is everyday English, not a drug name: "night" 5.6, "calcium" 3.8, "mens" 3.5
# vs "aspirin" 3.3, "lipitor" 2.1, "triaminic" 0.
NAME_WORD_MAX_ZIPF = 3.0


class NotSplError(ValueError):
    """An XML file that is not an HL7 SPL document."""


@dataclass(slots=True)
class LabelText:
    """The extracted text under construction: lines, headings and sections."""

    lines: list[str] = field(default_factory=list)
    length: int = 0
    sections: list[tuple[int, int, str, str]] = field(default_factory=list)  # heading start, body start, title, code

    def add(self, line: str) -> None:
        line = line.strip()
        if line:
            self.lines.append(line)
            self.length += len(line) + 2  # each block ends with a blank line

    def heading(self, title: str, code: str) -> None:
        start = self.length
        self.add(title)
        self.sections.append((start, self.length, title, code))

    def text(self) -> str:
        return "".join(f"{line}\n\n" for line in self.lines)


def collapse(text: str) -> str:
    return _SPACE.sub(" ", text).strip()


def _local(el: Element) -> str:
    return el.tag.rsplit("}", 1)[-1] if isinstance(el.tag, str) else ""


def _children(el: Element, name: str) -> list[Element]:
    return [c for c in el if _local(c) == name]


_BREAK = "\x00"  # stands for <br/> while a paragraph's text is assembled


def inline_text(el: Element, breaks: str = " ") -> str:
    """What an inline element shows: text of content/sup/sub/linkHtml, <br/> as breaks,
    footnotes and images left out."""
    parts = [el.text or ""]
    for child in el:
        name = _local(child)
        if name == "br":
            parts.append(breaks)
        elif name not in ("footnote", "renderMultiMedia", "observationMedia"):
            parts.append(inline_text(child, breaks))
        parts.append(child.tail or "")
    return "".join(parts)


def _footnotes(el: Element) -> list[str]:
    return [collapse(inline_text(f)) for f in el.iter(f"{_NS}footnote")]


def _block_lines(el: Element) -> list[str]:
    """Lines of one block element of a section's <text>."""
    name = _local(el)
    if name == "paragraph":
        # only <br/> breaks a paragraph's lines: a newline in the XML source is mere whitespace
        return [collapse(piece) for piece in inline_text(el, _BREAK).split(_BREAK)]
    if name == "list":
        out = []
        for item in _children(el, "item"):
            nested = [c for c in item if _local(c) == "list"]
            for c in nested:
                item.remove(c)
            out.append(collapse(inline_text(item)))
            for c in nested:
                out.extend(_block_lines(c))
        return out
    if name == "table":
        return table_lines(el)
    if name in ("caption", "content"):
        return [collapse(inline_text(el))]
    return []


def table_lines(table: Element) -> list[str]:
    """Caption, one line per row (header rows first, cells joined by " | "), then footnotes."""
    out = [collapse(inline_text(c)) for c in _children(table, "caption")]
    for part in ("thead", "tbody", "tfoot"):
        for group in _children(table, part):
            for row in _children(group, "tr"):
                cells = [collapse(inline_text(c)) for c in row if _local(c) in ("td", "th")]
                if any(cells):
                    out.append(" | ".join(cells))
    for row in _children(table, "tr"):  # rows directly under <table>
        cells = [collapse(inline_text(c)) for c in row if _local(c) in ("td", "th")]
        if any(cells):
            out.append(" | ".join(cells))
    out.extend(_footnotes(table))
    return out


def section_lines(text_el: Element) -> list[str]:
    """Citable lines of a section's <text>: blocks in order, paragraph footnotes after them,
    with "Revised:" lines and the labeler's address block dropped."""
    lines: list[str] = []
    for block in text_el:
        lines.extend(_block_lines(block))
        if _local(block) != "table":
            lines.extend(_footnotes(block))
    return drop_boilerplate([ln for ln in lines if ln])


def drop_boilerplate(lines: list[str]) -> list[str]:
    """Without "Revised: 1/2014" lines, tables of contents and address blocks
    ("Manufactured by:" followed by short lines)."""
    out, in_address = [], False
    for line in lines:
        if _REVISED.match(line) or _TOC.match(line) or _CONTROL_LINE.match(line):
            continue
        if _ADDRESS_OPENER.match(line) and len(line) <= _ADDRESS_LINE_CHARS:
            in_address = True
            continue
        if in_address and len(line) <= _ADDRESS_LINE_CHARS and not line.endswith((".", "?", "!")) or (
                in_address and _REVISED.match(line)):
            continue
        in_address = False
        if _POSTAL.search(line) and len(line.split()) <= 12:
            if out and len(out[-1]) <= 60 and not out[-1].endswith((".", ":", "?", "!")) or (
                    out and re.search(r"\b(?:inc|llc|ltd|corp|co|gmbh|s\.a)\.?$", out[-1], re.I)):
                out.pop()  # the company line above the city line
            continue
        out.append(line)
    return out


@dataclass(frozen=True, slots=True)
class LabelInfo:
    title: str
    set_id: str
    version: str
    date: str  # ISO yyyy-mm-dd of the effective time
    brand_names: tuple[str, ...]
    generic_names: tuple[str, ...]
    labeler: str


def read_spl(data: bytes) -> tuple[str, tuple[Section, ...], LabelInfo]:
    """(extracted text, sections, label metadata) of an SPL file's bytes.
    Raises NotSplError for other XML and ValueError for XML that does not parse."""
    try:
        root = ElementTree.fromstring(data)
    except ElementTree.ParseError as err:
        raise ValueError(f"not well-formed XML ({err})") from None
    if root.tag != f"{_NS}document":
        raise NotSplError(f"not an SPL label (root element {root.tag!r}, expected 'document' in namespace {NS})")
    info = label_info(root)
    label = LabelText()
    label.add(info.title)
    body = root.find(f"{_NS}component/{_NS}structuredBody")
    if body is not None:
        for comp in _children(body, "component"):
            for sec in _children(comp, "section"):
                _walk_section(sec, "", label)
    text = label.text()
    return text, _sections(label, len(text)), info


def _walk_section(sec: Element, parent_code: str, label: LabelText, parent_title: str = "") -> None:
    """Headings and lines of a section and its subsections, in document order. A
    subsection coded SPL UNCLASSIFIED (or not coded) takes its parent's code."""
    code_el = sec.find(f"{_NS}code")
    own_code = code_el.get("code", "") if code_el is not None else ""
    if own_code in EXCLUDED_CODES:
        return
    code = parent_code if (not own_code or own_code == UNCLASSIFIED) and parent_code else own_code
    title_el = sec.find(f"{_NS}title")
    title = collapse(inline_text(title_el)) if title_el is not None else ""
    if _TOC.match(title):
        return
    if not title and parent_code:
        # An untitled subsection is layout (a box, a chart): it continues its parent, whose
        # heading is repeated when a titled sibling came in between.
        code = parent_code
        if parent_title and label.sections and label.sections[-1][2] != parent_title:
            title = parent_title
    elif not title:
        title = printed_headings().get(code) or section_names().get(code, "") or "Label"
    text_el = sec.find(f"{_NS}text")
    lines = section_lines(text_el) if text_el is not None else []
    if title:
        label.heading(title, code)
    for line in lines:
        label.add(line)
    for comp in _children(sec, "component"):
        for child in _children(comp, "section"):
            _walk_section(child, code, label, title or parent_title)


def _sections(label: LabelText, end: int) -> tuple[Section, ...]:
    """Each heading's body runs to the next heading; text before the first (the title
    line) belongs to no section and is never cited."""
    out = []
    for i, (_, body, title, code) in enumerate(label.sections):
        stop = label.sections[i + 1][0] if i + 1 < len(label.sections) else end
        out.append(Section(title, body, stop, None, code))
    return tuple(out)


def label_info(root: Element) -> LabelInfo:
    def first(path: str, attr: str | None = None) -> str:
        el = root.find(path)
        if el is None:
            return ""
        return (el.get(attr) or "") if attr else collapse(inline_text(el))

    brands, generics = [], []
    for product in root.iter(f"{_NS}manufacturedProduct"):
        name = product.find(f"{_NS}name")
        if name is not None:  # "TRIAMINIC<suffix>Childrens ...</suffix>": parts are words
            brands.append(collapse(" ".join(name.itertext())))
        for generic in product.iterfind(f"{_NS}asEntityWithGeneric/{_NS}genericMedicine/{_NS}name"):
            generics.append(collapse(" ".join(generic.itertext())))
    brands = list(dict.fromkeys(b for b in brands if b))
    generics = list(dict.fromkeys(g for g in generics if g))
    raw_title = first(f"{_NS}title")
    effective = first(f"{_NS}effectiveTime", "value")
    date = f"{effective[:4]}-{effective[4:6]}-{effective[6:8]}" if re.fullmatch(r"\d{8}.*", effective) else ""
    return LabelInfo(
        title=label_title(raw_title, brands, generics),
        set_id=first(f"{_NS}setId", "root"), version=first(f"{_NS}versionNumber", "value"), date=date,
        brand_names=tuple(brands), generic_names=tuple(generics),
        labeler=first(f"{_NS}author/{_NS}assignedEntity/{_NS}representedOrganization/{_NS}name"))


def label_title(raw: str, brands: list[str], generics: list[str]) -> str:
    """"BRAND (generic)" from the product names; the XML title when it names no product
    ("These highlights do not include ..." is a disclaimer, not a title)."""
    if brands:
        brand = brands[0]
        generic = next((g for g in generics if g.lower() != brand.lower()), "")
        return f"{brand} ({generic.lower()})" if generic else brand
    if raw and not raw.lower().startswith("these highlights"):
        return raw[:200]
    return generics[0] if generics else "Drug label"


def label_drug_names(brands: tuple[str, ...] | list[str], generics: tuple[str, ...] | list[str]) -> tuple[str, ...]:
    """Names a question may use for this label: each full brand and generic name, and
    their words that are not everyday English (wordfreq Zipf frequency below
    NAME_WORD_MAX_ZIPF): "Lipitor", "atorvastatin" yes; "Mens", "Night", "calcium" no."""
    from wordfreq import zipf_frequency

    names: dict[str, str] = {}
    for full in [*brands, *generics]:
        for part in [full, *re.split(r"[\s,;/()-]+", full)]:
            part = part.strip(" .®™")
            if len(part) < 4 or part.lower() in names:
                continue
            if part is full or zipf_frequency(part.lower(), "en") < NAME_WORD_MAX_ZIPF:
                names[part.lower()] = part
    return tuple(names.values())
