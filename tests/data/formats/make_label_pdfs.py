"""Writes humira-label.pdf and lipitor-label.pdf here from the SPL XML in ../shared/labels/spl.

    python tests/data/formats/make_label_pdfs.py

Each label is rendered to one HTML page laid out like an FDA prescribing-information PDF
and printed by headless Debian chromium (/usr/bin/chromium):
page 1 HIGHLIGHTS OF PRESCRIBING INFORMATION in two columns (the SPL <highlight> excerpts
under "----- SECTION -----" rules, "See 17 for PATIENT COUNSELING INFORMATION", "Revised:
M/YYYY"), then "FULL PRESCRIBING INFORMATION: CONTENTS*" (the numbered headings kept, in two
columns for Humira, one for Lipitor), then "FULL PRESCRIBING INFORMATION" with the boxed
warning and the kept numbered sections (paragraphs, lists, tables), the manufacturer's
address and "Revised:" lines, and for Lipitor the start of its PATIENT INFORMATION leaflet.
Every page carries a "Reference ID:" footer, as Drugs@FDA PDFs do.

The labels are trimmed (sections 1, 2, 4, 5, 7, 8 of Humira; 1, 2, 4, 7 of Lipitor) to keep
the files small. Humira sets its headings larger than the body, Lipitor in bold at body
size and in a narrow column that wraps its long headings over two lines, so the loader is
tested on both. The text is the label's own except the page footer (a made-up Reference ID),
the "Manufactured by:"/"Distributed by:" lead-ins and the "Revised:" lines (from the SPL's
effectiveTime). Rerun after editing LABELS; the PDFs differ byte for byte between runs
(chromium stamps the creation time) but not in text.
"""

from __future__ import annotations

import html
import re
import subprocess
import tempfile
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
SPL = HERE.parents[3] / "shared" / "labels" / "spl"
NS = "{urn:hl7-org:v3}"
CHROMIUM = ["/usr/bin/chromium", "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
            "--disable-background-networking", "--no-pdf-header-footer"]


@dataclass(frozen=True)
class Label:
    spl: str
    out: str
    keep: tuple[str, ...]  # top-level section numbers printed in full
    address: tuple[str, ...]  # the label's own address lines, printed after the last section
    reference_id: str
    contents_columns: int
    heading_size: str  # CSS font size of numbered headings (body text is 10pt)
    text_width: str  # CSS width of the full text: a narrow one wraps the long headings
    patient_leaflet_paragraphs: int = 0  # how much of the patient leaflet to print after the address


LABELS = (
    Label("humira.xml", "humira-label.pdf", ("1", "2", "4", "5", "7", "8"),
          ("Manufactured by:", "AbbVie Inc.", "North Chicago, IL 60064, U.S.A.", "03-A883 September 2013"),
          "3378512", 2, "11.5pt", "7.5in"),
    Label("lipitor.xml", "lipitor-label.pdf", ("1", "2", "4", "7"),
          ("Distributed by:", "Parke-Davis", "Div of Pfizer Inc, NY, NY 10017", "LAB-0021-29.0"),
          "3350327", 1, "10pt", "5.5in", patient_leaflet_paragraphs=12),
)

CSS = """
@page { size: letter; margin: 0.5in 0.5in 0.7in 0.5in; }
body { font-family: 'Liberation Serif', serif; font-size: 10pt; line-height: 1.2; }
.hl { column-count: 2; column-gap: 0.25in; font-size: 8pt; border-bottom: 1px solid black; }
.hl h1 { font-size: 8pt; column-span: all; margin: 0; }
.hl h4 { font-size: 8pt; text-align: center; margin: 6px 0 2px; }
.hl p, .hl li { margin: 1px 0; }
.toc { column-count: %(toc_columns)s; font-size: 9pt; border-bottom: 1px solid black; }
.toc h1 { font-size: 10pt; column-span: all; }
.toc p { margin: 0; } .toc .sub { margin-left: 12px; } .toc .top { font-weight: bold; }
h1 { font-size: 11pt; text-align: center; }
h2 { font-size: %(heading_size)s; margin: 10px 0 4px; }
h3 { font-size: %(heading_size)s; margin: 8px 0 3px; }
.box { border: 1px solid black; padding: 4px; }
.box h2 { text-align: center; }
table { border-collapse: collapse; font-size: 9pt; margin: 4px 0; }
ul { list-style: none; padding-left: 12px; margin: 2px 0; }
td, th { border: 1px solid #888; padding: 2px 4px; vertical-align: top; }
.address p { margin: 0; }
.newpage { break-before: page; }
.full { width: %(text_width)s; }
.footer { position: fixed; bottom: -0.45in; left: 0; font-size: 8pt; }
"""


