"""`render.py check`: a PDF's clreq figures, then its page make-up on the grid.

Both read only the PDF (and the manifest.json beside it for the copy's own text),
so they judge any PDF laid out on one of newsprint.toml's formats.
"""

from __future__ import annotations

import json
import sys
from dataclasses import asdict
from pathlib import Path

import pikepdf

from newsprint.compose import headings
from newsprint.errors import Finding, UserError
from newsprint.preflight import page, typography

# Each kind of fault the report lists, by its rule's name in newsprint.toml [typography]
KIND_RULE = {
    "not flush": "not-flush",
    "prohibited start": "prohibited-breaks",
    "prohibited end": "prohibited-breaks",
    "split pair": "split-units",
    "number split from unit": "split-units",
    "pair not compressed": "uncompressed",
    "Han–Latin gap": "han-latin",
    "孤字": "orphans",
    "space next to Han": "injected-spaces",
    "off the baseline grid": "off-grid",
    "loose line": "loose-lines",
    "tight line": "tight-lines",
    "letter-spaced": "letter-spaced",
    "narrow quote": "narrow-quotes",
    "heading breaks inside a word": "heading-breaks",
    "heading ends on a short line": "heading-breaks",
}
WHAT = {
    "not-flush": "justified line(s) not flush with both edges",
    "prohibited-breaks": "line(s) starting or ending on a prohibited mark",
    "split-units": "——/…… or number and unit split across lines",
    "uncompressed": "pair(s) of marks not compressed",
    "han-latin": "Han–Latin gap(s) outside ⅛–⅓ em",
    "orphans": "paragraph(s) ending on one character (孤字)",
    "injected-spaces": "space(s) next to Han the copy does not have",
    "off-grid": "body line(s) off the baseline grid",
    "loose-lines": "loose line(s)",
    "tight-lines": "line(s) closed up past the tight bound",
    "letter-spaced": "line(s) with figures or Latin letter-spaced",
    "narrow-quotes": "quotation mark(s) narrower than a full em",
    "heading-breaks": "heading(s) breaking inside a word or ending on 1–2 characters",
}


def summary(reports: list[typography.Report]) -> str:
    """One line for the render: lines, roles, the worst gap and every count that is not 0."""
    lines = sum(r.lines for r in reports)
    roles = {name: role for r in reports for name, role in r.roles.roles.items()}
    worst = max(
        ((role.worst_gap_em, name) for r in reports for name, role in r.roles.roles.items()),
        default=(0.0, ""),
    )
    faults: dict[str, int] = {}
    for report in reports:
        for rule, count in report.faults().items():
            faults[rule] = faults.get(rule, 0) + count
    bad = ", ".join(f"{rule} {count}" for rule, count in faults.items() if count)
    headings = sum(r.headings.headings for r in reports)
    return (
        f"typography: {lines} lines in {len(roles)} roles, "
        f"{headings} headings set on two lines or more, "
        f"worst gap {worst[0]:.2f} em ({worst[1]}); " + (bad or "every rule holds")
    )


def _each(fn, argsets: list[tuple]) -> list:
    return [fn(*args) for args in argsets]


def _measure(path: Path, copy_text: str):
    """The report, and the heading word cuts it had to make (compose.headings.CUTS)."""
    known = set(headings.CUTS)
    report = typography.measure(path, copy_text)
    return report, {k: v for k, v in headings.CUTS.items() if k not in known}


def typography_findings(
    paths: list[Path], copy_text: str, errors: frozenset[str], locate, shown: Path, each=_each
) -> tuple[list[Finding], str]:
    """The report on a render's print PDFs: a finding per rule broken (an error when
    newsprint.toml [typography] errors names it, else a warning), placed by
    `locate(line text) -> (copy path, line)`, and the one-line summary. `shown`: the
    folder the PDFs will be in, for the message. `each(fn, argsets)` maps the measure
    over the files (build's forks a child per file)."""
    measured = each(_measure, [(path, copy_text) for path in paths])
    reports = [report for report, _ in measured]
    for _, cuts in measured:  # a forked child's cuts, for the fit store (compose/headings)
        headings.CUTS.update(cuts)
    findings = []
    for path, report in zip(paths, reports, strict=True):
        places = report.all_places()
        for rule, count in report.faults().items():
            if not count:
                continue
            kind, _, text, detail = next(
                (p for p in places if KIND_RULE.get(p[0]) == rule), ("", 0, "", "")
            )
            source, line = locate(text) if text else ("", 0)
            example = f" (first: {text[:24]!r} {detail})".replace(" )", ")") if text else ""
            findings.append(
                Finding(
                    "error" if rule in errors else "warning",
                    f"{path.name}: {count} {WHAT[rule]}{example}; "
                    f"render.py check {shown / path.name} lists them",
                    source or str(shown / path.name),
                    line,
                    f"typography-{rule}",
                )
            )
    return findings, summary(reports)


def _copy_text(path: Path) -> str:
    manifest = path.with_name("manifest.json")
    if manifest.is_file():
        return json.loads(manifest.read_text(encoding="utf-8")).get("text", "")
    return ""


def _as_dict(clreq: typography.Report, make_up: page.PageReport | None, path: Path) -> dict:
    figures = {k: v for k, v in asdict(clreq).items() if k != "copy_text"}
    entry = {"path": str(path), "typography": figures | {"ok": clreq.ok, "faults": clreq.faults()}}
    if make_up is not None:
        entry["page"] = asdict(make_up) | {
            "ok": make_up.ok,
            "worst_foot_gap": make_up.worst_foot_gap,
            "breaches": make_up.breaches,
        }
    return entry


def check_files(
    paths: list[Path], as_json: bool = False, make_up: bool = True, format_name: str | None = None
) -> int:
    """Each PDF's clreq figures and page report; 1 when a file is missing or either fails
    (the typography report by the rules newsprint.toml [typography] errors names)."""
    from newsprint.config import load_config

    errors = load_config().typography_errors
    status, entries = 0, []
    for path in map(Path, paths):
        if not path.is_file():
            print(f"{path}: no such PDF; render first (python render.py)", file=sys.stderr)
            status = 1
            continue
        copy_text = _copy_text(path)
        try:
            clreq = typography.measure(path, copy_text)  # the first to open the file
        except (pikepdf.PdfError, OSError) as exc:
            reason = str(exc).removeprefix(f"{path}: ")
            print(
                f"{path}: not a readable PDF ({reason}); give a PDF render.py wrote",
                file=sys.stderr,
            )
            status = 1
            continue
        report = None
        if make_up:
            try:
                report = page.measure_page_report(path, format_name)
            except UserError as exc:
                print(f"{exc}; give --format, or --no-make-up for clreq alone", file=sys.stderr)
                status = 1
        failed = clreq.failed(errors) or (make_up and (report is None or not report.ok))
        status = status or int(failed)
        if as_json:
            entries.append(_as_dict(clreq, report, path))
            continue
        print(f"{path}\n{typography.format_report(clreq, errors)}")
        if report is not None:
            print(page.format_page_report(report))
    if as_json:
        print(json.dumps(entries, ensure_ascii=False, indent=2))
    return status
