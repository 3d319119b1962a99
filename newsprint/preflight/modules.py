"""Is each module a rectangle on whole lines? The page report's check of the module map.

Issue 10 (page make-up) wants every module a rectangle of whole grid columns and
lines, the modules and the module gaps between them covering the type area, and
each module filled to its foot. Where the modules are is not in the paint: our
PDFs keep the make-up's module map in each page (pdf/modulemap.py). The map is
checked on its own (whole numbers, inside the type area, no overlaps, the type
area covered), then against the paint the page report reads (preflight/paint.py):
no glyph outside every module, and each module's content down to its last line
or the one above it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from newsprint.pdf.modulemap import MapModule, ModuleMap
from newsprint.preflight.paint import Mark, glyph_box

if TYPE_CHECKING:
    from newsprint.preflight.page import Grid

EDGE = 0.5  # pt: how far a glyph's em box may poke out of its module
FOOT_SLACK = 1  # empty lines a module may leave at its foot (a paragraph's last line)


@dataclass
class ModuleCheck:
    """One module of the map, in grid columns and lines counted from 1 for people."""

    page: int
    kind: str
    first_column: float
    last_column: float
    first_line: float
    last_line: float
    content_last_line: int | None = None  # the lowest line its paint fills; None: no paint
    faults: list[str] = field(default_factory=list)

    @property
    def rectangle(self) -> bool:
        return not self.faults


@dataclass
class MapFault:
    """A breach of the page's map as a whole: lines in no module, text in none."""

    page: int
    text: str


@dataclass
class PageModules:
    modules: list[ModuleCheck] = field(default_factory=list)
    faults: list[MapFault] = field(default_factory=list)


def _span(first: float, count: float) -> tuple[float, float]:
    return first + 1, first + count


def where(first_column, last_column, first_line, last_line) -> str:
    """'columns 1–4, lines 20–103' (1-based, both included), 'column 6' for one."""
    columns = (
        f"column {first_column:g}"
        if first_column == last_column
        else f"columns {first_column:g}–{last_column:g}"
    )
    return f"{columns}, lines {first_line:g}–{last_line:g}"


def _name(n: int, m: MapModule) -> str:
    return f"module {n} ({m.kind}, {where(*_span(m.col, m.cols), *_span(m.line, m.lines))})"


def _whole(m: MapModule) -> bool:
    return all(float(v).is_integer() for v in (m.col, m.line, m.cols, m.lines))


def _inside(m: MapModule, columns: int, lines: int) -> bool:
    return (
        m.col >= 0
        and m.line >= 0
        and m.cols >= 1
        and m.lines >= 1
        and m.col + m.cols <= columns
        and m.line + m.lines <= lines
    )


def _overlap(a: MapModule, b: MapModule) -> bool:
    return min(a.col + a.cols, b.col + b.cols) > max(a.col, b.col) and min(
        a.line + a.lines, b.line + b.lines
    ) > max(a.line, b.line)


def uncovered(modules: tuple[MapModule, ...], columns: int, lines: int, gap: int) -> list[str]:
    """Stretches of the type area in no module that are not a module gap: at a
    column's head or foot, or more than `gap` lines between two modules; neighbouring
    columns with the same stretch are named together."""
    found: dict[tuple[float, float, str], list[int]] = {}
    for k in range(columns):
        spans = sorted(
            (m.line, m.line + m.lines) for m in modules if m.col < k + 1 and m.col + m.cols > k
        )
        at = 0.0
        for n, (start, end) in enumerate([*spans, (float(lines), float(lines))]):
            empty = start - at
            if empty > 0 and (n == 0 or n == len(spans) or empty > gap):
                place = "at its head" if n == 0 else "at its foot" if n == len(spans) else ""
                found.setdefault((at, start, place), []).append(k + 1)
            at = max(at, end)
    out = []
    for (at, start, place), ks in sorted(found.items(), key=lambda item: item[1][0]):
        for run in _runs(ks):
            columns = f"column {run[0]}" if len(run) == 1 else f"columns {run[0]}–{run[-1]}"
            where = place or f"under line {at:g}"
            out.append(f"{columns}: {start - at:g} line(s) in no module {where} (the gap is {gap})")
    return out


