"""What the line breaker knows of a text, measured with Pango (WeasyPrint 70's Layout).

Per-character advances from the shaped glyphs (a ligature's to its first character),
each mark's blank halves from its ink (fonts without `halt` too), the fixed change of
each gap (a compressed pair of marks, the ¼ em Han–Latin gap), what may shrink where a
line needs it, and where a line may end: totalfit.Metrics, in Pango units.
"""

from __future__ import annotations

import math

from newsprint.clreq import totalfit
from newsprint.hanzi import (
    CLOSING,
    INSEPARABLE,
    OPENING,
    PUNCT,
    break_allowed,
    han_latin,
    is_body,
    is_cjk,
)

HAN_LATIN_GAP = 250  # thousandths of an em
_INK: dict = {}  # (font, glyph, em) → its blank halves
# Metrics by text and what shapes it: the make-up measures a module's text at several
# widths (a data box card at seven, in two sizes), and a text measures the same at any
# width. Entries are shared, so nobody changes one (paragraph._joined copies).
_MEASURED: dict = {}
_MEASURED_MAX = 5000


def _units(thousandths: int, font_size: float) -> int:
    """Pango units for whole thousandths of an em, rounded away from zero.

    draw/text.py writes int(logical_width - width) into the TJ array; with the width
    just past a whole thousandth the truncation lands exactly on it.
    """
    value = thousandths * font_size * 1.024
    return math.ceil(value) if value > 0 else math.floor(value)


def _byte_to_char(text: str) -> dict[int, int]:
    table, pos = {}, 0
    for index, char in enumerate(text):
        table[pos] = index
        pos += 1 if char < "\x80" else 2 if char < "\u0800" else 3 if char < "\U00010000" else 4
    return table


def _runs(line):
    """Yield (item offset, font, glyph string) for each run of a PangoLayoutLine."""
    from weasyprint.text.ffi import ffi

    run = line.runs
    while run != ffi.NULL:
        glyph_item = run.data
        run = run.next
        item = glyph_item.item
        yield item.offset, item.offset + item.length, item.analysis.font, glyph_item.glyphs


def _glyph_arrays(glyphs):
    from weasyprint.text.ffi import ffi

    count = glyphs.num_glyphs
    infos = memoryview(ffi.buffer(glyphs.glyphs, 20 * count)).cast("i")
    clusters = memoryview(ffi.buffer(glyphs.log_clusters, 4 * count)).cast("i")
    return count, infos, clusters


def _advances(line, text: str, em_units: float | None):
    """Per-character advances (Pango units) and, for marks, their blank halves.

    A ligature's advance goes to its first character (Noto's —— is one glyph).
    """
    advances = [0] * len(text)
    blanks = {}
    b2c = _byte_to_char(text)
    for offset, _, font, glyphs in _runs(line):
        count, infos, clusters = _glyph_arrays(glyphs)
        for j in range(count):
            index = b2c.get(offset + clusters[j])
            if index is None:
                continue
            advances[index] += infos[5 * j + 1]
            if em_units and text[index] in PUNCT:
                blanks[index] = _blank_sides(font, infos[5 * j], em_units)
    return advances, blanks


def _blank_sides(font, glyph: int, em_units: float) -> tuple[bool, bool]:
    """(left half blank, right half blank) of a full-width glyph, from its ink."""
    from weasyprint.text.ffi import ffi, pango

    key = (int(ffi.cast("uintptr_t", font)), glyph, em_units)
    if key not in _INK:
        ink, logical = ffi.new("PangoRectangle *"), ffi.new("PangoRectangle *")
        pango.pango_font_get_glyph_extents(font, glyph, ink, logical)
        advance = logical.width
        full = advance >= 0.8 * em_units and ink.width > 0
        _INK[key] = (full and ink.x >= 0.45 * advance, full and ink.x + ink.width <= 0.55 * advance)
    return _INK[key]


def _line_breaks(layout, count: int) -> list[bool]:
    """Pango's (UAX #14) break-before flags for positions 0..count."""
    from weasyprint.text.ffi import ffi, pango

    n_attrs = ffi.new("gint *")
    attrs = pango.pango_layout_get_log_attrs_readonly(layout.layout, n_attrs)
    bits = memoryview(ffi.buffer(attrs, 4 * n_attrs[0])).cast("I")
    return [bool(bit & 1) for bit in bits[: count + 1]]


def _gap_thousandths(text: str, blanks: dict, advances: list, em_units: float) -> list[int]:
    """Advance change (thousandths of an em) of each gap i|i+1 inside a line."""
    gaps = [0] * len(text)
    for i in range(len(text) - 1):
        a, b = text[i], text[i + 1]
        if han_latin(a, b):
            gaps[i] = HAN_LATIN_GAP
        elif i in blanks and i + 1 in blanks and (blanks[i][1] or blanks[i + 1][0]):
            # Down to 1.5 em for the pair, never past the blank half (Kai's quotes are narrow).
            half = (advances[i] if blanks[i][1] else advances[i + 1]) / 2
            excess = advances[i] + advances[i + 1] - 1.5 * em_units
            gaps[i] = -round(max(0, min(half, excess)) / em_units * 1000)
    return gaps


