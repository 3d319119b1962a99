"""The page make-up knows how each setting of a box sets (issue 11): clreq records the
gap it gives each justified line, the module measurement counts the loose lines of
every item by the typography report's rule, and a box takes the setting that sets
clean where one exists, never refusing one that cannot."""

from __future__ import annotations

from types import SimpleNamespace

import pdfplumber
from conftest import SEED_EDITION
from test_clreq import KAI, page
from weasyprint import HTML

from newsprint import hanzi
from newsprint.compose import measures as m
from newsprint.compose.atoms import LOOSE_LINE, Atom, Costs, _testimony
from newsprint.config import MakeupSettings
from newsprint.preflight import pdflines, roles

MEASURE = 106.5  # pt: a testimony's column, as tests/test_loose.py
# A testimony of corpus story 200 (Spec(200, 2.0, 2, True, True, True)): "858条" cannot
# follow "环境加快民生" in 五号 in this measure, which is left 0.43 em loose; in 小五 it can.
TESTIMONY = (
    "环境加快民生858条，乡村5G提出。",
    "企业GDP乡村，完善发展增长……，报告为又、项目、提升，产业PM2.5生态：“都。”《为教育》，"
    "724年环境环境教育。建设医疗安全iPhone都，产业，1403年提出；",
)


def hard_story(folder):
    """(story model, config, typesetter, template environment) of the first hard story of
    make bench (bench/typography.py): one page whose testimonies set loose in 五号."""
    from newsprint.bench.corpus import typography_copy
    from newsprint.bench.typography import CAPTION
    from newsprint.build import prepare, session_css
    from newsprint.compose.html import template_env
    from newsprint.config import load_config
    from newsprint.typeset.typesetter import Typesetter

    config = load_config()
    path = folder / "hard1.txt"
    path.write_text(typography_copy(1) + CAPTION, encoding="utf-8")
    path.with_name("hard1.edition.toml").write_bytes(SEED_EDITION.read_bytes())
    job = prepare(path, config, pages=1)
    return job, config, Typesetter(session_css(config)), template_env(job.fmt, config)


def test_the_gap_clreq_records_is_the_gap_the_report_measures(tmp_path, on):
    paras = "".join(f"<p>{text}</p>" for text in TESTIMONY)
    body = "".join(
        f"<div style=\"width: {MEASURE}pt; font: {size}pt/1.5 '{KAI}'; margin-bottom: 20pt\">"
        f"{paras}</div>"
        for size in (10.5, 9)
    )
    document = HTML(string=page(body)).render()
    recorded = {}  # (line text, size in pt) → the gap clreq gave it

    def walk(box):
        if hasattr(box, "clreq_gap_em"):
            text = "".join(t.text for t in box.descendants() if hasattr(t, "pango_layout"))
            recorded[text, round(box.style["font_size"] * 0.75, 1)] = box.clreq_gap_em
        for child in getattr(box, "children", None) or ():
            walk(child)

    walk(document.pages[0]._page_box)
    path = tmp_path / "gaps.pdf"
    document.write_pdf(path)
    with pdfplumber.open(path) as pdf:
        lines = pdflines.lines_of_page(pdf.pages[0], 1)
    measured = {(ln.text, ln.size): max(roles.han_gaps(ln.chars), default=0.0) for ln in lines}
    both = [key for key in recorded if key in measured]
    assert len(both) >= 10, (recorded, measured)
    for key in both:
        assert abs(recorded[key] - measured[key]) < 0.003, key
    # the line the make-up must see loose in 五号, and clean in 小五
    assert hanzi.is_loose(recorded["环境加快民生", 10.5], "环境加快民生")
    assert not any(hanzi.is_loose(gap, text) for (text, size), gap in recorded.items() if size == 9)


