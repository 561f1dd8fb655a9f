"""Fine-tune the bundled MiniLM to rank a label's answer sentences for a question:
`python -m bench.finetune [--write] [--groups lipitor humira]`.

Training data: for every answerable question of the groups whose references are the
label's own words (bench.fit groups with units: humira, lipitor, haloperidol, cough,
edecrin, rogaine, harvested, tac), the label sentence that holds the reference and ranks first by
the bundled model's cosine (the positive), and the sentences that rank first without
holding it (the hard negatives, TuneConfig.hard_negatives of them), both from an index
built with the bundled model. Only the data and the bundled model decide these pairs, so
the procedure re-runs to the same pairs. Loss: a contrastive softmax over the batch's sentences (sentence-transformers'
MultipleNegativesRankingLoss) plus one "no answer" candidate, a learned cosine level.
Every unanswerable question of those groups, with its label's sentences the bundled model
ranks first (TuneConfig.abstain_candidates), is trained to prefer "no answer": the
cosine of a question's best sentence then says whether the label answers it, not only
what it is about, and the confidence model (bench/fit.py) reads it from best_cos and
top_dense. Only the cosines ship; the learned level is not needed at run time. The
network gains a low-rank adapter on each linear layer (TuneConfig.rank) and only the
adapters train: the result ships as a ~0.7 MB delta (ingest/encoder_delta.py), not a
second model.

A group's training-only questions (bench/data/questions/training/<group>.jsonl, more
questions on the same labels) join its pairs and abstentions for training; only its
evaluated questions are ranked when it is held out.

Leave one group out: for each of those groups, an encoder is tuned on the others
(bench/out/fit/encoders/without-<group>.npz) and ranks the held-out group's label
sentences; reported: mean reciprocal rank of the first answer sentence and how often it
is first or second, bundled vs tuned (bench/out/fit/finetune.json). `bench.fit` builds
each group's index with the encoder that never saw that group. `--write` tunes on every
group and writes ingest/data/encoder_delta.npz, the product's encoder.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import sys
import time
from dataclasses import asdict, dataclass, replace
from pathlib import Path

import numpy as np

from ingest.config import BUNDLED_MODEL, bundled_model_path
from ingest.encoder_delta import DELTA_PATH, adapted_names

from .fit import OUT, Loaded, delta_path_without, groups, load_group, model_index_root, read_cases, unit_is_answer

BUNDLED_INDEXES = model_index_root(BUNDLED_MODEL)
REPORT = OUT / "finetune.json"


@dataclass(frozen=True)
class TuneConfig:
    rank: int = 8  # adapter rank: W + (alpha / rank) * B @ A per linear layer
    alpha: float = 16.0
    lr: float = 6e-4
    epochs: int = 3
    batch: int = 16
    temperature: float = 20.0  # logit scale of the contrastive loss (sentence-transformers' default)
    hard_negatives: int = 1  # per answerable question: its label's sentences without the reference ranked first
    abstain_candidates: int = 4  # an unanswerable question's label sentences it must rank below "no answer"
    abstain_weight: float = 1.0  # their loss against the answerable pairs'
    no_answer_cosine: float = 0.5  # where the learned "no answer" level starts
    seed: int = 0


# ---------- training pairs ----------

@dataclass
class Ranked:
    """One answerable question over its label's sentences."""
    question: str
    texts: list[str]
    labels: np.ndarray  # sentence holds the reference
    bundled: np.ndarray  # bundled-model cosine with the question


@dataclass
class Unanswerable:
    """One unanswerable question over its label's sentences."""
    question: str
    texts: list[str]
    bundled: np.ndarray


def label_rows(doc_rows: dict[str, list[int]], case: dict, named: frozenset[str] | None) -> np.ndarray:
    """Sentence rows of the label(s) the case's sources name; without sources (an
    unanswerable question), of the labels of the drugs the question names (named, as the
    pipeline routes it); else all rows."""
    docs = {s.partition("#")[0] for s in case.get("sources") or ()} or set(named or ()) or set(doc_rows)
    return np.array(sorted(r for d in docs for r in doc_rows.get(d, ())), dtype=np.int64)


