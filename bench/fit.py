"""Fit every weight and threshold of the query path on public question sets, and report
leave-one-group-out results: `python -m bench.fit [--write] [--groups ...]`.

Groups (a label, or a corpus; each over an index of its own):
    humira, lipitor, haloperidol, cough   ../shared/labels/questions (label's own words as answers)
    edecrin, rogaine                      bench/data/questions (written here from the SPL text)
    harvested                             bench/data/labels/harvested (real SPL XML and openFDA records from public
                                          repositories) with bench/data/questions/harvested.jsonl
    lenalidomide                          ../shared/eval/lenalidomide-dev.jsonl over corpus/
    tac                                   bench/data/questions/tac2017.jsonl, 101 label excerpts
    reactions                             bench/data/questions/tac2017-reactions.jsonl ("Can DRUG cause
                                          REACTION?", bench/reactions.py) over the same excerpts: the
                                          confidence and abstention threshold only; held out with tac
    medquad                               ../shared/benchmarks/medquad-cancergov (retrieval only:
                                          its answers are whole sections)

Three logistic regressions, fitted in order (numpy, L2, Newton steps on standardized features):
1. chunk model: is this candidate chunk the one holding the answer? (features: qa.config.CHUNK_FEATURES)
2. unit model: is this unit (sentence, list item, table row) part of the answer? (qa.compose.UNIT_FEATURES)
3. confidence model: is the composed answer right? (qa.compose.CONFIDENCE_FEATURES); the
   abstention threshold is the lowest that abstains on 90% of the unanswerable questions, and
   the further-unit threshold and cap give the most answers holding the reference at a
   median length of at most twice the reference.
The question words reference answers do not hold (qa/data/answer_absent_words.tsv) are
counted beforehand by bench/asking.py (`make fit` runs it first).
Before them, the library-word neighbour cosine (QAConfig.neighbour_min_cosine) is chosen on
NEIGHBOUR_GRID as the one under which the training groups' answer chunks rank best (mean
reciprocal rank under a chunk model fitted on them).
Each group is indexed and asked with the encoder tuned without its questions
(`group_model`, bench/finetune.py), so every feature a model learns from, and every
held-out answer, comes from an encoder that never saw that group (cross-fitting).
For each group, the three models and thresholds are fitted on the other groups, and the
product pipeline with those values answers the group's questions (`run_evaluation`); those
held-out figures go to bench/FIT.md (tac and reactions, one library, are held out together).
Inside that library, `library_halves` also splits its labels in two and answers each half's
questions with values fitted on the other half's (and every other group): how a new library
fares with values fitted on questions about other labels. `--write` then fits on all groups
and writes qa/data/fitted.json.
"""

from __future__ import annotations

import argparse
import json
import math
import re
import statistics
import sys
import time
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from ingest import IngestConfig, build_index
from qa.compose import CONFIDENCE_FEATURES, UNIT_FEATURES, choose_units, confidence_features, score_units, with_shares
from qa.config import CHUNK_FEATURES, QAConfig
from qa.evaluate.metrics import containment, normalize_answer, source_matches
from qa.evaluate.runner import run_evaluation
from qa.linear import FITTED_FILE, LinearModel
from qa.pipeline import load_pipeline
from qa.retrieve import Hit, ranked_hits

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
OUT = ROOT / "bench" / "out" / "fit"
LABEL_QUESTIONS = SHARED / "labels" / "questions"
OWN_QUESTIONS = ROOT / "bench" / "data" / "questions"
TRAINING_QUESTIONS = OWN_QUESTIONS / "training"  # encoder-only questions, one file per group (README above it)
HARVESTED_LABELS = ROOT / "bench" / "data" / "labels" / "harvested"  # real labels found in public repositories (README there)


@dataclass(frozen=True)
class Group:
    name: str
    corpus: tuple[Path, ...]
    questions: Path
    units: bool = True  # its answers are units of the label (unit labels); else retrieval only
    verbatim: bool = True  # its references are the label's own words (lenalidomide's paraphrase)
    training: Path | None = None  # more questions on its labels that only tune the encoder, never evaluated
    # Held out together with the groups of the same fold, over the same index, with the same
    # encoder: questions of another template on one library (default: its own name).
    fold: str = ""
    # Its candidates' labels train the chunk and unit models; else only the confidence and the
    # abstention threshold learn from it (the reaction questions' units are labelled only by
    # naming the reaction: a table row or a passing mention counts as much as the answer).
    ranks: bool = True

    @property
    def fold_name(self) -> str:
        return self.fold or self.name

    @property
    def tunes_encoder(self) -> bool:
        """Its (question, answer sentence) pairs train the encoder (bench/finetune.py)."""
        return self.units and self.verbatim


def groups() -> list[Group]:
    spl = SHARED / "labels" / "spl"
    shared, own = ("humira", "lipitor", "haloperidol", "cough"), ("edecrin", "rogaine")
    out = [Group(n, (spl / f"{n}.xml",), (LABEL_QUESTIONS if n in shared else OWN_QUESTIONS) / f"{n}.jsonl",
                 training=TRAINING_QUESTIONS / f"{n}.jsonl") for n in shared + own]
    out.append(Group("harvested", (HARVESTED_LABELS,), OWN_QUESTIONS / "harvested.jsonl",
                     training=TRAINING_QUESTIONS / "harvested.jsonl"))
    out.append(Group("lenalidomide", (ROOT / "corpus",), SHARED / "eval" / "lenalidomide-dev.jsonl", verbatim=False))
    out.append(Group("tac", (SHARED / "labels" / "tac2017-train",), OWN_QUESTIONS / "tac2017.jsonl",
                     training=TRAINING_QUESTIONS / "tac.jsonl"))
    # "Can DRUG cause REACTION?" over the same excerpts (bench/reactions.py makes them from the
    # label text): right when a cited unit of the asked label names the reaction; held out with tac
    out.append(Group("reactions", (SHARED / "labels" / "tac2017-train",), OWN_QUESTIONS / "tac2017-reactions.jsonl",
                     verbatim=False, fold="tac", ranks=False))
    out.append(Group("medquad", (SHARED / "benchmarks" / "medquad-cancergov" / "corpus",),
                     SHARED / "benchmarks" / "medquad-cancergov" / "questions.jsonl", units=False))
    return out


