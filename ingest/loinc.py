"""LOINC section codes of FDA labels: code -> name, and the openFDA field name of each.

The table (`ingest/data/loinc_sections.tsv`) is FDA/openfda's list of the codes used in
SPL labels. openFDA names its drug-label fields after the same sections:
"Dosage & Administration" -> `dosage_and_administration`.
"""

from __future__ import annotations

import csv
import re
from functools import cache, lru_cache
from pathlib import Path

from .datafiles import load_table

TABLE = Path(__file__).resolve().parent / "data" / "loinc_sections.tsv"
HEADINGS = Path(__file__).resolve().parent / "data" / "pdf-label-headings.csv"  # printed PI headings -> code
UNCLASSIFIED = "42229-5"  # "SPL UNCLASSIFIED SECTION": a subsection that means what its parent means


@lru_cache(maxsize=1)
def section_names() -> dict[str, str]:
    """LOINC code -> section name ("34068-7" -> "Dosage & Administration")."""
    return {row["code"].strip(): row["name"].strip() for row in load_table(TABLE).rows}


def field_name(section_name: str) -> str:
    """openFDA's field for a section name: "Dosage & Administration" -> "dosage_and_administration"."""
    return re.sub(r"[^a-z0-9]+", "_", section_name.lower().replace("&", " and ")).strip("_")


@lru_cache(maxsize=1)
def field_codes() -> dict[str, str]:
    """openFDA field name -> LOINC code."""
    return {field_name(name): code for code, name in section_names().items()}


def section_code(title: str, level: str) -> str:
    """LOINC code of a heading at level "top", "sub" or "unnumbered" (a PLR label's, 21 CFR
    201.57) or "other" (an OTC Drug Facts panel's, 21 CFR 201.66(c); an older-format label's
    Warnings and Precautions, 21 CFR 201.80), "" if not a known name.

    Exact name first ("Warnings and Precautions"); a top-level or unnumbered heading may
    also start with one ("HOW SUPPLIED/STORAGE AND HANDLING" -> How Supplied,
    "WARNING: SERIOUS INFECTIONS" -> WARNING), the longest name winning.
    """
    key = _normalize(title)
    names = heading_names()[level]
    if key in names:
        return names[key]
    if level == "sub":
        return ""
    prefixes = [name for name in names if key.startswith(name + " ")]
    return names[max(prefixes, key=len)] if prefixes else ""


def _normalize(title: str) -> str:
    """'Dosage & Administration' and 'DOSAGE AND ADMINISTRATION' -> 'dosage and administration'."""
    return " ".join(re.sub(r"[^a-z0-9]+", " ", title.lower().replace("&", " and ")).split())


@cache
def _heading_rows() -> tuple[dict[str, str], ...]:
    """The rows of the printed-headings data file (code, name, pi_heading, level, source)."""
    with HEADINGS.open(encoding="utf-8", newline="") as fh:
        return tuple(csv.DictReader(fh))


@cache
def heading_names() -> dict[str, dict[str, str]]:
    """{level: {normalized name or printed heading: code}} from the data file."""
    names: dict[str, dict[str, str]] = {"top": {}, "sub": {}, "unnumbered": {}, "other": {}}
    for row in _heading_rows():
        for name in (row["name"], row["pi_heading"]):
            if name:
                names[row["level"]][_normalize(name)] = row["code"]
    return names


@cache
def printed_headings() -> dict[str, str]:
    """LOINC code -> the heading labels print for it where the LOINC name is SPL's own
    jargon ("42231-1" SPL Medguide -> "Medication Guide"), from the data file."""
    out: dict[str, str] = {}
    for row in _heading_rows():
        if row["pi_heading"] and row["name"].startswith("SPL "):
            out.setdefault(row["code"], row["pi_heading"])
    return out


_NUMBER = re.compile(r"^\s*(\d+(?:\.\d+)*)\.?\s+(.*)$")


def heading_codes(titles: list[str], levels: list[int] | None = None) -> list[str]:
    """LOINC codes of a document's headings in order, "" where none is known.

    For Markdown, HTML and plain-text labels, which carry no codes: a heading named as a
    label section ("Adverse Reactions", "8.1 Pregnancy", "WARNING: SERIOUS INFECTIONS") has
    that section's code; a heading with no such name means what its parent means: the
    section numbered above it ("5.2 Liver Dysfunction" under "5 WARNINGS AND PRECAUTIONS")
    or, given heading levels (Markdown's #), the nearest heading above at a higher level.
    """
    codes: list[str] = []
    by_number: dict[str, str] = {}
    for i, title in enumerate(titles):
        m = _NUMBER.match(title)
        number, name = (m.group(1), m.group(2)) if m else ("", title)
        code = (section_code(name, "sub") or section_code(name, "top") or section_code(name, "unnumbered")
                or section_code(name, "other"))
        if not code and number and "." in number:
            code = by_number.get(number.rsplit(".", 1)[0], "")
        if not code and levels is not None:
            code = next((codes[j] for j in range(i - 1, -1, -1) if levels[j] < levels[i]), "")
        if number:
            by_number[number] = code
        codes.append(code)
    return codes
