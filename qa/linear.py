"""Fitted linear scorers: named features, weights and a bias, read from `qa/data/fitted.json`.

Every weight of retrieval fusion, answer-unit choice and confidence is a coefficient of a
logistic regression fitted by `python -m bench.fit` on public question sets (leave-one-
label-out figures in bench/FIT.md). A score is `bias + sum(weight * feature)`; the
confidence is its logistic, a probability that the answer is right.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

FITTED_FILE = Path(__file__).resolve().parent / "data" / "fitted.json"


@dataclass(frozen=True, slots=True)
class LinearModel:
    features: tuple[str, ...]
    weights: tuple[float, ...]
    bias: float = 0.0

    def __post_init__(self) -> None:
        if len(self.features) != len(self.weights):
            raise ValueError(f"{len(self.features)} features but {len(self.weights)} weights")

    def score(self, values: dict[str, float]) -> float:
        """bias + w . x for one item; a feature missing from values is a ValueError."""
        missing = [f for f in self.features if f not in values]
        if missing:
            raise ValueError(f"missing features: {', '.join(missing)}")
        return self.bias + sum(w * values[f] for f, w in zip(self.features, self.weights, strict=True))

    def scores(self, matrix: np.ndarray) -> np.ndarray:
        """Scores of rows whose columns are self.features in order."""
        return matrix @ np.asarray(self.weights, dtype=np.float32) + self.bias

    def to_dict(self) -> dict:
        return {"features": list(self.features), "weights": [round(w, 6) for w in self.weights],
                "bias": round(self.bias, 6)}

    @classmethod
    def from_dict(cls, data: dict) -> LinearModel:
        return cls(tuple(data["features"]), tuple(float(w) for w in data["weights"]), float(data.get("bias", 0.0)))


def logistic(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-max(min(x, 50.0), -50.0)))


@lru_cache(maxsize=4)
def load_fitted(path: str | Path = FITTED_FILE) -> dict:
    """The fitted values: {"chunk": model, "unit": model, "confidence": model, thresholds...}."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    for key in ("chunk", "unit", "confidence"):
        data[key] = LinearModel.from_dict(data[key])
    return data
