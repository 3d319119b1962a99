"""Compact the embedded font subsets: only the glyphs a PDF shows, not empty slots.

WeasyPrint subsets with HarfBuzz keeping every glyph id up to the highest one
used (RETAIN_GIDS), so that the content's glyph codes stay valid. For a CJK face
that leaves tens of thousands of empty glyph slots: the Heavy headline subset
weighed 78 kB for 21 glyphs, the serif body 205 kB for 308. Subsetting again to
the glyphs the PDF uses (its /W widths list every code shown) keeps the content
streams as they are:

* CFF (CIDFontType0): Noto CJK's CFF is CID-keyed and HarfBuzz keeps each glyph's
  CID in the subset's charset; embedded as bare CFF (CIDFontType0C), readers select
  glyphs by CID through that charset, so the codes in the content still work; it is
  done only where the subset's CIDs are exactly the codes the page uses (not for a
  face cut down at set-up, whose glyph ids are no longer its CIDs);
* TrueType (CIDFontType2): the glyphs are renumbered and a /CIDToGIDMap says which
  new glyph each code (the old glyph id) now is.

A font of another kind, or one HarfBuzz cannot subset, is left as it was.
"""

from __future__ import annotations

import io
import struct
import zlib

import pikepdf
import uharfbuzz as hb
from fontTools.cffLib import CFFFontSet
from pikepdf import Name

FLAGS = (
    hb.SubsetFlags.DESUBROUTINIZE
    | hb.SubsetFlags.NOTDEF_OUTLINE
    | hb.SubsetFlags.PASSTHROUGH_UNRECOGNIZED
)


def compact_fonts(pdf: pikepdf.Pdf) -> int:
    """Re-subset every embedded CID font of `pdf` in place; return the bytes saved."""
    saved = 0
    seen: set[tuple[int, int]] = set()
    for font in _cid_fonts(pdf):
        if font.objgen in seen or "/FontDescriptor" not in font or "/W" not in font:
            continue
        seen.add(font.objgen)
        descriptor = font.FontDescriptor
        if font.Subtype == Name.CIDFontType0 and "/FontFile3" in descriptor:
            saved += _compact_cff(descriptor.FontFile3, _codes(font.W))
        elif font.Subtype == Name.CIDFontType2 and "/FontFile2" in descriptor:
            saved += _compact_truetype(pdf, font, _codes(font.W))
    return saved


def _cid_fonts(pdf: pikepdf.Pdf):
    for page in pdf.pages:
        fonts = page.get("/Resources", {}).get("/Font", {})
        for font in fonts.values():
            if font.get("/Subtype") == Name.Type0:
                yield from font.DescendantFonts


def _codes(widths: pikepdf.Array) -> set[int]:
    """The codes (CIDs) a /W array gives widths for: `c [w …]` and `c_first c_last w`."""
    codes, i = {0}, 0
    while i + 1 < len(widths):
        first = int(widths[i])
        if isinstance(widths[i + 1], pikepdf.Array):
            codes.update(range(first, first + len(widths[i + 1])))
            i += 2
        else:
            codes.update(range(first, int(widths[i + 1]) + 1))
            i += 3
    return codes


def _plan(data: bytes, glyphs: set[int]) -> hb.SubsetPlan | None:
    subset_input = hb.SubsetInput()
    for gid in sorted(glyphs):
        subset_input.glyph_set.add(gid)
    subset_input.flags = FLAGS
    try:
        return hb.SubsetPlan(hb.Face(hb.Blob(data)), subset_input)
    except Exception:  # noqa: BLE001 - HarfBuzz refuses a font it cannot read; keep it
        return None


def _compact_cff(stream: pikepdf.Stream, codes: set[int]) -> int:
    before = len(stream.read_raw_bytes())
    plan = _plan(stream.read_bytes(), codes)
    if plan is None:
        return 0
    cff = plan.execute().reference_table("CFF ").data
    if not cff or _cids(cff) != codes:
        return 0  # the content's codes are glyph ids, not CIDs: renumbered, they would lie
    stream.write(zlib.compress(cff, 9), filter=Name.FlateDecode)
    stream.Subtype = Name.CIDFontType0C
    return before - len(stream.read_raw_bytes())


def _cids(cff: bytes) -> set[int]:
    """The CIDs a CID-keyed CFF's glyphs carry (empty for a name-keyed one).

    Only where these are the codes the content uses (a face whose CIDs were its glyph
    ids, as in Noto CJK) may the subset drop the glyph-id slots; a face cut down at
    set-up keeps the source's CIDs on renumbered glyphs.
    """
    fonts = CFFFontSet()
    fonts.decompile(io.BytesIO(cff), None)
    top = fonts[fonts.fontNames[0]]
    if not hasattr(top, "ROS"):
        return set()
    return {0} | {int(name[3:]) for name in top.charset if name.startswith("cid")}


def _compact_truetype(pdf: pikepdf.Pdf, cid_font, codes: set[int]) -> int:
    if cid_font.get("/CIDToGIDMap", Name.Identity) != Name.Identity:
        return 0  # codes are already mapped: leave such a font alone
    stream = cid_font.FontDescriptor.FontFile2
    before = len(stream.read_raw_bytes())
    plan = _plan(stream.read_bytes(), codes)
    if plan is None:
        return 0
    data = plan.execute().blob.data
    if not data:
        return 0
    old_to_new = plan.old_to_new_glyph_mapping
    mapping = bytearray(2 * (max(old_to_new) + 1))
    for old, new in old_to_new.items():
        struct.pack_into(">H", mapping, 2 * old, new)
    stream.write(zlib.compress(data, 9), filter=Name.FlateDecode)
    stream.Length1 = len(data)  # a TrueType program's decoded length (PDF 32000 9.9)
    cid_font.CIDToGIDMap = pdf.make_stream(b"")
    cid_font.CIDToGIDMap.write(zlib.compress(bytes(mapping), 9), filter=Name.FlateDecode)
    return before - len(stream.read_raw_bytes()) - len(cid_font.CIDToGIDMap.read_raw_bytes())
