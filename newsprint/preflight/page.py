"""Page report: measure a print PDF's make-up on the page format's grid.

Issue 10 (page make-up) wants every module a rectangle on the grid and every
column foot flush with the type area's last line. This module measures that on
any PDF, from what is painted: glyphs (pdfplumber, each taken as its em box around
the baseline), filled areas (box backgrounds, pictures) and rules. Each grid
column is cut into the format's lines (rows of one line pitch from the type
area's top); a row is filled where something covers enough of it. The report
gives per column the lowest text baseline, the empty lines under the column's
last filled row (foot gap), the empty stretches between filled rows (holes), and
text outside the type area other than the running head above it. Where the page
keeps the make-up's module map, it also checks that each module is a rectangle
on whole lines, filled to its foot (preflight/modules.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import pairwise

from newsprint.config import PT_PER_MM, Config, PageFormat, load_config
from newsprint.errors import UserError
from newsprint.pdf.modulemap import ModuleMap, read_module_maps
from newsprint.preflight.modules import MapFault, ModuleCheck, check_page, where
from newsprint.preflight.paint import ROW_SHARE, Mark, glyph_box, marks_of, trim

SPREAD = 0.25  # of a column's width: how much of a column an area or rule must cover
EDGE = 0.5  # pt: how far a glyph may poke out of the type area
HEADLINE = 3.0  # a glyph this many times the body size is a headline's (section numbers: 2.4)
FULL_WIDTH = 0.9  # of the type area's width: a rule this long closes a module


@dataclass
class Column:
    page: int
    column: int  # 1-based, from the left of the type area
    foot: float | None  # lowest text baseline, pt from the page's top; None: no text
    text_gap: int  # empty lines under the column's last line of text
    foot_gap: int  # empty lines under its last filled row (text, box or picture)


@dataclass
class Hole:
    page: int
    column: int
    first: int  # grid lines, 1-based, both empty
    last: int
    kind: str  # "hole" (between text) or "module gap" (next to a heading, box or rule)

    @property
    def lines(self) -> int:
        return self.last - self.first + 1


@dataclass
class Stray:
    page: int
    text: str
    baseline: float
    x0: float


@dataclass
class PageReport:
    path: str
    format: str
    lines: int  # lines in the type area
    limits: dict[str, int]
    columns: list[Column] = field(default_factory=list)
    holes: list[Hole] = field(default_factory=list)
    outside: list[Stray] = field(default_factory=list)
    modules: list[ModuleCheck] = field(default_factory=list)  # pages with a module map
    map_faults: list[MapFault] = field(default_factory=list)
    unmapped: list[int] = field(default_factory=list)  # pages without one: not checked

    @property
    def worst_foot_gap(self) -> int:
        return max((c.foot_gap for c in self.columns), default=0)

    @property
    def breaches(self) -> int:
        """Faults of the module maps: each module's, and the pages' (lines or text in
        no module)."""
        return sum(len(m.faults) for m in self.modules) + len(self.map_faults)

    @property
    def ok(self) -> bool:
        return (
            self.worst_foot_gap <= self.limits["max_foot_gap_lines"]
            and not self.holes
            and not self.outside
            and not self.breaches
        )


def format_for(width: float, height: float, config: Config) -> PageFormat:
    """The page format whose trimmed size this is (within a millimetre)."""
    for fmt in config.formats.values():
        if abs(fmt.page_width - width) < PT_PER_MM and abs(fmt.page_height - height) < PT_PER_MM:
            return fmt
    known = ", ".join(
        f"{f.name} {f.page_width_mm:g}×{f.page_height_mm:g}" for f in config.formats.values()
    )
    raise UserError(
        f"page size {width / PT_PER_MM:.1f}×{height / PT_PER_MM:.1f} mm is no format in "
        f"newsprint.toml ({known}); the grid is unknown"
    )


def _side(glyphs, fmt: PageFormat) -> str:
    """Left or right page: the side whose column edges more text lines start on."""

    def score(side: str) -> int:
        left = fmt.margins(side)[3]
        edges = [left + k * (fmt.column_width + fmt.gutter) for k in range(fmt.columns)]
        return sum(1 for _, _, x0 in glyphs if any(abs(x0 - e) < 0.3 for e in edges))

    return "left" if score("left") > score("right") else "right"


class Grid:
    """The type area of one page: its columns and its rows of one line pitch."""

    def __init__(self, fmt: PageFormat, side: str):
        self.fmt = fmt
        self.top, _, _, self.left = fmt.margins(side)
        self.right = self.left + fmt.type_width
        self.bottom = self.top + fmt.type_height
        self.step = fmt.column_width + fmt.gutter

    def columns_of(self, mark: Mark) -> list[int]:
        """Columns a mark fills: a glyph the one its middle is nearest, an area or
        rule each it covers a quarter of."""
        if mark.kind in ("text", "head"):
            middle = (mark.x0 + mark.x1) / 2 - self.left
            k = min(range(self.fmt.columns), key=lambda i: self._distance(middle, i))
            return [k]
        need = SPREAD * self.fmt.column_width
        return [
            k
            for k in range(self.fmt.columns)
            if min(mark.x1, self.left + k * self.step + self.fmt.column_width)
            - max(mark.x0, self.left + k * self.step)
            > need
        ]

    def _distance(self, x: float, k: int) -> float:
        start = k * self.step
        return max(start - x, 0.0, x - start - self.fmt.column_width)

    def rows_of(self, mark: Mark) -> range:
        """Rows (0-based) a mark fills: a rule any it touches, others those it covers
        a quarter of."""
        pitch = self.fmt.line_pitch
        need = 0.05 if mark.kind == "rule" else ROW_SHARE * pitch
        first = max(0, int((mark.top - self.top) // pitch))
        last = min(self.fmt.lines - 1, int((mark.bottom - self.top) // pitch))
        rows = [
            r
            for r in range(first, last + 1)
            if min(mark.bottom, self.top + (r + 1) * pitch) - max(mark.top, self.top + r * pitch)
            > need
        ]
        return range(rows[0], rows[-1] + 1) if rows else range(0)

    def outside(self, mark: Mark) -> bool:
        """Off the type area, other than in the running head's band above it."""
        head_top = self.top - self.fmt.head_height_mm * PT_PER_MM
        above_in_head = mark.top >= head_top - EDGE and mark.bottom <= self.top + EDGE
        return not above_in_head and (
            mark.x0 < self.left - EDGE
            or mark.x1 > self.right + EDGE
            or mark.top < self.top - EDGE
            or mark.bottom > self.bottom + EDGE
        )


