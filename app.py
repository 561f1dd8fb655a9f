"""The web chat: python app.py [--host H] [--port P] [--index DIR] [--corpus PATH ...] [--encoder E]
[--feedback-db FILE] [--auth USER:PASSWORD]

Builds the index first when it is missing or stale (progress in the terminal), loads the
model and index once, then serves the page on http://127.0.0.1:7860 by default.
"""

from __future__ import annotations

import argparse
import logging
import sys
import threading
import time
from pathlib import Path

import web  # noqa: F401  # switches off Gradio/HF network calls before gradio is imported

ENCODERS = ("torch", "onnx", "onnx-int8")  # as `python -m qa ask --encoder`


def parse_auth(value: str) -> tuple[str, str]:
    user, sep, password = value.partition(":")
    if not sep or not user or not password:
        raise argparse.ArgumentTypeError("--auth must be USER:PASSWORD, both non-empty")
    return user, password


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python app.py", description="rxcite web chat")
    parser.add_argument("--host", default="127.0.0.1",
                        help="address to bind (default: %(default)s; 0.0.0.0 exposes it on the network)")
    parser.add_argument("--port", type=int, default=7860, help="port (default: %(default)s)")
    parser.add_argument("--index", type=Path, default=Path("index"), help="index directory (default: index/)")
    parser.add_argument("--corpus", type=Path, nargs="+", default=[Path("corpus")],
                        help="corpus files or folders to build the index from (default: corpus/)")
    parser.add_argument("--encoder", choices=ENCODERS, default=None,
                        help="question encoder backend (default: the one QAConfig sets)")
    parser.add_argument("--feedback-db", type=Path, default=None,
                        help="SQLite file for thumbs up/down (default: feedback.db next to the index)")
    parser.add_argument("--auth", type=parse_auth, default=None, metavar="USER:PASSWORD",
                        help="require this login (use it whenever --host is not 127.0.0.1)")
    return parser


def main(argv: list[str] | None = None) -> int:
    started = time.perf_counter()
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    from ingest import CorpusError, IncompatibleIndexError, IngestConfig, build_index
    from qa import QAConfig, load_pipeline
    from web.feedback import FeedbackStore
    from web.page import serve

    config = QAConfig(index_dir=args.index, **({"encoder": args.encoder} if args.encoder else {}))
    try:
        report = build_index(IngestConfig(corpus_paths=tuple(args.corpus), index_dir=args.index), progress=True)
        print(report.summary())
        built = time.perf_counter()
        pipeline = load_pipeline(config)
        loaded = time.perf_counter()
        store = FeedbackStore(args.feedback_db or args.index.resolve().parent / "feedback.db")
        demo, url = serve(pipeline, store, args.host, args.port, args.auth)
    except (CorpusError, IncompatibleIndexError, OSError) as err:  # OSError: the port is taken
        print(f"error: {err}", file=sys.stderr)
        return 2
    now = time.perf_counter()
    print(f"serving on {url} (ready in {now - started:.1f} s: imports and index check {built - started:.1f} s, "
          f"model and index {loaded - built:.1f} s, page {now - loaded:.1f} s); feedback goes to {store.path}")
    # The library's word vectors (qa/word_match.py) and abbreviations are built on first need:
    # up to a few seconds for a hundred labels. Built here in the background, no question waits for them.
    threading.Thread(target=pipeline.warm, daemon=True, name="label-vocabulary").start()
    demo.block_thread()  # until Ctrl-C
    return 0


if __name__ == "__main__":
    sys.exit(main())
