"""Misspelled question words read as the library's words (qa/spelling.py)."""

from qa.spelling import Speller
from qa.word_match import LibraryWords

LABEL = ["Do not use in children with glaucoma or diabetes.", "Symptoms of neuroleptic malignant syndrome include fever.",
         "Use with lithium may cause encephalopathy.", "Take with food."]


def speller(names=()):
    from ingest.lexical import analyze

    stems = frozenset(analyze(" ".join(LABEL)))
    return Speller(LibraryWords(lambda: LABEL), stems, lambda word: word in names)


def test_misspellings_become_the_library_words():
    fix = speller()
    assert fix("is it ok with diabetis or glacoma?") == "is it ok with diabetes or glaucoma?"
    assert fix("What are the sypmtoms?") == "What are the symptoms?"  # a swap is one edit
    assert fix("can I take lithum") == "can I take lithium"


def test_words_drug_names_and_short_words_are_kept():
    fix = speller(names={"revlimd"})
    assert fix("Is beer okay?") == "Is beer okay?"  # ordinary English the label lacks
    assert fix("revlimd and food") == "revlimd and food"  # a drug name goes to drug matching
    assert fix("Is Stelara better?") == "Is Stelara better?"  # a drug the library lacks stays itself
    assert fix("fod") == "fod"  # under 6 letters: too short to tell a misspelling
    assert fix("hidradenitis suppurativa") == "hidradenitis suppurativa"  # nothing in the label is near


def test_pipeline_reads_the_corrected_question_but_keeps_the_users(pipeline):
    answer = pipeline.ask("does lenalidomide cause diarhea or neutropenai?")
    assert answer.question == "does lenalidomide cause diarhea or neutropenai?"
    assert ["diarrhea"] in answer.debug["terms"] and ["neutropenia"] in answer.debug["terms"]
    assert answer.interpreted_as == "does lenalidomide cause diarrhea or neutropenia?"  # the reading is shown
    assert pipeline.ask("does lenalidomide cause diarrhea?").interpreted_as == "does lenalidomide cause diarrhea?"


def test_a_word_only_a_heading_uses_is_a_library_word(tmp_path, encoder):
    """'3 DOSAGE FORMS AND STRENGTHS' may be the only place a label says 'strengths'."""
    from ingest import IngestConfig, build_index
    from qa import QAConfig, load_pipeline

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "examplamide.md").write_text(
        "# Examplamide\n\n## Dosage Forms and Strengths\n\nTablets of 10 mg and 20 mg, white and round.\n\n"
        "## Storage\n\nKeep the bottle closed at room temperature.\n", encoding="utf-8")
    build_index(IngestConfig(corpus_paths=(corpus,), index_dir=tmp_path / "ix"), progress=False, encoder=encoder)
    pipeline = load_pipeline(QAConfig(index_dir=tmp_path / "ix"), encoder=encoder)
    assert "strengths" not in " ".join(pipeline.sentence_texts).lower()
    assert pipeline.speller("what strenghts are there?") == "what strengths are there?"
