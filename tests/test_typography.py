"""The typography report finds each clreq fault in PDFs WeasyPrint sets on its own."""

from __future__ import annotations

import pytest
from printdocs import assert_project_fonts
from weasyprint import HTML

from newsprint import clreq
from newsprint.bench import sample
from newsprint.cli import main as cli_main
from newsprint.config import load_config
from newsprint.preflight import check, pdflines, typography
from newsprint.typeset.fonts import font_face_css, load_faces

FACES = load_faces()
SERIF = FACES["serif-regular"].family


def measure(tmp_path, *paragraphs: str, indent: bool = False) -> typography.Report:
    indent_css = "2em" if indent else "0"
    css = f"p {{ margin: 0 0 13.5pt; text-align: justify; text-indent: {indent_css} }}"
    body = "".join(f"<div style='width: 117pt'><p>{p}</p></div>" for p in paragraphs)
    html = (
        f'<html lang="zh-CN"><style>{font_face_css(FACES)}'
        "@page { size: 200mm 300mm; margin: 10mm }"
        f"body {{ font: 9pt/1.5 '{SERIF}'; margin: 0 }} {css}</style>{body}</html>"
    )
    path = tmp_path / "t.pdf"
    HTML(string=html).write_pdf(path)
    assert_project_fonts(path.read_bytes())
    return typography.measure(path)


def test_ragged_uncompressed_unspaced_text_is_caught(tmp_path, off):
    report = measure(
        tmp_path,
        "他说：“我们在2020年实现了7.2%的增长，GDP达到34条，真的好。”（上）"
        "《人民日报》的“新闻”报道，今年以来全区完成投资150亿元。",
        indent=True,
    )
    assert report.lines_checked >= 5 and report.not_flush >= 3
    assert report.worst_deviation > 1
    assert report.pairs >= 3 and report.pairs_uncompressed == report.pairs
    assert report.han_latin >= 7 and report.han_latin_bad == report.han_latin
    assert not report.ok


def test_number_split_from_unit(tmp_path, off):
    # 10 characters and 2020 fill 12.2 em: UAX #14 breaks before 年.
    report = measure(tmp_path, "全区新建成学校公园医2020年的文字继续排")
    assert report.split_units == 1


def test_prohibited_start_and_end(tmp_path, off):
    assert measure(tmp_path, "全区新建成学校公园医院马克·吐温的文字").bad_starts == 1
    assert measure(tmp_path, "全区新建成学校公“<br>园医院的文字").bad_ends == 1


def test_split_dash_and_orphan(tmp_path, off):
    assert measure(tmp_path, "全区新建成学校—<br>—公园医院的文字").split_pairs == 1
    report = measure(tmp_path, "经济社会发展取得新成效全区好。")
    assert report.orphans == 1 and report.lines_checked == 1


def test_spaces_next_to_han(tmp_path, off):
    report = measure(tmp_path, "我们 GDP 增长了")
    assert report.injected_spaces == 2


def test_clean_text_passes_and_main_exit_codes(tmp_path, off, capsys):
    good = tmp_path / "good.pdf"
    with clreq.switched(True):
        HTML(string=sample.sample_html(3, paragraphs=8, columns=2)).write_pdf(good)
    assert_project_fonts(good.read_bytes())
    report = typography.measure(good)
    errors = load_config().typography_errors  # loose lines are warnings (newsprint.toml)
    assert not report.failed(errors), typography.format_report(report, errors)
    assert report.lines_checked >= 40
    assert "FAIL" not in typography.format_report(report, errors)
    bad = tmp_path / "bad.pdf"
    HTML(string=sample.sample_html(3, paragraphs=8, columns=2)).write_pdf(bad)
    assert_project_fonts(bad.read_bytes())
    # sample_html is not laid out on a format's grid: clreq figures alone
    assert cli_main(["check", "--no-make-up", str(good)]) == 0
    assert cli_main(["check", "--no-make-up", str(good), str(bad)]) == 1
    out = capsys.readouterr().out
    assert out.count("typography:") == 3 and "FAIL lines flush" in out


