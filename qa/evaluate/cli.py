"""python -m qa eval: placeholder wiring, replaced by the evaluation issue."""

from __future__ import annotations


def add_eval_arguments(parser) -> None:
    parser.add_argument("testfile")


def run_eval(args, config) -> int:
    raise SystemExit("python -m qa eval is not implemented yet")
