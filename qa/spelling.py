"""Misspelled question words, corrected to the library's own words.

Consumers misspell ("teaspons", "glacoma", "sypmtoms"); a misspelled word matches no
BM25 term, counts as a word the library never uses (lowering confidence) and embeds as
noise. A word is corrected when it is not a word at all here: not in the library's
vocabulary, not ordinary English (wordfreq), not a drug name (those go through the drug
name matching of `ingest/drugs.py`, whose fuzzy matches only rank a label up); and when
a word of the library is within the same edit limit as drug names (optimal string
alignment: 1 edit for 6-8 letters, 2 for 9 or more, counted on the shorter word). The
closest word wins, then the one the library uses most. Only the analysis of the question
reads the corrected text; the question shown and stored is the user's.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from functools import lru_cache

from rapidfuzz import process
from rapidfuzz.distance import OSA

from ingest.drugs import edit_limit, is_common_word, looks_like_drug
from ingest.lexical import STOPWORDS, stem

from .word_match import LibraryWords

_WORD = re.compile(r"[A-Za-z]+")


def correction(word: str, counts: Counter, by_length: dict[int, list[str]]) -> str | None:
    """The library word a misspelling stands for, or None."""
    limit = edit_limit(len(word))
    if not limit:
        return None
    candidates = [w for d in range(-limit, limit + 1) for w in by_length.get(len(word) + d, ())]
    found = process.extract(word, candidates, scorer=OSA.distance, score_cutoff=limit, limit=None)
    fits = [(dist, -counts[w], w) for w, dist, _ in found if dist <= edit_limit(min(len(w), len(word)))]
    return min(fits)[2] if fits else None


def misspelled(word: str, known_stems: frozenset[str], is_name: Callable[[str], bool]) -> bool:
    """A lower-case word that is no word here: not a stopword, long enough to tell, not in
    the library's vocabulary, not ordinary English, not a drug name."""
    return not (word in STOPWORDS or not edit_limit(len(word)) or stem(word) in known_stems
                or is_common_word(word) or is_name(word) or looks_like_drug(word))


def corrected_question(text: str, counts: Counter, by_length: dict[int, list[str]], known_stems: frozenset[str],
                       is_name: Callable[[str], bool]) -> str:
    """text with each misspelled word replaced by its library word (lower case)."""

    def fix(m: re.Match) -> str:
        word = m.group(0).lower()
        if not misspelled(word, known_stems, is_name):
            return m.group(0)
        return correction(word, counts, by_length) or m.group(0)

    return _WORD.sub(fix, text)


class Speller:
    """corrected_question over the library's words (`LibraryWords`, counted the first time a
    question has a misspelled word: a few seconds for thousands of labels; most questions
    have none). The last questions' readings are kept: a question is read once for its
    analysis and once for the reading shown. Safe to share between threads."""

    def __init__(self, library_words: LibraryWords, known_stems: frozenset[str],
                 is_name: Callable[[str], bool], remembered: int = 1024) -> None:
        self.library_words = library_words
        self.known_stems = known_stems
        self.is_name = is_name
        self._by_length: dict[int, list[str]] | None = None
        self._read = lru_cache(maxsize=remembered)(self._reading)

    def __call__(self, text: str) -> str:
        return self._read(text)

    def _reading(self, text: str) -> str:
        if not any(misspelled(w.lower(), self.known_stems, self.is_name) for w in _WORD.findall(text)):
            return text
        counts = self.library_words.counts()
        if self._by_length is None:  # a race builds the same lists twice, harmlessly
            by_length: dict[int, list[str]] = {}
            for w in sorted(counts):
                if w.isalpha() and len(w) >= 4:
                    by_length.setdefault(len(w), []).append(w)
            self._by_length = by_length
        return corrected_question(text, counts, self._by_length, self.known_stems, self.is_name)
