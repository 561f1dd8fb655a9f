"""python -m bench.pdf [--groups humira,lipitor,...] [--two-column]

The same labels and questions as SPL XML and as PDF prescribing information, answered by
the same engine in the same run: how much reading a label from a PDF loses.

Each SPL label of a question group is printed to a PDF the way Drugs@FDA prints labels
(tests/data/formats/make_label_pdfs.py's layout, every section kept this time): a PLR label
(one with Highlights) gets its two-column Highlights page, the Contents, "FULL PRESCRIBING
INFORMATION", every section with its lists and tables, the address and "Revised:" lines and
its whole patient leaflet; an older or OTC label gets its title and its sections under their
headings. Every page carries a "Reference ID:" footer. --two-column sets the full text in
two columns too, as many older PDFs are. Debian chromium prints the PDFs (headless, no
network). Both formats are indexed with the encoder tuned without the group
(bench/fit.py's group_model) and answered with the product's fitted values; the figures
are bench/fit.py's (right = reference in the quote, containment >= 0.5).

Writes bench/out/pdf/report.json and prints a table. Needs /usr/bin/chromium.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

from ingest import IngestConfig, build_index
from qa.config import QAConfig
from qa.pipeline import load_pipeline

from .fit import MODELS, ROOT, SETTINGS, Group, Loaded, evaluate_group, group_model, groups

OUT = ROOT / "bench" / "out" / "pdf"
RENDERER = ROOT / "tests" / "data" / "formats" / "make_label_pdfs.py"
DEFAULT_GROUPS = ("humira", "lipitor", "haloperidol", "cough", "edecrin", "rogaine")


def renderer():
    spec = importlib.util.spec_from_file_location("make_label_pdfs", RENDERER)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclass looks its module up
    spec.loader.exec_module(module)
    return module


def label_html(r, spl: Path, two_column: bool) -> str:
    """HTML of a whole label in an FDA PDF's layout (r: the make_label_pdfs module)."""
    ns = r.NS
    import xml.etree.ElementTree as ET

    doc = ET.parse(spl).getroot()
    top = doc.findall(f"{ns}component/{ns}structuredBody/{ns}component/{ns}section")
    leaflet_codes = ("42230-3", "42231-1", "38056-8")
    plr = any(s.find(f"{ns}excerpt/{ns}highlight/{ns}text") is not None for s in top)
    boxed = next((s for s in top if r.code_of(s) == "34066-1"), None)
    kept = [s for s in top if s is not boxed and r.code_of(s) not in (*leaflet_codes, "48780-1", "51945-4")
            and r.title_of(s)]
    leaflets = [s for s in top if r.code_of(s) in leaflet_codes]
    revised = doc.find(f"{ns}effectiveTime").get("value")
    body = []
    if plr:
        body += [r.highlights(top, doc), r.contents(kept, boxed),
                 "<div class='full'><h1 class='newpage'>FULL PRESCRIBING INFORMATION</h1>"]
    else:
        title = r.inline(doc.find(f"{ns}title")) if doc.find(f"{ns}title") is not None else spl.stem
        body.append(f"<div class='full'><h1>{title}</h1>")
    if boxed is not None:
        body.append(f"<div class='box'><h2>{r.html.escape(r.title_of(boxed))}</h2>{r.section_body(boxed, 3)}</div>")
    for section in kept:
        body.append(f"<h2>{r.html.escape(r.title_of(section))}</h2>{r.section_body(section, 3)}")
    body.append(f"<div class='address'><p>Manufactured for:</p><p>Revised: {revised[4:6]}/{revised[:4]}</p></div></div>")
    for leaflet in leaflets:
        body.append(f"<div class='newpage'><h2>{r.html.escape(r.title_of(leaflet))}</h2>"
                    f"{r.section_body(leaflet, 3)}</div>")
    css = r.CSS % {"toc_columns": 2, "heading_size": "11pt", "text_width": "7.5in"}
    if two_column:
        css += ".full { column-count: 2; column-gap: 0.3in; } .full h1 { column-span: all; }"
    return (f"<!DOCTYPE html><html><head><meta charset='utf-8'><style>{css}</style></head><body>"
            f"<div class='footer'>Reference ID: 4000000</div>{''.join(body)}</body></html>")


