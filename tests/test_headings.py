"""Headings that need two lines break between words, at the space between phrases if
there is one, with even lines and none of 1–2 characters; read off the print PDFs."""

from __future__ import annotations

import pdfplumber
import pytest

from newsprint.compose import headings
from newsprint.config import load_config
from newsprint.hanzi import is_body


def _lines(pdfs, size: float, face: str) -> list[tuple[str, float, float, float]]:
    """Text lines of one size and face: (text, x0, x1, top), left to right."""
    out = []
    for path in pdfs:
        with pdfplumber.open(path) as pdf:
            chars = [
                c
                for c in pdf.pages[0].chars
                if abs(c["size"] - size) < 0.05 and face in c["fontname"] and c["text"].strip()
            ]
        chars.sort(key=lambda c: (round(c["top"]), c["x0"]))
        line: list[dict] = []
        for c in [*chars, None]:
            if line and (
                c is None or abs(c["top"] - line[-1]["top"]) > 1 or c["x0"] - line[-1]["x1"] > size
            ):
                text = "".join(ch["text"] for ch in line)
                out.append((text, line[0]["x0"], line[-1]["x1"], line[0]["top"] + len(out) * 1e-9))
                line = []
            if c is not None:
                line.append(c)
    return out


def _below(line, lines):
    """The next line of the same column: the nearest one below that overlaps it."""
    _, x0, x1, top = line
    under = [ln for ln in lines if 0 < ln[3] - top < 40 and ln[1] < x1 and ln[2] > x0]
    return min(under, key=lambda ln: ln[3]) if under else None


def _run(text: str, lines) -> list[tuple[str, float, float, float]] | None:
    """The lines, one under the other, that together read `text` (spaces aside), if any."""
    want = text.replace(" ", "")
    for first in lines:
        got, run, line = "", [], first
        while line is not None and want.startswith(got + line[0]):
            got, run = got + line[0], [*run, line]
            if got == want:
                return run
            line = _below(line, lines)
    return None


def _set_as(text: str, lines) -> list[str] | None:
    run = _run(text, lines)
    return None if run is None else [line[0] for line in run]


def _offsets(text: str, lines: list[str]) -> list[int]:
    """Where in `text` (with its spaces) each line after the first starts."""
    offsets, pos = [], 0
    for line in lines[:-1]:
        count = 0
        while count < len(line.replace(" ", "")):
            count += text[pos] != " "
            pos += 1
        while text[pos] == " ":
            pos += 1
        offsets.append(pos)
    return offsets


def _story_headings():
    from conftest import SEED

    from newsprint.story.normalize import normalize
    from newsprint.story.parse import parse_story

    config = load_config()
    story, _ = normalize(parse_story(SEED)[0], config.normalize_disabled, config.suspect_words)
    sections = [s.title.text for a in story.articles for s in a.sections if s.title.text]
    testimonies = [t for a in story.articles for s in a.sections for t in s.testimonies]
    titles = [t.title.text for t in testimonies if t.title.text]
    speakers = {f"讲述人：{t.speaker_name}（{t.speaker_role}）" for t in testimonies}
    return sections, titles, sorted(speakers)


def _check(text: str, lines: list[str] | None) -> list[int]:
    assert lines, f"{text!r} not found as consecutive lines of its role"
    offsets = _offsets(text, lines)
    starts = {u.start for u in headings.units(text)}
    assert set(offsets) <= starts, f"{text!r} broken inside a word: {lines}"
    assert all(sum(map(is_body, ln)) >= 3 for ln in lines), f"{text!r}: a short line {lines}"
    return offsets


def test_section_heads_break_at_the_space_between_their_phrases(seed_build):
    sections, _, _ = _story_headings()
    lines = _lines(seed_build.print_pdfs, 14.0, "Sans")
    for text in sections:
        offsets = _check(text, _set_as(text, lines))
        if " " in text and len(offsets) == 1:
            phrase = text.split(" ")[-1]
            if headings._width(phrase) <= headings.measure_em(
                load_config().page_format(), "section"
            ):
                assert offsets == [text.index(" ") + 1], (text, lines)
    assert _set_as("看综合实力 发展活力明显释放", lines) == ["看综合实力", "发展活力明显释放"]


