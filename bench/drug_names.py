"""python -m bench.drug_names

How well a label's drug names are found from its text alone (ingest/drugs.py's
dominant_drug_names, for a PDF whose first line names no drug, e.g. "WARNING" or "Drug
Facts"), against the names the label's own metadata gives: the 101 TAC 2017 labels (their
file name is the brand), the six SPL labels and the harvested ones. For each share of the
most named drug word (DOMINANT_DRUG_SHARE) and each minimum count it prints how many labels
get a name of their own (recall: any found name is one of the label's names, or its
generic) and how many found names are not the label's (extra names). Writes nothing.
"""

from __future__ import annotations

import sys

from ingest import drugs
from ingest.documents import discover, load_source

from .fit import HARVESTED_LABELS, SHARED

SHARES = (0.25, 0.4, 0.5, 0.6, 0.75, 1.0)
MINIMUMS = (2, 3, 5)


def known_labels() -> list[tuple[str, str, set[str]]]:
    """(id, text, known names in lower case, with their generics)."""
    out = []
    tac = SHARED / "labels" / "tac2017-train"
    for folder in (tac, SHARED / "labels" / "spl", HARVESTED_LABELS):
        for source in discover((folder,)):
            for doc in load_source(source):
                names = {n.lower() for n in doc.drugs}
                if folder == tac:
                    names.add(source.path.stem.lower())
                names |= {g.lower() for n in list(names) for w in n.split() for g in drugs.generics_of(w)}
                names |= {w.lower() for n in list(names) for w in n.split()}
                if names:
                    out.append((doc.doc_id, doc.text, names))
    return out


def main() -> int:
    labels = known_labels()
    print(f"{len(labels)} labels with known names")
    print("| share | min count | labels with a right name | labels with no name | extra names |")
    print("|---|---|---|---|---|")
    for minimum in MINIMUMS:
        for share in SHARES:
            drugs.DOMINANT_DRUG_SHARE, drugs.MIN_DRUG_MENTIONS = share, minimum
            right = none = extra = 0
            for _, text, names in labels:
                found = {f.lower() for f in drugs._dominant_drug_words(text)}
                right += bool(found & names)
                none += not found
                extra += len(found - names)
            print(f"| {share} | {minimum} | {right} | {none} | {extra} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
