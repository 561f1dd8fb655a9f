"""compose_answer on hand-made inputs: which units are quoted, and when and why it abstains."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from ingest.records import Chunk, Document, Section, Sentence
from qa.compose import CONFIDENCE_FEATURES, UNIT_FEATURES, compose_answer
from qa.config import QAConfig
from qa.linear import LinearModel
from qa.question import QuestionFocus
from qa.retrieve import Hit
from qa.units import CorpusView

TEXT = ("Label\n\nDosage\n\nAge | Dose\n\nadults | 10 mg daily\n\nDo not use:\n\nin children under 4\n\n"
        "[see Warnings (5.1)]\n\nTake it with water.\n\n")
LINES = ["Age | Dose", "adults | 10 mg daily", "Do not use:", "in children under 4", "[see Warnings (5.1)]",
         "Take it with water."]


def corpus(vectors: dict[str, list[float]], text: str = TEXT, lines: list[str] = LINES) -> CorpusView:
    body = text.index(lines[0])
    doc = Document("d", "Label", text, (Section("Dosage", body, len(text), None, "34068-7"),))
    sentences = [Sentence("d", "Dosage", text.index(line), text.index(line) + len(line), line) for line in lines]
    chunk = Chunk("c", "d", "Dosage", sentences[0].start, sentences[-1].end, text[sentences[0].start:sentences[-1].end],
                  tuple(range(len(lines))))
    matrix = np.array([vectors.get(line, [0.0, 0.0, 1.0]) for line in lines], dtype=np.float32)
    matrix /= np.linalg.norm(matrix, axis=1, keepdims=True)
    return CorpusView(sentences, matrix, [chunk], {"d": doc}, {"dose": 1.0, "water": 2.0}, frozenset({"dose", "water"}),
                      frozenset(), np.array([[0.0, 0.0, 1.0]], dtype=np.float32), {("d", "Dosage"): 0},
                      {"d": (0, np.array([s.start for s in sentences]))})


def config(threshold: float = 0.5, bias: float = 5.0) -> QAConfig:
    unit = LinearModel(UNIT_FEATURES, tuple(10.0 if f == "cos" else 0.0 for f in UNIT_FEATURES))
    conf = LinearModel(CONFIDENCE_FEATURES, tuple(0.0 for _ in CONFIDENCE_FEATURES), bias)
    return replace(QAConfig(), unit_model=unit, confidence_model=conf, abstain_threshold=threshold,
                   adjacent_threshold=1.01, max_answer_units=3, redundant_cosine=1.01)


FOCUS = QuestionFocus((("dose",),), None, (), "what dose?")
HITS = [Hit(0, 1.0, 0.8, 1.0, 0.5)]
QVEC = np.array([1.0, 0.0, 0.0], dtype=np.float32)


def quoted(result, view):
    return [view.sentences[u.row].text for u in result.units]


def test_a_table_header_row_is_never_quoted_alone():
    view = corpus({"Age | Dose": [1, 0, 0], "adults | 10 mg daily": [0.8, 0.6, 0]})
    result = compose_answer(FOCUS, QVEC, HITS, view, config())
    assert quoted(result, view) == ["adults | 10 mg daily"]
    assert result.candidates[0].row == 0  # the header scored best, and was passed over


def test_a_cross_reference_stub_is_never_quoted_alone():
    view = corpus({"[see Warnings (5.1)]": [1, 0, 0], "Take it with water.": [0.7, 0.7, 0]})
    assert quoted(compose_answer(FOCUS, QVEC, HITS, view, config()), view) == ["Take it with water."]


def test_a_numbered_heading_line_is_never_quoted_alone():
    from qa.units import is_heading_line

    text = "Label\n\nDosage\n\n5.4     QT Interval Prolongation\n\nTake it with water.\n\n"
    lines = ["5.4     QT Interval Prolongation", "Take it with water."]
    view = corpus({lines[0]: [1, 0, 0], lines[1]: [0.7, 0.7, 0]}, text, lines)
    assert quoted(compose_answer(FOCUS, QVEC, HITS, view, config()), view) == ["Take it with water."]
    from qa.units import is_question_line

    assert is_question_line("What are the possible side effects of HUMIRA?  ") and not is_question_line("Take it.")
    assert is_question_line('See \u201cHow should I store HUMIRA?\u201d')  # a pointer to such a heading
    # a boxed warning's title (21 CFR 201.57(c)(1)), as text flattened from Highlights prints it
    assert is_heading_line("  EXCERPT:   WARNING    : ASTHMA-RELATED DEATH") and is_heading_line("WARNING: RISK OF ANAPHYLAXIS")
    assert not is_heading_line("WARNING: Do not use if the seal is broken.")
    assert not is_heading_line("DO NOT USE IF SAFETY SEAL IS BROKEN")  # capitals alone: an instruction
    assert is_heading_line("2 DOSAGE AND ADMINISTRATION") and is_heading_line("5.2 Growth of Resistant Organisms with Prolonged Use")
    # a sentence, a count, a table row and a Drug Facts line are not headings
    for line in ("10 Patients were treated.", "2 tablets daily", "12 | Nausea", "Diphenhydramine HCl 6.25 mg"):
        assert not is_heading_line(line)


def test_a_unit_pointing_back_is_quoted_after_the_sentence_it_points_to():
    text = ("Label\n\nDosage\n\nDecreases in T3 and T4 were seen. These changes were not associated with disease.\n\n"
            "This drug is taken once daily.\n\n")
    lines = ["Decreases in T3 and T4 were seen.", "These changes were not associated with disease.",
             "This drug is taken once daily."]
    view = corpus({lines[1]: [1, 0, 0], lines[0]: [0, 1, 0], lines[2]: [0, 0.2, 1]}, text, lines)
    assert quoted(compose_answer(FOCUS, QVEC, HITS, view, config()), view) == lines[:2]
    # "This drug" names the label's drug; a sentence on another line is no antecedent
    alone = corpus({lines[2]: [1, 0, 0], lines[1]: [0, 1, 0], lines[0]: [0, 0.2, 1]}, text, lines)
    assert quoted(compose_answer(FOCUS, QVEC, HITS, alone, config()), alone) == [lines[2]]


def test_the_highlights_pointer_to_the_full_boxed_warning_is_a_cross_reference():
    from qa.units import cross_reference_share

    assert cross_reference_share("  See Full Prescribing Information for complete boxed warning  .") == 1.0
    assert cross_reference_share("See your doctor if the pain lasts.") == 0.0


def test_a_lead_in_brings_the_item_it_introduces():
    view = corpus({"Do not use:": [1, 0, 0]})
    assert quoted(compose_answer(FOCUS, QVEC, HITS, view, config()), view) == ["Do not use:", "in children under 4"]


LIST_LINES = ["New heart failure may happen.", "Call your doctor if you get symptoms, including:", "shortness of breath",
              "swelling of your ankles or feet", "sudden weight gain.",
              "If you have psoriasis, do not inject directly into any raised, thick, red or scaly skin patches."]
LIST_TEXT = "Label\n\nWarnings\n\n" + LIST_LINES[0] + " " + "\n\n".join(LIST_LINES[1:]) + "\n\n"


def test_every_item_of_a_list_reads_with_its_lead_in_and_a_fragment_is_quoted_after_it():
    from qa.units import lead_in

    def lead(line):
        start = LIST_TEXT.index(line)
        return lead_in(LIST_TEXT, start, start + len(line))

    line = "New heart failure may happen. Call your doctor if you get symptoms, including:"
    assert lead("shortness of breath") == lead("swelling of your ankles or feet") == lead("sudden weight gain.") == line
    assert lead(LIST_LINES[-1]) == ""  # a paragraph after the list is no item of it
    view = corpus({"swelling of your ankles or feet": [1, 0, 0]}, LIST_TEXT, LIST_LINES)
    assert quoted(compose_answer(FOCUS, QVEC, HITS, view, replace(config(), max_answer_units=1)), view) == [
        "Call your doctor if you get symptoms, including:", "swelling of your ankles or feet"]
    view = corpus({"sudden weight gain.": [1, 0, 0]}, LIST_TEXT, LIST_LINES)  # a whole sentence reads alone
    assert quoted(compose_answer(FOCUS, QVEC, HITS, view, replace(config(), max_answer_units=1)), view) == [
        "sudden weight gain."]


def test_units_join_while_their_share_reaches_the_threshold():
    view = corpus({"Take it with water.": [1, 0, 0], "adults | 10 mg daily": [0.99, 0.1, 0]})
    one = compose_answer(FOCUS, QVEC, HITS, view, config())
    two = compose_answer(FOCUS, QVEC, HITS, view, replace(config(), adjacent_threshold=0.2))
    assert quoted(one, view) == ["Take it with water."]
    assert quoted(two, view) == ["Take it with water.", "adults | 10 mg daily"]


def test_a_sentence_the_label_repeats_is_quoted_once():
    lines = ["Take it with water.", "Age | Dose", "adults | 10 mg daily", "Take  it with water."]
    text = "Label\n\nDosage\n\n" + "\n\n".join(lines) + "\n\n"
    view = corpus({"Take it with water.": [1, 0, 0], "Take  it with water.": [1, 0, 0],
                   "adults | 10 mg daily": [0.99, 0.1, 0]}, text, lines)
    answer = compose_answer(FOCUS, QVEC, HITS, view, replace(config(), adjacent_threshold=0.1, max_answer_units=2))
    assert quoted(answer, view) == ["Take it with water.", "adults | 10 mg daily"]


def test_a_unit_restating_a_chosen_one_gives_its_place_to_the_next():
    # "adults | 10 mg daily" points the way "Take it with water." does (cosine 0.995): with
    # the restatement cosine below that, the unit after it is quoted in its place
    view = corpus({"Take it with water.": [1, 0, 0], "adults | 10 mg daily": [0.99, 0.1, 0],
                   "[see Warnings (5.1)]": [0.0, 0.0, 1.0], "Age | Dose": [0.0, 0.0, 1.0],
                   "in children under 4": [0.9, 0.0, 0.44], "Do not use:": [0.0, 0.0, 1.0]})
    two = replace(config(), adjacent_threshold=0.0, max_answer_units=2)
    assert quoted(compose_answer(FOCUS, QVEC, HITS, view, two), view) == ["Take it with water.", "adults | 10 mg daily"]
    skipping = compose_answer(FOCUS, QVEC, HITS, view, replace(two, redundant_cosine=0.95))
    assert "adults | 10 mg daily" not in quoted(skipping, view)
    assert quoted(skipping, view)[0] == "Take it with water."
    assert "in children under 4" in quoted(skipping, view)


def test_low_confidence_abstains_and_says_why():
    view = corpus({"Take it with water.": [1, 0, 0]})
    result = compose_answer(FOCUS, QVEC, HITS, view, config(bias=-5.0))
    assert result.units == () and result.confidence < 0.01
    assert result.abstain_reason.startswith("confidence 0.01 is below the abstention threshold 0.50")
    assert set(result.confidence_features) == set(CONFIDENCE_FEATURES)


def test_a_drug_without_a_label_and_no_hits_abstain_with_their_reason():
    view = corpus({})
    unknown = replace(FOCUS, unknown_drugs=("metformin",))
    assert compose_answer(unknown, QVEC, HITS, view, config()).abstain_reason == \
        "the library has no monograph for metformin"
    assert compose_answer(FOCUS, QVEC, [], view, config()).abstain_reason == \
        "no passage of the library matches the question"


def test_label_peak_measures_how_far_the_closest_sentence_stands_out():
    from qa.compose import label_peak

    peaked = corpus({"Take it with water.": [1, 0, 0]})  # one sentence on the question, five off it
    flat = corpus({line: [0.5, 0.0, 0.87] for line in LINES})  # every sentence alike
    assert label_peak(QVEC, "d", peaked) > 2.0
    assert abs(label_peak(QVEC, "d", flat)) < 1e-3
    assert compose_answer(FOCUS, QVEC, HITS, peaked, config()).confidence_features["label_peak"] > 2.0


def test_a_heading_that_points_elsewhere_is_a_stub():
    from qa.units import is_reference_stub

    assert is_reference_stub("Serious Infections [see Warnings and Precautions (5.1)]")
    assert is_reference_stub("Hypersensitivity Reactions, including Anaphylaxis  [ see Warnings and Precautions (5.4) ]")
    assert not is_reference_stub("Fatal anaphylaxis [see Warnings and Precautions (5.4)].")  # a sentence
    assert not is_reference_stub("Women taking DUAVEE should not take additional estrogens [see Warnings (5.1)]")
    assert not is_reference_stub("Serious Infections")  # no reference: may be a list item that answers
    assert not is_reference_stub("Nausea | 12% | 8% (5.1)")  # a table row
    assert is_reference_stub("Hepatotoxicity (5.3)") and is_reference_stub("Infection (5.2, 5.4)")
    # a row of a table flattened to text (a Markdown or PDF label): "count (percent)" cells
    assert not is_reference_stub("   Dysgeusia                                  2 (9)")
    assert not is_reference_stub("Upper respiratory tract infection   190 (4.9)   167 (4.3)")


def test_the_best_units_own_words_count_as_context_even_from_a_lower_passage():
    from qa.compose import confidence_features, score_units

    view = corpus({"Take it with water.": [1, 0, 0]})
    focus = QuestionFocus((("water",),), None, (), "with water?")
    scored = score_units(QVEC, focus, HITS, view, config())
    assert view.sentences[scored[0].row].text == "Take it with water."
    # no passage counted (k_context=0): the unit itself still holds the question's term
    feats = confidence_features(scored, focus, HITS, view, np.ones(1, dtype=np.float32), QVEC, k_context=0)
    assert feats["context_coverage"] == 1.0 and feats["rarest_missing"] == 0.0


def test_a_table_caption_is_told_from_its_rows():
    from qa.compose import following_line

    text = "Table 2 Adverse Reactions\n\nReaction | Drug | Placebo\nHeadache | 12% | 8%\n"
    caption_end = text.index("\n")
    assert following_line(text, caption_end) == "Reaction | Drug | Placebo"
    assert following_line(text, text.rindex("\n")) == ""  # nothing follows the last line
