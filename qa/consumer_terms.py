"""Consumer phrases -> the clinical words labels use for them.

People ask about "blood thinners", "an empty stomach" or "kidney problems"; labels
say "anticoagulants", "without food", "renal impairment". In the spirit of the
Consumer Health Vocabulary (Zeng et al., JAMIA 2006), each phrase of
`data/consumer_terms.tsv` maps to clinical alternatives that retrieval and the
coverage check accept in its place.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from ingest.datafiles import load_table
from ingest.lexical import analyze

DATA = Path(__file__).resolve().parent / "data"


@lru_cache(maxsize=1)
def _compiled() -> list[tuple[tuple[str, ...], tuple[str, ...], str]]:
    """(consumer stems, clinical stems, clinical text), longest consumer phrase first."""
    out = [(tuple(analyze(row["consumer"])), tuple(analyze(row["clinical"])), row["clinical"])
           for row in load_table(DATA / "consumer_terms.tsv").rows]
    return sorted(out, key=lambda x: -len(x[0]))


def clinical_alternatives(stems: list[str]) -> tuple[dict[str, tuple[str, ...]], list[str]]:
    """For question stems: stem -> clinical alternative stems, and the clinical phrases found."""
    alternatives: dict[str, tuple[str, ...]] = {}
    phrases: list[str] = []
    for phrase, clinical, text in _compiled():
        n = len(phrase)
        if n and any(tuple(stems[i:i + n]) == phrase for i in range(len(stems) - n + 1)):
            for s in phrase:
                alternatives[s] = alternatives.get(s, ()) + clinical
            phrases.append(text)
    return alternatives, phrases
