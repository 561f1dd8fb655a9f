"""Question words the reference answers do not hold (bench/asking.py) are asking words, so
"Can DRUG cause REACTION?" asks for a sentence naming the reaction, not the word "cause"."""

from bench import asking
from bench.fit import groups, names_reaction
from bench.reactions import listed_reactions, make_questions, table_row_reactions
from ingest.datafiles import load_table
from qa.question import DATA, analyze_question, answer_absent_stems


def pairs(question: str, answer: str, n: int) -> list[tuple[str, str]]:
    return [(question, answer)] * n


def test_a_word_answers_never_hold_across_groups_is_listed_and_a_content_word_is_not():
    by_group = {g: pairs("Can this cause hyperkalemia?", "Hyperkalemia occurred in 3% of patients.", 5)
                for g in ("a", "b", "c", "d")}
    counts = {c.stem: c for c in asking.stem_counts(by_group)}
    assert counts["caus"].questions == 20 and counts["caus"].groups == 4 and counts["caus"].answer_rate == 0.0
    assert counts["hyperkalemia"].answer_rate == 1.0
    assert [c.stem for c in asking.answer_absent(list(counts.values()))] == ["caus"]


def test_a_word_of_one_group_only_is_not_listed():
    by_group = {"a": pairs("Will it cause a rash?", "Rash was reported.", 40),
                "b": pairs("What is the dose?", "The dose is 10 mg.", 40)}
    assert asking.answer_absent(asking.stem_counts(by_group)) == []


def test_the_shipped_list_is_what_the_procedure_computes_from_the_public_sets():
    computed = asking.answer_absent(asking.stem_counts({g.name: asking.read_pairs(g.questions)
                                                        for g in groups() if g.units}))
    shipped = load_table(DATA / "answer_absent_words.tsv").rows
    assert [(r["stem"], int(r["questions"])) for r in shipped] == [(c.stem, c.questions) for c in computed]
    assert "caus" in answer_absent_stems()


def test_cause_is_not_a_term_of_a_reaction_question():
    focus = analyze_question("Can it cause hot flashes?", {}, {}, frozenset())
    assert [t[0] for t in focus.terms] == ["hot", "flash"]


def test_reaction_questions_come_from_the_labels_own_lists():
    text = ("# ZORBAX\n\nThe most common adverse reactions (>10%) are nausea, fatigue, and peripheral edema.\n"
            "Headache was rare.\n   Total patients   23 (100)\n   Dysgeusia            2 (9)\n"
            "   Upper respiratory tract infection   190 (4.9)   167 (4.3)\n")
    other = "# QUIXOL\n\nThe most common adverse reactions were rash and alopecia.\n"
    assert listed_reactions(text) == ["fatigue", "nausea", "peripheral edema"]
    assert table_row_reactions(text) == ["dysgeusia", "upper respiratory tract infection"]
    rows = make_questions({"zorbax": text, "quixol": other})
    asked = {(r["drug"], r["reaction"], r["answerable"]) for r in rows}
    assert ("zorbax", "nausea", True) in asked and ("quixol", "rash", True) in asked
    assert ("zorbax", "dysgeusia", True) in asked
    unanswerable = [r for r in rows if not r["answerable"]]
    assert {r["drug"] for r in unanswerable} == {"zorbax", "quixol"}
    for r in unanswerable:  # a reaction the label never names
        assert not names_reaction(text if r["drug"] == "zorbax" else other, r["reaction"])
    assert rows == make_questions({"zorbax": text, "quixol": other})  # seeded: the same file each time
