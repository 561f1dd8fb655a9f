"""The web chat in a real Chromium: answers, highlighted sources, feedback, hostile text, the Evaluate tab."""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest

pytestmark = pytest.mark.browser

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
WEB_DATA = Path(__file__).resolve().parent / "data" / "web"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")  # make test: scripts/prerequisites.sh checks it
CHROMIUM_ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
REST_QUESTION = "How many days off are there between cycles?"
XSS = '<img src=x onerror="window.__xss=1"><script>window.__xss=2</script>'
REMOTE_IMAGES = '![x](http://example.com/a.png) <img src="http://example.com/b.png">'


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install -y chromium (or set CHROMIUM=/path/to/chromium)")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture()
def page(browser):
    """A fresh page that records every URL it requests in page.requested."""
    context = browser.new_context(viewport={"width": 1280, "height": 1000})
    page = context.new_page()
    page.requested = []
    page.on("request", lambda request: page.requested.append(request.url))
    page.set_default_timeout(30_000)
    yield page
    context.close()


@pytest.fixture(scope="module")
def hostile_app(serve_web_app, encoder, tmp_path_factory):
    """The chat over a monograph whose text and title hold markup, remote images and templates."""
    from ingest import IngestConfig, build_index
    from qa import QAConfig, load_pipeline

    index_dir = tmp_path_factory.mktemp("hostile") / "index"
    build_index(IngestConfig(corpus_paths=(WEB_DATA / "hostile-corpus",), index_dir=index_dir),
                progress=False, encoder=encoder)
    return serve_web_app(load_pipeline(QAConfig(index_dir=index_dir), encoder=encoder))


def off_host(urls: list[str]) -> list[str]:
    return [u for u in urls if urlsplit(u).scheme not in ("data", "blob") and urlsplit(u).hostname != "127.0.0.1"]


def ask(page, question: str):
    """Type a question, press Enter, return the new bot message once it is shown."""
    bots = page.locator('#chatbot [data-testid="bot"]')
    count = bots.count()
    page.locator("#question textarea").fill(question)
    page.locator("#question textarea").press("Enter")
    bots.nth(count).wait_for()
    return bots.nth(count)


def xss_ran(page) -> bool:
    return page.evaluate("typeof window.__xss !== 'undefined'")


def test_answer_shows_citation_highlight_and_records_thumbs_up(web_app, page):
    from playwright.sync_api import expect

    page.goto(web_app.url)
    bot = ask(page, REST_QUESTION)
    expect(bot.locator("mark.cited").first).to_contain_text("followed by a 7-day rest period")
    expect(bot.locator(".answer > p .marker").first).to_have_text("[1]")
    expect(bot.locator("details.source summary").first).to_contain_text("Lenalidomide (Revlimid)")
    expect(bot.locator("details.source summary").first).to_contain_text("14 June 2024")
    expect(page.locator("#library")).to_contain_text("lenalidomide, Revlimid")
    page.locator("#chatbot").get_by_label("Like", exact=True).last.click()
    deadline = time.monotonic() + 10
    while not web_app.store.rows() and time.monotonic() < deadline:
        time.sleep(0.1)
    row = web_app.store.rows()[-1]
    assert (row["vote"], row["question"]) == ("up", REST_QUESTION)
    assert "7-day rest period" in row["citations"]
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "chat.png"), full_page=True)
    assert off_host(page.requested) == []


def test_hostile_question_runs_nothing_and_loads_nothing(web_app, page):
    from playwright.sync_api import expect

    page.goto(web_app.url)
    ask(page, XSS)
    ask(page, REMOTE_IMAGES)
    users = page.locator('#chatbot [data-testid="user"]')
    expect(users.nth(0)).to_contain_text(XSS)
    expect(users.nth(1)).to_contain_text(REMOTE_IMAGES)
    page.wait_for_timeout(500)
    assert not xss_ran(page)
    assert page.locator("#chatbot img").count() == 0
    assert off_host(page.requested) == []


