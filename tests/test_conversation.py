"""Conversations over a library of three labels: follow-ups, clarification, the label filter."""

from __future__ import annotations

import pytest

from qa.conversation import is_fragment, resolve_turn
from qa.drug_library import library_drugs

LIPITOR = "What is the starting dose of Lipitor?"


@pytest.fixture(scope="module")
def library_pipeline(conversation_pipeline):
    return conversation_pipeline


def cited_docs(answer) -> set[str]:
    return {c.doc_id for c in answer.citations}


@pytest.mark.parametrize(("question", "fragment"), [
    ("and for children?", True), ("what about the dose?", True), ("How about in pregnancy?", True),
    ("in kidney disease?", True), ("what if I miss one?", True),
    ("does it interact with grapefruit?", False), ("Which foods should be avoided?", False),
    ("Can children take it?", False), (LIPITOR, False), ("whats the half life of atorvastain", False),
    ("Can this be given to a child who is on an MAO inhibitor or who recently stopped one?", False)])
def test_fragments_are_told_from_full_questions(question, fragment):
    assert is_fragment(question) is fragment


def test_a_follow_up_without_a_drug_is_answered_from_the_conversations_label(library_pipeline):
    history = [LIPITOR]
    first = library_pipeline.ask(LIPITOR)
    assert first.drugs == ("Lipitor",) and first.interpreted_as == LIPITOR and cited_docs(first) == {"atorvastatin"}

    children = library_pipeline.ask("and for children?", history=history)
    assert children.interpreted_as == "Lipitor: starting dose for children"
    assert children.drugs == ("Lipitor",) and not children.abstained
    assert "In children 10 to 17 years of age" in children.citations[0].text
    assert {p.doc_id for p in children.passages} == {"atorvastatin"}

    history.append("and for children?")
    missed = library_pipeline.ask("what if I miss one?", history=history)
    assert missed.citations[0].text == "If a dose is missed, take it as soon as you remember."

    # Sertraline's label mentions grapefruit too: the conversation decides which label answers.
    grapefruit = library_pipeline.ask("does it interact with grapefruit?", history=[*history, "what if I miss one?"])
    assert grapefruit.interpreted_as == "Lipitor: does it interact with grapefruit?"
    assert cited_docs(grapefruit) == {"atorvastatin"} and "grapefruit juice" in grapefruit.answer.lower()
    zoloft = library_pipeline.ask("does it interact with grapefruit?", history=["What is the usual dose of Zoloft?"])
    assert zoloft.drugs == ("Zoloft",) and cited_docs(zoloft) == {"sertraline"}


def test_naming_another_drug_starts_a_new_focus(library_pipeline):
    history = [LIPITOR, "and for children?"]
    amoxil = library_pipeline.ask("How should Amoxil be dosed in adults?", history=history)
    assert amoxil.drugs == ("Amoxil",) and amoxil.interpreted_as == "How should Amoxil be dosed in adults?"
    assert cited_docs(amoxil) == {"amoxicillin"}
    after = library_pipeline.ask("is it safe in pregnancy?", history=[*history, "How should Amoxil be dosed in adults?"])
    assert after.drugs == ("Amoxil",) and cited_docs(after) == {"amoxicillin"}
    swap = library_pipeline.ask("What about Zoloft?", history=["What is the dose of Lipitor?"])
    assert swap.drugs == ("Zoloft",) and swap.interpreted_as == "Zoloft: dose"
    assert {p.doc_id for p in swap.passages} == {"sertraline"}


def test_without_a_drug_or_a_conversation_the_bot_asks_which_drug(library_pipeline):
    answer = library_pipeline.ask("What is the starting dose?")
    assert answer.abstained and answer.citations == () and answer.passages == ()
    assert answer.clarify == ("amoxicillin (Amoxil)", "atorvastatin (Lipitor)", "sertraline (Zoloft)")
    assert answer.answer == ("Which drug? The library has: amoxicillin (Amoxil), atorvastatin (Lipitor), "
                             "sertraline (Zoloft). Name one in your question.")
    assert answer.to_dict()["clarify"] == list(answer.clarify)
    # Naming the drug next answers the question that was asked.
    reply = library_pipeline.ask("Lipitor", history=["What is the starting dose?"])
    assert reply.interpreted_as == "Lipitor: starting dose" and cited_docs(reply) == {"atorvastatin"}
    assert "10 mg or 20 mg once daily" in reply.answer
    # A drug the library lacks is said so, not asked about.
    missing = library_pipeline.ask("What is the dose of ibuprofen?")
    assert missing.answer == "The library has no monograph for ibuprofen." and missing.clarify == ()


def test_a_question_naming_no_drug_reads_a_near_miss_as_the_one_drug_it_could_be(library_pipeline):
    # "zolof" is too short for a misspelling anywhere, but a question that must name one of
    # the library's drugs and names none is about the one it is nearest to
    answer = library_pipeline.ask("What is the starting dose of zolof?")
    assert answer.drugs == ("Zoloft",) and answer.clarify == () and cited_docs(answer) == {"sertraline"}
    assert answer.interpreted_as == "Zoloft: What is the starting dose of zolof?"
    # outside the chosen labels it is no reading: the bot asks
    asked = library_pipeline.ask("What is the starting dose of zolof?", doc_ids=["amoxicillin", "atorvastatin"])
    assert asked.clarify == ("amoxicillin (Amoxil)", "atorvastatin (Lipitor)") and asked.citations == ()
    # a word the labels use is a topic, not a misspelled name
    topic = library_pipeline.ask("What is the starting dose for a toddler?")
    assert topic.clarify and topic.drugs == ()


