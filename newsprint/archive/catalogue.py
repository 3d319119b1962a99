"""The archive's SQLite catalogue: stories, their pages and files, full-text search.

One database file next to the file store. WAL journal with synchronous=FULL so
a committed add survives a crash and readers never block writers; a busy
timeout so two adding processes queue instead of failing. Search uses FTS5
with the trigram tokenizer, which needs no word segmentation for Chinese.
Trigram cannot see 1–2 character queries, so:

* two characters: every indexed value ends in "\\n", so each occurrence of a
  character pair is the start of some trigram; the pair is expanded through the
  index's own vocabulary (fts5vocab, a B-tree range scan) into an OR of those
  trigrams. Still an index lookup, exact, and no second index to keep.
* one character: a LIKE scan, newest first, that stops at the page of hits and
  is not counted; a lone character matches nearly every story anyway.

The index's rowid is ord = yyyymmdd·10⁸ + id, so matches come out newest first:
a newest-first search reads only its page of hits (then counts the rest without
touching text), and a date range is a rowid range the index seeks to.
"""

from __future__ import annotations

import re
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

from newsprint.errors import UserError

SCHEMA_VERSION = 1
BUSY_TIMEOUT_S = 60.0
MAX_PAIR_EXPANSION = 4000  # more trigrams than this: the pair is common, a scan is as cheap
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

PAGES = (
    "(SELECT group_concat(number, ',') FROM "
    "(SELECT number FROM pages p WHERE p.story_id = s.id ORDER BY number)) AS pages"
)
BRIEF = (
    "s.id, s.story, s.version, s.current, s.paper, s.date, s.edition, s.section, "
    "s.kicker, s.headline, s.rendered_at, " + PAGES
)


@dataclass(frozen=True)
class Filters:
    """Narrowing of a listing or search; empty fields do not filter."""

    paper: str = ""
    date_from: str = ""  # YYYY, YYYY-MM or YYYY-MM-DD, inclusive
    date_to: str = ""
    section: str = ""
    byline: str = ""
    all_versions: bool = False


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


def by_fingerprint(conn: sqlite3.Connection, fingerprint: str) -> sqlite3.Row | None:
    return conn.execute(
        f"SELECT {BRIEF} FROM stories s WHERE fingerprint = ?", (fingerprint,)
    ).fetchone()


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


def _ord_bound(day: str, high: bool) -> int:
    """The ord at the start (or end) of a YYYY[-MM[-DD]] period."""
    digits = day.replace("-", "")
    return int(digits.ljust(8, "9" if high else "0")) * ORD_SPAN + (ORD_SPAN - 1 if high else 0)


def _dates(f: Filters, col: str) -> tuple[list[str], list]:
    conds = [
        (f"{col} >= ?", f.date_from and _ord_bound(f.date_from, False)),
        (f"{col} <= ?", f.date_to and _ord_bound(f.date_to, True)),
    ]
    return [c for c, v in conds if v], [v for _, v in conds if v]


def _story_filter(f: Filters, plus: str = "") -> tuple[list[str], list]:
    """Conditions on stories s. plus="+" when they only check a row found by ord;
    without it the planner may try an id set as the lookup, once per match."""
    conds = [
        ("s.paper = ?", f.paper),
        (f"{plus}s.id IN (SELECT story_id FROM pages WHERE section = ?)", f.section),
        (f"{plus}s.id IN (SELECT story_id FROM bylines WHERE name = ?)", f.byline),
    ]
    where = [] if f.all_versions else ["s.current = 1"]
    return where + [c for c, v in conds if v], [v for _, v in conds if v]


