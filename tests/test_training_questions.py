"""The encoder's training-only questions (bench/data/questions/training/): each answer is
its label's own words in the section it cites, read as rxcite reads the label, and each
file belongs to the group whose labels it asks about (held out together)."""

import json

import pytest

from bench.fit import TRAINING_QUESTIONS, groups, read_cases
from ingest.documents import discover, load_source
from ingest.records import Document

TRAINED = [g for g in groups() if g.training is not None]


def label_sections(group) -> dict[str, dict[str, str]]:
    """doc_id -> section title -> the section's text, whitespace collapsed."""
    out = {}
    for source in discover(group.corpus):
        for doc in load_source(source):
            assert isinstance(doc, Document), doc
            out[doc.doc_id] = {s.title: " ".join(doc.text[s.start:s.end].split()) for s in doc.sections}
    return out


def test_every_training_file_is_a_groups_file():
    names = {p.name for p in TRAINING_QUESTIONS.glob("*.jsonl")}
    assert names == {g.training.name for g in TRAINED}


@pytest.mark.parametrize("group", TRAINED, ids=lambda g: g.name)
def test_training_answers_are_the_labels_words_in_the_cited_section(group):
    sections = label_sections(group)
    cases = read_cases(group.training)
    lines = [line for line in group.training.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert len(cases) == len(lines), "duplicate ids"
    evaluated = {c["question"].strip().lower() for c in read_cases(group.questions)}
    for n, case in enumerate(cases, 1):
        where = f"{group.training.name}:{n}"
        assert set(json.loads(lines[n - 1])) == {"id", "question", "answerable", "answer", "sources",
                                                  "section_code", "section_title", "kind"}, where
        assert case["question"].strip().lower() not in evaluated, f"{where} repeats an evaluated question"
        if not case["answerable"]:
            assert not case["answer"] and not case["sources"], where
            continue
        (source,) = case["sources"]
        doc, _, title = source.partition("#")
        assert doc in sections, f"{where}: {doc} is not one of {group.name}'s labels"
        assert " ".join(case["answer"].split()) in sections[doc][title], f"{where}: answer not in {source}"
