"""Chinese line composition (W3C clreq) inside WeasyPrint 70.0's line layout.

WeasyPrint justifies only by widening spaces, breaks lines by Pango's UAX #14 rules
and knows neither punctuation compression nor Han–Latin spacing. `install()` patches
it once so that, for text whose `lang` is zh-*:
- lines are broken by our own first-fit breaker over Pango's glyph advances, with
  kinsoku (no prohibited line starts/ends, no split ——/……, number kept with its
  unit), pushing in a line-end comma/full stop at half width before pushing out, and
  no paragraph ending on a single character (孤字);
- two adjacent marks take 1.5 em (the blank half of one is removed, judged from the
  glyph's ink, so fonts without `halt` work too) and Han meets Latin letters or
  digits with a ¼ em gap: both are glyph advance changes, never characters. Where
  the two sides differ in size (figures set large in a Kai line) the gap is ¼ em of
  the surrounding text, the paragraph's: see gap_points;
- `text-align: justify` spreads a line's slack over its inter-character gaps, or,
  on a line that has none (2020年3月), between the letters of its Latin runs.
Advance changes live on the Layout as per-character extras (Pango units, whole
thousandths of an em so the PDF's TJ numbers are exact) and are written into the
glyph string when the line is drawn, so layout and PDF agree to ~0.001 pt.
"""

from __future__ import annotations

import inspect
import math

from .typography import (
    CJK_RE,
    INSEPARABLE,
    PUNCT,
    break_allowed,
    han_latin,
    is_body,
    is_cjk,
    sample_html,
)

WEASYPRINT_VERSION = "70.0"
HAN_LATIN_GAP = 250  # thousandths of an em
_ORIGINAL: dict = {}
_INK: dict = {}
_TAIL: list = ["", 0.0]  # last character set on the current line and its size
_ROOT = [0.0]  # font size of the line being laid out: its paragraph's


def gap_points(size_a: float, size_b: float, root: float) -> float:
    """The Han–Latin gap (pt): ¼ em of the two characters' size, or, when their sizes
    differ (a figure set large in a Kai line), ¼ em of the surrounding text's, the
    paragraph's. typography.py measures it the same way."""
    same = abs(size_a - size_b) < 0.01 or not root
    return (size_a if same else root) * HAN_LATIN_GAP / 1000


def _gap_units(size_a: float, size_b: float, root: float) -> int:
    """gap_points as an advance of a's last glyph: whole thousandths of a's em."""
    return _units(round(gap_points(size_a, size_b, root) / size_a * 1000), size_a)


def gap_eligible(a: str, b: str) -> bool:
    """Does the gap between a and b take justification slack?

    Not inside ——/……, and not the fixed ¼ em Han–Latin gap: kept at ¼ em, it also stays
    below the gap at which text extractors (pdfplumber's 3 pt) guess a space.
    """
    if (a == b and a in INSEPARABLE) or han_latin(a, b):
        return False
    return is_cjk(a) or is_cjk(b) or a == " "


def letter_gap(a: str, b: str) -> bool:
    """A gap inside a Latin run: justified only on a line with no other gap."""
    return not (is_cjk(a) or is_cjk(b) or a.isspace() or b.isspace())


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


def _choose(text, whole, breaks, advances, gaps, trims, max_units):
    """First-fit break: (chars on the line, trim its last mark) or None for more text."""
    n = len(text)
    if max_units == math.inf:
        return n, False
    width, ends = [0] * (n + 1), [0] * (n + 1)  # width of text[:k]; end of text[:k] w/o spaces
    for k in range(1, n + 1):
        width[k] = width[k - 1] + advances[k - 1] + (gaps[k - 2] if k > 1 else 0)
        ends[k] = ends[k - 1] if text[k - 1] == " " else k

    def fit(k):
        end = ends[k]
        if end and width[end] <= max_units:
            return False
        if end and trims[end - 1] and width[end] + trims[end - 1] <= max_units:
            return True
        return None

    candidates, best = [], None
    for k in range(1, n + 1):
        if (k < n and breaks[k]) or (k == n and whole):
            candidates.append(k)
            if (trim := fit(k)) is not None:
                best = (k, trim)
        if width[ends[k]] > max_units + 2 * max(advances[k - 1], 1) and candidates:
            break
    else:
        if not whole:
            return None
    if best is None:
        if not candidates or (candidates[0] == n and not whole):
            return None
        return candidates[0], bool(ends[candidates[0]] and trims[ends[candidates[0]] - 1])
    if whole and best[0] < n and sum(map(is_body, text[best[0] :])) == 1:
        best = _avoid_orphan(text, best, candidates, fit)
    return best


