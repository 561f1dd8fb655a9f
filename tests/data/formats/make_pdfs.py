"""Writes the test PDFs in this folder: python tests/data/formats/make_pdfs.py

Hand-written PDF 1.4 with the standard Helvetica fonts, so no PDF library is needed to
make them and they read like any producer's file. Rerun after editing PAGES.
"""

from __future__ import annotations

from pathlib import Path

HERE = Path(__file__).resolve().parent
# Each page: lines of (font size, bold, text); a 16 pt bold line is a heading. A text longer
# than the column (COLUMN points) is a paragraph, word-wrapped as a typesetter would: a line
# breaks where the next word no longer fits (Helvetica's own widths).
COLUMN = 300
MONOGRAPH = [
    [(16, True, "Zentrodomide Monograph"),
     (16, True, "Indications"),
     (11, False, "Zentrodomide is used to treat adults with relapsed myeloma. It is taken with dexamethasone on "
                 "days 1, 8, 15 and 22 of each cycle. Take it as follows:"),
     (11, False, "1. Swallow the capsule whole."),
     (11, False, "2. Take it at the same time each day."),
     (16, True, "Dosage"),
     (11, False, "The usual dose is 15 mg once daily on days 1 to 21 of each 28-day cycle, taken with water. "
                 "Do not open or chew the capsules.")],
    [(16, True, "Side Effects"),
     (11, False, "Common side effects are fatigue and rash."),
     (11, False, "Blood counts are checked every week."),
     # Short lines without a full stop, one under the other: a dose list, not a wrapped sentence.
     (11, False, "Adults - 15 mg once daily"),
     (11, False, "Older adults - 10 mg once daily")],
    [(16, True, "Storage"),
     (11, False, "Store the capsules below 25 degrees in the original pack.")],
]


def _width(text: str, size: float, bold: bool) -> float:
    from pdfminer.fontmetrics import FONT_METRICS  # the standard fonts' widths (Adobe AFM files)

    widths = FONT_METRICS["Helvetica-Bold" if bold else "Helvetica"][1]
    return sum(widths.get(ch, 556) for ch in text) * size / 1000


def _wrap(size: float, bold: bool, text: str) -> list[str]:
    lines, words = [], text.split()
    for word in words:
        if lines and _width(f"{lines[-1]} {word}", size, bold) <= COLUMN:
            lines[-1] += f" {word}"
        else:
            lines.append(word)
    return lines


_PARAGRAPH = _wrap(10, False, "For patients with a creatinine clearance of 30 to 60 mL/min, the recommended dosage is "
                              "10 mg once daily.")
_RUNS_ON = (_PARAGRAPH[0], " ".join(_PARAGRAPH[1:]))


# An FDA-style label printed without any bold or larger type (every line 9 or 10 pt
# Helvetica), so only the wording tells Highlights, Contents, numbered headings and the
# address apart; the 2.2 paragraph runs on to page 3 across the "Reference ID" footer.
_FOOTER = (9, False, "Reference ID: 5400001")
# A paragraph whose first printed line ends page 2 and whose rest starts page 3.
PLAIN_LABEL = [
    [(9, False, "HIGHLIGHTS OF PRESCRIBING INFORMATION"),
     (9, False, "These highlights do not include all the information needed to use"),
     (9, False, "ZENTRA safely and effectively. See full prescribing information for ZENTRA."),
     (9, False, "ZENTRA (zentrodomide) capsules, for oral use"),
     (9, False, "Initial U.S. Approval: 2019"),
     (9, False, "----------------------DOSAGE AND ADMINISTRATION----------------------"),
     (9, False, "Take 15 mg once daily on days 1 to 21 of each 28-day cycle (2.1)."),
     (9, False, "Revised: 6/2024"),
     (9, False, "FULL PRESCRIBING INFORMATION: CONTENTS*"),
     (9, False, "1 INDICATIONS AND USAGE"),
     (9, False, "2 DOSAGE AND ADMINISTRATION"),
     (9, False, "2.1 Recommended Dosage"),
     (9, False, "2.2 Dosage Modifications for Renal Impairment"),
     (9, False, "12 CLINICAL PHARMACOLOGY"),
     (9, False, "12.1 Mechanism of Action"),
     _FOOTER],
    [(10, False, "FULL PRESCRIBING INFORMATION"),
     (10, False, "1 INDICATIONS AND USAGE"),
     (10, False, "ZENTRA is indicated for the treatment of adults with multiple myeloma who have received at "
                 "least one prior therapy."),
     (10, False, "2 DOSAGE AND ADMINISTRATION"),
     (10, False, "2.1 Recommended Dosage"),
     (10, False, "The recommended dosage of ZENTRA is 15 mg orally once daily on days 1 to 21 of each 28-day "
                 "cycle."),
     (10, False, "2.2 Dosage Modifications for Renal Impairment"),
     (10, False, _RUNS_ON[0]),
     _FOOTER],
    [(10, False, _RUNS_ON[1]),
     (10, False, "12 CLINICAL PHARMACOLOGY"),
     (10, False, "12.1 Mechanism of Action"),
     (10, False, "Zentrodomide binds cereblon and degrades the transcription factors Ikaros and Aiolos."),
     (10, False, "Manufactured for: Example Oncology Inc."),
     (10, False, "Springfield, NJ 07081"),
     (10, False, "Revised: 06/2024"),
     _FOOTER],
]


