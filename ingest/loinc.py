"""LOINC section codes of FDA labels: code -> name, and the openFDA field name of each.

The table (`ingest/data/loinc_sections.tsv`) is FDA/openfda's list of the codes used in
SPL labels. openFDA names its drug-label fields after the same sections:
"Dosage & Administration" -> `dosage_and_administration`.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from .datafiles import load_table

TABLE = Path(__file__).resolve().parent / "data" / "loinc_sections.tsv"
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
