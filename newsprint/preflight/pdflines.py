"""Lines rebuilt from a PDF page's glyphs: the typography report's raw material.

glyphs.py gives each glyph's box; glyphs on one baseline are split into column
segments at gutters (`lines_of_page`) and chained into columns (`columns`: lines a
pitch apart whose left edges agree, or differ by a first-line indent).
"""

from __future__ import annotations

import statistics
from collections import Counter
from dataclasses import dataclass
from itertools import pairwise

from newsprint.hanzi import CLOSING, OPENING, is_cjk, is_han

SPACES = frozenset(
    " \u00a0\u3000\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008"
    "\u2009\u200a\u200b\u202f\u205f"
)
TOLERANCE = 0.3  # pt, for flush edges
GUTTER = 0.9  # em: a wider gap on a baseline separates two columns


@dataclass
class Line:
    page: int
    baseline: float
    size: float
    chars: list[dict]
    indented: bool = False

    @property
    def text(self) -> str:
        return "".join(c["text"] for c in self.chars)

    @property
    def x0(self) -> float:
        return self.chars[0]["x0"]

    @property
    def lead(self) -> float:
        """How far left of its edge the line may start: an opening mark at a paragraph's
        indent may give up its blank left half (clreq 3.1.6.2), its glyph moved left."""
        return self.chars[0]["size"] / 2 if self.chars[0]["text"] in OPENING else 0.0

    def right_edges(self) -> list[float]:
        """Possible right edges: a closing mark may end the line set half-width."""
        last = self.chars[-1]
        edges = [last["x1"]]
        if last["text"] in CLOSING:
            edges.append(last["x0"] + (last["x1"] - last["x0"]) / 2)
        return edges

    def spacing(self) -> float:
        """The line's justification spacing: the usual gap between a Han character and a
        Han character or a mark (a line of figures and quoted words may have no two Han
        characters side by side)."""
        gaps = [
            b["x0"] - a["x1"]
            for a, b in pairwise(self.chars)
            if (is_han(a["text"][-1]) and is_cjk(b["text"][0]))
            or (is_cjk(a["text"][-1]) and is_han(b["text"][0]))
        ]
        return statistics.median(gaps) if gaps else 0.0


def _split(
    rows: list[list[dict]], starts: list[float] | None, ends: list[float] = (), body: float = 0
) -> list[list[dict]]:
    """Split baseline rows into column segments at gutters.

    Without known column starts, any gap over a gutter splits. Once they are known, a
    gap splits only before a column start or after a column end (counted from the
    middle of a closing mark, which may end a line set half-width), when wider than
    4 em, or when its neighbours are tight: a loose justified line keeps its wide gaps,
    which are all alike. Ends matter where baselines line up across columns and the
    next column's line starts off its edge (right-aligned); tight neighbours where a
    column has too few lines to know its start (a note of two rows, indented). Before a
    column start, a gap over the gutter of the body type (`body`, the page's commonest
    size) splits too: two headings side by side, their gutter under one em of theirs.
    """
    segments = []
    for chars in rows:
        segment = [chars[0]]
        for index, (prev, char) in enumerate(pairwise(chars), 1):
            em = min(char["size"], prev["size"])  # a big figure must not hide a gutter
            gap = char["x0"] - prev["x1"]
            if starts is None:
                split = gap > GUTTER * em
            else:
                if prev["text"] in CLOSING:
                    gap += (prev["x1"] - prev["x0"]) / 2
                at_start = any(
                    abs(char["x0"] - k * em - s) <= 0.15 for k in (0, 1, 2) for s in starts
                )
                at_end = any(abs(prev["x1"] - e) <= 0.15 for e in ends)
                face = char["fontname"] != prev["fontname"]  # a right-aligned line beside
                near = [
                    chars[j]["x0"] - chars[j - 1]["x1"]
                    for j in (index - 1, index + 1)
                    if 0 < j < len(chars)
                ]
                alone = bool(near) and gap > 2 * max(near) + em / 2
                split = gap > 4 * em or (gap > GUTTER * em and (at_start or at_end or face))
                split = split or (gap > GUTTER * em and alone) or (at_start and gap > GUTTER * body)
            if split:
                segments.append(segment)
                segment = []
            segment.append(char)
        segments.append(segment)
    return segments


def lines_of_page(page, number: int) -> list[Line]:
    by_baseline: dict[float, list[dict]] = {}
    for char in page.chars:
        if char["upright"] and char["text"]:
            by_baseline.setdefault(round(char["matrix"][5], 1), []).append(char)
    rows = [sorted(chars, key=lambda c: c["x0"]) for chars in by_baseline.values()]
    first = _split(rows, None)
    counts = Counter(round(segment[0]["x0"], 1) for segment in first)
    starts = [x for x, count in counts.items() if count >= 3]
    end_counts = Counter(round(segment[-1]["x1"], 1) for segment in first)
    ends = [x for x, count in end_counts.items() if count >= 3]
    sizes = Counter(round(c["size"], 1) for chars in rows for c in chars).most_common(1)
    body = sizes[0][0] if sizes else 0.0  # the body type's size: its gutter splits too
    result = []
    for segment in _split(rows, starts, ends, body):
        while segment and segment[-1]["text"] in SPACES:
            segment.pop()
        if segment:
            # The line's text size: its Chinese text's, where figures are set larger
            han = [c for c in segment if is_cjk(c["text"][0])] or segment
            size = statistics.mode(round(c["size"], 1) for c in han)
            baseline = -segment[0]["matrix"][5]
            result.append(Line(number, baseline, size, segment))
    return sorted(result, key=lambda line: (line.baseline, line.x0))


def indent(a: float, b: float, size: float, lead: float = 0.0) -> int | None:
    """How many ems b's left edge sits right of a's (0..4), or None; b may sit up to
    `lead` left of that (Line.lead)."""
    k = round((b - a + lead / 2) / size)
    off = b - a - k * size
    return k if 0 <= k <= 4 and -lead - TOLERANCE <= off <= TOLERANCE else None


def taller(*lines: Line) -> float:
    """How much larger the largest glyph of these lines is than their text: a figure set
    larger (in the data box) pushes its line down, by less than that."""
    return max(max(c["size"] for c in line.chars) - line.size for line in lines)


def columns(lines: list[Line]) -> list[list[Line]]:
    """Chain each line to the nearest line above it in the same column."""
    chains: list[list[Line]] = []
    tail: dict[int, list[Line]] = {}  # id(last line) -> its chain
    for i, line in enumerate(lines):
        chain = None
        for j in range(i - 1, -1, -1):
            above = lines[j]
            if line.baseline - above.baseline > 2.2 * line.size + taller(above, line):
                break
            if (
                id(above) in tail
                and above.size == line.size
                and above.baseline < line.baseline
                and (
                    indent(above.x0, line.x0, line.size, line.lead) is not None
                    or indent(line.x0, above.x0, line.size, above.lead) is not None
                )
            ):
                chain = tail.pop(id(above))
                break
        if chain is None:
            chain = []
            chains.append(chain)
        chain.append(line)
        tail[id(line)] = chain
    return chains
