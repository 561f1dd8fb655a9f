"""FDA labels as labels: SPL XML and openFDA JSON -> sections with LOINC codes, metadata, citable text."""

from __future__ import annotations

import json
import shutil

import numpy as np
import pytest

from ingest.chunking import chunk_document, section_at
from ingest.collection import RecordError
from ingest.documents import discover, load_source
from ingest.openfda import read_record
from ingest.spl import NotSplError, read_spl
from qa.config import CHUNK_FEATURES

from .conftest import SHARED

SPL = SHARED / "labels" / "spl"
OPENFDA = SHARED / "labels" / "openfda" / "humira-openfda.json"


def _doc(path):
    docs = list(load_source(discover((path,))[0]))
    assert len(docs) == 1 and not isinstance(docs[0], RecordError)
    return docs[0]


@pytest.mark.parametrize("name", ["humira", "lipitor", "cough", "haloperidol", "edecrin", "rogaine"])
def test_every_shared_spl_label_is_read_with_coded_sections(name):
    doc = _doc(SPL / f"{name}.xml")
    assert doc.sections and all(s.section_code for s in doc.sections)
    assert doc.date[:2] == "20" and doc.set_id and doc.drugs
    sentences, chunks = chunk_document(doc, 4, 1)
    assert sentences and chunks
    for s in sentences:
        assert doc.text[s.start:s.end] == s.text
        assert not s.text.startswith(("Revised:", "These highlights do not include"))


def test_highlights_product_data_and_address_are_not_citable():
    doc = _doc(SPL / "lipitor.xml")
    sentences, _ = chunk_document(doc, 4, 1)
    cited = " ".join(s.text for s in sentences)
    # Highlights wording (Dosage range line of the Highlights) and the product-data table
    assert "Dose range: 10 to 80 mg" not in doc.text
    assert "ATORVASTATIN CALCIUM TRIHYDRATE" not in doc.text.upper().replace("ATORVASTATIN CALCIUM TABLETS", "")
    assert "LAB-0348" not in doc.text and "New York, NY" not in cited
    assert doc.title == "Lipitor (atorvastatin calcium)" and doc.labeler.startswith("Parke-Davis")
    assert {"Lipitor", "atorvastatin"} <= set(doc.drugs)


def test_subsections_take_their_parents_code_and_titles():
    doc = _doc(SPL / "humira.xml")
    by_title = {s.title: s for s in doc.sections}
    assert by_title["2.1 Rheumatoid Arthritis, Psoriatic Arthritis, and Ankylosing Spondylitis"].section_code == "34068-7"
    assert by_title["5.1 Serious Infections"].section_code == "43685-7"
    assert by_title["8.1 Pregnancy"].section_code == "42228-7"
    # an untitled Medication Guide is titled as labels print it, not by LOINC's "SPL Medguide"
    assert by_title["Medication Guide"].section_code == "42231-1" and "SPL Medguide" not in by_title


def test_table_rows_are_lines_with_cells_joined_and_header_kept():
    doc = _doc(SPL / "lipitor.xml")
    assert "\n\nAdverse Reaction | Any dose N=8755 | 10 mg N=3908 |" in doc.text
    assert "\n\nNasopharyngitis | 8.3 | 12.9 | 5.3 | 7.0 | 4.2 | 8.2\n\n" in doc.text
    section = section_at(doc, doc.text.index("Nasopharyngitis | 8.3"))
    assert section.section_code == "34084-4"


def test_a_newline_inside_a_paragraph_source_is_a_space_and_only_br_breaks_lines():
    # Lipitor's XML breaks lines inside <content> around its cross-reference links
    text = _doc(SPL / "lipitor.xml").text
    assert ("The combination of HMG-CoA reductase inhibitors (statins) and fibrates should generally be used with "
            "caution [see Warnings and Precautions, Skeletal Muscle (5.1), Drug Interactions (7) ].") in text
    assert "\n\n].\n\n" not in text
    xml = (b'<document xmlns="urn:hl7-org:v3"><component><structuredBody><component><section>'
           b'<code code="34068-7"/><title>DOSAGE</title><text><paragraph>Take one [<content>see\n'
           b'      <linkHtml>(2.1)</linkHtml>\n   </content>].<br/>Second line.</paragraph></text>'
           b'</section></component></structuredBody></component></document>')
    lines = read_spl(xml)[0].split("\n\n")
    assert "Take one [see (2.1) ]." in lines and "Second line." in lines


