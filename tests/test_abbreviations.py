"""Abbreviations a label defines (qa/abbreviations.py): found in the text, used both ways."""

from ingest import IngestConfig, build_index
from qa.abbreviations import LibraryAbbreviations, definitions, long_form
from qa.config import QAConfig
from qa.pipeline import load_pipeline

LABEL_TEXT = (
    "Hepatitis B virus (HBV) reactivation has occurred in patients treated with tumor necrosis factor (TNF) "
    "blockers. The maximum concentration (Tmax) was reached at 131 hours. Use in patients with rheumatoid "
    "arthritis (RA) or Crohn's disease (CD) is described below (see 5.1). Doses of 40 mg (2) were studied "
    "every other week (EOW). Ankylosing spondylitis (AS) responded."
)


def test_definitions_follow_schwartz_hearst():
    found = dict(definitions(LABEL_TEXT))
    assert found["HBV"] == "Hepatitis B virus"
    assert found["TNF"] == "tumor necrosis factor"
    assert found["RA"] == "rheumatoid arthritis"
    assert found["CD"] == "Crohn's disease"
    assert found["EOW"] == "every other week"
    # "the maximum concentration" does not open with T's word; "(2)" and "(see 5.1)" define nothing
    assert "Tmax" not in found and "2" not in found and "see" not in found


def test_a_brand_glossed_with_its_generic_is_a_definition():
    found = dict(definitions("Do not take KINERET® (anakinra) or CIMZIA® (certolizumab pegol) with it."))
    assert found == {"KINERET": "anakinra", "CIMZIA": "certolizumab pegol"}
    library = LibraryAbbreviations(lambda: ["Do not take KINERET® (anakinra) with it."])
    assert library.use(["Kineret"], {}).expansions == {"kineret": ("anakinra",)}
    assert library.use(["anakinra"], {}).expansions == {"anakinra": ("kineret",)}


def test_long_form_needs_the_letters_in_order_and_a_word_start():
    assert long_form("HBV", "patients with hepatitis B virus") == "hepatitis B virus"
    assert long_form("XYZ", "patients with hepatitis B virus") is None


def test_expansions_go_both_ways_and_need_most_of_the_long_form():
    library = LibraryAbbreviations(lambda: [LABEL_TEXT])
    idf = {"hepat": 3.0, "virus": 2.0, "rheumatoid": 4.0, "arthriti": 2.0}
    # the long form in the question lets its words accept the short form
    assert library.use(["hepatitis", "reactivation"], idf).expansions == {"hepat": ("hbv",)}
    assert library.use(["hepatitis", "reactivation"], idf).written == ["HBV"]
    # a word that only shares the stem is not the long form
    assert library.use(["hepatic", "impairment"], idf).expansions == {}
    # the short form accepts the long form's rarest word
    assert library.use(["RA", "dose"], idf).expansions == {"ra": ("rheumatoid",)}
    # one word of a two-word long form is not the long form ("arthritis" alone is not RA)
    assert library.use(["arthritis"], idf).expansions == {}
    # "AS" reads as a stopword: nothing to expand, nothing misread
    assert all(a.short != "AS" for defs in library.by_short().values() for a in defs)


def test_a_question_in_the_long_form_finds_the_sentence_in_the_short_form(tmp_path, encoder):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "examplimab.md").write_text(
        "# Examplimab\n\n## Hepatitis B Virus Reactivation\n\n"
        "Examplimab may reactivate hepatitis B virus (HBV) in chronic carriers. "
        "Reactivation was reported in 12 patients. Most reports came from Asia. "
        "In patients who develop HBV reactivation, stop Examplimab and start antiviral therapy.\n\n"
        "## Storage\n\nKeep the carton in a refrigerator.\n", encoding="utf-8")
    build_index(IngestConfig(corpus_paths=(corpus,), index_dir=tmp_path / "ix"), progress=False, encoder=encoder)
    pipeline = load_pipeline(QAConfig(index_dir=tmp_path / "ix"), encoder=encoder)
    focus = pipeline.focus_of("What should be done when hepatitis B comes back during treatment?")
    assert ("hepat", "hbv") in focus.terms and "(HBV)" in focus.expanded
    off = pipeline.with_config(abbreviations=False).focus_of("What should be done when hepatitis B comes back?")
    assert ("hepat",) in off.terms

