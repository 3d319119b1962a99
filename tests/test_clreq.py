"""clreq inside WeasyPrint: render small documents and measure the PDF's glyph positions."""

from __future__ import annotations

import dataclasses
import random
import shutil
import subprocess

import pdfplumber
import pytest
import weasyprint
from printdocs import assert_project_fonts
from weasyprint import HTML

from newsprint import clreq, hanzi
from newsprint.bench import sample
from newsprint.clreq import patch
from newsprint.compose.html import figures
from newsprint.preflight import pdflines, typography
from newsprint.typeset.fonts import font_face_css, load_faces

FACES = load_faces()
SERIF, KAI = FACES["serif-regular"].family, FACES["kai-regular"].family
SANS, BLACK = FACES["sans-bold"].family, FACES["sans-black"].family
TOUGH = [
    "他说：“我们在2020年实现了7.2%的增长，GDP达到34条——真的……好。”（上）"
    "《人民日报》的“新闻”报道。马克·吐温说abc def。",
    "今年以来，全区共完成固定资产投资150亿元，同比增长12.5%，其中工业投资增长较快；"
    "“十四五”规划（2021—2025年）提出，到2025年，PM2.5平均浓度下降10%。",
    "报告指出：“坚持人民至上。”“坚持改革创新！”“坚持依法治区？”——这是五年来最重要的经验……"
    "《关于加快推进数字政府建设的实施意见》、《条例》（草案）等文件相继出台。",
    "区委书记张三说，5G基站已建成1280个，App注册用户达36万人，iPhone和Android用户各占一半。",
]


def page(body: str, css: str = "") -> str:
    return (
        f'<html lang="zh-CN"><style>{font_face_css(FACES)}'
        "@page { size: 300mm 400mm; margin: 10mm }"
        f"body {{ font: 9pt/1.5 '{SERIF}'; margin: 0 }}"
        "p { margin: 0; text-indent: 2em; text-align: justify }"
        f".col {{ width: 117pt }} {css}</style>{body}</html>"
    )


def render(tmp_path, html: str, name: str = "out.pdf"):
    path = tmp_path / name
    HTML(string=html).write_pdf(path)
    assert_project_fonts(path.read_bytes())
    return path


def lines_of(path) -> list[pdflines.Line]:
    with pdfplumber.open(path) as pdf:
        return [
            line
            for number, p in enumerate(pdf.pages, 1)
            for line in pdflines.lines_of_page(p, number)
        ]


def assert_clean(report: typography.Report, min_lines: int = 1, loose: bool = False) -> None:
    """Every line-composition rule holds. These test pages mix boxes and sizes freely,
    with no baseline grid designed into them: the grid is tested on laid-out stories
    (test_generated, test_pdf) and in test_typography. `loose`: the copy is made so that
    a line must be loose (a unit that cannot fit, kept whole). Quotation marks in Kai
    are full width by the role's ranged face (role_css), which these pages do not
    load: their width is tested on laid-out stories (test_quotes, test_generated).
    Heading breaks are tested on laid-out stories too (test_headings, test_generated)."""
    # no headings on these pages: their sans paragraphs are text, not broken headings
    composed = dataclasses.replace(report, off_grid=0, headings=typography.headbreaks.Headings())
    figures = report.roles
    composed.roles = typography.roles.RoleFigures(
        {
            name: dataclasses.replace(role, narrow_quotes=0, loose=0 if loose else role.loose)
            for name, role in figures.roles.items()
        }
    )
    assert composed.ok, typography.format_report(report)
    assert report.lines_checked >= min_lines, typography.format_report(report)


def worst_gap(report: typography.Report) -> float:
    """The widest gap between two Han characters on a justified line, in ems."""
    return max(role.worst_gap_em for role in report.roles.roles.values())


def test_internals_are_the_expected_ones():
    clreq.check_internals()
    assert weasyprint.__version__ == clreq.WEASYPRINT_VERSION


