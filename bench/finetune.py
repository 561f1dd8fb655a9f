"""Would fine-tuning the bundled MiniLM rank answer units better on a label it never saw?
`python -m bench.finetune [--groups lipitor humira] [--epochs 3] [--side both|question]`.

A measurement, not yet part of the product. For each held-out group, all-MiniLM-L6-v2 is
fine-tuned on the other groups' (question, answer unit) pairs: in-batch negatives plus one
hard negative per question, the best-ranked candidate unit that does not hold the
reference (a contrastive loss, as sentence-transformers' MultipleNegativesRankingLoss).
The held-out group's candidate units (the product's retrieval and unit scoring,
qa/data/fitted.json) are then ranked by cosine alone, with the bundled and the tuned
encoder, and compared with the fitted unit model's ranking. Reported: mean reciprocal rank
of the first answer unit and how often it is among the first two.

`--side question` tunes the question encoder only and keeps the sentence vectors of the
bundled model (the index would not change). Nothing is written except bench/out/fit/finetune.json.
"""

from __future__ import annotations

import argparse
import json
import random
import time

import numpy as np

from qa.compose import score_units

from .fit import OUT, groups, hits_of, load_group, question_inputs, unit_is_answer

TEMPERATURE = 20.0  # logit scale of the contrastive loss (sentence-transformers' default)


def candidates(loaded) -> list[tuple[str, list[str], np.ndarray, np.ndarray]]:
    """(question, candidate unit texts, answer labels, fitted unit scores) per answerable
    question whose candidates hold an answer unit, under the product's fitted models."""
    p = loaded.pipeline
    out = []
    for case, (focus, qvec, rows, signals, bm25) in zip(loaded.cases, question_inputs(loaded), strict=True):
        if not case["answerable"] or not case.get("answer") or not case["_verbatim"] or not len(rows):
            continue
        units = score_units(qvec, focus, hits_of(rows, signals, bm25, p.config.chunk_model), p.corpus, p.config)
        texts = [p.index.sentences[u.row].text for u in units]
        labels = np.array([unit_is_answer(t, case["answer"]) for t in texts])
        if labels.any():
            out.append((case["question"], texts, labels, np.array([u.score for u in units])))
    return out


def rank_figures(scores: list[np.ndarray], labels: list[np.ndarray]) -> dict:
    ranks = [int(np.flatnonzero(lab[np.argsort(-s, kind="stable")])[0]) for s, lab in zip(scores, labels, strict=True)]
    return {"mrr": round(float(np.mean([1 / (1 + r) for r in ranks])), 3),
            "top2": round(float(np.mean([r < 2 for r in ranks])), 3)}


def fine_tuned(pairs: list[tuple[str, str, str]], epochs: int, side: str, lr: float, seed: int = 0):
    """The bundled model fine-tuned on (question, answer unit, hard negative) triples."""
    import torch
    from sentence_transformers import SentenceTransformer

    from ingest.config import bundled_model_path

    random.seed(seed)
    torch.manual_seed(seed)
    model = SentenceTransformer(bundled_model_path(), device="cpu")
    frozen = None
    if side == "question":
        base = SentenceTransformer(bundled_model_path(), device="cpu")
        texts = list(dict.fromkeys(t for _, pos, neg in pairs for t in (pos, neg)))
        frozen = dict(zip(texts, torch.tensor(base.encode(texts, batch_size=64, normalize_embeddings=True)),
                          strict=True))
    optimizer = torch.optim.AdamW(model.parameters(), lr=lr)

    def embed(texts):
        return torch.nn.functional.normalize(model(model.preprocess(texts))["sentence_embedding"], dim=-1)

    model.train()
    pairs = list(pairs)
    for _ in range(epochs):
        random.shuffle(pairs)
        for lo in range(0, len(pairs), 16):
            batch = pairs[lo: lo + 16]
            q = embed([b[0] for b in batch])
            docs = [b[1] for b in batch] + [b[2] for b in batch]
            d = torch.stack([frozen[t] for t in docs]) if frozen is not None else embed(docs)
            loss = torch.nn.functional.cross_entropy(q @ d.T * TEMPERATURE, torch.arange(len(batch)))
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
    model.eval()
    return model, frozen


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.finetune", description=__doc__.split("\n\n")[0])
    parser.add_argument("--groups", nargs="*", help="held-out groups to report (default: all with label-sentence answers)")
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--side", choices=("both", "question"), default="both")
    parser.add_argument("--lr", type=float, default=2e-5)
    args = parser.parse_args(argv)
    from sentence_transformers import SentenceTransformer

    from ingest.config import bundled_model_path

    loaded = {g.name: load_group(g) for g in groups() if g.units and g.name != "lenalidomide"}
    data = {name: candidates(t) for name, t in loaded.items()}
    bundled = SentenceTransformer(bundled_model_path(), device="cpu")
    report = {}
    for held in args.groups or list(data):
        pairs = [(q, texts[int(np.flatnonzero(lab)[0])], texts[int(np.flatnonzero(~lab)[0])])
                 for name, rows in data.items() if name != held for q, texts, lab, _ in rows if (~lab).any()]
        started = time.perf_counter()
        model, frozen = fine_tuned(pairs, args.epochs, args.side, args.lr)
        seconds = time.perf_counter() - started
        rows = data[held]
        labels = [lab for _, _, lab, _ in rows]
        before, after = [], []
        for q, texts, _, _ in rows:
            units = bundled.encode(texts, batch_size=64, normalize_embeddings=True)
            before.append(units @ bundled.encode([q], normalize_embeddings=True)[0])
            tuned_units = units if frozen is not None else model.encode(texts, batch_size=64, normalize_embeddings=True)
            after.append(tuned_units @ model.encode([q], normalize_embeddings=True)[0])
        report[held] = {"questions": len(rows), "training_pairs": len(pairs), "train_seconds": round(seconds),
                        "bundled_cosine": rank_figures(before, labels), "tuned_cosine": rank_figures(after, labels),
                        "fitted_unit_model": rank_figures([s for *_, s in rows], labels)}
        print(held, json.dumps(report[held]), flush=True)
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "finetune.json").write_text(json.dumps({"side": args.side, "epochs": args.epochs, "groups": report},
                                                  indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
