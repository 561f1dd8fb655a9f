"""Right answers against abstentions as the held-out thresholds are raised:
`python -m bench.tradeoff [--run DIR] [--groups humira lipitor ...]`.

A change to the encoder or to the confidence features moves the fitted abstain threshold,
so its held-out run can answer more questions right only by abstaining on fewer
unanswerable ones (or the reverse). Comparing two runs at their own thresholds then
compares two points of different trade-offs. This reads a `bench.fit` run (DIR/report.json
for each group's held-out threshold, DIR/held-out/<group>/results.jsonl for its answers)
and counts, pooled over the groups, the answerable questions answered right (containment
of the reference >= 0.5, as bench.fit counts them) and the unanswerable ones abstained, with
every group's threshold raised by each of OFFSETS. A raised threshold only turns answers
into abstentions, so every count is exact; to compare run B with run A, read B's right
count at the offset where its abstentions first reach A's.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from .fit import OUT, groups, row_right

OFFSETS = (0.0, 0.01, 0.02, 0.03, 0.04, 0.05, 0.06, 0.08, 0.1, 0.15, 0.2)


def counts_at(rows: list[dict], threshold: float) -> tuple[int, int]:
    """(answerable questions answered right, unanswerable questions abstained) of one group's
    results.jsonl rows were its abstain threshold `threshold`."""
    right = abstained = 0
    for r in rows:
        if r["expected"]["answerable"]:
            right += row_right(r) and r["confidence"] >= threshold
        else:
            abstained += r["abstained"] or r["confidence"] < threshold
    return right, abstained


def tradeoff(rows_by_group: dict[str, list[dict]], thresholds: dict[str, float],
             offsets: tuple[float, ...] = OFFSETS) -> list[dict]:
    """Per offset: pooled right and abstained counts with every group's threshold raised by it."""
    out = []
    for offset in offsets:
        per = {g: counts_at(rows, thresholds[g] + offset) for g, rows in rows_by_group.items()}
        out.append({"offset": offset, "right": sum(r for r, _ in per.values()),
                    "abstained": sum(a for _, a in per.values()), "groups": per})
    return out


def read_run(run: Path, names: list[str]) -> tuple[dict[str, list[dict]], dict[str, float], int, int]:
    """(rows by group, held-out threshold by group, answerable, unanswerable) of a bench.fit run."""
    report = run / "report.json"
    if not report.exists():
        raise SystemExit(f"{report} is missing: run python -m bench.fit first")
    held = json.loads(report.read_text(encoding="utf-8")).get("held_out", {})
    rows_by_group, thresholds = {}, {}
    for name in names:
        results = run / "held-out" / name / "results.jsonl"
        if name not in held or not results.exists():
            raise SystemExit(f"{run} has no held-out run of {name} (report.json or {results})")
        thresholds[name] = held[name]["thresholds"]["abstain"]
        rows_by_group[name] = [json.loads(line) for line in results.read_text(encoding="utf-8").splitlines()
                               if line.strip()]
    rows = [r for v in rows_by_group.values() for r in v]
    answerable = sum(bool(r["expected"]["answerable"] and r["expected"].get("answer")) for r in rows)
    return rows_by_group, thresholds, answerable, sum(not r["expected"]["answerable"] for r in rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.tradeoff", description=__doc__.split("\n\n")[0])
    parser.add_argument("--run", type=Path, default=OUT, help=f"a bench.fit output directory (default {OUT})")
    # tac's 646 answerable "can DRUG cause REACTION?" questions would outweigh the labels' own sets
    default = [g.name for g in groups() if g.tunes_encoder and g.name != "tac"]
    parser.add_argument("--groups", nargs="+", default=default,
                        help=f"groups to pool (default: the label groups, {' '.join(default)})")
    args = parser.parse_args(argv)
    rows_by_group, thresholds, answerable, unanswerable = read_run(args.run, args.groups)
    print(f"pooled over {', '.join(args.groups)}: {answerable} answerable, {unanswerable} unanswerable")
    print("| threshold raised by | right | abstained |\n|---|---|---|")
    for point in tradeoff(rows_by_group, thresholds):
        print(f"| {point['offset']:.2f} | {point['right']} | {point['abstained']} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
