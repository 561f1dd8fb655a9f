"""Question words that the answers do not hold, counted on the public question sets:
`python -m bench.asking [--write]`.

A question word is a *term* of the question (qa/question.py): answer coverage, the rarest
missing term and the term-match confidence features all ask the quoted sentences to hold
it. Some frequent question words are the question's relation rather than its content: in
"Can Xtandi cause hot flashes?" the label answers "Hot flashes ... 20.3%", never "cause".
Counting such a word as a term makes a right answer look half-covered and pushes it under
the abstention threshold.

Procedure: over the groups of bench.fit whose reference answers are label sentences (all
but medquad, whose answers are whole sections), for every stem of a question, count the
questions that use it and those whose reference answer holds it too. A stem used in at
least MIN_GROUPS groups whose answers hold it at most MAX_ANSWER_RATE of the time, with 95%
confidence (the Wilson score interval's upper bound: a stem no answer holds needs 16
questions, one held once in 19 is not enough), is written to
qa/data/answer_absent_words.tsv, which qa/question.py reads as words that are not terms. The report also
derives the list once per group with that group left out, so a word that only one
group's questions put there is visible.
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from ingest.lexical import analyze, words

from .fit import ROOT, groups

OUT_FILE = ROOT / "qa" / "data" / "answer_absent_words.tsv"
MIN_GROUPS = 4  # used over several labels and question writers
MAX_ANSWER_RATE = 0.2  # at most one answer in five holds the word ...
Z = 1.96  # ... with 95% confidence (Wilson score upper bound)


@dataclass(frozen=True)
class StemCount:
    stem: str
    example: str  # the word questions use most for it
    questions: int
    groups: int
    answer_rate: float
    upper: float  # Wilson upper bound of answer_rate


def wilson_upper(held: int, used: int, z: float = Z) -> float:
    """Upper bound of the Wilson score interval of held/used."""
    if not used:
        return 1.0
    rate, z2 = held / used, z * z
    centre = rate + z2 / (2 * used)
    spread = z * ((rate * (1 - rate) + z2 / (4 * used)) / used) ** 0.5
    return (centre + spread) / (1 + z2 / used)


def read_pairs(path: Path) -> list[tuple[str, str]]:
    """(question, reference answer) of the rows with an answer."""
    pairs = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            if row.get("answer"):
                pairs.append((row["question"], row["answer"]))
    return pairs


def stem_counts(pairs_by_group: dict[str, list[tuple[str, str]]]) -> list[StemCount]:
    used, held, spread, spelled = Counter(), Counter(), Counter(), Counter()
    for pairs in pairs_by_group.values():
        in_group = set()
        for question, answer in pairs:
            stems, answer_stems = set(analyze(question)), set(analyze(answer))
            for stem_ in stems:
                used[stem_] += 1
                held[stem_] += stem_ in answer_stems
            in_group |= stems
            for word in words(question):
                for stem_ in analyze(word):
                    spelled[(stem_, word)] += 1
        spread.update(in_group)
    example = {}
    for (stem_, word), _count in spelled.most_common():
        example.setdefault(stem_, word)
    return [StemCount(s, example.get(s, s), used[s], spread[s], held[s] / used[s], wilson_upper(held[s], used[s]))
            for s in used]


def answer_absent(counts: list[StemCount]) -> list[StemCount]:
    found = [c for c in counts if c.groups >= MIN_GROUPS and c.upper <= MAX_ANSWER_RATE]
    return sorted(found, key=lambda c: (c.answer_rate, -c.questions, c.stem))


def table_text(found: list[StemCount], group_names: list[str]) -> str:
    head = [
        "# Question words that reference answers do not hold: the question's relation, not its content",
        "# (\"Can X cause Y?\" is answered by a sentence naming Y). qa/question.py does not count them as terms.",
        "# source: computed by `python -m bench.asking --write` (bench/asking.py) from the public question",
        f"#   sets {', '.join(group_names)} (../shared/labels/questions, ../shared/eval, bench/data/questions):",
        f"#   stems used in >= {MIN_GROUPS} groups whose reference answers hold them at most {MAX_ANSWER_RATE:.0%} of the",
        "#   time with 95% confidence (Wilson upper bound). Regenerate, do not edit.",
        "# licence: the project's own.",
        "# columns: stem, word (its most used spelling), questions, groups, answer_rate, upper (its bound)",
        "stem\tword\tquestions\tgroups\tanswer_rate\tupper",
    ]
    return "\n".join(head + [f"{c.stem}\t{c.example}\t{c.questions}\t{c.groups}\t{c.answer_rate:.2f}\t{c.upper:.2f}"
                             for c in found]) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.asking", description=__doc__.split("\n\n")[0])
    parser.add_argument("--write", action="store_true", help=f"write {OUT_FILE.relative_to(ROOT)}")
    args = parser.parse_args(argv)
    # groups with reference answers (bench.fit's "Can DRUG cause REACTION?" group has none)
    pairs = {g.name: p for g in groups() if g.units and (p := read_pairs(g.questions))}
    found = answer_absent(stem_counts(pairs))
    print(f"{'stem':<12} {'word':<12} questions groups answer_rate upper")
    for c in found:
        print(f"{c.stem:<12} {c.example:<12} {c.questions:>9} {c.groups:>6} {c.answer_rate:>11.2f} {c.upper:>5.2f}")
    whole = {c.stem for c in found}
    for name in pairs:
        without = {c.stem for c in answer_absent(stem_counts({k: v for k, v in pairs.items() if k != name}))}
        changed = sorted(whole ^ without)
        print(f"without {name}: {'same list' if not changed else 'differs in ' + ', '.join(changed)}")
    if args.write:
        OUT_FILE.write_text(table_text(found, list(pairs)), encoding="utf-8")
        print(f"wrote {OUT_FILE.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
