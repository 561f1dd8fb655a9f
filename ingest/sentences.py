"""Sentence spans with NLTK Punkt and domain parameters (no downloaded punkt data)."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import TYPE_CHECKING

from .nltk_modules import nltk_module

if TYPE_CHECKING:
    from nltk.tokenize.punkt import PunktSentenceTokenizer

# Punkt stores abbreviations lower-case and without their final period.
MEDICAL_ABBREVIATIONS = frozenset(
    """mg mcg g kg ml l dl mmol mol iu u e.g i.e dr drs approx vs etc al fig figs no nos
    dept inc ltd co corp st mr mrs ms prof vol ca cf esp incl max min hr hrs h wk wks mo
    yr yrs sec pt pts dx rx tx hx sx b.i.d t.i.d q.i.d q.d p.o i.v i.m s.c u.s u.k
    jan feb mar apr jun jul aug sep sept oct nov dec""".split()
)
SENTENCE_STARTERS = frozenset(
    """a an the this that these those it its in for if when while patients patient
    however although also take do don't avoid tell call use some most many other""".split()
)
_BULLET = re.compile(r"^[ \t]*(?:[-*•+]|\d{1,3}[.)])[ \t]+")


@lru_cache(maxsize=1)
def _tokenizer() -> PunktSentenceTokenizer:
    # Imported on first use: the query path imports this module (through ingest) but never splits.
    punkt = nltk_module("nltk.tokenize.punkt")
    params = punkt.PunktParameters()
    params.abbrev_types = set(MEDICAL_ABBREVIATIONS)
    params.sent_starters = set(SENTENCE_STARTERS)
    return punkt.PunktSentenceTokenizer(params)


def split_sentences(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Sentence spans (absolute offsets) inside text[start:end].

    Each non-empty line is split on its own, so a heading-like line, a list item or a
    table row never merges with the next line. List markers ("- ", "1. ") are left out
    of the span so the quote starts at the words.
    """
    end = len(text) if end is None else end
    spans: list[tuple[int, int]] = []
    pos = start
    for line in text[start:end].splitlines(keepends=True):
        line_start, pos = pos, pos + len(line)
        body = line.rstrip("\r\n")
        bullet = _BULLET.match(body)
        offset = bullet.end() if bullet else 0
        for s, e in _tokenizer().span_tokenize(body[offset:]):
            piece = body[offset + s : offset + e]
            if any(ch.isalnum() for ch in piece):
                spans.append((line_start + offset + s, line_start + offset + e))
    return spans