# An OTC Drug Facts panel (21 CFR 201.66): bold headings at body size, and a first line that
# names no drug. "sedatives" is named as often as the active ingredient.
DRUG_FACTS = [
    [(11, True, "Drug Facts"),
     (10, True, "Active ingredient (in each tablet)"),
     (10, False, "Diphenhydramine HCl 25 mg"),
     (10, True, "Purpose"),
     (10, False, "Antihistamine"),
     (10, True, "Uses"),
     (10, False, "temporarily relieves sneezing and runny nose due to hay fever"),
     (10, True, "Warnings"),
     (10, True, "Do not use"),
     (10, False, "with any other product containing diphenhydramine, even one used on skin"),
     (10, True, "Ask a doctor or pharmacist before use if you are"),
     (10, False, "taking sedatives or tranquilizers"),
     (10, True, "When using this product"),
     (10, False, "marked drowsiness may occur; sedatives and tranquilizers may increase drowsiness"),
     (10, True, "Keep out of reach of children."),
     (10, False, "In case of overdose, get medical help or contact a Poison Control Center right away."),
     (10, True, "Directions"),
     (10, False, "adults and children 12 years and over: 1 to 2 tablets every 4 to 6 hours"),
     (10, True, "Inactive ingredients"),
     (10, False, "lactose, magnesium stearate, microcrystalline cellulose")],
]


# A dose table: a bold caption wrapping onto a second short line (no heading), rows whose
# second column starts 0.8 em after the longest first cell (narrower than a cell gap, but
# every row's column starts there), and a second cell wrapping onto a line of its own.
_CELL_1 = ("Body weight", "15 kg to less than 30 kg of body weight", "30 kg or more")
_COLUMN_2 = max(_width(c, 10, False) for c in _CELL_1) + 8  # 0.8 em after the longest first cell
DOSE_TABLE = [
    [(16, True, "Dosage"),
     (10, False, "The dose depends on body weight, as the table shows."),
     (10, True, "Table 1. Recommended dosage of zentrodomide by body weight in children and adolescents "
                "with relapsed myeloma"),
     (10, True, [(0, _CELL_1[0]), (_COLUMN_2, "Dose")], 1.6),
     (10, False, [(0, _CELL_1[1]), (_COLUMN_2, "20 mg every other week")], 1.6),
     (10, False, [(_COLUMN_2, "(20 mg prefilled syringe)")], 1.2),
     (10, False, [(0, _CELL_1[2]), (_COLUMN_2, "40 mg every other week")], 1.6),
     (10, False, "Doses above 40 mg have not been studied.")],
]


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def _content(lines) -> bytes:
    ops, y = [], 800
    for size, bold, text, *drop in lines:
        font = "F2" if bold else "F1"
        if isinstance(text, list):  # a table row: (x offset, cell text) on one baseline, drop ems below the last
            y -= size * drop[0]
            ops += [f"BT /{font} {size} Tf {56 + dx:.1f} {y:.1f} Td ({_escape(cell)}) Tj ET" for dx, cell in text]
            continue
        y -= size * 1.0 if bold else size * 0.4  # space before a heading or a paragraph
        for printed in _wrap(size, bold, text):
            y -= size * 1.2
            ops.append(f"BT /{font} {size} Tf 56 {y:.0f} Td ({_escape(printed)}) Tj ET")
    return "\n".join(ops).encode("latin-1")


def write_pdf(path: Path, pages) -> None:
    """One object per line of the xref table; page objects reference the shared fonts."""
    n = len(pages)
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>",
               f"<< /Type /Pages /Kids [{' '.join(f'{5 + 2 * i} 0 R' for i in range(n))}] /Count {n} >>".encode(),
               b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
               b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold >>"]
    for i, lines in enumerate(pages):
        stream = _content(lines)
        objects.append((f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
                        f"/Resources << /Font << /F1 3 0 R /F2 4 0 R >> >> /Contents {6 + 2 * i} 0 R >>").encode())
        objects.append(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    path.write_bytes(bytes(out))


if __name__ == "__main__":
    write_pdf(HERE / "zentrodomide.pdf", MONOGRAPH)
    write_pdf(HERE / "blank.pdf", [[]])
    write_pdf(HERE / "plain-label.pdf", PLAIN_LABEL)
    write_pdf(HERE / "drug-facts.pdf", DRUG_FACTS)
    write_pdf(HERE / "dose-table.pdf", DOSE_TABLE)