def ranked_questions(loaded: Loaded) -> tuple[list[Ranked], list[Unanswerable]]:
    """The group's answerable questions with an answer sentence, and its unanswerable ones."""
    p = loaded.pipeline
    doc_rows: dict[str, list[int]] = {}
    for i, s in enumerate(p.index.sentences):
        doc_rows.setdefault(s.doc_id, []).append(i)
    cases = [c for c in loaded.cases if (c["answerable"] and c.get("answer") and c["_verbatim"])
             or not c["answerable"]]
    qvecs = p.encoder.encode([c["question"] for c in cases], batch_size=64)
    answerable, unanswerable = [], []
    for case, qvec in zip(cases, qvecs, strict=True):
        rows = label_rows(doc_rows, case, p.focus_of(case["question"]).drug_docs)
        texts = [p.index.sentences[r].text for r in rows]
        cosines = np.asarray(p.corpus.sentence_vectors[rows], dtype=np.float32) @ qvec
        if not case["answerable"]:
            unanswerable.append(Unanswerable(case["question"], texts, cosines))
            continue
        labels = np.array([unit_is_answer(t, case["answer"]) for t in texts], dtype=bool)
        if labels.any() and (~labels).any():
            answerable.append(Ranked(case["question"], texts, labels, cosines))
    return answerable, unanswerable


def training_pairs(questions: list[Ranked], negatives: int = 1) -> list[tuple[str, ...]]:
    """(question, best-ranked answer sentence, then the `negatives` best-ranked other
    sentences, fewer when the label has fewer) per question."""
    out = []
    for r in questions:
        order = np.argsort(-r.bundled, kind="stable")
        pos = next(i for i in order if r.labels[i])
        negs = [i for i in order if not r.labels[i]][:negatives]
        out.append((r.question, r.texts[pos], *(r.texts[i] for i in negs)))
    return out


def abstention_sets(questions: list[Unanswerable], k: int) -> list[tuple[str, list[str]]]:
    """(question, its label's k sentences the bundled model ranks first) per unanswerable question."""
    return [(u.question, [u.texts[i] for i in np.argsort(-u.bundled, kind="stable")[:k]])
            for u in questions if len(u.texts) >= k]


def training_data(data: dict[str, tuple[list[Ranked], list[Unanswerable]]], k: int,
                  held: str | None = None, negatives: int = 1) -> tuple[list[tuple[str, ...]], list[tuple[str, list[str]]]]:
    """(answerable pairs with their hard negatives, unanswerable sets) of every group but held."""
    kept = [v for name, v in data.items() if name != held]
    return ([p for qs, _ in kept for p in training_pairs(qs, negatives)],
            [a for _, us in kept for a in abstention_sets(us, k)])


# ---------- the adapters ----------

def with_adapters(model, config: TuneConfig) -> dict:
    """model (a SentenceTransformer) with a trainable low-rank adapter on every linear layer
    ingest.encoder_delta.ADAPTED names and every other weight frozen; the adapters by
    weight-name prefix."""
    import torch

    class Adapted(torch.nn.Module):
        def __init__(self, base: torch.nn.Linear) -> None:
            super().__init__()
            self.base = base
            self.a = torch.nn.Parameter(torch.randn(config.rank, base.in_features) / math.sqrt(base.in_features))
            self.b = torch.nn.Parameter(torch.zeros(base.out_features, config.rank))
            self.scale = config.alpha / config.rank

        def forward(self, x):
            return self.base(x) + (x @ self.a.T @ self.b.T) * self.scale

    bert = model[0].auto_model
    for p in model.parameters():
        p.requires_grad_(False)
    adapters = {}
    for name in adapted_names(bert.config.num_hidden_layers):
        parent_name, attr = name.rsplit(".", 1)
        parent = bert.get_submodule(parent_name)
        adapters[name] = Adapted(getattr(parent, attr))
        setattr(parent, attr, adapters[name])
    return adapters


