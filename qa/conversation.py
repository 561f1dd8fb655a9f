"""A conversation's turns: which drug(s) a follow-up is about and how to read a fragment.

Pure functions of the question, the earlier questions (oldest first) and the library's
drug names; the pipeline feeds the resulting `Turn` into retrieval.

- A question naming a library drug (generic or brand, misspellings as in qa.question)
  starts a new focus; one naming none inherits the focus of the conversation.
- A fragment ("and for children?", "what about the dose?": starts "what/how about", or
  has no auxiliary, pronoun or wh-word and at most a few content words; or holds the
  substitute "one": "what if I miss one?") is read together with the head of the
  conversation's last full question: "Lipitor: starting dose for children".
- Without a focus, in a library (or chosen subset) of several drugs, the turn asks
  which drug instead of answering from a guessed label.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from ingest.lexical import STOPWORDS, stem, words

from .drug_library import DrugLibrary, guess_index, named_drugs
from .question import QuestionFocus, asking_words
from .records import Answer

CUES_PATH = Path(__file__).with_name("data") / "conversation_cues.tsv"
FRAGMENT_MAX_CONTENT_WORDS = 4  # "side effects in older patients" still reads as a fragment
# "one" stands for a noun of the previous question only in a short turn ("what if I miss
# one?"); in "... on an MAO inhibitor or who recently stopped one?" its noun is right there.
SUBSTITUTE_MAX_CONTENT_WORDS = 2
CLARIFY_LISTED = 12  # drug names spelled out in the clarifying question; the rest are counted
ARTICLES = ("a", "an", "the")
_WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9'’-]*")


@cache
def cue_words() -> dict[str, frozenset[str]]:
    """class -> words, from the data file (see its header for the source)."""
    classes: dict[str, set[str]] = {}
    for line in CUES_PATH.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            word, cls = line.split("\t")
            classes.setdefault(cls.strip(), set()).add(word.strip())
    return {cls: frozenset(ws) for cls, ws in classes.items()}


@dataclass(frozen=True, slots=True)
class Turn:
    question: str
    text: str  # what retrieval reads: the question, or this fragment with the last full question's head
    interpreted_as: str  # shown to the user: "Lipitor: starting dose for children"
    drugs: tuple[str, ...] = ()
    doc_ids: frozenset[str] | None = None  # retrieval stays inside these; None = whole library
    clarify: tuple[str, ...] = ()  # the drugs to choose from when the turn asks back
    problem: str = ""  # why the turn cannot be answered (a named drug outside the chosen labels)


def is_fragment(question: str) -> bool:
    """"and for children?", "what about the dose?", "in pregnancy?": no clause of its own;
    or a substitute ("what if I miss one?") standing for a noun of the previous question."""
    cues = cue_words()
    tokens = [w.lower().replace("’", "'") for w in _WORD.findall(question)]
    if not tokens:
        return False
    content = [t for t in tokens if t not in STOPWORDS and stem(t) not in asking_words()]
    if any(t in cues["substitute"] for t in tokens) and len(content) <= SUBSTITUTE_MAX_CONTENT_WORDS:
        return True
    if len(tokens) > 1 and tokens[0] in cues["wh"] and tokens[1] in cues["shift"]:
        return True
    if any(t in cues["clause"] or t in cues["refer"] or t in cues["wh"] for t in tokens):
        return False
    return len(content) <= FRAGMENT_MAX_CONTENT_WORDS


def _content_words(text: str, drug_names: set[str]) -> list[str]:
    return [w for w in _WORD.findall(text) if w.lower() not in STOPWORDS
            and stem(w.lower()) not in asking_words() and w.lower() not in drug_names]


def _fragment_rest(fragment: str, drop: set[str]) -> list[str]:
    """The fragment's words after its leading "and" / "what about" and articles, without
    the words in `drop`: "and for children?" -> ["for", "children"]."""
    cues = cue_words()
    tokens = _WORD.findall(fragment)
    while tokens and (tokens[0].lower() in cues["coordinator"] or tokens[0].lower() in cues["shift"]
                      or tokens[0].lower() in ARTICLES
                      or (tokens[0].lower() in cues["wh"] and len(tokens) > 1 and tokens[1].lower() in cues["shift"])):
        tokens = tokens[1:]
    return [t for t in tokens if t.lower() not in drop]


def _read_with_frame(frame: str, fragment: str, names: set[str]) -> tuple[str, str]:
    """(retrieval text, interpreted core) of a fragment read with the last full question:
    "What is the starting dose of Lipitor for adults?" + "and for children?" -> "starting
    dose for children" both. Only the frame's content words are kept, and when the fragment
    brings words of its own only those of the frame's head: with the whole frame, its
    wording outweighs the fragment's new words and the adult dose comes back again.
    Drug names stay in the retrieval text (a new one, "what about Amoxil?", names the focus)."""
    rest = _fragment_rest(fragment, names)
    kept = _head_words(frame, names) if _content_words(" ".join(rest), names) else []
    kept = kept or _content_words(frame, names)
    return " ".join([*kept, *_fragment_rest(fragment, set())]), " ".join([*kept, *rest])


def _head_words(frame: str, names: set[str]) -> list[str]:
    """The frame's content words before its first prepositional phrase: what it asks
    ("starting dose"), not whom or what for ("for adults", "with clarithromycin") - the
    part a fragment such as "and for children?" or "what about nelfinavir?" replaces."""
    preps = cue_words()["preposition"]
    head: list[str] = []
    seen_content = False
    for w in _WORD.findall(frame):
        low = w.lower()
        if low in preps and seen_content:
            break
        seen_content = seen_content or low not in STOPWORDS
        if low not in STOPWORDS and stem(low) not in asking_words() and low not in names:
            head.append(w)
    return head


@dataclass(frozen=True, slots=True)
class _Focus:
    drugs: tuple[str, ...] = ()
    frame: str = ""  # the conversation's last full question


def _step(focus: _Focus, question: str, library: DrugLibrary) -> tuple[_Focus, str, str, bool]:
    """(new focus, retrieval text, interpreted-as core, whether the drugs came from history)."""
    named = named_drugs(question, library)
    fragment = is_fragment(question) and bool(focus.frame)
    if named and focus.drugs and any(w in cue_words()["refer"] for w in words(question)):
        drugs = tuple(dict.fromkeys(focus.drugs + named))  # "can it be taken with warfarin?"
    else:
        drugs = named or focus.drugs
    if not fragment:
        return _Focus(drugs, question), question, question, drugs != named
    text, core = _read_with_frame(focus.frame, question, {n.lower() for n in library.name_docs})
    return _Focus(drugs, focus.frame), text, core or question, True


def resolve_turn(question: str, history: list[str] | tuple[str, ...] | None, library: DrugLibrary,
                 doc_ids: frozenset[str] | None = None) -> Turn:
    """How to read `question` after `history` (earlier questions, oldest first), inside the
    chosen labels `doc_ids` (None: the whole library)."""
    focus = _Focus()
    for earlier in history or ():
        if earlier and earlier.strip():
            focus = _step(focus, earlier.strip(), library)[0]
    focus, text, core, contextual = _step(focus, question, library)
    scope = library.in_scope(doc_ids)
    if focus.drugs:
        docs = frozenset().union(*(library.name_docs[n] for n in focus.drugs))
        allowed = docs if doc_ids is None else docs & doc_ids
        interpreted = f"{', '.join(focus.drugs)}: {core}" if contextual else question
        if not allowed:
            names = ", ".join(focus.drugs)
            return Turn(question, text, interpreted, focus.drugs, frozenset(), (), (
                f"{names} is not among the labels chosen for this conversation; they cover: "
                f"{', '.join(d.name for d in scope) or 'no drug'}."))
        return Turn(question, text, interpreted, focus.drugs, allowed)
    if len(scope) >= 2:
        return Turn(question, text, question, (), doc_ids, tuple(d.name for d in scope))
    drugs = (scope[0].names[0],) if scope else ()
    interpreted = question if text == question else ": ".join([*([", ".join(drugs)] if drugs else []), core])
    return Turn(question, text, interpreted, drugs, doc_ids)


def guessed_turn(turn: Turn, library: DrugLibrary, vocabulary: frozenset[str]) -> Turn:
    """A turn that would ask "Which drug?" must be about one of the drugs it would list: a
    word of the question that is a looser misspelling of exactly one of them ("does eylia
    raise eye pressure?" -> EYLEA), or a word only its name uses ("florbetaben" of
    "florbetaben (18f)"), is read as it, and interpreted_as shows the reading; otherwise
    the turn is unchanged. A word the corpus uses (vocabulary: stems) is a topic
    ("amyloid"), never a misspelled name."""
    if not turn.clarify:
        return turn
    index = guess_index(library)
    names = {m.name for w in dict.fromkeys(words(turn.text))
             if w not in STOPWORDS and (w in index.names or stem(w) not in vocabulary)
             for m in [index.match_loosely(w)] if m is not None}
    drugs = tuple(n for n in names if turn.doc_ids is None or library.name_docs[n] & turn.doc_ids)
    if len({library.name_docs[n] for n in drugs}) != 1:
        return turn
    docs = library.name_docs[drugs[0]]
    allowed = docs if turn.doc_ids is None else docs & turn.doc_ids
    return Turn(turn.question, turn.text, f"{drugs[0]}: {turn.interpreted_as}", drugs, allowed)


def allowed_docs(named: frozenset[str] | None, turn_docs: frozenset[str] | None) -> frozenset[str] | None:
    """What retrieval may read: the documents of the drugs the text names, inside the turn's."""
    if named is None or turn_docs is None:
        return turn_docs if named is None else named
    return named & turn_docs


