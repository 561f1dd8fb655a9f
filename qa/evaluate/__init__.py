"""Batch evaluation of a test file: retrieval, answer, citation and abstention metrics.

`run_evaluation(pipeline, testfile, out_dir)` is the one entry point for the CLI
(`python -m qa eval`) and the web app's Evaluate tab.
"""

from .runner import run_evaluation

__all__ = ["run_evaluation"]
