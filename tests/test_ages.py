"""Ages: the age a question gives against the age ranges a label's sentence states."""

import math

import pytest

from qa.ages import age_fit, age_ranges, question_age


@pytest.mark.parametrize(("question", "age"), [
    ("My daughter is 3 and has arthritis. Can she use it?", 3.0),
    ("My 8-year-old has really high cholesterol. Can she take this?", 8.0),
    ("how many teaspons for my 8 yr old?", 8.0),
    ("Can I use it on my 3 month old?", 0.25),
    ("My dad is 80 and had a stroke before.", 80.0),
    ("is it safe for a child aged 4?", 4.0),
    ("my son is fourteen", 14.0),
])
def test_question_age_is_read_as_people_state_it(question, age):
    assert question_age(question) == pytest.approx(age)


@pytest.mark.parametrize("question", [
    "Is the dose 20 mg?", "is 2 tablets ok", "What is 5 times 3", "What is the starting dose of Lipitor?",
    "Can I take it for 3 years?",
])
def test_no_age_where_the_question_gives_none(question):
    assert question_age(question) is None


@pytest.mark.parametrize(("text", "ranges"), [
    ("HUMIRA has not been studied in children less than 4 years of age", [(0, 4)]),
    ("moderate to severe polyarticular JIA in children 4 years and older.", [(4, math.inf)]),
    ("Heterozygous Familial Hypercholesterolemia in Pediatric Patients (10–17 years of age)", [(10, 18)]),
    ("children 6 to under 12 years of age | 2 teaspoonfuls (10 mL)", [(6, 12)]),
    ("Haloperidol is not intended for children under 3 years old.", [(0, 3)]),
    ("Safety and effectiveness in infants below the age of one year have not been established.", [(0, 1)]),
    ("ask a doctor before use on children under six months of age", [(0, 0.5)]),
    ("For patients at risk (for example, age >60 years, hypertension or diabetes)", [(60, math.inf)]),
    ("In patients >= 75 years of age, the risk of cardiac failure is increased.", [(75, math.inf)]),
    ("Adverse Reactions in Pediatric Patients (Ages 10 to 17 Years)", [(10, 18)]),
])
def test_label_age_ranges(text, ranges):
    assert [tuple(r) for r in age_ranges(text)] == [tuple(map(float, r)) for r in ranges]


@pytest.mark.parametrize("text", [
    "Patients were treated for 2 to 3 years.", "less than 6 months of treatment", "Take 1 to 2 tablets every 4 hours.",
])
def test_durations_are_not_ages(text):
    assert age_ranges(text) == ()


def test_age_fit_tells_the_sentence_that_holds_the_age_from_the_one_that_leaves_it_out():
    assert age_fit(3.0, "HUMIRA has not been studied in children less than 4 years of age") == (1.0, 0.0)
    assert age_fit(3.0, "in children 4 years and older") == (0.0, 1.0)
    assert age_fit(3.0, "Take with water.") == (0.0, 0.0)
    assert age_fit(None, "in children 4 years and older") == (0.0, 0.0)