def _runs(numbers: list[int]) -> list[list[int]]:
    """[1, 2, 3, 6, 7] → [[1, 2, 3], [6, 7]]"""
    runs: list[list[int]] = []
    for n in numbers:
        if runs and n == runs[-1][-1] + 1:
            runs[-1].append(n)
        else:
            runs.append([n])
    return runs


def box_of(m: MapModule, grid: Grid) -> tuple[float, float, float, float]:
    """The module's rectangle on the page (x0, top, x1, bottom in pt): its columns
    without the gutter on the right, its lines at the grid's pitch."""
    pitch = grid.fmt.line_pitch
    x0 = grid.left + m.col * grid.step
    top = grid.top + m.line * pitch
    return x0, top, x0 + m.cols * grid.step - grid.fmt.gutter, top + m.lines * pitch


def _within(mark: Mark, box, edge: float) -> bool:
    x0, top, x1, bottom = box
    return (
        mark.x0 >= x0 - edge
        and mark.x1 <= x1 + edge
        and mark.top >= top - edge
        and mark.bottom <= bottom + edge
    )


def _centre_in(mark: Mark, box) -> bool:
    x0, top, x1, bottom = box
    return x0 <= (mark.x0 + mark.x1) / 2 <= x1 and top <= (mark.top + mark.bottom) / 2 <= bottom


def check_page(
    module_map: ModuleMap, number: int, marks: list[Mark], glyphs, grid: Grid, gap: int
) -> PageModules:
    """Every check of one page's map; `marks` and `glyphs`: what the page paints
    (paint.marks_of)."""
    fmt = grid.fmt
    out = PageModules()
    if module_map.format != fmt.name:
        out.faults.append(
            MapFault(number, f"the map is for {module_map.format!r}, the page is {fmt.name}")
        )
    modules = module_map.modules
    boxes = [box_of(m, grid) for m in modules]
    for n, (m, box) in enumerate(zip(modules, boxes, strict=True), 1):
        cols, lines = _span(m.col, m.cols), _span(m.line, m.lines)
        check = ModuleCheck(number, m.kind, *cols, *lines)
        if not _whole(m):
            check.faults.append("not on whole columns and lines")
        if not _inside(m, fmt.columns, fmt.lines):
            check.faults.append(f"outside the type area ({fmt.columns} columns, {fmt.lines} lines)")
        check.faults += [
            f"overlaps {_name(o, other)}"
            for o, other in enumerate(modules, 1)
            if o != n and _overlap(m, other)
        ]
        _filled(check, m, box, marks, grid)
        out.modules.append(check)
    out.faults += [
        MapFault(number, text) for text in uncovered(modules, fmt.columns, fmt.lines, gap)
    ]
    out.faults += _text_outside(glyphs, boxes, grid, number)
    return out


def _filled(check: ModuleCheck, m: MapModule, box, marks: list[Mark], grid: Grid) -> None:
    """The lowest line the module's paint fills; "not filled" when that is more than
    FOOT_SLACK lines above its foot."""
    rows = [r for mark in marks if _centre_in(mark, box) for r in grid.rows_of(mark)]
    foot = m.line + m.lines - 1  # 0-based
    rows = [r for r in rows if m.line <= r <= foot]
    if not rows:
        check.faults.append("empty: nothing is painted in it")
        return
    check.content_last_line = max(rows) + 1
    short = foot - max(rows)
    if short > FOOT_SLACK:
        check.faults.append(
            f"not filled: its content ends on line {max(rows) + 1}, {short:g} lines above its foot"
        )


def _text_outside(glyphs, boxes, grid: Grid, number: int) -> list[MapFault]:
    """Glyphs on the type area in no module's rectangle (em box, EDGE of slack), one
    fault per baseline."""
    lines: dict[float, list[tuple[float, str]]] = {}
    for char, baseline, x0 in glyphs:
        mark = glyph_box(char, baseline, x0)
        on_type_area = _centre_in(mark, (grid.left, grid.top, grid.right, grid.bottom))
        if not on_type_area or any(_within(mark, box, EDGE) for box in boxes):
            continue  # off the type area is the page report's (strays, the running head)
        lines.setdefault(round(baseline, 1), []).append((x0, char["text"]))
    pitch = grid.fmt.line_pitch
    return [
        MapFault(
            number,
            f"text in no module on line {int((baseline - grid.top) // pitch) + 1}: "
            + repr("".join(t for _, t in sorted(chars))[:30]),
        )
        for baseline, chars in sorted(lines.items())
    ]
