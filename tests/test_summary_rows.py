"""summary_rows finds each sentence's paragraph by bisection; checked against the rfind scan it replaced."""

from __future__ import annotations

from ingest import Document, Section, Sentence, load_index
from qa.compose import SUMMARY_OPENERS, summary_rows


def scan_back(sentences, documents) -> frozenset[int]:
    """The reference: scan back from every sentence to the last blank line (quadratic)."""
    rows = set()
    for row, s in enumerate(sentences):
        text = documents[s.doc_id].text
        paragraph_start = max(text.rfind("\n\n", 0, s.start), text.rfind("\r\n\r\n", 0, s.start), -1)
        if SUMMARY_OPENERS.match(text[paragraph_start + 1: s.start + 40].lstrip()):
            rows.add(row)
    return frozenset(rows)


def every_sentence(text: str, doc_id: str) -> list[Sentence]:
    """A "sentence" at every word start, so every paragraph boundary case is hit."""
    starts = [i for i in range(len(text)) if not text[i].isspace() and (i == 0 or text[i - 1].isspace())]
    return [Sentence(doc_id, "S", i, i + 1, text[i]) for i in starts]


def test_same_rows_as_scanning_back_on_lf_crlf_and_odd_blank_lines():
    texts = {
        "lf": "Title\n\nIn summary, take it. Daily.\n\nOther text. In summary not here.\n\n\n  Overall fine. Yes.",
        "crlf": "Title\r\n\r\nTo summarize: rest 7 days. Then go.\r\n\r\nNot a summary. Overall no.\r\n\r\n\r\nIn short, ok.",
        "mixed": "In conclusion first.\n\n \n\toverall, tabs.\r\n\r\nX.\n\nInshort no. In short. \n\nto summarise it all",
        "none": "No blank line at all. In summary this is one paragraph. Overall.",
    }
    documents = {k: Document(k, k, t, (Section("S", 0, len(t)),)) for k, t in texts.items()}
    sentences = [s for k, t in texts.items() for s in every_sentence(t, k)]
    got = summary_rows(sentences, documents)
    assert got == scan_back(sentences, documents)
    assert len(got) > 10


def test_same_rows_on_the_real_index(lenalidomide_index):
    index = load_index(lenalidomide_index)
    assert summary_rows(index.sentences, index.documents) == scan_back(index.sentences, index.documents)
