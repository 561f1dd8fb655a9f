"""A library of brand-titled label excerpts (TAC 2017, Markdown, no metadata): a question that
names the generic ("everolimus") rather than the brand ("AFINITOR") finds the label (the drug
lexicon gives the brand's generic; a drug word the labels use but name no label by is searched
for, its label ranked up), not "Which drug?"."""

from __future__ import annotations

import shutil

import pytest

from .conftest import SHARED

TAC = SHARED / "labels" / "tac2017-train"
LABELS = ("afinitor", "adcetris", "ampyra")


@pytest.fixture(scope="module")
def tac_library(tmp_path_factory, encoder):
    from ingest import IngestConfig, build_index
    from qa import QAConfig, load_pipeline

    root = tmp_path_factory.mktemp("tac-library")
    corpus = root / "corpus"
    corpus.mkdir()
    for name in LABELS:
        shutil.copy(TAC / f"{name}.md", corpus)
    build_index(IngestConfig(corpus_paths=(corpus,), index_dir=root / "index"), progress=False, encoder=encoder)
    return load_pipeline(QAConfig(index_dir=root / "index"), encoder=encoder)


@pytest.mark.parametrize(("question", "label"), [
    ("Is non-infectious pneumonitis expected with everolimus?", "afinitor"),
    ("Have SJS or TEN been reported with brentuximab vedotin?", "adcetris"),
])
def test_a_generic_the_label_text_uses_is_searched_not_asked_back(tac_library, question, label):
    answer = tac_library.ask(question)
    assert answer.clarify == ()
    assert not answer.answer.startswith("Which drug?")
    assert answer.passages[0].doc_id == label
    assert all(c.doc_id == label for c in answer.citations)  # one label answers


def test_mention_shares_tell_a_labels_own_word_from_a_shared_one(tac_library):
    shares = tac_library.retriever.mention_shares(("everolimus",))
    assert max(shares, key=shares.get) == "afinitor" and shares["afinitor"] > 0.5
    assert tac_library.retriever.mention_shares(("nonexistentumab",)) == {}
    assert tac_library.retriever.owned_words(("everolimus", "nonexistentumab")) == ("everolimus",)


def test_a_question_naming_no_drug_is_still_asked_back(tac_library):
    answer = tac_library.ask("What are the most common side effects?")
    assert answer.abstained and answer.answer.startswith("Which drug?")
    # each label named by its brand title and the generic the drug lexicon gives for it
    assert set(answer.clarify) == {"ADCETRIS (brentuximab vedotin)", "AFINITOR (everolimus)", "AMPYRA (dalfampridine)"}
