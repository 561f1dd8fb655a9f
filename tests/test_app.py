"""The web chat without a browser: HTML rendering, feedback store, chat turns, the /chat and /ask API."""

from __future__ import annotations

import json
import logging

import httpx
import pytest

from ingest import Document, Section
from qa import Answer, Citation, Passage
from web.chat import APOLOGY, ChatSession, respond, vote_name
from web.feedback import FeedbackStore
from web.render import RELATED_CHARS, answer_html, escape_text, highlighted_passage, paragraph_context, related_html

REST_QUESTION = "How many days off are there between cycles?"
HOSTILE = '<img src=x onerror="window.__xss=1"><script>window.__xss=2</script> ![x](http://example.com/a.png) ${a} {{b}} $$c$$'


def test_escape_text_leaves_no_markup_template_or_latex():
    escaped = escape_text(HOSTILE)
    for live in ("<img", "<script", "${", "{{", "$$", "`"):
        assert live not in escaped
    assert escaped.startswith("&lt;img src=x onerror=&quot;window.__xss=1&quot;&gt;")


def test_paragraph_context_keeps_the_paragraph_and_clips_long_ones():
    text = "Title\n\nA b. C d. E f.\r\n\r\nNext para."
    start = text.index("C d.")
    assert paragraph_context(text, start, start + 4) == ("A b. ", " E f.")
    long = "word " * 300 + "Cited. " + "word " * 300
    start = long.index("Cited.")
    before, after = paragraph_context(long, start, start + 6, limit=50)
    assert before.startswith("… word") and len(before) <= 53
    assert after.endswith(" …") and len(after) <= 53


def test_answer_html_highlights_the_exact_cited_sentence(pipeline):
    answer = pipeline.ask(REST_QUESTION)
    html = answer_html(answer, pipeline.documents)
    top = answer.citations[0]
    assert "7-day rest period" in top.text
    assert pipeline.documents[top.doc_id].text[top.start: top.end] == top.text
    assert f'<mark class="cited">{escape_text(top.text)}</mark>' in html
    assert '<span class="marker">[1]</span>' in html
    assert "Lenalidomide (Revlimid)" in html and "14 June 2024" in html


def test_only_markers_the_engine_added_become_citation_markers():
    """A "[12]" in the label's own text is text; so is a "[3]" with no citation 3."""
    text = "Dosing\n\nGive 10 mg daily as in study [12]. See table [3] for children.\n"
    doc = Document("label", "Label", text, (Section("Dosing", 8, len(text)),))
    quotes = ["Give 10 mg daily as in study [12].", "See table [3] for children."]
    citations = tuple(Citation(n, "label", "Label", "Dosing", q, text.index(q), text.index(q) + len(q), 0.9)
                      for n, q in enumerate(quotes, 1))
    answer = Answer("How is it dosed?", f"{quotes[0]} [1] {quotes[1]} [2]", False, 0.9, citations, (), (), {})
    html = answer_html(answer, {"label": doc})
    assert html.count('<span class="marker">') == 2 + 2  # in the answer and before each source
    assert '<p>Give 10 mg daily as in study [12]. <span class="marker">[1]</span> See table [3] for children. ' \
           '<span class="marker">[2]</span></p>' in html


def test_a_related_passage_without_a_space_to_clip_at_is_clipped_at_the_limit():
    passage = Passage("c", "d", "Section", "x" * 1000, 0, 1000, 0.5)
    html = related_html(passage, {})
    assert "x" * RELATED_CHARS + " …" in html and "x" * (RELATED_CHARS + 1) not in html
    spaced = Passage("c", "d", "Section", "word " * 200, 0, 1000, 0.5)
    assert "word " * 59 + "word …<" in related_html(spaced, {})


def test_abstention_shows_related_passages_not_citations(pipeline):
    answer = pipeline.ask("What is the boiling point of mercury?")
    html = answer_html(answer, pipeline.documents)
    assert answer.abstained
    assert "Related passages (not citations)" in html and 'class="related"' in html
    assert 'class="source"' not in html and "<mark" not in html


