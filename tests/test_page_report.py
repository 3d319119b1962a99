"""The page report measures make-up on the grid: foot gaps, holes, text off the type area."""

from __future__ import annotations

import pikepdf
import pytest
from weasyprint import HTML

from newsprint.cli import main as cli_main
from newsprint.config import load_config
from newsprint.errors import UserError
from newsprint.pdf.modulemap import MapModule, ModuleMap, write_module_map
from newsprint.preflight.page import format_page_report, measure_page_report
from newsprint.typeset.fonts import font_face_css, load_faces

FACES = load_faces()
SERIF = FACES["serif-regular"].family
FMT = load_config().page_format("duikai")
LINE = "荷塘区坚定不移贯彻新发展"  # 12 characters: one line of a 13-character column


def column(lines: int, gaps: dict[int, int] | None = None) -> str:
    """`lines` lines of text; gaps maps a line number (1-based) to empty lines before it."""
    gaps = gaps or {}
    parts = []
    for n in range(1, lines + 1):
        if n in gaps:
            parts.append(f"<div style='height: {gaps[n] * FMT.line_pitch}pt'></div>")
        parts.append(f"<p>{LINE}</p>")
    return "".join(parts)


def page_pdf(
    tmp_path, columns: list[str], side: str = "right", extra: str = "", head: int = 0
) -> str:
    """One duikai page, type area at the format's margins, each column absolutely placed
    (`head` lines down, under `extra`)."""
    top, right, bottom, left = FMT.margins(side)
    step = FMT.column_width + FMT.gutter
    body = "".join(
        f"<div class=col style='left: {k * step}pt; top: {head * FMT.line_pitch}pt'>{text}</div>"
        for k, text in enumerate(columns)
    )
    html = (
        f'<html lang="zh-CN"><style>{font_face_css(FACES)}'
        f"@page {{ size: {FMT.page_width_mm}mm {FMT.page_height_mm}mm; "
        f"margin: {top}pt {right}pt {bottom}pt {left}pt }}"
        f"body {{ font: 9pt/{FMT.line_pitch}pt '{SERIF}'; margin: 0; position: relative }}"
        "p { margin: 0 } .col { position: absolute; top: 0; width: 117pt }</style>"
        f"<body>{body}{extra}</body></html>"
    )
    path = tmp_path / "page.pdf"
    HTML(string=html).write_pdf(path)
    return str(path)


def test_flush_page_is_ok(tmp_path):
    # One column has a single empty line inside it: within max_hole_lines (1).
    columns = [column(FMT.lines) for _ in range(FMT.columns)]
    columns[1] = column(FMT.lines - 1, {51: 1})
    report = measure_page_report(page_pdf(tmp_path, columns, side="left"))
    assert report.format == "duikai" and len(report.columns) == FMT.columns
    assert [c.foot_gap for c in report.columns] == [0] * FMT.columns
    assert report.holes == [] and report.outside == []
    assert report.ok, format_page_report(report)
    assert report.unmapped == [1] and report.modules == []  # not ours: nothing to check
    assert "no module map: rectangles not checked" in format_page_report(report)
    last = FMT.margins("left")[0] + FMT.type_height - FMT.line_pitch  # top of the last row
    assert all(last < c.foot < last + FMT.line_pitch for c in report.columns)


def test_short_column_leaves_a_foot_gap(tmp_path):
    columns = [column(FMT.lines) for _ in range(FMT.columns)]
    columns[2] = column(FMT.lines - 6)
    report = measure_page_report(page_pdf(tmp_path, columns))
    gaps = [c.foot_gap for c in report.columns]
    assert gaps == [0, 0, 6, 0, 0, 0, 0, 0]
    assert report.columns[2].text_gap == 6 and report.worst_foot_gap == 6
    assert not report.ok and report.holes == []
    assert "6 line(s)" in format_page_report(report)


