"""Thumbs up/down on answers, kept in SQLite so nothing is lost when the app restarts."""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path

VOTES = ("up", "down", "cleared")  # "cleared": the user clicked the same thumb again to undo
_SCHEMA = """
CREATE TABLE IF NOT EXISTS feedback (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    created_at TEXT NOT NULL,             -- UTC, ISO 8601
    vote TEXT NOT NULL CHECK (vote IN ('up', 'down', 'cleared')),
    question TEXT NOT NULL,
    answer TEXT NOT NULL,
    abstained INTEGER NOT NULL,
    confidence REAL NOT NULL,
    citations TEXT NOT NULL,              -- JSON list, as in `python -m qa ask --json`
    session TEXT NOT NULL DEFAULT '',     -- Gradio session hash, groups one user's votes
    message_index INTEGER NOT NULL DEFAULT -1
)
"""


class FeedbackStore:
    """One short connection per call, so any server thread may record a vote."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with closing(self._connect()) as db, db:
            db.execute("PRAGMA journal_mode=WAL")  # readers do not block the writer
            db.execute(_SCHEMA)

    def _connect(self) -> sqlite3.Connection:
        return sqlite3.connect(self.path, timeout=10)

    def record(self, vote: str, answer: dict, session: str = "", message_index: int = -1) -> int:
        """Store a vote on an answer (the `ask --json` dict); returns the row id."""
        if vote not in VOTES:
            raise ValueError(f"vote {vote!r} is not one of {', '.join(VOTES)}")
        row = (datetime.now(UTC).isoformat(timespec="seconds"), vote, answer["question"], answer["answer"],
               int(answer["abstained"]), float(answer["confidence"]),
               json.dumps(list(answer["citations"]), ensure_ascii=False), session, message_index)
        with closing(self._connect()) as db, db:
            cursor = db.execute(
                "INSERT INTO feedback (created_at, vote, question, answer, abstained, confidence, citations,"
                " session, message_index) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", row)
            return int(cursor.lastrowid)

    def rows(self) -> list[dict]:
        with closing(self._connect()) as db:
            db.row_factory = sqlite3.Row
            return [dict(r) for r in db.execute("SELECT * FROM feedback ORDER BY id")]
