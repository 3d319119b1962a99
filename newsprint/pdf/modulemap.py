"""The make-up's module map, kept in each page of our PDFs as private page data.

A PDF alone does not say where its modules are, yet the page report
(preflight/modules.py) must know them to tell whether each is a rectangle on
whole lines. ISO 32000 §14.5 gives a producer a place for its own data that
PDF/X-4 and PDF/A allow: the page's /PieceInfo dictionary, under the producer's
name, with a /LastModified date (the edition's, so output stays reproducible):

    /PieceInfo << /Newsprint << /LastModified (D:…) /Private <<
        /Format (duikai) /Modules [ [ (kind) col line cols lines ] … ] >> >> >>

Columns and lines count from 0 on the format's grid, as compose/makeup.py places them.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pikepdf
from pikepdf import Array, Dictionary

APP = "/Newsprint"


@dataclass(frozen=True)
class MapModule:
    """One module's rectangle in grid columns and lines (numbers as the file has them:
    a map someone else wrote may hold fractions)."""

    kind: str
    col: float
    line: float
    cols: float
    lines: float


@dataclass(frozen=True)
class ModuleMap:
    format: str  # newsprint.toml's name of the page format the grid is from
    modules: tuple[MapModule, ...]


def write_module_map(page: pikepdf.Page, module_map: ModuleMap, last_modified: str) -> None:
    """Put the map in the page's /PieceInfo (`last_modified`: a PDF date string)."""
    modules = Array(
        [
            Array([pikepdf.String(m.kind), m.col, m.line, m.cols, m.lines])
            for m in module_map.modules
        ]
    )
    private = Dictionary(Format=pikepdf.String(module_map.format), Modules=modules)
    data = Dictionary(LastModified=pikepdf.String(last_modified), Private=private)
    pieces = page.obj.get("/PieceInfo", Dictionary())
    pieces[APP] = data
    page.obj.PieceInfo = pieces


def module_map_of(page: pikepdf.Page) -> ModuleMap | None:
    """The page's map, or None when the page has none (a PDF that is not ours)."""
    data = page.obj.get("/PieceInfo", Dictionary()).get(APP)
    private = data.get("/Private") if isinstance(data, Dictionary) else None
    if not isinstance(private, Dictionary) or "/Modules" not in private:
        return None
    modules = tuple(
        MapModule(str(entry[0]), *(_number(v) for v in list(entry)[1:5]))
        for entry in private.Modules
    )
    return ModuleMap(str(private.get("/Format", "")), modules)


def _number(value) -> float:
    """An int when whole (as we write them), else the fraction the file holds."""
    number = float(value)
    return int(number) if number.is_integer() else number


def read_module_maps(path: Path | str) -> list[ModuleMap | None]:
    """Each page's map, in page order."""
    with pikepdf.open(path) as pdf:
        return [module_map_of(page) for page in pdf.pages]
