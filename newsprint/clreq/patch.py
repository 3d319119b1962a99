"""Chinese line composition (W3C clreq) inside WeasyPrint 70.0's line layout.

WeasyPrint justifies only by widening spaces, breaks lines by Pango's UAX #14 rules
and knows neither punctuation compression nor Han–Latin spacing. `install()` patches
it once so that, for text whose `lang` is zh-*:
- lines are broken by our own total-fit breaker (linebreak, totalfit), with
  kinsoku (no prohibited line starts/ends, no split ——/……, number kept with its
  unit), a line-end comma/full stop at half width, marks' blank halves and Han–Latin
  gaps (to ⅛ em) shrunk where a line needs it, and no paragraph ending on a single
  character (孤字); where every breaking leaves a line over the loose limits, a line
  set tight (紧排), its gaps between CJK characters closed by at most hanzi.TIGHT_EM;
- two adjacent marks take 1.5 em (the blank half of one is removed, judged from the
  glyph's ink, so fonts without `halt` work too) and Han meets Latin letters or
  digits with a ¼ em gap: both are glyph advance changes, never characters. Where
  the two sides differ in size (figures set large in a Kai line) the gap is ¼ em of
  the surrounding text, the paragraph's: see linebreak.gap_points;
- `text-align: justify` spreads a line's slack over its inter-character gaps, its
  Han–Latin gaps taking their share up to ⅓ em; figures and Latin letters are never
  spaced apart.
Advance changes live on the Layout as per-character extras (Pango units, whole
thousandths of an em so the PDF's TJ numbers are exact) and are written into the
glyph string when the line is drawn, so layout and PDF agree to ~0.001 pt.
"""

from __future__ import annotations

import inspect
import math
from collections.abc import Iterator
from contextlib import contextmanager

from newsprint.clreq import totalfit
from newsprint.clreq.linebreak import (
    _ORIGINAL,
    _can_break_text,
    _gap_units,
    _get_next_linebox,
    _split_first_line,
    gap_em,
)
from newsprint.clreq.measure import _byte_to_char, _glyph_arrays, _runs, _units, gap_eligible
from newsprint.hanzi import han_latin, is_han

WEASYPRINT_VERSION = "70.0"


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
    """Spread a line's slack over its inter-character gaps (clreq 'inter-character'),
    Han–Latin gaps taking their share up to ⅓ em.

    Figures and Latin letters are never spaced apart: a line with no other gap (rare,
    total_fit avoids it) stretches its Han–Latin gaps further, or keeps its slack. A
    tight line comes with its gaps already closed (its extras, linebreak._shrink_to_fit)
    to whole thousandths of an em, rounded up: what is left is spread as any slack.
    """
    from weasyprint.formatting_structure import boxes

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
    mixed = [i for i, a, b in pairs if han_latin(a, b)]
    if not gaps and not mixed:
        return _ORIGINAL["justify_line"](context, line, extra_width)
    from weasyprint.text.ffi import FROM_UNITS

    added: dict = {}
    sizes = [c[0].style["font_size"] if c else 0 for c in chars]
    shares = slack_shares(extra_width, gaps, mixed, sizes, line.style["font_size"])
    for i, units in shares:
        box, index, _ = chars[i]
        _extras(box.pango_layout)[index] += units
        added[id(box)] = added.get(id(box), 0) + units * FROM_UNITS
    _shift(line, added, 0)
    line.clreq_gap_em = _widest_han_gap(chars, pairs)


def _widest_han_gap(chars, pairs) -> float:
    """The widest gap between two Han characters of one face and size on a justified
    line, in em (what justification and a tight line's closing left it): kept on the
    line box as `clreq_gap_em`, so that the module measurement counts loose lines by
    the typography report's rule (hanzi.is_loose) before any page is made up."""
    from weasyprint.text.ffi import FROM_UNITS

    worst = 0.0
    for i, a, b in pairs:
        box, index, _ = chars[i]
        if not han_pair(a, b, box.style, chars[i + 1][0].style):
            continue
        layout = box.pango_layout
        if getattr(layout, "clreq_text", None) == layout.text:
            worst = max(worst, layout.clreq_extra[index] * FROM_UNITS / box.style["font_size"])
    return worst


