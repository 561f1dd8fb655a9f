"""Question intent -> the sections that answer it, whatever a monograph calls them.

Each intent pairs the ways people ask (question cues) with the ways monographs and
patient leaflets title the section (heading cues). Cues are matched on word stems,
so "dosing", "doses" and "dosage" all meet "dose". A section heading that matches
no intent is neutral, never penalized.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from ingest.lexical import stem, words


@dataclass(frozen=True, slots=True)
class Intent:
    name: str
    question_cues: tuple[str, ...]  # phrases; every word must appear (as a stem) in order-free form
    heading_cues: tuple[str, ...]


INTENTS = (
    Intent("indication", ("used for", "use for", "what is", "what are", "what kind", "what type", "what class",
                          "what sort", "treat", "indicat", "approv", "purpose",
                          "what does it do", "prescribed for", "good for"),
           ("used for", "uses", "indication", "indications", "information", "overview", "description",
            "about")),
    Intent("dosing", ("dose", "dosage", "how much", "how many", "how often", "how to take", "how should",
                      "how do i take", "regimen", "schedule", "treatment cycle", "between cycles",
                      "each cycle", "per cycle", "missed", "administer", "swallow",
                      "with food", "empty stomach", "capsule", "tablet", "take it"),
           ("dosage", "dose", "dosing", "administration", "how to use", "how to take", "directions",
            "how to use", "posology", "missed dose")),
    Intent("side_effects", ("side effect", "adverse", "reaction", "cause", "toxicity", "symptom of",
                            "harm", "risk of", "safe"),
           ("side effects", "adverse reactions", "adverse effects", "undesirable effects", "toxicity",
            "safety")),
    Intent("interactions", ("interact", "with other", "combine", "together", "take with", "mix",
                            "alcohol", "grapefruit", "affect"),
           ("interactions", "interaction", "other drugs", "other medicines", "drug interactions")),
    Intent("contraindications", ("pregnan", "breastfeed", "breast feed", "nursing", "lactat", "contraindicat",
                                 "who should not", "avoid", "allerg", "warning", "precaution", "caution",
                                 "kidney", "renal", "liver", "hepatic", "elderly", "children", "contracept"),
           ("contraindications", "warnings", "precautions", "pregnancy", "lactation", "breastfeeding",
            "special populations", "before taking", "who should not")),
    Intent("mechanism", ("how does it work", "how it works", "works by", "mechanism", "pharmacolog",
                         "mode of action", "target", "inhibit", "pathway", "what does it do to"),
           ("mechanism", "mechanism of action", "pharmacology", "pharmacodynamics", "how it works")),
    Intent("onset", ("how long", "how soon", "how quickly", "start working", "take effect", "until it works",
                     "onset", "kick in"),
           ("onset", "what to expect", "how long")),
    Intent("storage", ("store", "storage", "keep", "refrigerat", "expire", "dispose"),
           ("storage", "how to store", "disposal", "handling")),
    Intent("overdose", ("overdose", "too much", "poison"), ("overdose", "overdosage", "emergency")),
    Intent("treatment", ("treatment", "treated", "therapy", "therapies", "manage", "cure"),
           ("treatment", "treatment options", "therapy", "management")),
    Intent("symptoms", ("symptom", "sign"), ("symptoms", "signs and symptoms", "signs")),
    Intent("diagnosis", ("diagnos", "test", "detect", "exam", "screen", "find out"),
           ("exams and tests", "diagnosis", "tests", "screening", "detection")),
    Intent("outlook", ("outlook", "prognosis", "survival", "chance of recovery", "life expectancy"),
           ("outlook", "prognosis", "survival")),
    Intent("stages", ("stage", "staging", "spread"), ("stages", "staging")),
    Intent("risk", ("who is at risk", "at risk", "risk factor", "susceptib", "who gets", "chance of getting"),
           ("susceptibility", "risk factors", "risk", "who is at risk")),
    Intent("research", ("research", "clinical trial", "new treatment", "being done", "studies"),
           ("research", "clinical trials", "new treatments")),
    Intent("prevention", ("prevent", "prevention", "avoid getting", "lower the risk", "reduce the risk"),
           ("prevention", "preventing")),
    Intent("causes", ("cause", "why do", "what causes"), ("causes", "cause", "etiology")),
    Intent("genetics", ("genetic", "inherit", "gene", "hereditary", "run in families"),
           ("genetic changes", "inheritance", "genetics", "genes")),
)


def _stems(phrase: str) -> tuple[str, ...]:
    return tuple(stem(w) for w in words(phrase))


@lru_cache(maxsize=1)
def _compiled():
    return [(i.name, [_stems(c) for c in i.question_cues], [_stems(c) for c in i.heading_cues]) for i in INTENTS]


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
