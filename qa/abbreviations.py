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


class LibraryAbbreviations:
    """The abbreviations every document of a library defines, read on first use."""

    def __init__(self, texts: Callable[[], Iterable[str]]) -> None:
        self._texts = texts
        self._by_short: dict[str, tuple[Abbreviation, ...]] | None = None
        self._by_first: dict[str, tuple[Abbreviation, ...]] | None = None

    def by_short(self) -> dict[str, tuple[Abbreviation, ...]]:
        """short-form stem -> its definitions (one label's "CI" may be another's)."""
        if self._by_short is None:
            out: dict[str, dict[tuple[frozenset[str], ...], Abbreviation]] = {}
            for text in self._texts():
                for short, long in definitions(text):
                    a = abbreviation(short, long)
                    if a is not None:
                        out.setdefault(a.short_stem, {}).setdefault(a.long_forms, a)
            by_first: dict[str, list[Abbreviation]] = {}
            for a in (a for defs in out.values() for a in defs.values()):
                for form in a.long_forms[0]:
                    by_first.setdefault(form, []).append(a)
            self._by_first = {k: tuple(v) for k, v in by_first.items()}
            self._by_short = {k: tuple(v.values()) for k, v in out.items()}
        return self._by_short

    def opened_by(self, forms: set[str]) -> list[Abbreviation]:
        """The abbreviations whose long form opens with one of these spellings: the only ones a
        question can use (a lookup per question word, not a scan of the library's abbreviations)."""
        self.by_short()
        found = (a for form in forms for a in self._by_first.get(form, ()))
        return list(dict.fromkeys(found))

    def expansions(self, question_words: Iterable[str], idf: dict[str, float]) -> dict[str, tuple[str, ...]]:
        """Stem of a question word -> the stems that stand for it in the library's abbreviations.

        A short form the question uses accepts its long form's rarest word by idf ("fh" ->
        "hypercholesterolemia": a term matches when any alternative does, and "drugs" of
        "nonsteroidal anti-inflammatory drugs" would match anything); a long form the
        question writes (uses_long_form) lets its words accept the short form ("hepat" ->
        "hbv" for "hepatitis B reactivation").
        """
        words = list(dict.fromkeys(question_words))
        stems = {w: stem(w.lower()) for w in words}
        forms = {w: word_forms(w) for w in words}
        all_forms = set().union(*forms.values()) if forms else set()
        out: dict[str, list[str]] = {}
        table = self.by_short()
        for w in words:
            for a in table.get(stems[w], ()):
                rarest = max(a.long_words, key=lambda ts: max(idf.get(t, 0.0) for t in ts))
                out.setdefault(stems[w], []).extend(sorted(rarest))
        for a in self.opened_by(all_forms):
            if a.short_stem in stems.values() or not uses_long_form(a, all_forms):
                continue
            for w in words:
                if any(forms[w] & f for f in a.long_forms):
                    out.setdefault(stems[w], []).append(a.short_stem)
        return {k: tuple(dict.fromkeys(v)) for k, v in out.items()}

    def short_forms(self, question_words: Iterable[str]) -> list[str]:
        """The other form (as the label writes it) of each abbreviation the question uses."""
        words = list(question_words)
        stems = {stem(w.lower()) for w in words}
        all_forms = set().union(*(word_forms(w) for w in words)) if words else set()
        written = []
        for s in stems:
            written.extend(a.long for a in self.by_short().get(s, ()))
        written.extend(a.short for a in self.opened_by(all_forms) if uses_long_form(a, all_forms))
        return list(dict.fromkeys(written))
