""""Can DRUG cause REACTION?" over the 101 TAC label excerpts: `python -m bench.reactions [--write-questions]`.

Issue 10 judges the library on questions of this template: right when the answer cites
the asked drug's label with a sentence naming the reaction. This bench asks them.

Questions (bench/data/questions/tac2017-reactions.jsonl, regenerated with
--write-questions; seeded, so the same file each time):
- answerable: for each excerpt, up to three reactions its own "most common adverse
  reactions ... are A, B, and C" sentences list, and up to two others that name a row of
  its adverse-reaction tables ("Dysgeusia      2 (9)": a name, then numbers);
- unanswerable: for each excerpt, one reaction of another excerpt's list that this excerpt
  never names (no word of it, by its first five letters, anywhere in the excerpt).
The reactions come from the label text itself, so nothing here was read or picked by hand.
bench.fit fits the confidence and the abstention threshold on them too (its group
"reactions", never the chunk or unit models: a unit is labelled right only by naming the
reaction), so the figures printed here, with the product's values, are not held out. The
held-out ones are bench.fit's: FIT.md's "reactions" row (values fitted without any question
over this library) and its "library halves" (fitted with the questions about the other half
of the labels, as a new library is asked with values fitted on another).

Reported: answerable right (the asked label cited, a cited sentence holds every word of the
reaction), answered, abstained, citations of another label; unanswerable abstained.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys

from .fit import OWN_QUESTIONS, SHARED, groups, load_group, reaction_unit

TAC = SHARED / "labels" / "tac2017-train"
QUESTIONS = OWN_QUESTIONS / "tac2017-reactions.jsonl"
SEED = 7
PER_LABEL = 3  # reactions of a "most common" sentence asked per label
PER_TABLE = 2  # ... and of its table rows
_LISTED = re.compile(r"most (?:common|frequent)(?:ly reported)? (?:serious )?adverse (?:reactions|events)[^.:]*?"
                     r"\b(?:are|were|included|include|was|is)\s*:?\s*([^.;]+)", re.I)
_NOT_A_REACTION = re.compile(r"\b(?:patients?|reactions?|treated|placebo|arm|group|study|trials?|than|with|in)\b")
_TABLE_ROW = re.compile(r"^\s*([A-Z][a-z]+(?:[ -][a-z]+){0,3})\s+\(?\d+(?:\.\d+)?\s*%?\)?"
                        r"(?:\s+\(?\d+(?:\.\d+)?\s*%?\)?)+\s*$", re.M)
_NOT_A_ROW_NAME = re.compile(r"\b(?:patients?|total|any|overall|number|subjects?|all|grade|placebo|n|none|other|"
                             r"reactions?|events?|disorders?|dose|mg|mild|moderate|severe)\b", re.I)


def listed_reactions(text: str) -> list[str]:
    """The reactions a label's "most common adverse reactions ... are A, B and C" sentences list."""
    found = set()
    for m in _LISTED.finditer(text):
        listed = re.sub(r"\([^)]*\)|\[[^\]]*\]", "", m.group(1))
        for item in re.split(r",|\band\b|\bor\b", listed):
            item = item.strip(" .:;-").lower()
            if (1 <= len(item.split()) <= 4 and re.fullmatch(r"[a-z][a-z \-']+", item)
                    and not _NOT_A_REACTION.search(item)):
                found.add(item)
    return sorted(found)


def table_row_reactions(text: str) -> list[str]:
    """The names of a label's table rows that read "Name  12  (4.1)": a reaction, then its figures."""
    return sorted({m.group(1).lower() for m in _TABLE_ROW.finditer(text) if not _NOT_A_ROW_NAME.search(m.group(1))})


def cites_reaction(row: dict, answer) -> bool:
    """The judged rule: a citation from the asked label whose sentence names the reaction."""
    return any(reaction_unit(row, c.doc_id, c.text) for c in answer.citations)


def make_questions(labels: dict[str, str]) -> list[dict]:
    """labels: doc id -> Markdown text (its first line "# BRAND")."""
    rng = random.Random(SEED)
    brand = {d: text.splitlines()[0].lstrip("# ").strip().title() for d, text in labels.items()}
    rows, pool = [], set()
    for doc_id, text in sorted(labels.items()):
        listed = listed_reactions(text)
        in_tables = sorted(set(table_row_reactions(text)) - set(listed))
        pool.update(listed)
        asked = rng.sample(listed, min(PER_LABEL, len(listed))) + rng.sample(in_tables, min(PER_TABLE, len(in_tables)))
        for reaction in asked:
            rows.append({"id": f"tacr-{len(rows) + 1:03d}", "question": f"Can {brand[doc_id]} cause {reaction}?",
                         "answerable": True, "drug": doc_id, "reaction": reaction, "sources": [doc_id]})
    pool_sorted = sorted(pool)
    for doc_id, text in sorted(labels.items()):
        low = text.lower()
        absent = [r for r in pool_sorted if not any(re.search(r"\b" + re.escape(w[:5]), low) for w in r.split())]
        if absent:
            reaction = rng.choice(absent)
            rows.append({"id": f"tacr-u{len(rows) + 1:03d}", "question": f"Can {brand[doc_id]} cause {reaction}?",
                         "answerable": False, "drug": doc_id, "reaction": reaction})
    return rows


def score(rows: list[dict], answers) -> dict:
    answerable = [(r, a) for r, a in zip(rows, answers, strict=True) if r["answerable"]]
    unanswerable = [(r, a) for r, a in zip(rows, answers, strict=True) if not r["answerable"]]
    answered = [(r, a) for r, a in answerable if not a.abstained]
    right = [r for r, a in answered if cites_reaction(r, a)]
    other = [r for r, a in answered + [(r, a) for r, a in unanswerable if not a.abstained]
             if any(c.doc_id != r["drug"] for c in a.citations)]
    n = max(len(answerable), 1)
    return {"answerable": len(answerable), "unanswerable": len(unanswerable),
            "right": round(len(right) / n, 3), "answered": round(len(answered) / n, 3),
            "unanswerable_abstained": round(sum(a.abstained for _, a in unanswerable) / max(len(unanswerable), 1), 3),
            "other_label_cited": round(len(other) / max(len(answered) + len(unanswerable), 1), 3)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.reactions", description=__doc__.split("\n\n")[0])
    parser.add_argument("--write-questions", action="store_true", help=f"regenerate {QUESTIONS.name}")
    parser.add_argument("--show", action="store_true", help="print the questions answered wrong or abstained")
    args = parser.parse_args(argv)
    if args.write_questions or not QUESTIONS.exists():
        labels = {p.stem: p.read_text(encoding="utf-8") for p in sorted(TAC.glob("*.md"))}
        rows = make_questions(labels)
        QUESTIONS.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
        print(f"wrote {len(rows)} questions to {QUESTIONS}")
    rows = [json.loads(line) for line in QUESTIONS.read_text(encoding="utf-8").splitlines() if line.strip()]
    tac = next(g for g in groups() if g.name == "tac")
    pipeline = load_group(tac).pipeline
    answers = pipeline.ask_many([r["question"] for r in rows])
    if args.show:
        for r, a in zip(rows, answers, strict=True):
            ok = cites_reaction(r, a) if r["answerable"] else a.abstained
            if not ok:
                print(f"{'abstained' if a.abstained else 'answered'} ({a.confidence:.2f}): {r['question']}", file=sys.stderr)
    print(json.dumps(score(rows, answers)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
