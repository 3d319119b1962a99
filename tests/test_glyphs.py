"""preflight/glyphs.py reads the same glyph boxes as pdfplumber, which it replaces in
the typography report: compared field by field on the seed's pages and on a page whose
text uses every text operator, a form XObject and a moved media box."""

from __future__ import annotations

import pdfplumber
import pikepdf
import pytest

from newsprint.preflight.glyphs import glyph_pages, to_unicode_map

FIELDS = ("text", "fontname", "size", "upright", "x0", "x1", "top", "bottom", "y0", "y1")


def _same(path) -> int:
    """How many glyphs were compared; fails on the first field that differs."""
    ours = glyph_pages(path)
    with pdfplumber.open(path) as pdf:
        theirs = [page.chars for page in pdf.pages]
    assert [len(p.chars) for p in ours] == [len(p) for p in theirs]
    count = 0
    for page, chars in zip(ours, theirs, strict=True):
        for a, b in zip(page.chars, chars, strict=True):
            for name in FIELDS:
                if isinstance(b[name], float):
                    assert a[name] == pytest.approx(b[name], abs=1e-6), (name, b["text"])
                else:
                    assert a[name] == b[name], (name, b["text"])
            assert a["matrix"] == pytest.approx(tuple(b["matrix"]), abs=1e-6)
            count += 1
    return count


def test_the_seed_pages_read_as_pdfplumber_reads_them(seed_build):
    for path in [*seed_build.print_pdfs, seed_build.archive_pdf]:
        assert _same(path) > 1000


def test_every_text_operator_and_a_form_read_as_pdfplumber_reads_them(seed_build, tmp_path):
    with pikepdf.open(seed_build.print_pdfs[0]) as pdf:
        page = pdf.pages[0]
        name = next(iter(page.resources.Font.keys()))
        glyphs = b"<0003000400050006>"  # four glyphs of the face, whatever they are
        form = pikepdf.Stream(
            pdf,
            b"BT " + name.encode() + b" 9 Tf 2 0 0 2 10 10 Tm " + glyphs + b" Tj ET",
        )
        form.Type, form.Subtype = pikepdf.Name.XObject, pikepdf.Name.Form
        form.BBox = [0, 0, 500, 500]
        form.Matrix = [1, 0, 0, 1, 30, 40]
        form.Resources = pikepdf.Dictionary(Font=page.resources.Font)
        page.add_resource(form, pikepdf.Name.XObject, pikepdf.Name("/Fm9"))
        ops = (
            b"q 1 0 0 1 5 7 cm BT " + name.encode() + b" 12 Tf 14 TL 100 700 Td "
            b"[" + glyphs + b" -250 " + glyphs + b"] TJ 2 Tc 3 Tw 80 Tz T* " + glyphs + b" Tj "
            b"0 -20 TD 1 Ts " + glyphs + b" ' ET 0.5 0 0 0.5 0 0 cm /Fm9 Do Q "
            b"BT " + name.encode() + b" 10 Tf 1 0 0 1 50 300 Tm " + glyphs + b" Tj ET"
        )
        page.obj.Contents = pikepdf.Stream(pdf, ops)
        page.obj.MediaBox = [10, 20, 800, 1000]
        pdf.save(tmp_path / "ops.pdf")
    assert _same(tmp_path / "ops.pdf") == 24


def test_to_unicode_ranges_and_arrays():
    cmap = b"""begincmap 2 beginbfchar <0001> <4E2D> <0002> <00660069> endbfchar
    2 beginbfrange <0010> <0012> <0041> <0020> <0021> [<0078> <0079>] endbfrange endcmap"""
    assert to_unicode_map(cmap) == {
        1: "中",
        2: "fi",
        0x10: "A",
        0x11: "B",
        0x12: "C",
        0x20: "x",
        0x21: "y",
    }