def _avoid_orphan(text, best, candidates, fit):
    """No paragraph may end on one character: push it in, else pull one down."""
    pushed = fit(len(text))
    if pushed is not None:
        return len(text), pushed
    for k in reversed(candidates):
        if k < best[0] and sum(map(is_body, text[k:])) >= 2 and text[:k].strip():
            return k, fit(k) or False
    return best


def _split_first_line(
    text, style, context, max_width, justification_spacing, is_line_start=True, minimum=False
):
    """Replacement of line_break.split_first_line for zh text (same signature/result)."""
    from weasyprint.text.ffi import FROM_UNITS

    tail, tail_size = ("", 0.0) if is_line_start else _TAIL
    _TAIL[:] = "", 0.0
    font_size = style["font_size"]
    lead = 0.0  # the Han–Latin gap before this box: counted in its width, see _text_align
    if tail and text and han_latin(tail, text[0]):
        lead = _gap_units(tail_size, font_size, _ROOT[0]) * FROM_UNITS
        if max_width is not None:
            max_width = max(0, max_width - lead)
    if not _managed(style, text):
        result = _ORIGINAL["split_first_line"](
            text, style, context, max_width, justification_spacing, is_line_start, minimum
        )
        _TAIL[:] = result[0].text[-1:], font_size
        result[0].clreq_lead = lead
        return (*result[:3], result[3] + lead, *result[4:])
    from weasyprint.text.ffi import pango
    from weasyprint.text.line_break import Layout, line_size

    em_units = font_size * 1024
    bounded = max_width is not None and max_width < 2**21
    max_units = int(max(0, max_width) * 1024 * (1 + 1e-9)) + 1 if bounded else math.inf
    size = int(max_width / font_size * 2) + 8 if bounded else len(text)
    while True:
        window = text[:size]
        whole = len(window) == len(text)
        layout = Layout(style, justification_spacing, max_width)
        layout.set_text(window)
        line = pango.pango_layout_get_line_readonly(layout.layout, 0)
        advances, blanks = _advances(line, window, em_units)
        gaps = _gap_thousandths(window, blanks, advances, em_units)
        gaps = [_units(gap, font_size) for gap in gaps]
        trims = [
            _units(-round(advances[i] / em_units * 500), font_size)
            if blanks.get(i, (0, 0))[1]
            else 0
            for i in range(len(window))
        ]
        breaks = _line_breaks(layout, len(window))
        breaks = [
            k > 0 and (k == len(window) or break_allowed(window[k - 1], window[k], ok))
            for k, ok in enumerate(breaks)
        ]
        choice = _choose(window, whole, breaks, advances, gaps, trims, max_units)
        if choice is not None:
            break
        size *= 2
    count, trim = choice
    line_text = text[:count] if count == len(text) else text[:count].rstrip(" ")
    if not line_text.strip():  # only spaces fit: WeasyPrint knows what to do
        return _ORIGINAL["split_first_line"](
            text, style, context, max_width, justification_spacing, is_line_start, minimum
        )
    resume = None if count == len(text) else len(text[:count].encode())
    if line_text != window:
        layout = Layout(style, justification_spacing, max_width)
        layout.set_text(line_text)
        line = pango.pango_layout_get_line_readonly(layout.layout, 0)
        advances, _ = _advances(line, line_text, None)
    extras = gaps[: len(line_text)]
    extras[-1] = trims[len(line_text) - 1] if trim else 0
    layout.clreq_text, layout.clreq_extra = line_text, extras
    _TAIL[:] = line_text[-1], font_size
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


