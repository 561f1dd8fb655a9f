"""Term match (qa/word_match.py): single-word vectors of the real bundled model."""

import numpy as np

from qa.question import analyze_question
from qa.word_match import WordVectors, passage_words, term_matches


def test_passage_words_are_distinct_content_words():
    assert passage_words(["Take 10 mg of it daily.", "Take it DAILY with water"]) == ["daily", "take", "water"]


def test_term_matches_is_the_best_cosine_per_term():
    terms = np.array([[1.0, 0.0], [0.0, 1.0]], np.float32)
    found = np.array([[0.6, 0.8], [1.0, 0.0]], np.float32)
    assert np.allclose(term_matches(terms, found), [1.0, 0.8])
    assert term_matches(terms, np.zeros((0, 2), np.float32)).tolist() == [0.0, 0.0]
    assert term_matches(np.zeros((0, 2), np.float32), found).tolist() == []


def test_a_synonym_matches_better_than_an_unrelated_word(encoder):
    vectors = WordVectors(encoder, max_words=3)
    nursing, tablet, cost = vectors(["nursing", "tablet", "cost"])
    breastfeed = vectors(["breastfeed"])[0]
    assert breastfeed @ nursing > breastfeed @ tablet + 0.1
    assert len(vectors._cache) == 3  # bounded: the least recently used word went out
    again = vectors(["nursing", "cost"])  # re-encoded after eviction, the same vector
    assert np.allclose(again[0], nursing, atol=2e-3) and np.allclose(again[1], cost, atol=2e-3)
    assert abs(float(np.linalg.norm(nursing)) - 1.0) < 2e-3


def test_term_words_are_the_question_words_behind_its_terms():
    focus = analyze_question("Can I breastfeed while taking Revlimid?", {"revlimid": "revlimid"},
                             {"revlimid": frozenset({"d"})}, frozenset({"take"}))
    assert focus.term_words == ("breastfeed",)


def test_answers_use_the_term_match(pipeline):
    answer = pipeline.ask("Can I breastfeed while taking lenalidomide?")
    assert 0.0 < answer.debug["confidence_features"]["term_match"] <= 1.0
    assert answer.debug["confidence_features"]["term_match"] >= answer.debug["confidence_features"]["weakest_term"]


def test_with_neighbours_adds_library_words_as_alternatives():
    from qa.question import QuestionFocus, with_neighbours

    focus = QuestionFocus((("sleepi",), ("dose",)), None, (), "Does it make you sleepy?", term_words=("sleepy", "dose"))
    wider = with_neighbours(focus, {"sleepy": ("drowsiness", "somnolence")})
    assert wider.terms == (("sleepi", "drowsi", "somnol"), ("dose",))
    assert wider.expanded == "Does it make you sleepy? (drowsiness; somnolence)"
    assert with_neighbours(focus, {"sleepy": ()}) is focus  # nothing near enough: unchanged


def test_a_word_the_label_never_uses_reaches_its_nearest_label_words(pipeline):
    # the mechanism at a set cosine; the product's is fitted (qa/data/fitted.json)
    pipeline = pipeline.with_config(neighbour_min_cosine=0.55)
    focus = pipeline.focus_of("Does lenalidomide make you sleepy?")
    (sleepy,) = focus.terms  # the monograph says fatigue, never sleepy
    assert sleepy[0] == "sleepi" and "fatigu" in sleepy[1:]
    assert focus.expanded.startswith("Does lenalidomide make you sleepy? (") and "fatigue" in focus.expanded
    known = pipeline.focus_of("Does lenalidomide cause fatigue?")
    assert ("fatigu",) in known.terms and "(" not in known.expanded  # known words are left alone


class CountingEncoder:
    """The real encoder, counting the texts it is asked to encode."""

    def __init__(self, encoder):
        self.encoder, self.dim, self.texts = encoder, encoder.dim, []

    def encode(self, texts, **kwargs):
        self.texts += list(texts)
        return self.encoder.encode(texts, **kwargs)


def test_a_built_library_vocabulary_serves_the_word_vectors(encoder):
    from qa.word_match import LabelVocabulary, LibraryWords

    counting = CountingEncoder(encoder)
    library = LabelVocabulary(LibraryWords(lambda: ["Nursing mothers: avoid breastfeeding.", "Take 10 mg daily."]),
                              counting)
    vectors = WordVectors(counting, library=library)
    vectors(["daily"])  # not built yet: encoded alone, and the vocabulary is not built for it
    assert counting.texts == ["daily"]
    assert library.warm() == 6  # nursing, mothers, avoid, breastfeeding, take, daily
    counting.texts.clear()
    served = vectors(["nursing", "avoid", "beer"])
    assert counting.texts == ["beer"]  # only the word the library lacks is encoded
    assert np.allclose(served[0], encoder.encode(["nursing"])[0], atol=2e-3)
    # a neighbour is a whole word of four letters or more; "take" is one, "10" and "mg" are not words here
    assert library.neighbours(vectors(["breastfeed"]), 0.5, 1) == [("breastfeeding",)]