def test_the_measurement_counts_each_testimonys_loose_lines_per_size(story_dir):
    from newsprint.typeset.modules import measure_modules

    job, config, setter, env = hard_story(story_dir)
    testimonies = [t for art in job.story.articles for s in art.sections for t in s.testimonies]
    heights, _ = measure_modules(job.story, job.fmt, config.makeup, setter, env, cache_dir=None)
    loose = {
        size: [heights.get(m.loose_key(m.testimony_body_id(t, size)), []) for t in testimonies]
        for size in config.makeup.testimony_sizes
    }
    assert all(ratio > 1 for lines in loose["wuhao"] + loose["xiaowu"] for ratio in lines)
    clean_smaller = [
        bool(a) and not b for a, b in zip(loose["wuhao"], loose["xiaowu"], strict=True)
    ]
    assert sum(clean_smaller) >= 2, loose  # "……，68天完成征拆" and others
    assert not any(heights.get(m.loose_key(m.testimony_head_id(t, 1))) for t in testimonies)


def made_testimony(loose: dict[str, list[float]], bounds=None):
    """A testimony's options from made-up heights: 10 lines of text and 3 of head at
    either size, `loose` the loose lines of each size's text."""
    bounds = bounds or MakeupSettings()
    tes = SimpleNamespace(title=SimpleNamespace(line=7))
    heights = {}
    for size in bounds.testimony_sizes:
        heights[m.testimony_body_id(tes, size)] = 10.0
        for w in range(1, bounds.testimony_max_cols + 1):
            heights[m.testimony_head_id(tes, w)] = 3.0
        if size in loose:
            heights[m.loose_key(m.testimony_body_id(tes, size))] = loose[size]
    atom = Atom(0, "testimony", 0, "the testimony", 7)
    _testimony(atom, tes, heights, bounds, Costs(bounds))
    return atom


def test_a_testimony_takes_the_size_that_sets_clean_and_never_refuses_one():
    clean = made_testimony({})
    assert clean.options[1][13].size == "wuhao" and clean.options[1][13].loose == 0
    loose = made_testimony({"wuhao": [1.3]})
    best = loose.options[1][13]
    assert best.size == "xiaowu" and best.loose == 0
    # a line twice as loose as the other size's counts twice: the less loose one wins
    both = made_testimony({"wuhao": [2.9], "xiaowu": [1.1]})
    assert both.options[1][13].size == "xiaowu" and both.options[1][13].loose == 1
    assert both.options[1][13].cost >= LOOSE_LINE
    # loose at every size: still offered at every height the clean one is
    stuck = made_testimony({"wuhao": [1.2], "xiaowu": [1.2, 1.5]})
    assert stuck.options.keys() == clean.options.keys()
    assert all(stuck.options[w].keys() == clean.options[w].keys() for w in clean.options)
    assert stuck.options[1][13].size == "wuhao"


def test_the_make_up_sets_a_testimony_loose_in_wuhao_in_xiaowu(story_dir):
    from newsprint.compose.headings import module_gap_lines
    from newsprint.compose.makeup import make_up
    from newsprint.typeset.modules import measure_modules

    job, config, setter, env = hard_story(story_dir)
    heights, _ = measure_modules(job.story, job.fmt, config.makeup, setter, env, cache_dir=None)

    def sizes(heights) -> dict[int, str]:
        plan, _, _ = make_up(
            job.story, job.edition, job.fmt, config.makeup, heights, None, module_gap_lines()
        )
        assert plan is not None, "the story does not make up on its page"
        boxes = [mod.placed for pg in plan.pages for mod in pg.modules if mod.kind == "testimony"]
        return {p.atom.testimony.title.line: p.choice.size for p in boxes}

    def loose(tes_line: int, size: str) -> bool:
        return f"loose:m-tb-{tes_line}-{size}" in heights

    chosen = sizes(heights)
    fixable = [t for t in chosen if loose(t, "wuhao") and not loose(t, "xiaowu")]
    assert len(fixable) >= 2
    assert all(chosen[t] == "xiaowu" for t in fixable), chosen
    assert all(chosen[t] == "wuhao" for t in chosen if not loose(t, "wuhao")), chosen
    # without the loose lines measured, the make-up keeps the design's size for them
    blind = sizes({k: v for k, v in heights.items() if not k.startswith("loose:")})
    assert all(blind[t] == "wuhao" for t in fixable), blind


