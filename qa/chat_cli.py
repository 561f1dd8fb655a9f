"""python -m qa chat: the web chat's conversation in a terminal.

Each question is read with the earlier ones (follow-ups take their drug from the
conversation); `/new` forgets them, `/export FILE.md|FILE.html` writes the conversation,
`/quit` (or end of input) leaves.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TextIO

from .export import conversation_html, conversation_markdown
from .pipeline import Pipeline, QuestionError

HELP = ("Ask about the labels in the index; follow-up questions may leave the drug out.\n"
        "Commands: /new starts a new conversation, /export FILE.md or FILE.html saves it, /quit leaves.")


def prompt_lines(stream: TextIO = sys.stdin, prompt: str = "> ") -> Iterator[str]:
    """Lines typed at a prompt (shown only at a terminal), until end of input."""
    while True:
        if stream.isatty():
            print(prompt, end="", flush=True)
        line = stream.readline()
        if not line:
            return
        yield line


def chat_loop(pipeline: Pipeline, lines: Iterable[str], out: TextIO, doc_ids: list[str] | None = None) -> int:
    """Answer each line as the next turn of one conversation; returns the exit code (0)."""
    from .__main__ import format_answer

    print(HELP, file=out)
    history: list[str] = []
    answers = []
    for line in lines:
        text = line.strip()
        if not text:
            continue
        if text in ("/quit", "/exit"):
            break
        if text == "/new":
            history, answers = [], []
            print("New conversation.", file=out)
            continue
        if text.startswith("/export"):
            print(_export(text.removeprefix("/export").strip(), answers, pipeline), file=out)
            continue
        if text.startswith("/"):
            print(HELP, file=out)
            continue
        try:
            answer = pipeline.ask(text, history=history, doc_ids=doc_ids)
        except QuestionError as err:
            print(f"error: {err}", file=out)
            continue
        history.append(answer.question)
        answers.append(answer)
        if answer.interpreted_as and answer.interpreted_as != answer.question:
            print(f"(interpreted as: {answer.interpreted_as})", file=out)
        print(format_answer(answer) + "\n", file=out, flush=True)
    return 0


def _export(target: str, answers: list, pipeline: Pipeline) -> str:
    if not target:
        return "usage: /export FILE.md or /export FILE.html"
    if not answers:
        return "nothing to export yet: ask a question first"
    path = Path(target)
    render = conversation_html if path.suffix.lower() in (".html", ".htm") else conversation_markdown
    try:
        path.write_text(render(answers, pipeline.documents), encoding="utf-8")
    except OSError as err:
        return f"error: cannot write {path}: {err.strerror}"
    return f"wrote {path} ({len(answers)} question{'s' if len(answers) != 1 else ''})"
