"""`render.py archive …`: the archive's command line (add, search, list, show, export,
verify), human-readable or --json. The operations themselves are in archive.py.
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import sys
from dataclasses import asdict
from pathlib import Path

from . import catalogue as cat
from .archive import (
    CATALOGUE,
    DATE_RE,
    ENV,
    AddResult,
    Archive,
    _brief,
    add,
    archive_dir,
    export,
    open_archive,
    search,
    show,
    story_folders,
    verify,
)
from .errors import UserError

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
