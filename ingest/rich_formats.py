"""HTML and PDF files -> Document. The extracted text is what the index stores and cites.

Both extractors return text laid out like a plain-text monograph: one block (paragraph,
list item, table row, heading) per line, headings between blank lines, so the sentence
splitter never joins two blocks and `Section` offsets point into that text. A PDF that is
an FDA prescribing-information label gets its sections from `pdf_label.read_label`: the
numbered sections of the full text only, with their LOINC codes.
"""

from __future__ import annotations

import re

from .chunking import page_of
from .documents import SourceFile, make_document
from .drugs import active_ingredient_names, detect_drug_names, dominant_drug_names
from .loinc import heading_codes
from .pdf_label import LabelLayout, read_label
from .records import Document, Section
from .spl import label_drug_names

ACTIVE_INGREDIENT = "55106-9"  # LOINC "Active Ingredient" (a Drug Facts panel's first section)


def load_rich(source: SourceFile, meta: dict) -> Document:
    """One Document from an .html/.htm/.pdf file; ValueError("no text ...") when empty."""
    suffix = source.path.suffix.lower()
    label = None
    if suffix == ".pdf":
        from .pdf_text import extract_pdf

        text, headings, pages = extract_pdf(source.path)
        label = read_label(text, headings, pages)
        if label:
            meta = _label_meta(label, text, meta)
        if not meta.get("drugs") and not meta.get("drug") and not detect_drug_names(meta.get("title") or _first_line(text), ""):
            # A PDF label's first line often names no drug ("WARNING", "Drug Facts", "TABLETS").
            # Its title is then its drug names, not "WARNING": titles head every section's embedding.
            names = list(unnamed_label_drugs(text, headings))
            meta = {**meta, "drugs": names, **({"title": ", ".join(names)} if names and not meta.get("title") else {})}
        if meta.get("drugs"):
            # the words of a many-word name a question may use alone, as for SPL ("ethacrynic acid" -> ethacrynic)
            meta = {**meta, "drugs": list(label_drug_names((), meta["drugs"]))}
    elif suffix in (".html", ".htm"):
        from .html_text import extract_html

        text, headings, title = extract_html(source.path.read_bytes())
        if title and not meta.get("title"):
            meta = {**meta, "title": title}
        pages = ()
    else:
        raise ValueError(f"not an HTML or PDF file: {source.path.name}")
    if not text.strip():
        kind = "PDF (scanned or image-only pages?)" if suffix == ".pdf" else "HTML after dropping scripts and navigation"
        raise ValueError(f"no text in this {kind}")
    title = str(meta.get("title") or _first_line(text))
    sections = label.sections if label else sections_from_headings(text, headings, title, pages,
                                                                   by_case=suffix == ".pdf")
    return make_document(source.rel_id, text, markdown=False, meta=meta, source_path=str(source.path),
                         sections=sections, pages=pages)


def unnamed_label_drugs(text: str, headings: list[tuple[int, int, str]]) -> tuple[str, ...]:
    """The drugs of a label whose first line names none: a Drug Facts panel's active
    ingredients; otherwise the drugs its text names throughout (bench/drug_names.py)."""
    codes = heading_codes([h[2] for h in headings])
    for i, ((_, body_start, _), code) in enumerate(zip(headings, codes, strict=True)):
        if code == ACTIVE_INGREDIENT:
            body_end = headings[i + 1][0] if i + 1 < len(headings) else len(text)
            names = active_ingredient_names(text[body_start:body_end])
            if names:
                return names
    return dominant_drug_names(text)


def type_levels(titles: list[str]) -> list[int] | None:
    """Heading levels by case, where a document sets some headings in capitals and some not
    (an older-format label: "WARNINGS", then "Tardive Dyskinesia" under it): capitals 1, others 2,
    so an unnamed mixed-case heading means what the capitals above it mean. None otherwise."""
    upper = [t.isupper() for t in titles]
    return [1 if u else 2 for u in upper] if any(upper) and not all(upper) else None


def _first_line(text: str) -> str:
    return text.lstrip().split("\n", 1)[0].strip()[:200]


def sections_from_headings(text: str, headings: list[tuple[int, int, str]], title: str,
                           pages: tuple[tuple[int, int], ...] = (), by_case: bool = False) -> tuple[Section, ...]:
    """Sections from (line start, line end, heading) spans; text before the first goes under title.

    by_case (a PDF, whose headings have no levels of their own): `type_levels`.
    Same layout as plain-text sections: a section's body runs from the end of its
    heading line to the start of the next heading line.
    """
    cuts = [(0, 0, title)] if text[: headings[0][0] if headings else len(text)].strip() else []
    cuts += headings
    titles = [h[2] for h in headings]
    codes = [""] * (len(cuts) - len(headings)) + heading_codes(titles, type_levels(titles) if by_case else None)
    sections = []
    for i, (_, body_start, heading) in enumerate(cuts):
        body_end = cuts[i + 1][0] if i + 1 < len(cuts) else len(text)
        sections.append(Section(heading, body_start, body_end, page_of(pages, body_start), codes[i]))
    return tuple(sections)


_PRODUCT_NAME = re.compile(r"^(.+?)\s*\(([^()]+)\)")


def product_title(line: str) -> str:
    """A label's title as SPL makes it, "BRAND (generic)", from the Highlights' product line:
    "LIPITOR® (atorvastatin calcium) Tablets for oral administration" -> "LIPITOR (atorvastatin
    calcium)". Titles head every section's embedding, so a label reads the same from both."""
    m = _PRODUCT_NAME.match(line)
    if not m:
        return line
    return f"{m.group(1).strip(' ®™*')} ({m.group(2).strip()})"


def _label_meta(label: LabelLayout, text: str, meta: dict) -> dict:
    """Title, date and drug names (generic + brand) read from a label's Highlights; the
    sidecar's own values win."""
    found = {"title": product_title(label.title), "date": label.date}
    if label.title and label.brand:
        names = detect_drug_names(label.title, text)
        found["drugs"] = [*names, label.brand] if label.brand.lower() not in map(str.lower, names) else list(names)
    return {**{k: v for k, v in found.items() if v}, **meta}