# ---------- logistic regression ----------

def fit_logistic(x: np.ndarray, y: np.ndarray, l2: float = 1.0, weight: np.ndarray | None = None,
                 iterations: int = 50) -> tuple[np.ndarray, float]:
    """Weights and bias (in the raw feature scale) of an L2-regularized logistic regression,
    fitted by Newton's method on standardized features."""
    mean, std = x.mean(axis=0), x.std(axis=0)
    std[std < 1e-9] = 1.0
    z = np.column_stack([(x - mean) / std, np.ones(len(x))])
    w = np.zeros(z.shape[1])
    sample = np.ones(len(x)) if weight is None else weight
    penalty = np.full(z.shape[1], l2)
    penalty[-1] = 0.0
    for _ in range(iterations):
        p = 1 / (1 + np.exp(-np.clip(z @ w, -30, 30)))
        grad = z.T @ (sample * (p - y)) + penalty * w
        hess = (z * (sample * p * (1 - p))[:, None]).T @ z + np.diag(penalty + 1e-9)
        step = np.linalg.solve(hess, grad)
        w -= step
        if np.abs(step).max() < 1e-6:
            break
    weights = w[:-1] / std
    return weights, float(w[-1] - (weights * mean).sum())


def fit_listwise(groups_x: list[np.ndarray], groups_y: list[np.ndarray], l2: float = 1.0,
                 iterations: int = 50, weights: list[float] | None = None) -> np.ndarray:
    """Weights (raw feature scale) of a conditional logit: within each question, a softmax
    over its candidates should put its mass on the right ones (the target spreads evenly
    over them). Newton's method on standardized features; no bias (it cancels)."""
    allx = np.vstack(groups_x)
    mean, std = allx.mean(axis=0), allx.std(axis=0)
    std[std < 1e-9] = 1.0
    zs = [(x - mean) / std for x in groups_x]
    targets = [y / y.sum() for y in groups_y]
    qw = weights or [1.0] * len(zs)  # per-question weights (each caller sets its groups' totals)

    def loss(w: np.ndarray) -> float:
        total = 0.5 * l2 * float(w @ w)
        for z, t, q in zip(zs, targets, qw, strict=True):
            s = z @ w
            total += q * float(np.log(np.exp(s - s.max()).sum()) + s.max() - t @ s)
        return total

    w = np.zeros(allx.shape[1])
    current = loss(w)
    for _ in range(iterations):
        grad, hess = l2 * w, np.diag(np.full(len(w), l2))
        for z, t, q in zip(zs, targets, qw, strict=True):
            s = z @ w
            p = np.exp(s - s.max())
            p /= p.sum()
            mu = p @ z
            grad += q * (mu - t @ z)
            hess += q * ((z * p[:, None]).T @ z - np.outer(mu, mu))
        step = np.linalg.solve(hess, grad)
        scale = 1.0
        while scale > 1e-4 and loss(w - scale * step) > current:  # backtracking: Newton may overshoot
            scale /= 2
        w = w - scale * step
        new = loss(w)
        if current - new < 1e-7:
            break
        current = new
    return w / std


def listwise_model(features: tuple[str, ...], groups_x, groups_y, weights=None) -> LinearModel:
    weights = weights or [1.0] * len(groups_x)
    kept = [(x, y, q) for x, y, q in zip(groups_x, groups_y, weights, strict=True) if y.any()]
    w = fit_listwise([x for x, _, _ in kept], [y for _, y, _ in kept], weights=[q for _, _, q in kept])
    return LinearModel(features, tuple(float(v) for v in w), 0.0)


def model_of(features: tuple[str, ...], x: np.ndarray, y: np.ndarray, weight=None) -> LinearModel:
    if y.min() == y.max():
        raise ValueError(f"cannot fit {features}: all labels are {y[0]}")
    w, b = fit_logistic(x, y, weight=weight)
    return LinearModel(features, tuple(float(v) for v in w), b)


# ---------- labels of candidates ----------

def unit_is_answer(text: str, reference: str) -> bool:
    """A unit is part of the answer when it holds half the reference, or when it lies inside
    the reference (70% of its tokens are the reference's)."""
    tokens = normalize_answer(text).split()
    if not tokens or not reference:
        return False
    inside = containment(reference, text)  # share of the unit's tokens found in the reference
    return containment(text, reference) >= 0.5 or (inside >= 0.7 and len(tokens) >= 3)


def names_reaction(text: str, reaction: str) -> bool:
    """Every word of the reaction begins a word of the text ("rash" in "rashes")."""
    return all(re.search(r"\b" + re.escape(w), text, re.I) for w in reaction.split())


def reaction_unit(case: dict, doc_id: str, text: str) -> bool:
    """A unit of the asked label naming the reaction answers "Can DRUG cause REACTION?"."""
    return doc_id == case["drug"] and names_reaction(text, case["reaction"])