def list_stories(conn: sqlite3.Connection, f: Filters, limit: int) -> tuple[int, list]:
    """Stories newest date first (then newest added), with the total before the limit."""
    (dates, dargs), (conds, cargs) = _dates(f, "s.ord"), _story_filter(f)
    cond, args = " AND ".join(dates + conds) or "1", dargs + cargs
    total = conn.execute(f"SELECT count(*) FROM stories s WHERE {cond}", args).fetchone()[0]
    rows = conn.execute(
        f"SELECT {BRIEF} FROM stories s WHERE {cond} ORDER BY s.ord DESC LIMIT ?",
        [*args, limit],
    ).fetchall()
    return total, rows


def _quote(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


def _pair_grams(conn: sqlite3.Connection, pair: str) -> list[str]:
    """The indexed trigrams that start with a character pair (a range scan of the vocabulary)."""
    low = pair.lower()
    sql = "SELECT term FROM story_terms WHERE term >= ? AND term < ? LIMIT ?"
    upper = low[0] + chr(ord(low[1]) + 1)
    return [r[0] for r in conn.execute(sql, (low, upper, MAX_PAIR_EXPANSION + 1))]


def match_plan(conn: sqlite3.Connection, terms: list[str]) -> tuple[str | None, list[str]]:
    """FTS5 expression for the terms the index can answer, and the terms left to LIKE.

    The expression is None when no term can use the index, "" when a term
    cannot match at all.
    """
    parts, scan = [], []
    for term in terms:
        grams = _pair_grams(conn, term) if len(term) == 2 else []
        if len(term) >= 3:
            parts.append(_quote(term))
        elif len(term) == 2 and not grams:
            return "", []
        elif 0 < len(grams) <= MAX_PAIR_EXPANSION:
            parts.append("(" + " OR ".join(map(_quote, grams)) + ")")
        else:
            scan.append(term)
    return (" AND ".join(parts) if parts else None), scan


def _all(conds: list[str], op: str = " AND ") -> str:
    return op.join(f"({c})" for c in conds)


def _like(term: str) -> str:
    return "%" + re.sub(r"([%_\\])", r"\\\1", term) + "%"


def search(
    conn: sqlite3.Connection, terms: list[str], f: Filters, limit: int, by_relevance: bool
) -> tuple[int | None, list]:
    """Stories containing every term (in text, headlines, section or names).

    Newest first by default: the index hands out matches in ord order, so the
    first `limit` that pass the filters are the answer and the rest are only
    counted. By relevance (FTS5 bm25) every match is ranked. The total is None
    when a one-character term needs a scan: that stops at `limit` instead.
    Rows carry the indexed text for the caller's snippet.
    """
    expr, scan = match_plan(conn, terms)
    if expr == "":
        return 0, []
    # The index (or the text table) is alone in FROM and each match is checked against
    # its story with EXISTS: matches then come in ord order and LIMIT stops early. A
    # join lets the planner reorder, or build a Bloom filter over every story first.
    key, table = ("story_fts.rowid", "story_fts") if expr else ("t.ord", "story_text t")
    where, args = _dates(f, key)
    if expr:
        where, args = ["story_fts MATCH ?", *where], [expr, *args]
    conds, cargs = _story_filter(f, "+")
    if conds:
        where.append(f"EXISTS (SELECT 1 FROM stories s WHERE s.ord = {key} AND {_all(conds)})")
        args += cargs
    if scan:
        one = _all([f"t.{c} LIKE ? ESCAPE '\\'" for c in TEXT_COLS], " OR ")
        like = _all([one] * len(scan))
        if expr:
            like = f"EXISTS (SELECT 1 FROM story_text t WHERE t.ord = {key} AND {like})"
        where.append(like)
        args += [_like(t) for t in scan for _ in TEXT_COLS]
    cond = _all(where) or "1"
    order = "story_fts.rank" if (expr and by_relevance) else f"{key} DESC"
    sql = f"SELECT {key} % {ORD_SPAN} FROM {table} WHERE {cond} ORDER BY {order} LIMIT ?"
    ids = [r[0] for r in conn.execute(sql, [*args, limit])]
    total = None  # a search with a one-character scan stops at `limit`, uncounted
    if not scan and len(ids) < limit:
        total = len(ids)
    elif not scan:
        total = conn.execute(f"SELECT count(*) FROM {table} WHERE {cond}", args).fetchone()[0]
    rows = conn.execute(
        f"SELECT {BRIEF}, t.titles, t.section AS indexed_section, t.people, t.text "
        f"FROM stories s JOIN story_text t ON t.ord = s.ord "
        f"WHERE s.id IN ({', '.join('?' * len(ids))})",
        ids,
    ).fetchall()
    rank = {sid: i for i, sid in enumerate(ids)}
    return total, sorted(rows, key=lambda r: rank[r["id"]])


def story(conn: sqlite3.Connection, sid: int) -> sqlite3.Row | None:
    return conn.execute(f"SELECT s.*, {PAGES} FROM stories s WHERE s.id = ?", (sid,)).fetchone()


def newest_named(conn: sqlite3.Connection, name: str) -> list:
    """Current versions of stories with this manifest name (one per paper and date)."""
    return conn.execute(
        "SELECT id, paper, date FROM stories WHERE story = ? AND current = 1 ORDER BY ord DESC",
        (name,),
    ).fetchall()


def versions(conn: sqlite3.Connection, row: sqlite3.Row) -> list:
    """Every version of the same story, newest first."""
    return conn.execute(
        f"SELECT {BRIEF} FROM stories s WHERE paper = ? AND date = ? AND story = ? "
        "ORDER BY version DESC",
        (row["paper"], row["date"], row["story"]),
    ).fetchall()


def files(conn: sqlite3.Connection, sid: int) -> list:
    return conn.execute(
        "SELECT role, name, page, sha256, size FROM files WHERE story_id = ? "
        "ORDER BY CASE role WHEN 'page' THEN 0 WHEN 'archive' THEN 1 WHEN 'proof' THEN 2 "
        "WHEN 'source' THEN 3 WHEN 'edition' THEN 4 ELSE 5 END, page, name",
        (sid,),
    ).fetchall()


def all_hashes(conn: sqlite3.Connection) -> Iterator[tuple[str, int, str]]:
    """(sha256, story id, file name) for every file the catalogue names, by hash."""
    yield from conn.execute("SELECT sha256, story_id, name FROM files ORDER BY sha256")


def count(conn: sqlite3.Connection) -> int:
    return conn.execute("SELECT count(*) FROM stories").fetchone()[0]


def check(conn: sqlite3.Connection) -> list[str]:
    """SQLite's own consistency check of the catalogue file: [] when sound."""
    rows = [r[0] for r in conn.execute("PRAGMA quick_check")]
    return [] if rows == ["ok"] else rows


def snippet(text: str, terms: list[str], width: int = 64) -> tuple[str, list[list[int]]]:
    """A window of text around the first hit, and [start, end) spans of every hit in it."""
    flat = text.replace("\n", " ").strip()
    low, needles = flat.lower(), [t.lower() for t in terms if t]
    hits = [i for i in (low.find(t) for t in needles) if i >= 0]
    start = max(0, min(hits) - width // 3) if hits else 0
    end = min(len(flat), start + width)
    pre, post = ("…" if start else ""), ("…" if end < len(flat) else "")
    wlow, spans = low[start:end], []
    for t in needles:
        spans += [[i, i + len(t)] for i in range(len(wlow)) if wlow.startswith(t, i)]
    merged: list[list[int]] = []
    for s, e in sorted(spans):
        if merged and s <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], e)
        else:
            merged.append([s, e])
    k = len(pre)
    return pre + flat[start:end] + post, [[s + k, e + k] for s, e in merged]


def marked(text: str, spans: list[list[int]], mark: tuple[str, str] = ("【", "】")) -> str:
    """The snippet with each hit between marks, for people rather than programs."""
    out, last = [], 0
    for s, e in spans:
        out += [text[last:s], mark[0], text[s:e], mark[1]]
        last = e
    return "".join([*out, text[last:]])
