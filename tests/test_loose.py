"""Loose lines in the testimonies' narrow Kai measure (issue 11), one kind at a time.

Each test sets a paragraph of generated copy in the testimony measure (LXGW WenKai
五号, about 10 characters) that used to leave a line loose, and checks the lever of
clreq that now saves it: a mark compressed mid-line, a pair of marks compressed to
1 em, a line's own limit by its break opportunities, …
"""

from __future__ import annotations

from test_clreq import FACES, KAI, assert_clean, lines_of, page, render, worst_gap

from newsprint.clreq import measure, totalfit
from newsprint.preflight import pdflines, typography

MEASURE = 106.5  # pt: the testimonies' column, ten characters of 10.5 pt and a little


def set_testimony(tmp_path, *paragraphs: str):
    """The paragraphs in the testimony measure: the report and the lines."""
    body = "".join(
        f"<div style=\"width: {MEASURE}pt; font: 10.5pt/1.5 '{KAI}'\"><p>{p}</p></div>"
        for p in paragraphs
    )
    path = render(tmp_path, page(body))
    return typography.measure(path), [line.text for line in lines_of(path)]


def test_a_pair_of_marks_goes_down_to_one_em_where_the_line_needs_it():
    # "），": the pair is set at 1.5 em (the ）'s blank half gone); the ，'s own blank
    # half is still there and may go mid-line, as a single mark's may. Before, a mark
    # next to a compressed pair could not shrink at all.
    text = "区（干部），经济"
    blanks = {1: (True, False), 4: (False, True), 5: (False, True)}
    thousandths = [0, 0, 0, 0, -500, 0, 0, 0]
    shrink = measure._mark_shrink(text, blanks, thousandths, 7)
    assert shrink == [7, 0, 0, 0, 0, 7, 0, 0]
    # ”“: the ” loses its blank half to the pair, the “ keeps its own (taken from the ”)
    blanks = {1: (False, True), 2: (True, False)}
    shrink = measure._mark_shrink("的”“好", blanks, [0, -500, 0, 0], 7)
    assert shrink == [0, 7, 0, 0]


def test_marks_compress_to_half_width_mid_line(tmp_path, on):
    # First line (8 em after the indent): "医疗就业，“和了”；" fits only with "，“" at 1 em
    # and the line-end "；" half width; before, marks gave up a quarter em at most and
    # none beside a compressed pair, so the line stopped at "，“和", 0.30 em loose.
    report, lines = set_testimony(tmp_path, "医疗就业，“和了”；教育企业制造目标，和民生实现？")
    assert lines[0] == "医疗就业，“和了”；"
    assert_clean(report, min_lines=2)
    assert worst_gap(report) <= totalfit.LOOSE
    # "项目改革，" alone was 0.79 em: 1043年 now follows with the comma at half width
    report, lines = set_testimony(
        tmp_path, "项目改革，1043年安全把是成绩，了——都！1406年加快，基层工作是、今年、大会"
    )
    assert lines[0] == "项目改革，1043年"
    assert report.roles.loose == 0 and worst_gap(report) <= totalfit.LOOSE


def test_an_opening_mark_gives_up_its_blank_half_at_the_indent(tmp_path, on):
    # A testimony a size smaller (9 pt, 11.8 em): after the indent "“社区文化项目今年”，"
    # is 10 em with the comma at half width, for 9.83 em. The “ sets at the indent
    # without its blank left half (clreq 3.1.6.2); kept full width, the line stopped
    # at "今", 0.26 em loose.
    quotes = FACES["kai-quotes-regular"].family
    text = "“社区文化项目今年”，“乡村企业乡村”，群众就业大会的工作，建设……？提升企业的平台"
    style = f"width: {MEASURE}pt; font: 9pt/1.5 '{quotes}', '{KAI}'"
    path = render(tmp_path, page(f'<div style="{style}"><p>{text}</p></div>'))
    lines = lines_of(path)
    assert lines[0].text == "“社区文化项目今年”，"
    indent = lines[1].x0 + 18  # 2 em of 9 pt
    assert indent - 4.5 - 0.01 <= lines[0].x0 < indent - 0.5  # moved left, by half an em at most
    report = typography.measure(path)
    assert_clean(report, min_lines=3)  # the moved line is still the paragraph's first
    assert report.lines_checked == len(lines) - 1
    assert worst_gap(report) <= totalfit.WORST
    # the report chains it to its column: 2 em in, less what the mark gave up
    assert pdflines.indent(0, 16.46, 9, 4.5) == 2 and pdflines.indent(0, 16.46, 9) is None
