"""What a question is about: its content terms and the drugs it names."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ingest.drugs import looks_like_drug, match_name
from ingest.lexical import STOPWORDS, analyze, stem, words

# Words of asking rather than of content; they never decide whether the corpus answers.
QUESTION_WORDS = frozenset(
    analyze("""use used using take taking taken drug drugs medication medicine medicines
    tell know explain describe mean means information info list please okay ok need
    thing things get got go make someone person people patient patients typical usual
    usually safe happen happens""")
)
_CAPITAL = re.compile(r"\b[A-Za-z][A-Za-z0-9-]{3,}\b")


@dataclass(frozen=True, slots=True)
class QuestionFocus:
    terms: tuple[str, ...]  # content stems, drug names and asking words removed
    drug_docs: frozenset[str] | None  # documents of the library drugs named, if any
    unknown_drugs: tuple[str, ...]  # drug-like words naming no library document


def analyze_question(question: str, drug_names: dict[str, str], drug_docs: dict[str, frozenset[str]],
                     vocabulary) -> QuestionFocus:
    """drug_names: lower-cased name -> canonical name; drug_docs: canonical -> doc ids;
    vocabulary: stems present in the corpus (an unknown drug-like word that the corpus
    mentions, e.g. "dexamethasone", is a topic, not a missing monograph)."""
    named: set[str] = set()
    unknown: list[str] = []
    name_stems: set[str] = set()
    for word in dict.fromkeys(w for w in words(question) if w not in STOPWORDS):
        key = match_name(word, drug_names) if len(word) >= 4 else None
        if key is not None:
            named.add(key)
            name_stems.add(stem(word))
        elif looks_like_drug(word) and stem(word) not in vocabulary:
            unknown.append(word)
    terms = tuple(t for t in dict.fromkeys(analyze(question))
                  if t not in QUESTION_WORDS and t not in name_stems)
    docs = frozenset().union(*(drug_docs[k] for k in named)) if named else None
    return QuestionFocus(terms, docs, tuple(unknown))
