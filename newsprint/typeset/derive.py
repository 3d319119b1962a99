"""The heights of a measured item at its other widths, without laying it out again.

A data-box card is measured at seven widths in two sizes: 126 layouts for a box of nine
cards, half of a new story's measurement. Its text is one paragraph that clreq breaks
itself (clreq/atwidth.py), and every line of a card is one line box of the same height,
so its height at another width is its laid-out height plus the lines it gains or loses
there; a testimony's paragraphs across a wider box, each by its own lines. The model is
trusted for an item only where it gives back the laid-out width exactly (the same
lines, the same loose gaps, lines of one height, nothing as high as it is wide); an
item it does not answer for is laid out at each width after (typeset/modules.py). A
head the template broke by hand (compose/headings.py) needs no model: wider, with the
same HTML, it sets the same lines.
"""

from __future__ import annotations

from newsprint.clreq import atwidth
from newsprint.compose.measures import Item, loose_key
from newsprint.hanzi import gap_limit, is_loose
from newsprint.typeset.measure import PX_TO_PT
from newsprint.typeset.remeasure import DOCUMENT_END, also_widths

PT_TO_PX = 1 / 0.75  # as WeasyPrint reads a width in pt (css/units.py)
# Items the template breaks by hand to fit their width (compose/headings.py): at a wider
# width, the same HTML sets the same lines
BROKEN_BY_HAND = ("testimony-head", "databox-title")


def same_html(found: list[Item], chunks: dict[str, str]) -> list[Item]:
    """`found` with the items the template wrote the same at several widths (`chunks`:
    each item's HTML by id, remeasure.split_items) laid out at the narrowest only, the
    others in its `also`: a testimony's head is the same at two and three columns."""
    groups: dict[tuple, list[Item]] = {}
    for item in found:
        if item.kind in BROKEN_BY_HAND and item.id in chunks:
            inner = chunks[item.id].partition(">")[2]  # past the item's own tag: its width
            inner = inner.replace(DOCUMENT_END, "")  # the last item's
            groups.setdefault((item.kind, inner), []).append(item)
    first, later = {}, set()
    for group in groups.values():
        if len(group) > 1:
            narrowest, *rest = sorted(group, key=lambda i: i.width)
            also = [(i.id, i.width) for i in rest]
            first[narrowest.id] = Item(
                narrowest.id, narrowest.kind, narrowest.width, {**narrowest.payload, "also": also}
            )
            later |= {i.id for i in rest}
    return [first.get(i.id, i) for i in found if i.id not in later]


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
    """(measured item box, its blocks of text) for each item with data-also."""
    from weasyprint.formatting_structure import boxes

    def walk(box):
        element = getattr(box, "element", None)
        if element is not None and element.get("data-also") and box.element_tag == "div":
            blocks = [b for b in box.descendants() if isinstance(b, boxes.BlockBox)]
            yield box, [b for b in blocks if any(isinstance(c, boxes.LineBox) for c in b.children)]
            return
        for child in getattr(box, "children", None) or ():
            yield from walk(child)

    for page in document.pages:
        yield from walk(page._page_box)


def _derive(item, blocks: list, heights: dict, line_pitch: float) -> dict | None:
    name = item.element.get("id")
    if not blocks or name not in heights:
        return None
    if item.element.get("data-also-when") == "loose" and loose_key(name) not in heights:
        return None  # widths the make-up takes only for a loose text (measures.wide_items)
    also = also_widths(item.element.get("data-also"))
    if not _fixed(item):
        return None  # a height that follows the width beyond its lines
    wider = all(width * PT_TO_PX >= item.width for _, width in also)
    if wider and loose_key(name) not in heights and all(map(_broken_by_hand, blocks)):
        return {other: heights[name] for other, _ in also}
    return _derive_paragraphs(item, blocks, also, heights, line_pitch)


def _fixed(item) -> bool:
    """Is nothing in the item as high as the width makes it, but its lines: no picture,
    no vertical margin or padding in % (of the width)?"""
    from weasyprint.formatting_structure import boxes

    sides = ("margin_top", "margin_bottom", "padding_top", "padding_bottom")
    for box in item.descendants():
        if isinstance(box, boxes.ReplacedBox):
            return False
        if any(getattr(box.style[side], "unit", None) == "%" for side in sides):
            return False
    return True


def _broken_by_hand(block) -> bool:
    """Does every line of the block end where the HTML breaks it (<br>, the block's end),
    none justified? A heading the template broke to fit (compose/headings.py): wider,
    with the same HTML, it sets the same lines, so the same height."""
    from weasyprint.formatting_structure import boxes

    lines = [c for c in block.children if isinstance(c, boxes.LineBox)]
    breaks = sum(1 for e in block.element.iter() if str(e.tag).rpartition("}")[2] == "br")
    return len(lines) == breaks + 1 and block.style["text_align_last"] != "justify"


def _derive_paragraphs(item, blocks, also, heights: dict, line_pitch: float) -> dict | None:
    """Paragraphs clreq broke itself, at the other widths by its model (clreq/atwidth):
    each gains or loses lines of its own height; the rest of the item stays."""
    from weasyprint.formatting_structure import boxes

    name = item.element.get("id")
    models = []
    for block in blocks:
        lines = [c for c in block.children if isinstance(c, boxes.LineBox)]
        pitch = lines[0].height
        if any(abs(line.height - pitch) > 0.01 for line in lines):
            return None  # a line of another height: the height is not lines × pitch
        para = atwidth.paragraph_of(block)
        model = atwidth.lines_at(para, block.width) if para is not None else None
        if model is None or [s.text for s in model] != [line_text(line) for line in lines]:
            return None
        models.append((para, model, pitch, item.width - block.width))
    laid = [(s.text, s.gap_em) for _, model, _, _ in models for s in model]
    if (loose_ratios(laid) or None) != heights.get(loose_key(name)):
        return None
    out = {}
    for other, width in also:
        grown, lines = 0.0, []
        for para, model, pitch, around in models:
            at = atwidth.lines_at(para, width * PT_TO_PX - around)
            if at is None:
                return None
            grown += (len(at) - len(model)) * pitch
            lines += [(s.text, s.gap_em) for s in at]
        out[other] = round(heights[name] + grown * PX_TO_PT / line_pitch, 4)
        ratios = loose_ratios(lines)
        if ratios:
            out[loose_key(other)] = ratios
    return out