def test_internals_check_fails_loudly(off, monkeypatch):  # monkeypatch undone first
    monkeypatch.setattr(weasyprint, "__version__", "71.0")
    with pytest.raises(RuntimeError, match="71.0"):
        clreq.install()
    assert not clreq.installed()
    monkeypatch.undo()
    from weasyprint.layout import inline

    monkeypatch.setattr(inline, "justify_line", lambda context, line: None)
    with pytest.raises(RuntimeError, match="justify_line"):
        clreq.check_internals()


def test_install_is_idempotent_and_uninstall_restores(off):
    from weasyprint.layout import inline
    from weasyprint.text import line_break

    original = inline.justify_line
    clreq.install()
    clreq.install()
    assert inline.justify_line is patch._justify_line
    assert line_break.split_first_line is patch._split_first_line
    assert patch._ORIGINAL["justify_line"] is original
    clreq.uninstall()
    assert inline.justify_line is original


@pytest.mark.parametrize("before", [False, True])
@pytest.mark.parametrize("during", [False, True])
def test_switched_sets_the_state_and_restores_it_even_on_error(off, before, during):
    (clreq.install if before else clreq.uninstall)()
    with clreq.switched(during):
        assert clreq.installed() is during
    assert clreq.installed() is before
    with pytest.raises(KeyError), clreq.switched(during):
        raise KeyError("a failing render")
    assert clreq.installed() is before


@pytest.mark.parametrize(
    ("a", "b", "allowed"),
    [
        ("年", "，", False),
        ("“", "我", False),
        ("—", "—", False),
        ("…", "…", False),
        ("0", "年", False),
        ("4", "条", False),
        ("马", "·", False),
        ("说", "”", False),
        ("的", "“", True),
        ("”", "报", True),
        ("在", "2", True),
        ("%", "的", True),
        ("a", "b", False),
    ],
)
def test_break_rules(a, b, allowed):
    assert hanzi.break_allowed(a, b, pango_ok=False) is allowed


def test_narrow_columns_meet_every_rule(tmp_path, on):
    body = "".join(f'<div class=col style="margin-bottom: 13.5pt"><p>{t}</p></div>' for t in TOUGH)
    path = render(tmp_path, page(body))
    report = typography.measure(path)
    assert_clean(report, min_lines=15)
    assert report.pairs >= 8 and report.han_latin >= 15


def test_text_is_exactly_the_copy(tmp_path, on):
    body = "".join(f"<div class=col><p>{t}</p></div>" for t in TOUGH)
    path = render(tmp_path, page(body))
    text = "".join(line.text for line in lines_of(path))
    assert text == "".join(TOUGH)
    with pdfplumber.open(path) as pdf:
        extracted = pdf.pages[0].extract_text().replace("\n", "")
    assert extracted == "".join(TOUGH)
    if shutil.which("pdftotext"):  # poppler guesses spaces from gaps, unless /ActualText
        raw = subprocess.run(["pdftotext", "-raw", path, "-"], capture_output=True, check=True)
        assert raw.stdout.decode().replace("\n", "").strip("\f") == "".join(TOUGH)


def test_justified_slack_is_spread_evenly(tmp_path, on):
    # “ may not end a line: the first line keeps 12 characters and 1 em of slack.
    text = "经济社会发展取得新成效全“区上下”一心，共同推进各项工作"
    path = render(tmp_path, page(f"<div class=col><p style='text-indent: 0'>{text}</p></div>"))
    first = lines_of(path)[0]
    assert first.text == text[:12]
    steps = [b["x0"] - a["x0"] for a, b in zip(first.chars, first.chars[1:], strict=False)]
    assert max(steps) - min(steps) < 0.02 and abs(steps[0] - 9 * 12 / 11) < 0.02, steps


def test_line_end_mark_is_pushed_in_at_half_width(tmp_path, on):
    # 12 characters, then ”。: only fits in 13 em with ” compressed and 。 set half-width.
    text = "关于加快推进数字政府建设的"[:12] + "”。" + "下一段文字继续排版到第二行为止"
    path = render(tmp_path, page(f"<div class=col><p style='text-indent: 0'>{text}</p></div>"))
    first = lines_of(path)[0]
    assert first.text == text[:14]
    stop = first.chars[-1]
    assert abs(stop["x0"] + 4.5 - (first.x0 + 117)) < 0.05  # half-width at the column edge


