"""Lexical analysis shared by the BM25 index and answer scoring: words -> stems."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from .datafiles import load_table
from .nltk_modules import nltk_module

# Letters/digits runs, keeping inner hyphens and dots of tokens such as "5q", "IL-2",
# "G1", "2.5": "21-day" -> "21-day", which also yields its parts "21" and "day".
_TOKEN = re.compile(r"[A-Za-z0-9\u00C0-\u024F\u0370-\u03FF]+(?:[-.][A-Za-z0-9\u00C0-\u024F\u0370-\u03FF]+)*")

STOPWORDS = frozenset(
    """a about above after again against all am an and any are as at be because been
    before being below between both but by can could did do does doing down during each
    few for from further had has have having he her here hers herself him himself his how
    i if in into is it its itself just me more most my myself no nor not now of off on once
    only or other our ours ourselves out over own same she should so some such than that
    the their theirs them themselves then there these they this those through to too under
    until up very was we were what when where which while who whom why will with would you
    your yours yourself yourselves may might must shall also can't don't doesn't isn't
    aren't wasn't weren't won't""".split()
)


@lru_cache(maxsize=1)
def _stemmer():
    return nltk_module("nltk.stem.snowball").SnowballStemmer("english")


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    return _stemmer().stem(word)


_INFLECTION = re.compile(r"(?:ing|ed|es|s)$")


def inflection_stems(word: str) -> frozenset[str]:
    """Stems a written word's inflections may take: its own, and those of the word without
    its ending, with or without a final "e". The stemmer does not always give a word and
    its inflections one stem ("breastfeeding" -> "breastfeed" but "breastfeed" ->
    "breastfe"), so a phrase of a word list written in one inflection matches the others."""
    word = word.lower()
    stems = {stem(word)}
    base = _INFLECTION.sub("", word)
    if base != word and len(base) >= 4:
        stems |= {stem(base), stem(base + "e")}
    return frozenset(stems)


# English contractions and the possessive, written with either apostrophe: "don't" is "do
# not" (stopwords both), "What's" and "HUMIRA's" lose the "'s" that would else be a word "s".
_NEGATION = re.compile(r"(?<=[A-Za-z])n['’]t\b", re.IGNORECASE)
_CLITIC = re.compile(r"(?<=[A-Za-z])['’](?:s|re|ve|ll|d|m)\b", re.IGNORECASE)
_NEGATED_STEM = {"ca": "can", "wo": "will", "sha": "shall"}


def _expand_contractions(text: str) -> str:
    if "'" not in text and "’" not in text:
        return text
    text = re.sub(r"\b(ca|wo|sha)(?=n['’]t\b)", lambda m: _NEGATED_STEM[m.group(1).lower()], text,
                  flags=re.IGNORECASE)
    return _CLITIC.sub("", _NEGATION.sub(" not", text))


@lru_cache(maxsize=1)
def _unmarked_contractions() -> dict[str, tuple[str, ...]]:
    """written -> words, for contractions typed without the apostrophe (data/contractions.tsv)."""
    table = load_table(Path(__file__).parent / "data" / "contractions.tsv")
    return {row["written"]: tuple(row["reading"].split()) for row in table.rows}


def words(text: str) -> list[str]:
    """Lower-cased word tokens; hyphenated tokens also give their parts; contractions are
    read as their words ("doesn't" -> "does", "not"; "patient's" -> "patient"; "whats" ->
    "what", "is", unless written in capitals: "IM" is intramuscular)."""
    out = []
    unmarked = _unmarked_contractions()
    for written in _TOKEN.findall(_expand_contractions(text)):
        token = written.lower()
        if token in unmarked and not written.isupper():
            out.extend(unmarked[token])
            continue
        out.append(token)
        if "-" in token:
            out.extend(part for part in token.split("-") if part)
    return out


def analyze(text: str) -> list[str]:
    """Stems of the non-stopword tokens: what BM25 indexes and queries match on."""
    return [stem(w) for w in words(text) if w not in STOPWORDS]