def chunk_is_answer(case: dict, doc_id: str, section: str, text: str) -> bool:
    sources = tuple(case.get("sources") or ())
    if case.get("reaction"):
        return reaction_unit(case, doc_id, text)
    if case.get("answer") and case.get("_verbatim", True):
        docs = {s.partition("#")[0] for s in sources}
        return (not docs or doc_id in docs) and containment(text, case["answer"]) >= 0.5
    return bool(sources) and source_matches(doc_id, section, sources)


# ---------- collection ----------

@dataclass
class Loaded:
    group: Group
    pipeline: object
    cases: list[dict]


def delta_path_without(group: str) -> Path:
    """Where bench/finetune.py keeps the encoder delta tuned without this group's questions."""
    return OUT / "encoders" / f"without-{group}.npz"


def group_model(group: Group) -> tuple[str, str]:
    """(name, path) of the encoder a group is indexed and asked with: the bundled model
    tuned without this group's questions (bench/finetune.py: cross-fitting, no group is
    answered by an encoder that saw it), or the product's for a group none trained on."""
    from ingest.config import (
        bundled_model_path,
        model_cache_dir,
        product_model_name,
        product_model_path,
        tuned_model_name,
    )
    from ingest.encoder_delta import DELTA_PATH, tuned_model_path

    delta = delta_path_without(group.fold_name)
    if delta.exists():
        return tuned_model_name(delta), tuned_model_path(bundled_model_path(), model_cache_dir(), delta)
    if DELTA_PATH.exists() and group.tunes_encoder:
        raise SystemExit(f"{delta} is missing, and the product encoder was tuned on {group.name}'s questions: "
                         f"run python -m bench.finetune first")
    return product_model_name(), product_model_path()


def model_index_root(model_name: str) -> Path:
    """Where groups' indexes built with one named model (not group_model's) live."""
    return OUT / f"index-{model_name}"


def load_group(group: Group, model: tuple[str, str] | None = None, index_root: Path | None = None) -> Loaded:
    """The group's index (built or reused) and pipeline, with model (name, path) or group_model's."""
    name, path = model or group_model(group)
    index_dir = (index_root or OUT / "index") / group.fold_name
    build_index(IngestConfig(corpus_paths=group.corpus, index_dir=index_dir, model_name=name, model_path=path),
                progress=False)
    pipeline = load_pipeline(QAConfig(index_dir=index_dir), model_name=name)
    return Loaded(group, pipeline, read_cases(group.questions, group.verbatim))


def read_cases(path: Path, verbatim: bool = True) -> list[dict]:
    """A question file's cases, the first of each id (medquad repeats ids)."""
    cases = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            case = json.loads(line)
            # lenalidomide's references paraphrase the text: judged by their source section
            case["_verbatim"] = verbatim
            case.setdefault("answerable", True)
            cases.append(case)
    seen, unique = set(), []
    for case in cases:
        if case["id"] not in seen:
            seen.add(case["id"])
            unique.append(case)
    return unique


def question_inputs(loaded: Loaded, neighbour_min_cosine: float | None = None):
    """(focus, qvec, candidate rows, signals, raw bm25) per case, computed once; with
    neighbour_min_cosine, question words the library never uses accept library words that near."""
    p = loaded.pipeline
    if neighbour_min_cosine is not None:
        p = p.with_config(neighbour_min_cosine=neighbour_min_cosine)
    questions = [c["question"] for c in loaded.cases]
    focuses = [p.focus_of(q) for q in questions]
    qvecs = p.encoder.encode([f.expanded for f in focuses], batch_size=64)
    _, dense_rows = p.index.dense.search(np.ascontiguousarray(qvecs, dtype=np.float32),
                                         min(p.config.k_candidates, len(p.index.chunks)))
    out = []
    for f, v, d in zip(focuses, qvecs, dense_rows, strict=True):
        rows, signals, bm25 = p.retriever.candidate_signals(v, f.expanded, d, f.drug_docs, f.intents, f.boost_docs,
                                                            f.mentioned_drugs)
        out.append((f, v, rows, signals, bm25))
    return out


def hits_of(rows, signals, bm25, model: LinearModel) -> list[Hit]:
    return ranked_hits(rows, signals, bm25, model.scores(signals))


def chunk_data(loaded: Loaded, inputs) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """Per answerable question with an answer among its candidates: chunk signals and labels."""
    xs, ys = [], []
    chunks = loaded.pipeline.index.chunks
    for case, (_, _, rows, signals, _) in zip(loaded.cases, inputs, strict=True):
        if not case["answerable"] or not len(rows):
            continue
        y = np.array([chunk_is_answer(case, chunks[r].doc_id, chunks[r].section, chunks[r].text) for r in rows], float)
        if not y.any():
            continue
        xs.append(signals)
        ys.append(y)
    return xs, ys


def unit_data(loaded: Loaded, inputs, chunk_model: LinearModel, config: QAConfig):
    """Per case: scored units (features) under chunk_model, and each unit's label."""
    p = loaded.pipeline
    out = []
    for case, (focus, qvec, rows, signals, bm25) in zip(loaded.cases, inputs, strict=True):
        hits = hits_of(rows, signals, bm25, chunk_model)
        units = score_units(qvec, focus, hits, p.corpus, config) if hits else []
        labels = []
        for u in units:
            s = p.index.sentences[u.row]
            if not case["answerable"]:
                labels.append(False)
            elif case.get("reaction"):
                labels.append(reaction_unit(case, s.doc_id, s.text))
            elif case["_verbatim"]:
                labels.append(unit_is_answer(s.text, case.get("answer", "")))
            else:
                labels.append(source_matches(s.doc_id, s.section, tuple(case.get("sources") or ()))
                              and containment(s.text, case.get("answer", "")) >= 0.3)
        out.append((case, focus, hits, units, labels))
    return out


