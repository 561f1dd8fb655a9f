"""The library's drugs: the names each label goes by, grouped by the labels they name.

Names come from the documents' `drugs` (a sidecar or what ingest detected); a label
without any is named by its capitalised title or a drug-like id, and a multi-word name
("atorvastatin calcium") is also found by its drug-like word. Matching allows the
misspellings qa.question allows (ingest.drugs.DrugNameIndex).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from ingest import Document
from ingest.drugs import LOOSE_MIN_LETTERS, DrugNameIndex, is_common_word, looks_like_drug
from ingest.lexical import STOPWORDS, words


@dataclass(frozen=True, slots=True)
class LibraryDrug:
    name: str  # shown to the user ("atorvastatin (LIPITOR)")
    names: tuple[str, ...]  # every name the documents give it
    doc_ids: frozenset[str]


@dataclass(frozen=True, slots=True, eq=False)
class DrugLibrary:
    drugs: tuple[LibraryDrug, ...]  # one per distinct document set, in title order
    name_docs: dict[str, frozenset[str]]  # name as written in the documents -> their doc ids
    index: DrugNameIndex = field(repr=False)  # question word -> name (misspellings allowed)
    phrases: tuple[str, ...] = ()  # names of several words, matched as phrases

    def in_scope(self, scope: frozenset[str] | None) -> tuple[LibraryDrug, ...]:
        return self.drugs if scope is None else tuple(d for d in self.drugs if d.doc_ids & scope)


def document_drug_names(doc: Document) -> tuple[str, ...]:
    """The document's drug names; a label without any is named by its title when that is a
    proprietary name in capitals ("ADCETRIS": US labels print brand names so), or by its id
    when that looks like a drug ("haloperidol")."""
    if doc.drugs:
        return tuple(doc.drugs)
    title = doc.title.strip().lstrip("#").strip()
    if title and len(title.split()) <= 2 and title.isupper() and any(c.isalpha() for c in title):
        return (title,)
    if looks_like_drug(doc.doc_id.rsplit("/", 1)[-1]):
        return (doc.doc_id.rsplit("/", 1)[-1],)
    return ()


def library_drugs(documents: dict[str, Document]) -> DrugLibrary:
    docs_by_name: dict[str, set[str]] = {}
    spelled: dict[str, str] = {}
    shown: set[str] = set()  # names the documents give, not the words taken out of them
    for doc in sorted(documents.values(), key=lambda d: (d.title.lower(), d.doc_id)):
        for name in document_drug_names(doc):
            parts = name.split()
            # "atorvastatin calcium" is asked about as "atorvastatin".
            aliases = [name, *(w for w in parts if len(parts) > 1 and looks_like_drug(w))]
            shown.add(name.lower())
            for alias in aliases:
                docs_by_name.setdefault(alias.lower(), set()).add(doc.doc_id)
                spelled.setdefault(alias.lower(), alias)
    groups: dict[frozenset[str], list[str]] = {}
    for key, docs in docs_by_name.items():
        if key in shown:
            groups.setdefault(frozenset(docs), []).append(spelled[key])
    drugs = tuple(LibraryDrug(names[0] + (f" ({', '.join(names[1:])})" if names[1:] else ""), tuple(names), docs)
                  for docs, names in groups.items())
    name_docs = {spelled[k]: frozenset(v) for k, v in docs_by_name.items()}
    single = {spelled[k]: spelled[k] for k in docs_by_name if " " not in k}
    phrases = tuple(spelled[k] for k in docs_by_name if " " in k)
    return DrugLibrary(drugs, name_docs, DrugNameIndex(single), phrases)


@lru_cache(maxsize=8)
def guess_index(library: DrugLibrary) -> DrugNameIndex:
    """question word -> name, for a question that must name a drug and names none: the
    one-word names, and the words of a name's phrase no other drug shares ("florbetaben" of
    "florbetaben (18f)"). Built on first use: it reads the English word list."""
    single = {n: n for n in library.name_docs if " " not in n}
    return DrugNameIndex({**phrase_words(library.phrases, library.name_docs), **single})


def phrase_words(phrases: tuple[str, ...], name_docs: dict[str, frozenset[str]]) -> dict[str, str]:
    """word -> phrase, for the words of multi-word names that are no ordinary English word,
    of LOOSE_MIN_LETTERS or more letters, and name the documents of one phrase only
    ("florbetaben" of "florbetaben (18f)"; not "calcium", not a salt many labels share)."""
    by_word: dict[str, set[str]] = {}
    for phrase in phrases:
        for w in words(phrase):
            if len(w) >= LOOSE_MIN_LETTERS and w.isalpha() and not is_common_word(w):
                by_word.setdefault(w, set()).add(phrase)
    return {w: next(iter(ps)) for w, ps in by_word.items()
            if len({name_docs[p] for p in ps}) == 1 and w not in name_docs}


def named_drugs(text: str, library: DrugLibrary) -> tuple[str, ...]:
    """Library drug names in the text, in order of appearance (as the documents spell them)."""
    return tuple(dict.fromkeys(name for name, _ in drug_mentions(text, library)))


def drug_mentions(text: str, library: DrugLibrary) -> list[tuple[str, bool]]:
    """(library drug name, whether the text spells it exactly) for each drug the text names;
    a misspelling ("humria") names the drug but, unlike an exact name, may not exclude others."""
    found = []
    for w in dict.fromkeys(w for w in words(text) if w not in STOPWORDS):
        match = library.index.match(w) if len(w) >= 4 else None
        if match is not None:
            found.append((match.name, match.exact))
    lowered = f" {' '.join(words(text))} "
    found += [(p, True) for p in library.phrases if f" {' '.join(words(p))} " in lowered]
    return found
