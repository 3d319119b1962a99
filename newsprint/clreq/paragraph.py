"""Total fit across the text boxes of one paragraph (figures set large in a Kai line).

WeasyPrint lays a line out box by box, and a box that fits is taken whole: in the data
box, where every figure is a box of its own, the breaker saw a line only up to the
next figure. It could neither take a character less so that a figure fit, nor know
that the slack of the line it ended would be shared with the boxes before it: a line
ending "…向阳路等" before "18" could not fit, or "投资过5亿" before "元项目", was left
at 0.2–0.25 em between characters.

Here a paragraph of several text boxes is measured as one text and broken once by
totalfit.choose, and each box answers WeasyPrint from that plan: its part of the line,
all of it, or — if the line ends before it — a first line reported too wide, so that
WeasyPrint puts the box on the next line as it does any box that does not fit. A box
is known by its style and the text left of it, from the line's start (the skip
stack). Paragraphs with anything but text in plain inline boxes keep box-by-box
breaking.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from newsprint.clreq import totalfit
from newsprint.hanzi import han_latin

# id(line box), measure, first, open end, root → Plan. A plan is kept for its line box,
# so only for the document being laid out (new_document); clreq/atwidth.py reads the
# plans of a measuring document after its layout, so none of its own may be dropped.
_PLANS: dict = {}
_PLANS_MAX = 5000
_LINE: list = [None, 0, 0]  # the plan of the line being laid out, its start, the cursor


@dataclass(frozen=True)
class Leaf:
    start: int  # offset in the paragraph's text
    text: str
    style: object


@dataclass(frozen=True)
class Plan:
    box: object  # the line box, kept so its id is not reused while the plan lives
    leaves: tuple[Leaf, ...]
    starts: dict  # id(text box) → offset of its text in the paragraph
    metrics: totalfit.Metrics
    step: list
    first: int  # the first line's width, Pango units
    measure: int


def _plain_inline(box) -> bool:
    """An inline box that adds no width of its own (auto margins are 0 on inlines)."""
    style = box.style
    values = [style[f"{k}_{s}"] for k in ("margin", "padding") for s in ("left", "right")]
    borders = [style["border_left_width"], style["border_right_width"]]
    return all(v == "auto" or getattr(v, "value", v) == 0 for v in values) and not any(borders)


def _text_boxes(box, out: list) -> bool:
    """The paragraph's text boxes in order into `out`; False if it holds anything else."""
    from weasyprint.formatting_structure import boxes

    for child in box.children:
        if isinstance(child, boxes.TextBox):
            style = child.style
            if (
                style["white_space"] != "normal"
                or style["letter_spacing"] != "normal"
                or style["direction"] != "ltr"
                or "\n" in child.text
                or "\xad" in child.text
            ):
                return False
            if child.text:
                out.append(child)
        elif isinstance(child, boxes.InlineBox) and _plain_inline(child):
            if not _text_boxes(child, out):
                return False
        else:
            return False
    return True


def _joined(texts: list, root: float) -> totalfit.Metrics:
    """One Metrics for the boxes' texts end to end, widths in Pango units. Where two
    boxes meet: a break if clreq allows one there, and the Han–Latin gap WeasyPrint
    will count at the start of the second box; neither stretches nor shrinks there,
    nor does a box's last character (its extra is the line end's)."""
    from newsprint.clreq.linebreak import _can_break_text, _gap_units, _managed
    from newsprint.clreq.measure import _metrics

    parts = []
    for box in texts:
        m = _metrics(box.text, box.style, box.justification_spacing)
        if not _managed(box.style, box.text):  # figures: never broken inside
            inside = [False] * (len(m.breaks) - 2)
            m = replace(m, breaks=[m.breaks[0], *inside, m.breaks[-1]])
        parts.append(m)

    def joined(field: str, last=None) -> list:
        """A field of the parts end to end; `last`: what a part's last entry becomes."""
        out: list = []
        for m in parts:
            values = getattr(m, field)
            out += values if last is None else [*values[:-1], last]
        return out

    text = "".join(box.text for box in texts)
    gaps, breaks = joined("gaps", 0), [False] + [b for m in parts for b in m.breaks[1:]]
    pos = 0
    for before, box in zip(texts, texts[1:], strict=False):
        pos += len(before.text)
        a, b = text[pos - 1], text[pos]
        breaks[pos] = _can_break_text(a + b, box.style["lang"])
        if han_latin(a, b):
            gaps[pos - 1] = _gap_units(before.style["font_size"], box.style["font_size"], root)
    return totalfit.Metrics(
        text=text,
        advances=joined("advances"),
        gaps=gaps,
        trims=joined("trims"),
        breaks=breaks,
        elastic=joined("elastic", False),
        han_latin=joined("han_latin", False),
        shrink=joined("shrink", 0),
        em=round(root * 1024),
        body=joined("body"),
        penalty=totalfit.quoted_terms(text),
        tight=joined("tight", False),
    )