def han_pair(a: str, b: str, style_a, style_b) -> bool:
    """Does the gap between characters a and b (set in these styles: font_size and
    font_family are read) count as a gap between two Han characters of one face and
    size? The typography report skips a change of size or face too: that gap is the
    design's."""
    if not (is_han(a) and is_han(b)):
        return False
    same_size = abs(style_a["font_size"] - style_b["font_size"]) < 0.01
    return same_size and style_a["font_family"] == style_b["font_family"]


def slack_shares(extra: float, gaps: list[int], mixed: list[int], sizes, root: float) -> list:
    """[(pair i, Pango units)]: what a justified line's slack `extra` gives the gap after
    character i. The Han–Latin gaps (`mixed`) take their share up to ⅓ em of
    linebreak.gap_em (the pair's size, or the paragraph's, `root`, where they differ);
    the gaps between characters (`gaps`) the rest; each in whole
    thousandths of its character's em (`sizes`), rounded so the sum never overshoots.
    clreq/atwidth.py models a line by the same shares."""
    out: list = []
    share = extra / (len(gaps) + len(mixed))
    caps = [totalfit.HL_STRETCH / 1000 * gap_em(sizes[i], sizes[i + 1], root) for i in mixed]
    given = _spread(sizes, mixed, [min(share, cap) for cap in caps], out)
    rest = extra - given
    if gaps:
        _spread(sizes, gaps, [rest / len(gaps)] * len(gaps), out)
    elif mixed:
        _spread(sizes, mixed, [rest / len(mixed)] * len(mixed), out)
    return out


def _spread(sizes, where: list[int], amounts: list[float], out: list) -> float:
    """Widen the gaps after characters `where` by amounts (pt) into `out`; returns what
    was given."""
    done, wanted = 0.0, 0.0
    for i, amount in zip(where, amounts, strict=True):
        wanted += amount
        thousandths = math.floor((wanted - done) / sizes[i] * 1000)
        if thousandths <= 0:
            continue
        units = _units(thousandths, sizes[i])
        out.append((i, units))
        done += units / 1024  # Pango units (WeasyPrint's FROM_UNITS)
    return done


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
            and b.position_x - (a.position_x + a.width) < 0.01  # no margin between them
        ):
            continue  # a margin (the note's 编者按 label) is the gap already
        size = a.style["font_size"]
        units = _gap_units(size, b.style["font_size"], line.style["font_size"])
        if line.width + sum(added.values()) + units * FROM_UNITS > available_width + 0.01:
            continue
        _extras(a.pango_layout)[len(a.text) - 1] += units
        added[id(a)] = added.get(id(a), 0) + units * FROM_UNITS
    if added:
        _shift(line, added, 0)
    return _ORIGINAL["text_align"](context, line, available_width, last)


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
            _apply_extras(first_line, self.text, self.clreq_extra, getattr(self, "clreq_shift", 0))
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


def _apply_extras(line, text, extras, shift: int = 0):
    """Widen the last glyph of each cluster by the extras of all its characters; move
    the first glyph `shift` left (an opening mark that gave up its blank left half: its
    advance is already that much narrower)."""
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
            if shift and first == 0 and offset == 0:
                glyphs.glyphs[j].geometry.x_offset -= shift


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


class InternalsChanged(RuntimeError):
    """WeasyPrint is not the release the patches were written for: `found` is its version,
    `problems` what differs, so the caller can tell the user what to reinstall."""

    def __init__(self, found: str, problems: list[str]):
        super().__init__("newsprint.clreq cannot patch WeasyPrint: " + "; ".join(problems))
        self.found, self.problems = found, problems


def check_internals() -> None:
    """Fail loudly when WeasyPrint's internals differ from what the patches rely on."""
    import weasyprint
    from weasyprint.draw import text as draw_text
    from weasyprint.layout import inline
    from weasyprint.text.ffi import ffi

    problems = []
    if weasyprint.__version__ != WEASYPRINT_VERSION:
        problems.append(
            f"WeasyPrint {weasyprint.__version__}, patches written for {WEASYPRINT_VERSION}"
        )
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
        raise InternalsChanged(weasyprint.__version__, problems)


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


@contextmanager
def switched(on: bool = True) -> Iterator[None]:
    """clreq on (or off) for a block, then back as it was: so a test or benchmark
    renders the same whichever ran before it."""
    was = installed()
    (install if on else uninstall)()
    try:
        yield
    finally:
        (install if was else uninstall)()
