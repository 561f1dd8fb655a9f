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
from ingest.lexical import STOPWORDS, analyze, inflection_stems, words

DATA = Path(__file__).resolve().parent / "data"


@lru_cache(maxsize=1)
def _compiled() -> list[tuple[tuple[frozenset[str], ...], tuple[str, ...], str]]:
    """(per consumer word the stems its inflections take, clinical stems, clinical text),
    longest consumer phrase first."""
    out = [(tuple(inflection_stems(w) for w in words(row["consumer"]) if w not in STOPWORDS),
            tuple(analyze(row["clinical"])), row["clinical"])
           for row in load_table(DATA / "consumer_terms.tsv").rows]
    return sorted(out, key=lambda x: -len(x[0]))


def clinical_alternatives(stems: list[str]) -> tuple[dict[str, tuple[str, ...]], list[str]]:
    """For question stems: stem -> clinical alternative stems, and the clinical phrases found.
    A phrase matches in any inflection of its words ("breastfeed" for "breastfeeding")."""
    alternatives: dict[str, tuple[str, ...]] = {}
    phrases: list[str] = []
    for phrase, clinical, text in _compiled():
        n = len(phrase)
        starts = [i for i in range(len(stems) - n + 1) if n and all(stems[i + j] in phrase[j] for j in range(n))]
        if starts:
            for i in starts:
                for s in stems[i:i + n]:
                    alternatives[s] = tuple(dict.fromkeys(alternatives.get(s, ()) + clinical))
            phrases.append(text)
    return alternatives, phrases
