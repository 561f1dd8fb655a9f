"""What a question is about: its content terms, the drugs it names, and its expansion."""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

from ingest.datafiles import load_table
from ingest.drugs import DrugNameIndex, is_common_word, looks_like_drug
from ingest.lexical import STOPWORDS, analyze, stem, words

from .abbreviations import AbbreviationUse
from .ages import question_age
from .consumer_terms import clinical_alternatives
from .drug_classes import drug_class_terms
from .intent import question_intents

DATA = Path(__file__).resolve().parent / "data"


@lru_cache(maxsize=1)
def _question_words() -> tuple[frozenset[str], frozenset[str]]:
    """(stems of asking words, partner cue words) from data/question_words.tsv."""
    rows = load_table(DATA / "question_words.tsv").rows
    asking = frozenset(analyze(" ".join(r["word"] for r in rows if r["role"] == "asking")))
    return asking, frozenset(r["word"] for r in rows if r["role"] == "partner")


@lru_cache(maxsize=1)
def answer_absent_stems() -> frozenset[str]:
    """Stems of question words that reference answers do not hold (data/answer_absent_words.tsv,
    counted by bench/asking.py: "cause" in "Can X cause Y?"): not terms of a question, though
    they stay part of what it is about ("starting dose" carries over to a follow-up)."""
    return frozenset(r["stem"] for r in load_table(DATA / "answer_absent_words.tsv").rows)


@dataclass(frozen=True, slots=True)
class QuestionFocus:
    # Content terms, library drug names and asking words removed; each term is a group of
    # alternative stems (a partner drug with its class: ("ibuprofen", "nsaid", ...)).
    terms: tuple[tuple[str, ...], ...]
    drug_docs: frozenset[str] | None  # documents of the library drugs named (exactly, else misspelled): the only ones searched
    unknown_drugs: tuple[str, ...]  # drugs named that have no document and are not partners
    expanded: str  # the question plus class words of other drugs it names (for retrieval)
    partner_drugs: tuple[str, ...] = ()
    intents: frozenset[str] = frozenset()
    # Documents of library drugs the question names misspelled ("lenolidomide"): ranked up (and, when no
    # drug is named exactly, the only ones searched).
    boost_docs: frozenset[str] = frozenset()
    # Drug-like words that name no library drug but that the library's text uses ("everolimus"
    # for a label titled AFINITOR): searched for, and the labels using them most ranked up.
    mentioned_drugs: tuple[str, ...] = ()
    # The question's words behind its terms, as written ("breastfeed", "sleepy"): what the
    # term match (qa/word_match.py) embeds.
    term_words: tuple[str, ...] = ()
    age_years: float | None = None  # the age the question gives ("my 8-year-old": 8.0; qa/ages.py)


def class_stems(names: tuple[str, ...]) -> list[str]:
    """Stems a drug's class names let a unit stand in for the drug ("ibuprofen": nsaid,
    nonsteroid, inflammatori); not those of everyday words ("drug", "strong", "pain"): the
    "drug" of "nonsteroidal anti-inflammatory drugs" would let any "Drug Interactions"
    heading count as naming ibuprofen."""
    return [stem(w) for w in words(" ".join(names)) if w not in STOPWORDS and not is_common_word(w)]