def test_no_single_character_last_line(tmp_path, on):
    # 13 characters fill a line: the 14th would be alone on the last line.
    for tail in ("好。", "好", "好。”"):
        text = "经济社会发展取得新成效全区上下"[:13] + tail
        path = render(tmp_path, page(f"<div class=col><p style='text-indent: 0'>{text}</p></div>"))
        lines = lines_of(path)
        assert len(lines) == 2 and sum(map(hanzi.is_body, lines[-1].text)) >= 2
        assert typography.measure(path).ok


@pytest.mark.parametrize(
    ("copy", "second"),
    [
        ("全区新建成学校公园医2020年", "2020年"),
        ("全区新建成学校公园医3400条", "3400条"),
        ("全区新建成学校公园医院们——", "——"),
        ("全区新建成学校公园医院们……", "们……"),
        ("全区新建成学校公园医院7.2%", "7.2%"),
        ("全区新建成学校公园医院马克·吐温", "克·"),
    ],
)
def test_kinsoku_keeps_units_and_pairs_whole(tmp_path, on, copy, second):
    body = f"<div class=col><p style='text-indent: 0'>{copy}的文字继续排下去</p></div>"
    path = render(tmp_path, page(body))
    lines = lines_of(path)
    assert lines[1].text.startswith(second), [line.text for line in lines]
    assert_clean(typography.measure(path), loose=True)


def test_spans_fonts_and_wide_boxes(tmp_path, on):
    rng = random.Random(7)
    paragraphs = [sample.sample_paragraph(rng) for _ in range(12)]
    boxes = [(117, SERIF, 9), (243, KAI, 10.5), (369, SANS, 9), (180, SERIF, 12)] * 3
    body = "".join(
        f"<div style=\"width: {w}pt; font: {s}pt/1.5 '{f}'; margin-bottom: 20pt\">"
        f"<p>{p[:20]}<b>{p[20:31]}</b><span style='color: red'>{p[31:]}</span></p></div>"
        for p, (w, f, s) in zip(paragraphs, boxes, strict=True)
    )
    path = render(tmp_path, page(body))
    report = typography.measure(path)
    # A paragraph's boxes are broken as one text (clreq/paragraph.py), but this
    # word-salad copy in a 13 em measure leaves a line or two over 0.15 em.
    assert_clean(report, min_lines=40, loose=True)
    assert worst_gap(report) <= 0.25 + 0.005
    assert "".join(line.text for line in lines_of(path)) == "".join(paragraphs)


DATA = [
    "园区开发面积增长2.1倍达11平方公里，入园企业增长3.8倍",
    "引进“500强”企业15家，投资过5亿元项目31个，产业完成从“百亿级”向“千亿级”迈进",
    "新增宏达、飞鹿2家上市公司，企业“四板”挂牌9家，“四上”企业253家，"
    "企业和个体工商户分别净增143%和150%，规模以上企业、年产值过亿元企业分别增至93家、23家",
    "先后拉通莲易高速、北环路C段、向阳路等18条主次干道，新建改建、改造升级道路210余公里",
    "新建、改扩建美的、红旗路等学校，引进北大公学、湖师大附中合作办学，累计新增学位1.25万个",
    "科技投入屡创新高，科技创新主体日趋活跃，高新技术企业数量增长180%，成为省科技成果转化示范区",
    "持续巩固创文、创卫成果，拆除违建151万平方米，新增绿地1.5万平方米",
]


def data_cards(tmp_path, ul: str, li: str, fig: str = ""):
    """The seed's data box cards (DATA, figures in Sans Black 22 pt) as a list, its
    list, card and figure styles added; the PDF's path."""
    css = (
        f"ul {{ margin: 0; padding: 0; list-style: none; {ul} }}"
        f"li {{ {li} }}"
        f".fig {{ font-family: '{BLACK}'; font-weight: 900; font-size: 22pt; {fig} }}"
    )
    items = "".join(f"<li>{figures(text)}</li>" for text in DATA)
    return render(tmp_path, page(f"<ul>{items}</ul>", css))


