"""Answers, questions and the document list as HTML built here, every text escaped.

Gradio's own sanitizer removes scripts but lets `<img src=http://...>` through, and the
chat would render Markdown images and LaTeX. So the chat shows HTML we build (Markdown
rendering off) and every question or corpus string goes through `escape_text`: no tag,
Markdown image, template or LaTeX delimiter from a user or a monograph survives as markup.
"""

from __future__ import annotations

import html
import re

from ingest import Document
from qa import Answer, Citation, Passage

# Besides & < > " ', the characters that start a JS template (${ }), a Handlebars
# expression ({{ }}) or a LaTeX span ($$) in the components that show this HTML.
_EXTRA_ENTITIES = str.maketrans({"$": "&#36;", "{": "&#123;", "}": "&#125;", "`": "&#96;"})
_MARKER = re.compile(r"\[(\d+)\]")
_BLANK_LINE = re.compile(r"\r?\n[ \t]*\r?\n")
# Context shown around a cited sentence: its paragraph, clipped to this many characters
# on each side (a typical monograph paragraph is 400-900 characters).
CONTEXT_CHARS = 600
RELATED_CHARS = 300  # a related passage (abstention) is shown up to here


def escape_text(text: str) -> str:
    return html.escape(text, quote=True).translate(_EXTRA_ENTITIES)


def paragraph_context(text: str, start: int, end: int, limit: int = CONTEXT_CHARS) -> tuple[str, str]:
    """The text before and after text[start:end] within its paragraph, "…" where clipped.

    At most `limit` characters are kept on each side, cut at a space.
    """
    lo = max(0, start - limit)
    breaks = list(_BLANK_LINE.finditer(text, lo, start))
    if breaks:
        before = text[breaks[-1].end(): start]
    elif lo == 0:
        before = text[:start]
    else:
        space = text.find(" ", lo, start)
        before = "… " + text[start if space < 0 else space + 1: start]
    hi = min(len(text), end + limit)
    found = _BLANK_LINE.search(text, end, hi)
    if found:
        after = text[end: found.start()]
    elif hi == len(text):
        after = text[end:]
    else:
        after = text[end: max(end, text.rfind(" ", end, hi))] + " …"
    return before, after


def highlighted_passage(doc: Document | None, citation: Citation) -> str:
    """The cited sentence inside its paragraph, the sentence wrapped in <mark>."""
    text = doc.text if doc else ""
    before = after = ""
    if text[citation.start: citation.end] == citation.text:
        before, after = paragraph_context(text, citation.start, citation.end)
    return (f'{escape_text(before)}<mark class="cited">{escape_text(citation.text)}</mark>'
            f"{escape_text(after)}")


def _where(doc: Document | None, title: str, section: str, page: int | None) -> str:
    parts = [f"<b>{escape_text(title)}</b>", escape_text(section)]
    if page:
        parts.append(f"p. {page}")
    if doc and doc.date:
        parts.append(escape_text(doc.date))
    return " · ".join(parts)


def citation_html(citation: Citation, documents: dict[str, Document], open_: bool) -> str:
    doc = documents.get(citation.doc_id)
    return (f'<details class="source"{" open" if open_ else ""}><summary>'
            f'<span class="marker">[{citation.n}]</span> '
            f"{_where(doc, citation.title, citation.section, citation.page)}</summary>"
            f'<div class="passage">{highlighted_passage(doc, citation)}</div></details>')


def related_html(passage: Passage, documents: dict[str, Document], limit: int = RELATED_CHARS) -> str:
    doc = documents.get(passage.doc_id)
    title = doc.title if doc else passage.doc_id
    text = passage.text
    if len(text) > limit:
        space = text.rfind(" ", 0, limit)
        text = text[: space if space > 0 else limit] + " …"  # no space to cut at: cut at the limit
    return (f'<div class="related"><div class="where">{_where(doc, title, passage.section, passage.page)}</div>'
            f'<div class="passage">{escape_text(text)}</div></div>')


def answer_html(answer: Answer, documents: dict[str, Document], related: int = 3) -> str:
    """The chat message: the answer with [n] markers, then its numbered sources.

    An abstention shows its closest passages under "Related passages", unnumbered and
    styled apart from citations.
    """
    body = _answer_body(answer)
    parts = [f'<div class="answer{" abstained" if answer.abstained else ""}">', interpreted_html(answer), f"<p>{body}</p>"]
    if answer.citations:
        parts.append('<div class="sources-heading">Sources</div>')
        parts += [citation_html(c, documents, open_=i == 0) for i, c in enumerate(answer.citations)]
    elif answer.passages:
        parts.append('<div class="related-heading">Related passages (not citations)</div>')
        parts += [related_html(p, documents) for p in answer.passages[:related]]
    parts.append("</div>")
    return "".join(parts)


def _answer_body(answer: Answer) -> str:
    """The answer text escaped, with only the markers the engine added styled as citations.

    Quoted sentences are copied through as text, so a "[12]" in a label's own words stays
    text; outside them only "[n]" with n a citation's number becomes a marker.
    """
    numbers = {c.n for c in answer.citations}
    quotes = sorted({c.text for c in answer.citations if c.text}, key=len, reverse=True)
    pattern = re.compile("|".join([*map(re.escape, quotes), _MARKER.pattern]))
    parts, done = [], 0
    for m in pattern.finditer(answer.answer):
        parts.append(escape_text(answer.answer[done: m.start()]))
        if m.group(1) is not None and int(m.group(1)) in numbers:
            parts.append(f'<span class="marker">[{m.group(1)}]</span>')
        else:
            parts.append(escape_text(m.group()))
        done = m.end()
    parts.append(escape_text(answer.answer[done:]))
    return "".join(parts)


def interpreted_html(answer: Answer) -> str:
    """"Interpreted as: Lipitor: starting dose for children", when a follow-up was read with
    the conversation (its drug or the previous question), so a wrong reading shows."""
    if not answer.interpreted_as or answer.interpreted_as == answer.question:
        return ""
    return f'<div class="interpreted">Interpreted as: <b>{escape_text(answer.interpreted_as)}</b></div>'


def question_html(question: str) -> str:
    return f'<div class="question">{escape_text(question)}</div>'


def notice_html(text: str, kind: str) -> str:
    """A short message that is not an answer: kind is "notice" (bad question) or "error"."""
    return f'<div class="{kind}">{escape_text(text)}</div>'


def library_html(documents: dict[str, Document]) -> str:
    """The sources panel: every monograph in the index, so users know what can be answered."""
    rows = []
    for doc in sorted(documents.values(), key=lambda d: d.title.lower()):
        drugs = ", ".join(doc.drugs) or "—"
        rows.append(f"<tr><td>{escape_text(doc.title)}</td><td>{escape_text(drugs)}</td>"
                    f"<td>{escape_text(doc.date or '—')}</td><td>{len(doc.sections)}</td></tr>")
    return (f'<div class="library"><p>{len(documents)} monograph{"s" if len(documents) != 1 else ""} '
            f"in the index.</p><table><thead><tr><th>Title</th><th>Drugs</th><th>Date</th>"
            f"<th>Sections</th></tr></thead><tbody>{''.join(rows)}</tbody></table></div>")
