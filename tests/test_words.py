"""Word lists as data with a source; drug names matched without taking ordinary words for drugs."""

import json

import pytest

from ingest.datafiles import load_table
from ingest.documents import make_document
from ingest.drugs import DATA as INGEST_DATA
from ingest.drugs import DrugMatch, DrugNameIndex, detect_drug_names, dominant_drug_names, looks_like_drug
from ingest.lexical import analyze, stem
from qa.consumer_terms import clinical_alternatives
from qa.drug_classes import drug_class_terms
from qa.intent import DATA as QA_DATA
from qa.intent import code_intents, heading_intents, loinc_section_names, question_intents, section_intents
from qa.question import analyze_question

from .conftest import SHARED

DATA_FILES = sorted(QA_DATA.glob("*.tsv")) + sorted(INGEST_DATA.glob("*.tsv"))


@pytest.mark.parametrize("path", DATA_FILES, ids=lambda p: p.name)
def test_every_word_list_loads_and_names_its_source(path):
    table = load_table(path)
    assert len(table.source) > 40 and table.rows
    assert all(all(k for k in row) for row in table.rows)


def test_a_list_without_a_source_line_is_refused(tmp_path):
    path = tmp_path / "words.tsv"
    path.write_text("# some words\nword\tmeaning\nkidney\trenal\n", encoding="utf-8")
    with pytest.raises(ValueError, match="no '# source:' line"):
        load_table(path)


def test_loinc_table_is_the_shared_one():
    shared = {line.split(",", 1)[0]: line.split(",", 1)[1]
              for line in (SHARED / "labels" / "loinc-sections.csv").read_text().splitlines() if line}
    assert loinc_section_names() == shared


def test_lyrics_is_not_lyrica():
    index = DrugNameIndex({"lyrica": "lyrica"})
    assert index.match("lyrics") is None  # ordinary English, one edit away
    assert index.match("lyrika") == DrugMatch("lyrica", exact=False, distance=1)
    focus = analyze_question("What are the lyrics of that song?", {"lyrica": "lyrica"},
                             {"lyrica": frozenset({"lyrica"})}, frozenset())
    assert focus.drug_docs is None and focus.boost_docs == frozenset()


def test_a_word_the_corpus_uses_is_a_topic_not_a_misspelling():
    index = DrugNameIndex({"velotinib": "velotinib"}, known_words=frozenset({stem("velotinab")}))
    assert index.match("velotinab") is None and index.match("velotinob").name == "velotinib"


def test_two_edits_only_for_names_of_nine_letters_or_more():
    index = DrugNameIndex({"atorvastatin": "atorvastatin", "warfarin": "warfarin", "advil": "advil"})
    assert index.match("atorvstatn") == DrugMatch("atorvastatin", exact=False, distance=2)
    assert index.match("wrfarn") is None  # two edits of an 8-letter name
    assert index.match("warfrin").distance == 1
    assert index.match("advel") is None  # under 6 letters: exact only


def test_a_loose_match_allows_one_edit_more_and_only_a_single_nearest_name():
    index = DrugNameIndex({"EYLEA": "EYLEA", "PRISTIQ": "PRISTIQ", "florbetapir": "AMYVID", "florbetaben": "NEURACEQ"})
    assert index.match("eylia") is None and index.match_loosely("eylia") == DrugMatch("EYLEA", False, 1)
    assert index.match_loosely("pristique").name == "PRISTIQ"  # 2 edits on 7 letters
    assert index.match_loosely("florbetaben") == DrugMatch("NEURACEQ", True, 0)
    assert index.match_loosely("florbetapen").name == "NEURACEQ"  # nearer to one than the other
    assert index.match_loosely("florbetaxxx") is None  # 3 edits: never
    assert index.match_loosely("eyle") is None  # under five letters
    tie = DrugNameIndex({"abcdefg": "A", "abcdefh": "B"})
    assert tie.match_loosely("abcdefx") is None  # two names equally near: no reading


def test_the_words_of_a_multi_word_name_that_only_it_uses_name_it_for_a_guess():
    from qa.drug_library import phrase_words

    names = {"florbetaben (18F)": frozenset({"neuraceq"}), "atorvastatin calcium": frozenset({"lipitor"}),
             "ibuprofen sodium": frozenset({"advil"}), "naproxen sodium": frozenset({"aleve"})}
    words_ = phrase_words(tuple(names), names)
    assert words_["florbetaben"] == "florbetaben (18F)" and words_["atorvastatin"] == "atorvastatin calcium"
    assert "sodium" not in words_ and "calcium" not in words_  # shared, or ordinary English


