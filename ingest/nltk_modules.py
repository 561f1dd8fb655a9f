"""NLTK's Snowball stemmer and Punkt without the scipy and scikit-learn that `import nltk` loads.

Any `nltk.x` import first runs nltk/__init__, which imports every NLTK subpackage; a
few of them import scipy.stats and scikit-learn when installed and fall back when not
(each import is guarded by `except ImportError`). rxcite uses only Snowball and Punkt,
which need neither, so NLTK is imported with the two marked unavailable for that moment:
0.8 s instead of 4.1-5.2 s on this 2-core machine (busy), most of a cold `python -m qa ask`.
The marks are removed at once, so other code can still import scipy and sklearn.
"""

from __future__ import annotations

import importlib
import sys
from types import ModuleType

NOT_NEEDED = ("scipy", "sklearn")


def nltk_module(name: str) -> ModuleType:
    """importlib.import_module(name) for an NLTK module, scipy and sklearn left unloaded."""
    if "nltk" in sys.modules:
        return importlib.import_module(name)
    blocked = [m for m in NOT_NEEDED if m not in sys.modules]
    for m in blocked:
        sys.modules[m] = None  # `import m` raises ImportError
    try:
        return importlib.import_module(name)
    finally:
        for m in blocked:
            if sys.modules.get(m, False) is None:
                del sys.modules[m]