def tag(el) -> str:
    return el.tag.replace(NS, "")


def inline(el, top: bool = True) -> str:
    """Escaped text of an inline run (<content>, <sup>, <sub>, <linkHtml>, <br/>). Italics are
    printed upright: an italic font would add ~20 KB to each PDF and nothing to the tests."""
    parts = [html.escape(el.text or "")]
    for child in el:
        name = tag(child)
        inner = inline(child, top=False)
        if name == "br":
            parts.append("<br>")
        elif name == "sup":
            parts.append(f"<sup>{inner}</sup>")
        elif name == "sub":
            parts.append(f"<sub>{inner}</sub>")
        elif name == "content" and "bold" in (child.get("styleCode") or "").lower():
            parts.append(f"<b>{inner}</b>")
        elif name not in ("renderMultiMedia", "footnote"):
            parts.append(inner)
        parts.append(html.escape(child.tail or ""))
    joined = re.sub(r"\s+", " ", "".join(parts))  # an inner run keeps its edge spaces: "<b>Effects: </b>Anorexia"
    return joined.strip() if top else joined


def blocks(text_el) -> str:
    """HTML of an SPL <text>: paragraphs, lists, tables; images dropped."""
    out = []
    for el in text_el:
        name = tag(el)
        if name == "paragraph":
            body = inline(el)
            if body:
                out.append(f"<p>{body}</p>")
        elif name == "list":
            items = "".join(f"<li>\u2022 {inline(item)}{blocks(item)}</li>" for item in el.findall(f"{NS}item"))
            out.append(f"<ul>{items}</ul>")
        elif name == "table":
            out.append(table(el))
    return "".join(out)


def table(el) -> str:
    caption = el.find(f"{NS}caption")
    rows = []
    for part in ("thead", "tbody"):
        for tr in el.findall(f"{NS}{part}/{NS}tr"):
            cell = "th" if part == "thead" else "td"
            rows.append("<tr>" + "".join(f"<{cell}>{inline(td)}{blocks(td)}</{cell}>"
                                         for td in tr if tag(td) in ("td", "th")) + "</tr>")
    head = f"<p><b>{inline(caption)}</b></p>" if caption is not None else ""
    return f"{head}<table>{''.join(rows)}</table>"


def title_of(section) -> str:
    el = section.find(f"{NS}title")
    return re.sub(r"\s+", " ", "".join(el.itertext())).strip() if el is not None else ""


def code_of(section) -> str:
    el = section.find(f"{NS}code")
    return el.get("code", "") if el is not None else ""


def subsections(section):
    return [c for c in section.findall(f"{NS}component/{NS}section")]


def section_body(section, level: int) -> str:
    """A section's own text, then its subsections (titled ones get a heading)."""
    out = []
    text = section.find(f"{NS}text")
    if text is not None:
        out.append(blocks(text))
    for sub in subsections(section):
        heading = title_of(sub)
        if heading:
            out.append(f"<h{level}>{html.escape(heading)}</h{level}>")
        out.append(section_body(sub, level + 1 if heading else level))
    return "".join(out)


