"""Quotation marks take a full em in every role and face: LXGW WenKai's own are
proportional (0.35 em), so the Kai role sets them from a ranged face (fonts.toml)."""

from __future__ import annotations

import dataclasses
import datetime

import pdfplumber

from newsprint.config import load_config
from newsprint.story.edition import Edition
from newsprint.story.model import Article, Para, Story
from newsprint.typeset.coverage import check_coverage
from newsprint.typeset.fonts import load_faces, role_css

QUOTES = "“”‘’"


def _quotes(pdfs):
    for path in pdfs:
        with pdfplumber.open(path) as pdf:
            yield from (c for c in pdf.pages[0].chars if c["text"] in QUOTES)


def test_quotation_marks_are_full_width_in_every_face(seed_build):
    marks = list(_quotes(seed_build.print_pdfs))
    faces = {c["fontname"].split("+")[-1] for c in marks}
    assert any("Kai-Quotes" in f for f in faces) and any("Serif" in f for f in faces), faces
    assert not any("WenKai" in f for f in faces), "a proportional LXGW WenKai quote was set"
    widths = [c["width"] / c["size"] for c in marks]
    # 1 em, or ½ em where clreq compresses a pair (”“, ”，) as it does other marks
    assert all(0.49 < w < 1.01 for w in widths), sorted(widths)[:5]
    assert sum(w > 0.99 for w in widths) > len(widths) / 2


def test_kai_role_lists_the_ranged_face_first():
    css = role_css(load_faces(), load_config().font_roles)
    assert "--face-kai: 'NP Kai Quotes', 'NP LXGW WenKai';" in css


def test_coverage_checks_a_ranged_face_for_its_characters_only():
    faces = load_faces()
    roles = {"kai": ["kai-quotes-regular", "kai-regular"], "headline": ["sans-bold"]}
    story = Story("s.txt", [Article(Para("甲", 1), deck=Para("“荷塘”", 2))])
    edition = Edition("e.toml", "报", datetime.date(2026, 12, 1), "", "duikai", [])
    assert check_coverage(story, edition, faces, roles) == []
    # a ranged face that claims 荷 but lacks it is named; the Kai face is not asked for “
    faces["kai-quotes-regular"] = dataclasses.replace(
        faces["kai-quotes-regular"], unicode_range="U+201C-201D, U+8377"
    )
    [finding] = check_coverage(story, edition, faces, roles)
    assert "荷" in finding.message and "kai-quotes-regular" in finding.message


def test_a_character_no_face_of_its_role_has_is_one_error_naming_every_face():
    faces = load_faces()
    roles = {"kai": ["kai-regular", "kai-bold"], "headline": ["sans-bold"]}
    story = Story("s.txt", [Article(Para("甲", 1), deck=Para("荷塘😀答卷", 2))])
    edition = Edition("e.toml", "报", datetime.date(2026, 12, 1), "", "duikai", [])
    [finding] = check_coverage(story, edition, faces, roles)
    assert finding.line == 2 and "U+1F600" in finding.message
    assert (
        "(kai-regular), " in finding.message
        and "(kai-bold) that set the kai text" in finding.message
    )
