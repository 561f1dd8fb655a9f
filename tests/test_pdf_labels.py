"""FDA prescribing-information PDFs: numbered sections with LOINC codes, nothing cited from the
Highlights, the Contents or the address. PDFs from tests/data/formats/make_label_pdfs.py."""

import csv
import shutil

import pytest

from ingest import IngestConfig, build_index
from ingest.chunking import chunk_document
from ingest.loinc import HEADINGS as LOINC_TABLE
from ingest.loinc import section_code
from ingest.pdf_label import read_label

from .conftest import SHARED
from .test_formats import FORMATS, load

HUMIRA = FORMATS / "humira-label.pdf"
LIPITOR = FORMATS / "lipitor-label.pdf"
FULL_TEXT = "\nFULL PRESCRIBING INFORMATION\n"


@pytest.fixture(scope="module")
def humira():
    return load(HUMIRA)


@pytest.fixture(scope="module")
def lipitor():
    return load(LIPITOR)


def codes(doc) -> dict[str, str]:
    return {s.title: s.section_code for s in doc.sections}


def test_numbered_headings_become_sections_with_loinc_codes(humira):
    top = [(s.title, s.section_code) for s in humira.sections if not s.title.split()[0].count(".")]
    assert top == [
        ("WARNING: SERIOUS INFECTIONS AND MALIGNANCY", "34066-1"),
        ("1 INDICATIONS AND USAGE", "34067-9"),
        ("2 DOSAGE AND ADMINISTRATION", "34068-7"),
        ("4 CONTRAINDICATIONS", "34070-3"),
        ("5 WARNINGS AND PRECAUTIONS", "43685-7"),
        ("7 DRUG INTERACTIONS", "34073-7"),
        ("8 USE IN SPECIFIC POPULATIONS", "43684-0"),
    ]
    found = codes(humira)
    # A subsection takes its parent's code, or its own when its title is a LOINC section name.
    assert found["2.1 Rheumatoid Arthritis, Psoriatic Arthritis, and Ankylosing Spondylitis"] == "34068-7"
    assert found["5.1 Serious Infections"] == found["5.11 Use with Abatacept"] == "43685-7"
    assert found["8.1 Pregnancy"] == "42228-7" and found["8.4 Pediatric Use"] == "34081-0"
    assert [s.title for s in humira.sections].count("5.1 Serious Infections") == 1  # not again from the Contents
    assert len([s for s in humira.sections if s.title.startswith("5.")]) == 11
    assert min(s.page for s in humira.sections) == 3  # pages 1-2: Highlights and Contents


def test_bold_body_size_headings_long_titles_and_patient_leaflet(lipitor):
    found = codes(lipitor)
    assert found["2.2 Heterozygous Familial Hypercholesterolemia in Pediatric Patients (10–17 years of age)"] == "34068-7"
    assert found["2.6 Dosage in Patients Taking Cyclosporine, Clarithromycin, Itraconazole, "
                 "or Certain Protease Inhibitors"] == "34068-7"
    assert found["4.3 Pregnancy"] == "42228-7" and found["4.2 Hypersensitivity to any component of this medication"] \
        == "34070-3"
    assert found["7.11 Colchicine"] == "34073-7"
    assert lipitor.sections[-1].title == "PATIENT INFORMATION" and lipitor.sections[-1].section_code == "42230-3"
    assert "What is LIPITOR?" in lipitor.text[lipitor.sections[-1].start:lipitor.sections[-1].end]


@pytest.mark.parametrize("path, trailer", [(HUMIRA, "Manufactured by:"), (LIPITOR, "Distributed by:")])
def test_nothing_cited_from_highlights_contents_address_or_revised_line(path, trailer):
    doc = load(path)
    sentences, chunks = chunk_document(doc, 4, 1)
    full_text = doc.text.index(FULL_TEXT) + len(FULL_TEXT)
    trailer_start = doc.text.index(trailer)
    trailer_end = doc.text.find("PATIENT INFORMATION", trailer_start)
    trailer_end = len(doc.text) if trailer_end < 0 else trailer_end
    assert "Revised:" in doc.text[:full_text] and "Revised:" in doc.text[trailer_start:trailer_end]
    for item in [*sentences, *chunks]:
        assert doc.text[item.start:item.end] == item.text
        assert item.start >= full_text, item.text
        assert not trailer_start <= item.start < trailer_end, item.text
        for never in ("Revised:", "Manufactured by", "Distributed by", "NY 10017", "North Chicago", "CONTENTS",
                      "HIGHLIGHTS", "See 17 for", "Reference ID", "omitted from the full prescribing"):
            assert never not in item.text
    # Highlights-only wording is in the text but in no sentence.
    highlight = "Most common adverse reactions (incidence >10%)" if path == HUMIRA else "Dose range: 10 to 80 mg"
    assert highlight in doc.text and not any(highlight in s.text for s in sentences)