def analyze_question(question: str, drug_names: DrugNameIndex | dict[str, str],
                     drug_docs: dict[str, frozenset[str]], vocabulary) -> QuestionFocus:
    """drug_names: the library's names (or a dict name -> canonical); drug_docs: canonical -> doc ids;
    vocabulary: stems present in the corpus (a drug the corpus mentions, such as
    "dexamethasone" here, is a topic, not a missing monograph)."""
    if not isinstance(drug_names, DrugNameIndex):
        drug_names = DrugNameIndex(drug_names, frozenset(vocabulary))
    asking, partner_cues = _question_words()
    asking = asking | answer_absent_stems()
    exact: set[str] = set()
    fuzzy: set[str] = set()
    outside: list[str] = []  # drugs the library lacks
    mentioned: list[str] = []  # drug-like words the library's text uses
    others: list[str] = []  # non-drugs with a class ("grapefruit", "garlic"): partners only
    name_stems: set[str] = set()
    expansions: dict[str, tuple[str, ...]] = {}
    tokens = words(question)
    for word in dict.fromkeys(w for w in tokens if w not in STOPWORDS):
        found = drug_names.match(word) if len(word) >= 4 else None
        if found is not None:
            (exact if found.exact else fuzzy).add(found.name)
            name_stems.add(stem(word))
            continue
        classes = drug_class_terms(word)
        if classes:
            expansions[stem(word)] = classes
        if stem(word) in vocabulary:
            if looks_like_drug(word):
                mentioned.append(word)
            continue
        if looks_like_drug(word):
            outside.append(word)
        elif classes:
            others.append(word)
    partner = bool(exact or fuzzy) or any(t in partner_cues for t in tokens)
    question_stems = analyze(question)
    clinical, clinical_phrases = clinical_alternatives(question_stems)
    class_text = "; ".join(dict.fromkeys([c for cs in expansions.values() for c in cs] + clinical_phrases))
    expanded = f"{question} ({class_text})" if class_text else question
    terms = tuple((t, *class_stems(expansions.get(t, ())), *clinical.get(t, ()))
                  for t in dict.fromkeys(question_stems)
                  if t not in asking and t not in name_stems)
    term_stems = {group[0] for group in terms}
    term_words = tuple(dict.fromkeys(w for w in tokens if w not in STOPWORDS and stem(w) in term_stems))
    # a misspelled name ("afinator") read as a library drug restricts like an exact one when the
    # question names no drug exactly: left as a mere preference, look-alike labels outranked it
    named = exact or fuzzy
    docs = frozenset().union(*(drug_docs[k] for k in named)) if named else None
    boost = frozenset().union(*(drug_docs[k] for k in fuzzy - exact)) if fuzzy - exact else frozenset()
    partners = tuple(outside + others) if partner else ()
    intents = question_intents(question) | ({"interactions"} if partners else set())
    return QuestionFocus(terms, docs, () if partner else tuple(outside), expanded, partners, frozenset(intents),
                         boost, tuple(mentioned), term_words, question_age(question))


def with_neighbours(focus: QuestionFocus, neighbours: dict[str, tuple[str, ...]]) -> QuestionFocus:
    """focus where each question word the library never uses also accepts its nearest library
    words (qa/word_match.py LabelVocabulary): "breastfeed" -> ("nursing", ...), as term
    alternatives (coverage, confidence) and in the retrieval text (BM25, dense)."""
    added = {stem(w): tuple(dict.fromkeys(stem(n) for n in near)) for w, near in neighbours.items() if near}
    if not added:
        return focus
    terms = tuple(group + tuple(s for s in added.get(group[0], ()) if s not in group) for group in focus.terms)
    words_added = "; ".join(dict.fromkeys(n for near in neighbours.values() for n in near))
    return replace(focus, terms=terms, expanded=f"{focus.expanded} ({words_added})")


def with_abbreviations(focus: QuestionFocus, use: AbbreviationUse) -> QuestionFocus:
    """focus where a term written as a label's abbreviation or its long form also accepts the
    other (qa/abbreviations.py: "hepat" -> "hbv"), and the retrieval text names it."""
    if not use.expansions:
        return focus
    terms = tuple(group + tuple(s for s in use.expansions.get(group[0], ()) if s not in group)
                  for group in focus.terms)
    expanded = f"{focus.expanded} ({'; '.join(use.written)})" if use.written else focus.expanded
    return replace(focus, terms=terms, expanded=expanded)


def asking_words() -> frozenset[str]:
    """Stems of words of asking rather than of content ("tell", "explain", "take")."""
    return _question_words()[0]
