from pathlib import Path

from ingest.documents import discover, load_source
from ingest.sections import split_sections

from .conftest import DATA, ROOT, SEED

SEED_SECTIONS = [
    "What is Lenalidomide used for?",
    "Lenalidomide Mechanism of Action",
    "How to Use Lenalidomide",
    "What is Lenalidomide Side Effects",
    "What Other Drugs Will Affect Lenalidomide",
]


def load(path: Path):
    (source,) = [s for s in discover((path.parent,)) if s.path == path]
    return next(load_source(source))


def test_seed_sections_dates_and_drug_names():
    doc = load(ROOT / "corpus" / "lenalidomide.txt")
    assert [s.title for s in doc.sections] == SEED_SECTIONS
    assert doc.date == "14 June 2024"
    assert {d.lower() for d in doc.drugs} == {"lenalidomide", "revlimid"}
    conclusion = doc.text.index("In conclusion")
    assert doc.sections[-1].start < conclusion < doc.sections[-1].end


def test_curated_corpus_is_the_seed_without_its_promotional_tail():
    corpus = (ROOT / "corpus" / "lenalidomide.txt").read_bytes().decode("utf-8")
    seed = SEED.read_bytes().decode("utf-8")
    assert seed.startswith(corpus)
    assert "Synapse" not in corpus and "How to obtain" not in corpus
    assert "Synapse" in seed[len(corpus):]


def test_plain_text_headings_ignore_sentences_and_dates():
    text = "Title Line\n\n1 May 2020\nBody text here.\n\nShort sentence line.\n\nNext Heading\n\nMore text."
    titles = [s.title for s in split_sections(text, markdown=False, title="T")]
    assert titles == ["Title Line", "Next Heading"]


def test_markdown_headings_and_source_line():
    doc = load(DATA / "mini" / "atorvastatin.md")
    assert [s.title for s in doc.sections] == ["Atorvastatin", "Uses", "Side effects"]
    assert doc.url == "https://example.org/atorvastatin"
    assert "Lipitor" not in doc.drugs or "atorvastatin" in [d.lower() for d in doc.drugs]


def test_auto_detected_brand_name():
    doc = load(DATA / "mini" / "warfarin.txt")
    assert [d.lower() for d in doc.drugs] == ["warfarin", "coumadin"]
    assert doc.date == "3 March 2023"
