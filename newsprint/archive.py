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

import argparse
import hashlib
import itertools
import json
import os
import re
import sqlite3
import sys
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

from . import catalogue as cat
from .config import PROJECT_ROOT
from .errors import UserError
from .store import ALTERED, MISSING, LocalStore, Store, sha256_file

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
    """Archive one render folder: files durable first, then one catalogue commit."""
    m, files = read_manifest(folder)
    hashed = [(r, n, p, sha256_file(path), path) for r, n, p, path in files]
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
    """A story folder itself, or every story folder under an out/ folder."""
    if (path / "manifest.json").is_file():
        return [path]
    found = sorted(p.parent for p in path.glob("*/manifest.json")) if path.is_dir() else []
    if not found:
        raise UserError(f"{path}: no manifest.json here or one level down; render first")
    return found


def _hit(row: sqlite3.Row, terms: list[str]) -> dict:
    """A search hit as data: where the story ran and a snippet from where it matched."""
    fields = [row["text"], row["titles"], row["people"], row["indexed_section"]]
    text = next((f for f in fields if any(t.lower() in f.lower() for t in terms)), row["text"])
    snip, spans = cat.snippet(text, terms)
    return dict(_brief(row), snippet=snip, highlights=spans)


def _brief(row: sqlite3.Row) -> dict:
    pages = [int(n) for n in (row["pages"] or "").split(",") if n]
    keys = ("id", "story", "version", "paper", "date", "edition", "kicker", "headline")
    return dict(
        {k: row[k] for k in keys}, current=bool(row["current"]), pages=pages, section=row["section"]
    )


def search(arch: Archive, query: list[str], f: cat.Filters, limit: int, relevance: bool) -> dict:
    terms = [t for q in query for t in q.split()]
    if not terms:
        raise UserError("archive search: give at least one word to look for")
    total, rows = cat.search(arch.conn, terms, f, limit, relevance)
    return {"query": " ".join(terms), "total": total, "results": [_hit(r, terms) for r in rows]}


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
        _brief(row),
        **{k: row[k] for k in keys},
        **meta,
        files=[dict(f) for f in cat.files(arch.conn, row["id"])],
        versions=[_brief(v) for v in cat.versions(arch.conn, row)],
    )


def export(arch: Archive, ident: str, dest: Path) -> list[Path]:
    """Write an entry's files into dest under their own names, each checked on the way."""
    row = lookup(arch, ident)
    files = cat.files(arch.conn, row["id"])
    names: list[str] = []
    for f in files:  # a clash of names (unlikely) is resolved by the file's role
        name = Path(f["name"]).name
        names.append(f"{f['role']}-{name}" if name in names else name)
    try:
        dest.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise UserError(f"{dest}: cannot create it ({e.strerror}); choose another") from None
    written = []
    for f, name in zip(files, names, strict=True):
        target = dest / name
        if target.exists() and sha256_file(target) != f["sha256"]:
            raise UserError(f"{target}: exists with other content; export into an empty folder")
        data = arch.store.get(f["sha256"])
        tmp = target.with_name(f".{name}.part")
        tmp.write_bytes(data)
        os.replace(tmp, target)
        written.append(target)
    return written


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
        "stray_temps": len(arch.store.stray_temps()),
    }


# ---- command line ---------------------------------------------------------------

SHOW_FIELDS = "kicker headlines bylines speakers format rendered_at added_at tool_version"
SHOW_FIELDS = (*SHOW_FIELDS.split(), "source", "edition_file")


def _filters(args) -> cat.Filters:
    for flag, value in (("--from", args.date_from), ("--to", args.date_to)):
        if value and not DATE_RE.match(value):
            raise UserError(f"{flag} {value}: give a date as YYYY, YYYY-MM or YYYY-MM-DD")
    return cat.Filters(
        args.paper, args.date_from, args.date_to, args.section, args.byline, args.all_versions
    )


def _line(d: dict) -> str:
    pages = "–".join(dict.fromkeys(str(n) for n in (d["pages"][0], d["pages"][-1])))
    old = "" if d["current"] else " (superseded)"
    where = f"{d['date']}  {d['paper']} {d['edition']}  p{pages} {d['section']}"
    return f"#{d['id']:<6} {where}  v{d['version']}{old}\n        {d['headline']}"


def _human(cmd: str, out) -> list[str]:
    """The text a person reads for each command's result."""
    if cmd == "add":
        return [str(AddResult(**r)) for r in out if "error" not in r]
    if cmd in ("search", "list"):
        n, query = out["total"], out.get("query")
        if n is None:
            lines = [f"newest stories containing {query} (single characters are not counted)"]
        else:
            lines = [_n(n, "story", "stories") + (f" match {query}" if query else "")]
        for d in out["results"]:
            lines.append(_line(d))
            if "snippet" in d:
                lines.append("        " + cat.marked(d["snippet"], d["highlights"]))
        return lines
    if cmd == "show":
        lines = [_line(out)]
        for k in SHOW_FIELDS:
            v = out.get(k)
            lines.append(f"  {k:<13} {'、'.join(v) if isinstance(v, list) else v or '—'}")
        lines.append("  files:")
        for f in out["files"]:
            role = f"{f['role']} {f['page']}" if f["page"] is not None else f["role"]
            lines.append(f"    {role:<9} {f['sha256'][:16]}…  {f['size']:>9} B  {f['name']}")
        lines.append("  versions, newest first:")
        this = {out["id"]: "  ← this one"}
        lines += [f"    v{v['version']} #{v['id']}{this.get(v['id'], '')}" for v in out["versions"]]
        return lines
    if cmd == "export":
        return out
    lines = []
    for p in out["problems"]:
        used = ", ".join(f"#{u['id']} {u['name']}" for u in p["used_by"])
        lines.append(f"{p['path']}: {p['status']} (used by {used}); restore it from backup")
    if out["catalogue"] != ["ok"]:
        lines.append("catalogue: " + "; ".join(out["catalogue"]) + "; restore it from backup")
    state = "all intact" if _intact(out) else f"{len(out['problems'])} files not intact"
    stories, files = _n(out["stories"], "story", "stories"), _n(out["files"], "file", "files")
    lines.append(f"{stories}, {files} in the store checked: {state}")
    if out["unreferenced"] or out["stray_temps"]:
        lines.append(
            f"note: {out['unreferenced']} stored files no story names, "
            f"{out['stray_temps']} temp files: left by interrupted adds, harmless"
        )
    return lines


