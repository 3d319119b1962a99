"""Page make-up: the story's modules placed on each page's grid, or the desk told why not.

    measure   each module at each width it may take (typeset/modules.py, done by the
              caller: this stage never lays out text itself)
    atoms     what each module can be, with the levers' costs (compose/atoms.py)
    solve     a tiling of every page, in reading order (compose/solve.py, tiler.py)
    diagnose  when none exists: how many lines to cut or add, and where

The result is a plain value (`Makeup`) that the templates place absolutely.
"""

from __future__ import annotations

from dataclasses import dataclass

from newsprint.compose import ids
from newsprint.compose import measures as m
from newsprint.compose.atoms import build_atoms, design_photo_lines
from newsprint.compose.solve import Solution, rebuilt, solve, structure
from newsprint.compose.tiler import Placed
from newsprint.config import MakeupSettings, PageFormat
from newsprint.story.edition import Edition, PageSlot
from newsprint.story.model import Section, Story


@dataclass(frozen=True)
class Piece:
    """A paragraph, or the part of it a text module holds (cut at a measured line)."""

    text: str
    line: int  # the copy's line
    continued: bool  # starts mid-paragraph: no indent
    runs_on: bool  # ends mid-paragraph: its last line is justified like the others


@dataclass(frozen=True)
class Module:
    """One placed module, as the templates read it."""

    id: str
    kind: str
    col: int
    line: int
    cols: int
    lines: int
    placed: Placed
    pieces: tuple[Piece, ...] = ()
    heading: bool = False  # a text module that starts its section: the heading goes first

    @property
    def choice(self):
        return self.placed.choice

    @property
    def atom(self):
        return self.placed.atom


@dataclass(frozen=True)
class PageMakeup:
    index: int
    slot: PageSlot
    side: str
    modules: tuple[Module, ...]

    @property
    def id(self) -> str:
        return ids.page(self.index)

    @property
    def photo(self) -> bool:
        return any(mod.kind == "photo" for mod in self.modules)

    @property
    def has_copy(self) -> bool:
        return any(mod.kind in ("head", "text", "testimony", "note") for mod in self.modules)


@dataclass(frozen=True)
class Makeup:
    pages: tuple[PageMakeup, ...]
    cost: float = 0.0
    levers: tuple[str, ...] = ()  # what the copyfit used, for the desk: "photo 31 lines"
    format: str = ""  # the page format's name (newsprint.toml) whose grid the modules are on


def section_lines(sec: Section, heights: dict) -> list[tuple[int, list[int]]]:
    """(first line in the section's text, line starts) of each paragraph."""
    out, at = [], 0
    for p in sec.paragraphs:
        starts = heights.get(f"starts:{m.paragraph_id(p)}") or [0]
        out.append((at, starts))
        at += len(starts)
    return out


def pieces(sec: Section, heights: dict, first: int, last: int) -> tuple[Piece, ...]:
    """The section's text lines [first, last) as paragraph pieces."""
    out = []
    for p, (at, starts) in zip(sec.paragraphs, section_lines(sec, heights), strict=True):
        lo, hi = max(first, at), min(last, at + len(starts))
        if lo >= hi:
            continue
        begin = starts[lo - at]
        end = starts[hi - at] if hi - at < len(starts) else len(p.text)
        out.append(Piece(p.text[begin:end], p.line, lo > at, hi < at + len(starts)))
    return tuple(out)


def module_of(placed: Placed, heights: dict, n: int) -> Module:
    atom = placed.atom
    kind = atom.kind
    if kind in ("section", "text"):
        first = placed.run[0].first_line
        last = placed.run[-1].first_line + placed.run[-1].text_lines
        return Module(
            ids.module(n),
            "text",
            placed.col,
            placed.line,
            placed.cols,
            placed.lines,
            placed,
            pieces(atom.section, heights, first, last),
            kind == "section",
        )
    return Module(ids.module(n), kind, placed.col, placed.line, placed.cols, placed.lines, placed)


