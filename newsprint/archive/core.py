"""The archive: keep every rendered story, find it again, prove nothing was lost.

An add stores each file of a render (print pages, PDF/A copy, proof, source
copy, edition file, manifest) in the content-addressed store first — each one
durable under its hash before anything names it — and only then commits one
catalogue transaction. A kill at any moment leaves either no trace in the
catalogue or a complete entry; at worst unreferenced objects, which the next
add of the same bytes reuses. A story is (paper, date, manifest name); adding
the same render again is recognised by a fingerprint of its files and metadata,
and a changed render becomes a new version with the old ones kept.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import os
import re
import shutil
import sqlite3
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from newsprint.archive import catalogue as cat
from newsprint.archive.query import parse_query
from newsprint.archive.store import (
    ALTERED,
    DIGEST_RE,
    MISSING,
    LocalStore,
    Store,
    sha256_file,
)
from newsprint.config import PROJECT_ROOT
from newsprint.errors import UserError

ENV = "NEWSPRINT_ARCHIVE"
CATALOGUE = "catalogue.sqlite"
DATE_RE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
META = ("pages", "source", "edition_file", "archive_pdf", "proof")  # kept as given, for show
TEXT_FIELDS = ("paper", "date", "story", "edition", "format", "kicker", "tool_version")
VOLATILE = ("source", "edition_file", "rendered_at", "tool_version")


@dataclass(frozen=True)
class AddResult:
    """What an add did: the catalogue id and version, or the entry it duplicated."""

    id: int
    story: str
    paper: str
    date: str
    version: int
    duplicate: bool
    files: int
    new_files: int

    def __str__(self) -> str:
        what = "already archived as" if self.duplicate else "added as"
        return (
            f"{self.story} ({self.paper} {self.date}): {what} #{self.id} v{self.version}"
            f" — {self.files} files, {self.new_files} new in the store"
        )


@dataclass
class Archive:
    """An open archive: its file store and its catalogue; close conn when done."""

    root: Path
    store: Store
    conn: sqlite3.Connection


def archive_dir(option: str | None = None) -> Path:
    """--archive DIR, else $NEWSPRINT_ARCHIVE, else archive/ in the project."""
    return Path(option or os.environ.get(ENV) or PROJECT_ROOT / "archive")


def open_archive(root: Path) -> Archive:
    store = LocalStore(root)
    return Archive(root, store, cat.connect(root / CATALOGUE))


def read_manifest(folder: Path) -> tuple[dict, list[tuple[str, str, int | None, Path]]]:
    """The manifest of a render folder and the files it names: (role, name, page, path)."""
    mpath = folder / "manifest.json"
    if not mpath.is_file():
        raise UserError(f"{folder}: no manifest.json; pass a rendered story's folder out/<story>/")
    try:
        m = json.loads(mpath.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise UserError(f"{mpath}: not valid UTF-8 JSON ({e}); render the story again") from None
    if not isinstance(m, dict):
        raise UserError(f"{mpath}: not a render manifest; render the story again")
    for key in ("story", "paper", "date", "source"):
        if not isinstance(m.get(key), str) or not m[key]:
            raise UserError(f"{mpath}: {key!r} is missing or empty; render the story again")
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", m["date"]):
        raise UserError(f"{mpath}: date {m['date']!r} is not YYYY-MM-DD; fix the edition file")
    pages = m.get("pages")
    if not (isinstance(pages, list) and pages and all(map(_page_entry, pages))):
        raise UserError(f"{mpath}: 'pages' must list {{number, file}} entries; render again")
    files = [("manifest", "manifest.json", None, mpath)]
    files += [("page", p["file"], p["number"], folder / p["file"]) for p in pages]
    for role, key in (("archive", "archive_pdf"), ("proof", "proof")):
        if m.get(key):
            files.append((role, m[key], None, folder / m[key]))
    for role, key in (("source", "source"), ("edition", "edition_file")):
        if m.get(key):
            files.append((role, Path(m[key]).name, None, folder / m[key]))
    for _, _, _, path in files:
        if not path.is_file():
            raise UserError(f"{path}: named in {mpath} but missing; render the story again")
    return m, files


def fit_to_archive(m: dict, mpath: Path) -> None:
    """Only a render that passed every check and made an archive copy is archived."""
    again = "render it again with `render.py STORY --archive`"
    if m.get("preflight") != "passed":
        said = m.get("preflight")
        why = f"the render failed its checks (preflight: {said})" if said else "no check verdict"
        raise UserError(f"{mpath}: {why}; fix the errors the render reported, then {again}")
    if not m.get("archive_pdf") or m.get("archive_copy") is False:
        raise UserError(
            f"{mpath}: this render has no archive copy (a designer's render from "
            f"watch or serve); {again}"
        )
    for key in ("copy_sha256", "edition_sha256"):
        if not isinstance(m.get(key), str) or not DIGEST_RE.match(m[key]):
            raise UserError(f"{mpath}: {key!r} is missing (an older render); {again}")


def same_sources(m: dict, mpath: Path, hashed: list) -> None:
    """The copy and edition file to be stored are the ones that were rendered."""
    expected = {"source": m["copy_sha256"], "edition": m["edition_sha256"]}
    for role, _name, _page, digest, path in hashed:
        if role in expected and digest != expected[role]:
            raise UserError(
                f"{path}: changed since it was rendered ({mpath} has another hash); "
                "render the story again, check the proof, then archive it"
            )


def _page_entry(p) -> bool:
    return isinstance(p, dict) and isinstance(p.get("number"), int) and bool(p.get("file"))


def _record(m: dict, mpath: Path, hashed: list) -> tuple[dict, dict, list, list]:
    """Catalogue row, searchable parts, pages and bylines for one manifest."""
    headlines = list(
        dict.fromkeys(h for h in [m.get("headline"), *(m.get("headlines") or [])] if h)
    )
    bylines = [b.strip() for b in m.get("bylines") or [] if b.strip()]
    speakers = [s.strip() for s in m.get("speakers") or [] if s.strip()]
    pages = [(p["number"], p.get("section") or "") for p in m["pages"]]
    sections = list(dict.fromkeys(s for _, s in pages if s))
    meta = {k: m.get(k) for k in META}
    meta.update(headlines=headlines, bylines=bylines, speakers=speakers)
    # Same content, same fingerprint: paths, times and the tool version do not count.
    content = {k: v for k, v in m.items() if k not in VOLATILE}
    files = sorted([r, n, p, d] for r, n, p, d, _ in hashed if r != "manifest")
    blob = json.dumps([content, files], ensure_ascii=False, sort_keys=True).encode()
    rendered = m.get("rendered_at") or datetime.fromtimestamp(mpath.stat().st_mtime, UTC)
    rec = {k: str(m.get(k) or "") for k in TEXT_FIELDS}
    rec["fingerprint"] = hashlib.sha256(blob).hexdigest()
    rec["meta"] = json.dumps(meta, ensure_ascii=False)
    rec.update(headline=headlines[0] if headlines else "", section=" / ".join(sections))
    rec.update(added_at=datetime.now(UTC).isoformat(timespec="seconds"))
    rec["rendered_at"] = rendered if isinstance(rendered, str) else rendered.isoformat()
    people = list(dict.fromkeys(bylines + speakers))
    titles = [m.get("kicker") or "", *headlines]
    index = dict(titles=titles, section=sections, people=people, text=m.get("text") or "")
    return rec, index, pages, bylines


def add(arch: Archive, folder: Path) -> AddResult:
    """Archive one render folder: files durable first, then one catalogue commit.

    The temp files of adds killed mid-write go first; a render that failed, has no
    archive copy, or whose copy or edition file changed since it was rendered is
    refused (the store checks the bytes it copies against the hashes checked here).
    """
    arch.store.clean_temps()
    m, files = read_manifest(folder)
    fit_to_archive(m, folder / "manifest.json")
    hashed = [(r, n, p, sha256_file(path), path) for r, n, p, path in files]
    same_sources(m, folder / "manifest.json", hashed)
    rec, index, pages, bylines = _record(m, folder / "manifest.json", hashed)
    same = dict(story=rec["story"], paper=rec["paper"], date=rec["date"], files=len(hashed))
    if (row := cat.by_fingerprint(arch.conn, rec["fingerprint"])) is not None:
        return AddResult(row["id"], version=row["version"], duplicate=True, new_files=0, **same)
    new = sum(arch.store.put(path, digest) for _, _, _, digest, path in hashed)
    rows = [(r, n, p, d, path.stat().st_size) for r, n, p, d, path in hashed]
    with cat.transaction(arch.conn):
        if (row := cat.by_fingerprint(arch.conn, rec["fingerprint"])) is not None:
            # another process added it meanwhile; our objects were the same bytes
            return AddResult(row["id"], version=row["version"], duplicate=True, new_files=0, **same)
        sid, version = cat.insert_story(arch.conn, rec, index, pages, bylines, rows)
    cat.refresh_stats(arch.conn, sid)
    return AddResult(sid, version=version, duplicate=False, new_files=new, **same)


def add_rendered(out_dir: Path, archive_dir: Path) -> AddResult:
    """For `render --archive`: archive the story the render just wrote to out_dir."""
    arch = open_archive(Path(archive_dir))
    try:
        return add(arch, Path(out_dir))
    finally:
        arch.conn.close()


def story_folders(path: Path) -> list[Path]:
    """A story folder itself, or every story folder under an out/ folder.

    Hidden folders are a render's staging (output/stage.py), never a finished story.
    """
    if (path / "manifest.json").is_file():
        return [path]
    found = sorted(p.parent for p in path.glob("*/manifest.json")) if path.is_dir() else []
    found = [p for p in found if not p.name.startswith(".")]
    if not found:
        raise UserError(f"{path}: no manifest.json here or one level down; render first")
    return found


def _hit(row: sqlite3.Row, terms: list[str]) -> dict:
    """A search hit as data: where the story ran and a snippet from where it matched."""
    fields = [row["text"], row["titles"], row["people"], row["indexed_section"]]
    text = next((f for f in fields if any(t.lower() in f.lower() for t in terms)), row["text"])
    snip, spans = cat.snippet(text, terms)
    return dict(brief(row), snippet=snip, highlights=spans)


def brief(row: sqlite3.Row) -> dict:
    pages = [int(n) for n in (row["pages"] or "").split(",") if n]
    keys = ("id", "story", "version", "paper", "date", "edition", "kicker", "headline")
    return dict(
        {k: row[k] for k in keys}, current=bool(row["current"]), pages=pages, section=row["section"]
    )


def search(arch: Archive, query: list[str], f: cat.Filters, limit: int, relevance: bool) -> dict:
    """Stories matching the words of `query` in the search syntax of archive/query.py."""
    q = parse_query(query)
    total, rows = cat.search(arch.conn, q, f, limit, relevance)
    return {"query": str(q), "total": total, "results": [_hit(r, q.terms) for r in rows]}


def lookup(arch: Archive, ident: str) -> sqlite3.Row:
    """A catalogue entry by number, or the current version of a story by manifest name."""
    if ident.isdigit():
        row = cat.story(arch.conn, int(ident))
    else:
        named = cat.newest_named(arch.conn, ident)
        if len(named) > 1:
            which = ", ".join(f"#{r['id']} ({r['paper']} {r['date']})" for r in named)
            raise UserError(f"{ident}: several stories have this name: {which}; give the number")
        row = cat.story(arch.conn, named[0]["id"]) if named else None
    if row is None:
        raise UserError(f"{ident}: no such story in {arch.root}; find it with `archive search`")
    return row


def show(arch: Archive, ident: str) -> dict:
    row = lookup(arch, ident)
    meta = json.loads(row["meta"])
    meta.pop("pages", None)  # the files list has them, with their hashes
    keys = ("format", "rendered_at", "added_at", "tool_version", "fingerprint")
    return dict(
        brief(row),
        **{k: row[k] for k in keys},
        **meta,
        files=[dict(f) for f in cat.files(arch.conn, row["id"])],
        versions=[brief(v) for v in cat.versions(arch.conn, row)],
    )


def export(arch: Archive, ident: str, dest: Path) -> list[Path]:
    """Write an entry's files into dest under their own names, each checked on the way.

    Every file is read and checked against its hash before dest is touched, and
    written beside it first: a failed export leaves no partial folder or file.
    """
    row = lookup(arch, ident)
    files = cat.files(arch.conn, row["id"])
    names: list[str] = []
    for f in files:  # a clash of names (unlikely) is resolved by the file's role
        name = Path(f["name"]).name
        names.append(f"{f['role']}-{name}" if name in names else name)
    for f, name in zip(files, names, strict=True):
        target = dest / name
        if target.exists() and sha256_file(target) != f["sha256"]:
            raise UserError(f"{target}: exists with other content; export into an empty folder")
    data = [arch.store.get(f["sha256"]) for f in files]  # UserError if missing or altered
    created = not dest.exists()
    try:
        dest.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{dest.name}.", dir=dest.parent))
    except OSError as e:
        raise UserError(f"{dest}: cannot create it ({e.strerror}); choose another") from None
    try:
        for blob, name in zip(data, names, strict=True):
            (staging / name).write_bytes(blob)
        if created:
            os.replace(staging, dest)
        else:
            for name in names:
                os.replace(staging / name, dest / name)
    except OSError as e:
        raise UserError(
            f"{dest}: cannot write the export ({e.strerror}); nothing was written"
        ) from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return [dest / name for name in names]


def verify(arch: Archive) -> dict:
    """Re-hash every file the catalogue names; also check the catalogue file itself."""
    problems, checked, referenced = [], 0, set()
    for digest, refs in itertools.groupby(cat.all_hashes(arch.conn), key=lambda r: r[0]):
        referenced.add(digest)
        checked += 1
        status = arch.store.verify(digest)
        if status in (MISSING, ALTERED):
            used = [{"id": sid, "name": name} for _, sid, name in refs]
            path = arch.store.where(digest)
            problems.append(dict(status=status, sha256=digest, path=path, used_by=used))
    orphans = sum(1 for d in arch.store.digests() if d not in referenced)
    return {
        "stories": cat.count(arch.conn),
        "files": checked,
        "problems": problems,
        "catalogue": cat.check(arch.conn) or ["ok"],
        "unreferenced": orphans,
        "stray_temps": len(stray := arch.store.stray_temps()),
        "stray_temp_files": [str(p) for p in stray],
    }
