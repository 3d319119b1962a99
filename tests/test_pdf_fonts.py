"""Font subsets hold the glyphs a page shows, no empty slots, and print as before."""

from __future__ import annotations

import io

import pdfplumber
import pikepdf
import pypdfium2 as pdfium
from fontTools.cffLib import CFFFontSet
from fontTools.ttLib import TTFont
from PIL import ImageChops
from printdocs import story

from newsprint.pdf.fonts import _codes, compact_fonts


def programs(pdf: pikepdf.Pdf) -> dict[str, tuple[pikepdf.Object, pikepdf.Stream]]:
    out = {}
    for page in pdf.pages:
        for font in page.Resources.Font.values():
            cid = font.DescendantFonts[0]
            desc = cid.FontDescriptor
            out[str(font.BaseFont)] = (cid, desc.get("/FontFile3") or desc.FontFile2)
    return out


def glyph_count(stream: pikepdf.Stream) -> int:
    data = stream.read_bytes()
    if stream.get("/Subtype") == pikepdf.Name.CIDFontType0C:
        cff = CFFFontSet()
        cff.decompile(io.BytesIO(data), None)
        return len(cff[cff.fontNames[0]].charset)
    return len(TTFont(io.BytesIO(data)).getGlyphOrder())


def raster(pdf_bytes: bytes, page: int = 0):
    return pdfium.PdfDocument(pdf_bytes)[page].render(scale=100 / 72).to_pil().convert("L")


def test_compacted_fonts_hold_only_the_glyphs_shown_and_print_the_same():
    raw = story().write_pdf()
    with pikepdf.open(io.BytesIO(raw)) as pdf:
        before = {k: len(s.read_raw_bytes()) for k, (_, s) in programs(pdf).items()}
        saved = compact_fonts(pdf)
        out = io.BytesIO()
        pdf.save(out)
        after = programs(pdf)
        assert set(after) == set(before) and len(after) >= 3
        for name, (cid, stream) in after.items():
            assert len(stream.read_raw_bytes()) < before[name], name
            assert glyph_count(stream) == len(_codes(cid.W)), name  # the shown glyphs, .notdef
            if cid.Subtype == pikepdf.Name.CIDFontType2:
                assert isinstance(cid.CIDToGIDMap, pikepdf.Stream)
                assert stream.Length1 == len(stream.read_bytes())
            else:
                assert stream.Subtype == pikepdf.Name.CIDFontType0C
    assert saved > sum(before.values()) / 2  # most of the font bytes were empty slots
    compacted = out.getvalue()
    for page in range(2):
        diff = ImageChops.difference(raster(raw, page), raster(compacted, page))
        assert diff.getextrema()[1] <= 40, f"page {page + 1} prints differently"
    with pdfplumber.open(io.BytesIO(raw)) as a, pdfplumber.open(io.BytesIO(compacted)) as b:
        assert [p.extract_text() for p in a.pages] == [p.extract_text() for p in b.pages]


def test_the_seeds_print_pages_carry_compact_subsets(seed_build):
    for path in seed_build.print_pdfs:
        with pikepdf.open(path) as pdf:
            compacted = 0
            for name, (cid, stream) in programs(pdf).items():
                if "Kai-Quotes" in name:  # cut down at set-up: four glyphs, kept as it is
                    continue
                assert glyph_count(stream) == len(_codes(cid.W)), (path.name, name)
                compacted += 1
            assert compacted >= 4


def test_a_face_cut_down_at_set_up_keeps_its_glyph_ids():
    """The Kai roles' quotation marks come from a face cut down to “ ” ‘ ’ at set-up:
    its glyph ids are not its CIDs, so compacting it by CID would blank every quote."""
    from printdocs import render

    raw = render('<div class="note">成为“项目攻坚年”“先进县市区”，‘幸福荷塘’。</div>').write_pdf()
    with pikepdf.open(io.BytesIO(raw)) as pdf:
        compact_fonts(pdf)
        out = io.BytesIO()
        pdf.save(out)
    before, after = raster(raw), raster(out.getvalue())
    assert ImageChops.difference(before, after).getextrema()[1] <= 40  # no blank quotes
    with pdfplumber.open(out) as pdf:
        quotes = [c for c in pdf.pages[0].chars if c["text"] in "“”‘’"]
    assert len(quotes) >= 6 and all("Kai-Quotes" in c["fontname"] for c in quotes)


def test_one_pass_subsets_compact_to_the_same_font_programs():
    """pdf/subset.py: WeasyPrint's second subset pass changes nothing compact_fonts keeps."""
    from newsprint.pdf import subset

    document = story()

    def compacted_programs() -> dict[str, bytes]:
        with pikepdf.open(io.BytesIO(document.write_pdf(uncompressed_pdf=True))) as pdf:
            compact_fonts(pdf)
            return {k: s.read_bytes() for k, (_, s) in programs(pdf).items()}

    subset.uninstall()
    try:
        two_passes = compacted_programs()
    finally:
        subset.install()
    one_pass = compacted_programs()
    assert len(one_pass) >= 3
    assert one_pass == two_passes


def test_a_face_is_copied_out_of_harfbuzz_only_when_read(monkeypatch):
    """pdf/subset.py: writing a PDF copies no whole CJK face (16–20 MB each) into
    Python; a face read all the same gives WeasyPrint's bytes, and a key its head."""
    from weasyprint.pdf.fonts import Font
    from weasyprint.text.fonts import get_hb_object_data

    from newsprint.pdf import subset

    subset.install()
    document = story()
    copied: list[int] = []
    read = subset.FaceBytes.read
    monkeypatch.setattr(subset.FaceBytes, "read", lambda self: copied.append(1) or read(self))
    made: list[Font] = []
    kept: list[type] = []  # what each new Font holds for its face
    init = Font.__init__

    def made_font(self, *args):
        init(self, *args)
        made.append(self)
        kept.append(type(subset.stored_content(self)))

    monkeypatch.setattr(Font, "__init__", made_font)
    pdf = document.write_pdf(uncompressed_pdf=True)
    assert len(made) >= 3 and set(kept) == {subset.FaceBytes}
    assert not copied  # each face subset straight from HarfBuzz
    assert b"/FontFile" in pdf
    font = made[0]
    whole = get_hb_object_data(font.hb_face)
    assert len(whole) > 1_000_000
    lazy = subset.FaceBytes(font.hb_face)
    assert lazy.head(4096) == (whole[:4096], len(whole))
    font.file_content = lazy  # as Font.__init__ keeps it
    assert subset.file_head(font, 64) == (whole[:64], len(whole))
    assert font.file_content == whole and copied == [1]  # read once, then kept
    assert font.file_content is font.file_content