def test_untitled_layout_boxes_continue_their_section():
    """haloperidol's dose charts are untitled sections coded as boxed warnings inside Dosage."""
    doc = _doc(SPL / "haloperidol.xml")
    offset = doc.text.index("Moderate Symptomatology - 0.5 mg to 2 mg b.i.d. or t.i.d.")
    section = section_at(doc, offset)
    assert section.title == "Adults" and section.section_code == "34068-7"


def test_markdown_and_html_label_headings_take_loinc_codes_by_name(tmp_path):
    """Labels converted to Markdown or HTML carry no codes: a heading named as a label section
    has its code, a subsection under it (by number or by # level) means what its parent means."""
    md = tmp_path / "drugx.md"
    md.write_text("# DrugX\n\nIntro.\n\n## 5 WARNINGS AND PRECAUTIONS\n\n### 5.2 Liver Dysfunction\n\n"
                  "Check enzymes.\n\n## Adverse Reactions\n\n### Common\n\nNausea.\n\n"
                  "## 8.1 Pregnancy\n\nAvoid.\n\n## Storage notes\n\nKeep cool.\n", encoding="utf-8")
    codes = {s.title: s.section_code for s in _doc(md).sections}
    assert codes["5 WARNINGS AND PRECAUTIONS"] == codes["5.2 Liver Dysfunction"] == "43685-7"
    assert codes["Adverse Reactions"] == codes["Common"] == "34084-4"
    assert codes["8.1 Pregnancy"] == "42228-7"
    assert codes["DrugX"] == "" and codes["Storage notes"] == ""
    html = tmp_path / "drugy.html"
    html.write_text("<html><body><h1>DrugY</h1><p>Intro.</p><h2>DOSAGE AND ADMINISTRATION</h2><p>Take one.</p>"
                    "<h2>2.1 Adults</h2><p>Two.</p></body></html>", encoding="utf-8")
    codes = {s.title: s.section_code for s in _doc(html).sections}
    assert codes["DOSAGE AND ADMINISTRATION"] == "34068-7" and codes["2.1 Adults"] == ""  # no "2" heading above


def test_other_xml_is_reported_by_name(tmp_path):
    path = tmp_path / "notes.xml"
    path.write_text("<notes><note>hello</note></notes>", encoding="utf-8")
    with pytest.raises(NotSplError, match="not an SPL label"):
        read_spl(path.read_bytes())
    broken = tmp_path / "broken.xml"
    broken.write_text("<document xmlns='urn:hl7-org:v3'><title>", encoding="utf-8")
    with pytest.raises(ValueError, match="not well-formed XML"):
        read_spl(broken.read_bytes())


def test_openfda_record_sections_named_as_the_label_names_them_without_repeats():
    record = json.loads(OPENFDA.read_text(encoding="utf-8"))["results"][0]
    text, sections, info = read_record(record)
    titles = [s.title for s in sections]
    assert "2 DOSAGE AND ADMINISTRATION" in titles and "8.1 Pregnancy" in titles
    assert titles.count("8.1 Pregnancy") == 1  # `pregnancy` repeats part of use_in_specific_populations
    assert next(s for s in sections if s.title == "2 DOSAGE AND ADMINISTRATION").section_code == "34068-7"
    assert info.title == "HUMIRA (adalimumab)" and info.date == "2013-09-30"
    assert text.count("HUMIRA is administered by subcutaneous injection.") == 1
    assert "NDC 0074" not in text  # the carton panel is not label prose