def _plan(linebox, measure: int, first: int, root: float) -> Plan | None:
    open_end = linebox.style["text_align_last"] == "justify"
    key = (id(linebox), measure, first, open_end, root, linebreak_strategy())
    plan = _PLANS.get(key)
    if plan is not None and plan.box is linebox:
        return plan
    from newsprint.clreq.linebreak import _managed

    texts: list = []
    if not _text_boxes(linebox, texts) or len(texts) < 2:
        return None
    if not any(_managed(b.style, b.text) for b in texts):
        return None
    metrics = _joined(texts, root)
    if linebreak_strategy() == "total-fit":
        step = totalfit.choose(metrics, first, measure, True, open_end)
    else:
        step = totalfit.first_fit(metrics, first, measure, True)
    leaves, starts, pos = [], {}, 0
    for box in texts:
        leaves.append(Leaf(pos, box.text, box.style))
        starts[id(box)] = pos
        pos += len(box.text)
    if len(_PLANS) > _PLANS_MAX:  # the oldest half: the current paragraph's are the newest
        for old in list(_PLANS)[: _PLANS_MAX // 2]:
            del _PLANS[old]
    plan = _PLANS[key] = Plan(linebox, tuple(leaves), starts, metrics, step, first, measure)
    return plan


def new_document() -> None:
    """Forget the plans of the documents laid out before: their line boxes are never
    laid out again, and a plan kept from them could push out one of the next."""
    _PLANS.clear()


def linebreak_strategy() -> str:
    from newsprint.clreq.linebreak import STRATEGY

    return STRATEGY[0]


def _start(plan: Plan, box, skip_stack) -> int | None:
    """Where in the paragraph a line resuming at skip_stack starts."""
    from weasyprint.formatting_structure import boxes

    if skip_stack is None:
        texts: list = []
        _text_boxes(box, texts)
        return plan.starts.get(id(texts[0])) if texts else None
    ((index, sub),) = skip_stack.items()
    child = box.children[index]
    if isinstance(child, boxes.TextBox):
        start = plan.starts.get(id(child))
        if start is None or sub is None:
            return start
        ((byte, _),) = sub.items()
        return start + len(child.text.encode()[: byte or 0].decode())
    return _start(plan, child, sub)


def begin_line(linebox, skip_stack, width: float, root: float) -> list:
    """Set the plan for the line get_next_linebox is about to lay out; returns what to
    restore after it."""
    saved = list(_LINE)
    _LINE[:] = [None, 0, 0]
    measure = int(width * 1024)  # rounded down: a planned line never overflows its box
    first = int((width - (linebox.text_indent or 0)) * 1024)
    plan = _plan(linebox, measure, first, root)
    if plan is not None:
        start = _start(plan, linebox, skip_stack)
        if start is not None and start < len(plan.step) and plan.step[start] is not None:
            _LINE[:] = [plan, start, start]
    return saved


def end_line(saved: list) -> None:
    _LINE[:] = saved


def answer(text: str, style):
    """The plan's line for this box: None (no plan), "next" (the line ended before it),
    or (characters, trim the line-end mark, per-character extras, the last one's trim)."""
    plan, start, cursor = _LINE
    if plan is None:
        return None
    found = [
        leaf.start + len(leaf.text) - len(text)
        for leaf in plan.leaves
        if leaf.style is style and leaf.text.endswith(text)
    ]
    found = [o for o in found if o >= cursor]
    if not found:
        return None
    offset = min(found)
    end, trim = plan.step[start]
    if offset >= end and offset > start:
        return "next"
    count = min(end, offset + len(text)) - offset
    kept = len(text[:count]) if count == len(text) else len(text[:count].rstrip(" "))
    if not kept:
        return None
    _LINE[2] = offset + count
    extras = _line_extras(plan, start, end, trim)[offset - start : offset - start + kept]
    at_end = offset + count == end
    return count, trim and at_end, extras, plan.metrics.trims[offset + kept - 1]


def _line_extras(plan: Plan, start: int, end: int, trim: bool) -> list[int]:
    """Per-character extras of the line start:end: its fixed gaps, and what it takes
    from its marks and Han–Latin gaps when it is set over its measure."""
    from newsprint.clreq.linebreak import _shrink_to_fit

    m = plan.metrics
    extras = list(m.gaps[start:end])
    width = plan.first if start == 0 else plan.measure
    _shrink_to_fit(m, start, end, trim, width, extras)
    return extras