def test_title_date_drugs_from_highlights_and_page_furniture_dropped(humira, lipitor):
    # "BRAND (generic)" as the SPL reader titles a label, not the product line's form and route
    # ("HUMIRA (adalimumab) injection, for subcutaneous use")
    assert humira.title == "HUMIRA (adalimumab)"
    assert humira.date == "2013-09" and set(humira.drugs) == {"adalimumab", "HUMIRA"}
    assert lipitor.title == "LIPITOR (atorvastatin calcium)"
    assert {d.lower() for d in lipitor.drugs} == {"atorvastatin", "lipitor"}
    assert "Reference ID" not in humira.text
    sentences, _ = chunk_document(humira, 4, 1)
    # Printed across the page 3/4 break; the break must not cut the sentence.
    assert ("HUMIRA can be used alone or in combination with non-biologic DMARDs." in [s.text for s in sentences])


def test_not_a_label_keeps_plain_pdf_sections():
    doc = load(FORMATS / "zentrodomide.pdf")
    assert read_label(doc.text, [], doc.pages) is None
    assert {s.section_code for s in doc.sections} == {""}


def test_label_pdf_without_bold_or_larger_headings():
    """plain-label.pdf (make_pdfs.py): every line in the same regular type."""
    doc = load(FORMATS / "plain-label.pdf")
    assert [(s.title, s.section_code, s.page) for s in doc.sections] == [
        ("1 INDICATIONS AND USAGE", "34067-9", 2), ("2 DOSAGE AND ADMINISTRATION", "34068-7", 2),
        ("2.1 Recommended Dosage", "34068-7", 2), ("2.2 Dosage Modifications for Renal Impairment", "34068-7", 2),
        ("12 CLINICAL PHARMACOLOGY", "34090-1", 3), ("12.1 Mechanism of Action", "43679-0", 3)]
    sentences, _ = chunk_document(doc, 4, 1)
    assert [s.text for s in sentences] == [
        "ZENTRA is indicated for the treatment of adults with multiple myeloma who have received at least one "
        "prior therapy.",
        "The recommended dosage of ZENTRA is 15 mg orally once daily on days 1 to 21 of each 28-day cycle.",
        # Runs on from page 2 to page 3 across the page footer.
        "For patients with a creatinine clearance of 30 to 60 mL/min, the recommended dosage is 10 mg once daily.",
        "Zentrodomide binds cereblon and degrades the transcription factors Ikaros and Aiolos."]
    assert "Reference ID" not in doc.text and "Springfield, NJ" in doc.text
    assert (doc.title, doc.drugs, doc.date) == ("ZENTRA (zentrodomide)",
                                                ("zentrodomide", "ZENTRA"), "2024-06")


PLAIN_LABEL = """HIGHLIGHTS OF PRESCRIBING INFORMATION
These highlights do not include all the information needed to use DRUGX safely and effectively. See full prescribing information for DRUGX.
DRUGX (drugximab) injection
Initial U.S. Approval: 2020
-----DOSAGE AND ADMINISTRATION-----
Give 5 mg once daily (2.1).
Revised: 3/2021
FULL PRESCRIBING INFORMATION: CONTENTS*
1 INDICATIONS AND USAGE
2 DOSAGE AND ADMINISTRATION
2.1 Recommended Dosage
%s
1 INDICATIONS AND USAGE
DRUGX is indicated for the treatment of adults with psoriasis.
2 DOSAGE AND ADMINISTRATION
2.1 Recommended Dosage
The recommended dosage is 5 mg once daily.
16 HOW SUPPLIED/STORAGE AND HANDLING
Store in a refrigerator.
Marketed by: Example Pharma, Springfield
Revised: 03/2021
"""


@pytest.mark.parametrize("marker", ["FULL PRESCRIBING INFORMATION", ""])
def test_plain_numbered_headings_without_type_styles(marker):
    """No bold or larger type (headings=[]), with or without the full-text marker line."""
    text = PLAIN_LABEL % marker
    label = read_label(text, [])
    assert [(s.title, s.section_code) for s in label.sections] == [
        ("1 INDICATIONS AND USAGE", "34067-9"), ("2 DOSAGE AND ADMINISTRATION", "34068-7"),
        ("2.1 Recommended Dosage", "34068-7"), ("16 HOW SUPPLIED/STORAGE AND HANDLING", "34069-5")]
    assert [text[s.start:s.end].strip() for s in label.sections] == [
        "DRUGX is indicated for the treatment of adults with psoriasis.", "",
        "The recommended dosage is 5 mg once daily.", "Store in a refrigerator."]
    assert (label.title, label.brand, label.date) == ("DRUGX (drugximab) injection", "DRUGX", "2021-03")