def test_corpus_markup_is_shown_as_text():
    text = 'Dose.\n\nTake <img src="http://example.com/c.png"> daily. ![x](http://example.com/d.png)'
    start = text.index("Take")
    doc = Document("evil", "Evil <b>title</b>", text, (Section("Dosing", 0, len(text)),))
    citation = Citation(1, "evil", doc.title, "Dosing", text[start:text.index(" ![")], start, text.index(" !["), 1.0)
    html = highlighted_passage(doc, citation)
    assert "<img" not in html and "&lt;img src=&quot;http://example.com/c.png&quot;&gt;" in html
    assert html.startswith('<mark class="cited">Take &lt;img')


def test_feedback_survives_a_restart(tmp_path, pipeline):
    answer = pipeline.ask(REST_QUESTION).to_dict()
    FeedbackStore(tmp_path / "fb.db").record("up", answer, session="s1", message_index=1)
    rows = FeedbackStore(tmp_path / "fb.db").rows()
    assert [(r["vote"], r["question"], r["session"], r["message_index"]) for r in rows] == [
        ("up", REST_QUESTION, "s1", 1)]
    assert json.loads(rows[0]["citations"])[0]["text"] == answer["citations"][0]["text"]
    with pytest.raises(ValueError, match="vote 'meh' is not one of up, down, cleared"):
        FeedbackStore(tmp_path / "fb.db").record("meh", answer)


def test_vote_names_follow_gradio_like_events():
    assert [vote_name(v) for v in (True, False, "", "Other")] == ["up", "down", "cleared", None]


def test_chat_turns_keep_answers_by_message_index(pipeline):
    session = respond(pipeline, REST_QUESTION, ChatSession())
    session = respond(pipeline, "   ", session)
    session = respond(pipeline, "x" * 2001, session)
    roles = [m["role"] for m in session.messages]
    assert roles == ["user", "assistant", "assistant", "user", "assistant"]
    assert list(session.answers) == [1] and session.answers[1]["question"] == REST_QUESTION
    assert "The question is empty" in session.messages[2]["content"]
    assert "2001 characters long; the limit is 2000" in session.messages[4]["content"]


def test_server_error_is_logged_and_shown_as_a_short_apology(pipeline, caplog):
    class Broken:
        documents = pipeline.documents

        def ask(self, question, history=None, doc_ids=None):
            raise RuntimeError("secret /srv/path")

    with caplog.at_level(logging.ERROR, logger="web.chat"):
        session = respond(Broken(), "How is it dosed?", ChatSession())
    shown = session.messages[-1]["content"]
    assert escape_text(APOLOGY) in shown and "secret" not in shown
    assert "secret /srv/path" in caplog.text


def test_evaluate_upload_explains_unusable_files(pipeline, tmp_path):
    from web.evaluation import evaluate_upload

    assert "Choose a test file" in evaluate_upload(pipeline, None, None, 10, tmp_path)[0]
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": 1}\nnot json\n', encoding="utf-8")
    shown, report, files = evaluate_upload(pipeline, str(bad), None, 10, tmp_path)
    assert "cannot be evaluated" in shown and "no valid rows" in shown
    assert (report, files) == ("", None)


def test_evaluation_run_folders_are_removed_after_the_run_and_at_exit(tmp_path):
    from web.evaluation import RunFolders

    folders = RunFolders()
    first, second = folders.new(), folders.new()
    assert first != second and first.parent == second.parent == folders.root
    (first / "results.jsonl").write_text("{}\n")
    folders.release(str(first))
    assert not first.exists() and second.exists()
    folders.release(tmp_path)  # never anything outside its own folder
    folders.release(None)
    assert tmp_path.exists()
    folders.close()
    assert not folders.root.exists()


