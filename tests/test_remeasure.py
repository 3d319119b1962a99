"""A style edit re-measures only the modules it can move (typeset/remeasure.py), and
the heights come out as a whole measurement's."""

from __future__ import annotations

import shutil

from conftest import ROOT

from newsprint.typeset.remeasure import (
    Measured,
    changed_selectors,
    items_to_remeasure,
    matched_items,
    owned,
    split_items,
    to_remeasure,
)

SHEET = """
:root { --inset: calc(var(--size) / 2); --size: 10pt; --accent: red; }
.box { padding: var(--inset); }
.card li { font-size: 9pt; }
@page { size: A4; }
"""


def test_a_token_edit_touches_the_rules_that_use_it_through_other_tokens():
    edited = SHEET.replace("--size: 10pt", "--size: 11pt")
    assert changed_selectors(SHEET, edited) == ([".box"], {"--size", "--inset"})
    # a rule of the faces' or the geometry's sheet that uses it
    assert changed_selectors(SHEET, edited, "h1 { margin: var(--inset) }")[0] == [".box", "h1"]


def test_a_declaration_edit_touches_its_rule_only():
    assert changed_selectors(SHEET, SHEET.replace("9pt", "10pt")) == ([".card li"], set())
    assert changed_selectors(SHEET, SHEET) == ([], set())


def test_anything_more_than_declarations_re_measures_all():
    assert changed_selectors(SHEET, SHEET + ".new { width: 1pt }") is None
    assert changed_selectors(SHEET, SHEET.replace("A4", "A3")) is None
    assert changed_selectors(SHEET, SHEET.replace(".box", ".box, p")) is None
    # a longhand moved before its shorthand: every property of the rule
    a = ".x { padding: 1pt; padding-left: 2pt }"
    b = ".x { padding-left: 2pt; padding: 1pt }"
    assert changed_selectors(a, b) == ([".x"], set())


def test_matches_are_found_by_item_and_outside_them_re_measure_all():
    html = (
        '<html><body class="measuring">'
        '<div class="measure" id="m-a"><div class="box"><p>x</p></div></div>'
        '<div class="measure" id="m-b"><ul class="card"><li>1</li></ul></div>'
        "</body></html>"
    )
    ids = ["m-a", "m-b"]
    assert items_to_remeasure(html, [".box"], ids) == {"m-a"}
    assert items_to_remeasure(html, [".card li::before"], ids) == {"m-b"}
    assert items_to_remeasure(html, [".nothing"], ids) == set()
    assert items_to_remeasure(html, ["body"], ids) is None  # inherited by every item


def test_a_size_edit_re_measures_some_modules_to_the_same_heights(tmp_path, monkeypatch):
    from newsprint.build import prepare, session_css
    from newsprint.compose.html import template_env
    from newsprint.config import load_config
    from newsprint.typeset import remeasure, typesetter
    from newsprint.typeset.modules import measure_modules
    from newsprint.typeset.typesetter import Typesetter

    styles = tmp_path / "styles"
    shutil.copytree(ROOT / "styles", styles)
    monkeypatch.setattr(typesetter, "STYLES_DIR", styles)
    config = load_config()
    job = prepare(ROOT / "source" / "000_47b12d432780679e.txt", config)
    env = template_env(job.fmt, config)

    def measure(setter):
        return measure_modules(job.story, job.fmt, config.makeup, setter, env, cache_dir=None)

    warm = Typesetter(session_css(config))
    measure(warm)
    tokens = styles / "tokens.css"
    text = tokens.read_text(encoding="utf-8")
    old = "--databox-size: var(--size-sanhao);"
    assert old in text
    tokens.write_text(text.replace(old, "--databox-size: 19pt;"), encoding="utf-8")
    picked = []
    real = remeasure.to_remeasure
    monkeypatch.setattr(remeasure, "to_remeasure", lambda *a: picked.append(real(*a)) or picked[-1])
    partial = measure(warm)
    assert picked[-1] and all(name.startswith("m-di-") for name in picked[-1])
    whole = measure(Typesetter(session_css(config)))
    assert picked[-1] is None  # a new typesetter has nothing to keep
    assert partial == whole and whole[1] == []


def test_a_token_in_a_style_attribute_or_the_documents_sheet_is_seen():
    head = '<html><head><style>.m { margin: 0 }</style></head><body class="measuring">'
    items = (
        '<div class="measure" id="m-a" style="width: 10pt"><p>x</p></div>'
        '<div class="measure" id="m-b" style="width: var(--inset)"><p>y</p></div>'
    )
    html = head + items + "</body></html>"
    _, chunks = split_items(html)
    edited = SHEET.replace("--size: 10pt", "--size: 11pt")
    before = Measured(("", "", head), SHEET, chunks, {"m-a": 1.0, "m-b": 1.0})
    assert to_remeasure(before, Measured(("", "", head), edited, chunks, {}), html) == {"m-b"}
    head_using = head.replace("margin: 0", "margin: var(--size)")
    before = Measured(("", "", head_using), SHEET, chunks, {})
    now = Measured(("", "", head_using), edited, chunks, {})
    assert to_remeasure(before, now, html) is None


def test_a_cold_render_measures_in_two_processes_as_in_one():
    from newsprint.build import ForkedHalves, prepare, session_css
    from newsprint.compose.html import template_env
    from newsprint.config import load_config
    from newsprint.typeset.modules import measure_modules
    from newsprint.typeset.typesetter import Typesetter

    config = load_config()
    job = prepare(ROOT / "source" / "000_47b12d432780679e.txt", config)
    typesetter = Typesetter(session_css(config))
    args = (job.story, job.fmt, config.makeup, typesetter, template_env(job.fmt, config))
    forked = measure_modules(*args, cache_dir=None, pool=ForkedHalves(typesetter))
    typesetter.measured = None  # nothing to keep: lay every item out again
    assert forked == measure_modules(*args, cache_dir=None)


