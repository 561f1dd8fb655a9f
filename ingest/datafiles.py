"""Word lists kept as data: tab-separated files whose leading `#` lines name their source.

A file reads like

    # What the list is for.
    # source: where its entries come from (a named public vocabulary or standard)
    # licence: ...
    column_a<TAB>column_b
    value<TAB>value

Code holds the mechanisms (matching, expansion); the lists live in `ingest/data/` and
`qa/data/` so that a reviewer can see where every entry comes from.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path


@dataclass(frozen=True, slots=True)
class DataTable:
    path: Path
    source: str  # the "# source:" line and its indented continuation lines
    rows: tuple[dict[str, str], ...]


@cache
def load_table(path: Path) -> DataTable:
    """Rows of a data file as dicts keyed by its header. Raises ValueError without a source line."""
    lines = Path(path).read_text(encoding="utf-8").splitlines()
    body = [line for line in lines if line and not line.startswith("#")]
    source: list[str] = []
    in_source = False
    for line in (line for line in lines if line.startswith("#")):
        text = line[1:].strip()
        if text.lower().startswith("source:"):
            source, in_source = [text[len("source:"):].strip()], True
        elif in_source and line.startswith("#  ") and text:  # an indented continuation line
            source.append(text)
        else:
            in_source = False
    if not source or not source[0]:
        raise ValueError(f"{path}: no '# source:' line naming where its entries come from")
    if not body:
        raise ValueError(f"{path}: no header row")
    reader = csv.DictReader(body, delimiter="\t", quoting=csv.QUOTE_NONE)
    rows = tuple({k: (v or "").strip() for k, v in row.items() if k is not None} for row in reader)
    return DataTable(Path(path), " ".join(source), rows)