def answer_right(case: dict, texts: list[str], sections: list[tuple[str, str]]) -> bool:
    if not case["answerable"] or not texts:
        return False
    if case.get("reaction"):
        return any(reaction_unit(case, d, t) for t, (d, _) in zip(texts, sections, strict=True))
    if case["_verbatim"]:
        return containment(" ".join(texts), case.get("answer", "")) >= 0.5
    return any(source_matches(d, s, tuple(case.get("sources") or ())) for d, s in sections)


# ---------- fitting ----------

ADJACENT_GRID = (0.0, 0.02, 0.05, 0.1, 0.15, 0.2, 0.3, 0.5, 1.01)
REDUNDANT_GRID = (0.8, 0.85, 0.9, 0.95, 1.01)  # 1.01: no unit skipped as a restatement
# What a fit gives (fit_with_neighbours; qa/data/fitted.json): the three models, and the
# QAConfig settings fitted beside them.
MODELS = ("chunk", "unit", "confidence")
SETTINGS = ("abstain_threshold", "adjacent_threshold", "max_answer_units", "redundant_cosine", "neighbour_min_cosine")
MAX_LENGTH_RATIO = 2.0  # the judged bound is a median of 2.5x the reference; keep a margin
GROUP_LENGTH_RATIO = 2.5  # and no training group's median past the bound itself
UNANSWERABLE_TARGET = 0.90  # the promise is 80% abstained; held out, one label in six falls far short of it
NEIGHBOUR_GRID = (0.5, 0.55, 0.6, 0.65, 0.7, 1.0)  # 1.0: in effect no library-word neighbours


def chunk_model_of(train: list[Loaded], inputs: dict[str, list]) -> LinearModel:
    """The listwise chunk model; every group weighs the same in total, whatever its number of questions."""
    cx, cy, cw = [], [], []
    train = [t for t in train if t.group.ranks]
    for t in train:
        xs, ys = chunk_data(t, inputs[t.group.name])
        cx += xs
        cy += ys
        cw += [len(train) * 10.0 / max(len(xs), 1)] * len(xs)
    return listwise_model(CHUNK_FEATURES, cx, cy, cw)


def answer_chunk_mrr(train: list[Loaded], inputs: dict[str, list]) -> float:
    """Mean over groups of the mean reciprocal rank of the first chunk holding the answer,
    under a chunk model fitted on them (0 when no candidate holds it)."""
    chunk = chunk_model_of(train, inputs)
    per_group = []
    for t in (t for t in train if t.group.ranks):
        chunks = t.pipeline.index.chunks
        ranks = []
        for case, (_, _, rows, signals, _) in zip(t.cases, inputs[t.group.name], strict=True):
            if not case["answerable"]:
                continue
            order = rows[np.argsort(-chunk.scores(signals), kind="stable")] if len(rows) else rows
            first = next((i for i, r in enumerate(order)
                          if chunk_is_answer(case, chunks[r].doc_id, chunks[r].section, chunks[r].text)), None)
            ranks.append(0.0 if first is None else 1.0 / (1 + first))
        if ranks:
            per_group.append(float(np.mean(ranks)))
    return float(np.mean(per_group)) if per_group else 0.0


def best_neighbour_cosine(train: list[Loaded], inputs_by_cosine: dict[float, dict[str, list]]) -> float:
    """The library-word neighbour cosine (NEIGHBOUR_GRID) under which the training groups'
    answer chunks rank best; on a tie, the higher cosine (fewer neighbours)."""
    scores = {v: round(answer_chunk_mrr(train, inputs), 4) for v, inputs in inputs_by_cosine.items()}
    return max(scores, key=lambda v: (scores[v], v))


def fit_all(train: list[Loaded], inputs: dict[str, list]) -> dict:
    """Chunk, unit and confidence models and both thresholds, fitted on `train`."""
    chunk = chunk_model_of(train, inputs)
    base = QAConfig()
    per_group = {t.group.name: unit_data(t, inputs[t.group.name], chunk, base) for t in train if t.group.units}
    ranking = {t.group.name for t in train if t.group.ranks}
    unit = unit_model_of(rows for g, rows in per_group.items() if g in ranking)
    config = replace(base, chunk_model=chunk, unit_model=unit)
    # The confidence model and the thresholds learn from unit scores of a model that did not
    # see the group (cross-fitting): in-sample scores would make the best unit look surer
    # than it will be on a new label.
    rescored = {}
    for g, rows in per_group.items():
        others = [r for other, r in per_group.items() if other != g and other in ranking]
        held_unit = unit_model_of(others) if others else unit
        qvecs = [q[1] for q in inputs[g]]  # unit_data keeps the order of the group's cases
        rescored[g] = [(case, focus, hits, with_shares([replace_score(u, held_unit) for u in units]), qvec)
                       for (case, focus, hits, units, _), qvec in zip(rows, qvecs, strict=True)]
    adjacent, cap, redundant = best_adjacent(train, rescored, config)
    config = replace(config, adjacent_threshold=adjacent, max_answer_units=cap, redundant_cosine=redundant)
    cx, cy, cw = [], [], []
    for t in train:
        if t.group.name not in rescored:
            continue
        rows = rescored[t.group.name]
        n_ans = max(sum(1 for c, *_ in rows if c["answerable"]), 1)
        n_un = max(sum(1 for c, *_ in rows if not c["answerable"]), 1)
        for case, focus, hits, units, qvec in rows:
            if not units:
                continue
            chosen = choose_units(units, t.pipeline.corpus, config)
            sents = [t.pipeline.index.sentences[u.row] for u in chosen]
            feats = confidence_features(units, focus, hits, t.pipeline.corpus, t.pipeline.term_match(focus, hits),
                                        qvec)
            cx.append([feats[f] for f in CONFIDENCE_FEATURES])
            cy.append(answer_right(case, [s.text for s in sents], [(s.doc_id, s.section) for s in sents]))
            # answerable and unanswerable questions weigh the same in total within each group
            cw.append(0.5 / (n_ans if case["answerable"] else n_un))
    cx, cy, cw = np.array(cx), np.array(cy, float), np.array(cw)
    conf = model_of(CONFIDENCE_FEATURES, cx, cy, cw)
    probs = 1 / (1 + np.exp(-conf.scores(cx)))
    answerable = np.array([c["answerable"] for t in train if t.group.name in rescored
                           for c, _, _, u, _ in rescored[t.group.name] if u])
    threshold = best_threshold(probs, cy.astype(bool), answerable, cw)
    return {"chunk": chunk, "unit": unit, "confidence": conf, "abstain_threshold": threshold,
            "adjacent_threshold": adjacent, "max_answer_units": cap, "redundant_cosine": redundant}


