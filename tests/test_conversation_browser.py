"""A two-turn conversation in a real Chromium: the follow-up's reading is shown, the labels
can be chosen, the conversation downloads."""

from __future__ import annotations

import pytest

from tests.test_app_browser import ARTIFACTS, ask, browser, off_host, page  # noqa: F401 - fixtures

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def conversation_app(serve_web_app, conversation_pipeline):
    return serve_web_app(conversation_pipeline)


def test_follow_up_shows_its_reading_and_the_conversation_exports(conversation_app, page, tmp_path):  # noqa: F811
    from playwright.sync_api import expect

    page.goto(conversation_app.url)
    first = ask(page, "What is the starting dose of Lipitor?")
    expect(first.locator("mark.cited").first).to_contain_text("The recommended starting dose of Lipitor")
    expect(first.locator(".interpreted")).to_have_count(0)
    second = ask(page, "and for children?")
    expect(second.locator(".interpreted")).to_have_text("Interpreted as: Lipitor: starting dose for children")
    expect(second.locator(".interpreted")).to_be_visible()
    expect(second.locator("mark.cited").first).to_contain_text("In children 10 to 17 years of age")
    expect(second.locator("details.source summary").first).to_contain_text("Atorvastatin (Lipitor) tablets")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "conversation.png"), full_page=True)

    page.locator("#export").click()
    link = page.locator("#export-files a[href$='/conversation.md']")
    expect(link).to_have_count(1)
    with page.expect_download() as download:
        link.click()
    saved = tmp_path / "conversation.md"
    download.value.save_as(saved)
    text = saved.read_text(encoding="utf-8")
    assert "## 2. and for children?" in text and "*Interpreted as:* Lipitor: starting dose for children" in text
    expect(page.locator("#export-files a[href$='/conversation.html']")).to_have_count(1)
    assert off_host(page.requested) == []


def test_chosen_labels_keep_the_conversation_to_them(conversation_app, page):  # noqa: F811
    from playwright.sync_api import expect

    page.goto(conversation_app.url)
    clarify = ask(page, "Does it interact with grapefruit?")
    expect(clarify).to_contain_text("Which drug? The library has: amoxicillin (Amoxil), atorvastatin (Lipitor)")
    page.locator("#label-filter").get_by_label("Sertraline (Zoloft) tablets").check()
    page.locator("#new-conversation").click()
    expect(page.locator('#chatbot [data-testid="bot"]')).to_have_count(0)
    answer = ask(page, "Does it interact with grapefruit?")
    expect(answer.locator("mark.cited").first).to_contain_text("Grapefruit juice should be avoided")
    expect(answer.locator("details.source summary")).to_contain_text(["Sertraline (Zoloft) tablets"])
    assert off_host(page.requested) == []
