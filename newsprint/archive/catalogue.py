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
from collections.abc import Iterator
from dataclasses import dataclass, field

from newsprint.archive.query import Query
from newsprint.archive.schema import (  # noqa: F401 (the catalogue's whole interface)
    ORD_SPAN,
    TEXT_COLS,
    connect,
    insert_story,
    refresh_stats,
    transaction,
)

MAX_PAIR_EXPANSION = 4000  # more trigrams than this: the pair is common, a scan is as cheap

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


def by_fingerprint(conn: sqlite3.Connection, fingerprint: str) -> sqlite3.Row | None:
    return conn.execute(
        f"SELECT {BRIEF} FROM stories s WHERE fingerprint = ?", (fingerprint,)
    ).fetchone()


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


def _term_expr(conn: sqlite3.Connection, term: str) -> str | None:
    """FTS5 expression for one term: None when only a scan can find it, "" when it
    cannot occur (a pair no indexed text has)."""
    if len(term) >= 3:
        return _quote(term)
    if len(term) == 2:
        grams = _pair_grams(conn, term)
        if not grams:
            return ""
        if len(grams) <= MAX_PAIR_EXPANSION:
            return "(" + " OR ".join(map(_quote, grams)) + ")"
    return None


def match_plan(conn: sqlite3.Connection, query: Query) -> Plan:
    """What the index answers and what is left to LIKE, for a query's groups and exclusions.

    A group goes to the index when each of its terms can; otherwise the whole group is
    scanned. `expr` is None when no group can use the index, "" when nothing can match.
    """
    parts, scan = [], []
    for group in query.groups:
        exprs = [_term_expr(conn, t) for t in group]
        if None in exprs:
            scan.append(group)
            continue
        live = [e for e in exprs if e]
        if not live:
            return Plan("")
        parts.append(live[0] if len(live) == 1 else "(" + " OR ".join(live) + ")")
    out_parts, out_scan = [], []
    for term in query.excluded:
        expr = _term_expr(conn, term)
        if expr is None:
            out_scan.append(term)
        elif expr:  # "" never occurs, so excludes nothing
            out_parts.append(expr)
    return Plan(" AND ".join(parts) if parts else None, scan, " OR ".join(out_parts), out_scan)


@dataclass(frozen=True)
class Plan:
    expr: str | None  # FTS5 MATCH for the groups the index answers; "" = no match
    scan: list = field(default_factory=list)  # groups (tuples of terms) left to LIKE
    excluded: str = ""  # FTS5 MATCH of the stories to leave out
    excluded_scan: list = field(default_factory=list)  # excluded terms left to NOT LIKE


def _likes(plan: Plan) -> tuple[list[str], list[str]]:
    """LIKE conditions on story_text t: each scanned group found, each scanned exclusion not."""
    one = _all([f"t.{c} LIKE ? ESCAPE '\\'" for c in TEXT_COLS], " OR ")
    conds = [_all([one] * len(g), " OR ") for g in plan.scan]
    conds += [f"NOT ({one})" for _ in plan.excluded_scan]
    terms = [t for g in plan.scan for t in g] + list(plan.excluded_scan)
    return conds, [_like(t) for t in terms for _ in TEXT_COLS]


def _all(conds: list[str], op: str = " AND ") -> str:
    return op.join(f"({c})" for c in conds)


def _like(term: str) -> str:
    return "%" + re.sub(r"([%_\\])", r"\\\1", term) + "%"


def search(
    conn: sqlite3.Connection, query: Query, f: Filters, limit: int, by_relevance: bool
) -> tuple[int | None, list]:
    """Stories matching the query (archive/query.py) in text, headlines, section or names.

    Newest first by default: the index hands out matches in ord order, so the
    first `limit` that pass the filters are the answer and the rest are only
    counted. By relevance (FTS5 bm25) every match is ranked. The total is None
    when a one-character term needs a scan: that stops at `limit` instead.
    Rows carry the indexed text for the caller's snippet.
    """
    plan = match_plan(conn, query)
    expr = plan.expr
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
    if plan.excluded:
        where.append(f"{key} NOT IN (SELECT rowid FROM story_fts WHERE story_fts MATCH ?)")
        args.append(plan.excluded)
    likes, largs = _likes(plan)
    if likes:
        like = _all(likes)
        if expr:
            like = f"EXISTS (SELECT 1 FROM story_text t WHERE t.ord = {key} AND {like})"
        where.append(like)
        args += largs
    cond = _all(where) or "1"
    order = "story_fts.rank" if (expr and by_relevance) else f"{key} DESC"
    sql = f"SELECT {key} % {ORD_SPAN} FROM {table} WHERE {cond} ORDER BY {order} LIMIT ?"
    ids = [r[0] for r in conn.execute(sql, [*args, limit])]
    scan = likes  # a search with a one-character scan stops at `limit`, uncounted
    total = None
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
