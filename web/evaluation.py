"""The Evaluate tab (filled in once qa.evaluate.run_evaluation lands)."""

from __future__ import annotations

import gradio as gr


def build_evaluate_tab(pipeline) -> None:
    gr.HTML("<p>Evaluation is not available yet.</p>")