def test_match_equals_brute_force_over_all_names():
    """The length buckets skip no name: same answer as OSA distance against every name."""
    import random

    from rapidfuzz.distance import OSA

    from ingest.drugs import edit_limit

    rng = random.Random(7)
    names = sorted({"".join(rng.choice("aeioulmnrstvxz") for _ in range(rng.randint(4, 12))) for _ in range(400)})
    index = DrugNameIndex({n: n for n in names})
    for name in names[:150]:
        word = list(name)
        for _ in range(rng.randint(1, 3)):
            i = rng.randrange(len(word))
            word[i] = rng.choice("aeioulmnrstvxz")
        word = "".join(word)
        fits = sorted((OSA.distance(word, n), abs(len(n) - len(word)), n) for n in names
                      if OSA.distance(word, n) <= edit_limit(min(len(n), len(word))))
        got = index.match(word)
        if word in names:
            assert got == DrugMatch(word, True, 0)
        elif fits and index._may_be_misspelling(word):
            assert got == DrugMatch(fits[0][2], False, fits[0][0]), word
        else:
            assert got is None, word


def test_consumer_misspellings_in_the_label_questions_find_their_label():
    """Every question of kind "misspelled" in shared/labels/questions (written for the labels,
    not for this matcher) that misspells a label's own name finds that label."""
    names = {"humira": "humira", "adalimumab": "humira", "lipitor": "lipitor", "atorvastatin": "lipitor",
             "haloperidol": "haloperidol", "triaminic": "cough"}
    index = DrugNameIndex(names)
    found = {}
    for path in sorted((SHARED / "labels" / "questions").glob("*.jsonl")):
        for row in map(json.loads, path.read_text().splitlines()):
            if row["kind"] == "misspelled":
                matches = {m.name for w in row["question"].lower().split() if (m := index.match(w.strip("?,.")))}
                found[row["id"]] = matches
    assert found["humira-32"] == {"humira"} and found["humira-34"] == {"humira"}  # humria, humera
    assert found["humira-33"] == {"humira"}  # adalimumob
    assert found["lipitor-32"] == found["lipitor-33"] == found["lipitor-34"] == {"lipitor"}
    assert found["haloperidol-31"] == found["haloperidol-32"] == found["haloperidol-34"] == {"haloperidol"}
    assert found["cough-19"] == {"cough"}  # triaminc


def test_ordinary_and_medical_words_are_not_drugs():
    assert not looks_like_drug("cholesterol")  # ends like albuterol, but is an everyday word
    assert looks_like_drug("zentrodomide") and looks_like_drug("aspirin") and looks_like_drug("Advil")
    focus = analyze_question("Does it raise cholesterol?", {}, {}, frozenset())
    assert focus.unknown_drugs == () and focus.partner_drugs == ()


def test_the_drug_lexicon_knows_brands_and_generics_the_stems_miss():
    assert looks_like_drug("Keppra") and looks_like_drug("dalfampridine") and looks_like_drug("Delsym")
    for word in ("caps", "diamonds", "grapefruit", "alcohol", "lyrics"):  # in the lexicon or not: ordinary words
        assert not looks_like_drug(word), word
    assert detect_drug_names("AFINITOR", "") == ("AFINITOR", "everolimus")  # a brand title brings its generic
    assert detect_drug_names("Breast Cancer Treatment (PDQ)", "tamoxifen tamoxifen") == ()


def test_a_title_word_in_no_list_is_the_labels_name_when_its_text_names_it_again():
    text = "# GADAVIST\n\nGADAVIST may cause NSF. Avoid GADAVIST in severe kidney disease. Zorbly blah."
    assert detect_drug_names("GADAVIST", text) == ("GADAVIST",)
    assert detect_drug_names("GADAVIST", "# GADAVIST\n\nGADAVIST is a contrast agent.") == ()  # once besides the title
    assert detect_drug_names("ZORBLY TABLETS", "Zorbly " * 3 + "tablets " * 9) == ("ZORBLY",)  # not "TABLETS"
    assert detect_drug_names("Ewing Sarcoma Treatment", "Ewing sarcoma " * 9) == ()  # a name is printed in capitals
    doc = make_document("gadavist", "# GADAVIST\n\nDo not use GADAVIST intrathecally. GADAVIST may cause NSF.", True, {})
    assert doc.drugs == ("GADAVIST",)


def test_a_label_whose_first_line_names_no_drug_is_about_the_drug_its_text_names_throughout():
    text = ("WARNING\nEDECRIN is a diuretic. Take EDECRIN with food. Lithium should not be given with "
            "EDECRIN. Ethacrynic acid is the active ingredient of EDECRIN.")
    assert dominant_drug_names(text) == ("EDECRIN", "ethacrynic acid")  # a brand brings its generic; lithium is rarer
    assert dominant_drug_names("WARNING\nTake with food.") == ()


def test_a_class_name_stands_in_for_a_drug_by_its_own_words_not_everyday_ones():
    from qa.question import class_stems

    stems = class_stems(drug_class_terms("ibuprofen"))
    assert stem("nsaids") in stems and stem("drug") not in stems  # "Drug Interactions" names no NSAID
    focus = analyze_question("Can I take ibuprofen with Revlimid?", {"revlimid": "revlimid"},
                             {"revlimid": frozenset({"lenalidomide"})}, frozenset())
    assert all(stem("drug") not in group for group in focus.terms)


