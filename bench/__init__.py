"""Benchmarks: `python -m bench` (or `make bench`) measures rxcite against a naive baseline.

Figures are printed and written to bench/RESULTS.md; nothing is asserted. Benchmarks
may read ../shared (the dev set, the cancer.gov benchmark); the product never does.
"""