def _n(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def _intact(report: dict) -> bool:
    return not report["problems"] and report["catalogue"] == ["ok"]


def _do(arch: Archive, cmd: str, args: argparse.Namespace):
    if cmd == "add":  # each folder on its own: one broken render does not stop the rest
        out = []
        for folder in (f for p in args.folders for f in story_folders(Path(p))):
            try:
                out.append(asdict(add(arch, folder)))
            except UserError as e:
                print(f"error: {e}", file=sys.stderr)
                out.append({"folder": str(folder), "error": str(e)})
        return out
    if cmd == "search":
        relevance = args.sort == "relevance"
        return search(arch, args.query, _filters(args), args.limit, relevance)
    if cmd == "list":
        total, rows = cat.list_stories(arch.conn, _filters(args), args.limit)
        return {"total": total, "results": [_brief(r) for r in rows]}
    if cmd == "show":
        return show(arch, args.id)
    if cmd == "export":
        return [str(p) for p in export(arch, args.id, Path(args.dir))]
    return verify(arch)


def run(args: argparse.Namespace) -> int:
    """Carry out one `archive …` command; 0 on success, 1 on a user error or a failed verify."""
    root, cmd = archive_dir(getattr(args, "archive", None)), args.archive_command
    try:
        arch = open_archive(root)
        try:
            out = _do(arch, cmd, args)
        finally:
            arch.conn.close()
    except UserError as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    except sqlite3.Error as e:
        print(f"error: {root / CATALOGUE}: {e}; try again, then `archive verify`", file=sys.stderr)
        return 1
    except OSError as e:
        print(
            f"error: {e.filename or root}: {e.strerror}; check it and its folder", file=sys.stderr
        )
        return 1
    text = json.dumps(out, ensure_ascii=False, indent=1) if args.json else _human(cmd, out)
    print(text if args.json else "\n".join(text))
    if cmd == "add":
        return 1 if any("error" in r for r in out) else 0
    return 0 if cmd != "verify" or _intact(out) else 1


def _count(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"{text}: give a whole number, 1 or more")
    return int(text)


def register(subparsers) -> argparse.ArgumentParser:
    """Add `archive` with its sub-commands to an argparse sub-parser set."""
    common = argparse.ArgumentParser(add_help=False)
    where = f"archive folder (default: ${ENV}, else archive/ in the project)"
    common.add_argument("--archive", metavar="DIR", default=argparse.SUPPRESS, help=where)
    common.add_argument("--json", action="store_true", help="print JSON instead of text")
    filters = argparse.ArgumentParser(add_help=False)
    dates = "YYYY, YYYY-MM or YYYY-MM-DD, inclusive"
    filters.add_argument("--from", dest="date_from", default="", metavar="DATE", help=dates)
    filters.add_argument("--to", dest="date_to", default="", metavar="DATE", help=dates)
    filters.add_argument("--paper", default="")
    filters.add_argument("--section", default="")
    filters.add_argument("--byline", default="", help="only stories with this byline")
    filters.add_argument("--all-versions", action="store_true", help="include superseded ones")
    filters.add_argument("--limit", type=_count, default=20, help="stories shown (20)")

    p = subparsers.add_parser("archive", help="keep rendered stories and find them again")
    p.add_argument("--archive", metavar="DIR", default=None, help=argparse.SUPPRESS)
    sub = p.add_subparsers(dest="archive_command", required=True, metavar="COMMAND")
    a = sub.add_parser("add", parents=[common], help="archive rendered story folders")
    a.add_argument("folders", nargs="+", metavar="OUT_DIR", help="out/<story>/ or out/")
    s = sub.add_parser("search", parents=[common, filters], help="full-text search")
    s.add_argument("query", nargs="+", help="words that must all occur")
    s.add_argument("--sort", choices=("date", "relevance"), default="date")
    sub.add_parser("list", parents=[common, filters], help="list stories, newest first")
    sh = sub.add_parser("show", parents=[common], help="one story: metadata, files, versions")
    sh.add_argument("id", help="catalogue number or story name")
    e = sub.add_parser("export", parents=[common], help="write a story's files to a folder")
    e.add_argument("id", help="catalogue number or story name")
    e.add_argument("dir", help="folder to write into")
    sub.add_parser("verify", parents=[common], help="re-hash every archived file")
    p.set_defaults(func=run)
    return p


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="render.py")  # the same commands as `render.py archive`
    register(parser.add_subparsers(dest="command", required=True))
    return run(parser.parse_args(["archive", *(sys.argv[1:] if argv is None else argv)]))


if __name__ == "__main__":
    sys.exit(main())