def test_drug_classes_come_from_atc_codes_and_fda_tables():
    assert any("NSAIDs" in c for c in drug_class_terms("Advil"))  # brand -> ibuprofen M01AE01 -> M01A
    assert any("anticoagulants" in c for c in drug_class_terms("eliquis"))
    assert any("CYP3A4 inhibitors" in c for c in drug_class_terms("clarithromycin"))
    assert drug_class_terms("levothyroxine") == ()


def test_section_codes_decide_the_intent_and_headings_are_the_fallback():
    assert code_intents("34068-7") == {"dosing"}
    assert code_intents("34084-4") == {"side_effects"}
    assert code_intents("34073-7") == {"interactions"}
    assert code_intents("42228-7") == {"pregnancy"}
    assert code_intents("42229-5") == frozenset() and code_intents(None) == frozenset()
    assert section_intents("Directions", "34068-7") == {"dosing"}
    assert section_intents("5.1 Skeletal Muscle", "42229-5") == frozenset()  # unclassified: heading words
    assert section_intents("8.4 Pediatric Use", "42229-5") == {"pediatric"}
    assert heading_intents("2 DOSAGE AND ADMINISTRATION") == {"dosing"}  # from the LOINC name
    assert heading_intents("Undesirable effects") == {"side_effects"}  # EMA leaflet heading
    assert "pregnancy" in question_intents("Can I take this while pregnant?")


@pytest.fixture(scope="module")
def library(mini_library):
    return mini_library


def _focus(library, question):
    return analyze_question(question, library.drug_names, library.drug_docs, library.vocabulary)


@pytest.mark.parametrize("word", ["lenolidomide", "lenalidomid", "revlimad"])
def test_misspelled_lenalidomide_is_searched_in_its_monograph_alone(library, word):
    focus = _focus(library, f"What are the side effects of {word}?")
    assert focus.drug_docs == focus.boost_docs == {"lenalidomide"} and focus.unknown_drugs == ()
    answer = library.ask(f"What are the side effects of {word}?")
    assert answer.passages[0].doc_id == "lenalidomide"
    assert not answer.abstained and {c.doc_id for c in answer.citations} == {"lenalidomide"}


def test_a_fuzzy_match_alone_keeps_to_its_label_and_beside_an_exact_name_excludes_no_other(library):
    warfarin_chunks = sum(c.doc_id == "warfarin" for c in library.index.chunks)
    assert warfarin_chunks < library.config.k_passages  # so other labels could fill the passages
    for question in ("What are the side effects of warfrin?", "What are the side effects of warfarin?"):
        answer = library.ask(question)
        assert {p.doc_id for p in answer.passages} == {"warfarin"} == {c.doc_id for c in answer.citations}
    # an exact name decides the labels; a misspelled second name is only ranked up
    focus = _focus(library, "Can I take lenalidomide with warfrin?")
    assert focus.drug_docs == {"lenalidomide"} and focus.boost_docs == {"warfarin"}


def test_a_two_edit_misspelling_of_a_long_name_finds_its_label(library):
    assert library.drug_names.match("atrovastatn") == DrugMatch("atorvastatin", exact=False, distance=2)
    answer = library.ask("What is atrovastatn used for?")
    assert answer.passages[0].doc_id == "atorvastatin"


def test_cholesterol_is_a_topic_not_a_missing_monograph(pipeline):
    assert stem("cholesterol") not in pipeline.vocabulary  # the lenalidomide monograph never says it
    answer = pipeline.ask("Will this medicine raise my cholesterol?")
    assert "no monograph" not in answer.answer
    assert analyze_question("Will it raise my cholesterol?", pipeline.drug_names, pipeline.drug_docs,
                            pipeline.vocabulary).unknown_drugs == ()


def test_contractions_and_possessives_are_read_as_their_words():
    # "What's" once gave the question a term "s", and "don't" the terms "don" and "t"
    assert analyze("What's the dose?") == analyze("What is the dose?") == [stem("dose")]
    assert analyze("I don't, can't and won't") == analyze("I do not, can not and will not") == []
    assert analyze("the patient’s child's dose") == analyze("the patient child dose")
    # an apostrophe inside a name or after a digit is not a contraction
    assert analyze("O'Brien 5'-nucleotidase") == [stem("o"), stem("brien"), "5", stem("nucleotidase")]
    # typed without the apostrophe, as consumers do; in capitals "IM" is intramuscular
    assert analyze("whats the dose, im pregnant and cant wait") == analyze("what is the dose, I am pregnant and can not wait")
    assert analyze("given IM") == [stem("given"), "im"]


@pytest.mark.parametrize("question", ["Can I breastfeed my baby?", "Is breastfeeding safe?", "She breastfeeds."])
def test_a_consumer_phrase_matches_in_any_inflection_of_its_words(question):
    # the table writes "breastfeeding"; the stemmer gives "breastfeed" another stem ("breastfe")
    alternatives, phrases = clinical_alternatives(analyze(question))
    assert any("lactation" in p for p in phrases)
    assert any("lactat" in alts and "nurs" in alts for alts in alternatives.values())
    assert stem("breastfeed") != stem("breastfeeding")