def unit_model_of(groups_rows) -> LinearModel:
    """The listwise unit model over answerable questions whose candidates hold an answer unit.
    A group of n such questions weighs sqrt(n) in total: more than one question's worth (TAC's
    hundreds of questions say more than cough's twenty), less than n (one library's style
    must not drown the others'). The weights average 30 a group, as equal weights did."""
    kept_by_group = [[(units, labels) for case, _, _, units, labels in rows
                      if units and case["answerable"] and any(labels)] for rows in groups_rows]
    kept_by_group = [kept for kept in kept_by_group if kept]
    mean_root = float(np.mean([math.sqrt(len(kept)) for kept in kept_by_group])) if kept_by_group else 1.0
    ux, uy, uw = [], [], []
    for kept in kept_by_group:
        for units, labels in kept:
            ux.append(np.array([[u.features[f] for f in UNIT_FEATURES] for u in units]))
            uy.append(np.array(labels, float))
            uw.append(30.0 / mean_root / math.sqrt(len(kept)))
    return listwise_model(UNIT_FEATURES, ux, uy, uw)


def replace_score(unit, model: LinearModel):
    return replace(unit, score=model.score(unit.features))


def best_adjacent(train: list[Loaded], rescored: dict, config: QAConfig) -> tuple[float, int, float]:
    """The further-unit threshold, unit cap and restatement cosine giving the most answers
    that hold the reference, among those whose median answer is at most MAX_LENGTH_RATIO
    times the reference over all groups and at most GROUP_LENGTH_RATIO on every group (the
    pooled median alone let one label's answers run past the judged 2.5)."""
    best, best_value = (1.01, 1, 1.01), -1.0
    for threshold, cap, redundant in ((t, c, r) for t in ADJACENT_GRID for c in (1, 2, 3, 4) for r in REDUNDANT_GRID):
        if cap == 1 and redundant != REDUNDANT_GRID[-1]:
            continue  # one unit: nothing to skip
        cfg = replace(config, adjacent_threshold=threshold, max_answer_units=cap, redundant_cosine=redundant)
        hits, medians, pooled = [], [], []
        for t in train:
            ratios = []
            for case, _, _, units, _ in rescored.get(t.group.name, ()):
                if not case["answerable"] or not units or not case["_verbatim"]:
                    continue
                text = " ".join(t.pipeline.index.sentences[u.row].text for u in choose_units(units, t.pipeline.corpus, cfg))
                hits.append(containment(text, case.get("answer", "")) >= 0.5)
                ratios.append(len(text) / max(len(case.get("answer", "")), 1))
            if ratios:
                medians.append(statistics.median(ratios))
                pooled += ratios
        value = float(np.mean(hits)) if hits else 0.0
        if (statistics.median(pooled or [0.0]) <= MAX_LENGTH_RATIO and max(medians, default=0.0) <= GROUP_LENGTH_RATIO
                and value > best_value):
            best, best_value = (threshold, cap, redundant), value
    return best


def best_threshold(probs: np.ndarray, right: np.ndarray, answerable: np.ndarray, weight: np.ndarray) -> float:
    """The lowest confidence threshold at which UNANSWERABLE_TARGET of the (group-weighted)
    unanswerable questions are abstained on: answer as much as the abstention promise allows.
    (Balanced accuracy would trade many right answers for a few abstentions, because
    unanswerable questions are a small share of every set.)"""
    unanswerable = ~answerable
    if not unanswerable.any():
        return 0.0
    w = weight[unanswerable] / weight[unanswerable].sum()
    p = probs[unanswerable]
    for t in np.unique(np.round(probs, 3)):
        if float(w[p < t].sum()) >= UNANSWERABLE_TARGET:
            return float(t)
    return float(probs.max()) + 1e-3


# ---------- held-out evaluation ----------

def evaluate_group(loaded: Loaded, fitted: dict, out_dir: Path) -> dict:
    """The group's questions answered with the fitted values (out_dir: the run's files), and its figures."""
    return group_figures(*answer_group(loaded, fitted, out_dir), loaded.cases)


def answer_group(loaded: Loaded, fitted: dict, out_dir: Path) -> tuple[dict, list[dict]]:
    """(run summary, results.jsonl rows) of the group's questions answered with the fitted values."""
    pipeline = loaded.pipeline.with_config(**{f"{k}_model": fitted[k] for k in MODELS},
                                           **{k: fitted[k] for k in SETTINGS})
    summary = run_evaluation(pipeline, loaded.group.questions, out_dir)
    return summary, [json.loads(line) for line in (out_dir / "results.jsonl").read_text(encoding="utf-8").splitlines()]


