"""HTML -> plain text with one block per line and the offsets of its headings.

Parsed with BeautifulSoup's built-in html.parser (no lxml needed). Nothing is fetched:
images, frames and links stay unresolved, and image alt text is not monograph text.
"""

from __future__ import annotations

import re

HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
# Never text: code, page chrome, embedded media. header/footer only at page level
# (see _is_chrome): an <article>'s own <header> holds its title.
DROPPED = frozenset("script style noscript template nav aside iframe object embed svg canvas "
                    "img picture video audio map button select input textarea head".split())
PAGE_CHROME = frozenset(("header", "footer"))
SECTIONING = frozenset(("article", "main", "section"))
BLOCKS = frozenset("address article blockquote body caption dd details dialog div dl dt fieldset "
                   "figcaption figure footer form header hgroup hr html legend li main ol p pre "
                   "section summary table tbody thead tfoot tr ul".split()) | frozenset(HEADINGS)
CELLS = frozenset(("td", "th"))
_SPACE = re.compile(r"\s+")


def extract_html(raw: bytes) -> tuple[str, list[tuple[int, int, str]], str]:
    """(text, [(heading line start, line end, heading)], title) of an HTML page.

    Whitespace inside a block collapses to single spaces as a browser shows it; <pre>
    keeps its lines. Table cells of one row share a line, separated by " | ".
    """
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(raw, "html.parser")
    page_title = soup.title.get_text(" ", strip=True) if soup.title else ""
    blocks = _blocks(soup)
    text, headings, pos = [], [], 0
    for i, (kind, line) in enumerate(blocks):
        if i:
            gap = "\n\n" if kind == "h" or blocks[i - 1][0] == "h" or kind == "p" else "\n"
            text.append(gap)
            pos += len(gap)
        if kind == "h":
            headings.append((pos, pos + len(line), line))
        text.append(line)
        pos += len(line)
    first_h1 = next((h.get_text(" ", strip=True) for h in soup.find_all("h1") if not _dropped(h)), "")
    return "".join(text) + ("\n" if text else ""), headings, _SPACE.sub(" ", first_h1 or page_title)


def _dropped(tag) -> bool:
    return any(_skip(t) for t in [tag, *tag.parents] if t.name)


def _skip(tag) -> bool:
    return (tag.name in DROPPED or tag.has_attr("hidden") or tag.get("role") in ("navigation", "banner")
            or (tag.name in PAGE_CHROME and not any(p.name in SECTIONING for p in tag.parents)))


def _blocks(soup) -> list[tuple[str, str]]:
    """[(kind, line)]: kind "h" heading, "p" paragraph-like, "i" list item / row / <br> line."""
    from bs4 import NavigableString
    from bs4.element import PreformattedString

    out: list[tuple[str, str]] = []
    buffer: list[str] = []
    state = {"pre": 0}

    def flush(kind: str) -> None:
        raw = "".join(buffer)
        buffer.clear()
        lines = raw.split("\n") if state["pre"] else [raw]
        for line in lines:
            line = line.rstrip() if state["pre"] else _SPACE.sub(" ", line).strip()
            if line and any(ch.isalnum() for ch in line):
                out.append((kind, line))

    # Iterative walk (deeply nested pages would overflow recursion): ("open", tag)
    # pushes its children and a matching ("close", tag).
    stack: list[tuple[str, object]] = [("open", soup)]
    while stack:
        event, node = stack.pop()
        if isinstance(node, NavigableString):
            if not isinstance(node, PreformattedString):  # comments, doctype, CDATA
                buffer.append(str(node))
            continue
        name = node.name
        if event == "close":
            if name in BLOCKS:
                flush("h" if name in HEADINGS else "i" if name in ("li", "tr", "dt", "dd") else "p")
            state["pre"] -= name == "pre"
            continue
        if name != "[document]" and _skip(node):
            continue
        if name in BLOCKS:
            flush("p")
        elif name == "br":
            flush("i")
        elif name in CELLS and "".join(buffer).strip():
            buffer.append(" | ")
        state["pre"] += name == "pre"
        stack.append(("close", node))
        stack.extend(("open", child) for child in reversed(node.contents))
    flush("p")
    return out
