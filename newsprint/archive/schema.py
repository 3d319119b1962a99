"""The catalogue's tables and how rows get in: schema, connection, one story's insert.

WAL journal with synchronous=FULL, so a committed add survives a crash and
readers never block writers; a busy timeout, so two adding processes queue
instead of failing. The queries are in catalogue.py.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from newsprint.errors import UserError

SCHEMA_VERSION = 1
BUSY_TIMEOUT_S = 60.0
TEXT_COLS = ("titles", "section", "people", "text")
ORD_SPAN = 10**8  # ord = yyyymmdd * ORD_SPAN + id: sorts by date, then by order added

SCHEMA = """
CREATE TABLE IF NOT EXISTS stories (
    id INTEGER PRIMARY KEY,
    ord INTEGER NOT NULL,
    paper TEXT NOT NULL,
    date TEXT NOT NULL,
    story TEXT NOT NULL,
    version INTEGER NOT NULL,
    current INTEGER NOT NULL,
    fingerprint TEXT NOT NULL UNIQUE,
    edition TEXT NOT NULL,
    format TEXT NOT NULL,
    kicker TEXT NOT NULL,
    headline TEXT NOT NULL,
    section TEXT NOT NULL,
    meta TEXT NOT NULL,
    rendered_at TEXT NOT NULL,
    added_at TEXT NOT NULL,
    tool_version TEXT NOT NULL,
    UNIQUE (paper, date, story, version)
);
CREATE INDEX IF NOT EXISTS stories_by_name ON stories (story);
-- ord is unique by itself (it ends in the id); the other columns make the index cover
-- the per-match check of a search and the count of a listing without touching rows.
CREATE UNIQUE INDEX IF NOT EXISTS stories_by_ord ON stories (ord, current, paper);
CREATE TABLE IF NOT EXISTS story_text (
    ord INTEGER PRIMARY KEY,
    titles TEXT NOT NULL,
    section TEXT NOT NULL,
    people TEXT NOT NULL,
    text TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS pages (
    story_id INTEGER NOT NULL REFERENCES stories (id),
    number INTEGER NOT NULL,
    section TEXT NOT NULL,
    PRIMARY KEY (story_id, number)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS pages_by_section ON pages (section, story_id);
CREATE TABLE IF NOT EXISTS bylines (
    name TEXT NOT NULL,
    story_id INTEGER NOT NULL REFERENCES stories (id),
    PRIMARY KEY (name, story_id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS files (
    story_id INTEGER NOT NULL REFERENCES stories (id),
    role TEXT NOT NULL,
    name TEXT NOT NULL,
    page INTEGER,
    sha256 TEXT NOT NULL,
    size INTEGER NOT NULL,
    PRIMARY KEY (story_id, role, name)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS files_by_hash ON files (sha256);
CREATE VIRTUAL TABLE IF NOT EXISTS story_fts USING fts5 (
    titles, section, people, text,
    content = 'story_text', content_rowid = 'ord', tokenize = 'trigram'
);
CREATE VIRTUAL TABLE IF NOT EXISTS story_terms USING fts5vocab (story_fts, 'row');
CREATE TRIGGER IF NOT EXISTS story_text_indexed AFTER INSERT ON story_text BEGIN
    INSERT INTO story_fts (rowid, titles, section, people, text)
    VALUES (new.ord, new.titles, new.section, new.people, new.text);
END;
"""


def connect(path: Path) -> sqlite3.Connection:
    """Open (creating if new) the catalogue, in autocommit mode: we BEGIN ourselves."""
    try:
        conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_S, isolation_level=None)
        conn.row_factory = sqlite3.Row
        conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
        _set_wal(conn)
        conn.execute("PRAGMA synchronous = FULL")
        conn.execute("PRAGMA foreign_keys = ON")
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        if version == 0:  # new, or being created by another process: IF NOT EXISTS throughout
            conn.executescript(
                f"BEGIN IMMEDIATE; {SCHEMA} PRAGMA user_version = {SCHEMA_VERSION}; COMMIT;"
            )
        elif version != SCHEMA_VERSION:
            raise UserError(
                f"{path}: catalogue schema {version}, this newsprint reads {SCHEMA_VERSION}; "
                "use the newsprint version that wrote it"
            )
    except sqlite3.DatabaseError as e:
        raise UserError(
            f"{path}: cannot open the archive catalogue ({e}); "
            "check the path, or restore the file from backup"
        ) from None
    return conn


def _set_wal(conn: sqlite3.Connection) -> None:
    """WAL persists in the file; two first openers switching at once may meet a lock
    that SQLite reports at once rather than waiting out, so wait here."""
    for _ in range(int(BUSY_TIMEOUT_S * 20)):
        with suppress(sqlite3.OperationalError):
            conn.execute("PRAGMA journal_mode = WAL")
            return
        time.sleep(0.05)
    conn.execute("PRAGMA journal_mode = WAL")


@contextmanager
def transaction(conn: sqlite3.Connection) -> Iterator[None]:
    """BEGIN IMMEDIATE … COMMIT: takes the write lock up front so adds never deadlock."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def _indexed(parts: list[str]) -> str:
    """Join for the index, ending in a newline so every character pair starts a trigram."""
    return "\n".join(p for p in parts if p).strip("\n") + "\n"


def insert_story(
    conn: sqlite3.Connection, rec: dict, index: dict, pages: list, bylines: list, files: list
) -> tuple[int, int]:
    """Add one story as the newest version of (paper, date, story); call inside a transaction.

    rec holds the stories columns; index the searchable parts (titles, section,
    people: lists; text); pages are (number, section); files are (role, name,
    page, sha256, size). Older versions stay, marked not current.
    """
    key = (rec["paper"], rec["date"], rec["story"])
    last = conn.execute(
        "SELECT max(version) FROM stories WHERE paper = ? AND date = ? AND story = ?", key
    ).fetchone()[0]
    conn.execute(
        "UPDATE stories SET current = 0 WHERE paper = ? AND date = ? AND story = ? AND current",
        key,
    )
    sid = conn.execute("SELECT coalesce(max(id), 0) + 1 FROM stories").fetchone()[0]
    ordkey = int(rec["date"].replace("-", "")) * ORD_SPAN + sid
    cols = dict(rec, id=sid, ord=ordkey, version=(last or 0) + 1, current=1)
    conn.execute(
        f"INSERT INTO stories ({', '.join(cols)}) VALUES ({', '.join(':' + c for c in cols)})",
        cols,
    )
    texts = [_indexed(index[k]) for k in ("titles", "section", "people")]
    conn.execute(
        "INSERT INTO story_text (ord, titles, section, people, text) VALUES (?, ?, ?, ?, ?)",
        (ordkey, *texts, _indexed([index["text"]])),
    )
    conn.executemany(
        "INSERT INTO pages (story_id, number, section) VALUES (?, ?, ?)",
        [(sid, n, s) for n, s in pages],
    )
    conn.executemany(
        "INSERT INTO bylines (name, story_id) VALUES (?, ?)",
        [(n, sid) for n in dict.fromkeys(bylines)],
    )
    conn.executemany(
        "INSERT INTO files (story_id, role, name, page, sha256, size) VALUES (?, ?, ?, ?, ?, ?)",
        [(sid, *f) for f in files],
    )
    return sid, cols["version"]


def refresh_stats(conn: sqlite3.Connection, count: int) -> None:
    """Sampled planner statistics at 1, 2, 4, 8, … stories: a few ms, and without them
    the planner scans every story for a listing a byline or section could drive."""
    if count & (count - 1) == 0:
        conn.execute("PRAGMA analysis_limit = 1000")
        conn.execute("ANALYZE")
