"""Answer composition: choose the label units that answer, or abstain, and say why.

No reader model ships offline, so extraction ranks answer units (sentences, list items,
table rows; `qa/units.py`) of the best passages with a fitted logistic model over
features of each unit: its cosine with the question, how much of the question's content
it and its context (heading, table header, lead-in) hold, its passage's rank and score,
whether it is a cross-reference stub. The answer is the best unit plus adjacent units of
the same section that the model also rates likely. Confidence is a second fitted model,
over question-level evidence (the best unit's score, its margin over the next, the share
of the question's content found at all, words the corpus never uses), so that it is the
probability of a right answer on any label, long or short. Everything here is a pure
function of its inputs; `python -m bench.fit` fits the weights.
"""

from __future__ import annotations

import math
import re
from bisect import bisect_right
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

from ingest.lexical import analyze

from .ages import age_fit
from .config import QAConfig
from .intent import intents_disagree
from .linear import logistic
from .question import QuestionFocus
from .retrieve import Hit, IdfTable, located_intents
from .units import (
    CorpusView,
    antecedent_row,
    context_rows,
    cross_reference_share,
    is_header_row,
    is_heading_line,
    is_list_fragment,
    is_question_line,
    is_reference_stub,
    lead_in_row,
    unit_context,
)

# A paragraph opening like this restates what the document said before; the original
# statement is the better citation.
SUMMARY_OPENERS = re.compile(r"^\s*(?:in conclusion|in summary|to summari[sz]e|to conclude|overall|in short)\b",
                             re.IGNORECASE)
UNIT_FEATURES = ("cos", "context_cos", "cos_gap", "passage_gap", "passage_rank", "coverage", "context_coverage", "heading_cos",
                 "intent", "log_words", "table_row", "caption", "lead_in", "cross_ref", "summary", "bm25", "neighbor",
                 "age_held", "age_outside")
CONFIDENCE_FEATURES = ("best_unit", "best_share", "unit_margin", "context_coverage", "best_cos", "top_dense",
                       "unknown_terms", "rarest_missing", "other_drug", "intent_mismatch", "log_terms", "no_terms",
                       "term_match", "weakest_term", "label_peak")
# A unit that is nearly all cross-reference ("[see Dosage (2.1)]") is never quoted alone.
MAX_CROSS_REF_SHARE = 0.8
NO_PASSAGES = "no passage of the library matches the question"
NO_MONOGRAPH = "the library has no monograph for {names}"
# The same test anywhere in a text: match(text, pos, endpos) is match(text[pos:endpos]) of
# the stripped paragraph, without copying it ("^" would only match at the text's start).
_SUMMARY_OPENER_AT = re.compile(SUMMARY_OPENERS.pattern.removeprefix("^"), re.IGNORECASE)


@lru_cache(maxsize=200_000)
def stem_set(text: str) -> frozenset[str]:
    """Stems of a corpus text, cached: the same sentences and passages recur across questions."""
    return frozenset(analyze(text))


def summary_rows(sentences, documents) -> frozenset[int]:
    """Rows of sentences in paragraphs that open with a summary phrase.

    A sentence's paragraph starts after the last blank line ("\n\n" or "\r\n\r\n")
    before it. The blank lines of a document are found once and each sentence looks its
    own up by bisection: O(log n) a sentence, where scanning back with rfind cost the
    whole document in an LF file ("\r\n\r\n" is never found), n^2 over it.
    """
    rows = set()
    doc_id, breaks = None, ([], [])
    for row, s in enumerate(sentences):
        text = documents[s.doc_id].text
        if s.doc_id != doc_id:  # sentences come grouped by document
            doc_id = s.doc_id
            breaks = ([m.start() for m in re.finditer(r"(?=\n\n)", text)],
                      [m.start() for m in re.finditer(r"(?=\r\n\r\n)", text)])
        # The last break that ends at or before the sentence (rfind(sep, 0, s.start)).
        last = [found[i - 1] for found, width in zip(breaks, (2, 4), strict=True)
                if (i := bisect_right(found, s.start - width))]
        paragraph_start = max(last, default=-1)
        if _SUMMARY_OPENER_AT.match(text, paragraph_start + 1, s.start + 40):
            rows.add(row)
    return frozenset(rows)