def test_a_single_drug_library_has_nothing_to_ask(pipeline):
    answer = pipeline.ask("How many days off are there between cycles?")
    assert not answer.abstained and answer.clarify == ()
    assert answer.interpreted_as == "How many days off are there between cycles?"
    follow = pipeline.ask("and for the second cycle?", history=["How long is the rest period between cycles?"])
    assert follow.interpreted_as == "lenalidomide: rest period for the second cycle"
    assert "7-day rest period" in follow.answer


def test_without_history_a_question_naming_its_drug_is_answered_as_before(library_pipeline):
    alone = library_pipeline.ask("Does Zoloft interact with grapefruit?")
    again = library_pipeline.ask("Does Zoloft interact with grapefruit?", history=[], doc_ids=None)
    assert alone.to_dict() | {"timings_ms": {}} == again.to_dict() | {"timings_ms": {}}
    assert alone.interpreted_as == "Does Zoloft interact with grapefruit?" and alone.drugs == ("Zoloft",)


def test_retrieval_never_leaves_the_chosen_labels(library_pipeline):
    chosen = ["sertraline", "amoxicillin"]
    for question, history in [("Does it interact with grapefruit?", []), ("What is the starting dose?", []),
                              ("and for children?", ["What is the starting dose of Zoloft?"]),
                              ("What are the side effects of statins?", [])]:
        answer = library_pipeline.ask(question, history=history, doc_ids=chosen)
        assert {p.doc_id for p in answer.passages} | cited_docs(answer) <= set(chosen)
        assert {d.doc_id for d in answer.documents} <= set(chosen)
    asked = library_pipeline.ask("What is the starting dose?", doc_ids=chosen)
    assert asked.clarify == ("amoxicillin (Amoxil)", "sertraline (Zoloft)")
    assert asked.answer.startswith("Which drug? The chosen labels cover: amoxicillin (Amoxil), sertraline (Zoloft).")
    one = library_pipeline.ask("Does it interact with grapefruit?", doc_ids=["sertraline"])
    assert one.drugs == ("sertraline",) and cited_docs(one) == {"sertraline"}
    outside = library_pipeline.ask(LIPITOR, doc_ids=["sertraline"])
    assert outside.abstained and outside.passages == ()
    assert outside.answer == ("Lipitor is not among the labels chosen for this conversation; "
                              "they cover: sertraline (Zoloft).")


def test_unknown_doc_ids_are_named_in_the_error(library_pipeline):
    from qa import QuestionError

    with pytest.raises(QuestionError, match=r"doc_ids nope are not in the library; it has: amoxicillin, "):
        library_pipeline.ask(LIPITOR, doc_ids=["nope"])


def test_a_label_without_drug_metadata_is_named_by_its_capitalised_title():
    from ingest import Document

    def doc(doc_id, title, drugs=()):
        return Document(doc_id=doc_id, title=title, text="", sections=(), drugs=drugs)

    library = library_drugs({"adcetris": doc("adcetris", "ADCETRIS"), "melanoma": doc("melanoma", "Melanoma"),
                             "haloperidol": doc("haloperidol", "")})
    assert [d.name for d in library.drugs] == ["haloperidol", "ADCETRIS"]
    turn = resolve_turn("and the boxed warning?", ["What are the warnings for adcetris?"], library)
    assert turn.drugs == ("ADCETRIS",) and turn.doc_ids == frozenset({"adcetris"})


@pytest.mark.parametrize(("history", "question", "reading", "text"), [
    (["What is the starting dose of Lipitor for adults?"], "and for children?",
     "Lipitor: starting dose for children", "starting dose for children"),
    (["Does Lipitor interact with grapefruit juice?"], "what about clarithromycin?",
     "Lipitor: interact clarithromycin", "interact clarithromycin"),
    (["Can Lipitor cause muscle pain?"], "and in kidney disease?",
     "Lipitor: cause muscle pain in kidney disease", "cause muscle pain in kidney disease"),
    (["What is the dose of Lipitor?", "and for children?"], "what about Zoloft?", "Zoloft: dose", "dose Zoloft"),
    (["What is the dose of Lipitor?"], "Does it interact with Zoloft?",
     "Lipitor, Zoloft: Does it interact with Zoloft?", "Does it interact with Zoloft?")])
def test_a_fragment_keeps_the_head_of_the_last_full_question(history, question, reading, text):
    from ingest import Document

    library = library_drugs({d: Document(doc_id=d, title=d, text="", sections=(), drugs=names)
                             for d, names in [("atorvastatin", ("atorvastatin", "Lipitor")),
                                              ("sertraline", ("sertraline", "Zoloft"))]})
    turn = resolve_turn(question, history, library)
    assert (turn.interpreted_as, turn.text) == (reading, text)
