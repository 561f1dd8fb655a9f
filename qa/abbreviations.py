"""Abbreviations a label defines for itself: "hepatitis B virus (HBV)", "ORENCIA® (abatacept)".

Labels define a long form once and use the short form afterwards ("In patients who develop
HBV reactivation, stop HUMIRA"). A question in the long form ("How should hepatitis B
reactivation be managed?") then shares none of its words with the sentence that answers
it, and one in the short form ("heterozygous FH") none with a sentence that spells it out.

The definitions are found with the algorithm of Schwartz and Hearst ("A simple algorithm
for identifying abbreviation definitions in biomedical text", Pacific Symposium on
Biocomputing 2003): a parenthesised short form, and as its long form the shortest run of
words just before it in which the short form's characters occur in order, its first
character opening a word. A brand name followed by its generic in parentheses is read the
same way. No word list: each label's own definitions, read from its text.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from ingest.lexical import STOPWORDS, analyze, stem

# A parenthesised short form: one token of 2-10 characters that starts with a letter and
# holds a capital ("HBV", "PsA", "mTSS", "HAQ-DI"); "(e.g., ...)", "(see 5.1)" and "(2)" are not.
_SHORT_FORM = re.compile(r"\(([A-Za-z][A-Za-z0-9\-]{1,9})\)")
_WORD = re.compile(r"\S+")
# A brand name the label glosses with its generic name: "KINERET® (anakinra)", as
# Medication Guides list the medicines not to combine with.
_BRAND = re.compile(r"\b([A-Za-z][A-Za-z\-]{2,})\s?[®™]\s*\(([a-z][a-z\-]+(?: [a-z][a-z\-]+)?)\)")


@dataclass(frozen=True, slots=True)
class Abbreviation:
    short: str  # as the label writes it: "HBV"
    long: str  # "hepatitis B virus"
    short_stem: str  # "hbv"
    # Per content word of the long form: its stems ("disease-modifying": the compound's and
    # its parts'), and its spellings (word_forms): a question uses the long form when it
    # writes the words, not words that share a stem ("hepatic" is not "hepatitis").
    long_words: tuple[frozenset[str], ...]
    long_forms: tuple[frozenset[str], ...]


def word_forms(word: str) -> frozenset[str]:
    """A word's spellings for long-form matching: lower case, one plural "s" off, and the
    parts of a hyphenated compound."""
    parts = {word.lower(), *word.lower().split("-")}
    return frozenset(p[:-1] if len(p) > 3 and p.endswith("s") else p for p in parts if p)


def long_form(short: str, before: str) -> str | None:
    """The long form of `short` at the end of `before` (Schwartz & Hearst 2003), or None.

    The short form's letters and digits are matched right to left against `before`; its
    first character must open a word. The long form runs from that word to the end.
    """
    s, text = short.lower(), before.lower()
    si, ti = len(s) - 1, len(text) - 1
    while si >= 0:
        c = s[si]
        if not c.isalnum():
            si -= 1
            continue
        while ti >= 0 and (text[ti] != c or (si == 0 and ti > 0 and text[ti - 1].isalnum())):
            ti -= 1
        if ti < 0:
            return None
        si -= 1
        ti -= 1
    start = text.rfind(" ", 0, ti + 1) + 1
    return before[start:].strip(" ,;:([")


def definitions(text: str) -> list[tuple[str, str]]:
    """(short form, long form) pairs a text defines, each short form once; a brand name
    glossed with its generic ("ORENCIA® (abatacept)") counts as one."""
    found: dict[str, str] = {}
    for m in _SHORT_FORM.finditer(text):
        short = m.group(1)
        if short in found or not any(ch.isupper() for ch in short):
            continue
        words = _WORD.findall(text[max(0, m.start() - 300): m.start()])
        window = " ".join(words[-min(len(short) + 5, 2 * len(short)):])
        long = long_form(short, window)
        if not long or len(long) <= len(short) or "(" in long or ")" in long:
            continue
        # The first content word opens with the short form's first letter: "the maximum
        # concentration (Tmax)" is no definition, "tumor necrosis factor (TNF)" is.
        content = [w for w in long.split() if w.lower() not in STOPWORDS]
        if not content or content[0][0].lower() != short[0].lower():
            continue
        found[short] = long
    for m in _BRAND.finditer(text):
        found.setdefault(m.group(1), m.group(2))
    return list(found.items())


def abbreviation(short: str, long: str) -> Abbreviation | None:
    """The definition as stems and spellings, or None when there is nothing to match: "AS"
    (ankylosing spondylitis) reads as a stopword. Single letters ("B" of "hepatitis B virus",
    the "s" of "Crohn's") and stopwords do not count as words of the long form."""
    short_stem = stem(short.lower())
    words = [w for w in re.findall(r"[A-Za-z0-9][A-Za-z0-9\-]*", long) if len(w) > 1 and w.lower() not in STOPWORDS]
    long_words = tuple(frozenset(t for t in analyze(w) if len(t) > 1) for w in words)
    if not words or not all(long_words) or short_stem in {t for w in long_words for t in w} or short.lower() in STOPWORDS:
        return None
    return Abbreviation(short, long, short_stem, long_words, tuple(word_forms(w) for w in words))


def uses_long_form(a: Abbreviation, forms: set[str]) -> bool:
    """The question's word spellings hold the long form's first content word and miss at
    most one other ("hepatitis B reactivation" uses "hepatitis B virus"; "blood" alone is not
    "blood pressure", "hepatic" is not "hepatitis")."""
    found = [bool(w & forms) for w in a.long_forms]
    return found[0] and sum(found) >= max(1, len(found) - 1)


@dataclass(frozen=True, slots=True)
class AbbreviationUse:
    """What a question's abbreviations add: stem of a question word -> the stems that stand
    for it, and the other form of each abbreviation as the label writes it (retrieval text)."""
    expansions: dict[str, tuple[str, ...]]
    written: list[str]


class LibraryAbbreviations:
    """The abbreviations every document of a library defines, read on first use."""

    def __init__(self, texts: Callable[[], Iterable[str]]) -> None:
        self._texts = texts
        self._tables: tuple[dict[str, tuple[Abbreviation, ...]], dict[str, tuple[Abbreviation, ...]]] | None = None

    def tables(self) -> tuple[dict[str, tuple[Abbreviation, ...]], dict[str, tuple[Abbreviation, ...]]]:
        """(short-form stem -> its definitions (one label's "CI" may be another's), spelling of a
        long form's first word -> the definitions it opens), built once."""
        if self._tables is None:
            unique: dict[tuple[str, tuple[frozenset[str], ...]], Abbreviation] = {}
            for text in self._texts():
                for short, long in definitions(text):
                    a = abbreviation(short, long)
                    if a is not None:
                        unique.setdefault((a.short_stem, a.long_forms), a)
            by_short: dict[str, list[Abbreviation]] = {}
            by_first: dict[str, list[Abbreviation]] = {}
            for a in unique.values():
                by_short.setdefault(a.short_stem, []).append(a)
                for form in a.long_forms[0]:
                    by_first.setdefault(form, []).append(a)
            self._tables = ({k: tuple(v) for k, v in by_short.items()}, {k: tuple(v) for k, v in by_first.items()})
        return self._tables

    def by_short(self) -> dict[str, tuple[Abbreviation, ...]]:
        return self.tables()[0]

    def use(self, question_words: Iterable[str], idf: dict[str, float]) -> AbbreviationUse:
        """The abbreviations a question uses, either way round.

        A short form the question uses accepts its long form's rarest word by idf ("fh" ->
        "hypercholesterolemia": a term matches when any alternative does, and "drugs" of
        "nonsteroidal anti-inflammatory drugs" would match anything). A long form the
        question writes (uses_long_form) lets its words accept the short form ("hepat" ->
        "hbv" for "hepatitis B reactivation"). Only the definitions a question word opens are
        looked at, not every abbreviation of the library.
        """
        by_short, by_first = self.tables()
        words = list(dict.fromkeys(question_words))
        stems = {w: stem(w.lower()) for w in words}
        forms = {w: word_forms(w) for w in words}
        all_forms = set().union(*forms.values()) if forms else set()
        out: dict[str, list[str]] = {}
        written: list[str] = []
        for w in words:
            for a in by_short.get(stems[w], ()):
                rarest = max(a.long_words, key=lambda ts: max(idf.get(t, 0.0) for t in ts))
                out.setdefault(stems[w], []).extend(sorted(rarest))
                written.append(a.long)
        opened = dict.fromkeys(a for form in all_forms for a in by_first.get(form, ()))
        for a in opened:
            if a.short_stem in stems.values() or not uses_long_form(a, all_forms):
                continue
            written.append(a.short)
            for w in words:
                if any(forms[w] & f for f in a.long_forms):
                    out.setdefault(stems[w], []).append(a.short_stem)
        return AbbreviationUse({k: tuple(dict.fromkeys(v)) for k, v in out.items()}, list(dict.fromkeys(written)))
