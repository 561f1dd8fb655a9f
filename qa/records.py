"""Frozen records of an answer; converted to dicts only at the edges (JSON, web)."""

from __future__ import annotations

from dataclasses import asdict, dataclass


@dataclass(frozen=True, slots=True)
class Citation:
    n: int
    doc_id: str
    title: str
    section: str
    text: str
    start: int
    end: int
    score: float
    page: int | None = None
    section_code: str = ""  # LOINC code of the section (FDA labels), "" when unknown


@dataclass(frozen=True, slots=True)
class Passage:
    chunk_id: str
    doc_id: str
    section: str
    text: str
    start: int
    end: int
    score: float
    page: int | None = None
    section_code: str = ""


@dataclass(frozen=True, slots=True)
class DocumentScore:
    doc_id: str
    score: float


@dataclass(frozen=True, slots=True)
class SectionScore:
    doc_id: str
    section: str
    score: float

    @property
    def key(self) -> str:
        return f"{self.doc_id}#{self.section}"


@dataclass(frozen=True, slots=True)
class Answer:
    question: str
    answer: str
    abstained: bool
    confidence: float
    citations: tuple[Citation, ...]
    passages: tuple[Passage, ...]
    documents: tuple[DocumentScore, ...]
    timings_ms: dict
    debug: dict | None = None
    # Ranked distinct (document, section) pairs, at least 10 when the corpus has them;
    # for evaluation and the debug view, not part of the `ask --json` contract.
    sections: tuple[SectionScore, ...] = ()
    # The question as the conversation made it (qa.conversation): the drugs it took from
    # earlier turns and the previous question a fragment was read with; `drugs` the library
    # drugs it was answered from; `clarify` the drugs to choose from when it asks back.
    interpreted_as: str = ""
    drugs: tuple[str, ...] = ()
    clarify: tuple[str, ...] = ()

    def to_dict(self, debug: bool = False) -> dict:
        data = asdict(self)
        for key in ("citations", "passages"):
            for item in data[key]:
                if item["page"] is None:
                    del item["page"]
        if not debug or self.debug is None:
            data.pop("debug")
        if not debug:
            data.pop("sections")
        return _lists(data)


def _lists(value):
    """Tuples -> lists, so to_dict() equals its own JSON round trip."""
    if isinstance(value, dict):
        return {k: _lists(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_lists(v) for v in value]
    return value