def row_right(row: dict, case: dict | None = None) -> bool:
    """A results.jsonl row answered right: answerable, answered, and the quote holds at
    least half of its reference (containment); for a "Can DRUG cause REACTION?" case, a
    citation of the asked label names the reaction."""
    if case is not None and case.get("reaction"):
        return (bool(case["answerable"]) and not row["abstained"]
                and any(reaction_unit(case, c["doc_id"], c["text"]) for c in row["citations"]))
    return (bool(row["expected"]["answerable"] and row["expected"].get("answer")) and not row["abstained"]
            and row["metrics"].get("answer_containment", 0) >= 0.5)


def group_figures(summary: dict, rows: list[dict], cases: list[dict] | None = None) -> dict:
    by_id = {c["id"]: c for c in cases or ()}
    answerable = [r for r in rows if r["expected"]["answerable"]]
    unanswerable = [r for r in rows if not r["expected"]["answerable"]]
    with_ref = [r for r in answerable if r["expected"]["answer"] or by_id.get(r["id"], {}).get("reaction")]
    right = [r for r in with_ref if row_right(r, by_id.get(r["id"]))]
    ratios = [len(r["answer"]) / len(r["expected"]["answer"]) for r in right if r["expected"]["answer"]]
    m = summary["metrics"]
    return {"questions": len(rows), "answerable": len(answerable), "unanswerable": len(unanswerable),
            "answered_with_reference": round(len(right) / len(with_ref), 3) if with_ref else None,
            "answerable_answered": m.get("answerable_accuracy"),
            "unanswerable_abstained": m.get("unanswerable_accuracy"),
            "citation_recall": m.get("citation_recall"), "section_recall@1": m.get("section_recall@1"),
            "recall@1": m.get("recall@1"),
            "median_length_ratio": round(statistics.median(ratios), 2) if ratios else None}


def answer_ranks(loaded: Loaded, group_inputs: list, fitted: dict) -> dict[str, int | None]:
    """Per answerable question with a reference in the label's words (by id): the rank of
    its best-ranked answer unit (a unit holding the reference) among the candidate units,
    0 = first, before abstention; None when no candidate holds the reference."""
    config = replace(QAConfig(), chunk_model=fitted["chunk"], unit_model=fitted["unit"])
    out: dict[str, int | None] = {}
    for case, _, _, units, labels in unit_data(loaded, group_inputs, fitted["chunk"], config):
        if not case["answerable"] or not case["_verbatim"]:
            continue
        ranks = [i for i, j in enumerate(np.argsort([-u.score for u in units], kind="stable")) if labels[j]]
        out[case["id"]] = ranks[0] if ranks else None
    return out


def unit_headroom(ranks: dict[str, int | None]) -> dict:
    """Where the held-out answers are lost, before abstention: the share of answerable
    questions whose best-ranked answer unit is among the first two units (what a two-unit
    answer can quote), and the share with no answer unit among the candidates at all."""
    total = len(ranks)
    top2 = sum(r is not None and r < 2 for r in ranks.values())
    missing = sum(r is None for r in ranks.values())
    return {"answer_unit_in_top2": round(top2 / total, 3) if total else None,
            "no_answer_unit": round(missing / total, 3) if total else None}


LOSSES = ("abstained_top2", "short_of_reference", "ranked_third_or_lower", "no_answer_unit")


def loss_breakdown(ranks: dict[str, int | None], results: list[dict]) -> dict:
    """Where the answerable questions that were not answered right went, as shares of those
    questions: abstained though an answer unit ranked first or second (the confidence lost
    it); answered with an answer unit in the first two but short of the reference (the
    composition lost it); the best answer unit ranked third or lower (the unit ranking lost
    it); no answer unit among the candidates (retrieval lost it)."""
    counts = dict.fromkeys(LOSSES, 0)
    total = 0
    for r in results:
        if r["id"] not in ranks:
            continue
        total += 1
        if not r["abstained"] and r["metrics"].get("answer_containment", 0) >= 0.5:
            continue
        rank = ranks[r["id"]]
        key = ("no_answer_unit" if rank is None else "ranked_third_or_lower" if rank >= 2
               else "abstained_top2" if r["abstained"] else "short_of_reference")
        counts[key] += 1
    return {k: round(v / total, 3) if total else None for k, v in counts.items()}


def inputs_by_cosine(loaded: list[Loaded]) -> dict[float, dict[str, list]]:
    """Question inputs of every group under each NEIGHBOUR_GRID cosine."""
    return {v: {t.group.name: question_inputs(t, v) for t in loaded} for v in NEIGHBOUR_GRID}


def fit_with_neighbours(train: list[Loaded], by_cosine: dict[float, dict[str, list]]) -> dict:
    """fit_all under the neighbour cosine that ranks the training groups' answers best."""
    cosine = best_neighbour_cosine(train, by_cosine)
    return {**fit_all(train, by_cosine[cosine]), "neighbour_min_cosine": cosine}


def folds(loaded: list[Loaded]) -> list[list[Loaded]]:
    """The loaded groups by fold (Group.fold), in order of first appearance."""
    by_fold: dict[str, list[Loaded]] = {}
    for t in loaded:
        by_fold.setdefault(t.group.fold_name, []).append(t)
    return list(by_fold.values())


def held_out(loaded: list[Loaded], by_cosine: dict[float, dict[str, list]], answers: Path) -> dict:
    """Per group: fit on the groups outside its fold, answer this group's questions with those
    values (answers/<group>/: the run's results.jsonl, summary and report)."""
    out = {}
    for fold in folds(loaded):
        train = [t for t in loaded if t not in fold]
        fitted = fit_with_neighbours(train, by_cosine)
        for held in fold:
            out[held.group.name] = held_out_figures(held, fitted, by_cosine, answers)
    return out