@dataclass(frozen=True, slots=True)
class ScoredUnit:
    row: int  # sentence row in the index
    score: float  # the unit model's score (a conditional logit: compared within one question)
    share: float  # softmax of the scores over this question's candidates: 1.0 = all the mass
    features: dict = field(compare=False)


def with_shares(units: list[ScoredUnit]) -> list[ScoredUnit]:
    """Units best first, each with its softmax share of the question's candidates."""
    if not units:
        return []
    top = max(u.score for u in units)
    weights = [math.exp(u.score - top) for u in units]
    total = sum(weights)
    ranked = [ScoredUnit(u.row, u.score, w / total, u.features) for u, w in zip(units, weights, strict=True)]
    ranked.sort(key=lambda u: (-u.score, u.row))
    return ranked


@dataclass(frozen=True, slots=True)
class Composition:
    units: tuple[ScoredUnit, ...]  # what the answer quotes, best first; empty when abstaining
    confidence: float
    abstain_reason: str  # "" when answering
    candidates: tuple[ScoredUnit, ...] = ()  # every unit considered, best first
    confidence_features: dict = field(default_factory=dict)


def max_idf(idf: dict[str, float]) -> float:
    return idf.highest if isinstance(idf, IdfTable) else max(idf.values(), default=1.0)


def term_coverage(terms: tuple[tuple[str, ...], ...], idf: dict[str, float], stems: set[str] | frozenset[str]) -> float:
    """IDF-weighted share of the question's terms found among stems (1.0 when no terms).

    A term is a group of alternatives, found when any of them is. A term the corpus
    never uses weighs as much as its rarest word (max_idf): "hair" in a monograph
    without hair is the point of the question, not noise.
    """
    if not terms:
        return 1.0
    rarest = max_idf(idf)
    weights = [idf.get(group[0], rarest) for group in terms]
    found = sum(w for w, group in zip(weights, terms, strict=True) if any(t in stems for t in group))
    return found / sum(weights)


def unknown_share(terms: tuple[tuple[str, ...], ...], idf: dict[str, float], vocabulary: frozenset[str]) -> float:
    """IDF-weighted share of the question's terms that the corpus never uses in any form."""
    if not terms:
        return 0.0
    rarest = max_idf(idf)
    weights = [idf.get(group[0], rarest) for group in terms]
    absent = sum(w for w, group in zip(weights, terms, strict=True) if not any(t in vocabulary for t in group))
    return absent / sum(weights)


def rarest_missing(terms: tuple[tuple[str, ...], ...], idf: dict[str, float], stems: set[str]) -> float:
    """1.0 when the question's most specific term (highest IDF; unknown to the corpus counts
    as the rarest) is absent from stems: "hidradenitis" in a question the passages never
    mention is the point of the question."""
    if not terms:
        return 0.0
    top = max_idf(idf)
    rarest = max(terms, key=lambda group: idf.get(group[0], top))
    return float(not any(t in stems for t in rarest))


def candidate_rows(hits: list[Hit], corpus: CorpusView, k: int) -> dict[int, tuple[int, bool]]:
    """Sentence row -> (rank of its best passage among the top k, whether it only borders one).

    The neighbours of a passage's sentences inside its section join as candidates: a
    dosing answer may run one sentence past the passage window.
    """
    rows: dict[int, tuple[int, bool]] = {}
    for rank, hit in enumerate(hits[:k]):
        for row in corpus.chunks[hit.row].sentence_ids:
            if row not in rows or rows[row][1]:
                rows[row] = (min(rank, rows.get(row, (rank, False))[0]), False)
    for row, (rank, _) in list(rows.items()):
        for other in (row - 1, row + 1):
            if 0 <= other < len(corpus.sentences) and other not in rows and corpus.same_section(row, other):
                rows[other] = (rank, True)
    return rows


