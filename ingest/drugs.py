"""Drug names a document is about, and drug-like words in a question.

Names come from metadata when a corpus file has it, and otherwise from the title plus
brand-name phrasing in the text ("known by its trade name Revlimid"); a brand in the title
brings its generic ("AFINITOR" -> everolimus). Drug-likeness of a word uses a lexicon of
one-word drug names (`data/drug_lexicon.tsv`: DrugBank, MeSH, Wikipedia, NHS, via the
drug-named-entity-recognition package), a short list of common drugs with their ATC codes
(`data/drug_names.tsv`) and the WHO INN stems (-mab, -nib, -pril, ...; `data/inn_stems.tsv`)
for names newer than the lexicon. An ordinary English word ("cholesterol", "lyrics") is
never taken for a drug: word frequencies come from wordfreq's English list, which ships
inside its wheel.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from rapidfuzz import process
from rapidfuzz.distance import OSA

from .datafiles import load_table
from .lexical import stem

DATA = Path(__file__).resolve().parent / "data"
# Zipf frequency (log10 of uses per billion words) at or above which a word is ordinary
# English: 3.0 is once per million words. "lyrics" 4.4, "cholesterol" 3.7 are ordinary;
# "lyrica" 2.1, "lenalidomide" 1.4 and every misspelling of a drug name (0) are not.
COMMON_WORD_ZIPF = 3.0
# A title without a drug name: the text's own drug words, each named at least this share as
# often as the most named one (bench/drug_names.py measures the choice on labels whose
# names are known; the share and count with the most right names, then the fewest extra)
# and at least this many times.
DOMINANT_DRUG_SHARE = 0.75  # 0.75 and 2: a right name for 97 of 113 known labels, 17 extra names
MIN_DRUG_MENTIONS = 2


@lru_cache(maxsize=1)
def inn_stems() -> tuple[str, ...]:
    return tuple(row["stem"] for row in load_table(DATA / "inn_stems.tsv").rows)


@lru_cache(maxsize=1)
def common_drugs() -> frozenset[str]:
    """Generic and brand names of common drugs (aspirin, warfarin, Advil, ...), lower case."""
    return frozenset(row["name"] for row in load_table(DATA / "drug_names.tsv").rows)


@lru_cache(maxsize=100_000)
def is_common_word(word: str) -> bool:
    """An ordinary English word by its frequency in wordfreq's English list."""
    from wordfreq import zipf_frequency  # loads a 0.3 s word list on first use, not at import

    return zipf_frequency(word, "en") >= COMMON_WORD_ZIPF


_BRAND = re.compile(
    r"\b(?:trade|brand|proprietary)\s+names?\s+(?:is\s+|are\s+|of\s+)?([A-Z][A-Za-z0-9-]{2,})"
    r"|\bmarketed\s+(?:as|under)\s+(?:the\s+name\s+)?([A-Z][A-Za-z0-9-]{2,})"
)
_WORD = re.compile(r"[A-Za-z][A-Za-z0-9'-]{3,}")


@lru_cache(maxsize=1)
def drug_lexicon() -> dict[str, tuple[str, ...]]:
    """One-word drug names (generic and brand, lower case) -> the generics they stand for
    (`data/drug_lexicon.tsv`, from DrugBank, MeSH, Wikipedia and the NHS list)."""
    return {row["name"]: tuple(row["generic"].split("|")) for row in load_table(DATA / "drug_lexicon.tsv").rows}


def looks_like_drug(word: str) -> bool:
    """A known common drug; or a word that is not ordinary English and is either a drug name
    of the lexicon ("Keppra", "dalfampridine") or a rare word ending with an INN stem ("zentrodomide")."""
    w = word.lower()
    if w in common_drugs():
        return True
    if len(w) < 4 or is_common_word(w):
        return False
    if w in drug_lexicon():
        return True
    return len(w) >= 6 and any(w.endswith(s) for s in inn_stems() if len(w) > len(s) + 2)


def generics_of(word: str) -> tuple[str, ...]:
    """The generic names a brand stands for ("AFINITOR" -> ("everolimus",)); () for a generic
    or an unknown word."""
    w = word.lower()
    return tuple(g for g in drug_lexicon().get(w, ()) if g != w)


def detect_drug_names(title: str, text: str) -> tuple[str, ...]:
    """Drug names in the title (by lexicon, INN stem or known name; a brand brings its generic:
    "AFINITOR" -> AFINITOR, everolimus) plus brand names in the text. A title naming none
    is named by its words in capitals (US labels print proprietary names so) that are not
    ordinary English and that the text names again at least MIN_DRUG_MENTIONS times: a brand
    no drug list has ("# GADAVIST" over a text saying "GADAVIST")."""
    title_words = _WORD.findall(title)
    names = _with_generics(w for w in title_words if looks_like_drug(w))
    if not names:
        mentions = Counter(w.lower() for w in _WORD.findall(text))
        opens = text.lstrip("#\ufeff \n").startswith(title)  # the text's first line is the title itself
        names = [w for w in dict.fromkeys(title_words) if w.isupper() and not is_common_word(w.lower())
                 and mentions[w.lower()] - opens >= MIN_DRUG_MENTIONS]
    if names:
        for m in _BRAND.finditer(text[:5000]):
            brand = m.group(1) or m.group(2)
            if brand.lower() not in {n.lower() for n in names}:
                names.append(brand)
    return tuple(names)


