"""Chinese line breaking (W3C clreq) inside WeasyPrint 70.0: newsprint.clreq installs it.

split_first_line is replaced, for zh text, by total-fit line breaking over Pango's glyph
advances (totalfit.py: the paragraph's breaks weighed at once, WeasyPrint asking line by
line): kinsoku, ——/…… and numbers with units kept whole, a line-end mark set half width
or a mark's blank half and a Han–Latin gap shrunk where a line needs it, no 孤字.
Adjacent marks are compressed and Han meets Latin with a ¼ em gap as per-character
extras on the Layout (`clreq_extra`, whole thousandths of an em in Pango units); a gap
where two boxes meet is counted in the second box's width (`clreq_lead`) for
clreq._text_align to move where it belongs. Each text box is broken on its own: a
paragraph of several boxes (a figure set large) is weighed box by box.
"""

from __future__ import annotations

import math

from newsprint.clreq import totalfit
from newsprint.hanzi import (
    CJK_RE,
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
_ORIGINAL: dict = {}  # WeasyPrint's functions that clreq.install replaced
_INK: dict = {}
_TAIL: list = ["", 0.0]  # last character set on the current line and its size
_ROOT = [0.0]  # font size of the line being laid out: its paragraph's
_MEASURE = [0.0]  # width (pt) of the block whose lines are being laid out
# The breaks total_fit chose for a box's text, by (style, measure): WeasyPrint asks for
# one line at a time, each time with the rest of the text, whose breaks are known.
_PARAGRAPHS: dict = {}
_PARAGRAPHS_MAX = 2000  # each holds a paragraph's metrics: fewer than the line choices
STRATEGY = ["total-fit"]  # or "first-fit": `make bench` compares the two
# The line chosen for a (text, style, width, …): column balancing lays the same
# paragraphs out again and again at the same widths. Only the choice is kept, never
# a layout object (those are changed by justification); the style is held so its id
# cannot be reused by another one while the entry lives.
_CHOICES: dict = {}
_CHOICES_MAX = 20000


def gap_points(size_a: float, size_b: float, root: float) -> float:
    """The Han–Latin gap (pt): ¼ em of the two characters' size, or, when their sizes
    differ (a figure set large in a Kai line), ¼ em of the surrounding text's, the
    paragraph's. typography.py measures it the same way."""
    same = abs(size_a - size_b) < 0.01 or not root
    return (size_a if same else root) * HAN_LATIN_GAP / 1000


def _gap_units(size_a: float, size_b: float, root: float) -> int:
    """gap_points as an advance of a's last glyph: whole thousandths of a's em."""
    return _units(round(gap_points(size_a, size_b, root) / size_a * 1000), size_a)


def _units(thousandths: int, font_size: float) -> int:
    """Pango units for whole thousandths of an em, rounded away from zero.

    draw/text.py writes int(logical_width - width) into the TJ array; with the width
    just past a whole thousandth the truncation lands exactly on it.
    """
    value = thousandths * font_size * 1.024
    return math.ceil(value) if value > 0 else math.floor(value)


# --- measuring with Pango -------------------------------------------------------------


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


# --- the line breaker -----------------------------------------------------------------


def gap_eligible(a: str, b: str) -> bool:
    """Does the gap between a and b take justification slack?

    Not inside ——/……, and not a Han–Latin gap: that one stretches only from ¼ to ⅓ em
    (totalfit.HL_STRETCH), which also keeps it below the gap at which text extractors
    (pdfplumber's 3 pt) guess a space.
    """
    if (a == b and a in INSEPARABLE) or han_latin(a, b):
        return False
    return is_cjk(a) or is_cjk(b) or a == " "


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


def _to_units(width: float) -> int:
    return int(max(0, width) * 1024 * (1 + 1e-9)) + 1


def _metrics(text, style, justification_spacing) -> totalfit.Metrics:
    """What total_fit needs of the text: advances, fixed gaps, and what may shrink."""
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
    )