def held_out_figures(held: Loaded, fitted: dict, by_cosine: dict[float, dict[str, list]], answers: Path) -> dict:
    """The held-out group's figures under values fitted without its fold."""
    summary, rows = answer_group(held, fitted, answers / held.group.name)
    result = group_figures(summary, rows, held.cases)
    if held.group.units:
        ranks = answer_ranks(held, by_cosine[fitted["neighbour_min_cosine"]][held.group.name], fitted)
        result.update(unit_headroom(ranks))
        result["lost"] = loss_breakdown(ranks, rows)
    result["thresholds"] = {"abstain": round(fitted["abstain_threshold"], 3),
                            "adjacent": fitted["adjacent_threshold"], "max_units": fitted["max_answer_units"],
                            "redundant_cosine": fitted["redundant_cosine"],
                            "neighbour_cosine": fitted["neighbour_min_cosine"]}
    print(held.group.name, json.dumps(result), file=sys.stderr, flush=True)
    return result


def case_label(case: dict) -> str:
    """The label a library question asks about: its "drug", or its id's ("tac2017-adcetris-01")."""
    return case.get("drug") or case["id"].split("-", 1)[-1].rsplit("-", 1)[0]


def restricted(t: Loaded, keep: set[str], inputs: dict[float, dict[str, list]], name: str, out: Path) -> Loaded:
    """t with only the cases on the labels in keep, as group `name` (its questions written to
    out/<name>.jsonl for the evaluation run); its question inputs added to inputs under name."""
    kept = [i for i, c in enumerate(t.cases) if case_label(c) in keep]
    out.mkdir(parents=True, exist_ok=True)
    lines = [line for line in t.group.questions.read_text(encoding="utf-8").splitlines() if line.strip()]
    wanted = {t.cases[i]["id"] for i in kept}
    path = out / f"{name}.jsonl"
    path.write_text("".join(f"{line}\n" for line in lines if json.loads(line)["id"] in wanted), encoding="utf-8")
    for by_group in inputs.values():
        by_group[name] = [by_group[t.group.name][i] for i in kept]
    return Loaded(replace(t.group, name=name, questions=path), t.pipeline, [t.cases[i] for i in kept])


def library_halves(loaded: list[Loaded], by_cosine: dict[float, dict[str, list]], answers: Path) -> dict:
    """Label-disjoint figures inside a library fold (tac with its reaction questions): its
    labels split in two halves; for each half, the values are fitted on every other group and
    on the fold's questions about the other half's labels, and answer the fold's questions
    about this half's labels over the whole library. A new library's questions are asked with
    values fitted on questions about other labels of a library, as the product's are."""
    fold = next((f for f in folds(loaded) if len(f) > 1), None)
    if fold is None:
        return {}
    labels = sorted({case_label(c) for t in fold for c in t.cases})
    halves = (set(labels[0::2]), set(labels[1::2]))
    pooled: dict[str, list[bool]] = {}
    for i, half in enumerate(halves):
        inputs = {v: dict(g) for v, g in by_cosine.items()}
        train = [t for t in loaded if t not in fold]
        train += [restricted(t, set(labels) - half, inputs, f"{t.group.name}-train{i}", answers / "questions")
                  for t in fold]
        fitted = fit_with_neighbours(train, inputs)
        for t in fold:
            held = restricted(t, half, inputs, f"{t.group.name}-half{i}", answers / "questions")
            _, rows = answer_group(held, fitted, answers / held.group.name)
            cases = {c["id"]: c for c in held.cases}
            for row in rows:
                case = cases[row["id"]]
                key = "right" if case["answerable"] else "abstained"
                ok = row_right(row, case) if case["answerable"] else row["abstained"]
                pooled.setdefault(f"{t.group.name} {key}", []).append(ok)
    out = {k: {"questions": len(v), "share": round(sum(v) / len(v), 3)} for k, v in sorted(pooled.items())}
    print("library halves", json.dumps(out), file=sys.stderr, flush=True)
    return out


def held_out_for(names: list[str], model: tuple[str, str] | None = None) -> dict:
    """Leave-one-group-out figures over the named groups only (tests use the small labels),
    with model (name, path) for every group, or group_model's. Its answers go to
    bench/out/fit/held-out-partial/, never over the full fit's."""
    loaded = [load_group(g, model=model, index_root=None if model is None else model_index_root(model[0]))
              for g in groups() if g.name in names]
    return held_out(loaded, inputs_by_cosine(loaded), OUT / "held-out-partial")


FIT_MD = ROOT / "bench" / "FIT.md"
BASELINES = ("For reference, on the four shared label sets (`../shared/labels/questions`, each over its own "
             "label): the engine before this fit answered 26% with the reference in the quote and abstained on 77% "
             "of unanswerable questions; a naive baseline quoting the top MiniLM sentence 30% / 0%, the top three "
             "sentences 48% / 0% (issue 9).")