def _measure_page(
    page, number: int, fmt: PageFormat, report: PageReport, limits, module_map: ModuleMap | None
) -> None:
    marks, glyphs = marks_of(page, fmt)
    grid = Grid(fmt, _side(glyphs, fmt))
    if module_map is None:
        report.unmapped.append(number)
    else:
        checked = check_page(module_map, number, marks, glyphs, grid, limits["module_gap_lines"])
        report.modules += checked.modules
        report.map_faults += checked.faults
    filled: list[dict[int, set[str]]] = [{} for _ in range(fmt.columns)]
    feet: list[float | None] = [None] * fmt.columns
    for mark in marks:
        rows = grid.rows_of(mark)
        for k in grid.columns_of(mark):
            for r in rows:
                filled[k].setdefault(r, set()).add(mark.kind)
    _captions(marks, grid, filled)
    for char, baseline, x0 in glyphs:
        mark = Mark("text", x0, x0 + char["width"], baseline - 1, baseline)
        if grid.top - EDGE <= baseline <= grid.bottom + EDGE:
            k = grid.columns_of(mark)[0]
            feet[k] = baseline if feet[k] is None else max(feet[k], baseline)
    report.outside += _strays(glyphs, grid, fmt, number)
    bands = _headline_bands(marks, grid)
    for k, rows in enumerate(filled):
        text_rows = [r for r, kinds in rows.items() if kinds & {"text", "head"}]
        report.columns.append(
            Column(
                number,
                k + 1,
                feet[k],
                fmt.lines - 1 - max(text_rows, default=-1),
                fmt.lines - 1 - max(rows, default=-1),
            )
        )
        report.holes += _holes(rows, number, k + 1, limits, bands)


def _captions(marks: list[Mark], grid: Grid, filled: list[dict[int, set[str]]]) -> None:
    """A caption is the line right under its picture: it fills that line across the
    picture's columns, however short its text."""
    for mark in marks:
        rows = grid.rows_of(mark)
        if mark.kind != "area" or not rows:
            continue
        under = rows[-1] + 1
        cols = grid.columns_of(mark)
        if any("text" in filled[k].get(under, ()) for k in cols):
            for k in cols:
                filled[k].setdefault(under, set()).add("caption")


def _headline_bands(marks: list[Mark], grid: Grid) -> list[range]:
    """Rows of headline modules: from the rule across the type area above a headline
    (or the type area's top) to the one under it. The air in them is the headline's."""
    fmt = grid.fmt
    rules = sorted(
        {
            r
            for m in marks
            if m.kind == "rule" and m.x1 - m.x0 >= FULL_WIDTH * fmt.type_width
            for r in grid.rows_of(m)
        }
    )
    heads = {r for m in marks if m.size >= HEADLINE * fmt.body_size_pt for r in grid.rows_of(m)}
    bands = set()
    for row in heads:
        below = [r for r in rules if r >= row]
        if below:
            bands.add(range(max([r for r in rules if r < row], default=0), below[0] + 1))
    return sorted(bands, key=lambda band: band.start)


