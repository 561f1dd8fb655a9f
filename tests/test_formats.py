"""HTML and PDF ingest on real files in tests/data/formats (PDFs from make_pdfs.py)."""

import shutil
from pathlib import Path

import pytest

from ingest import IngestConfig, build_index, load_index
from ingest.__main__ import main as ingest_main
from ingest.build import embed_key, section_embedding_text
from ingest.chunking import chunk_document, page_of
from ingest.documents import discover, load_source

from .conftest import DATA

FORMATS = DATA / "formats"


def load(path: Path):
    (source,) = [s for s in discover((path.parent,)) if s.path == path]
    return next(load_source(source))


@pytest.fixture()
def formats_corpus(tmp_path) -> Path:
    target = tmp_path / "corpus"
    target.mkdir()
    for name in ("velotinib.html", "empty.html", "zentrodomide.pdf", "blank.pdf"):
        shutil.copy(FORMATS / name, target / name)
    return target


def build(corpus, index_dir, encoder):
    return build_index(IngestConfig(corpus_paths=(corpus,), index_dir=index_dir), progress=False, encoder=encoder)


def test_html_drops_scripts_navigation_chrome_and_images():
    doc = load(FORMATS / "velotinib.html")
    for absent in ("UA-Track-Me", "script text", "Formulary A-Z", "Sign in", "Copyright", "Related:",
                   "http://", "pack shot", "editor note", "font-family"):
        assert absent not in doc.text
    assert doc.title == "Velotinib"
    assert [d.lower() for d in doc.drugs] == ["velotinib", "veloxa"]


def test_html_headings_become_sections_and_blocks_never_merge():
    doc = load(FORMATS / "velotinib.html")
    assert [s.title for s in doc.sections] == ["Velotinib", "Dosage", "Side effects", "Serious reactions"]
    sentences, _ = chunk_document(doc, 4, 1)
    texts = [s.text for s in sentences]
    assert "Report bleeding to your doctor at once" in texts
    assert "Blood counts are checked monthly." in texts
    assert "Nausea is common in the first weeks" in texts
    assert "Severe impairment | 200 mg daily" in texts
    assert "The usual dose is 400 mg once daily" in texts and "Take it with food" in texts
    assert "Velotinib, sold under the brand name Veloxa, is a kinase inhibitor taken by mouth." in texts
    side = next(s for s in doc.sections if s.title == "Side effects")
    assert {s.section for s in sentences if side.start <= s.start < side.end} == {"Side effects"}


def test_pdf_pages_headings_and_rejoined_lines():
    doc = load(FORMATS / "zentrodomide.pdf")
    assert [(s.title, s.page) for s in doc.sections] == [
        ("Zentrodomide Monograph", 1), ("Indications", 1), ("Dosage", 1), ("Side Effects", 2), ("Storage", 3)]
    assert [p for _, p in doc.pages] == [1, 2, 3]
    sentences, chunks = chunk_document(doc, 4, 1)
    texts = [s.text for s in sentences]
    # Printed over two lines; the line break must not cut the sentence.
    assert "The usual dose is 15 mg once daily on days 1 to 21 of each 28-day cycle, taken with water." in texts
    assert "Do not open or chew the capsules." in texts
    assert "It is taken with dexamethasone on days 1, 8, 15 and 22 of each cycle." in texts
    assert "Swallow the capsule whole." in texts and "Take it at the same time each day." in texts
    # Lines that stop short of the column's edge end their paragraph, whatever their punctuation.
    assert "Adults - 15 mg once daily\nOlder adults - 10 mg once daily" in doc.text
    assert {c.section: c.page for c in chunks} == {"Indications": 1, "Dosage": 1, "Side Effects": 2, "Storage": 3}


def test_a_drug_facts_pdf_is_about_its_active_ingredient_and_its_headings_carry_their_codes():
    """drug-facts.pdf (make_pdfs.py): the first line, "Drug Facts", names no drug, and the text
    names "sedatives" as often as its active ingredient."""
    doc = load(FORMATS / "drug-facts.pdf")
    assert doc.drugs == ("Diphenhydramine",) and doc.title == "Diphenhydramine"
    codes = {s.title: s.section_code for s in doc.sections}
    assert codes["Active ingredient (in each tablet)"] == "55106-9"
    assert codes["Do not use"] == "50570-1" and codes["Directions"] == "34068-7"
    assert codes["Ask a doctor or pharmacist before use if you are"] == "50568-5"
    assert codes["Keep out of reach of children."] == "50565-1"  # a heading printed as a sentence


def test_a_pdf_table_keeps_its_rows_and_a_wrapped_caption_is_no_heading():
    """dose-table.pdf (make_pdfs.py): columns closer than a cell gap, a cell wrapped onto a
    second printed line, a bold caption wrapped onto a short second line."""
    doc = load(FORMATS / "dose-table.pdf")
    assert [s.title for s in doc.sections] == ["Dosage"]
    assert doc.text.split("\n")[3:8] == [
        "Table 1. Recommended dosage of zentrodomide by body weight in children and adolescents with relapsed myeloma",
        "Body weight | Dose",  # a bold table row is not a heading
        "15 kg to less than 30 kg of body weight | 20 mg every other week (20 mg prefilled syringe)",
        "30 kg or more | 40 mg every other week",
        "Doses above 40 mg have not been studied."]  # a row does not run on into the paragraph below