def test_testimony_titles_break_between_words_with_no_short_line(seed_build):
    _, titles, _ = _story_headings()
    lines = _lines(seed_build.print_pdfs, 10.5, "Sans")
    for text in titles:
        _check(text, _set_as(text, lines))
    # a title that needs two lines in its box breaks between words (test_breaks_chosen);
    # in a box of two or three columns it may need only one
    for title, two in (
        ("优质项目青睐荷塘“聚宝盆”", ["优质项目青睐", "荷塘“聚宝盆”"]),
        ("党建服务触角延伸到家门口", ["党建服务触角", "延伸到家门口"]),
    ):
        assert _set_as(title, lines) in ([title], two)


def test_speaker_lines_never_break_inside_a_name(seed_build):
    _, _, speakers = _story_headings()
    lines = _lines(seed_build.print_pdfs, 9.0, "Sans")
    for text in speakers:
        _check(text, _set_as(text, lines))
    assert _set_as("讲述人：袁意（荷塘区太阳村党员）", lines) in (
        ["讲述人：袁意（荷塘区太阳村党员）"],
        ["讲述人：袁意", "（荷塘区太阳村党员）"],
    )


@pytest.mark.parametrize(
    ("text", "measure", "lines"),
    [
        ("看综合实力 发展活力明显释放", 8.36, ["看综合实力 ", "发展活力明显释放"]),
        ("优质项目青睐荷塘“聚宝盆”", 10.1, ["优质项目青睐", "荷塘“聚宝盆”"]),
        ("党建服务触角延伸到家门口", 10.1, ["党建服务触角", "延伸到家门口"]),
        ("荷塘区仙霞镇樟霖村驻村工作队员", 9.0, ["荷塘区仙霞镇", "樟霖村驻村工作队员"]),
        ("讲述人：袁意（荷塘区太阳村党员）", 11.8, ["讲述人：袁意", "（荷塘区太阳村党员）"]),
        ("数读成绩单", 20.0, ["数读成绩单"]),
    ],
)
def test_breaks_chosen(text, measure, lines):
    cuts = headings.breaks(text, measure)
    assert [text[i:j] for i, j in zip([0, *cuts], [*cuts, len(text)], strict=True)] == lines


def test_no_line_of_one_or_two_characters():
    # first fit would leave 家门 alone; an even split keeps every line three or more
    text = "党建服务触角延伸到家门口"
    cuts = headings.breaks(text, 10.0)
    parts = [text[i:j] for i, j in zip([0, *cuts], [*cuts, len(text)], strict=True)]
    assert min(map(len, parts)) >= 3


def test_broken_html_keeps_the_text_and_its_spans():
    html = headings.broken([("讲述人：", "a"), ("袁意", "b"), ("（荷塘区太阳村党员）", "c")], 11.8)
    assert html == (
        '<span class="a">讲述人：</span><span class="b">袁意</span><br>'
        '<span class="c">（荷塘区太阳村党员）</span>'
    )
    assert headings.broken([("<荷塘>", "")], 20) == "&lt;荷塘&gt;"


def test_sizes_come_from_the_tokens():
    assert headings.token_pt("--section-title-size") == 14.0
    assert headings.token_pt("--quote-inset") == 5.25


def test_section_heads_are_leaded_at_most_1_4(seed_build):
    sections, _, _ = _story_headings()
    lines = _lines(seed_build.print_pdfs, 14.0, "Sans")
    pitches = []
    for text in sections:
        run = _run(text, lines)
        assert run, text
        pitches += [b[3] - a[3] for a, b in zip(run, run[1:], strict=False)]
    assert pitches and all(14.0 <= p <= 14.0 * 1.4 + 0.01 for p in pitches), pitches


def test_section_head_blocks_take_whole_grid_lines():
    fmt = load_config().page_format()
    for text in ("看综合实力", "看综合实力 发展活力明显释放", "看发展质效 创新力竞争力持续增强"):
        rows, pad = headings.grid_rows(fmt, "section", "--section-title-leading", text)
        lines = len(headings.breaks(text, headings.measure_em(fmt, "section"))) + 1
        height = lines * headings.token_pt("--section-title-leading") + 2 * pad
        assert height == pytest.approx(rows * fmt.line_pitch, abs=0.002)
        assert 0 <= pad < fmt.line_pitch / 2


