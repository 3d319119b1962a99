"""The make-up solver: tile each page with the story's modules, in reading order.

A page is a rectangle of columns × lines; the solver cuts it, again and again, into
two rectangles, across (the first modules above, the rest below, a module gap
between) or down (the first modules on the left, the rest on the right), until each
rectangle holds one module that fills it exactly (a guillotine layout, read left to
right and top to bottom, as Chinese horizontal newspapers are). The module offers
its heights per width (compose/atoms.py).

Which heights a run of modules can fill at a width is a set, kept as the bits of an
int: a cut across adds two sets (a shifted OR), a cut down intersects two (an AND).
Every run's set is computed once, so the pages are found by a dynamic programme
over where each page starts; then, among the layouts that fit, a seeded search
picks a cheap one (the levers' costs, compose/atoms.py).
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from newsprint.compose.atoms import Atom, Choice, text_options, text_run

SAMPLES = 160  # layouts tried per page, keeping the cheapest
MAX_RUN = 40  # modules on one page at most


@dataclass(frozen=True)
class Placed:
    """One module on the page: its atom, its rectangle on the grid, its levers."""

    atom: Atom
    col: int
    line: int
    cols: int
    lines: int
    choice: Choice


def bits(value: int):
    h = 0
    while value:
        if value & 1:
            yield h
        value >>= 1
        h += 1


class Tiler:
    """Which heights each run of modules can fill, per width (memoised)."""

    def __init__(self, columns: int, lines: int, gap: int):
        self.columns, self.lines, self.gap = columns, lines, gap
        self.mask = (1 << (lines + 1)) - 1
        self.memo: dict[tuple, int] = {}

    def heights(self, run: tuple[Atom, ...], w: int) -> int:
        key = (tuple(a.uid for a in run), w)
        found = self.memo.get(key)
        if found is not None:
            return found
        value = whole_bits(run, w) & self.mask
        if len(run) == 1:
            pass
        elif sum(a.area_range()[0] for a in run if not inside(run, a)) > w * self.lines:
            pass
        else:
            for k in range(1, len(run)):
                head, tail = run[:k], run[k:]
                for w1 in range(1, w):
                    left = self.heights(head, w1)
                    if left:
                        value |= left & self.heights(tail, w - w1)
                top = self.heights(head, w)
                if top:
                    below = self.heights(tail, w)
                    if below:
                        for h1 in bits(top):
                            value |= below << (h1 + self.gap)
            value &= self.mask
        self.memo[key] = value
        return value

    def fits(self, run: tuple[Atom, ...]) -> bool:
        return bool(self.heights(run, self.columns) >> self.lines & 1)

    def cuts(self, run, w: int, h: int):
        """Every first cut of run's w × h rectangle that leaves two fillable parts, and
        ("whole", 0, 0) if the run is one module that fills it (a section with its boxes)."""
        out = [("whole", 0, 0)] if whole_bits(run, w) >> h & 1 else []
        for k in range(1, len(run)):
            head, tail = run[:k], run[k:]
            for w1 in range(1, w):
                if self.heights(head, w1) >> h & 1 and self.heights(tail, w - w1) >> h & 1:
                    out.append(("down", k, w1))
            top = self.heights(head, w)
            below = self.heights(tail, w)
            for h1 in bits(top):
                h2 = h - h1 - self.gap
                if h2 > 0 and below >> h2 & 1:
                    out.append(("across", k, h1))
        return out

    def layout(self, run, w, h, col, line, rng) -> tuple[float, list[Placed]]:
        """One layout of run in the rectangle, its cuts chosen at random; (cost, modules)."""
        how, k, size = rng.choice(self.cuts(run, w, h))
        if how == "whole":
            choice = whole_choice(run, w, h)
            return choice.cost, [Placed(run[0], col, line, w, h, choice)]
        if how == "down":
            c1, p1 = self.layout(run[:k], size, h, col, line, rng)
            c2, p2 = self.layout(run[k:], w - size, h, col + size, line, rng)
        else:
            c1, p1 = self.layout(run[:k], w, size, col, line, rng)
            c2, p2 = self.layout(run[k:], w, h - size - self.gap, col, line + size + self.gap, rng)
        return c1 + c2, p1 + p2

    def best_layout(self, run, seed: int = 0) -> tuple[float, list[Placed]]:
        rng = random.Random(seed)
        best = None
        seen = set()
        for _ in range(SAMPLES):
            cost, placed = self.layout(run, self.columns, self.lines, 0, 0, rng)
            cost += shape_cost(placed, self.columns)
            key = tuple((p.atom.uid, p.col, p.line, p.cols, p.lines) for p in placed)
            if key in seen:
                continue
            seen.add(key)
            if best is None or cost < best[0]:
                best = (cost, placed)
        return best


_TEXT: dict[tuple, dict] = {}


def whole(run) -> dict[int, dict[int, Choice]]:
    """w → h → choice of the run as one module: a box, or one section's paragraphs."""
    if text_run(run):
        key = tuple(a.uid for a in run) + (id(run[0]),)
        if key not in _TEXT:
            _TEXT[key] = text_options(run)
        return _TEXT[key]
    return run[0].options if len(run) == 1 else {}


