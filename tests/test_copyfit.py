"""Copyfit: the photo frame gives and takes lines within newsprint.toml [makeup]'s bounds,
and copy that cannot fit is an error that says how much to cut or add, and what else."""

from __future__ import annotations

import pdfplumber
from conftest import SEED, write_story

from newsprint.bench.corpus import Spec
from newsprint.bench.corpus import write_story as write_corpus_story
from newsprint.build import BuildFailed, build
from newsprint.config import load_config

SEED_TEXT = SEED.read_text(encoding="utf-8")
SENTENCE = "荷塘区深入推进各项工作，成效显著，群众获得感不断增强。"
ANCHOR = "#### 报告解读\n\n五年来,荷塘区深入推进供给侧"


def longer_seed(sentences: int) -> str:
    """The seed with a paragraph of `sentences` sentences more in its second section."""
    assert ANCHOR in SEED_TEXT
    extra = SENTENCE * sentences
    return SEED_TEXT.replace(ANCHOR, f"#### 报告解读\n\n{extra}\n\n五年来,荷塘区深入推进供给侧")


def frame_lines(pdf_path, pitch: float) -> float:
    """Height of the photo frame (the widest, tallest box on the page), in lines."""
    with pdfplumber.open(pdf_path) as pdf:
        page = pdf.pages[0]
        frames = [r for r in page.rects if r["width"] > page.width * 0.7]
        return max(r["height"] for r in frames) / pitch


def test_copy_a_little_too_long_fits_by_shrinking_the_photo(story_dir, tmp_path):
    config = load_config()
    pitch = config.page_format().line_pitch
    low, _ = config.photo_lines
    path = write_story(story_dir, "longer", longer_seed(30))
    result = build(path, tmp_path)  # without the lever: overset by 47 lines
    frame = frame_lines(result.print_pdfs[0], pitch)
    assert low <= frame < 24 - 0.5  # under the designed --photo-height, within the bound
    assert not [f for f in result.findings if f.rule == "fit"]


def test_copy_far_too_long_says_what_to_cut_and_which_bounds_to_move(story_dir, tmp_path):
    path = write_story(story_dir, "much_longer", longer_seed(400))
    try:
        build(path, tmp_path)
    except BuildFailed as failed:
        said = [str(f) for f in failed.findings if f.rule == "fit"]
    else:
        raise AssertionError("copy four times a page too long went to print")
    overset = [s for s in said if "is overset by" in s]
    assert overset and "characters" in overset[0] and "--pages 3" in overset[0]
    assert any("photo_min_lines" in s for s in overset)
    assert not list(tmp_path.rglob("*-print.pdf"))


def test_copy_too_short_for_its_pages_is_an_error_that_says_how_much_to_add(tmp_path):
    config = load_config()
    high = config.photo_lines[1]
    source = SEED.parent / f".test-short-{tmp_path.name}"
    try:
        path = write_corpus_story(Spec(1, 0.5, 1, True, True, True), source)
        try:
            build(path, tmp_path)
        except BuildFailed as failed:
            said = [str(f) for f in failed.findings if f.rule == "fit"]
        else:
            raise AssertionError("a half-empty spread went to print")
    finally:
        for file in source.glob("*"):
            file.unlink()
        source.rmdir()
    short = [s for s in said if "lines short" in s]
    assert short and all("add about" in s and "characters" in s for s in short)
    assert any(f"grow past {high} lines" in s for s in short)  # the photo is at its bound
    assert any("--pages 1" in s for s in short)
    assert not list(tmp_path.rglob("*-print.pdf"))
