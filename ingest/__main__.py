"""python -m ingest [PATH ...] [--index DIR] [--force] [--strict]

Exit codes: 0 indexed (or up to date), 1 with --strict when a file or record was
skipped, 2 no usable corpus.
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from .build import build_index
from .config import IngestConfig
from .documents import CorpusError


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ingest", description=__doc__)
    parser.add_argument("paths", nargs="*", type=Path, default=[Path("corpus")],
                        help="corpus files or folders (default: corpus/)")
    parser.add_argument("--index", type=Path, default=Path("index"), help="index directory (default: index/)")
    parser.add_argument("--force", action="store_true", help="rebuild even when the index is current")
    parser.add_argument("--quiet", action="store_true", help="no progress output")
    parser.add_argument("--strict", action="store_true",
                        help="exit 1 when any file or collection record was skipped (the index is still written)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="warning: %(message)s")
    config = IngestConfig(corpus_paths=tuple(args.paths), index_dir=args.index)
    try:
        report = build_index(config, force=args.force, progress=not args.quiet)
    except CorpusError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    if report.rebuilt:
        print(f"rebuilding {args.index}/: {'; '.join(report.reasons)}", file=sys.stderr)
    print(report.summary())
    skipped = report.skipped + report.skipped_records
    if args.strict and skipped:
        if not report.rebuilt:  # this run printed no warnings: list what the index lacks
            for message in skipped:
                print(f"warning: {message}", file=sys.stderr)
        print(f"error: --strict: {len(report.skipped)} files and {len(report.skipped_records)} records were skipped",
              file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