def adapter_delta(adapters: dict) -> dict[str, np.ndarray]:
    """What an encoder delta file holds: A and scale * B per adapted layer, float16."""
    out = {}
    for name, m in adapters.items():
        out[f"{name}.lora_a"] = m.a.detach().numpy().astype(np.float16)
        out[f"{name}.lora_b"] = (m.b.detach() * m.scale).numpy().astype(np.float16)
    return out


def tuned(pairs: list[tuple[str, ...]], abstentions: list[tuple[str, list[str]]], config: TuneConfig):
    """(the bundled model with trained adapters, their delta). Each batch of answerable pairs
    takes an even share of the unanswerable questions; both softmaxes hold a "no answer"
    candidate, a learned cosine level."""
    import torch
    from sentence_transformers import SentenceTransformer

    random.seed(config.seed)
    torch.manual_seed(config.seed)
    model = SentenceTransformer(bundled_model_path(), device="cpu")
    adapters = with_adapters(model, config)
    no_answer = torch.nn.Parameter(torch.tensor(config.no_answer_cosine))
    optimizer = torch.optim.AdamW([p for p in model.parameters() if p.requires_grad] + [no_answer], lr=config.lr)
    k = config.abstain_candidates

    def embed(texts):
        return torch.nn.functional.normalize(model(model.preprocess(texts))["sentence_embedding"], dim=-1)

    model.train()
    pairs, abstentions = list(pairs), list(abstentions)
    per_batch = math.ceil(len(abstentions) / math.ceil(len(pairs) / config.batch))
    for _ in range(config.epochs):
        random.shuffle(pairs)
        random.shuffle(abstentions)
        for n, lo in enumerate(range(0, len(pairs), config.batch)):
            batch = pairs[lo: lo + config.batch]
            q = embed([b[0] for b in batch])
            # every question's positive, then all hard negatives: each softmax spans the whole batch
            d = embed([b[1] for b in batch] + [t for b in batch for t in b[2:]])
            logits = torch.cat([q @ d.T, no_answer.expand(len(batch), 1)], dim=1) * config.temperature
            loss = torch.nn.functional.cross_entropy(logits, torch.arange(len(batch)))
            unanswered = abstentions[n * per_batch: (n + 1) * per_batch]
            if unanswered:
                u = embed([a[0] for a in unanswered])
                s = embed([t for a in unanswered for t in a[1]]).view(len(unanswered), k, -1)
                logits = torch.cat([torch.einsum("ud,ukd->uk", u, s), no_answer.expand(len(unanswered), 1)],
                                   dim=1) * config.temperature
                loss = loss + config.abstain_weight * torch.nn.functional.cross_entropy(
                    logits, torch.full((len(unanswered),), k))
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
    model.eval()
    return model, adapter_delta(adapters)


# ---------- held-out ranking ----------

def rank_figures(scores: list[np.ndarray], labels: list[np.ndarray]) -> dict:
    ranks = [int(np.flatnonzero(lab[np.argsort(-s, kind="stable")])[0]) for s, lab in zip(scores, labels, strict=True)]
    return {"mrr": round(float(np.mean([1 / (1 + r) for r in ranks])), 3),
            "top2": round(float(np.mean([r < 2 for r in ranks])), 3)}


def separation(answerable: list[float], unanswerable: list[float]) -> float | None:
    """Area under the ROC curve: how often an answerable question's best cosine is above an
    unanswerable one's (ties count half)."""
    if not answerable or not unanswerable:
        return None
    a, u = np.array(answerable)[:, None], np.array(unanswerable)[None]
    return round(float((a > u).mean() + 0.5 * (a == u).mean()), 3)


