"""Chinese line breaking (W3C clreq) inside WeasyPrint 70.0: newsprint.clreq installs it.

split_first_line is replaced, for zh text, by total-fit line breaking over Pango's glyph
advances (totalfit.py: the paragraph's breaks weighed at once, WeasyPrint asking line by
line): kinsoku, ——/…… and numbers with units kept whole, a line-end mark set half width
or a mark's blank half and a Han–Latin gap shrunk where a line needs it, no 孤字.
Adjacent marks are compressed and Han meets Latin with a ¼ em gap as per-character
extras on the Layout (`clreq_extra`, whole thousandths of an em in Pango units); a gap
where two boxes meet is counted in the second box's width (`clreq_lead`) for
clreq._text_align to move where it belongs. What the breaker knows of a text is
measured in measure.py; a paragraph of several boxes is planned in paragraph.py.
"""

from __future__ import annotations

import dataclasses
import math

from newsprint.clreq import totalfit
from newsprint.clreq.measure import (
    HAN_LATIN_GAP,
    _advances,
    _gap_thousandths,
    _metrics,
    _units,
)
from newsprint.hanzi import CJK_RE, break_allowed, han_latin

_ORIGINAL: dict = {}  # WeasyPrint's functions that clreq.install replaced
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


def gap_em(size_a: float, size_b: float, root: float) -> float:
    """The em a Han–Latin gap is measured in: the two characters' size, or, when their
    sizes differ (a figure set large in a Kai line), the surrounding text's, the
    paragraph's (`root`). typography.py measures it the same way."""
    return size_a if abs(size_a - size_b) < 0.01 or not root else root


def gap_points(size_a: float, size_b: float, root: float) -> float:
    """The Han–Latin gap (pt): ¼ em of gap_em."""
    return gap_em(size_a, size_b, root) * HAN_LATIN_GAP / 1000


def _gap_units(size_a: float, size_b: float, root: float) -> int:
    """gap_points as an advance of a's last glyph: whole thousandths of a's em."""
    return _units(round(gap_points(size_a, size_b, root) / size_a * 1000), size_a)


# --- the line breaker -----------------------------------------------------------------


def _to_units(width: float) -> int:
    return int(max(0, width) * 1024 * (1 + 1e-9)) + 1


def _total_fit(text, style, justification_spacing, max_units: int, measure: int, indented):
    """(chars on the first line, trim its end, per-character extras, trims, how far its
    first glyph moves left) from the paragraph's total fit; a suffix of text already
    broken is answered from memory. `indented`: the text starts a paragraph's first
    line after its indent, where an opening mark may lose its blank half."""
    open_end = style["text_align_last"] == "justify"  # a piece that runs on (make-up)
    # `indented` in the key: the lines' choice must not depend on what was asked before
    # (the make-up measures modules in another order than the page sets them)
    key = (id(style), measure, justification_spacing, _ROOT[0], STRATEGY[0], open_end, indented)
    entry = _PARAGRAPHS.get(key)
    offset = -1
    if entry is not None and entry[0] is style and entry[1].text.endswith(text):
        offset = len(entry[1].text) - len(text)
        width = entry[3] if offset == 0 else measure
        if width != max_units or entry[2][offset] is None:
            offset = -1
    if offset < 0:
        metrics = _metrics(text, style, justification_spacing)
        if not indented:
            metrics = dataclasses.replace(metrics, lead=0)
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
    shift = _shrink_to_fit(metrics, offset, end, trim, max_units, extras)
    return end - offset, trim, extras, trims, shift


def _shrink_to_fit(m: totalfit.Metrics, start: int, end: int, trim: bool, max_units, extras):
    """Take what the chosen line is over its measure from its marks' blank halves and
    Han–Latin gaps (down to ⅛ em), in proportion, then, on a tight line, evenly from its
    gaps between CJK characters (each up to totalfit.TIGHT): extras are changed in place.
    Returns what the first character gave from its left (Metrics.lead): its glyph moves
    left."""
    e = end
    while e > start and m.text[e - 1] == " ":
        e -= 1
    width = sum(m.advances[start:e]) + sum(m.gaps[start : e - 1]) + (m.trims[e - 1] if trim else 0)
    over = width - max_units
    if over <= 0:
        return 0
    hl = m.em * totalfit.HL_SHRINK // 1000
    room = [(j, m.shrink[j] + (hl if m.han_latin[j] else 0)) for j in range(start, e - 1)]
    if start == 0 and m.lead:
        room.insert(0, (-1, m.lead))  # the first glyph, from its left
    room = [(j, r) for j, r in room if r > 0]
    total = sum(r for _, r in room)
    font_size = m.em / 1024
    need, shift = over, 0
    for j, r in room if total else []:
        thousandths = math.ceil(min(r, r * need / total + 1) / m.em * 1000)
        taken = _units(-thousandths, font_size)
        extras[max(j, start) - start] += taken
        shift -= taken if j < 0 else 0
        over += taken
        if over <= 0:
            break
    if over > 0 and m.tight:
        _tighten(m, start, e, over, extras)
    return shift


def _tighten(m: totalfit.Metrics, start: int, e: int, over: int, extras) -> None:
    """Close the line's gaps between CJK characters by the same whole thousandths of an
    em (at most totalfit.TIGHT), the first ones a thousandth more, until `over` is taken."""
    where = [j for j in range(start, e - 1) if m.tight[j]]
    if not where:
        return
    font_size = m.em / 1024
    each, more = divmod(math.ceil(over / (font_size * 1.024)), len(where))
    for n, j in enumerate(where):
        taken = _units(-min(totalfit.TIGHT, each + (n < more)), font_size)
        extras[j - start] += taken
        over += taken
        if over <= 0:
            return


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
    key += (STRATEGY[0], is_line_start)
    cached = _CHOICES.get(key)
    if cached is not None and cached[0] is style:
        c = cached
        return _line_result(text, style, justification_spacing, max_width, *c[1:5], lead, c[6])
    em_units = font_size * 1024
    bounded = max_width is not None and max_width < 2**21
    shift = 0
    if bounded:
        max_units = _to_units(max_width)
        measure = _to_units(_MEASURE[0]) if _MEASURE[0] else max_units
        indented = is_line_start and measure - max_units >= 0.99 * em_units
        count, trim, gaps, trims, shift = _total_fit(
            text, style, justification_spacing, max_units, measure, indented
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
    last_trim = trims[len(line_text) - 1]
    _CHOICES[key] = (style, count, trim, gaps[: len(line_text)], last_trim, lead, shift)
    return _line_result(text, style, justification_spacing, max_width, *_CHOICES[key][1:])


def _line_result(
    text, style, justification_spacing, max_width, count, trim, gaps, last_trim, lead, shift=0
):
    """Rebuild a remembered line choice as split_first_line's result, on a new layout.
    `shift`: how far the first glyph moves left (an opening mark's blank half)."""
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
    layout.clreq_lead, layout.clreq_shift = lead, shift
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
