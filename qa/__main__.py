"""python -m qa ask [--index DIR] [--json] QUESTION | python -m qa chat | python -m qa eval TESTFILE ..."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path

from .config import RETRIEVAL_MODES, QAConfig


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--index", type=Path, default=Path("index"), help="index directory (default: index/)")
    parser.add_argument("--mode", choices=RETRIEVAL_MODES, default="hybrid",
                        help="retrieval: hybrid (default), or the dense-only / bm25-only baselines")
    parser.add_argument("--encoder", choices=("torch", "onnx", "onnx-int8"), default=None,
                        help="question encoder backend (default: %(default)s = the configured default)")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m qa", description="Cited answers from drug monographs.")
    sub = parser.add_subparsers(dest="command", required=True)
    ask = sub.add_parser("ask", help="answer one question")
    _common(ask)
    ask.add_argument("--json", action="store_true", help="print exactly one JSON object")
    ask.add_argument("--debug", action="store_true", help="with --json: add per-signal scores")
    ask.add_argument("question", nargs="+", help="the question (quote it, or give it as several words)")
    chat = sub.add_parser("chat", help="a conversation in the terminal (follow-ups, /new, /export FILE)")
    _common(chat)
    chat.add_argument("--doc-ids", nargs="+", metavar="DOC_ID", help="keep the conversation to these labels")
    ev = sub.add_parser("eval", help="evaluate a test file (JSONL or CSV)")
    _common(ev)
    from .evaluate.cli import add_eval_arguments

    add_eval_arguments(ev)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="warning: %(message)s")
    overrides = {"index_dir": args.index, "mode": args.mode}
    if args.encoder:
        overrides["encoder"] = args.encoder
    config = QAConfig(**overrides)
    if args.command == "eval":
        from .evaluate.cli import run_eval

        return run_eval(args, config)
    if args.command == "chat":
        return run_chat(args, config)
    return run_ask(args, config)


def run_chat(args, config: QAConfig) -> int:
    from ingest.store import IndexError_

    from .chat_cli import chat_loop, prompt_lines
    from .pipeline import QuestionError, load_pipeline

    try:
        pipeline = load_pipeline(config)
        warn_if_stale(pipeline.index.manifest, config.index_dir)
        if args.doc_ids:
            pipeline.scope(args.doc_ids)  # unknown ids fail here, not mid-conversation
    except (QuestionError, IndexError_) as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    return chat_loop(pipeline, prompt_lines(), sys.stdout, args.doc_ids)


def run_ask(args, config: QAConfig) -> int:
    from ingest.store import IndexError_

    from .pipeline import QuestionError, check_question, load_pipeline

    question = " ".join(args.question)
    try:
        check_question(question, config.max_question_chars)  # before the slow model load
        pipeline = load_pipeline(config)
        warn_if_stale(pipeline.index.manifest, config.index_dir)
        answer = pipeline.ask(question)
    except (QuestionError, IndexError_) as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(answer.to_dict(debug=args.debug), ensure_ascii=False))
    else:
        print(format_answer(answer))
    return 0


def warn_if_stale(manifest: dict, index_dir: Path) -> None:
    """Say so when the corpus changed since the build; the answer still comes from the index."""
    from ingest import IngestConfig, stale_reasons

    roots = tuple(Path(p) for p in manifest.get("corpus_paths", []))
    if not roots:
        return
    reasons = stale_reasons(IngestConfig(corpus_paths=roots, index_dir=index_dir))
    if reasons:
        print(f"warning: index at {index_dir}/ is stale ({'; '.join(reasons)}); "
              f"rebuild it with: python -m ingest {' '.join(map(str, roots))} --index {index_dir}", file=sys.stderr)


def format_answer(answer) -> str:
    lines = [answer.answer, ""]
    if answer.citations:
        lines.append("Citations:")
        for c in answer.citations:
            where = f"{c.doc_id}, {c.section}" + (f", p. {c.page}" if c.page else "")
            lines.append(f"[{c.n}] {where} (chars {c.start}-{c.end}): \"{c.text}\"")
    elif answer.passages:
        lines.append("Closest passages (not citations):")
        for p in answer.passages[:3]:
            lines.append(f"- {p.doc_id}, {p.section}: {p.text[:200]}{'...' if len(p.text) > 200 else ''}")
    lines.append(f"\nconfidence {answer.confidence:.2f}, {answer.timings_ms.get('total', 0):.0f} ms")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
