"""The heights of a measured item at its other widths, without laying it out again.

A data-box card is measured at seven widths in two sizes: 126 layouts for a box of nine
cards, half of a new story's measurement. Its text is one paragraph that clreq breaks
itself (clreq/atwidth.py), and every line of a card is one line box of the same height,
so its height at another width is its laid-out height plus the lines it gains or loses
there. The model is trusted for an item only where it gives back the laid-out width
exactly (the same lines, the same loose gaps, lines of one height); an item it does not
answer for is laid out at each width after (typeset/modules.py).
"""

from __future__ import annotations

from newsprint.clreq import atwidth
from newsprint.compose.measures import loose_key
from newsprint.hanzi import gap_limit, is_loose
from newsprint.typeset.measure import PX_TO_PT

PT_TO_PX = 1 / 0.75  # as WeasyPrint reads a width in pt (css/units.py)


def line_text(line) -> str:
    """The text of a laid-out line box."""
    from weasyprint.formatting_structure import boxes

    return "".join(t.text for t in line.descendants() if isinstance(t, boxes.TextBox))


def loose_ratios(lines) -> list[float]:
    """Each loose line's widest Han gap over its limit, from (text, gap em) pairs, by the
    typography report's rule (hanzi.is_loose)."""
    return [round(gap / gap_limit(text), 2) for text, gap in lines if gap and is_loose(gap, text)]


def derived_heights(document, heights: dict, line_pitch: float) -> dict:
    """{id: height in grid lines, loose_key(id): ratios} of the other widths (data-also)
    of each item laid out in `document`, whose own height and loose lines are in
    `heights` already; items the model does not answer for are left out."""
    out: dict = {}
    for item, block in _items(document):
        found = _derive(item, block, heights, line_pitch)
        if found:
            out.update(found)
    return out


def _items(document):
    """(measured item box, its one block of text) for each item with data-also."""
    from weasyprint.formatting_structure import boxes

    def walk(box):
        element = getattr(box, "element", None)
        if element is not None and element.get("data-also") and box.element_tag == "div":
            blocks = [b for b in box.descendants() if isinstance(b, boxes.BlockBox)]
            texts = [b for b in blocks if any(isinstance(c, boxes.LineBox) for c in b.children)]
            yield box, texts[0] if len(texts) == 1 else None
            return
        for child in getattr(box, "children", None) or ():
            yield from walk(child)

    for page in document.pages:
        yield from walk(page._page_box)


def _derive(item, block, heights: dict, line_pitch: float) -> dict | None:
    from weasyprint.formatting_structure import boxes

    name = item.element.get("id")
    if block is None or name not in heights:
        return None
    lines = [c for c in block.children if isinstance(c, boxes.LineBox)]
    pitch = lines[0].height
    if any(abs(line.height - pitch) > 0.01 for line in lines):
        return None  # a line of another height: the height is not lines × pitch
    para = atwidth.paragraph_of(block)
    model = atwidth.lines_at(para, block.width) if para is not None else None
    if model is None or [s.text for s in model] != [line_text(line) for line in lines]:
        return None
    if (loose_ratios((s.text, s.gap_em) for s in model) or None) != heights.get(loose_key(name)):
        return None
    around = item.width - block.width  # what the item's width gives beyond the text's
    out = {}
    for entry in item.element.get("data-also").split():
        other, _, width = entry.rpartition(":")
        at = atwidth.lines_at(para, float(width) * PT_TO_PX - around)
        if at is None:
            return None
        grown = (len(at) - len(model)) * pitch * PX_TO_PT / line_pitch
        out[other] = round(heights[name] + grown, 4)
        ratios = loose_ratios((s.text, s.gap_em) for s in at)
        if ratios:
            out[loose_key(other)] = ratios
    return out