def whole_bits(run, w: int) -> int:
    return sum(1 << h for h in whole(run).get(w, ()))


def whole_choice(run, w: int, h: int) -> Choice:
    return whole(run)[w][h]


def inside(run, atom: Atom) -> bool:
    """A testimony that the run's section could hold in its columns (area counted there)."""
    return False


def shape_cost(placed: list[Placed], columns: int) -> float:
    """What a reader minds beyond the levers: a testimony far from its section's text,
    a section's text set wider than its neighbours need."""
    cost = 0.0
    where = {p.atom.section.title.line: p for p in placed if p.atom.kind == "section"}
    for p in placed:
        if p.atom.kind == "testimony":
            sec = where.get(p.atom.section.title.line)
            if sec is not None:
                apart = max(0, p.line - (sec.line + sec.lines)) + max(0, p.col - (sec.col + sec.cols))
                cost += 0.02 * apart
    return cost


def breakable(seq: list[Atom], i: int) -> bool:
    """May a page start at seq[i]? Not after a head block or note (they lead their
    text), not before a testimony (it stays on its section's page)."""
    if i == 0 or i == len(seq):
        return True
    return seq[i - 1].kind not in ("head", "note") and seq[i].kind not in ("testimony",)


@dataclass(frozen=True)
class Solution:
    pages: tuple[tuple[Placed, ...], ...]
    cost: float


def partitions(seq: list[Atom], pages: int, tiler: Tiler, limit: int = 24):
    """Ways to cut seq into `pages` runs that each fill a page exactly (at most limit)."""
    n = len(seq)
    can = {}  # (start, pages left) → can the rest be made up

    def ok(i: int, left: int) -> bool:
        if (i, left) in can:
            return can[(i, left)]
        if left == 0:
            result = i == n
        else:
            result = any(
                breakable(seq, j) and tiler.fits(tuple(seq[i:j])) and ok(j, left - 1)
                for j in range(i + 1, min(n, i + MAX_RUN) + 1)
            )
        can[(i, left)] = result
        return result

    found = []

    def walk(i, left, cuts):
        if len(found) >= limit:
            return
        if left == 0:
            found.append(cuts)
            return
        for j in range(i + 1, min(n, i + MAX_RUN) + 1):
            if breakable(seq, j) and tiler.fits(tuple(seq[i:j])) and ok(j, left - 1):
                walk(j, left - 1, cuts + [(i, j)])

    if ok(0, pages):
        walk(0, pages, [])
    return found


def float_places(atoms: list[Atom]) -> list[int]:
    """Where the photo or the data box may stand in reading order: after a head block
    (and its note), before a section, or last."""
    places = []
    for i in range(1, len(atoms) + 1):
        before, after = atoms[i - 1], atoms[i] if i < len(atoms) else None
        if after is not None and after.kind in ("note", "testimony", "para"):
            continue
        if before.kind in ("head", "note") or after is None or after.kind in ("section", "head"):
            places.append(i)
    return places


def sequences(atoms: list[Atom], floats: list[Atom]):
    """The atoms with each floating module at each of its places (in order of floats)."""
    if not floats:
        yield list(atoms)
        return
    first, rest = floats[0], floats[1:]
    for seq in sequences(atoms, rest):
        core = [a for a in seq if a.uid >= 0]
        for i in float_places(core):
            anchor = core[i - 1]
            j = seq.index(anchor) + 1
            yield seq[:j] + [first] + seq[j:]


def solve(atoms: list[Atom], floats: list[Atom], pages: int, columns: int, lines: int,
          gap: int) -> Solution | None:
    """The cheapest make-up of the atoms on `pages` pages, or None when none fits."""
    tiler = Tiler(columns, lines, gap)
    best: Solution | None = None
    for seq in sequences(atoms, floats):
        for cuts in partitions(seq, pages, tiler):
            laid = [tiler.best_layout(tuple(seq[i:j])) for i, j in cuts]
            cost = sum(c for c, _ in laid)
            if best is None or cost < best.cost:
                best = Solution(tuple(tuple(p) for _, p in laid), cost)
    return best