def gap_eligible(a: str, b: str) -> bool:
    """Does the gap between a and b take justification slack?

    Not inside ——/……, and not a Han–Latin gap: that one stretches only from ¼ to ⅓ em
    (totalfit.HL_STRETCH), which also keeps it below the gap at which text extractors
    (pdfplumber's 3 pt) guess a space.
    """
    if (a == b and a in INSEPARABLE) or han_latin(a, b):
        return False
    return is_cjk(a) or is_cjk(b) or a == " "


def tight_eligible(a: str, b: str, gap: int) -> bool:
    """May the gap between a and b close on a tight line? Between two CJK characters
    (Han, or Han and a mark), never a pair already compressed (`gap` < 0) nor inside
    ——/……: figures and Latin keep their spacing, Han–Latin gaps their ⅛ em."""
    return gap >= 0 and is_cjk(a) and is_cjk(b) and not (a == b and a in INSEPARABLE)


def _mark_shrink(text: str, blanks: dict, thousandths: list[int], mark: int) -> list[int]:
    """How far each advance may shrink mid-line: a mark's blank half that no compressed
    pair took already (clreq's first lever: a closing mark's right half, an opening
    mark's left half, taken from the character before it). So a pair such as "），"
    or "”“", at 1.5 em, may go down to 1 em where a line needs it."""
    n, shrink = len(text), [0] * len(text)
    for i, char in enumerate(text):
        left, right = blanks.get(i, (False, False))
        if char in CLOSING and right and i + 1 < n and not thousandths[i]:
            shrink[i] += mark
        taken = i and thousandths[i - 1] and not blanks.get(i - 1, (False, False))[1]
        if char in OPENING and left and i and not taken:
            shrink[i - 1] += mark
    return shrink


def _shaping_key(text: str, style, justification_spacing) -> tuple:
    """What _metrics' answer depends on: the text and every property WeasyPrint's
    Layout shapes it with (line_break.Layout.setup and set_text)."""
    from weasyprint.text.line_break import _font_style_cache_key

    return (
        text,
        justification_spacing,
        _font_style_cache_key(style),
        style["font_size"],
        style["font_kerning"],
        style["direction"],
        style["letter_spacing"],
        style["word_spacing"],
        style["overflow_wrap"],
        style["word_break"],
        str(style["tab_size"]),
    )


def _metrics(text, style, justification_spacing) -> totalfit.Metrics:
    """What total_fit needs of the text: advances, fixed gaps, and what may shrink
    (measured once per text and shaping: _MEASURED)."""
    key = _shaping_key(text, style, justification_spacing)
    found = _MEASURED.get(key)
    if found is not None and found[0] is style.font_config:
        return found[1]
    metrics = _measure(text, style, justification_spacing)
    if len(_MEASURED) >= _MEASURED_MAX:
        _MEASURED.clear()
    _MEASURED[key] = (style.font_config, metrics)  # held: its id is not reused meanwhile
    return metrics


def _measure(text, style, justification_spacing) -> totalfit.Metrics:
    from weasyprint.text.ffi import pango
    from weasyprint.text.line_break import Layout

    font_size = style["font_size"]
    em_units = font_size * 1024
    layout = Layout(style, justification_spacing, None)
    layout.set_text(text)
    line = pango.pango_layout_get_line_readonly(layout.layout, 0)
    advances, blanks = _advances(line, text, em_units)
    thousandths = _gap_thousandths(text, blanks, advances, em_units)
    gaps = [_units(g, font_size) for g in thousandths]
    n = len(text)
    trims = [
        _units(-round(advances[i] / em_units * 500), font_size) if blanks.get(i, (0, 0))[1] else 0
        for i in range(n)
    ]
    breaks = _line_breaks(layout, n)
    breaks = [
        k > 0 and (k == n or break_allowed(text[k - 1], text[k], ok)) for k, ok in enumerate(breaks)
    ]
    layout.deactivate()
    shrink = _mark_shrink(text, blanks, thousandths, _units(totalfit.MARK_SHRINK, font_size))
    pairs = list(zip(text, text[1:], strict=False))
    return totalfit.Metrics(
        text=text,
        advances=advances,
        gaps=gaps,
        trims=trims,
        breaks=breaks,
        elastic=[gap_eligible(a, b) for a, b in pairs] + [False],
        han_latin=[han_latin(a, b) for a, b in pairs] + [False],
        shrink=shrink,
        em=round(em_units),
        body=[is_body(c) for c in text],
        penalty=totalfit.quoted_terms(text),
        lead=_lead(text, blanks, advances, font_size),
        tight=[tight_eligible(a, b, g) for (a, b), g in zip(pairs, gaps, strict=False)] + [False],
    )


def _lead(text: str, blanks: dict, advances: list[int], font_size: float) -> int:
    """An opening mark's blank left half, which it may lose at the start of a paragraph's
    first line (clreq 3.1.6.2: at the indent); not before another mark, whose own
    compression the typography report would take for it."""
    if len(text) < 2 or text[0] not in OPENING or text[1] in PUNCT:
        return 0
    if not blanks.get(0, (False, False))[0]:
        return 0
    return _units(round(advances[0] / (font_size * 1024) * 500), font_size)
