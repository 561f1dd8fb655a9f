"""A conversation handed on: Markdown and HTML export, the terminal chat, the web session."""

from __future__ import annotations

import io
import re
from dataclasses import replace

import pytest

from qa.export import conversation_html, conversation_markdown

TURNS = ["What is the starting dose of Lipitor?", "and for children?"]


@pytest.fixture(scope="module")
def answers(conversation_pipeline):
    return [conversation_pipeline.ask(q, history=TURNS[:i]) for i, q in enumerate(TURNS)]


def test_markdown_export_has_questions_answers_and_numbered_sources(answers, conversation_pipeline):
    docs = conversation_pipeline.documents
    text = conversation_markdown(answers, docs, when="2026-01-02 03:04 UTC")
    assert text.startswith("# rxcite conversation\n\nExported 2026-01-02 03:04 UTC.\n\n## 1. What is the starting dose of Lipitor?\n")
    assert "## 2. and for children?\n\n*Interpreted as:* Lipitor: starting dose for children\n" in text
    assert "*Interpreted as:*" not in text.split("## 2.")[0]  # the first turn was read as typed
    for answer in answers:
        assert answer.citations
        for c in answer.citations:
            assert docs[c.doc_id].text[c.start:c.end] == c.text
            assert (f"[{c.n}] Atorvastatin (Lipitor) tablets · {c.section} · 2 May 2024 "
                    f"(atorvastatin, characters {c.start}-{c.end})\n\n> {c.text}\n") in text
    assert "In children 10 to 17 years of age" in text.split("## 2.")[1]
    assert re.search(r"the recommended starting dose is 10 mg once daily\. \[1\]", text.split("## 2.")[1])


def test_html_export_is_self_contained_and_escaped(answers, conversation_pipeline):
    question = '<img src="http://example.com/x.png"> & [1]'
    hostile = replace(answers[0], question=question, interpreted_as=question, answer="<script>alert(1)</script> [1]")
    page = conversation_html([hostile, answers[1]], conversation_pipeline.documents)
    assert "<script>" not in page and "<img" not in page and 'src="' not in page
    assert "&lt;img src=&quot;http://example.com/x.png&quot;&gt; &amp; [1]" in page
    assert "default-src 'none'" in page
    assert '<span class="marker">[1]</span>' in page
    assert "<em>Interpreted as:</em> Lipitor: starting dose for children" in page
    assert ("<blockquote>In children 10 to 17 years of age with heterozygous familial hypercholesterolemia, the "
            "recommended starting dose is 10 mg once daily.</blockquote>") in page
    assert "2 May 2024" in page and "Pediatric use" in page
    markdown = conversation_markdown([hostile], conversation_pipeline.documents)
    assert '## 1. \\<img src="http://example.com/x.png"\\> \\& \\[1\\]\n' in markdown  # text, never an image
    assert "\\<script\\>alert(1)\\</script\\> [1]" in markdown


def test_terminal_chat_keeps_the_history_until_new(conversation_pipeline, tmp_path):
    from qa.chat_cli import chat_loop

    out = io.StringIO()
    export = tmp_path / "conversation.md"
    lines = [*TURNS, f"/export {export}", "/new", "and for children?", "/quit", "never asked"]
    assert chat_loop(conversation_pipeline, lines, out) == 0
    text = out.getvalue()
    assert "(interpreted as: Lipitor: starting dose for children)" in text
    assert "atorvastatin, Pediatric use" in text
    assert f"wrote {export} (2 questions)" in text
    assert text.index("New conversation.") < text.index("Which drug? The library has:")
    assert "never asked" not in text
    assert export.read_text(encoding="utf-8") == conversation_markdown(
        [conversation_pipeline.ask(q, history=TURNS[:i]) for i, q in enumerate(TURNS)],
        conversation_pipeline.documents)


def test_web_session_reads_follow_ups_and_exports(conversation_pipeline, tmp_path):
    from web.chat import ChatSession, export_conversation, respond

    session = ChatSession()
    for question in TURNS:
        session = respond(conversation_pipeline, question, session)
    session = respond(conversation_pipeline, " ", session)  # not a turn: no history entry
    assert session.history == tuple(TURNS)
    assert 'Interpreted as: <b>Lipitor: starting dose for children</b>' in session.messages[3]["content"]
    assert "Interpreted as" not in session.messages[1]["content"]
    md, page = export_conversation(session, conversation_pipeline.documents, tmp_path / "out")
    assert md.endswith("conversation.md") and page.endswith("conversation.html")
    assert "## 2. and for children?" in open(md, encoding="utf-8").read()
    chosen = respond(conversation_pipeline, "Does it interact with grapefruit?", ChatSession(), ["sertraline"])
    assert "Sertraline (Zoloft) tablets" in chosen.messages[1]["content"]
    assert "Atorvastatin" not in chosen.messages[1]["content"]


@pytest.mark.slow
def test_python_m_qa_chat_reads_stdin_as_one_conversation(conversation_pipeline):
    import subprocess
    import sys

    from tests.conftest import ROOT

    index = str(conversation_pipeline.config.index_dir)
    done = subprocess.run([sys.executable, "-m", "qa", "chat", "--index", index, "--doc-ids", "atorvastatin"],
                          input="What is the starting dose?\nand for children?\n", cwd=ROOT, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "The recommended starting dose of Lipitor is 10 mg or 20 mg once daily. [1]" in done.stdout
    assert "(interpreted as: atorvastatin: starting dose for children)" in done.stdout
    bad = subprocess.run([sys.executable, "-m", "qa", "chat", "--index", index, "--doc-ids", "nope"], input="",
                         cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert bad.returncode == 2 and "doc_ids nope are not in the library" in bad.stderr
