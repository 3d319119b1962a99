"""Copyfit: the make-up fits copy within newsprint.toml [makeup]'s bounds, and copy that
no arrangement can fit is an error that says how much to cut or add, and where."""

from __future__ import annotations

from conftest import SEED, write_story

from newsprint.bench.corpus import Spec
from newsprint.bench.corpus import write_story as write_corpus_story
from newsprint.build import BuildFailed, build
from newsprint.preflight.page import format_page_report, measure_page_report

SEED_TEXT = SEED.read_text(encoding="utf-8")
SENTENCE = "荷塘区深入推进各项工作，成效显著，群众获得感不断增强。"
ANCHOR = "#### 报告解读\n\n五年来,荷塘区深入推进供给侧"


def longer_seed(sentences: int) -> str:
    """The seed with a paragraph of `sentences` sentences more in its second section."""
    assert ANCHOR in SEED_TEXT
    extra = SENTENCE * sentences
    return SEED_TEXT.replace(ANCHOR, f"#### 报告解读\n\n{extra}\n\n五年来,荷塘区深入推进供给侧")


def failed_findings(path, tmp_path, **kw) -> list[str]:
    try:
        build(path, tmp_path, archive=False, **kw)
    except BuildFailed as failed:
        return [str(f) for f in failed.findings if f.rule.startswith("makeup")]
    raise AssertionError(f"{path.name} went to print")


def test_copy_a_little_longer_is_made_up_flush(story_dir, tmp_path):
    path = write_story(story_dir, "longer", longer_seed(12))
    result = build(path, tmp_path, archive=False)
    reports = [measure_page_report(pdf) for pdf in result.print_pdfs]
    assert all(r.ok for r in reports), "\n".join(map(format_page_report, reports))


def test_copy_far_too_long_says_what_to_cut(story_dir, tmp_path):
    path = write_story(story_dir, "much_longer", longer_seed(400))
    said = failed_findings(path, tmp_path)
    assert said, "no make-up message"
    assert any("cut about" in s or "too long" in s for s in said), said
    assert all("characters" in s for s in said)
    assert not list(tmp_path.rglob("*-print.pdf"))


def test_copy_too_short_for_its_pages_says_how_much_to_add(story_dir, tmp_path):
    path = write_corpus_story(Spec(1, 0.5, 1, True, True, True), story_dir)
    said = failed_findings(path, tmp_path)
    short = [s for s in said if "short" in s]
    assert short and all("characters" in s for s in short), said
    assert any("add about" in s for s in short)
    assert not list(tmp_path.rglob("*-print.pdf"))


def test_a_headline_alone_is_never_printed(story_dir, tmp_path):
    path = write_story(story_dir, "headline_only", "# 引题\n\n## 只有标题的稿件\n")
    try:
        build(path, tmp_path, archive=False)
    except BuildFailed as failed:
        errors = [f for f in failed.findings if f.level == "error"]
    else:
        raise AssertionError("a headline-only story went to print")
    assert errors
    assert not list(tmp_path.rglob("*-print.pdf"))


def test_corpus_stories_make_up_flush_or_say_what_to_cut_or_add(tmp_path):
    """Issue 10's rule over generated stories of every mix of modules: either every page
    is flush, without holes, each module a rectangle on whole lines filled to its foot,
    or the render stops with the make-up's message."""
    from newsprint.bench.corpus import spec_for
    from newsprint.bench.makeup import pages_for

    made = 0
    for seed in (0, 3, 4, 7, 9, 18):
        spec = spec_for(seed)
        path = write_corpus_story(spec, tmp_path / "copy")
        out = tmp_path / "out"
        try:
            result = build(path, out, pages=pages_for(spec.scale), archive=False, typography=False)
        except BuildFailed as failed:
            errors = [f for f in failed.findings if f.level == "error"]
            assert errors and all(
                f.rule.startswith("makeup") or f.rule == "empty-page" for f in errors
            ), (spec, [str(f) for f in errors])
            assert all("lines" in f.message for f in errors)
            assert not list((out / spec.name).glob("*-print.pdf"))
        else:
            made += 1
            reports = [measure_page_report(pdf) for pdf in result.print_pdfs]
            assert all(r.ok for r in reports), "\n".join(map(format_page_report, reports))
            assert all(r.modules and not r.unmapped for r in reports)  # rectangles checked
    assert made >= 2  # and some of them make up


def test_text_before_the_first_section_is_made_up_as_a_module():
    """Body text before any section (an article's lead) is set like a section's, without
    a heading: measured, cut at lines, placed."""
    from conftest import made_up

    from newsprint.config import load_config
    from newsprint.story.edition import load_edition
    from newsprint.story.parse import parse_story

    story, _ = parse_story(SEED)
    first = story.articles[0]
    first.lead, first.sections[0].paragraphs = first.sections[0].paragraphs, []
    config = load_config()
    edition = load_edition(SEED, config.paper_name, config.default_format)
    plan = made_up(story, edition)
    texts = [
        "".join(p.text for p in m.pieces)
        for page in plan.pages
        for m in page.modules
        if m.kind == "text"
    ]
    assert first.lead[0].text in "".join(texts)


def test_the_seed_on_sikai_makes_up_on_three_pages_and_says_so_on_four(tmp_path):
    """The whole seed on 四开: three pages, flush; on four the copy is short, and the
    message names the command that renders it, format included."""
    result = build(SEED, tmp_path / "three", format_name="sikai", pages=3, archive=False)
    reports = [measure_page_report(pdf) for pdf in result.print_pdfs]
    assert len(reports) == 3 and all(r.format == "sikai" for r in reports)
    assert all(r.ok for r in reports), "\n".join(map(format_page_report, reports))
    said = failed_findings(SEED, tmp_path / "four", format_name="sikai", pages=4)
    assert any("short" in s and "add about" in s for s in said), said
    assert all("--format sikai --pages 3" in s for s in said), said
    # nothing for print, but a stamped proof of the nearest make-up, all four pages
    assert not list((tmp_path / "four").rglob("*-print.pdf"))
    (proof,) = (tmp_path / "four").rglob("*-FAILED-proof.pdf")
    import pikepdf

    with pikepdf.open(proof) as pdf:
        assert len(pdf.pages) == 4
