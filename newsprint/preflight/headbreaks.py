"""Heading breaks read off the PDF: a heading of two or more lines in the headline face
must break between words (rjieba's, as compose.headings chose them) or before a
parenthesis, never inside a name (a speaker's, or an organisation's in parentheses),
and must not end on a line of one or two characters.

A heading is a run of lines in a sans face of one size, a line pitch or so apart and
overlapping horizontally; a paragraph of sans text (a caption) is left out because
its lines but the last end on one right edge and the last falls short, which a
heading's (centred, ragged, or right-aligned with every line) do not.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from newsprint.compose.headings import NAME_COST, units
from newsprint.hanzi import is_body

SANS = "Sans"
MAX_LINES = 6


@dataclass
class Headings:
    headings: int = 0  # of two or more lines
    inside_phrase: int = 0  # breaks not at a word boundary
    short_last: int = 0  # last lines of 1–2 characters
    places: list[tuple[str, int, str, str]] = field(default_factory=list)

    def note(self, kind: str, page: int, text: str, detail: str) -> None:
        if len(self.places) < 10:
            self.places.append((kind, page, text, detail))


def _sans(line) -> bool:
    return SANS in line.chars[0]["fontname"]


def _x1(line) -> float:
    return line.chars[-1]["x1"]


def _groups(lines) -> list[list]:
    """Sans lines chained to the line above of the same size that overlaps them."""
    groups: list[list] = []
    open_groups: list[list] = []
    for line in sorted((ln for ln in lines if _sans(ln)), key=lambda ln: ln.baseline):
        home = None
        for group in open_groups:
            last = group[-1]
            step = line.baseline - last.baseline
            if (
                abs(last.size - line.size) < 0.05
                and 0.9 * line.size <= step <= 2.3 * line.size
                and line.x0 < _x1(last)
                and last.x0 < _x1(line)
            ):
                home = group
                break
        if home is None:
            home = []
            groups.append(home)
            open_groups.append(home)
        home.append(line)
        open_groups[:] = [
            g for g in open_groups if line.baseline - g[-1].baseline <= 3 * g[-1].size
        ]
    return groups


def _paragraph(group) -> bool:
    """A justified paragraph: its lines but the last reach one right edge, and the last
    falls short of it or the lines after the first share a left edge (a right-aligned
    speaker line reaches the edge with every line, from left edges that differ)."""
    edge = max(_x1(line) for line in group[:-1])
    if any(edge - _x1(line) > 0.3 for line in group[:-1]):
        return False
    lefts = [line.x0 for line in group[1:]]
    aligned = len(group) > 2 and max(lefts) - min(lefts) < 0.3
    return aligned or edge - _x1(group[-1]) > 0.5 * group[-1].size


def _headings(lines) -> list[list]:
    return [g for g in _groups(lines) if 2 <= len(g) <= MAX_LINES and not _paragraph(g)]


def heading_lines(lines) -> frozenset[int]:
    """ids of the lines that belong to a multi-line heading."""
    return frozenset(id(line) for group in _headings(lines) for line in group)


def measure_headings(lines, figures: Headings, page: int) -> None:
    """Add the page's multi-line headings and their faulty breaks to `figures`."""
    for group in _headings(lines):
        texts = [line.text.strip() for line in group]
        whole = "".join(texts)
        figures.headings += 1
        starts = {u.start for u in units(whole) if u.cost < NAME_COST}
        pos = 0
        for before, after in zip(texts, texts[1:], strict=False):
            pos += len(before)
            if pos not in starts and after[:1] != "（":
                figures.inside_phrase += 1
                figures.note("heading breaks inside a word", page, whole, f"{before}/{after}")
        if sum(map(is_body, texts[-1])) < 3:
            figures.short_last += 1
            figures.note("heading ends on a short line", page, whole, "/".join(texts))


def format_headings(figures: Headings, mark: str) -> list[str]:
    return [
        f"  {mark} headings of 2+ lines: {figures.headings}, "
        f"breaking inside a word {figures.inside_phrase}, short last line {figures.short_last}"
    ]
