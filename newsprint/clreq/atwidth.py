"""A paragraph clreq planned at one width, set at other widths without laying it out.

The make-up measures each data-box card at every width the box may give it (seven, in
two sizes). A card is a paragraph of several text boxes (its figures set large), and
clreq breaks such a paragraph itself: paragraph._plan joins the boxes' metrics, which
do not depend on the width, and totalfit.choose breaks them for the measure. So once
WeasyPrint has laid a card out at one width, its lines at another are choose() on the
same metrics, and each justified line's widest Han gap is what patch._justify_line
spreads into it. The caller (typeset/derive.py) trusts this only after it reproduces
the laid-out width exactly: the same lines, the same loose gaps.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from newsprint.clreq import paragraph, totalfit
from newsprint.clreq.measure import gap_eligible
from newsprint.clreq.patch import han_pair, slack_shares
from newsprint.hanzi import han_latin

FROM_UNITS = 1 / 1024  # Pango units to CSS px (WeasyPrint's text.ffi.FROM_UNITS)


@dataclass(frozen=True)
class SetLine:
    """One line of the paragraph at a width: its text and its widest Han gap (em) once
    justified (0.0 for a line left unjustified, the last one)."""

    text: str
    gap_em: float


@dataclass(frozen=True)
class Paragraph:
    """What clreq breaks a laid-out paragraph by, at any width."""

    metrics: totalfit.Metrics
    sizes: list  # per character: (font size, font family, the last of its box)
    style: object  # its line boxes' (the block's) style
    indent: float  # px, the first line's
    planned: bool  # several boxes (paragraph._plan), or one (linebreak._total_fit)
    step: list | None = None  # the breaks it was laid out with …
    units: tuple = ()  # … at these (first, measure)


def paragraph_of(block) -> Paragraph | None:
    """The paragraph of a laid-out block of text as clreq broke it, or None when clreq
    did not break it alone (text in other boxes than plain inlines, a space in it: the
    layout drops one at a break), or no longer keeps what it broke it by."""
    from weasyprint.formatting_structure import boxes

    from newsprint.clreq.linebreak import _managed
    from newsprint.clreq.measure import _metrics

    lines = [c for c in block.children if isinstance(c, boxes.LineBox)]
    if not lines:
        return None
    style, indent = lines[0].style, lines[0].text_indent or 0
    plan = plan_of(block.element, block.width)
    if plan is not None:
        sizes = [
            (leaf.style["font_size"], leaf.style["font_family"], k == len(leaf.text) - 1)
            for leaf in plan.leaves
            for k in range(len(leaf.text))
        ]
        units = (plan.first, plan.measure)
        found = Paragraph(plan.metrics, sizes, style, indent, True, plan.step, units)
    else:
        texts = [c for line in lines for c in line.children]
        if not texts or not all(isinstance(t, boxes.TextBox) for t in texts):
            return None
        if len({id(t.style) for t in texts}) != 1:
            return None
        text, box = "".join(t.text for t in texts), texts[0]
        size, family = box.style["font_size"], box.style["font_family"]
        if not _managed(box.style, text) or 0 < indent < size:
            return None  # an indent under an em: linebreak._total_fit's `indented` varies
        metrics = _metrics(text, box.style, box.justification_spacing)
        if not indent:  # an opening mark after an indent may lose its blank half
            metrics = replace(metrics, lead=0)
        sizes = [(size, family, k == len(text) - 1) for k in range(len(text))]
        found = Paragraph(metrics, sizes, style, indent, False)
    return None if " " in found.metrics.text else found


def plan_of(element, width: float) -> paragraph.Plan | None:
    """The plan clreq made for the paragraph of `element` laid out `width` px wide, or
    None (a paragraph of one box, or a plan no longer kept)."""
    measure = int(width * 1024)
    for plan in reversed(list(paragraph._PLANS.values())):
        if getattr(plan.box, "element", None) is element and plan.measure == measure:
            return plan
    return None


def lines_at(para: Paragraph, width: float) -> list[SetLine] | None:
    """The paragraph's lines `width` px wide, as clreq and WeasyPrint would set them
    (None if its breaks do not reach its end)."""
    from newsprint.clreq.linebreak import _to_units

    m = para.metrics
    to_units = (lambda w: int(w * 1024)) if para.planned else _to_units
    first, measure = to_units(width - para.indent), to_units(width)
    open_end = para.style["text_align_last"] == "justify"
    if (first, measure) == para.units:
        step = para.step
    elif paragraph.linebreak_strategy() == "total-fit":
        step = totalfit.choose(m, first, measure, True, open_end)
    else:
        step = totalfit.first_fit(m, first, measure, True)
    lines, start, out = totalfit.chain(step), 0, []
    for index, (end, trim) in enumerate(lines):
        available = width - para.indent if start == 0 else width
        justified = _aligned(para.style, index == len(lines) - 1) == "justify"
        gap = _widest_gap(para, start, end, trim, available) if justified else 0.0
        out.append(SetLine(m.text[start:end], gap))
        start = end
    return out if start == len(m.text) else None


def _aligned(style, last: bool) -> str:
    """The line's text-align, as WeasyPrint's inline.text_align reads it."""
    align = style["text_align_all"]
    if last and style["text_align_last"] != "auto":
        align = style["text_align_last"]
    return align


def _widest_gap(para: Paragraph, start: int, end: int, trim: bool, available: float) -> float:
    """The widest gap (em) between two Han characters of one face and size on the line
    text[start:end] justified to `available` px, by the shares of its slack that
    patch._justify_line gives its gaps (patch.slack_shares)."""
    m, sizes = para.metrics, para.sizes
    natural = sum(m.advances[start:end]) + sum(m.gaps[start : end - 1])
    natural += m.trims[end - 1] if trim else 0
    extra = available - natural * FROM_UNITS
    if extra <= 0:  # set over its measure and shrunk to it: nothing to spread
        return 0.0
    text = m.text
    pairs = range(start, end - 1)
    gaps = [j for j in pairs if gap_eligible(text[j], text[j + 1])]
    mixed = [j for j in pairs if han_latin(text[j], text[j + 1])]
    if not gaps and not mixed:
        return 0.0
    added = [0] * len(text)
    size_of = [size for size, _, _ in sizes]
    for j, units in slack_shares(extra, gaps, mixed, size_of, para.style["font_size"]):
        added[j] += units
    worst = 0.0
    for j in pairs:
        (size, family, box_end), (other, other_family, _) = sizes[j], sizes[j + 1]
        face = {"font_size": size, "font_family": family}
        other_face = {"font_size": other, "font_family": other_family}
        if not han_pair(text[j], text[j + 1], face, other_face):
            continue
        fixed = 0 if box_end else m.gaps[j]  # a box's last extra is its trim, not a gap
        worst = max(worst, (fixed + added[j]) * FROM_UNITS / size)
    return worst