def test_chat_api_returns_answer_with_sources(web_app):
    from gradio_client import Client

    client = Client(web_app.url, analytics_enabled=False, verbose=False)
    text = client.predict(message=REST_QUESTION, api_name="/chat")
    assert "[1]" in text and "7-day rest period" in text and "Sources:" in text
    assert "The question is empty" in client.predict(message=" ", api_name="/chat")


def test_ask_api_returns_the_cli_json(web_app):
    from gradio_client import Client
    from gradio_client.exceptions import AppError

    client = Client(web_app.url, analytics_enabled=False, verbose=False)
    got = client.predict(message=REST_QUESTION, api_name="/ask")
    expected = json.loads(json.dumps(web_app.pipeline.ask(REST_QUESTION).to_dict()))
    got.pop("timings_ms"), expected.pop("timings_ms")
    assert got == expected
    with pytest.raises(AppError, match="2001 characters long"):
        client.predict(message="x" * 2001, api_name="/ask")


def test_concurrent_api_callers_get_their_own_answers(web_app):
    from concurrent.futures import ThreadPoolExecutor

    from gradio_client import Client

    questions = [REST_QUESTION, "What is the brand name of lenalidomide?", "Which drugs interact with lenalidomide?",
                 "What are the common side effects of lenalidomide?"] * 2
    client = Client(web_app.url, analytics_enabled=False, verbose=False)
    with ThreadPoolExecutor(len(questions)) as pool:
        got = list(pool.map(lambda q: client.predict(message=q, api_name="/ask"), questions))
    assert [g["question"] for g in got] == questions
    assert [g["answer"] for g in got] == [web_app.pipeline.ask(q).answer for q in questions]


def test_auth_is_required_when_set(serve_web_app, pipeline):
    from gradio_client import Client

    url = serve_web_app(pipeline, auth=("ann", "s3cret")).url
    assert httpx.get(url + "gradio_api/info", timeout=10).status_code == 401
    client = Client(url, auth=("ann", "s3cret"), analytics_enabled=False, verbose=False)
    assert "[1]" in client.predict(message=REST_QUESTION, api_name="/chat")


def test_pages_carry_a_content_security_policy(web_app):
    response = httpx.get(web_app.url, timeout=10)
    policy = response.headers["content-security-policy"]
    assert "img-src 'self' data: blob:" in policy and "default-src 'self'" in policy


def test_app_flags():
    import argparse

    from app import build_parser, parse_auth

    args = build_parser().parse_args([])
    assert (args.host, args.port, str(args.index), args.auth) == ("127.0.0.1", 7860, "index", None)
    assert parse_auth("ann:pa:ss") == ("ann", "pa:ss")
    with pytest.raises(argparse.ArgumentTypeError, match="USER:PASSWORD"):
        parse_auth("ann")


@pytest.mark.slow
def test_python_app_py_serves_an_answering_page(lenalidomide_index, tmp_path):
    """The real entry point: `python app.py` on a current index prints its URL and answers."""
    import socket
    import subprocess
    import sys
    from pathlib import Path

    from gradio_client import Client

    root = Path(__file__).resolve().parent.parent
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    proc = subprocess.Popen(
        [sys.executable, "app.py", "--port", str(port), "--index", str(lenalidomide_index),
         "--corpus", str(root / "corpus"), "--feedback-db", str(tmp_path / "fb.db")],
        cwd=root, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        lines = []
        for line in proc.stdout:
            lines.append(line)
            if line.startswith("serving on") or len(lines) > 200:
                break
        assert lines[-1].startswith(f"serving on http://127.0.0.1:{port}/"), "".join(lines)
        assert "index is up to date" in "".join(lines)
        client = Client(f"http://127.0.0.1:{port}/", analytics_enabled=False, verbose=False)
        assert "7-day rest period" in client.predict(message=REST_QUESTION, api_name="/chat")
    finally:
        proc.terminate()
        proc.wait(timeout=30)