def test_a_testimony_loose_at_every_size_may_run_across_its_box_in_one_column():
    """Loose in its inner column at both sizes, measured again across a 2-column box (the
    second round): that box sets its text in one column where that sets clean, and the
    choice costs a step of the width lever more than the design's two inner columns."""
    bounds = MakeupSettings()
    tes = SimpleNamespace(title=SimpleNamespace(line=7))
    heights = {}
    for size in bounds.testimony_sizes:
        body = m.testimony_body_id(tes, size)
        heights[body] = 10.0
        heights[m.loose_key(body)] = [1.8]
        for w in range(1, bounds.testimony_max_cols + 1):
            heights[m.testimony_head_id(tes, w)] = 3.0
        heights[m.testimony_wide_id(tes, 2, size)] = 5.0  # one column across two: clean
    atom = Atom(0, "testimony", 0, "the testimony", 7)
    _testimony(atom, tes, heights, bounds, Costs(bounds))
    wide = atom.options[2][3 + 5]  # head + 5 lines in one column
    assert wide.inner == 1 and wide.loose == 0
    narrow = made_testimony({"wuhao": [1.8], "xiaowu": [1.8]})  # not measured across
    assert all(c.inner == 2 for c in narrow.options.get(2, {}).values())
    assert wide.cost < narrow.options[1][13].cost


def test_the_second_round_measures_only_testimonies_loose_at_every_size(story_dir):
    from newsprint.typeset.modules import measure_modules

    job, config, setter, env = hard_story(story_dir)
    bounds = config.makeup
    heights, _ = measure_modules(job.story, job.fmt, bounds, setter, env, cache_dir=None)
    testimonies = [t for art in job.story.articles for s in art.sections for t in s.testimonies]
    for t in testimonies:
        everywhere = all(
            m.loose_key(m.testimony_body_id(t, size)) in heights for size in bounds.testimony_sizes
        )
        wide = [m.testimony_wide_id(t, w, s) for w in (2, 3) for s in bounds.testimony_sizes]
        assert all((key in heights) == everywhere for key in wide), t.title.text
    assert any(m.testimony_wide_id(t, 2, "wuhao") in heights for t in testimonies)


def test_testimonies_a_size_smaller_set_their_text_smaller_and_their_heads_as_designed(
    tmp_path,
):
    """The testimony-size lever reaches a box's text only (the class is on its body,
    layout/blocks.html.j2), so its head is measured once per width for every size: in 小五
    alone, each testimony's text sets at 9 pt, its speaker line as in the design,
    and the pages still make up flush (a head measured wrong would leave a hole or push
    a box past its module)."""
    from dataclasses import replace

    from conftest import SEED

    from newsprint.build import build
    from newsprint.config import load_config
    from newsprint.preflight.page import format_page_report, measure_page_report

    config = load_config()
    found = m.items(load_story(SEED), config.page_format(), config.makeup)
    heads = [i for i in found if i.kind == "testimony-head"]
    assert heads and all("size" not in i.payload for i in heads)
    assert len(heads) == len({i.id for i in heads})  # one per testimony and width

    smaller = replace(config, makeup=replace(config.makeup, testimony_sizes=("xiaowu",)))
    result = build(SEED, tmp_path, config=smaller, archive=False, typography=False)
    reports = [measure_page_report(pdf) for pdf in result.print_pdfs]
    assert all(r.ok for r in reports), "\n".join(map(format_page_report, reports))
    kai, speakers = 0, []
    for path in result.print_pdfs:
        with pdfplumber.open(path) as pdf:
            chars = pdf.pages[0].chars
        kai += sum("WenKai" in c["fontname"] and round(c["size"], 2) == 9 for c in chars)
        speakers += [round(c["size"], 2) for c in chars if c["text"] == "讲"]
    story = load_story(SEED)
    body = sum(
        len(p.text)
        for art in story.articles
        for sec in art.sections
        for t in sec.testimonies
        for p in t.paragraphs
    )
    assert kai >= 0.95 * body  # every testimony's text in 小五 (a few marks in Kai Quotes)
    assert speakers and set(speakers) == {9.0}  # 讲述人 at --speaker-size, as designed


def load_story(path):
    from newsprint.story.parse import parse_story

    return parse_story(path)[0]