def highlights(top, doc) -> str:
    title_lines = inline(doc.find(f"{NS}title")).split("<br>")
    out = ["<div class='hl'><h1>HIGHLIGHTS OF PRESCRIBING INFORMATION</h1>"]
    out += [f"<p><b>{line.strip()}</b></p>" for line in title_lines if line.strip()]
    for section in top:
        excerpt = section.find(f"{NS}excerpt/{NS}highlight/{NS}text")
        if excerpt is None:
            continue
        heading = title_of(section) or "RECENT MAJOR CHANGES"
        name = re.sub(r"^\d+\s+", "", heading).upper()
        out.append(f"<h4>{'-' * 8}{html.escape(name)}{'-' * 8}</h4>{blocks(excerpt)}")
    revised = doc.find(f"{NS}effectiveTime").get("value")
    out.append("<p><b>See 17 for PATIENT COUNSELING INFORMATION and Medication Guide.</b></p>")
    out.append(f"<p style='text-align:right'><b>Revised: {int(revised[4:6])}/{revised[:4]}</b></p></div>")
    return "".join(out)


def contents(kept, boxed) -> str:
    out = ["<div class='toc'><h1>FULL PRESCRIBING INFORMATION: CONTENTS*</h1>"]
    if boxed is not None:
        out.append(f"<p class='top'>{html.escape(title_of(boxed))}</p>")
    for section in kept:
        out.append(f"<p class='top'>{html.escape(title_of(section))}</p>")
        out += [f"<p class='sub'>{html.escape(title_of(s))}</p>" for s in subsections(section) if title_of(s)]
    out.append("<p>* Sections or subsections omitted from the full prescribing information are not listed.</p></div>")
    return "".join(out)


def patient_leaflet(top, paragraphs: int) -> str:
    leaflet = next((s for s in top if code_of(s) in ("42230-3", "42231-1")), None)
    if leaflet is None or not paragraphs:
        return ""
    text = leaflet.find(f"{NS}text")
    shown = ET.Element(f"{NS}text")
    shown.extend(list(text)[:paragraphs])
    return f"<div class='newpage'><h1>{html.escape(title_of(leaflet))}</h1>{blocks(shown)}</div>"


def label_html(label: Label) -> str:
    doc = ET.parse(SPL / label.spl).getroot()
    top = doc.findall(f"{NS}component/{NS}structuredBody/{NS}component/{NS}section")
    boxed = next((s for s in top if code_of(s) == "34066-1"), None)
    kept = [s for s in top if title_of(s).split(" ", 1)[0] in label.keep]
    revised = doc.find(f"{NS}effectiveTime").get("value")
    body = [highlights(top, doc), contents(kept, boxed),
            "<div class='full'><h1 class='newpage'>FULL PRESCRIBING INFORMATION</h1>"]
    if boxed is not None:
        body.append(f"<div class='box'><h2>{html.escape(title_of(boxed))}</h2>{section_body(boxed, 3)}</div>")
    for section in kept:
        body.append(f"<h2>{html.escape(title_of(section))}</h2>{section_body(section, 3)}")
    body.append("<div class='address'>" + "".join(f"<p>{html.escape(line)}</p>" for line in label.address)
                + f"<p>Revised: {revised[4:6]}/{revised[:4]}</p></div></div>")
    body.append(patient_leaflet(top, label.patient_leaflet_paragraphs))
    css = CSS % {"toc_columns": label.contents_columns, "heading_size": label.heading_size,
                 "text_width": label.text_width}
    return (f"<!DOCTYPE html><html><head><meta charset='utf-8'><style>{css}</style></head><body>"
            f"<div class='footer'>Reference ID: {label.reference_id}</div>{''.join(body)}</body></html>")


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        for label in LABELS:
            page = Path(tmp) / (Path(label.out).stem + ".html")
            page.write_text(label_html(label), encoding="utf-8")
            subprocess.run([*CHROMIUM, f"--print-to-pdf={HERE / label.out}", page.as_uri()],
                           check=True, capture_output=True)
            print(f"{label.out}: {(HERE / label.out).stat().st_size} bytes")


if __name__ == "__main__":
    main()
