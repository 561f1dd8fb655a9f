"""Web chat (placeholder until the web issue lands): an interactive prompt on the CLI."""

from __future__ import annotations

import sys

from qa import QAConfig, QuestionError, load_pipeline
from qa.__main__ import format_answer


def main() -> int:
    pipeline = load_pipeline(QAConfig())
    print("Ask about the monograph (empty line to quit).")
    for line in sys.stdin:
        if not line.strip():
            break
        try:
            print(format_answer(pipeline.ask(line)))
        except QuestionError as err:
            print(f"error: {err}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
