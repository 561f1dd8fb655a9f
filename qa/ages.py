"""Ages: the age a question gives, and the age ranges a label's sentence states.

"My daughter is 3 and has arthritis. Can she use it?" is answered by "HUMIRA has not been
studied in children less than 4 years of age", not by the indication "in children 4
years and older", though both speak of children, arthritis and the age of 4: only a
comparison of numbers tells them apart. A question's age is read from the ways people
state one ("my 8-year-old", "8 yr old", "my dad is 80", "a 4-month-old", "aged 12"); a
label's ranges from the ways labels bound an age ("under 18 years of age", "less than 4
years of age", "6 to under 12 years of age", "10-17 years of age", "4 years and older",
"age > 60 years", ">= 65 years of age", "below the age of one year", "6 months of age
and older"). A number of years only counts as an age next to "of age", "old", "older",
"younger", "age(s|d)": "for 2 to 3 years" is a duration. The answer-unit features
(`qa/compose.py`) are whether a unit (with its heading) states a range holding the
question's age, and whether it states ranges that all leave it out; their weights are fitted.
"""

from __future__ import annotations

import math
import re
from functools import lru_cache

# English number words a label or a question spells ages with
_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
          "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
          "seventeen": 17, "eighteen": 18, "eighty": 80, "sixty": 60, "seventy": 70, "sixty-five": 65}
_NUM = r"(\d{1,3}(?:\.\d+)?|" + "|".join(sorted(_WORDS, key=len, reverse=True)) + r")"
_UNIT = r"(years?|yrs?|months?|mos?|weeks?|wks?)"
_PER_YEAR = {"y": 1.0, "m": 12.0, "w": 52.0}
_DASH = r"\s*(?:-|–|—|to|through)\s*"

# the question's own age: "8-year-old", "8 yr old", "4 month old", "aged 12", "is 80", "age 75"
_QUESTION_AGE = [
    re.compile(rf"\b{_NUM}[\s-]*{_UNIT}[\s-]*old\b", re.IGNORECASE),
    re.compile(rf"\b{_NUM}\s*(?:yo|y/o|y\.o\.)(?!\w)", re.IGNORECASE),
    re.compile(rf"\b(?:aged?|is|am|turned|turns|just turned)\s+{_NUM}\b(?!\s*(?:%|mg|mcg|ml|g\b|kg|lbs?|units?|mmol|"
               rf"times|tablets?|pills?|doses?|hours?|days?|minutes?|x\b|[./]\d))", re.IGNORECASE),
]
_AGE_CONTEXT = r"(?:\s+(?:of\s+age|old)\b)"
# a label's ranges; _BETWEEN's groups: low number, low unit or None, high number, high unit
_BETWEEN = re.compile(rf"\b{_NUM}(?:\s*{_UNIT})?{_DASH}(?:under\s+|less\s+than\s+|<\s*)?{_NUM}\s*{_UNIT}"
                      rf"(?={_AGE_CONTEXT})", re.IGNORECASE)
_BETWEEN_AGED = re.compile(rf"\bage[sd]?\s*(?:of\s+)?{_NUM}(?:\s*{_UNIT})?{_DASH}{_NUM}\s*{_UNIT}?", re.IGNORECASE)
_BELOW = re.compile(rf"(?:\bunder|\bless\s+than|\byounger\s+than|<=|<|≤)\s*{_NUM}\s*{_UNIT}", re.IGNORECASE)
_BELOW_AGE_OF = re.compile(rf"\b(?:below|under)\s+the\s+age\s+of\s+{_NUM}(?:\s*{_UNIT})?", re.IGNORECASE)
_ABOVE = re.compile(rf"\b{_NUM}\s*{_UNIT}(?:\s+of\s+age)?(?:\s+(?:and|or)\s+(?:older|over|above)|\s+(?:old|of\s+age)\s+"
                    rf"(?:and|or)\s+(?:older|over|above))", re.IGNORECASE)
_ABOVE_SIGN = re.compile(rf"(?:>=|≥|>|\bover\b|\bolder\s+than\b|\bat\s+least\b)\s*{_NUM}\s*{_UNIT}", re.IGNORECASE)


def _number(text: str) -> float:
    return float(_WORDS[text.lower()]) if text.lower() in _WORDS else float(text)


def _years(number: str, unit: str | None) -> float:
    return _number(number) / _PER_YEAR[(unit or "y")[0].lower()]


def question_age(text: str) -> float | None:
    """The age in years the question gives ("my 4-month-old" -> 0.33), or None."""
    for pattern in _QUESTION_AGE:
        m = pattern.search(text)
        if m is None:
            continue
        unit = m.group(2) if pattern.groups >= 2 else None
        age = _years(m.group(1), unit)
        if 0 <= age <= 120:
            return age
    return None


def _has_age_word(text: str, start: int, end: int) -> bool:
    """An age, not a duration: "of age", "old", "older", "younger" or "age" within a few words."""
    window = text[max(0, start - 25): end + 25].lower()
    return bool(re.search(r"\bage[sd]?\b|\bold(?:er)?\b|\byounger\b|\bpediatric|\bchild|\binfant|\badolescent",
                          window))


@lru_cache(maxsize=100_000)
def age_ranges(text: str) -> tuple[tuple[float, float], ...]:
    """The age ranges [low, high) in years the text states; each stretch of text counts once
    ("6 to under 12 years of age" is not also "under 12 years")."""
    ranges: list[tuple[float, float]] = []
    taken: list[tuple[int, int]] = []

    def free(m: re.Match) -> bool:
        if any(m.start() < end and start < m.end() for start, end in taken):
            return False
        taken.append((m.start(), m.end()))
        return True

    for m in _BETWEEN.finditer(text):
        if free(m):
            bounded = re.search(r"under|less|<", m.group(0), re.IGNORECASE) is not None
            ranges.append((_years(m.group(1), m.group(2) or m.group(4)),
                           _years(m.group(3), m.group(4)) + (0.0 if bounded else 1.0)))
    for m in _BETWEEN_AGED.finditer(text):
        if free(m):
            unit = m.group(4) or m.group(2)
            ranges.append((_years(m.group(1), unit), _years(m.group(3), unit) + 1.0))
    for m in _BELOW_AGE_OF.finditer(text):
        if free(m):
            ranges.append((0.0, _years(m.group(1), m.group(2))))
    for m in _ABOVE.finditer(text):
        if free(m):
            ranges.append((_years(m.group(1), m.group(2)), math.inf))
    for m in _BELOW.finditer(text):
        if _has_age_word(text, m.start(), m.end()) and free(m):
            ranges.append((0.0, _years(m.group(1), m.group(2))))
    for m in _ABOVE_SIGN.finditer(text):
        if _has_age_word(text, m.start(), m.end()) and free(m):
            ranges.append((_years(m.group(1), m.group(2)), math.inf))
    return tuple(dict.fromkeys(ranges))


def age_fit(age: float | None, text: str) -> tuple[float, float]:
    """(the text states a range holding age, the text states ranges that all leave it out);
    (0, 0) without a question age or without ranges."""
    if age is None:
        return 0.0, 0.0
    ranges = age_ranges(text)
    if not ranges:
        return 0.0, 0.0
    held = any(low <= age < high for low, high in ranges)
    return float(held), float(not held)