def _total_fit(text, style, justification_spacing, max_units: int, measure: int):
    """(chars on the first line, trim its end, per-character extras, trims) from the
    paragraph's total fit; a suffix of text already broken is answered from memory."""
    open_end = style["text_align_last"] == "justify"  # a piece that runs on (make-up)
    key = (id(style), measure, justification_spacing, _ROOT[0], STRATEGY[0], open_end)
    entry = _PARAGRAPHS.get(key)
    offset = -1
    if entry is not None and entry[0] is style and entry[1].text.endswith(text):
        offset = len(entry[1].text) - len(text)
        width = entry[3] if offset == 0 else measure
        if width != max_units or entry[2][offset] is None:
            offset = -1
    if offset < 0:
        metrics = _metrics(text, style, justification_spacing)
        if STRATEGY[0] == "total-fit":
            step = totalfit.choose(metrics, max_units, measure, True, open_end)
        else:
            step = totalfit.first_fit(metrics, max_units, measure, True)
        if len(_PARAGRAPHS) > _PARAGRAPHS_MAX:
            _PARAGRAPHS.clear()
        entry = _PARAGRAPHS[key] = (style, metrics, step, max_units)
        offset = 0
    metrics, step = entry[1], entry[2]
    end, trim = step[offset]
    extras = list(metrics.gaps[offset:end])
    trims = metrics.trims[offset:end]
    _shrink_to_fit(metrics, offset, end, trim, max_units, extras)
    return end - offset, trim, extras, trims


def _shrink_to_fit(m: totalfit.Metrics, start: int, end: int, trim: bool, max_units, extras):
    """Take what the chosen line is over its measure from its marks' blank halves and
    Han–Latin gaps (down to ⅛ em), in proportion: extras are changed in place."""
    e = end
    while e > start and m.text[e - 1] == " ":
        e -= 1
    width = sum(m.advances[start:e]) + sum(m.gaps[start : e - 1]) + (m.trims[e - 1] if trim else 0)
    over = width - max_units
    if over <= 0:
        return
    hl = m.em * totalfit.HL_SHRINK // 1000
    room = [(j, m.shrink[j] + (hl if m.han_latin[j] else 0)) for j in range(start, e - 1)]
    room = [(j, r) for j, r in room if r > 0]
    total = sum(r for _, r in room)
    if not total:
        return
    font_size = m.em / 1024
    need = over
    for j, r in room:
        thousandths = math.ceil(min(r, r * need / total + 1) / m.em * 1000)
        taken = _units(-thousandths, font_size)
        extras[j - start] += taken
        over += taken
        if over <= 0:
            break


def _managed(style, text: str) -> bool:
    lang = style["lang"] or ""
    return (
        lang.lower().startswith("zh")
        and style["white_space"] == "normal"
        and style["direction"] == "ltr"
        and style["letter_spacing"] == "normal"
        and style["font_size"] > 0
        and "\xad" not in text
        and bool(CJK_RE.search(text))
    )