def test_hostile_monograph_is_shown_as_text(hostile_app, page):
    from playwright.sync_api import expect

    page.goto(hostile_app.url)
    bot = ask(page, "When is zapdrug taken with water?")
    expect(bot.locator("mark.cited").first).to_contain_text('<img src="http://example.com/corpus.png"')
    expect(bot.locator(".passage").first).to_contain_text("![chart](http://example.com/corpus-md.png)")
    expect(bot.locator(".passage").first).to_contain_text("${7*7} {{constructor}} $$x^2$$")
    expect(page.locator("#library")).to_contain_text('Zapdrug <b onmouseover="window.__xss=5">(Zaptab)</b>')
    expect(page.locator("#label-filter")).to_contain_text('Zapdrug <b onmouseover="window.__xss=5">(Zaptab)</b>')
    page.locator("#library").hover()
    page.locator("#label-filter label").first.hover()
    page.wait_for_timeout(500)
    assert not xss_ran(page)
    assert page.locator("#chatbot img, #library img, #label-filter img, #label-filter b").count() == 0
    assert off_host(page.requested) == []


def eval_run_folders() -> list[Path]:
    return list(Path(tempfile.gettempdir()).glob("rxcite-eval-*/run-*"))


def test_evaluate_tab_shows_summary_and_downloads(web_app, page):
    from playwright.sync_api import expect

    page.goto(web_app.url)
    page.get_by_role("tab", name="Evaluate").click()
    page.locator("#eval-file input[type=file]").set_input_files(str(WEB_DATA / "eval-small.jsonl"))
    # the upload round-trips through the server: slow on a loaded machine
    expect(page.locator("#eval-file")).to_contain_text("eval-small.jsonl", timeout=30_000)
    page.locator("#eval-run").click()
    summary = page.locator("#eval-summary .eval-summary")
    expect(summary).to_contain_text("questions evaluated", timeout=60_000)
    expect(summary.locator("tr", has_text="questions evaluated")).to_contain_text("3")
    expect(summary).to_contain_text("abstention_accuracy")
    expect(page.locator("#eval-downloads a[href$='/results.jsonl']")).to_have_count(1)
    expect(page.locator("#eval-downloads a[href$='/report.html']")).to_have_count(1)
    expect(page.locator("#eval-report iframe[sandbox='']")).to_have_count(1)
    report = page.frame_locator("#eval-report iframe")
    expect(report.locator("h2", has_text="Confidence")).to_be_visible()
    expect(report.locator("svg").first).to_be_visible()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "evaluate.png"), full_page=True)
    assert off_host(page.requested) == []
    # The run's temporary folder is gone (Gradio serves its own copies of the downloads).
    href = page.locator("#eval-downloads a[href$='/results.jsonl']").get_attribute("href")
    assert page.request.get(href).text().count("\n") == 3
    deadline = time.monotonic() + 10
    while eval_run_folders() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert eval_run_folders() == []


def test_sessions_are_separate_and_clear_starts_over(web_app, browser):
    from playwright.sync_api import expect

    questions = [REST_QUESTION, "What is the brand name of lenalidomide?"]
    contexts = [browser.new_context() for _ in questions]
    pages = [c.new_page() for c in contexts]
    for page, question in zip(pages, questions, strict=True):
        page.goto(web_app.url)
        ask(page, question)
    for page, question in zip(pages, questions, strict=True):
        expect(page.locator('#chatbot [data-testid="user"]')).to_have_text([question])
    first = pages[0]
    first.locator("#chatbot").get_by_label("Clear", exact=True).click()
    expect(first.locator('#chatbot [data-testid="bot"]')).to_have_count(0)
    ask(first, "Which drugs interact with lenalidomide?")
    expect(first.locator('#chatbot [data-testid="user"]')).to_have_text(["Which drugs interact with lenalidomide?"])
    first.locator("#chatbot").get_by_label("Dislike", exact=True).last.click()
    deadline = time.monotonic() + 10
    while not any(r["vote"] == "down" for r in web_app.store.rows()) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert [r["question"] for r in web_app.store.rows() if r["vote"] == "down"] == [
        "Which drugs interact with lenalidomide?"]
    for context in contexts:
        context.close()
