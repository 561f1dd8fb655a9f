"""Question intent -> the sections that answer it, whatever a label calls them.

Each intent pairs the ways people ask (question cues, `data/question_cues.tsv`) with
the label sections that answer it (`data/intent_sections.tsv`): their LOINC section
codes, and for documents without codes the LOINC section names plus the usual
headings of patient leaflets and consumer pages. Cues are matched on word stems,
so "dosing", "doses" and "dosage" all meet "dose". A section that matches no intent
is neutral, never penalized.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from ingest.datafiles import load_table
from ingest.lexical import stem, words
from ingest.loinc import section_names

DATA = Path(__file__).resolve().parent / "data"


def loinc_section_names() -> dict[str, str]:
    """LOINC code -> section name ("34068-7" -> "Dosage & Administration")."""
    return section_names()


@lru_cache(maxsize=1)
def _sections() -> dict[str, tuple[frozenset[str], tuple[str, ...]]]:
    """intent -> (its LOINC codes, its heading phrases: the codes' names and the extra headings)."""
    names = loinc_section_names()
    out = {}
    for row in load_table(DATA / "intent_sections.tsv").rows:
        codes = frozenset(c for c in row["loinc"].split() if c != "-")
        unknown = codes - names.keys()
        if unknown:
            raise ValueError(f"intent {row['intent']}: LOINC codes {sorted(unknown)} are not in loinc_sections.tsv")
        headings = [names[c].replace("&", "and") for c in sorted(codes)]
        headings += [h.strip() for h in row["headings"].split(";") if h.strip()]
        out[row["intent"]] = (codes, tuple(dict.fromkeys(headings)))
    return out


@lru_cache(maxsize=1)
def _question_cues() -> dict[str, tuple[str, ...]]:
    """intent -> its question cues."""
    cues: dict[str, tuple[str, ...]] = {}
    for row in load_table(DATA / "question_cues.tsv").rows:
        for intent in row["intents"].split():
            if intent not in _sections():
                raise ValueError(f"question cue {row['cue']!r}: no intent {intent!r} in intent_sections.tsv")
            cues[intent] = cues.get(intent, ()) + (row["cue"],)
    return cues


def _stems(phrase: str) -> tuple[str, ...]:
    return tuple(stem(w) for w in words(phrase))


@lru_cache(maxsize=1)
def _compiled():
    q_cues = _question_cues()
    return [(name, [_stems(c) for c in q_cues.get(name, ())], [_stems(h) for h in headings])
            for name, (_, headings) in _sections().items()]


@lru_cache(maxsize=1)
def _intents_by_code() -> dict[str, frozenset[str]]:
    out: dict[str, set[str]] = {}
    for name, (codes, _) in _sections().items():
        for code in codes:
            out.setdefault(code, set()).add(name)
    return {code: frozenset(names) for code, names in out.items()}


@lru_cache(maxsize=1)
def section_kinds() -> dict[str, frozenset[str]]:
    """kind -> its LOINC section codes (data/section_kinds.tsv), in file order."""
    names = loinc_section_names()
    out = {}
    for row in load_table(DATA / "section_kinds.tsv").rows:
        codes = frozenset(row["loinc"].split())
        unknown = codes - names.keys()
        if unknown:
            raise ValueError(f"section kind {row['kind']}: LOINC codes {sorted(unknown)} are not in loinc_sections.tsv")
        out[row["kind"]] = codes
    return out


def code_intents(section_code: str | None) -> frozenset[str]:
    """Intents a section answers by its LOINC code ("34068-7" -> {"dosing"}); empty when unmapped."""
    return _intents_by_code().get(section_code or "", frozenset())


def section_intents(heading: str, section_code: str | None = None) -> frozenset[str]:
    """By the section's LOINC code when it has a mapped one, else by its heading's words
    (SPL subsections coded 42229-5 "SPL unclassified" fall back to their headings)."""
    return code_intents(section_code) or heading_intents(heading)


def _has_phrase(padded: str, phrase: tuple[str, ...]) -> bool:
    """padded: " stem stem ... " of the question. A one-word cue matches a stem's start
    ("pregnan" -> "pregnanc"); a longer cue matches whole stems in order."""
    if len(phrase) == 1:
        return f" {phrase[0]}" in padded
    return f" {' '.join(phrase)} " in padded


def question_intents(question: str) -> frozenset[str]:
    """Intents a question asks about. Multi-word cues win over the generic
    single-word ones: "what are the side effects" is side_effects, not indication."""
    padded = f" {' '.join(stem(w) for w in words(question))} "
    found = {}
    for name, q_cues, _ in _compiled():
        best = max((len(c) for c in q_cues if _has_phrase(padded, c)), default=0)
        if best:
            found[name] = best
    if not found:
        return frozenset()
    # "what is"/"used for" are weak cues; drop indication when a specific intent is present.
    if "indication" in found and len(found) > 1 and found["indication"] <= 2:
        found.pop("indication")
    return frozenset(found)


def _spans(stems: list[str], phrase: tuple[str, ...]) -> list[range]:
    n = len(phrase)
    if n == 1:
        return [range(i, i + 1) for i, s in enumerate(stems) if s == phrase[0]]
    return [range(i, i + n) for i in range(len(stems) - n + 1) if tuple(stems[i:i + n]) == phrase]


@lru_cache(maxsize=100_000)
def heading_intents(heading: str) -> frozenset[str]:
    """Intents a section heading answers, from its words ("How to Use X" -> dosing).

    A cue inside a longer cue of another intent does not count: the "use" of
    "How to Use" is dosing, not the indication heading "Uses".
    """
    stems = [stem(w) for w in words(re.sub(r"[^\w\s-]", " ", heading))]
    matches = [(name, span) for name, _, h_cues in _compiled() for c in h_cues for span in _spans(stems, c)]
    kept = set()
    for name, span in matches:
        inside_longer = any(other != name and len(o) > len(span) and span.start >= o.start and span.stop <= o.stop
                            for other, o in matches)
        if not inside_longer:
            kept.add(name)
    return frozenset(kept)


def intents_disagree(asked: frozenset[str], answered: frozenset[str]) -> bool:
    """Both sides known and no intent in common: a dosing question met by an Uses heading."""
    return bool(asked) and bool(answered) and not (asked & answered)