def active_ingredient_names(section_text: str) -> tuple[str, ...]:
    """The drug names of an OTC Drug Facts panel: the drug words of its "Active ingredient(s)"
    section, which lists each active ingredient by its established name (21 CFR
    201.66(c)(2)): "Diphenhydramine HCl 12.5 mg" -> Diphenhydramine."""
    return tuple(_with_generics(w for w in _WORD.findall(section_text) if looks_like_drug(w)))


def dominant_drug_names(text: str) -> tuple[str, ...]:
    """The drug names of a label whose first line names no drug (a PDF opening with "WARNING"
    or "Drug Facts"): its dominant drug words, a brand with its generic."""
    return tuple(_with_generics(_dominant_drug_words(text)))


def _with_generics(words) -> list[str]:
    """Each drug word followed by the generics it stands for, each name once (case aside)."""
    names: list[str] = []
    for word in words:
        for name in (word, *generics_of(word)):
            if name.lower() not in {n.lower() for n in names}:
                names.append(name)
    return names


def _dominant_drug_words(text: str) -> tuple[str, ...]:
    """The drug-like words the text names most, each at least DOMINANT_DRUG_SHARE as often as the
    most named one and at least MIN_DRUG_MENTIONS times, in the spelling used most. A label
    names its own drug throughout; a drug it mentions in passing (an interaction) is rarer."""
    spellings = Counter(_WORD.findall(text))
    counts: Counter = Counter()
    for word, n in spellings.items():
        counts[word.lower()] += n
    drugs = [(n, w) for w, n in counts.most_common() if n >= MIN_DRUG_MENTIONS and looks_like_drug(w)]
    if not drugs:
        return ()
    top = drugs[0][0]
    return tuple(max((s for s in spellings if s.lower() == w), key=spellings.__getitem__)
                 for n, w in drugs if n >= DOMINANT_DRUG_SHARE * top)


@dataclass(frozen=True, slots=True)
class DrugMatch:
    name: str  # the library's canonical name
    exact: bool  # the word is the name itself (case aside)
    distance: int  # edits between the word and the matched name (0 when exact)


# A question that must name a library drug and names none reads a word of this many
# letters or more as a name one edit further away than edit_limit allows (match_loosely).
LOOSE_MIN_LETTERS = 5
LOOSE_MAX_EDITS = 2  # never more than a misspelling of the longest names may have


def edit_limit(length: int) -> int:
    """Edits a misspelling of a word this long may have: 0 under 6 letters, 1 for 6-8, 2 for 9+."""
    return 0 if length < 6 else 1 if length < 9 else 2


class DrugNameIndex:
    """Library drug names, matched allowing the misspellings consumers make.

    A word is a misspelling of a name when it is within `edit_limit` edits of it, counted
    on the shorter of the two, an edit being a letter inserted, deleted, replaced or
    swapped with its neighbour (optimal string alignment: "humria" -> humira is 1 edit,
    "lenolidomdie" -> lenalidomide 2 on 12 letters), and is not itself a word:
    neither ordinary English ("lyrics" is not Lyrica) nor one of `known_words`, the
    stems the corpus uses (a word the library's text contains is a topic, not a typo).
    rapidfuzz scores the names whose length is within two of the word's.
    """

    def __init__(self, names: dict[str, str], known_words: frozenset[str] = frozenset()) -> None:
        self.names = {n.lower(): key for n, key in names.items()}
        self.known_words = known_words
        self._name_stems = frozenset(stem(n) for n in self.names)
        self._by_length: dict[int, list[str]] = {}
        for name in sorted(self.names):
            self._by_length.setdefault(len(name), []).append(name)

    def match(self, word: str) -> DrugMatch | None:
        w = word.lower()
        if w in self.names:
            return DrugMatch(self.names[w], True, 0)
        if edit_limit(len(w)) == 0 or not self._may_be_misspelling(w):
            return None
        candidates = [n for d in range(-2, 3) for n in self._by_length.get(len(w) + d, ())]
        found = process.extract(w, candidates, scorer=OSA.distance, score_cutoff=2, limit=None)
        fits = [(dist, abs(len(n) - len(w)), n) for n, dist, _ in found if dist <= edit_limit(min(len(n), len(w)))]
        if not fits:
            return None
        dist, _, name = min(fits)
        return DrugMatch(self.names[name], False, int(dist))

    def match_loosely(self, word: str) -> DrugMatch | None:
        """The name a word is a looser misspelling of: within one edit more than `match`
        allows, at most LOOSE_MAX_EDITS ("eylia" -> EYLEA, "pristique" -> PRISTIQ), for words of LOOSE_MIN_LETTERS or
        more that are no word, and only when one name is nearest. For a question that must
        name one of the names, not for finding names in any text."""
        w = word.lower()
        if w in self.names:
            return DrugMatch(self.names[w], True, 0)
        if len(w) < LOOSE_MIN_LETTERS or not self._may_be_misspelling(w):
            return None
        candidates = [n for d in range(-2, 3) for n in self._by_length.get(len(w) + d, ())]
        found = process.extract(w, candidates, scorer=OSA.distance, score_cutoff=LOOSE_MAX_EDITS, limit=None)
        fits = [(int(dist), n) for n, dist, _ in found
                if dist <= min(edit_limit(min(len(n), len(w))) + 1, LOOSE_MAX_EDITS)]
        if not fits:
            return None
        nearest = min(dist for dist, _ in fits)
        keys = {self.names[n] for dist, n in fits if dist == nearest}
        return DrugMatch(keys.pop(), False, nearest) if len(keys) == 1 else None

    def _may_be_misspelling(self, word: str) -> bool:
        s = stem(word)
        if s in self._name_stems:  # an inflection of a name ("warfarins")
            return True
        return s not in self.known_words and not is_common_word(word)