@pytest.mark.parametrize("clreq_state", ["on", "off"])
@pytest.mark.parametrize("shift, off_grid", [("0pt", False), ("6.75pt", True)])
def test_baseline_grid_across_columns(tmp_path, request, clreq_state, shift, off_grid):
    """Two columns of body text; the second starts half a line lower when shifted.
    The grid is the page's, not the line breaker's: measured with clreq on and off."""
    request.getfixturevalue(clreq_state)
    text = "荷塘区坚定不移贯彻新发展理念，以实干换实绩，推动经济平稳较快增长。" * 4
    html = (
        f'<html lang="zh-CN"><style>{font_face_css(FACES)}'
        "@page { size: 200mm 300mm; margin: 10mm }"
        f"body {{ font: 9pt/13.5pt '{SERIF}'; margin: 0 }}"
        "p { margin: 0; text-align: justify }"
        ".col { position: absolute; top: 0; width: 117pt }</style>"
        f"<div class='col' style='left: 0'><p>{text}</p></div>"
        f"<div class='col' style='left: 126pt; top: {shift}'><p>{text}</p></div></html>"
    )
    path = tmp_path / "grid.pdf"
    HTML(string=html).write_pdf(path)
    assert_project_fonts(path.read_bytes())
    report = typography.measure(path)
    assert report.grid_lines > 20
    assert bool(report.off_grid) is off_grid
    assert (report.off_grid == report.grid_lines // 2) is off_grid


def test_render_findings_follow_the_configured_errors(tmp_path, on):
    # 2020年 cannot follow 10 characters on a 13-character line: the line before is loose
    text = "全区新建成学校公园医2020年的文字继续排下去"
    html = (
        f'<html lang="zh-CN"><style>{font_face_css(FACES)}@page {{ size: 200mm 300mm }}'
        f"body {{ font: 9pt/1.5 '{SERIF}' }} p {{ text-align: justify }}</style>"
        f"<div style='width: 117pt'><p>{text}</p></div></html>"
    )
    path = tmp_path / "p04.pdf"
    HTML(string=html).write_pdf(path)
    where = []

    def locate(line: str) -> tuple[str, int]:
        where.append(line)
        return "copy.txt", 7

    for errors, level in ((frozenset({"loose-lines"}), "error"), (frozenset(), "warning")):
        findings, summary = check.typography_findings([path], text, errors, locate, tmp_path)
        assert [(f.level, f.rule, f.path, f.line) for f in findings] == [
            (level, "typography-loose-lines", "copy.txt", 7)
        ]
        assert "0.33 em" in findings[0].message and "render.py check" in findings[0].message
        assert summary.startswith("typography: 2 lines") and "loose-lines 1" in summary
    assert where[0] == "全区新建成学校公园医"


def test_a_note_of_two_rows_is_read_column_by_column(tmp_path, on):
    # A 编者按 of two rows in four columns, each paragraph indented: too few lines to
    # know where a column starts, and the first lines of two columns were read as one
    # line with a 3.5 em gap (a loose line at 1.5 em, a Han–Latin gap out of bounds).
    kai = FACES["kai-regular"].family
    paragraph = "投资实现目标文化，推动创新城市建设和民生事业发展，群众满意度提高"
    text = "".join(f"<p>{n}{paragraph}</p>" for n in (626, 369, 837, 214))
    html = (
        f'<html lang="zh-CN"><style>{font_face_css(FACES)}'
        "@page { size: 400mm 200mm; margin: 10mm }"
        f"body {{ font: 12pt/20.25pt '{kai}'; margin: 0 }}"
        "p { margin: 0; text-indent: 2em; text-align: justify }"
        ".note { width: 981pt; columns: 4; column-gap: 18pt; column-fill: auto; height: 40.5pt }"
        f"</style><div class='note'>{text}</div></html>"
    )
    path = tmp_path / "note.pdf"
    HTML(string=html).write_pdf(path)
    report = typography.measure(path)
    assert report.lines_checked >= 4
    assert report.roles.loose == 0 and report.han_latin_bad == 0, typography.format_report(report)


def test_a_justified_pair_of_marks_is_compressed_on_a_line_without_two_han_side_by_side():
    # A testimony's line of generated copy, as set (x0, x1 in pt, Kai 10.5 pt): no two Han
    # characters side by side, so the justification spacing (1.18 pt) is read between a
    # Han character and a mark; the pair ，“ is 1.5 em and that spacing, not uncompressed.
    glyphs = [
        ("区", 311.11, 321.61), ("3", 325.1, 331.4), ("8", 331.4, 337.7), ("6", 337.7, 344.0),
        ("条", 347.49, 357.99), ("，", 359.17, 369.67), ("“", 365.61, 376.11),
        ("为", 377.3, 387.8), ("”", 388.99, 399.49), ("，", 395.43, 405.93),
        ("将", 407.12, 417.62),
    ]  # fmt: skip
    chars = [{"text": t, "x0": a, "x1": b, "size": 10.5} for t, a, b in glyphs]
    report = typography.Report()
    typography._check_line(pdflines.Line(1, 500.0, 10.5, chars), report)
    assert report.pairs == 2 and report.pairs_uncompressed == 0, report.places


@pytest.mark.parametrize(("spacing", "over"), [(-0.02, False), (-0.05, True)])
def test_a_line_closed_up_past_the_tight_bound_is_caught(tmp_path, off, spacing, over):
    text = f"<span style='letter-spacing: {spacing}em'>全区新建成学校公园医院的文字继续排</span>"
    report = measure(tmp_path, text)
    (role,) = report.roles.roles.values()
    assert role.tightened >= 1 and abs(role.tightest_gap_em - spacing) < 0.002
    assert (role.tight >= 1) is over and bool(report.faults()["tight-lines"]) is over
    assert ("FAIL" in typography.format_report(report, {"tight-lines"})) is over
