from ingest.sentences import split_sentences


def texts(text):
    return [text[s:e] for s, e in split_sentences(text)]


def test_medical_abbreviations_do_not_end_sentences():
    text = ("The usual dose is 5 mg. daily with food. Dr. Smith et al. found approx. 10% of "
            "patients, e.g. older ones, i.e. over 65, had rashes. Stop if severe.")
    assert texts(text) == [
        "The usual dose is 5 mg. daily with food.",
        "Dr. Smith et al. found approx. 10% of patients, e.g. older ones, i.e. over 65, had rashes.",
        "Stop if severe.",
    ]


def test_spans_are_offsets_into_the_text_and_skip_list_markers():
    text = "Intro line\n- Muscle pain\n- Raised liver enzymes\n\n1. First step. Second step.\n"
    spans = split_sentences(text)
    assert [text[s:e] for s, e in spans] == [
        "Intro line", "Muscle pain", "Raised liver enzymes", "First step.", "Second step."]


def test_lines_never_merge_and_window_is_respected():
    text = "Heading\nBody one. Body two.\r\nTail."
    start = text.index("Body")
    assert [text[s:e] for s, e in split_sentences(text, start, text.index("Tail"))] == ["Body one.", "Body two."]


def test_sentences_on_the_seed_rejoin_to_the_paragraph(pipeline):
    doc = pipeline.documents["lenalidomide"]
    para_start = doc.text.index("Lenalidomide is administered orally")
    para_end = doc.text.index("\n", para_start)
    spans = split_sentences(doc.text, para_start, para_end)
    assert len(spans) == 5
    assert " ".join(doc.text[s:e] for s, e in spans) == doc.text[para_start:para_end]
