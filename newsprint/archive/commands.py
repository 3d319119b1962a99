"""`render.py archive …`: carry out one archive command (add, search, list, show,
export, verify) and print it, human-readable or --json. The operations are in
core.py; the parser is newsprint/cli.py's.
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import sys
from dataclasses import asdict
from pathlib import Path

from newsprint.archive import catalogue as cat
from newsprint.archive.core import (
    CATALOGUE,
    DATE_RE,
    AddResult,
    Archive,
    add,
    archive_dir,
    brief,
    export,
    open_archive,
    search,
    show,
    story_folders,
    verify,
)
from newsprint.errors import UserError

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
            f"{out['stray_temps']} temp files: left by interrupted adds, harmless; "
            "the next add removes the temp files"
        )
        lines += [f"  {path}" for path in out.get("stray_temp_files", [])]
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
        return {"total": total, "results": [brief(r) for r in rows]}
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