def held_out_ranking(model, questions: list[Ranked], unanswerable: list[Unanswerable]) -> dict:
    """Ranking figures of the held-out answerable questions, and how well the best sentence's
    cosine tells them from the unanswerable ones; bundled vs tuned."""
    every = [*questions, *unanswerable]
    texts = list(dict.fromkeys(t for r in every for t in r.texts))  # a label's sentences, once
    vectors = dict(zip(texts, model.encode(texts, batch_size=64, normalize_embeddings=True), strict=True))
    qvecs = model.encode([r.question for r in every], batch_size=64, normalize_embeddings=True)
    tuned_scores = [np.array([vectors[t] for t in r.texts]) @ q for r, q in zip(every, qvecs, strict=True)]
    labels = [r.labels for r in questions]
    n = len(questions)

    def figures(scores: list[np.ndarray]) -> dict:
        return {**rank_figures(scores[:n], labels),
                "answerability_auc": separation([float(s.max()) for s in scores[:n]],
                                                [float(s.max()) for s in scores[n:]])}

    return {"questions": n, "unanswerable": len(unanswerable),
            "bundled": figures([r.bundled for r in every]), "tuned": figures(tuned_scores)}


def save_delta(delta: dict[str, np.ndarray], target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.stem}.tmp.npz")
    np.savez(tmp, **delta)
    tmp.replace(target)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.finetune", description=__doc__.split("\n\n")[0])
    parser.add_argument("--groups", nargs="*", help="held-out groups to tune and report (default: all)")
    parser.add_argument("--write", action="store_true", help=f"tune on every group and write {DELTA_PATH}")
    args = parser.parse_args(argv)
    config = TuneConfig()
    started = time.perf_counter()
    bundled = (BUNDLED_MODEL, bundled_model_path())
    data, training = {}, {}  # per group: its evaluated questions; those and its training-only ones
    for g in (g for g in groups() if g.tunes_encoder):
        print(f"ranking {g.name} with the bundled model ...", file=sys.stderr, flush=True)
        loaded = load_group(g, model=bundled, index_root=BUNDLED_INDEXES)
        data[g.name] = ranked_questions(loaded)
        extra = ranked_questions(replace(loaded, cases=read_cases(g.training))) if g.training else ([], [])
        training[g.name] = (data[g.name][0] + extra[0], data[g.name][1] + extra[1])
    previous = json.loads(REPORT.read_text(encoding="utf-8")) if REPORT.exists() else {}
    # a run over some groups keeps the other groups' figures of a run with the same settings
    kept = previous.get("held_out", {}) if previous.get("config") == asdict(config) else {}
    report = {"config": asdict(config), "held_out": kept}
    k = config.abstain_candidates
    for held in args.groups if args.groups is not None else list(data):
        pairs, abstentions = training_data(training, k, held, config.hard_negatives)
        t0 = time.perf_counter()
        model, delta = tuned(pairs, abstentions, config)
        save_delta(delta, delta_path_without(held))
        report["held_out"][held] = {"training_pairs": len(pairs), "training_unanswerable": len(abstentions),
                                    "train_seconds": round(time.perf_counter() - t0),
                                    **held_out_ranking(model, *data[held])}
        print(held, json.dumps(report["held_out"][held]), file=sys.stderr, flush=True)
    if args.write:
        pairs, abstentions = training_data(training, k, negatives=config.hard_negatives)
        _, delta = tuned(pairs, abstentions, config)
        save_delta(delta, DELTA_PATH)
        report["written"] = {"path": str(DELTA_PATH.relative_to(Path(__file__).resolve().parent.parent)),
                             "training_pairs": len(pairs), "training_unanswerable": len(abstentions),
                             "bytes": DELTA_PATH.stat().st_size}
        print(f"wrote {DELTA_PATH} ({DELTA_PATH.stat().st_size} bytes, {len(pairs)} pairs)", file=sys.stderr)
    report["seconds"] = round(time.perf_counter() - started, 1)
    OUT.mkdir(parents=True, exist_ok=True)
    REPORT.write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
