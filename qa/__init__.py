"""Question answering over the index: retrieval, answer composition, evaluation."""

from .config import QAConfig
from .pipeline import Pipeline, QuestionError, load_pipeline
from .records import Answer, Citation, DocumentScore, Passage, SectionScore

__all__ = ["Answer", "Citation", "DocumentScore", "Passage", "Pipeline", "QAConfig", "QuestionError", "SectionScore",
           "load_pipeline"]