# --- justification and drawing --------------------------------------------------------


def _leaves(box, out):
    """In-flow leaf boxes of a line, in order (TextBox or atomic)."""
    from weasyprint.formatting_structure import boxes

    if isinstance(box, (boxes.LineBox, boxes.InlineBox)):
        for child in box.children:
            if child.is_in_normal_flow():
                _leaves(child, out)
    else:
        out.append(box)
    return out


def _justify_line(context, line, extra_width):
    """Spread a line's slack over its inter-character gaps (clreq 'inter-character').

    A line with none (2020年3月: digits and fixed Han–Latin gaps only) is letter-spaced
    inside its Latin runs instead: a short line is worse than spaced figures.
    """
    from weasyprint.formatting_structure import boxes
    from weasyprint.text.ffi import FROM_UNITS

    leaves = _leaves(line, [])
    texts = [b for b in leaves if isinstance(b, boxes.TextBox) and getattr(b, "pango_layout", None)]
    if not any(hasattr(b.pango_layout, "clreq_extra") for b in texts) or any(
        b.style["direction"] != "ltr" for b in texts
    ):
        return _ORIGINAL["justify_line"](context, line, extra_width)
    chars = []  # (box, index, char); None separates atomic boxes
    for leaf in leaves:
        if leaf in texts:
            chars.extend((leaf, i, c) for i, c in enumerate(leaf.text))
        else:
            chars.append(None)
    pairs = [
        (i, chars[i][2], chars[i + 1][2])
        for i in range(len(chars) - 1)
        if chars[i] and chars[i + 1]
    ]
    gaps = [i for i, a, b in pairs if gap_eligible(a, b)]
    gaps = gaps or [i for i, a, b in pairs if letter_gap(a, b)]
    if not gaps:
        return _ORIGINAL["justify_line"](context, line, extra_width)
    added, done = {}, 0.0
    for number, i in enumerate(gaps, 1):
        box, index, _ = chars[i]
        font_size = box.style["font_size"]
        thousandths = math.floor((extra_width * number / len(gaps) - done) / font_size * 1000)
        if thousandths <= 0:
            continue
        units = _units(thousandths, font_size)
        _extras(box.pango_layout)[index] += units
        done += units * FROM_UNITS
        added[id(box)] = added.get(id(box), 0) + units * FROM_UNITS
    _shift(line, added, 0)


def _extras(layout) -> list[int]:
    """The layout's per-character extras, started at zero for text set by WeasyPrint."""
    if getattr(layout, "clreq_text", None) != layout.text:
        layout.clreq_text, layout.clreq_extra = layout.text, [0] * len(layout.text)
    return layout.clreq_extra


def _text_align(context, line, available_width, last):
    """Move the Han–Latin gap where two boxes meet to the end of the first, then align.

    The breaker counted it at the start of the second box (its `clreq_lead`) so that
    WeasyPrint's own fitting of boxes saw it; as an advance it must follow the first.
    """
    from weasyprint.formatting_structure import boxes
    from weasyprint.text.ffi import FROM_UNITS

    leaves = _leaves(line, [])
    added = {}
    for b in leaves:
        layout = getattr(b, "pango_layout", None)
        if getattr(layout, "clreq_lead", 0) and layout.text == b.text:
            added[id(b)] = -layout.clreq_lead
    for a, b in zip(leaves, leaves[1:], strict=False):
        if not (
            isinstance(a, boxes.TextBox)
            and isinstance(b, boxes.TextBox)
            and a.text
            and b.text
            and getattr(a, "pango_layout", None) is not None
            and han_latin(a.text[-1], b.text[0])
        ):
            continue
        size = a.style["font_size"]
        units = _gap_units(size, b.style["font_size"], line.style["font_size"])
        if line.width + sum(added.values()) + units * FROM_UNITS > available_width + 0.01:
            continue
        _extras(a.pango_layout)[len(a.text) - 1] += units
        added[id(a)] = added.get(id(a), 0) + units * FROM_UNITS
    if added:
        _shift(line, added, 0)
    return _ORIGINAL["text_align"](context, line, available_width, last)