def clarifying_question(turn: Turn) -> str:
    """"Which drug? The library has: a, b and c." (at most CLARIFY_LISTED names)."""
    names = list(turn.clarify[:CLARIFY_LISTED])
    more = len(turn.clarify) - len(names)
    listed = ", ".join(names) + (f" and {more} more" if more else "")
    where = "The library has" if turn.doc_ids is None else "The chosen labels cover"
    return f"Which drug? {where}: {listed}. Name one in your question."


def turn_answer(question: str, turn: Turn, focus: QuestionFocus) -> Answer | None:
    """The answer a turn gives without retrieval: a question back, or why it cannot be answered."""
    if turn.problem:
        return Answer(question, turn.problem, True, 0.0, (), (), (), {})
    if asks_back(turn, focus):
        return Answer(question, clarifying_question(turn), True, 0.0, (), (), (), {})
    return None


def asks_back(turn: Turn, focus: QuestionFocus) -> bool:
    """Whether the turn answers "Which drug?": it names none of the library's drugs, the
    library has several, and the question names no drug at all ("no monograph for X" says
    more, and a drug word the labels' text uses is searched for)."""
    return bool(turn.clarify) and not focus.unknown_drugs and not focus.mentioned_drugs


def answer_fields(turn: Turn, focus: QuestionFocus) -> dict:
    """interpreted_as / drugs / clarify of the answer; a drug the library lacks leaves no drugs."""
    missing = bool(focus.unknown_drugs) and focus.drug_docs is None
    return {"interpreted_as": turn.interpreted_as, "drugs": () if missing else turn.drugs,
            "clarify": turn.clarify if asks_back(turn, focus) else ()}