def test_the_notes_first_line_is_on_its_grid(seed_build):
    # the bold sans label 编者按 must not push the note's first column down
    size = headings.token_pt("--note-size")
    with pdfplumber.open(seed_build.print_pdfs[0]) as pdf:
        chars = [
            c
            for c in pdf.pages[0].chars
            if abs(c["size"] - size) < 0.05 and "WenKai" in c["fontname"]
        ]
    left, right = min(c["x0"] for c in chars), max(c["x1"] for c in chars)
    columns: dict[int, set[float]] = {}  # the note is set in four columns
    for c in chars:
        column = int((c["x0"] - left) / (right - left) * 4)
        columns.setdefault(column, set()).add(round(c["bottom"], 2))
    firsts = sorted(min(b) for b in columns.values())
    assert len(firsts) == 4 and firsts[-1] - firsts[0] < 0.05, firsts
    pitch = load_config().page_format().line_pitch * 1.5
    for bottoms in columns.values():
        ordered = sorted(bottoms)
        assert all(abs(b - a - pitch) < 0.05 for a, b in zip(ordered, ordered[1:], strict=False))


@pytest.mark.parametrize(
    ("text", "measure", "lines"),
    [  # one more line rather than a break inside a name
        (
            "讲述人：黄婷（三一智慧钢铁城副总经理）",
            11.8,
            ["讲述人：黄婷", "（三一智慧钢铁城", "副总经理）"],
        ),
        (
            "讲述人：刘开全（荷塘区荷塘月色小区居民）",
            11.8,
            ["讲述人：刘开全（荷塘区", "荷塘月色小区居民）"],
        ),
        (
            "讲述人：欧阳婷婷（株洲市荷塘区仙霞镇樟霖村驻村工作队员）",
            7.0,
            ["讲述人：", "欧阳婷婷", "（株洲市荷塘区", "仙霞镇樟霖村", "驻村工作队员）"],
        ),
    ],
)
def test_speaker_lines_break_where_a_name_ends(text, measure, lines):
    cuts = headings.breaks(text, measure)
    assert [text[i:j] for i, j in zip([0, *cuts], [*cuts, len(text)], strict=True)] == lines


def test_the_sizes_a_heading_may_take_are_listed_in_the_tokens():
    assert headings.sizes("section") == [14.0, 12.0]
    assert headings.sizes("databox") == [18.0, 16.0]
    assert headings.sizes("speaker") == []  # a speaker line keeps its size


@pytest.mark.parametrize(
    ("role", "text", "size"),
    [
        # 9.3 em: two lines on a section's 8.4 em at 四号, one line at 小四
        ("section", "看综合实力 发展活力", 12.0),
        # two lines at either size: it keeps its own, broken between its phrases
        ("section", "看综合实力 发展活力明显释放", 14.0),
        ("section", "看综合实力", 14.0),
        ("testimony", "激活乡村振兴的一池春水", 9.0),
        ("testimony", "党建服务触角延伸到家门口", 10.5),
        ("headline2", "「幸福账单」荷塘答卷「酬奋斗」践初心再出发新征程", 36.0),
        ("headline2", "「幸福账单」 荷塘答卷", 44.0),
        ("databox", "数读成绩单" * 11 + "荷塘", 16.0),
        ("databox", "数读成绩单", 18.0),
    ],
)
def test_a_heading_steps_down_one_size_to_save_a_line(role, text, size):
    fmt = load_config().page_format()
    assert headings.heading_size(fmt, role, text) == size
    if size < headings.sizes(role)[0]:
        assert headings.breaks(text, headings.measure_em(fmt, role, size)) == []


def test_a_stepped_heading_is_set_as_measured(story_dir, tmp_path):
    # the make-up measured the head on one line at 小四: the page makes up flush
    from conftest import SEED, write_story

    from newsprint.build import build
    from newsprint.preflight.page import format_page_report, measure_page_report

    text = SEED.read_text(encoding="utf-8").replace("发展活力明显释放", "发展活力", 1)
    result = build(write_story(story_dir, "stepped", text), tmp_path, archive=False)
    lines = _lines(result.print_pdfs, 12.0, "Sans-CJK-SC-Bold")
    assert _set_as("看综合实力 发展活力", lines) == ["看综合实力发展活力"]
    reports = [measure_page_report(pdf) for pdf in result.print_pdfs]
    assert all(r.ok for r in reports), "\n".join(map(format_page_report, reports))