def test_items_are_matched_alone_and_the_answers_kept():
    head = '<html><head></head><body class="measuring">'
    html = (
        head
        + '<div class="measure" id="m-a"><div class="box"><p>x</p></div></div>'
        + '<div class="measure" id="m-b"><ul class="card"><li>1</li></ul></div>'
        + "</body>\n</html>"
    )
    _, chunks = split_items(html)
    assert matched_items(head, chunks, [".measuring .box p"]) == {"m-a"}
    assert matched_items(head, chunks, [".measuring .box p"]) == {"m-a"}  # from memory
    assert matched_items(head, {"m-b": chunks["m-b"]}, [".card li"]) == {"m-b"}
    assert matched_items(head, chunks, ["html"]) is None


def test_an_item_kept_keeps_its_loose_lines_and_its_paragraphs_starts():
    items = {"m-a": 'm-a" style=""><div id="m-p-3"><p>x</p></div></div>', "m-b": 'm-b"></div>'}
    heights = {"m-a": 2.0, "m-p-3": 1.0, "starts:m-p-3": [0], "loose:m-a": [1.3], "m-b": 1.0}
    mine = owned(items, heights)
    assert mine["m-a"] == {"m-a", "m-p-3", "starts:m-p-3", "loose:m-a"}
    assert mine["m-b"] == {"m-b"}


def test_a_cards_other_widths_and_their_loose_lines_are_its_items():
    chunk = 'm-di-0-8-3-s" style="" data-also="m-di-0-8-2-s:481.500 m-di-0-4-2-s:229.500"><ul>'
    heights = {"m-di-0-8-3-s": 5.0, "m-di-0-8-2-s": 3.0, "m-di-0-4-2-s": 7.0}
    heights |= {"loose:m-di-0-4-2-s": [1.2], "m-di-1-8-3-s": 5.0}
    mine = owned({"m-di-0-8-3-s": chunk + "</ul></div>", "m-di-1-8-3-s": 'm-di-1-8-3-s">'}, heights)
    assert mine["m-di-0-8-3-s"] == set(heights) - {"m-di-1-8-3-s"}
    assert mine["m-di-1-8-3-s"] == {"m-di-1-8-3-s"}


def _boxes(box):
    yield box
    for child in getattr(box, "children", ()):
        yield from _boxes(child)


def test_a_measuring_document_lays_out_no_backgrounds_and_measures_the_same(monkeypatch):
    """Backgrounds never change a height: a measuring document (body.measuring) skips
    them, a spread laid out by the same typesetter keeps them."""
    from weasyprint import layout
    from weasyprint.layout.background import layout_backgrounds

    from newsprint.build import prepare, session_css
    from newsprint.compose import measures
    from newsprint.compose.html import geometry_css, template_env
    from newsprint.config import load_config
    from newsprint.typeset.modules import measure_html
    from newsprint.typeset.typesetter import Typesetter

    config = load_config()
    job = prepare(ROOT / "source" / "000_47b12d432780679e.txt", config)
    typesetter = Typesetter(session_css(config))
    found = measures.items(job.story, job.fmt, config.makeup)
    kinds = {"testimony-head", "testimony-body", "databox-title", "note"}
    html = (
        template_env(job.fmt, config)
        .get_template("measure.html.j2")
        .render(items=[i for i in found if i.kind in kinds])
    )
    css = geometry_css(job.fmt)

    def tinted(page_html: str) -> int:
        document, _ = typesetter.render(page_html, css)
        return sum(
            bool(getattr(b, "background", None)) for b in _boxes(document.pages[0]._page_box)
        )

    assert tinted(html) == 0
    assert tinted(html.replace('<body class="measuring">', "<body>")) > 10  # boxes' tints
    skipped = measure_html(typesetter, html, css, {}, job.fmt.line_pitch)
    monkeypatch.setattr(layout, "layout_backgrounds", layout_backgrounds)
    assert tinted(html) > 10
    assert measure_html(typesetter, html, css, {}, job.fmt.line_pitch) == skipped


def test_measurements_with_and_without_clreq_never_stand_for_each_other(tmp_path):
    """A benchmark or test switches clreq off: WeasyPrint's own breaks set other
    heights, so neither the typesetter's last measurement nor the one on disk may be
    taken for the other's (the bench's clreq-off render overflowed its modules)."""
    from newsprint import clreq
    from newsprint.build import prepare, session_css
    from newsprint.compose.html import template_env
    from newsprint.config import load_config
    from newsprint.typeset.modules import measure_modules
    from newsprint.typeset.typesetter import Typesetter

    config = load_config()
    job = prepare(ROOT / "source" / "000_47b12d432780679e.txt", config)
    typesetter = Typesetter(session_css(config))
    args = (job.story, job.fmt, config.makeup, typesetter, template_env(job.fmt, config))
    on, _ = measure_modules(*args, cache_dir=tmp_path)  # kept in memory and on disk
    with clreq.switched(False):
        off, _ = measure_modules(*args, cache_dir=tmp_path)
        typesetter.measured = None
        alone, _ = measure_modules(*args, cache_dir=None)
    assert off == alone and off != on
    assert measure_modules(*args, cache_dir=tmp_path)[0] == on  # each kept apart
