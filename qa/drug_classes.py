"""Common drugs -> the class words a label uses for them.

Labels name interacting drugs by class ("NSAIDs", "anticoagulants", "strong CYP3A4
inhibitors"), people by product ("ibuprofen", "Advil"). Expanding a question with the
class of each drug it names lets "Can I take ibuprofen with Revlimid?" reach the NSAID
sentence. Drugs and their ATC codes are in `ingest/data/drug_names.tsv`, the classes
(ATC groups, FDA's CYP3A index drugs, NCCIH herbs) in `qa/data/drug_classes.tsv`.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from ingest.datafiles import load_table
from ingest.drugs import DATA as DRUG_DATA

DATA = Path(__file__).resolve().parent / "data"


@lru_cache(maxsize=1)
def drug_classes() -> dict[str, tuple[str, ...]]:
    """Drug or brand name (lower case) -> label words of each class it belongs to."""
    classes = load_table(DATA / "drug_classes.tsv").rows
    drugs = load_table(DRUG_DATA / "drug_names.tsv").rows
    codes = {row["name"]: row["atc"].split() for row in drugs}
    out: dict[str, tuple[str, ...]] = {}

    def add(name: str, words: str) -> None:
        if words not in out.get(name, ()):
            out[name] = out.get(name, ()) + (words,)

    for row in drugs:
        generic = row["brand_of"] or row["name"]
        for c in classes:
            if c["system"] == "ATC" and any(code.startswith(c["class"]) for code in codes.get(generic, ())):
                add(row["name"], c["label_words"])
    for c in classes:
        for member in c["members"].split():
            for row in drugs:
                if (row["brand_of"] or row["name"]) == member and row["name"] != member:
                    add(row["name"], c["label_words"])
            add(member, c["label_words"])
    return out


def drug_class_terms(word: str) -> tuple[str, ...]:
    """Class words for a drug name ("advil" -> NSAIDs ...); empty when unknown."""
    return drug_classes().get(word.lower(), ())