def test_han_latin_gap_across_fonts_and_sizes(tmp_path, on):
    # The data box: Kai 14 pt with figures in Sans 22 pt, grid items. Every gap is ¼ em
    # of the surrounding Kai, whichever box sets either side, and lines stay flush.
    path = data_cards(
        tmp_path,
        "display: grid; grid-template-columns: 315pt; row-gap: 13.5pt",
        f"font: 14pt/27pt '{KAI}'; text-align: justify",
    )
    report = typography.measure(path)
    assert_clean(report, min_lines=8)
    assert worst_gap(report) <= 0.25 + 0.005
    assert report.han_latin >= 25
    gaps = [  # (gap, ¼ em of the pair's size, or of the Kai 14 pt when they differ)
        (b["x0"] - a["x1"], a["size"] / 4 if a["size"] == b["size"] else 3.5)
        for line in lines_of(path)
        for a, b in zip(line.chars, line.chars[1:], strict=False)
        if hanzi.han_latin(a["text"], b["text"])
    ]
    assert len(gaps) == report.han_latin
    # ¼ em, shrunk to ⅛ or stretched to ⅓ where the line needs it (clreq's order)
    assert all(quarter / 2 - 0.02 <= gap <= quarter * 4 / 3 + 0.02 for gap, quarter in gaps), gaps
    assert sum(quarter == 3.5 for _, quarter in gaps) >= 20


@pytest.mark.parametrize("width", [355.5, 315])
def test_data_box_lines_are_broken_across_their_figures(tmp_path, on, width):
    # The seed's cards (Kai 16 pt, figures 22 pt): broken box by box, a line ended where
    # the next figure did not fit ("…向阳路等" before 18) or ended a box with the line's
    # slack spread as if over that box alone ("投资过5亿" before 元项目), at 0.18–0.25 em;
    # and “千亿级” was split. Broken as one text, every line is within the bounds.
    path = data_cards(
        tmp_path,
        "",
        f"width: {width}pt; font: 16pt/27pt '{KAI}'; text-align: justify; margin: 0 0 27pt",
        "line-height: 0",
    )
    report = typography.measure(path)
    assert_clean(report, min_lines=8)
    assert report.roles.loose == 0 and worst_gap(report) <= 0.15 + 0.005
    lines = [line.text for line in lines_of(path)]
    assert "".join(lines) == "".join(DATA)
    assert not any(line.endswith("“千") or line.endswith("“千亿") for line in lines), lines


def test_a_text_measured_once_sets_alone_as_among_other_widths(tmp_path, on, monkeypatch):
    # The make-up measures each card at up to seven widths in one document, and a text's
    # metrics are measured once and shared (measure._MEASURED): each width must set its
    # lines as it does alone, from a fresh measurement, and one text's metrics are one
    # object however often its boxes are broken.
    from newsprint.clreq import measure

    css = (
        "ul { margin: 0 0 27pt; padding: 0; list-style: none }"
        f"li {{ font: 16pt/27pt '{KAI}'; text-align: justify }}"
        f".fig {{ font-family: '{BLACK}'; font-weight: 900; font-size: 22pt; line-height: 0 }}"
    )

    def card_lines(widths: list[float], name: str) -> list[str]:
        cards = "".join(f"<li>{figures(text)}</li>" for text in DATA)
        lists = "".join(f'<ul style="width: {w}pt">{cards}</ul>' for w in widths)
        return [line.text for line in lines_of(render(tmp_path, page(lists, css), name))]

    alone = []
    for n, width in enumerate((355.5, 231.75, 229.5)):
        measure._MEASURED.clear()
        alone += card_lines([width], f"alone{n}.pdf")
    original, shaped = measure._measure, []

    def counted(text, style, spacing):
        shaped.append(measure._shaping_key(text, style, spacing))
        return original(text, style, spacing)

    monkeypatch.setattr(measure, "_measure", counted)
    measure._MEASURED.clear()
    assert card_lines([355.5, 231.75, 229.5], "together.pdf") == alone
    assert shaped and len(shaped) == len(set(shaped)), "a text was measured twice"


