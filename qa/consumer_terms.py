"""Consumer phrases -> the clinical words monographs use for them.

People ask about "blood thinners", "an empty stomach" or "kidney problems";
monographs say "anticoagulants", "without food", "renal impairment". In the spirit
of the Consumer Health Vocabulary (Zeng et al., JAMIA 2006), each phrase maps to
clinical alternatives that retrieval and the coverage check accept in its place.
"""

from __future__ import annotations

from functools import lru_cache

from ingest.lexical import analyze

CONSUMER_TERMS = {
    "empty stomach": "without food fasting",
    "with food": "meal food",
    "blood thinner": "anticoagulant antiplatelet blood-thinning",
    "blood thinners": "anticoagulants antiplatelet blood-thinning",
    "blood clot": "thrombosis thromboembolism thromboembolic embolism DVT",
    "blood clots": "thrombosis thromboembolism thromboembolic embolism DVT",
    "kidney": "renal kidneys",
    "kidneys": "renal",
    "liver": "hepatic",
    "heart attack": "myocardial infarction",
    "hair loss": "alopecia",
    "breastfeeding": "breast-feeding lactation nursing breast milk",
    "breast feeding": "lactation nursing breast milk",
    "pregnant": "pregnancy",
    "birth control": "contraception contraceptive",
    "birth defects": "fetal harm embryo-fetal teratogenic",
    "lab tests": "blood tests laboratory monitoring",
    "lab test": "blood test laboratory monitoring",
    "bloodwork": "blood tests blood counts",
    "tiredness": "fatigue",
    "tired": "fatigue",
    "throwing up": "vomiting",
    "throw up": "vomiting",
    "feel sick": "nausea",
    "feeling sick": "nausea",
    "upset stomach": "nausea gastrointestinal",
    "stomach": "gastrointestinal abdominal",
    "rash": "skin rashes",
    "itching": "pruritus",
    "low platelets": "thrombocytopenia",
    "low white blood cells": "neutropenia",
    "low red blood cells": "anemia",
    "infection": "infections",
    "numbness": "neuropathy",
    "nerve": "neuropathy nerves",
    "nerves": "neuropathy",
    "nerve damage": "neuropathy",
    "first": "initially initial",
    "eliminated": "excreted excretion",
    "elimination": "excretion excreted",
    "cleared": "excreted excretion",
    "with care": "caution careful monitoring",
    "careful": "caution monitoring",
    "company": "corporation manufacturer developed",
    "who makes": "developed manufacturer corporation",
    "start working": "onset of action improvement",
    "how long": "onset weeks cycles",
    "tingling": "neuropathy",
    "how it works": "mechanism of action",
    "stop taking": "discontinue discontinuation",
    "pill": "capsule tablet",
    "pills": "capsules tablets",
    "painkiller": "analgesic NSAIDs",
    "painkillers": "analgesics NSAIDs",
    "allergy": "hypersensitivity",
    "allergic": "hypersensitivity",
    "cancer": "malignancies tumors",
    "side effect": "adverse reactions",
    "side effects": "adverse reactions",
}


@lru_cache(maxsize=1)
def _compiled() -> list[tuple[tuple[str, ...], tuple[str, ...], str]]:
    out = []
    for phrase, clinical in CONSUMER_TERMS.items():
        out.append((tuple(analyze(phrase)), tuple(analyze(clinical)), clinical))
    return sorted(out, key=lambda x: -len(x[0]))


def clinical_alternatives(stems: list[str]) -> tuple[dict[str, tuple[str, ...]], list[str]]:
    """For question stems: stem -> clinical alternative stems, and the clinical phrases found."""
    alternatives: dict[str, tuple[str, ...]] = {}
    phrases: list[str] = []
    for phrase, clinical, text in _compiled():
        n = len(phrase)
        if n and any(tuple(stems[i:i + n]) == phrase for i in range(len(stems) - n + 1)):
            for s in phrase:
                alternatives[s] = alternatives.get(s, ()) + clinical
            phrases.append(text)
    return alternatives, phrases
