"""WeasyPrint's font subsetting in one HarfBuzz pass, not two.

WeasyPrint 70 subsets each face twice: first to the glyphs used, keeping their glyph
ids (RETAIN_GIDS), then the result again to every id up to the highest, which changes
nothing but the hinting. compact_fonts (fonts.py) then subsets a third time, to the
glyphs shown. One pass with the second pass's flags gives compact_fonts the same font
to start from (the same bytes in every file of the seed): 10–20 ms less a CJK face a
file, four to six faces a file, three files a story.

The print and archive writers also ask WeasyPrint for its PDF uncompressed: qpdf
compresses every stream once when the file is saved, where WeasyPrint's zlib of a
glyph-id-keeping subset (about 900 kB a CJK face) was undone by compact_fonts anyway.
"""

from __future__ import annotations

from weasyprint.pdf import fonts as weasy_fonts
from weasyprint.text.ffi import ffi, harfbuzz, harfbuzz_subset
from weasyprint.text.fonts import get_hb_object_data

_ORIGINAL = weasy_fonts.Font._harfbuzz_subset
# The tables WeasyPrint drops from an embedded face (its _harfbuzz_subset's list)
DROPPED = (b"BASE", b"DSIG", b"EBDT", b"EBLC", b"EBSC", b"GPOS", b"GSUB", b"JSTF", b"LTSH")
DROPPED += (b"PCLT", b"SVG ")


def _add_sorted(hb_set, values) -> None:
    array = ffi.new(f"hb_codepoint_t[{len(values)}]", values)
    harfbuzz.hb_set_add_sorted_array(hb_set, array, len(values))


def one_pass_subset(font, to_unicode: dict, hinting: bool) -> None:
    """Font._harfbuzz_subset in one pass: the used glyphs, their ids kept, the second
    pass's flags (no hinting unless asked); the original where HarfBuzz fails."""
    subset_input = ffi.gc(
        harfbuzz_subset.hb_subset_input_create_or_fail(), harfbuzz_subset.hb_subset_input_destroy
    )
    _add_sorted(harfbuzz_subset.hb_subset_input_glyph_set(subset_input), sorted(to_unicode))
    flags = (
        harfbuzz_subset.HB_SUBSET_FLAGS_RETAIN_GIDS
        | harfbuzz_subset.HB_SUBSET_FLAGS_PASSTHROUGH_UNRECOGNIZED
        | harfbuzz_subset.HB_SUBSET_FLAGS_DESUBROUTINIZE
    )
    if not hinting:
        flags |= harfbuzz_subset.HB_SUBSET_FLAGS_NO_HINTING
    if font.missing:
        flags |= harfbuzz_subset.HB_SUBSET_FLAGS_NOTDEF_OUTLINE
    harfbuzz_subset.hb_subset_input_set_flags(subset_input, flags)
    drop = harfbuzz_subset.hb_subset_input_set(
        subset_input, harfbuzz_subset.HB_SUBSET_SETS_DROP_TABLE_TAG
    )
    _add_sorted(drop, sorted(harfbuzz.hb_tag_from_string(tag, -1) for tag in DROPPED))
    face = ffi.gc(
        harfbuzz_subset.hb_subset_or_fail(font.hb_face, subset_input), harfbuzz.hb_face_destroy
    )
    content = get_hb_object_data(face) if face else None
    if content:
        font.file_content = content
    else:
        _ORIGINAL(font, to_unicode, hinting)  # it warns, as WeasyPrint does


def install() -> None:
    """Subset in one pass from now on (idempotent; a wrapper installed over it, such as
    the studio's memo in typeset/pdfmemo.py, is kept)."""
    if weasy_fonts.Font._harfbuzz_subset is _ORIGINAL:
        weasy_fonts.Font._harfbuzz_subset = one_pass_subset


def uninstall() -> None:
    weasy_fonts.Font._harfbuzz_subset = _ORIGINAL
