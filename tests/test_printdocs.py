"""The test documents of test_output and test_preflight: the project's faces, clreq on."""

from __future__ import annotations

import pytest
from printdocs import FACES, FAMILY, StrayFont, render, story

from newsprint import clreq
from newsprint.config import load_config


def test_roles_name_the_faces_of_fonts_toml():
    roles = load_config().font_roles
    assert set(FAMILY) == {"body", "headline", "kai"}
    for role, family in FAMILY.items():
        assert {FACES[i].family for i in roles[role]} == {family}
        assert family.startswith("NP ")


def test_the_story_embeds_only_project_faces():
    story()  # raises StrayFont otherwise


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