def _holes(rows: dict[int, set[str]], page: int, column: int, limits, bands) -> list[Hole]:
    """Empty stretches between filled rows longer than the limits allow."""
    holes = []
    for a, b in pairwise(sorted(rows)):
        empty = b - a - 1
        if not empty or any(a in band and b in band for band in bands):
            continue
        between_text = rows[a] == {"text"} and rows[b] == {"text"}
        kind = "hole" if between_text else "module gap"
        limit = limits["max_hole_lines"] if between_text else limits["module_gap_lines"]
        if empty > limit:
            holes.append(Hole(page, column, a + 2, b, kind))
    return holes


def _strays(glyphs, grid: Grid, fmt: PageFormat, number: int) -> list[Stray]:
    """Text off the type area, one entry per baseline."""
    lines: dict[float, list[tuple[float, str]]] = {}
    for char, baseline, x0 in glyphs:
        if grid.outside(glyph_box(char, baseline, x0)):
            lines.setdefault(round(baseline, 1), []).append((x0, char["text"]))
    return [
        Stray(number, "".join(t for _, t in sorted(chars)), baseline, min(chars)[0])
        for baseline, chars in sorted(lines.items())
    ]


def measure_page_report(pdf_path, format_name: str | None = None) -> PageReport:
    """Measure every page of a PDF on its format's grid (found from the page size)."""
    import pdfplumber

    config = load_config()
    limits = {
        "module_gap_lines": config.module_gap_lines,
        "max_hole_lines": config.max_hole_lines,
        "max_foot_gap_lines": config.max_foot_gap_lines,
    }
    report = None
    maps = read_module_maps(pdf_path)
    with pdfplumber.open(pdf_path) as pdf:
        for number, page in enumerate(pdf.pages, 1):
            x0, y0, x1, y1 = trim(page)
            if format_name:
                fmt = config.page_format(format_name)
            else:
                try:
                    fmt = format_for(x1 - x0, y1 - y0, config)
                except UserError as exc:
                    raise UserError(f"{pdf_path}: page {number}: {exc}") from None
            if report is None:
                report = PageReport(str(pdf_path), fmt.name, fmt.lines, limits)
            _measure_page(page, number, fmt, report, limits, maps[number - 1])
            page.close()
    if report is None:
        raise UserError(f"{pdf_path}: the PDF has no pages")
    return report


def format_page_report(report: PageReport) -> str:
    """The report for people: one row per page and column, then holes and strays."""
    limits = report.limits
    mark = "ok  " if report.ok else "FAIL"
    rows = [
        f"page make-up ({report.format}, {report.lines} lines): {mark}",
        f"  worst foot gap {report.worst_foot_gap} line(s) (limit "
        f"{limits['max_foot_gap_lines']}); holes {len(report.holes)} (limits: "
        f"{limits['max_hole_lines']} between text, {limits['module_gap_lines']} beside a "
        f"module); text outside the type area {len(report.outside)}",
    ]
    for page in sorted({c.page for c in report.columns}):
        columns = [c for c in report.columns if c.page == page]
        gaps = " ".join(f"{c.foot_gap:>3}" for c in columns)
        text = " ".join(f"{c.text_gap:>3}" for c in columns)
        rows.append(f"  p{page} foot gap by column: {gaps}   (under the text: {text})")
    rows += [
        f"    p{h.page} column {h.column}: lines {h.first}–{h.last} empty "
        f"({h.lines} lines, {h.kind})"
        for h in report.holes
    ]
    rows += [
        f"    p{s.page} outside the type area: {s.text[:30]!r} at {s.baseline:.1f} pt"
        for s in report.outside
    ]
    return "\n".join(rows + _module_rows(report))


def _module_rows(report: PageReport) -> list[str]:
    """The module maps' part of the report: a line per module, then the pages' faults."""
    if not report.modules and not report.map_faults:
        return ["  no module map: rectangles not checked"]
    rows = [
        f"  modules: {len(report.modules)} on the module map(s), {report.breaches} breach(es)"
        + (
            f"; no module map on page(s) {', '.join(map(str, report.unmapped))}"
            if report.unmapped
            else ""
        )
    ]
    for m in report.modules:
        place = where(m.first_column, m.last_column, m.first_line, m.last_line)
        verdict = "; ".join(m.faults) if m.faults else "a rectangle, filled"
        rows.append(f"    p{m.page} {m.kind:<9} {place}: {verdict}")
    rows += [f"    p{f.page} {f.text}" for f in report.map_faults]
    return rows