def test_a_pdf_labels_many_word_generic_is_found_by_its_own_word_as_in_spl(tmp_path):
    """A question says "ethacrynic", the label "EDECRIN" (its generic: ethacrynic acid)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("make_pdfs", FORMATS / "make_pdfs.py")
    make_pdfs = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(make_pdfs)
    make_pdfs.write_pdf(tmp_path / "tablets.pdf", [[(11, True, "TABLETS"),
                                                    (10, False, "EDECRIN is a loop diuretic. Take EDECRIN with food.")]])
    doc = load(tmp_path / "tablets.pdf")
    assert doc.title == "EDECRIN, ethacrynic acid" and "ethacrynic" in doc.drugs


def test_an_older_format_labels_mixed_case_headings_mean_what_the_capitals_above_them_mean():
    from ingest.rich_formats import sections_from_headings

    text = "WARNINGS\nTardive Dyskinesia\nMay occur.\nPRECAUTIONS\nPediatric Use\nNot studied.\n"
    titles = ["WARNINGS", "Tardive Dyskinesia", "PRECAUTIONS", "Pediatric Use"]
    headings, at = [], 0
    for title in titles:
        start = text.index(title, at)
        at = start + len(title)
        headings.append((start, at, title))
    assert [s.section_code for s in sections_from_headings(text, headings, "x", by_case=True)] == [
        "34071-1", "34071-1", "42232-9", "34081-0"]  # Pediatric Use has a code of its own


def test_index_stores_extracted_text_and_offsets_round_trip(formats_corpus, tmp_path, encoder):
    build(formats_corpus, tmp_path / "index", encoder)
    index = load_index(tmp_path / "index")
    assert set(index.documents) == {"velotinib", "zentrodomide"}
    for doc_id, name in (("velotinib", "velotinib.html"), ("zentrodomide", "zentrodomide.pdf")):
        fresh = load(formats_corpus / name)
        stored = index.documents[doc_id]
        assert stored.text == fresh.text and stored.sections == fresh.sections and stored.pages == fresh.pages
    for c in index.chunks:
        text = index.documents[c.doc_id].text
        assert text[c.start:c.end] == c.text
        assert c.page == page_of(index.documents[c.doc_id].pages, c.start)
    for s in index.sentences:
        assert index.documents[s.doc_id].text[s.start:s.end] == s.text
    assert {c.page for c in index.chunks if c.doc_id == "zentrodomide"} == {1, 2, 3}
    assert {c.page for c in index.chunks if c.doc_id == "velotinib"} == {None}


def test_citations_carry_pdf_page_numbers(formats_corpus, tmp_path, encoder):
    from qa import QAConfig, load_pipeline

    build(formats_corpus, tmp_path / "index", encoder)
    answer = load_pipeline(QAConfig(index_dir=tmp_path / "index"), encoder=encoder).ask(
        "How should zentrodomide capsules be stored?")
    doc = load(formats_corpus / "zentrodomide.pdf")
    assert answer.citations
    for c in answer.citations:
        if c.doc_id == "zentrodomide":
            assert c.page == page_of(doc.pages, c.start)
    assert any(c.page == 3 and "below 25 degrees" in c.text for c in answer.citations)


def test_empty_html_and_pdf_are_skipped_by_name(formats_corpus, tmp_path, encoder):
    (formats_corpus / "broken.pdf").write_bytes(b"%PDF-1.4\nthis is not really a pdf\n")
    report = build(formats_corpus, tmp_path / "index", encoder)
    assert report.documents == 2
    skipped = "\n".join(report.skipped)
    assert "empty.html" in skipped and "blank.pdf" in skipped and "broken.pdf" in skipped
    assert "no text" in skipped and "not a readable PDF" in skipped


def test_adding_one_html_file_embeds_only_it_and_says_1_added(formats_corpus, tmp_path, encoder, capsys):
    index_dir = tmp_path / "index"
    build(formats_corpus, index_dir, encoder)
    before = load_index(index_dir)
    html = (FORMATS / "velotinib.html").read_text().replace("Velotinib", "Quorafenib").replace("Veloxa", "Quora")
    (formats_corpus / "quorafenib.html").write_text(html)
    assert ingest_main([str(formats_corpus), "--index", str(index_dir), "--quiet"]) == 0
    out = capsys.readouterr().out
    assert "(1 added, 0 changed, 0 removed;" in out
    after = load_index(index_dir)
    new_chunks = [c for c in after.chunks if c.doc_id == "quorafenib"]
    # Only texts the old index had no vector for are embedded ("Take it with food" is reused).
    fresh = embed_keys(after) - embed_keys(before)
    assert fresh and f"{len(fresh)} texts embedded" in out
    assert len(after.chunks) == len(before.chunks) + len(new_chunks)


def embed_keys(index) -> set[str]:
    sections = {embed_key(section_embedding_text(d, s)) for d in index.documents.values() for s in d.sections}
    return set(index.sentence_keys) | set(index.chunk_keys) | sections
