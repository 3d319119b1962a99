"""The test documents of test_output and test_preflight: the project's faces, clreq on."""

from __future__ import annotations

import io

import pikepdf
import pytest
from printdocs import FACES, ROLES, StrayFont, render, story

from newsprint import clreq
from newsprint.pdf.walk import all_resources


def _main_family(ids) -> str:
    """The role's one family that sets all its text (ranged faces set a few marks)."""
    (family,) = {FACES[i].family for i in ids if not FACES[i].unicode_range}
    return family


def test_each_role_is_one_np_family_of_fonts_toml():
    assert set(ROLES) == {"body", "headline", "kai"}
    for ids in ROLES.values():
        _main_family(ids)
        # never a family fontconfig also has
        assert all(FACES[i].family.startswith("NP ") for i in ids)


def test_the_story_is_set_in_every_role_and_nothing_else():
    document = story()  # render raises StrayFont on any other font
    with pikepdf.open(io.BytesIO(document.copy().write_pdf())) as pdf:
        fonts = [f for r in all_resources(pdf) for f in r.get("/Font", {}).values()]
        names = {str(f.BaseFont).split("+", 1)[1] for f in fonts}  # ABCDEF+family-style
    for ids in ROLES.values():
        family = _main_family(ids).replace(" ", "-")
        assert any(n == family or n.startswith(family + "-") for n in names), (family, names)


@pytest.mark.parametrize(
    "family",
    [
        "Newsprint Serif",  # the old name: no such family, fontconfig picks one
        "Noto Serif CJK SC",  # the system's copy, same PostScript name as our face
        "Noto Sans CJK SC",
    ],
)
def test_a_font_that_is_not_a_project_face_is_refused(family):
    css = f"html {{ font-family: '{family}'; font-weight: 700 }}"
    with pytest.raises(StrayFont, match="Noto-S"):
        render("<p>不是本报的字体</p>", css=css)


def test_documents_are_set_with_clreq_whatever_ran_before(off):
    document = render("<p>我们的GDP增长了7.2%，好。</p>")
    assert not clreq.installed()
    layouts = [
        box.pango_layout
        for page in document.pages
        for box in page._page_box.descendants()
        if getattr(box, "pango_layout", None) is not None
    ]
    assert layouts and any(hasattr(layout, "clreq_extra") for layout in layouts)