def render_pdf(r, spl: Path, out: Path, two_column: bool) -> Path:
    """Prints spl's label to out (kept when newer than the SPL and the renderer)."""
    if out.exists() and out.stat().st_mtime > max(spl.stat().st_mtime, RENDERER.stat().st_mtime,
                                                   Path(__file__).stat().st_mtime):
        return out
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        page = Path(tmp) / "label.html"
        page.write_text(label_html(r, spl, two_column), encoding="utf-8")
        subprocess.run([*r.CHROMIUM, f"--print-to-pdf={out}", page.as_uri()], check=True, capture_output=True,
                       timeout=300)
    return out


def load(group: Group, corpus: Path, index_dir: Path) -> Loaded:
    name, path = group_model(group)
    build_index(IngestConfig(corpus_paths=(corpus,), index_dir=index_dir, model_name=name, model_path=path),
                progress=False)
    pipeline = load_pipeline(QAConfig(index_dir=index_dir), model_name=name)
    return Loaded(replace(group, corpus=(corpus,)), pipeline, [])


def product_fitted() -> dict:
    c = QAConfig()
    return {**{k: getattr(c, f"{k}_model") for k in MODELS}, **{k: getattr(c, k) for k in SETTINGS}}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.pdf", description=__doc__.splitlines()[2])
    parser.add_argument("--groups", default=",".join(DEFAULT_GROUPS))
    parser.add_argument("--two-column", action="store_true", help="set the full text in two columns")
    args = parser.parse_args(argv)
    if not Path(renderer().CHROMIUM[0]).exists():
        print("error: /usr/bin/chromium is missing (apt-get install chromium)", file=sys.stderr)
        return 2
    r = renderer()
    layout = "two-column" if args.two_column else "one-column"
    wanted = args.groups.split(",")
    fitted = product_fitted()
    report = {}
    for group in [g for g in groups() if g.name in wanted]:
        spl = group.corpus[0]
        started = time.perf_counter()
        pdf = render_pdf(r, spl, OUT / layout / f"{group.name}.pdf", args.two_column)
        rendered = time.perf_counter() - started
        row = {}
        for fmt, corpus in (("spl", spl), ("pdf", pdf)):
            loaded = load(group, corpus, OUT / layout / "index" / f"{group.name}-{fmt}")
            row[fmt] = evaluate_group(loaded, fitted, OUT / layout / "answers" / f"{group.name}-{fmt}")
        row["render_seconds"] = round(rendered, 1)
        row["pdf_bytes"] = pdf.stat().st_size
        report[group.name] = row
        print(group.name, json.dumps({f: {k: row[f][k] for k in ("answered_with_reference", "unanswerable_abstained",
                                                                 "median_length_ratio", "section_recall@1")}
                                      for f in ("spl", "pdf")}), flush=True)
    (OUT / layout).mkdir(parents=True, exist_ok=True)
    (OUT / layout / "report.json").write_text(json.dumps(report, indent=2), encoding="utf-8")
    print(f"\n| label ({layout}) | right SPL | right PDF | abstained SPL | abstained PDF | length SPL | length PDF |"
          f" section R@1 SPL | section R@1 PDF |")
    print("|---|---|---|---|---|---|---|---|---|")
    for name, row in report.items():
        cells = [row[f][k] for k in ("answered_with_reference", "unanswerable_abstained", "median_length_ratio",
                                     "section_recall@1") for f in ("spl", "pdf")]
        print(f"| {name} | " + " | ".join(str(c) for c in cells) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
