"""Drug names a document is about, and drug-like words in a question.

No drug lexicon ships with the product, so names come from metadata when a corpus
file has it, and otherwise from the title plus brand-name phrasing in the text
("known by its trade name Revlimid"). Drug-likeness of an unknown word uses the
WHO INN stems (-mab, -nib, -pril, ...), which cover most modern generic names.
"""

from __future__ import annotations

import re

INN_STEMS = (
    "mab", "nib", "lib", "parib", "ciclib", "tinib", "zomib", "domide", "pril", "sartan",
    "olol", "alol", "dipine", "statin", "vastatin", "floxacin", "cillin", "cycline",
    "mycin", "micin", "azole", "conazole", "prazole", "tidine", "setron", "triptan",
    "gliptin", "glitazone", "gliflozin", "formin", "profen", "fenac", "coxib", "oxicam",
    "parin", "xaban", "gatran", "grel", "semide", "thiazide", "azepam", "zolam", "barbital",
    "caine", "vir", "navir", "previr", "buvir", "platin", "rubicin", "taxel", "tecan",
    "trexate", "abine", "citabine", "mustine", "lukast", "terol", "sone", "olone", "asone",
    "tadine", "oxetine", "triptyline", "pramine", "peridol", "apine", "idone", "codone",
    "morphone", "fentanil", "phylline", "dronate", "tretin", "imod", "limus", "sporin",
    "lutamide", "relix", "ercept", "kinra", "teplase", "glutide", "reotide", "pressin",
    "afil", "azosin", "osin", "flurane", "curium", "onium", "amivir",
)
# Common drugs whose names carry no INN stem (aspirin, warfarin, ...).
COMMON_DRUGS = frozenset(
    """aspirin warfarin paracetamol acetaminophen ibuprofen naproxen metformin insulin
    digoxin lithium heparin morphine codeine tramadol amoxicillin penicillin prednisone
    prednisolone dexamethasone methotrexate thalidomide pomalidomide bortezomib
    cyclosporine tacrolimus levothyroxine omeprazole simvastatin atorvastatin lisinopril
    amlodipine clopidogrel rivaroxaban apixaban allopurinol furosemide sertraline
    fluoxetine citalopram diazepam lorazepam gabapentin pregabalin ciprofloxacin
    doxycycline azithromycin clarithromycin rifampin rifampicin ketoconazole itraconazole
    fluconazole st-john's-wort tylenol advil motrin aleve coumadin glucophage""".split()
)
_NOT_DRUGS = frozenset(
    """disease release increase decrease phase base case purpose database lymphoma
    leukemia myeloma disease cause because side these those""".split()
)
_BRAND = re.compile(
    r"\b(?:trade|brand|proprietary)\s+names?\s+(?:is\s+|are\s+|of\s+)?([A-Z][A-Za-z0-9-]{2,})"
    r"|\bmarketed\s+(?:as|under)\s+(?:the\s+name\s+)?([A-Z][A-Za-z0-9-]{2,})"
)
_WORD = re.compile(r"[A-Za-z][A-Za-z0-9'-]{3,}")


def looks_like_drug(word: str) -> bool:
    w = word.lower()
    if w in COMMON_DRUGS:
        return True
    if len(w) < 6 or w in _NOT_DRUGS:
        return False
    return any(w.endswith(stem) for stem in INN_STEMS if len(w) > len(stem) + 2)


def detect_drug_names(title: str, text: str) -> tuple[str, ...]:
    """Drug names in the title (by INN stem or known name) plus brand names in the text."""
    names: list[str] = []
    for word in _WORD.findall(title):
        if looks_like_drug(word) and word.lower() not in {n.lower() for n in names}:
            names.append(word)
    if names:
        for m in _BRAND.finditer(text[:5000]):
            brand = m.group(1) or m.group(2)
            if brand.lower() not in {n.lower() for n in names}:
                names.append(brand)
    return tuple(names)


def edit_distance_at_most(a: str, b: str, limit: int) -> bool:
    """Levenshtein distance <= limit, with an early exit (names are short)."""
    if abs(len(a) - len(b)) > limit:
        return False
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        if min(cur) > limit:
            return False
        prev = cur
    return prev[-1] <= limit


class DrugNameIndex:
    """Library drug names, matched allowing the misspellings consumers make.

    Words of 6+ letters may be one edit away ("lenalidomid"), 9+ letters two
    ("lenolidomide"). Candidates come from a symmetric-delete table (every name and
    its one-letter deletions; SymSpell's idea), so a lookup costs a few dictionary
    probes however many names the library holds, then an exact edit-distance check.
    """

    def __init__(self, names: dict[str, str]) -> None:
        self.names = {n.lower(): key for n, key in names.items()}
        self._deletes: dict[str, set[str]] = {}
        for name in self.names:
            for variant in _one_deletions(name) | {name}:
                self._deletes.setdefault(variant, set()).add(name)

    def match(self, word: str) -> str | None:
        w = word.lower()
        if w in self.names:
            return self.names[w]
        if len(w) < 6:
            return None
        limit = 2 if len(w) >= 9 else 1
        candidates = set().union(*(self._deletes.get(v, set()) for v in _one_deletions(w) | {w}))
        best = sorted((n for n in candidates if edit_distance_at_most(w, n, limit)),
                      key=lambda n: (abs(len(n) - len(w)), n))
        return self.names[best[0]] if best else None


def _one_deletions(word: str) -> set[str]:
    return {word[:i] + word[i + 1:] for i in range(len(word))}
