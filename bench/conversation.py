"""Two-turn conversations over a library: is the follow-up answered from the right label?

python -m bench.conversation --index DIR QUESTIONS.jsonl ...

Each question file is the evaluation format of one label, named `<doc_id>.jsonl` (as in
shared/labels/questions/). For every answerable question that names no library drug,
the conversation is: "What is <drug> used for?" then that question (<drug>: the
library's first one-word name for the label). Printed per label and in total:

- answered: the follow-up is not an abstention; wrong label: it cites another label
- right label: the follow-up is answered, every citation from the label
- reference quoted: also the evaluator's answer_containment >= 0.8 against `answer`
- alone, the same question restricted to the label (doc_ids) without history: the ceiling
- clarified: the question without history or restriction asks "Which drug?"
- filter kept: with doc_ids=[label], no passage or citation outside it
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from qa import QAConfig, load_pipeline
from qa.drug_library import named_drugs
from qa.evaluate.metrics import containment

QUOTED = 0.8
KEYS = ("conversations", "answered", "wrong_label", "right_label", "quoted", "alone_quoted", "clarified",
        "filter_kept")


def opener_drug(pipeline, doc_id: str) -> str:
    for drug in pipeline.library.drugs:
        if doc_id in drug.doc_ids:
            return next((n for n in drug.names if " " not in n), drug.names[0])
    raise SystemExit(f"{doc_id} has no drug name in the library")


def run(pipeline, doc_id: str, rows: list[dict]) -> dict:
    drug = opener_drug(pipeline, doc_id)
    opener = f"What is {drug} used for?"
    counts = dict.fromkeys(KEYS, 0)
    misses = []
    for row in rows:
        if not row.get("answerable", True) or named_drugs(row["question"], pipeline.library):
            continue
        counts["conversations"] += 1
        follow = pipeline.ask(row["question"], history=[opener])
        alone = pipeline.ask(row["question"], doc_ids=[doc_id])
        bare = pipeline.ask(row["question"])
        right = not follow.abstained and {c.doc_id for c in follow.citations} == {doc_id}
        quoted = right and containment(follow.answer, row["answer"]) >= QUOTED
        counts["answered"] += not follow.abstained
        counts["wrong_label"] += bool({c.doc_id for c in follow.citations} - {doc_id})
        counts["right_label"] += right
        counts["quoted"] += quoted
        counts["alone_quoted"] += not alone.abstained and containment(alone.answer, row["answer"]) >= QUOTED
        counts["clarified"] += bool(bare.clarify)
        counts["filter_kept"] += {p.doc_id for p in alone.passages} | {c.doc_id for c in alone.citations} <= {doc_id}
        if not right:
            misses.append({"id": row.get("id"), "question": row["question"], "interpreted_as": follow.interpreted_as,
                           "answer": follow.answer[:160], "cited": sorted({c.doc_id for c in follow.citations})})
    return {"doc_id": doc_id, "opener": opener, **counts, "misses": misses}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.conversation", description=__doc__.split("\n")[0])
    parser.add_argument("--index", type=Path, required=True)
    parser.add_argument("questions", type=Path, nargs="+", help="<doc_id>.jsonl question files")
    parser.add_argument("--json", action="store_true", help="print the per-label results as JSON")
    args = parser.parse_args(argv)
    pipeline = load_pipeline(QAConfig(index_dir=args.index))
    results = []
    for path in args.questions:
        rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
        results.append(run(pipeline, path.stem, rows))
    keys = KEYS
    total = {k: sum(r[k] for r in results) for k in keys}
    if args.json:
        print(json.dumps({"labels": results, "total": total}, indent=1))
        return 0
    print("label        " + " ".join(f"{k:>12}" for k in keys))
    for r in [*results, {"doc_id": "total", **total}]:
        print(f"{r['doc_id']:<12} " + " ".join(f"{r[k]:>12}" for k in keys))
    for r in results:
        for m in r["misses"]:
            print(f"miss {m['id']}: {m['question']!r} -> {m['cited']} {m['answer']!r}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