def levers_used(
    solution: Solution, design_photo: int, numbers: list[int], bounds: MakeupSettings
) -> tuple[str, ...]:
    """The copyfit's departures from the design, in words for the desk, page by page."""
    used = []
    for number, page in zip(numbers, solution.pages, strict=True):
        used += _box_levers(f"第{number:02d}版", page, design_photo, bounds)
        used += _page_totals(f"第{number:02d}版", page, bounds)
    return tuple(used)


def _box_levers(where: str, page, design_photo: int, bounds: MakeupSettings) -> list[str]:
    """The head blocks', the photo's and the data box's levers, each in words."""
    used = []
    for p in page:
        c, kind, name = p.choice, p.atom.kind, p.atom.name
        if kind == "head" and c.air:
            used.append(f"{where} {c.air} lines of air in {name}")
        elif kind == "photo" and c.frame != design_photo:
            used.append(f"{where} the photo frame {c.frame} lines (designed {design_photo})")
        elif kind == "databox":
            if c.size != bounds.databox_sizes[0]:
                used.append(f"{where} the data box in {c.size}")
            if c.row_air:
                used.append(f"{where} the data box rows {c.row_air} lines further apart")
    return used


def _page_totals(where: str, page, bounds: MakeupSettings) -> list[str]:
    """The levers that move many modules a little, summed over the page."""
    testimonies = [p for p in page if p.atom.kind == "testimony"]
    totals = (
        (
            sum(p.choice.air for p in page if p.atom.kind == "section"),
            "lines of air under section headings",
        ),
        (sum(p.choice.air + p.choice.pad for p in testimonies), "lines of air in testimony boxes"),
        (
            sum(p.choice.size != bounds.testimony_sizes[0] for p in testimonies),
            "testimony box(es) a size smaller",
        ),
        (  # its text in one column across the box
            sum(p.cols > 1 and p.choice.inner == 1 for p in testimonies),
            "testimony box(es) in one column across",
        ),
        # no setting the bounds allow sets them clean at a cost the page bears
        (sum(p.choice.loose for p in page), "loose line(s) left in boxes"),
    )
    return [f"{where} {count} {what}" for count, what in totals if count]


def make_up(
    story: Story,
    edition: Edition,
    fmt: PageFormat,
    bounds: MakeupSettings,
    heights: dict,
    photo_aspect: float | None,
    gap: int,
    kept: tuple | None = None,
    each=None,
) -> tuple[Makeup | None, list, tuple | None]:
    """(the make-up, the atoms, its structure for a cache); the make-up None when the copy
    cannot fill the pages. `kept`: a structure an earlier run found for these measurements;
    `each`: a map that may run the solver's second half in a forked child (solve.solve)."""
    atoms, floats = build_atoms(story, fmt, heights, bounds, photo_aspect)
    solution = rebuilt(kept, atoms + floats) if kept else None
    if solution is None:
        solution = solve(atoms, floats, len(edition.pages), fmt.columns, fmt.lines, gap, each)
    if solution is None:
        return None, atoms + floats, None
    numbers = [s.number for s in edition.pages]
    levers = levers_used(solution, design_photo_lines(), numbers, bounds)
    makeup = placed_makeup(solution.pages, edition, heights, fmt.name, solution.cost, levers)
    return makeup, atoms + floats, structure(solution)


def placed_makeup(
    pages: tuple,
    edition: Edition,
    heights: dict,
    format_name: str,
    cost: float = 0.0,
    levers: tuple[str, ...] = (),
) -> Makeup:
    """The templates' view of placed modules, page by page (a solution, or the nearest
    make-up of a story that does not fit, for its FAILED proof)."""
    out, n = [], 0
    for index, (slot, placed) in enumerate(zip(edition.pages, pages, strict=True)):
        modules = []
        for p in placed:
            modules.append(module_of(p, heights, n))
            n += 1
        side = "left" if slot.number % 2 == 0 else "right"
        out.append(PageMakeup(index, slot, side, tuple(modules)))
    return Makeup(tuple(out), cost, levers, format_name)