@pytest.mark.parametrize("title, level, code", [
    ("WARNINGS AND PRECAUTIONS", "top", "43685-7"),  # not 34071-1 "Warnings" by prefix
    ("HOW SUPPLIED/STORAGE AND HANDLING", "top", "34069-5"),
    ("PATIENT COUNSELING INFORMATION", "top", "34076-0"),
    ("Dosage & Administration", "top", "34068-7"),
    ("WARNING: SUICIDAL THOUGHTS AND BEHAVIORS", "unnumbered", "34066-1"),
    ("MEDICATION GUIDE", "unnumbered", "42231-1"),
    ("Carcinogenesis, Mutagenesis, Impairment of Fertility", "sub", "34083-6"),
    ("Pregnancy Exposure Registry", "sub", ""),
    ("PRICE LIST", "top", ""),
    # an OTC Drug Facts panel's headings (21 CFR 201.66(c)) and an older-format label's
    ("Active ingredients (in each 5 mL)", "other", "55106-9"),
    ("Ask a doctor before use if the child has", "other", "50569-3"),
    ("Ask a doctor or pharmacist before use if you are", "other", "50568-5"),
    ("If pregnant or breast-feeding, ask a health professional before use.", "other", "53414-9"),
    ("PRECAUTIONS", "other", "42232-9"),
])
def test_section_code_by_name(title, level, code):
    assert section_code(title, level) == code


def test_product_code_table_agrees_with_openfda_table():
    """ingest/data/pdf-label-headings.csv copies its codes and names from the shared openFDA table."""
    with (SHARED / "labels" / "loinc-sections.csv").open(encoding="utf-8") as fh:
        openfda = {row[0]: row[1] for row in csv.reader(fh)}
    with LOINC_TABLE.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert rows and all(openfda.get(row["code"]) == row["name"] and row["source"] for row in rows)


@pytest.mark.slow
def test_dose_question_cites_full_text_dosage_section(tmp_path, encoder):
    from qa import QAConfig, load_pipeline

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for path in (HUMIRA, LIPITOR, FORMATS / "zentrodomide.pdf"):
        shutil.copy(path, corpus / path.name)
    build_index(IngestConfig(corpus_paths=(corpus,), index_dir=tmp_path / "index"), progress=False, encoder=encoder)
    pipeline = load_pipeline(QAConfig(index_dir=tmp_path / "index"), encoder=encoder)
    docs = {"humira-label": load(corpus / HUMIRA.name), "lipitor-label": load(corpus / LIPITOR.name)}
    for question, doc_id, expected in [
        ("What is the recommended dose of Humira for rheumatoid arthritis?", "humira-label", "40 mg"),
        ("What is the starting dose of Lipitor?", "lipitor-label", "10 or 20 mg once daily"),
    ]:
        answer = pipeline.ask(question)
        assert not answer.abstained and answer.citations, question
        doc = docs[doc_id]
        full_text = doc.text.index(FULL_TEXT)
        for c in answer.citations:
            assert docs[c.doc_id].text[c.start:c.end] == c.text
            assert c.start > docs[c.doc_id].text.index(FULL_TEXT)
        top = answer.citations[0]
        section = next(s for s in doc.sections if s.title == top.section)
        assert top.doc_id == doc_id and expected in top.text and top.start > full_text
        assert section.section_code == "34068-7" and section.start <= top.start < section.end, top


def test_every_plr_top_level_heading_has_its_own_code():
    """The 17 numbered sections of 21 CFR 201.57(c) as labels print them."""
    headings = ["INDICATIONS AND USAGE", "DOSAGE AND ADMINISTRATION", "DOSAGE FORMS AND STRENGTHS", "CONTRAINDICATIONS",
                "WARNINGS AND PRECAUTIONS", "ADVERSE REACTIONS", "DRUG INTERACTIONS", "USE IN SPECIFIC POPULATIONS",
                "DRUG ABUSE AND DEPENDENCE", "OVERDOSAGE", "DESCRIPTION", "CLINICAL PHARMACOLOGY",
                "NONCLINICAL TOXICOLOGY", "CLINICAL STUDIES", "REFERENCES", "HOW SUPPLIED/STORAGE AND HANDLING",
                "PATIENT COUNSELING INFORMATION"]
    found = [section_code(h, "top") for h in headings]
    assert all(found) and len(set(found)) == 17