def test_a_module_whose_text_ends_short_is_not_filled(tmp_path):
    """With a module map of one module per column, the short column's module is named."""
    columns = [column(FMT.lines) for _ in range(FMT.columns)]
    columns[2] = column(FMT.lines - 6)
    path = page_pdf(tmp_path, columns)
    module_map = ModuleMap(
        "duikai", tuple(MapModule("text", k, 0, 1, FMT.lines) for k in range(FMT.columns))
    )
    with pikepdf.open(path, allow_overwriting_input=True) as pdf:
        write_module_map(pdf.pages[0], module_map, "D:20261201")
        pdf.save(path)
    report = measure_page_report(path)
    faults = [(m.first_column, m.faults) for m in report.modules if m.faults]
    assert faults == [(3, ["not filled: its content ends on line 97, 6 lines above its foot"])]
    assert report.map_faults == [] and report.breaches == 1 and not report.ok
    assert "column 3, lines 1–103: not filled" in format_page_report(report)


def test_hole_in_a_column_is_found_at_its_lines(tmp_path):
    columns = [column(FMT.lines) for _ in range(FMT.columns)]
    columns[4] = column(FMT.lines - 4, {41: 4})  # lines 41–44 empty
    report = measure_page_report(page_pdf(tmp_path, columns))
    assert [(h.page, h.column, h.first, h.last, h.kind) for h in report.holes] == [
        (1, 5, 41, 44, "hole")
    ]
    assert report.holes[0].lines == 4 and report.worst_foot_gap == 0
    assert not report.ok


def test_headline_air_is_allowed_a_gap_under_its_rule_is_not(tmp_path):
    """A headline module of 8 lines closed by a rule across the type area: its air is
    its own. Column 4 starts 3 lines under the rule: a module gap over the limit."""
    pitch = FMT.line_pitch
    headline = (
        f"<h1 style='margin: 0; height: {8 * pitch - 2}pt; border-bottom: 2pt solid red; "
        f"font-size: 36pt; line-height: {3 * pitch}pt; text-align: center'>朝着目标奋勇前进</h1>"
    )
    columns = [column(FMT.lines - 8) for _ in range(FMT.columns)]
    columns[3] = column(FMT.lines - 11, {1: 3})
    report = measure_page_report(page_pdf(tmp_path, columns, extra=headline, head=8))
    assert [(h.column, h.first, h.last, h.kind) for h in report.holes] == [(4, 9, 11, "module gap")]
    assert report.worst_foot_gap == 0


def test_text_outside_the_type_area(tmp_path):
    columns = [column(FMT.lines) for _ in range(FMT.columns)]
    stray = f"<p style='position: absolute; top: {FMT.type_height + 20}pt'>页脚文字</p>"
    report = measure_page_report(page_pdf(tmp_path, columns, extra=stray))
    assert [s.text for s in report.outside] == ["页脚文字"]
    assert not report.ok


def test_page_of_no_format_is_refused(tmp_path):
    path = tmp_path / "a4.pdf"
    HTML(string="<p>文字</p>").write_pdf(path)
    with pytest.raises(UserError, match="no format"):
        measure_page_report(path)


def test_check_exit_status_and_json(tmp_path, capsys):
    import json

    good = page_pdf(tmp_path, [column(FMT.lines) for _ in range(FMT.columns)])
    assert cli_main(["check", good]) == 0
    assert "page make-up (duikai, 103 lines): ok" in capsys.readouterr().out
    (tmp_path / "page.pdf").rename(tmp_path / "good.pdf")
    short = page_pdf(tmp_path, [column(FMT.lines - 3) for _ in range(FMT.columns)])
    assert cli_main(["check", "--json", str(tmp_path / "good.pdf"), short]) == 1
    entries = json.loads(capsys.readouterr().out)
    assert [e["page"]["ok"] for e in entries] == [True, False]
    assert entries[1]["page"]["worst_foot_gap"] == 3


def test_seed_pages_are_made_up_flush(seed_build):
    reports = [measure_page_report(pdf) for pdf in seed_build.print_pdfs]
    assert all(report.ok for report in reports), "\n".join(map(format_page_report, reports))