def fit_markdown(report: dict) -> str:
    """bench/FIT.md: held-out figures per group and the fitted values."""
    lines = ["# Fitted scoring: leave-one-group-out results", "",
             "Written by `python -m bench.fit --write` (bench/fit.py). Each row: the chunk, unit and confidence "
             "models and both thresholds fitted on the *other* groups, then the product pipeline answering this "
             "group's questions (`qa.evaluate.run_evaluation`), over an index built with the encoder tuned without "
             "this group's questions (bench/finetune.py; lenalidomide and medquad, which no encoder trains on, get "
             "the product's). `right` = answerable questions answered with the "
             "reference in the quote (answer_containment >= 0.5); `answered`/`abstained` = answerable answered, "
             "unanswerable abstained; `length` = median answer length / reference length over right answers; "
             "`answer unit in top 2` = answerable questions whose best-ranked answer unit (a unit holding the "
             "reference) is among the first two units, before abstention: the ceiling a two-unit answer has; "
             "`no answer unit` = none among the candidates (retrieval missed).", "",
             "| held out | questions (unanswerable) | right | answered | abstained | citation recall | "
             "section R@1 | length | abstain threshold | unit cap / share / restatement | neighbour cosine | answer unit in top 2 | "
             "no answer unit |",
             "|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    losses = ["", "Where the answerable questions not answered right were lost (`loss_breakdown`; shares of the "
              "group's answerable questions): the confidence abstained though an answer unit ranked first or "
              "second; the answer quoted an answer unit among the first two but fell short of the reference "
              "(containment < 0.5); the best answer unit ranked third or lower; no candidate unit held the "
              "reference (retrieval).", "",
              "| held out | right | abstained, answer in top 2 | quoted short of the reference | answer unit "
              "ranked 3rd or lower | no answer unit |", "|---|---|---|---|---|---|"]
    loss_header = len(losses)

    def fmt(v):
        return "n/a" if v is None else f"{v:.2f}" if isinstance(v, float) else str(v)

    for name, r in report.get("held_out", {}).items():
        t = r.get("thresholds", {})
        lines.append(f"| {name} | {r['questions']} ({r['unanswerable']}) | {fmt(r['answered_with_reference'])} | "
                     f"{fmt(r['answerable_answered'])} | {fmt(r['unanswerable_abstained'])} | "
                     f"{fmt(r['citation_recall'])} | {fmt(r['section_recall@1'])} | {fmt(r['median_length_ratio'])} | "
                     f"{fmt(t.get('abstain'))} | {t.get('max_units')} / {t.get('adjacent')} / {t.get('redundant_cosine')} | "
                     f"{t.get('neighbour_cosine')} | "
                     f"{fmt(r.get('answer_unit_in_top2'))} | {fmt(r.get('no_answer_unit'))} |")
        if r.get("lost"):
            losses.append(f"| {name} | {fmt(r['answered_with_reference'])} | "
                          + " | ".join(fmt(r["lost"][k]) for k in LOSSES) + " |")
    lines += losses if len(losses) > loss_header else []
    halves = report.get("library_halves")
    if halves:
        lines += ["", "Library halves (`library_halves`): the TAC library's labels split in two; each half's "
                  "questions answered with values fitted on the other half's questions and every other group "
                  "(label-disjoint, as a new library is asked):", "", "| questions | count | share |", "|---|---|---|"]
        lines += [f"| {name} | {v['questions']} | {v['share']:.3f} |" for name, v in halves.items()]
    lines += ["", BASELINES, ""]
    fitted = report.get("fitted")
    if fitted:
        lines += ["## Fitted values (all groups)", "", f"Fitted on: {', '.join(fitted['fitted_on'])}.", ""]
        for key in ("chunk", "unit", "confidence"):
            model = fitted[key]
            lines.append(f"- **{key}** (bias {model['bias']}): " + ", ".join(
                f"{f} {w:+.3f}" for f, w in zip(model["features"], model["weights"], strict=True)))
        lines += [f"- abstain threshold {fitted['abstain_threshold']}, further-unit share "
                  f"{fitted['adjacent_threshold']}, unit cap {fitted['max_answer_units']}, restatement cosine "
                  f"{fitted.get('redundant_cosine')}, library-word neighbour "
                  f"cosine {fitted.get('neighbour_min_cosine')}", ""]
    lines.append(f"Run time {report.get('seconds')} s on the shared 2-core machine.")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.fit", description=__doc__.split("\n\n")[0])
    parser.add_argument("--groups", nargs="*", help="only these groups (default: all)")
    parser.add_argument("--write", action="store_true", help="fit on all groups and write qa/data/fitted.json")
    parser.add_argument("--no-holdout", action="store_true", help="skip the leave-one-group-out evaluation")
    parser.add_argument("--markdown-only", action="store_true",
                        help="only rewrite bench/FIT.md from bench/out/fit/report.json")
    args = parser.parse_args(argv)
    if args.markdown_only:
        FIT_MD.write_text(fit_markdown(json.loads((OUT / "report.json").read_text(encoding="utf-8"))), encoding="utf-8")
        return 0
    chosen = [g for g in groups() if not args.groups or g.name in args.groups]
    started = time.perf_counter()
    loaded = []
    for g in chosen:
        print(f"loading {g.name} ...", file=sys.stderr, flush=True)
        loaded.append(load_group(g))
    by_cosine = inputs_by_cosine(loaded)
    report: dict = {"groups": {}, "held_out": {}}
    if not args.no_holdout:
        report["held_out"] = held_out(loaded, by_cosine, OUT / "held-out")
        report["library_halves"] = library_halves(loaded, by_cosine, OUT / "held-out" / "library-halves")
    if args.write:
        fitted = fit_with_neighbours(loaded, by_cosine)
        data = {"procedure": "python -m bench.fit --write (bench/fit.py); held-out figures in bench/FIT.md",
                "fitted_on": [g.name for g in chosen],
                **{k: fitted[k].to_dict() for k in MODELS}, **{k: fitted[k] for k in SETTINGS},
                "abstain_threshold": round(fitted["abstain_threshold"], 4)}
        FITTED_FILE.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
        report["fitted"] = data
        print(f"wrote {FITTED_FILE}", file=sys.stderr)
    report["seconds"] = round(time.perf_counter() - started, 1)
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "report.json").write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")
    if args.write and not args.no_holdout and not args.groups:
        FIT_MD.write_text(fit_markdown(report), encoding="utf-8")
    print(json.dumps(report["held_out"], indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
