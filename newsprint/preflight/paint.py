"""What a PDF page paints, as rectangles on the trimmed page: glyphs, areas, rules.

The page report (preflight/page.py) lays these on the grid. Glyphs are taken as
their em box around the baseline (pdfplumber's top and bottom follow the font's
own ascent, which differs between faces); rectangles come from pdfplumber's
rects, lines, images and filled curves.
"""

from __future__ import annotations

from dataclasses import dataclass

from newsprint.config import PageFormat

EM_ASCENT, EM_DESCENT = 0.88, 0.12  # the CJK em box around a glyph's baseline
ROW_SHARE = 0.25  # of a line pitch: how much of a row a glyph or an area must cover
HEADING = 1.5  # a glyph this many times the body size or more is a heading
# marks whose ink is in the left half of the em: set half width at a line's end (clreq)
LEFT_HALF_MARKS = "，。、：；！？”’」』）》〉】〕"


@dataclass(frozen=True)
class Mark:
    """Something painted, in pt from the trimmed page's top left corner."""

    kind: str  # "text" (running text), "head" (larger text), "area", "rule"
    x0: float
    x1: float
    top: float
    bottom: float
    size: float = 0.0  # a glyph's size


def trim(page) -> tuple[float, float, float, float]:
    """The trim box in PDF user space (bottom-up), the media box where there is none."""
    from pdfminer.pdftypes import resolve1

    box = resolve1(page.page_obj.attrs.get("TrimBox")) or page.page_obj.mediabox
    return tuple(float(resolve1(v)) for v in box)


def glyph_box(char: dict, baseline: float, x0: float) -> Mark:
    """A glyph's em box around its baseline; for a mark whose ink is in the left half of
    the em only that half (a line's end may take in the blank half)."""
    size = char["size"]
    width = char["width"] / 2 if char["text"] in LEFT_HALF_MARKS else char["width"]
    return Mark("text", x0, x0 + width, baseline - EM_ASCENT * size, baseline + EM_DESCENT * size)


def _white(colour) -> bool:
    if not isinstance(colour, (tuple, list)) or not colour:
        return colour in (1, 1.0)
    return all(v == 0 for v in colour) if len(colour) == 4 else all(v == 1 for v in colour)


def _painted(rects: list[dict]) -> list[tuple[float, float, float, float]]:
    """Painted rectangles (x0, top, x1, bottom) from pdfplumber's rects.

    WeasyPrint paints a border as an outer and an inner rectangle filled even-odd,
    which pdfplumber reports as two rects of one colour one inside the other: only
    the ring between them is painted. A stroked rectangle paints its four edges.
    """
    out: list[tuple[float, float, float, float]] = []
    i = 0
    while i < len(rects):
        a = rects[i]
        b = rects[i + 1] if i + 1 < len(rects) else None
        box = (a["x0"], a["top"], a["x1"], a["bottom"])
        if a["fill"] and b is not None and b["fill"] and _nested(a, b):
            if not _white(a.get("non_stroking_color")):
                out += _ring(a, b)
            i += 2
            continue
        if a["fill"] and not _white(a.get("non_stroking_color")):
            out.append(box)
        elif a["stroke"] and not a["fill"] and not _white(a.get("stroking_color")):
            w = max(float(a.get("linewidth") or 0), 0.1) / 2
            x0, top, x1, bottom = box
            out += [(x0, top - w, x1, top + w), (x0, bottom - w, x1, bottom + w)]
        i += 1
    return out


def _nested(a: dict, b: dict) -> bool:
    if a.get("non_stroking_color") != b.get("non_stroking_color"):
        return False

    def inside(p: dict, q: dict) -> bool:
        return all(p[k] >= q[k] - 0.01 for k in ("x0", "top")) and all(
            p[k] <= q[k] + 0.01 for k in ("x1", "bottom")
        )

    return inside(a, b) or inside(b, a)


def _ring(a: dict, b: dict) -> list[tuple[float, float, float, float]]:
    outer, inner = (
        (a, b)
        if a["x1"] - a["x0"] + a["bottom"] - a["top"]
        >= (b["x1"] - b["x0"] + b["bottom"] - b["top"])
        else (b, a)
    )
    x0, top, x1, bottom = outer["x0"], outer["top"], outer["x1"], outer["bottom"]
    strips = [
        (x0, top, x1, inner["top"]),
        (x0, inner["bottom"], x1, bottom),
        (x0, top, inner["x0"], bottom),
        (inner["x1"], top, x1, bottom),
    ]
    return [s for s in strips if s[2] - s[0] > 0.05 and s[3] - s[1] > 0.05]


def marks_of(page, fmt: PageFormat) -> tuple[list[Mark], list[tuple[dict, float, float]]]:
    """Everything painted on a page, and each glyph with its baseline and left edge."""
    tx0, _, _, ty1 = trim(page)
    mx0, _, _, my1 = (float(v) for v in page.page_obj.mediabox)
    dx, dy = mx0 - tx0, ty1 - my1  # pdfplumber's media-box coordinates → trimmed page
    marks, glyphs = [], []
    for char in page.chars:
        if not char["upright"] or not char["text"].strip():
            continue
        size = char["size"]
        baseline = ty1 - char["matrix"][5]
        kind = "head" if size >= HEADING * fmt.body_size_pt else "text"
        top, bottom = baseline - EM_ASCENT * size, baseline + EM_DESCENT * size
        marks.append(Mark(kind, char["x0"] + dx, char["x1"] + dx, top, bottom, size))
        glyphs.append((char, baseline, char["x0"] + dx))
    thin = ROW_SHARE * fmt.line_pitch
    areas = _painted(page.rects) + [
        (line["x0"], line["top"] - 0.05, line["x1"], line["bottom"] + 0.05) for line in page.lines
    ]
    areas += [(im["x0"], im["top"], im["x1"], im["bottom"]) for im in page.images]
    areas += [  # filled shapes (bullets, rounded boxes) by their bounding box
        (c["x0"], c["top"], c["x1"], c["bottom"])
        for c in page.curves
        if c["fill"] and not _white(c.get("non_stroking_color"))
    ]
    for x0, top, x1, bottom in areas:
        kind = "rule" if bottom - top < thin else "area"
        marks.append(Mark(kind, x0 + dx, x1 + dx, top + dy, bottom + dy))
    return marks, glyphs