def in_testimony_measure(tmp_path, text: str):
    """A paragraph in a testimony's column (10 em of 五号 Kai, 106.5 pt); the PDF's path."""
    body = f"<div style=\"width: 106.5pt; font: 10.5pt/1.5 '{KAI}'\"><p>{text}</p></div>"
    return render(tmp_path, page(body))


def test_figures_are_never_letter_spaced(tmp_path, on):
    # After the indent 2020年3月 fits and 8日， only with its Han–Latin gaps at ⅛–¼ em and
    # the comma half-width: first-fit letter-spaced "2 0 2 0 年3月" at 0.80 em (issue 11).
    text = "2020年3月8日，我们三一项目团队正式进驻荷塘区，在荷塘区委"
    path = in_testimony_measure(tmp_path, text)
    assert lines_of(path)[0].text == "2020年3月8日，"
    report = typography.measure(path)
    assert_clean(report, min_lines=2)
    assert report.han_latin == 5  # 0年 年3 3月 月8 8日
    assert report.roles.letter_spaced == 0


def test_total_fit_takes_a_character_less_to_spare_the_next_line(tmp_path, on):
    # The seed's testimony in its 10 em Kai measure: first-fit left "45天 完 成 征 拆"
    # at 0.92 em between characters, total fit at most 0.15 em on every line.
    text = (
        "2020年3月8日，我们三一项目团队正式进驻荷塘区，在荷塘区委、区政府的亲切关怀和倾力"
        "支持下，45天完成征拆1200亩，90天实现开工建设，跑出了“株洲新速度”。如今，位于荷塘"
        "区的三一智慧钢铁城，是三一集团目前在建的规模最大、最重要的产业项目之一。"
    )
    path = in_testimony_measure(tmp_path, text)
    report = typography.measure(path)
    assert_clean(report, min_lines=10)
    assert report.roles.loose == 0 and report.roles.letter_spaced == 0
    assert 0.02 < worst_gap(report) <= 0.15, typography.format_report(report)


def test_a_first_line_is_set_tight_rather_than_loose(tmp_path, on):
    # Story 200's testimony: after the indent “五年一批1319条，” needs 8.15 em of the 8.14,
    # even with its Han–Latin gaps at ⅛ em and the comma half width. Ended early, the
    # line was set at 1.38 em between characters; closed up by a few thousandths of an em
    # a gap it keeps the unit, and every gap stays within hanzi.TIGHT_EM.
    text = "五年一批1319条，重点目标投资了，群众都社区园区（干部），经济建设报告新区、推动、增长？"
    path = in_testimony_measure(tmp_path, text)
    assert lines_of(path)[0].text == "五年一批1319条，"
    report = typography.measure(path)
    assert_clean(report, min_lines=3)
    (kai,) = report.roles.roles.values()
    assert kai.tightened == 1 and -hanzi.TIGHT_EM <= kai.tightest_gap_em < 0
    assert worst_gap(report) <= hanzi.LOOSE_EM


@pytest.mark.parametrize("seed", [1, 2])
def test_random_stories_in_columns(tmp_path, on, seed):
    path = render(tmp_path, sample.sample_html(seed, paragraphs=36))
    report = typography.measure(path)
    # Sample copy puts a number and its unit ("1635条，") after most few characters: a
    # paragraph's first line, short by its indent, may have no break that keeps it tight.
    assert_clean(report, min_lines=200, loose=True)
    assert report.roles.letter_spaced == 0
    assert worst_gap(report) < 0.5
    assert report.roles.loose < report.lines_checked / 10


