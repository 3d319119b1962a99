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

And a face's bytes are copied out of HarfBuzz only when something reads them. Each
Font WeasyPrint makes for a PDF copies its whole face at once (a Noto CJK face is
16–20 MB: 5 ms and the memory, six faces a page, three files a story), though the
subset above reads the face from HarfBuzz itself and only a variable, colour or
unsubsettable face ever needs the bytes (pdf/fonts.py in WeasyPrint).
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


class FaceBytes:
    """A HarfBuzz face whose bytes are not copied yet (Font.file_content reads them)."""

    __slots__ = ("face",)

    def __init__(self, face):
        self.face = face  # held: a subset's face lives as long as its bytes may be read

    def read(self) -> bytes | None:
        return get_hb_object_data(self.face)

    def head(self, size: int) -> tuple[bytes, int]:
        """The first `size` bytes and the length, without copying the rest."""
        blob = harfbuzz.hb_face_reference_blob(self.face)
        try:
            length = ffi.new("unsigned int *")
            data = harfbuzz.hb_blob_get_data(blob, length)
            return bytes(ffi.buffer(data, min(size, length[0]))), length[0]
        finally:
            harfbuzz.hb_blob_destroy(blob)


def _blob_length(face) -> int:
    blob = harfbuzz.hb_face_reference_blob(face)
    try:
        return harfbuzz.hb_blob_get_length(blob)
    finally:
        harfbuzz.hb_blob_destroy(blob)


def _face_bytes_later(hb_object, ot_color=None, glyph=None):
    """get_hb_object_data as pdf/fonts.py calls it, a whole face not copied yet."""
    if ot_color is not None:
        return get_hb_object_data(hb_object, ot_color, glyph)
    return FaceBytes(hb_object) if _blob_length(hb_object) else None


def _file_content(font) -> bytes | None:
    content = font.__dict__.get("_file_content")
    if isinstance(content, FaceBytes):
        content = font.__dict__["_file_content"] = content.read()
    return content


def _set_file_content(font, content) -> None:
    font.__dict__["_file_content"] = content


def stored_content(font):
    """A Font's face as it is kept: bytes, or FaceBytes not copied yet (no copy made)."""
    return font.__dict__.get("_file_content", font.__dict__.get("file_content"))


def file_head(font, size: int) -> tuple[bytes, int]:
    """(the first `size` bytes, the length) of a Font's face, copied or not."""
    content = stored_content(font)
    if isinstance(content, FaceBytes):
        return content.head(size)
    return content[:size], len(content)


def install() -> None:
    """Subset in one pass and copy faces only when read, from now on (idempotent; a
    wrapper installed over the subset, such as the studio's memo in
    typeset/pdfmemo.py, is kept)."""
    if weasy_fonts.Font._harfbuzz_subset is _ORIGINAL:
        weasy_fonts.Font._harfbuzz_subset = one_pass_subset
    if weasy_fonts.get_hb_object_data is get_hb_object_data:
        weasy_fonts.get_hb_object_data = _face_bytes_later
        weasy_fonts.Font.file_content = property(_file_content, _set_file_content)


def uninstall() -> None:
    weasy_fonts.Font._harfbuzz_subset = _ORIGINAL
    if weasy_fonts.get_hb_object_data is _face_bytes_later:
        weasy_fonts.get_hb_object_data = get_hb_object_data
        del weasy_fonts.Font.file_content
