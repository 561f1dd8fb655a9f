"""Term match: how closely the passages' words meet each content word of the question.

Lexical coverage misses a label that says the same thing in other words: "sleepy" against
"somnolence", "breastfeed" against "nursing mothers", "beer" against "alcohol". Each
question term and each word of the best passages is embedded alone with the same MiniLM
encoder, and a term's match is its best cosine with any of those words: 1.0 when the
word itself is there, high for a synonym, low when the passages never speak of it (the
cost of a drug, a drug the label does not compare with). The mean and the weakest match
are confidence features (`qa/compose.py`): an unanswerable question is mostly one whose
point is not in the label at all.

Word vectors are computed on first use and kept (bounded): a label's vocabulary is a few
thousand words, so after the first questions a label's passages cost no encoding. Once
the library's vocabulary is built (`LabelVocabulary`, in the background for the web app,
at the start of an evaluation), its vectors serve every word it holds.

The library's words are counted once (`LibraryWords`), for the vocabulary and for the
speller (`qa/spelling.py`).
"""

from __future__ import annotations

import threading
from collections import Counter, OrderedDict
from collections.abc import Callable, Iterable

import numpy as np

from ingest.lexical import STOPWORDS, words

MIN_WORD_CHARS = 3  # "of", "mg" and the like say nothing alone


def is_content_word(word: str) -> bool:
    return word not in STOPWORDS and len(word) >= MIN_WORD_CHARS and not word.isdigit()


def passage_words(texts: Iterable[str]) -> list[str]:
    """The distinct content words of texts, sorted."""
    return sorted({w for text in texts for w in words(text) if is_content_word(w)})


class LibraryWords:
    """Every lower-cased word of the library's texts with its count (ingest.lexical.words),
    counted on first use, once for all its users. Safe to share between threads."""

    def __init__(self, texts: Callable[[], Iterable[str]]) -> None:
        self._texts = texts
        self._lock = threading.Lock()
        self._counts: Counter | None = None

    def counts(self) -> Counter:
        with self._lock:
            if self._counts is None:
                self._counts = Counter(w for text in self._texts() for w in words(text))
            return self._counts


def term_matches(term_vectors: np.ndarray, word_vectors: np.ndarray) -> np.ndarray:
    """Per question term, its best cosine with any passage word (0.0 for every term when
    there are no words). Vectors are L2-normalized rows."""
    if not len(term_vectors):
        return np.zeros(0, dtype=np.float32)
    if not len(word_vectors):
        return np.zeros(len(term_vectors), dtype=np.float32)
    return (term_vectors @ word_vectors.T).max(axis=1)


class WordVectors:
    """Single-word vectors from an encoder, cached as float16 (least recently used out beyond
    max_words: 50,000 words take 38 MB). Safe to share between threads."""

    def __init__(self, encoder, max_words: int = 50_000, library: LabelVocabulary | None = None) -> None:
        self.encoder = encoder
        self.max_words = max_words
        self.library = library  # once built, its vectors serve the words it holds
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    def __call__(self, items: list[str]) -> np.ndarray:
        out = np.zeros((len(items), self.encoder.dim), dtype=np.float32)
        known = self.library.vectors_if_built(items) if self.library is not None else {}
        with self._lock:
            missing = [w for w in dict.fromkeys(items) if w not in self._cache and w not in known]
        if missing:
            fresh = self.encoder.encode(missing, batch_size=256)
            with self._lock:
                for word, vector in zip(missing, fresh.astype(np.float16), strict=True):
                    self._cache[word] = vector
        with self._lock:
            for i, word in enumerate(items):
                if word in known:
                    out[i] = known[word]
                    continue
                vector = self._cache.get(word)
                if vector is None:  # evicted by another thread meanwhile: rare, encode it alone
                    vector = self.encoder.encode([word])[0].astype(np.float16)
                else:
                    self._cache.move_to_end(word)
                out[i] = vector
            while len(self._cache) > self.max_words:
                self._cache.popitem(last=False)
        return out


class LabelVocabulary:
    """The library's content words with their single-word vectors, built on first use (a
    label's few thousand words take about a second): for the words a question uses and the
    library never does ("breastfeed" -> its nearest library words, "nursing"), and as the
    vectors of every library word the term match meets. Safe to share between threads."""

    MIN_NEIGHBOUR_CHARS = 4  # a neighbour is a whole word of four letters or more

    def __init__(self, library_words: LibraryWords, encoder) -> None:
        self.library_words = library_words
        self.encoder = encoder
        self._lock = threading.Lock()
        self._words: list[str] | None = None
        self._rows: dict[str, int] = {}
        self._vectors = np.zeros((0, 0), dtype=np.float16)
        self._neighbours = 0  # the first rows: the words a neighbour may be

    def _built(self) -> tuple[list[str], np.ndarray]:
        with self._lock:
            if self._words is None:
                content = [w for w in self.library_words.counts() if is_content_word(w)]
                eligible = sorted(w for w in content if w.isalpha() and len(w) >= self.MIN_NEIGHBOUR_CHARS)
                found = eligible + sorted(set(content) - set(eligible))
                vectors = self.encoder.encode(found, batch_size=256) if found else np.zeros((0, self.encoder.dim))
                self._vectors = np.asarray(vectors, dtype=np.float16)
                self._rows = {w: i for i, w in enumerate(found)}
                self._neighbours = len(eligible)
                self._words = found
            return self._words, self._vectors

    def warm(self) -> int:
        """Build the vocabulary now (a served app does it in the background at start, an
        evaluation before its first question); returns its number of words."""
        return len(self._built()[0])

    def vectors_if_built(self, items: Iterable[str]) -> dict[str, np.ndarray]:
        """word -> its float16 vector, for the items the vocabulary holds; empty until it is
        built (never builds it: a question does not wait for the whole library)."""
        if self._words is None:
            return {}
        return {w: self._vectors[self._rows[w]] for w in items if w in self._rows}

    def neighbours(self, vectors: np.ndarray, min_cosine: float, k: int) -> list[tuple[str, ...]]:
        """Per row of vectors (unit single-word vectors), its k nearest library words (whole
        words of four letters or more) with a cosine of at least min_cosine, nearest first."""
        found, matrix = self._built()
        if not self._neighbours or not len(vectors):
            return [() for _ in range(len(vectors))]
        sims = np.asarray(vectors, dtype=np.float32) @ matrix[: self._neighbours].T.astype(np.float32)
        out = []
        for row in sims:
            top = np.argsort(-row)[:k]
            out.append(tuple(found[j] for j in top if row[j] >= min_cosine))
        return out