def context_cosine(row: int, qvec: np.ndarray, corpus: CorpusView) -> float:
    """Cosine of the question with the unit read in its context: the normalized sum of the
    unit's vector, its section heading's, its table header row's and its lead-in's."""
    s = corpus.sentences[row]
    vectors = [corpus.sentence_vectors[r] for r in (row, *context_rows(corpus, row))]
    section = corpus.section_rows.get((s.doc_id, s.section))
    if section is not None:
        vectors.append(corpus.section_vectors[section])
    v = np.sum(np.asarray(vectors, dtype=np.float32), axis=0)
    return float(v @ qvec / (np.linalg.norm(v) + 1e-9))


def following_line(text: str, line_end: int) -> str:
    """The first non-blank line after the line ending at line_end ("" at the end)."""
    start = line_end
    while start < len(text):
        end = text.find("\n", start + 1)
        end = len(text) if end < 0 else end
        line = text[start:end].lstrip("\n")
        if line.strip():
            return line
        start = end
    return ""


def unit_features(row: int, rank: int, neighbor: bool, cos: float, max_cos: float, hits: list[Hit],
                  top_bm25: float, focus: QuestionFocus, corpus: CorpusView, qvec: np.ndarray) -> dict[str, float]:
    sentence = corpus.sentences[row]
    doc = corpus.documents[sentence.doc_id]
    hit = hits[rank]
    context = unit_context(doc, sentence)
    text = sentence.text
    line_end = doc.text.find("\n", sentence.end)
    line = doc.text[doc.text.rfind("\n", 0, sentence.start) + 1: len(doc.text) if line_end < 0 else line_end]
    # the question's age against the ages the unit or its heading bound: "less than 4 years of
    # age" answers "she is 3", "4 years and older" leaves her out
    age_held, age_outside = age_fit(focus.age_years, f"{sentence.section}\n{text}")
    return {
        "cos": cos, "context_cos": context_cosine(row, qvec, corpus), "cos_gap": cos - max_cos, "passage_gap": hit.score - hits[0].score,
        "passage_rank": 1.0 / (1.0 + rank),
        "coverage": term_coverage(focus.terms, corpus.idf, stem_set(text)),
        "context_coverage": term_coverage(focus.terms, corpus.idf, stem_set(text) | stem_set(f"{doc.title} {context}")),
        "heading_cos": hit.section, "intent": hit.intent,
        "log_words": math.log1p(len(text.split())), "table_row": float(" | " in line),
        # a table's caption names what the table counts, never a count: the row answers
        "caption": float(" | " not in line and " | " in following_line(doc.text, len(doc.text) if line_end < 0 else line_end)),
        "lead_in": float(text.rstrip().endswith(":")), "cross_ref": cross_reference_share(text),
        "summary": float(row in corpus.summary_rows), "bm25": hit.bm25 / top_bm25 if top_bm25 > 0 else 0.0,
        "neighbor": float(neighbor), "age_held": age_held, "age_outside": age_outside,
    }


def score_units(qvec: np.ndarray, focus: QuestionFocus, hits: list[Hit], corpus: CorpusView,
                config: QAConfig) -> list[ScoredUnit]:
    """Every candidate unit with its features and the unit model's score, best first."""
    rows = candidate_rows(hits, corpus, config.k_answer_passages)
    if not rows:
        return []
    order = list(rows)
    cosines = np.asarray(corpus.sentence_vectors[order], dtype=np.float32) @ qvec
    max_cos = float(cosines.max())
    top_bm25 = max((h.bm25 for h in hits[: config.k_answer_passages]), default=0.0)
    model = config.unit_model
    scored = []
    for row, cos in zip(order, cosines, strict=True):
        rank, neighbor = rows[row]
        feats = unit_features(row, rank, neighbor, float(cos), max_cos, hits, top_bm25, focus, corpus, qvec)
        scored.append(ScoredUnit(row, model.score(feats), 0.0, feats))
    return with_shares(scored)


