"""One chat turn: question -> Reply -> chat messages (HTML) or plain text for the API.

A user's conversation lives in a `ChatSession` that Gradio keeps per browser session
(gr.State); handlers return a new session instead of touching module state.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from qa import Answer, Pipeline, QuestionError
from qa.export import conversation_html, conversation_markdown

from .render import answer_html, notice_html, question_html

log = logging.getLogger(__name__)
APOLOGY = "Sorry, something went wrong while answering. The problem has been logged; please try again."


@dataclass(frozen=True, slots=True)
class Reply:
    answer: Answer | None
    problem: str = ""  # what to tell the user when there is no answer
    kind: str = "notice"  # "notice": the question cannot be asked; "error": the server failed


@dataclass(frozen=True, slots=True)
class ChatSession:
    messages: tuple[dict, ...] = ()
    answers: dict[int, dict] = field(default_factory=dict)  # message index -> `ask --json` dict
    history: tuple[str, ...] = ()  # the questions answered so far, oldest first (follow-ups read them)
    exchanges: tuple[Answer, ...] = ()  # their answers, for the export


def reply_to(pipeline: Pipeline, question: str, history: tuple[str, ...] | list[str] | None = None,
             doc_ids: list[str] | None = None) -> Reply:
    """Answer a question; a bad question or a server error becomes a short message, never a trace."""
    try:
        return Reply(pipeline.ask(question, history=list(history or ()), doc_ids=doc_ids))
    except QuestionError as err:
        text = str(err)
        return Reply(None, text[:1].upper() + text[1:] + ".")
    except Exception:
        log.exception("answering a question of %d characters failed", len(question or ""))
        return Reply(None, APOLOGY, "error")


def respond(pipeline: Pipeline, question: str, session: ChatSession, doc_ids: list[str] | None = None) -> ChatSession:
    """The session after one turn: the question, then the answer or the reason there is none.
    doc_ids: the labels the user chose in the Library panel (none: the whole library)."""
    reply = reply_to(pipeline, question, session.history, doc_ids)
    messages = list(session.messages)
    if question and question.strip():
        messages.append({"role": "user", "content": question_html(question)})
    if reply.answer is None:
        messages.append({"role": "assistant", "content": notice_html(reply.problem, reply.kind)})
        return ChatSession(tuple(messages), session.answers, session.history, session.exchanges)
    messages.append({"role": "assistant", "content": answer_html(reply.answer, pipeline.documents)})
    return ChatSession(tuple(messages), {**session.answers, len(messages) - 1: reply.answer.to_dict()},
                       (*session.history, reply.answer.question), (*session.exchanges, reply.answer))


def export_conversation(session: ChatSession, documents: dict, folder: Path) -> list[str]:
    """conversation.md and conversation.html of the session, written into folder."""
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    folder.mkdir(parents=True, exist_ok=True)
    md, page = folder / "conversation.md", folder / "conversation.html"
    md.write_text(conversation_markdown(session.exchanges, documents, when), encoding="utf-8")
    page.write_text(conversation_html(session.exchanges, documents, when), encoding="utf-8")
    return [str(md), str(page)]


def vote_name(liked: bool | str) -> str | None:
    """Gradio's like event: True (thumb up), False (thumb down), "" (the same thumb clicked again)."""
    return {True: "up", False: "down", "": "cleared"}.get(liked)


def chat_text(pipeline: Pipeline, question: str, history: list[str] | None = None,
              doc_ids: list[str] | None = None) -> str:
    """The /chat API's answer: the answer with [n] markers, then its numbered sources as text."""
    reply = reply_to(pipeline, question, history, doc_ids)
    if reply.answer is None:
        return reply.problem
    answer = reply.answer
    lines = [answer.answer, ""]
    if answer.interpreted_as and answer.interpreted_as != answer.question:
        lines = [f"Interpreted as: {answer.interpreted_as}", *lines]
    if answer.citations:
        lines.append("Sources:")
        for c in answer.citations:
            date = pipeline.documents[c.doc_id].date if c.doc_id in pipeline.documents else ""
            where = ", ".join(x for x in (c.title, c.section, f"p. {c.page}" if c.page else "", date) if x)
            lines.append(f'[{c.n}] {where}: "{c.text}"')
    else:
        lines.append("Related passages (not citations):")
        lines += [f"- {p.section}: {p.text[:200]}" for p in answer.passages[:3]]
    return "\n".join(lines)