def _get_next_linebox(context, linebox, *args):
    """Lay out a line knowing its paragraph's font size (for gap_points)."""
    saved, _ROOT[0] = _ROOT[0], linebox.style["font_size"]
    try:
        return _ORIGINAL["get_next_linebox"](context, linebox, *args)
    finally:
        _ROOT[0] = saved


def _shift(box, added, x_advance):
    """Widen text boxes by what they were given and move what follows (LTR)."""
    from weasyprint.formatting_structure import boxes

    if isinstance(box, boxes.TextBox):
        box.position_x += x_advance
        box.width += added.get(id(box), 0)
        return x_advance + added.get(id(box), 0)
    if isinstance(box, (boxes.LineBox, boxes.InlineBox)):
        box.position_x += x_advance
        before = x_advance
        for child in box.children:
            if child.is_in_normal_flow():
                x_advance = _shift(child, added, x_advance)
        box.width += x_advance - before
        return x_advance
    box.translate(x_advance, 0)
    return x_advance


def _reactivate(self, style):
    _ORIGINAL["reactivate"](self, style)
    self.clreq_pending = getattr(self, "clreq_text", None) == self.text


def _get_first_line(self):
    """At draw time, write the per-character extras into the line's glyph widths."""
    first_line, index = _ORIGINAL["get_first_line"](self)
    if getattr(self, "clreq_pending", False):
        self.clreq_pending = False
        if self.text == self.clreq_text and any(self.clreq_extra):
            _apply_extras(first_line, self.text, self.clreq_extra)
    return first_line, index


def _draw_first_line(stream, textbox, text_overflow, block_ellipsis, matrix):
    """Draw a line with extras inside an /ActualText span: extractors that guess spaces
    from glyph gaps (poppler, pdf.js) then read the copy, not the justified gaps."""
    import pydyf

    layout = textbox.pango_layout
    extras = getattr(layout, "clreq_extra", None)
    if not extras or not any(extras) or layout.clreq_text != layout.text or not layout.text.strip():
        return _ORIGINAL["draw_first_line"](stream, textbox, text_overflow, block_ellipsis, matrix)
    stream.begin_marked_content("Span", pydyf.Dictionary({"ActualText": pydyf.String(layout.text)}))
    try:
        return _ORIGINAL["draw_first_line"](stream, textbox, text_overflow, block_ellipsis, matrix)
    finally:
        stream.end_marked_content()


def _apply_extras(line, text, extras):
    """Widen the last glyph of each cluster by the extras of all its characters."""
    b2c = _byte_to_char(text)
    b2c[len(text.encode())] = len(text)
    for offset, end, _, glyphs in _runs(line):
        count, _, clusters = _glyph_arrays(glyphs)
        for j in range(count):
            if j + 1 < count and clusters[j + 1] == clusters[j]:
                continue
            first = b2c.get(offset + clusters[j])
            last = b2c.get(offset + clusters[j + 1] if j + 1 < count else end)
            if first is not None and last is not None and (extra := sum(extras[first:last])):
                glyphs.glyphs[j].geometry.width += extra


# --- installation ---------------------------------------------------------------------


def _targets():
    from weasyprint.draw import text as draw_text
    from weasyprint.layout import inline, preferred
    from weasyprint.text import line_break

    return [
        (line_break, "split_first_line", _split_first_line),
        (inline, "split_first_line", _split_first_line),
        (preferred, "split_first_line", _split_first_line),
        (line_break, "can_break_text", _can_break_text),
        (inline, "can_break_text", _can_break_text),
        (preferred, "can_break_text", _can_break_text),
        (inline, "justify_line", _justify_line),
        (inline, "text_align", _text_align),
        (inline, "get_next_linebox", _get_next_linebox),
        (line_break.Layout, "reactivate", _reactivate),
        (line_break.Layout, "get_first_line", _get_first_line),
        (draw_text, "draw_first_line", _draw_first_line),
    ]


