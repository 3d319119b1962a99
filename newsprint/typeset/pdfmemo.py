"""Remember the two costliest steps of writing a PDF for the studio's next save.

Writing a page's PDF took longer than laying it out: HarfBuzz subsets each CJK face
(0.1 s a page) and zlib compresses the subsets at level 9 (0.05 s). A colour or a
running-head edit sets the same glyphs again, so both results are kept in the studio's
processes, keyed by what decides them, and the PDF comes out byte for byte the same.
"""

from __future__ import annotations

from collections import OrderedDict

from newsprint.pdf.subset import install as subset_in_one_pass

HEAD_BYTES = 4096  # the table directory: each table's checksum, so the face itself
LARGE = 32 * 1024  # only streams this big are worth keeping (font files, not pages)
KEEP = 48  # entries of each memo, least recently used dropped first

_INSTALLED: list[bool] = []
_SUBSETS: OrderedDict = OrderedDict()
_DEFLATED: OrderedDict = OrderedDict()


def _remember(memo: OrderedDict, key, value) -> None:
    memo[key] = value
    memo.move_to_end(key)
    while len(memo) > KEEP:
        memo.popitem(last=False)


def _subset_key(font, to_unicode, hinting) -> tuple:
    content = font.file_content
    return (
        content[:HEAD_BYTES],
        len(content),
        font.index,
        tuple(sorted(to_unicode)),
        bool(hinting),
        bool(font.missing),
    )


def install() -> None:
    """Wrap WeasyPrint's font subsetting and pydyf's stream compression (idempotent)."""
    import pydyf
    from weasyprint.pdf.fonts import Font

    if _INSTALLED:
        return
    _INSTALLED.append(True)
    subset_in_one_pass()  # the memo wraps it (a later install() leaves the memo in place)
    subset = Font._harfbuzz_subset

    def remembered_subset(font, to_unicode, hinting):
        key = _subset_key(font, to_unicode, hinting)
        if key in _SUBSETS:
            _SUBSETS.move_to_end(key)
            font.file_content = _SUBSETS[key]
            return
        before = font.file_content
        subset(font, to_unicode, hinting)
        if font.file_content is not before:  # HarfBuzz failed: it warns, every time
            _remember(_SUBSETS, key, font.file_content)

    Font._harfbuzz_subset = remembered_subset

    data = pydyf.Stream.data

    def remembered_data(stream):
        items = stream.stream
        if not (stream.compress and len(items) == 1 and isinstance(items[0], bytes)):
            return data.fget(stream)
        if len(items[0]) < LARGE:
            return data.fget(stream)
        key = (items[0], pydyf.Dictionary(stream.extra.copy()).data)
        if key not in _DEFLATED:
            _remember(_DEFLATED, key, data.fget(stream))
        _DEFLATED.move_to_end(key)
        return _DEFLATED[key]

    pydyf.Stream.data = property(remembered_data)