def _plain(text: str) -> str:
    return " ".join(text.split()).casefold()


def _heads_only(text: str) -> bool:
    """A heading that says what follows, never an answer alone."""
    return is_reference_stub(text) or is_heading_line(text) or is_question_line(text)


def restates(corpus: CorpusView, row: int, chosen: list[int], min_cosine: float) -> bool:
    """The unit says again what a chosen unit says: its sentence vector's cosine with one of
    theirs reaches min_cosine (Lipitor's "Renal Impairment: Renal disease has no influence on
    the plasma concentrations or LDL-C reduction of LIPITOR; ..." in 12.3 after "Renal
    disease does not affect the plasma concentrations nor LDL-C reduction of LIPITOR; ..."
    in 2.5: 0.958). A second quote of the same point would take the place of a unit that
    adds one."""
    if min_cosine > 1.0 or not chosen:
        return False
    vectors = np.asarray([corpus.sentence_vectors[r] for r in chosen], dtype=np.float32)
    return bool((vectors @ np.asarray(corpus.sentence_vectors[row], dtype=np.float32) >= min_cosine).any())


def choose_units(scored: list[ScoredUnit], corpus: CorpusView, config: QAConfig) -> list[ScoredUnit]:
    """The best quotable unit (not a table's header row, not a bare cross-reference, not a
    heading that only points to another section, not a numbered heading line, not a question), the item its lead-in introduces, then the
    next best units of the same label while their softmax share reaches
    config.adjacent_threshold, up to config.max_answer_units, skipping those that restate a
    chosen unit (config.redundant_cosine); best first."""
    quotable = [u for u in scored if u.features["cross_ref"] < MAX_CROSS_REF_SHARE and not is_header_row(corpus, u.row)
                and not _heads_only(corpus.sentences[u.row].text)]
    if not quotable:
        return []
    best = quotable[0]
    chosen = {best.row: best}
    by_row = {u.row: u for u in quotable}
    if best.features["lead_in"] and best.row + 1 in by_row and corpus.same_section(best.row, best.row + 1):
        chosen[best.row + 1] = by_row[best.row + 1]  # "Do not use:" needs the item it introduces
    # The best unit opening by pointing back ("These changes ...") is quoted after the
    # sentence it points to, within the cap: alone it does not say what it is about.
    antecedent = antecedent_row(corpus, best.row)
    if antecedent is not None:
        chosen[antecedent] = ScoredUnit(antecedent, best.score, best.share, best.features)
    doc_id = corpus.sentences[best.row].doc_id
    # A label repeats itself (the Boxed Warning's sentence again under Warnings): a unit
    # whose words are already quoted adds nothing.
    said = {_plain(corpus.sentences[r].text) for r in chosen}
    for unit in quotable[1:]:
        if len(chosen) >= config.max_answer_units or unit.share < config.adjacent_threshold:
            break
        text = _plain(corpus.sentences[unit.row].text)
        if (corpus.sentences[unit.row].doc_id == doc_id and text not in said
                and not restates(corpus, unit.row, list(chosen), config.redundant_cosine)):
            # one label answers: another's would speak for another drug
            chosen[unit.row] = unit
            said.add(text)
    # A list item that is a fragment ("bruised") is quoted after its lead-in ("Do not inject
    # HUMIRA into skin that is:"), beyond the cap: the item alone says nothing.
    for unit in list(chosen.values()):
        lead = lead_in_row(corpus, unit.row) if is_list_fragment(corpus.sentences[unit.row].text) else None
        if lead is not None and lead not in chosen:
            chosen[lead] = ScoredUnit(lead, unit.score, unit.share, {**unit.features, "lead_in": 1.0})
    return sorted(chosen.values(), key=lambda u: (-u.score, u.row))


