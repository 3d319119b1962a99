"""`render.py check`: a PDF's clreq figures, then its page make-up on the grid.

Both read only the PDF (and the manifest.json beside it for the copy's own text),
so they judge any PDF laid out on one of newsprint.toml's formats.
"""

from __future__ import annotations

import json
import sys
from dataclasses import asdict
from pathlib import Path

from newsprint.errors import UserError
from newsprint.preflight import page, typography


def _copy_text(path: Path) -> str:
    manifest = path.with_name("manifest.json")
    if manifest.is_file():
        return json.loads(manifest.read_text(encoding="utf-8")).get("text", "")
    return ""


def _as_dict(clreq: typography.Report, make_up: page.PageReport | None, path: Path) -> dict:
    figures = {k: v for k, v in asdict(clreq).items() if k != "copy_text"}
    entry = {"path": str(path), "typography": figures | {"ok": clreq.ok}}
    if make_up is not None:
        entry["page"] = asdict(make_up) | {
            "ok": make_up.ok,
            "worst_foot_gap": make_up.worst_foot_gap,
        }
    return entry


def check_files(
    paths: list[Path], as_json: bool = False, make_up: bool = True, format_name: str | None = None
) -> int:
    """Each PDF's clreq figures and page report; 1 when a file is missing or either fails."""
    status, entries = 0, []
    for path in map(Path, paths):
        if not path.is_file():
            print(f"{path}: no such PDF; render first (python render.py)", file=sys.stderr)
            status = 1
            continue
        clreq = typography.measure(path, _copy_text(path))
        report = None
        if make_up:
            try:
                report = page.measure_page_report(path, format_name)
            except UserError as exc:
                print(f"{exc}; give --format, or --no-make-up for clreq alone", file=sys.stderr)
                status = 1
        failed = not clreq.ok or (make_up and (report is None or not report.ok))
        status = status or int(failed)
        if as_json:
            entries.append(_as_dict(clreq, report, path))
            continue
        print(f"{path}\n{typography.format_report(clreq)}")
        if report is not None:
            print(page.format_page_report(report))
    if as_json:
        print(json.dumps(entries, ensure_ascii=False, indent=2))
    return status