def test_other_languages_are_untouched(tmp_path, off):
    html = page(
        "<div class=col lang=en><p>The quick brown fox jumps over the lazy dog "
        "again and again until the line breaks twice or more.</p></div>"
    )
    before = [
        (c["text"], round(c["x0"], 3))
        for line in lines_of(render(tmp_path, html))
        for c in line.chars
    ]
    with clreq.switched(True):
        after = [
            (c["text"], round(c["x0"], 3))
            for line in lines_of(render(tmp_path, html, "b.pdf"))
            for c in line.chars
        ]
    assert before == after


def test_shrink_to_fit_boxes_keep_their_line(tmp_path, on):
    text = "我们的GDP增长了7.2%，好。"
    html = page(f"<span style='display: inline-block; border: 1pt solid'>{text}</span>")
    assert [line.text for line in lines_of(render(tmp_path, html))] == [text]


def test_a_label_margin_is_the_gap_before_a_figure_too(tmp_path, on):
    """The note's 编者按 label has its margin; text that starts with a figure gets no ¼ em
    Han–Latin gap on top of it (it had 0.77 em after the label, against 0.5 before Han),
    and the report does not judge the label and the text as a Han–Latin pair."""
    label = f"<b style=\"font: 700 9pt '{SANS}'; margin-right: 0.5em\">编者按</b>"
    texts = ("889年制造民生基层文化推进项目成绩文化", "制造民生基层文化推进项目成绩文化889年")
    cols = '<div class="col"><p style="text-indent: 0">{}{}</p></div>'
    html = page("".join(cols.format(label, text) for text in texts))
    path = render(tmp_path, html)
    firsts = [line.chars for line in lines_of(path) if line.chars[0]["text"] == "编"]
    assert len(firsts) == 2
    after = [(chars[3]["x0"] - chars[2]["x1"]) / 9 for chars in firsts]
    assert after[0] == pytest.approx(after[1], abs=0.03), after  # 0.5 em (+ its justification)
    report = typography.measure(
        path, "889年制造民生基层文化推进项目成绩文化\n制造民生基层文化推进项目成绩文化889年"
    )
    assert report.han_latin_bad == 0, typography.format_report(report)


def test_a_column_foot_that_runs_on_is_judged_like_any_justified_line(tmp_path, on):
    """A paragraph cut at a column's foot (a testimony's inner column, a leg of text) has
    its last line there justified: the report judges it, loose or not, and still takes
    a short last line of a paragraph as its end."""
    runs_on = "一二三四五六七八九十一二三任务提升生态"
    html = page(
        '<div class="col"><p style="text-indent: 0; text-align-last: justify">'
        f"{runs_on}</p></div>"
        f'<div class="col" style="margin-top: 27pt"><p style="text-indent: 0">{runs_on}</p></div>'
    )
    report = typography.measure(render(tmp_path, html), runs_on)
    loose = [p[2] for p in report.all_places() if p[0] == "loose line"]
    # the first box's two lines (its foot too: the breaker spread the runs-on text over
    # both), not the second's short last line
    assert loose == ["一二三四五六七八九十一", "二三任务提升生态"], typography.format_report(report)


def test_headings_side_by_side_are_two_lines_not_one_loose_one(tmp_path, on):
    """Two section headings in neighbouring columns sit on one baseline with the body's
    gutter between them, under one em of their size: the report reads two lines, not a
    loose line across the gutter (it had flagged 0.77 em in corpus 200)."""
    head = f"font: 700 14.6pt/27pt '{SANS}'; margin: 0; text-align: justify"
    body = "荷塘区深入推进各项工作成效显著群众获得感不断增强" * 3
    cols = "".join(
        f'<div class="col" style="margin-right: 9pt"><p style="{head}; text-indent: 0">{title}</p>'
        f"<p>{body}</p></div>"
        for title in ("看综合实力创新力", "看城区品质群众")
    )
    path = render(tmp_path, page(f'<div style="display: flex">{cols}</div>'))
    texts = [line.text for line in lines_of(path)]
    assert "看综合实力创新力" in texts and "看城区品质群众" in texts, texts
