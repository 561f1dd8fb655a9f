"""Batch evaluation of a test file (placeholder until the evaluation issue lands)."""