EXPECTED_SIGNATURES = {
    "split_first_line": "(text, style, context, max_width, justification_spacing, "
    "is_line_start=True, minimum=False)",
    "can_break_text": "(text, lang)",
    "justify_line": "(context, line, extra_width)",
    "text_align": "(context, line, available_width, last)",
    "get_next_linebox": "(context, linebox, position_y, bottom_space, skip_stack, "
    "containing_block, absolute_boxes, fixed_boxes, first_letter_style, first_line_style)",
    "reactivate": "(self, style)",
    "get_first_line": "(self)",
    "draw_first_line": "(stream, textbox, text_overflow, block_ellipsis, matrix)",
}


def check_internals() -> None:
    """Fail loudly when WeasyPrint's internals differ from what the patches rely on."""
    import weasyprint
    from weasyprint.draw import text as draw_text
    from weasyprint.layout import inline
    from weasyprint.text.ffi import ffi

    problems = []
    if weasyprint.__version__ != WEASYPRINT_VERSION:
        problems.append(f"WeasyPrint {weasyprint.__version__}, patches written for 70.0")
    for owner, name, _ in _targets():
        current = _ORIGINAL.get(name) or getattr(owner, name)
        if str(inspect.signature(current)) != EXPECTED_SIGNATURES[name]:
            problems.append(f"{owner.__name__}.{name}{inspect.signature(current)}")
    original = {name: _ORIGINAL.get(name) or getattr(owner, name) for owner, name, _ in _targets()}
    calls = [
        (original["text_align"], "justify_line"),
        (original["get_next_linebox"], "text_align"),
        (inline.iter_line_boxes, "get_next_linebox"),
        (inline.split_text_box, "split_first_line"),
        (draw_text.draw_text, "reactivate"),
        (original["draw_first_line"], "get_first_line"),
        (draw_text.draw_text, "draw_first_line"),
    ]
    problems += [
        f"{f.__name__} no longer calls {name}"
        for f, name in calls
        if name not in f.__code__.co_names
    ]
    if (ffi.sizeof("PangoGlyphInfo"), ffi.sizeof("PangoLogAttr")) != (20, 4):
        problems.append("PangoGlyphInfo/PangoLogAttr layout changed")
    if problems:
        raise RuntimeError("newsprint.clreq cannot patch WeasyPrint: " + "; ".join(problems))


def install() -> None:
    """Patch WeasyPrint once (idempotent); raise if its internals are not the expected ones."""
    if _ORIGINAL:
        return
    check_internals()
    for owner, name, replacement in _targets():
        _ORIGINAL.setdefault(name, getattr(owner, name))
        setattr(owner, name, replacement)


def uninstall() -> None:
    """Restore WeasyPrint's own functions (for benchmarks and comparisons)."""
    for owner, name, _ in _targets():
        if name in _ORIGINAL:
            setattr(owner, name, _ORIGINAL[name])
    _ORIGINAL.clear()


def installed() -> bool:
    return bool(_ORIGINAL)


# --- benchmark ------------------------------------------------------------------------


def _render_seconds(html: str, repeat: int) -> float:
    import time

    from weasyprint import HTML

    best = math.inf
    for _ in range(repeat):
        start = time.perf_counter()
        HTML(string=html).write_pdf()
        best = min(best, time.perf_counter() - start)
    return best


def bench(repeat: int = 3) -> dict:
    """Render the sample page (seed 0) with and without clreq: best-of-`repeat` seconds.

    `ratio` is for columns filled to a fixed height (one layout pass: the cost of the
    line layout itself); `ratio_balanced` for balanced columns, where WeasyPrint's
    balancing re-lays the text a number of times that changes with every line break.
    """
    was = installed()
    result = {}
    for key, balance in (("", False), ("_balanced", True)):
        html = sample_html(balance=balance)
        uninstall()
        _render_seconds(html, 1)  # warm font and style caches
        plain = _render_seconds(html, repeat)
        install()
        clreq = _render_seconds(html, repeat)
        result |= {
            f"plain_s{key}": round(plain, 3),
            f"clreq_s{key}": round(clreq, 3),
            f"ratio{key}": round(clreq / plain, 3),
        }
    if not was:
        uninstall()
    return result
