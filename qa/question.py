"""What a question is about: its content terms, the drugs it names, and its expansion."""

from __future__ import annotations

from dataclasses import dataclass

from ingest.drugs import DrugNameIndex, looks_like_drug
from ingest.lexical import STOPWORDS, analyze, stem, words

from .consumer_terms import clinical_alternatives
from .drug_classes import drug_class_terms
from .intent import question_intents

# Words of asking rather than of content; they never decide whether the corpus answers.
QUESTION_WORDS = frozenset(
    analyze("""use used using take taking taken drug drugs medication medicine medicines
    tell know explain describe mean means information info list please okay ok need
    thing things get got go make someone person people patient patients typical usual
    usually safe happen happens many much often long kind type sort way ways problem problems
    issue issues trouble advice advise advised guidance instruction instructions alongside along""")
)
# Cues that a second drug is a partner ("with ibuprofen"), not the subject of the question.
PARTNER_CUES = frozenset({"with", "and", "plus", "together", "combine", "combined", "combining", "interact",
                          "interacts", "interaction", "interactions", "mix", "while", "alongside"})


@dataclass(frozen=True, slots=True)
class QuestionFocus:
    # Content terms, library drug names and asking words removed; each term is a group of
    # alternative stems (a partner drug with its class: ("ibuprofen", "nsaid", ...)).
    terms: tuple[tuple[str, ...], ...]
    drug_docs: frozenset[str] | None  # documents of the library drugs named, if any
    unknown_drugs: tuple[str, ...]  # drugs named that have no document and are not partners
    expanded: str  # the question plus class words of other drugs it names (for retrieval)
    partner_drugs: tuple[str, ...] = ()
    intents: frozenset[str] = frozenset()


def analyze_question(question: str, drug_names: DrugNameIndex | dict[str, str],
                     drug_docs: dict[str, frozenset[str]], vocabulary) -> QuestionFocus:
    """drug_names: the library's names (or a dict name -> canonical); drug_docs: canonical -> doc ids;
    vocabulary: stems present in the corpus (a drug the corpus mentions, such as
    "dexamethasone" here, is a topic, not a missing monograph)."""
    if not isinstance(drug_names, DrugNameIndex):
        drug_names = DrugNameIndex(drug_names)
    named: set[str] = set()
    outside: list[str] = []
    name_stems: set[str] = set()
    expansions: dict[str, tuple[str, ...]] = {}
    tokens = words(question)
    for word in dict.fromkeys(w for w in tokens if w not in STOPWORDS):
        key = drug_names.match(word) if len(word) >= 4 else None
        if key is not None:
            named.add(key)
            name_stems.add(stem(word))
            continue
        classes = drug_class_terms(word)
        if classes:
            expansions[stem(word)] = classes
        if (classes or looks_like_drug(word)) and stem(word) not in vocabulary:
            outside.append(word)
    partner = bool(named) or any(t in PARTNER_CUES for t in tokens)
    question_stems = analyze(question)
    clinical, clinical_phrases = clinical_alternatives(question_stems)
    class_text = "; ".join(dict.fromkeys([c for cs in expansions.values() for c in cs] + clinical_phrases))
    expanded = f"{question} ({class_text})" if class_text else question
    terms = tuple((t, *analyze(" ".join(expansions.get(t, ()))), *clinical.get(t, ()))
                  for t in dict.fromkeys(question_stems)
                  if t not in QUESTION_WORDS and t not in name_stems)
    docs = frozenset().union(*(drug_docs[k] for k in named)) if named else None
    partners = tuple(outside) if partner else ()
    intents = question_intents(question) | ({"interactions"} if partners else set())
    return QuestionFocus(terms, docs, () if partner else tuple(outside), expanded, partners, frozenset(intents))