def label_peak(qvec: np.ndarray, doc_id: str, corpus: CorpusView) -> float:
    """How far the label's closest sentence to the question stands above the label's
    sentences at large, in standard deviations of their cosines. A label speaks of the
    question's topic when one passage stands out, whatever the label's length or wording:
    the raw cosine of a right answer runs lower in a terse OTC label than in a long PI."""
    first, starts = corpus.doc_starts[doc_id]
    cosines = np.asarray(corpus.sentence_vectors[first: first + len(starts)], dtype=np.float32) @ qvec
    if len(cosines) < 2:
        return 0.0
    return float((cosines.max() - cosines.mean()) / (cosines.std() + 1e-6))


def confidence_features(scored: list[ScoredUnit], focus: QuestionFocus, hits: list[Hit],
                        corpus: CorpusView, term_match: np.ndarray, qvec: np.ndarray,
                        k_context: int = 2) -> dict[str, float]:
    """term_match: per word of focus.term_words, its best cosine with a word of the best
    passages (qa/word_match.py); empty when the question has no term words."""
    best = scored[0]
    second = scored[1].score if len(scored) > 1 else best.score - 5.0
    sentence = corpus.sentences[best.row]
    # what the answer stands on: the best passages, and the best unit itself (it may come from
    # a lower passage: "Rash   1   0   1   2" in the fifth)
    context: set[str] = stem_set(f"{sentence.section} {sentence.text}")
    for h in hits[:k_context]:
        c = corpus.chunks[h.row]
        context |= stem_set(f"{corpus.documents[c.doc_id].title} {c.section} {c.text}")
    return {
        "best_unit": best.score, "best_share": best.share, "unit_margin": best.score - second,
        "context_coverage": term_coverage(focus.terms, corpus.idf, context), "best_cos": best.features["cos"],
        "top_dense": hits[0].dense, "unknown_terms": unknown_share(focus.terms, corpus.idf, corpus.vocabulary),
        "rarest_missing": rarest_missing(focus.terms, corpus.idf, context),
        "other_drug": float(bool(focus.unknown_drugs or focus.partner_drugs)),
        "intent_mismatch": float(intents_disagree(focus.intents, located_intents(
            corpus.documents[sentence.doc_id], sentence.section, sentence.start))),
        "log_terms": math.log1p(len(focus.terms)),
        # a question of a drug name and an intent only ("What is X used for?"): its coverage
        # features are vacuous, so it gets a fitted offset of its own
        "no_terms": float(not focus.terms),
        # the passages speak of the question's terms in any words: the mean match, and the
        # weakest term (the point of an unanswerable question is often absent altogether)
        "term_match": float(np.mean(term_match)) if len(term_match) else 1.0,
        "weakest_term": float(np.min(term_match)) if len(term_match) else 1.0,
        "label_peak": label_peak(qvec, sentence.doc_id, corpus),
    }


def compose_answer(focus: QuestionFocus, qvec: np.ndarray, hits: list[Hit], corpus: CorpusView,
                   config: QAConfig, term_match: np.ndarray | None = None) -> Composition:
    """The units to quote (best first) and the confidence, or an abstention with its reason.
    term_match: see confidence_features (None: no term words)."""
    if focus.unknown_drugs and focus.drug_docs is None:
        return Composition((), 0.0, NO_MONOGRAPH.format(names=", ".join(focus.unknown_drugs)))
    scored = score_units(qvec, focus, hits, corpus, config) if hits else []
    if not scored:
        return Composition((), 0.0, NO_PASSAGES)
    feats = confidence_features(scored, focus, hits, corpus,
                                np.zeros(0, np.float32) if term_match is None else term_match, qvec)
    conf = logistic(config.confidence_model.score(feats))
    chosen = choose_units(scored, corpus, config)
    if not chosen:
        return Composition((), conf, "the closest passages are only cross-references", tuple(scored), feats)
    if conf < config.abstain_threshold:
        reason = f"confidence {conf:.2f} is below the abstention threshold {config.abstain_threshold:.2f}"
        return Composition((), conf, reason, tuple(scored), feats)
    return Composition(tuple(chosen), conf, "", tuple(scored), feats)
