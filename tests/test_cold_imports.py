"""A cold `python -m qa ask` does not pay for NLTK's scipy.stats and scikit-learn imports."""

import json
import subprocess
import sys

from .conftest import ROOT

PROBE = """
import json, sys
import qa.pipeline
from ingest.lexical import analyze
from ingest.sentences import split_sentences
stems = analyze("Dosing cycles of lenalidomide")
spans = split_sentences("Take 10 mg p.o. daily. Rest 7 days.")
heavy = sorted(m for m in ("scipy.stats", "sklearn") if m in sys.modules)
import scipy.stats  # still importable afterwards
print(json.dumps({"heavy": heavy, "stems": stems, "spans": spans}))
"""


def test_stemming_and_sentence_splitting_load_nltk_without_scipy_stats_or_sklearn():
    done = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    got = json.loads(done.stdout)
    assert got["heavy"] == []
    assert got["stems"] == ["dose", "cycl", "lenalidomid"]
    assert got["spans"] == [[0, 22], [23, 35]]
