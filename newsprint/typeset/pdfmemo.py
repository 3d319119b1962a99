"""Remember the costliest step of writing a PDF for the studio's next save.

HarfBuzz subsets each CJK face of a page (0.1 s a page, 10–20 ms a face in one pass,
pdf/subset.py). A colour or a running-head edit sets the same glyphs again, so the
subsets are kept in the studio's processes, keyed by what decides them, and the PDF
comes out byte for byte the same. (A memo of pydyf's compression went with the
uncompressed write of pdf/subset.py: qpdf compresses each stream once, at the save.)
"""

from __future__ import annotations

from collections import OrderedDict

from newsprint.pdf.subset import file_head, stored_content
from newsprint.pdf.subset import install as subset_in_one_pass

HEAD_BYTES = 4096  # the table directory: each table's checksum, so the face itself
KEEP = 48  # entries kept, the least recently used dropped first

_INSTALLED: list[bool] = []
_SUBSETS: OrderedDict = OrderedDict()


def _remember(memo: OrderedDict, key, value) -> None:
    memo[key] = value
    memo.move_to_end(key)
    while len(memo) > KEEP:
        memo.popitem(last=False)


def _subset_key(font, to_unicode, hinting) -> tuple:
    head, length = file_head(font, HEAD_BYTES)  # the whole face is not copied for a key
    return (
        head,
        length,
        font.index,
        tuple(sorted(to_unicode)),
        bool(hinting),
        bool(font.missing),
    )


def install() -> None:
    """Wrap WeasyPrint's font subsetting (idempotent)."""
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
        before = stored_content(font)
        subset(font, to_unicode, hinting)
        if stored_content(font) is not before:  # HarfBuzz failed: it warns, every time
            _remember(_SUBSETS, key, font.file_content)

    Font._harfbuzz_subset = remembered_subset
