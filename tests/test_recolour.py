"""A colour-only save recolours the page laid out last time (typeset/recolour.py): the
PDF must be byte for byte a fresh layout's, and anything else is laid out again."""

from __future__ import annotations

import os
import shutil

import pytest
from conftest import ROOT

EDITS = [  # tokens.css: text, rules, tints, a placeholder frame, the accent
    ("--ink: device-cmyk(0 0 0 1);", "--ink: device-cmyk(0.2 0 0 0.9);"),
    ("--rule: device-cmyk(0 0 0 1);", "--rule: device-cmyk(0 0.5 0 1);"),
    ("--tint-note: device-cmyk(0.05 0 0 0.04);", "--tint-note: device-cmyk(0.15 0 0 0.04);"),
    ("--placeholder: device-cmyk(0 0 0 0.12);", "--placeholder: device-cmyk(0.2 0 0 0.3);"),
    ("--accent: device-cmyk(0 1 1 0.1);", "--accent: device-cmyk(0.3 1 0.5 0.1);"),
]


@pytest.fixture(scope="module")
def seed_pages(tmp_path_factory):
    """The seed's pages as the page workers compose them, and a typesetter on a copy of
    styles/ (tokens.css is edited)."""
    from newsprint.build import compose_pages, prepare, session_css
    from newsprint.compose.html import compose_html, geometry_css, template_env
    from newsprint.compose.makeup import Makeup
    from newsprint.config import load_config
    from newsprint.typeset import typesetter as module
    from newsprint.typeset.typesetter import Typesetter

    styles = tmp_path_factory.mktemp("styles")
    shutil.copytree(ROOT / "styles", styles, dirs_exist_ok=True)
    saved, module.STYLES_DIR = module.STYLES_DIR, styles
    try:
        config = load_config()
        job = prepare(ROOT / "source" / "000_47b12d432780679e.txt", config)
        setter = Typesetter(session_css(config))
        env = template_env(job.fmt, config)
        plan = compose_pages(job, config, setter, env)
        htmls = [
            compose_html(job.story, job.edition, Makeup((p,)), job.fmt, job.photo_url, env)
            for p in plan.pages
        ]
        yield setter, htmls, geometry_css(job.fmt), styles / "tokens.css"
    finally:
        module.STYLES_DIR = saved


def _write(path, text):
    """Write and move the mtime on: the typesetter re-reads a sheet whose mtime changed."""
    stamp = path.stat().st_mtime_ns + 10_000_000
    path.write_text(text, encoding="utf-8")
    os.utime(path, ns=(stamp, stamp))


@pytest.mark.parametrize(("old", "new"), EDITS)
def test_a_recoloured_page_is_a_fresh_layouts_pdf(seed_pages, old, new):
    from newsprint.typeset.recolour import render_kept

    setter, htmls, css, tokens = seed_pages
    text = tokens.read_text(encoding="utf-8")
    assert old in text
    changed = False
    try:
        for html in htmls:
            kept: dict = {}
            before, _ = render_kept(setter, html, css, kept, 0)
            was = before.write_pdf()
            _write(tokens, text.replace(old, new))
            after, warnings = render_kept(setter, html, css, kept, 0)
            assert after is before  # recoloured, not laid out again
            fresh, fresh_warnings = setter.render(html, css)
            assert after.write_pdf() == fresh.write_pdf()
            assert warnings == fresh_warnings
            changed |= fresh.write_pdf() != was
            _write(tokens, text)
    finally:
        _write(tokens, text)
    assert changed  # the edit shows on one page at least


def test_a_size_edit_is_laid_out_again(seed_pages):
    from newsprint.typeset.recolour import render_kept

    setter, htmls, css, tokens = seed_pages
    text = tokens.read_text(encoding="utf-8")
    kept: dict = {}
    try:
        before, _ = render_kept(setter, htmls[0], css, kept, 0)
        _write(tokens, text.replace("--headline-size: 66pt;", "--headline-size: 60pt;"))
        after, _ = render_kept(setter, htmls[0], css, kept, 0)
        assert after is not before
    finally:
        _write(tokens, text)