def test_openfda_one_line_fields_are_text_not_headings():
    # openFDA's OTC records hold each field as one line that starts with the label's own heading
    record = {"openfda": {"brand_name": ["Betadine"], "generic_name": ["POVIDONE-IODINE"]},
              "purpose": ["Purpose First aid Antiseptic"],
              "storage_and_handling": ["Other information store at 25C (77F) Do Not Freeze"],
              "warnings": ["Warnings\nFor external use only.\nDo not use in the eyes"]}
    text, sections, _ = read_record(record)
    body = {s.title: text[s.start:s.end] for s in sections}
    assert "Purpose First aid Antiseptic" in body["Purpose"]
    assert "store at 25C (77F) Do Not Freeze" in next(v for k, v in body.items() if k != "Purpose" and "store" in v)
    assert "For external use only." in body["Warnings"]  # a first line followed by text is its heading


def test_openfda_jsonl_bad_records_are_reported_with_their_line(tmp_path):
    record = json.loads(OPENFDA.read_text(encoding="utf-8"))["results"][0]
    lines = [json.dumps({"openfda": {"brand_name": ["EMPTY"]}, "set_id": "x"}), json.dumps(record), "{broken"]
    path = tmp_path / "labels.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    docs = list(load_source(discover((path,))[0]))
    errors = [d for d in docs if isinstance(d, RecordError)]
    good = [d for d in docs if not isinstance(d, RecordError)]
    assert [e.line for e in errors] == [1, 3] and "no label text fields" in errors[0].reason
    assert len(good) == 1 and good[0].title == "HUMIRA (adalimumab)" and good[0].source_path.endswith(":2")


@pytest.mark.slow
def test_spl_folder_builds_and_answers_from_the_right_label_and_section(tmp_path, encoder):
    """python -m ingest ../shared/labels/spl: every file is read; ask cites verbatim from the label."""
    from ingest import IngestConfig, build_index
    from qa import QAConfig, load_pipeline

    corpus = tmp_path / "spl"
    corpus.mkdir()
    for name in ("lipitor", "cough", "rogaine"):
        shutil.copy(SPL / f"{name}.xml", corpus)
    report = build_index(IngestConfig(corpus_paths=(corpus,), index_dir=tmp_path / "ix"), progress=False,
                         encoder=encoder)
    assert report.documents == 3 and not report.skipped
    pipeline = load_pipeline(QAConfig(index_dir=tmp_path / "ix"), encoder=encoder)
    answer = pipeline.ask("Can I drink grapefruit juice while taking Lipitor?")
    assert not answer.abstained and answer.citations[0].doc_id == "lipitor"
    assert answer.citations[0].section_code == "34073-7"  # Drug Interactions
    docs = pipeline.documents
    for c in answer.citations:
        assert docs[c.doc_id].text[c.start:c.end] == c.text
    data = answer.to_dict()
    assert {"section_code"} <= set(data["citations"][0]) and {"section_code"} <= set(data["passages"][0])
    # the chunk ranking's section-kind features follow the label's codes
    kinds = dict(zip(CHUNK_FEATURES[-pipeline.retriever.chunk_kinds.shape[1]:], pipeline.retriever.chunk_kinds.T,
                     strict=True))
    for row, c in enumerate(pipeline.index.chunks):
        code = section_at(docs[c.doc_id], c.start).section_code
        assert kinds["section_leaflet"][row] == (code in {"42231-1", "42230-3", "59845-8"})
        assert kinds["section_studies"][row] == (code == "34092-7")
    assert kinds["section_leaflet"].any() and kinds["section_studies"].any()  # Lipitor has both
    # the `sentence` signal is the best cosine of one of the chunk's sentences, each embedded anew
    question = "Can I drink grapefruit juice while taking Lipitor?"
    qvec = encoder.encode([question])[0]
    rows = np.arange(0, len(pipeline.index.chunks), 7)
    signal = pipeline.retriever.best_sentence_cosines(rows, qvec)
    for row, value in zip(rows, signal, strict=True):
        texts = [pipeline.index.sentences[r].text for r in pipeline.index.chunks[row].sentence_ids]
        assert value == pytest.approx(float((encoder.encode(texts) @ qvec).max()), abs=2e-3)