def _split_first_line(
    text, style, context, max_width, justification_spacing, is_line_start=True, minimum=False
):
    """Replacement of line_break.split_first_line for zh text (same signature/result)."""
    from weasyprint.text.ffi import FROM_UNITS

    from newsprint.clreq import paragraph

    tail, tail_size = ("", 0.0) if is_line_start else _TAIL
    _TAIL[:] = "", 0.0
    font_size = style["font_size"]
    lead = 0.0  # the Han–Latin gap before this box: counted in its width, see _text_align
    if tail and text and han_latin(tail, text[0]):
        lead = _gap_units(tail_size, font_size, _ROOT[0]) * FROM_UNITS
        if max_width is not None:
            max_width = max(0, max_width - lead)
    planned = None
    if max_width is not None and max_width < 2**21 and not minimum:
        planned = paragraph.answer(text, style)  # a paragraph of several boxes
    if planned == "next":  # its line ends before this box: too wide, so it goes on the next
        if _managed(style, text) and text[0] != " ":
            result = _line_result(text, style, justification_spacing, max_width, 1, 0, [0], 0, 0)
        else:
            result = _ORIGINAL["split_first_line"](
                text, style, context, max_width, justification_spacing, is_line_start, minimum
            )
        return (*result[:3], max(result[3], max_width + lead + 1), *result[4:])
    if planned is not None and _managed(style, text):
        return _line_result(text, style, justification_spacing, max_width, *planned, lead)
    if not _managed(style, text):
        result = _ORIGINAL["split_first_line"](
            text, style, context, max_width, justification_spacing, is_line_start, minimum
        )
        _TAIL[:] = result[0].text[-1:], font_size
        result[0].clreq_lead = lead
        return (*result[:3], result[3] + lead, *result[4:])
    from weasyprint.text.ffi import pango
    from weasyprint.text.line_break import Layout

    key = (text, id(style), max_width, justification_spacing, minimum, _ROOT[0], _MEASURE[0])
    key += (STRATEGY[0],)
    cached = _CHOICES.get(key)
    if cached is not None and cached[0] is style:
        return _line_result(text, style, justification_spacing, max_width, *cached[1:], lead)
    em_units = font_size * 1024
    bounded = max_width is not None and max_width < 2**21
    if bounded:
        max_units = _to_units(max_width)
        measure = _to_units(_MEASURE[0]) if _MEASURE[0] else max_units
        count, trim, gaps, trims = _total_fit(
            text, style, justification_spacing, max_units, measure
        )
    else:
        layout = Layout(style, justification_spacing, max_width)
        layout.set_text(text)
        line = pango.pango_layout_get_line_readonly(layout.layout, 0)
        advances, blanks = _advances(line, text, em_units)
        gaps = [_units(g, font_size) for g in _gap_thousandths(text, blanks, advances, em_units)]
        trims, count, trim = [0] * len(text), len(text), False
    line_text = text[:count] if count == len(text) else text[:count].rstrip(" ")
    if not line_text.strip():  # only spaces fit: WeasyPrint knows what to do
        return _ORIGINAL["split_first_line"](
            text, style, context, max_width, justification_spacing, is_line_start, minimum
        )
    if len(_CHOICES) > _CHOICES_MAX:
        _CHOICES.clear()
    _CHOICES[key] = (style, count, trim, gaps[: len(line_text)], trims[len(line_text) - 1])
    return _line_result(text, style, justification_spacing, max_width, *_CHOICES[key][1:], lead)


def _line_result(text, style, justification_spacing, max_width, count, trim, gaps, last_trim, lead):
    """Rebuild a remembered line choice as split_first_line's result, on a new layout."""
    from weasyprint.text.ffi import FROM_UNITS, pango
    from weasyprint.text.line_break import Layout, line_size

    line_text = text[:count] if count == len(text) else text[:count].rstrip(" ")
    resume = None if count == len(text) else len(text[:count].encode())
    layout = Layout(style, justification_spacing, max_width)
    layout.set_text(line_text)
    line = pango.pango_layout_get_line_readonly(layout.layout, 0)
    advances, _ = _advances(line, line_text, None)
    extras = list(gaps)
    extras[-1] = last_trim if trim else 0
    layout.clreq_text, layout.clreq_extra = line_text, extras
    _TAIL[:] = line_text[-1], style["font_size"]
    layout.clreq_lead = lead
    width = (sum(advances) + sum(extras)) * FROM_UNITS + lead
    _, height = line_size(line, style)
    baseline = pango.pango_layout_get_baseline(layout.layout) * FROM_UNITS
    layout.deactivate()
    return layout, len(line_text.encode()), resume, width, height, baseline


def _can_break_text(text, lang):
    if not (lang and lang.lower().startswith("zh") and CJK_RE.search(text)) or len(text) < 2:
        return _ORIGINAL["can_break_text"](text, lang)
    from weasyprint.text.line_break import get_log_attrs

    attrs = get_log_attrs(text, lang)
    return any(
        break_allowed(text[i - 1], text[i], bool(attrs[i].is_line_break))
        for i in range(1, len(text))
    )


def _get_next_linebox(context, linebox, *args):
    """Lay out a line knowing its paragraph's font size (for gap_points) and its
    block's width (the measure of the lines after this one, for total_fit)."""
    from newsprint.clreq import paragraph

    saved = _ROOT[0], _MEASURE[0]
    _ROOT[0], _MEASURE[0] = linebox.style["font_size"], args[3].width
    line = paragraph.begin_line(linebox, args[2], args[3].width, _ROOT[0])
    try:
        return _ORIGINAL["get_next_linebox"](context, linebox, *args)
    finally:
        _ROOT[0], _MEASURE[0] = saved
        paragraph.end_line(line)
