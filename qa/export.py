"""A conversation as a file to hand on: Markdown, or the same content as one HTML page.

Each turn gives the question, how it was read (when a follow-up took its drug or its
topic from earlier turns), the answer with its [n] markers and the numbered sources:
label title, section, page, date, character span and the quoted sentence. Quotes are
verbatim; in Markdown every punctuation mark that could start markup is backslash-escaped
(CommonMark shows "\\*" as "*"), in HTML every text is entity-escaped and the page loads
nothing: a Content-Security-Policy blocks any remote request.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping, Sequence

from ingest import Document

from .records import Answer, Citation

TITLE = "rxcite conversation"
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>#!|~&$])")
_MD_MARKER = re.compile(r"\\\[(\d+)\\\]")
_HTML_MARKER = re.compile(r"\[(\d+)\]")


def _md(text: str) -> str:
    return _MD_SPECIAL.sub(r"\\\1", text)


def _md_quote(text: str) -> str:
    return "\n".join(f"> {_md(line)}" if line.strip() else ">" for line in text.splitlines() or [""])


def _where(citation: Citation, documents: Mapping[str, Document]) -> list[str]:
    doc = documents.get(citation.doc_id)
    parts = [citation.title or citation.doc_id, citation.section]
    if citation.page:
        parts.append(f"p. {citation.page}")
    if doc is not None and doc.date:
        parts.append(doc.date)
    return [p for p in parts if p]


def _reading(answer: Answer) -> str:
    """The interpretation when it differs from the question as typed."""
    return answer.interpreted_as if answer.interpreted_as and answer.interpreted_as != answer.question else ""


def conversation_markdown(answers: Sequence[Answer], documents: Mapping[str, Document], when: str = "") -> str:
    """The conversation as Markdown; `when` (e.g. an ISO time) goes under the title."""
    lines = [f"# {TITLE}", ""]
    if when:
        lines += [f"Exported {_md(when)}.", ""]
    for i, answer in enumerate(answers, 1):
        lines += [f"## {i}. {_md(answer.question)}", ""]
        if _reading(answer):
            lines += [f"*Interpreted as:* {_md(_reading(answer))}", ""]
        lines += [_MD_MARKER.sub(r"[\1]", _md(answer.answer)), ""]
        if answer.citations:
            lines += ["**Sources**", ""]
            for c in answer.citations:
                where = " · ".join(_md(p) for p in _where(c, documents))
                lines += [f"[{c.n}] {where} ({_md(c.doc_id)}, characters {c.start}-{c.end})", "",
                          _md_quote(c.text), ""]
    return "\n".join(lines).rstrip() + "\n"


def _h(text: str) -> str:
    return html.escape(text, quote=True)


def conversation_html(answers: Sequence[Answer], documents: Mapping[str, Document], when: str = "") -> str:
    """The same content as conversation_markdown, as a self-contained HTML page."""
    body = [f"<h1>{_h(TITLE)}</h1>"]
    if when:
        body.append(f"<p>Exported {_h(when)}.</p>")
    for i, answer in enumerate(answers, 1):
        body.append(f'<section class="turn"><h2>{i}. {_h(answer.question)}</h2>')
        if _reading(answer):
            body.append(f'<p class="interpreted"><em>Interpreted as:</em> {_h(_reading(answer))}</p>')
        text = _HTML_MARKER.sub(r'<span class="marker">[\1]</span>', _h(answer.answer))
        body.append(f'<p class="answer">{text}</p>')
        if answer.citations:
            body.append("<h3>Sources</h3><ol class=\"sources\">")
            for c in answer.citations:
                where = " · ".join(_h(p) for p in _where(c, documents))
                body.append(f'<li value="{c.n}"><div>{where} (<code>{_h(c.doc_id)}</code>, characters '
                            f"{c.start}-{c.end})</div><blockquote>{_h(c.text)}</blockquote></li>")
            body.append("</ol>")
        body.append("</section>")
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">"
            f"<title>{_h(TITLE)}</title><style>{_STYLE}</style></head><body>"
            + "".join(body) + "</body></html>\n")


_STYLE = ("body{font-family:system-ui,sans-serif;max-width:50em;margin:2em auto;padding:0 1em;line-height:1.45}"
          ".marker{font-weight:600;color:#1d4ed8}.interpreted{color:#4b5563}"
          "blockquote{margin:.3em 0 .8em;padding:.2em .8em;border-left:3px solid #1d4ed8;white-space:pre-wrap}"
          "section.turn{border-top:1px solid #e5e7eb;margin-top:1.5em}")
