"""The Gradio page: chat, library panel, Evaluate tab, the /chat and /ask API, launch options.

`build_demo` wires handlers to one shared, read-only pipeline; everything a user owns
(their conversation, which answer a thumb belongs to) is in per-session gr.State.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import gradio as gr
from starlette.middleware import Middleware

from ingest import Document
from qa import Pipeline

from .chat import ChatSession, chat_text, export_conversation, reply_to, respond, vote_name
from .evaluation import build_evaluate_tab
from .feedback import FeedbackStore
from .render import library_html
from .security import SecurityHeadersMiddleware

CSS_PATH = Path(__file__).with_name("page.css")
# Several users at once: the pipeline is read-only and thread-safe, a question takes ~50 ms.
CHAT_CONCURRENCY = 4


def example_questions(documents: dict[str, Document]) -> list[str]:
    """Dosing, side effects, interactions and pregnancy, about the first drug in the library."""
    names = [d for doc in sorted(documents.values(), key=lambda d: d.title.lower()) for d in doc.drugs]
    drug = names[0] if names else "this drug"
    return [f"What is the usual dosing schedule for {drug}?", f"What are the common side effects of {drug}?",
            f"Which drugs interact with {drug}?", f"Can {drug} be taken during pregnancy?"]


def build_demo(pipeline: Pipeline, store: FeedbackStore) -> gr.Blocks:
    # delete_cache: uploaded test files and evaluation downloads older than a day go, checked daily.
    with gr.Blocks(title="rxcite: cited answers from drug monographs", analytics_enabled=False,
                   delete_cache=(86_400, 86_400)) as demo:
        session = gr.State(ChatSession())
        gr.HTML("<h1>rxcite</h1><p>Answers quoted from the drug monographs in the library, every sentence "
                "with its source. Open a source to see the sentence in its passage.</p>", elem_id="header")
        with gr.Tabs():
            with gr.Tab("Chat", id="chat"):
                with gr.Row():
                    with gr.Column(scale=3):
                        chatbot = gr.Chatbot(
                            elem_id="chatbot", label="rxcite", show_label=False, height=560,
                            render_markdown=False, sanitize_html=True, latex_delimiters=[], allow_tags=False,
                            buttons=[], feedback_options=("Like", "Dislike"), group_consecutive_messages=False)
                        with gr.Row():
                            question = gr.Textbox(placeholder="Ask about dosing, side effects, interactions…",
                                                  show_label=False, elem_id="question", scale=5, autofocus=True)
                            ask = gr.Button("Ask", variant="primary", elem_id="ask", scale=1)
                        with gr.Row(elem_id="examples"):
                            examples = [gr.Button(q, size="sm") for q in example_questions(pipeline.documents)]
                        with gr.Row():
                            new = gr.Button("New conversation", size="sm", elem_id="new-conversation")
                            export = gr.Button("Export conversation (Markdown, HTML)", size="sm", elem_id="export")
                        downloads = gr.File(label="Conversation", file_count="multiple", interactive=False,
                                            visible=False, elem_id="export-files")
                    with gr.Column(scale=1):
                        gr.HTML("<h3>Library</h3>" + library_html(pipeline.documents), elem_id="library")
                        labels = gr.CheckboxGroup(
                            label_choices(pipeline.documents), label="Ask only about these labels",
                            info="None checked: the whole library.", elem_id="label-filter")
            with gr.Tab("Evaluate", id="evaluate"):
                build_evaluate_tab(pipeline)
        _wire_chat(pipeline, store, session, chatbot, question, labels, [ask, *examples])
        _wire_conversation(pipeline, session, chatbot, new, export, downloads)
        _add_api(pipeline)
    demo.queue(default_concurrency_limit=CHAT_CONCURRENCY)
    return demo


def label_choices(documents: dict[str, Document]) -> list[tuple[str, str]]:
    """(title shown, doc id) of every label, by title; the id when a label has no title."""
    return [(doc.title or doc.doc_id, doc.doc_id)
            for doc in sorted(documents.values(), key=lambda d: ((d.title or d.doc_id).lower(), d.doc_id))]


def _wire_chat(pipeline, store, session, chatbot, question, labels, buttons) -> None:
    def on_question(text: str, state: ChatSession, chosen: list[str] | None):
        state = respond(pipeline, text, state, list(chosen or ()) or None)
        return list(state.messages), state, ""

    def on_like(state: ChatSession, like: gr.LikeData, request: gr.Request) -> None:
        index = like.index if isinstance(like.index, int) else like.index[0]
        vote, answer = vote_name(like.liked), state.answers.get(index)
        if vote is not None and answer is not None:
            store.record(vote, answer, request.session_hash or "", index)

    outputs = [chatbot, session, question]
    question.submit(on_question, [question, session, labels], outputs, api_visibility="private")
    # The Ask button sends the textbox; an example button sends its own label.
    buttons[0].click(on_question, [question, session, labels], outputs, api_visibility="private")
    for button in buttons[1:]:
        button.click(on_question, [button, session, labels], outputs, api_visibility="private")
    chatbot.like(on_like, [session], None, api_visibility="private")
    chatbot.clear(ChatSession, None, session, api_visibility="private")


def _wire_conversation(pipeline, session, chatbot, new, export, downloads) -> None:
    """New conversation (forget the history) and export (Markdown + HTML files to download)."""
    def on_new():
        return [], ChatSession(), gr.File(value=None, visible=False)

    def on_export(state: ChatSession):
        if not state.exchanges:
            gr.Info("Nothing to export yet: ask a question first.")
            return gr.File(value=None, visible=False)
        folder = Path(tempfile.mkdtemp(prefix="rxcite-conversation-"))
        return gr.File(value=export_conversation(state, pipeline.documents, folder), visible=True)

    new.click(on_new, None, [chatbot, session, downloads], api_visibility="private")
    export.click(on_export, [session], [downloads], api_visibility="private")


def _add_api(pipeline: Pipeline) -> None:
    def chat(message: str, history: list[str] | None = None, doc_ids: list[str] | None = None) -> str:
        """The answer with its [n] markers, then the numbered sources (title, section, date, sentence).
        history: earlier questions of the conversation, oldest first; doc_ids: labels to keep to."""
        return chat_text(pipeline, message, history, doc_ids)

    def ask(message: str, history: list[str] | None = None, doc_ids: list[str] | None = None) -> dict:
        """The same JSON object as `python -m qa ask --json`; history and doc_ids as for /chat."""
        reply = reply_to(pipeline, message, history, doc_ids)
        if reply.answer is None:
            raise gr.Error(reply.problem)
        return reply.answer.to_dict()

    gr.api(chat, api_name="chat")
    gr.api(ask, api_name="ask")


def serve(pipeline: Pipeline, store: FeedbackStore, host: str, port: int,
          auth: tuple[str, str] | None = None) -> tuple[gr.Blocks, str]:
    """Start the page in a background thread; returns the Blocks (call .close() to stop) and its URL."""
    demo = build_demo(pipeline, store)
    _, url, _ = demo.launch(**_launch_options(host, port, auth), prevent_thread_lock=True, quiet=True)
    return demo, url


def _launch_options(host: str, port: int, auth: tuple[str, str] | None) -> dict:
    """Local only unless asked, never shared, nothing phoned home, every response with the CSP."""
    return {
        "server_name": host, "server_port": port, "auth": auth, "share": False, "show_error": False,
        "css_paths": [CSS_PATH], "footer_links": ["api", "settings"], "run_history": False,
        "enable_monitoring": False, "mcp_server": False, "ssr_mode": False, "pwa": False,
        "max_file_size": "20mb", "app_kwargs": {"middleware": [Middleware(SecurityHeadersMiddleware)]},
    }
