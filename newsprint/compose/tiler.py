"""Guillotine tiling of one page: which heights a run of modules can fill, and how.

A page is a rectangle of columns × lines; it is cut, again and again, into two
rectangles, across (the first modules above, the rest below, a module gap between)
or down (the first modules on the left, the rest on the right), until each rectangle
holds one module that fills it exactly (read left to right and top to bottom, as
Chinese horizontal newspapers are). The module offers its heights per width
(compose/atoms.py).

Which heights a run of modules can fill at a width is a set, kept as the bits of an
int: a cut across adds two sets (a shifted OR), a cut down intersects two (an AND).
Every run's set is computed once and shared by the reading orders; a second dynamic
programme, over the rectangles those sets say can be filled, takes the cheapest
tiling (the levers' costs, compose/atoms.py).
"""

from __future__ import annotations

from dataclasses import dataclass

from newsprint.compose.atoms import MIN_LEG_LINES, Atom, Choice, text_options

MODULE_COST = 0.3  # each module more on a page: fewer, larger modules read better
CUT_COST = 0.05  # each cut: of two tilings that cost the same, the simpler one
LEGS = ~((1 << MIN_LEG_LINES) - 1)  # the heights two legs of one text may share


@dataclass(frozen=True)
class Placed:
    """One module on the page: its atom, its rectangle on the grid, its levers."""

    atom: Atom
    run: tuple  # the atoms it holds: one, or a run of one section's text chunks
    col: int
    line: int
    cols: int
    lines: int
    choice: Choice


def bits(value: int):
    while value:
        low = value & -value
        yield low.bit_length() - 1
        value ^= low


def stacked(top: int, below: int, gap: int) -> int:
    """The heights of a run set above another, `gap` lines between: every sum of one
    height of each (a shifted OR over the sparser set)."""
    if top.bit_count() > below.bit_count():
        top, below = below, top
    value = 0
    while top:
        low = top & -top
        value |= below << (low.bit_length() - 1 + gap)
        top ^= low
    return value


class Seq:
    """Atoms in one reading order (the floats placed), with what the tiler asks often."""

    def __init__(self, atoms: list[Atom]):
        self.atoms = atoms
        self.uids = [a.uid for a in atoms]
        self.floats = [(i, a.uid) for i, a in enumerate(atoms) if a.uid < 0]
        n = len(atoms)
        self.next_copy = [n] * (n + 1)  # the first module of copy at or after each place
        for k in range(n - 1, -1, -1):
            self.next_copy[k] = k if atoms[k].uid >= 0 else self.next_copy[k + 1]
        # the Tiler's heights for this order: rows[i][j] per width (None: not yet known)
        self.rows: list[list[list[int | None] | None]] = [[None] * (n + 1) for _ in range(n + 1)]
        self.split_memo: dict[int, list[tuple[int, bool, bool]]] = {}
        # the atoms that cannot stand in one column, and their narrowest width (a head
        # block or the note: the page's)
        self.wide = [
            (k, min(a.options)) for k, a in enumerate(atoms) if min(a.options, default=1) > 1
        ]
        self.area = [0]
        self.copy = [0]  # how many atoms carry copy, up to each place
        for a in atoms:
            self.area.append(self.area[-1] + a.area_range()[0])
            self.copy.append(self.copy[-1] + (a.kind not in ("photo", "databox")))
        self.text_start: list[int | None] = []
        self.continued = [bool(k) and continues(atoms[k - 1], a) for k, a in enumerate(atoms)]
        for k, a in enumerate(atoms):
            if self.continued[k]:
                self.text_start.append(self.text_start[-1])
            else:
                self.text_start.append(k if a.kind in ("section", "text") else None)

    def key(self, i: int, j: int) -> tuple:
        """The run's identity across sequences: its first module of copy, its length and
        the floats inside, where (the copy's modules run on in order between them, so
        these fix the run; its ends alone do not when both are floats)."""
        first, floats = self.next_copy[i], self.floats
        inside: tuple = ()
        if floats and floats[0][0] < j and floats[-1][0] >= i:
            for p, u in floats:
                if i <= p < j:
                    inside += ((p - i, u),)
        return (self.uids[first] if first < j else None, j - i, inside)

    def need(self, i: int, j: int) -> int:
        """The fewest columns atoms[i:j] can stand in: its widest atom's narrowest width.
        Nine in ten runs the tiler asks about are narrower than that: none is laid out."""
        need = 1
        for k, width in self.wide:
            if i <= k < j and width > need:
                need = width
        return need

    def is_text(self, i: int, j: int) -> bool:
        start = self.text_start[j - 1]
        return start is not None and start <= i

    def splits_from(self, i: int) -> list[tuple[int, bool, bool]]:
        """(k, may cut down, may cut across) for each place after i where a run from i
        may be cut, to the sequence's end: a run [i, j) takes those with k < j. Kept:
        the tiler walks them for every width of every run (most of its time)."""
        found = self.split_memo.get(i)
        if found is None:
            found = self.split_memo[i] = []
            for k in range(i + 1, len(self.atoms)):
                if not self.continued[k]:
                    found.append((k, True, True))
                elif self.is_text(i, k):  # a leg of text, going on at the next column's top
                    found.append((k, True, False))
        return found


class Tiler:
    """Which heights each run of modules can fill, per width (memoised across the
    sequences, which share most of their runs)."""

    def __init__(self, columns: int, lines: int, gap: int):
        self.columns, self.lines, self.gap = columns, lines, gap
        self.mask = (1 << (lines + 1)) - 1
        self.rows: dict[tuple, list[int | None]] = {}  # a run's heights per width, by key
        self.text: dict[tuple, dict] = {}
        self.best: dict[tuple, tuple[float, tuple]] = {}

    def whole(self, seq: Seq, i: int, j: int) -> dict[int, dict[int, Choice]]:
        """w → h → choice of atoms[i:j] as one module: a box, or one section's text."""
        if seq.is_text(i, j):
            key = (seq.uids[i], seq.uids[j - 1])
            if key not in self.text:
                self.text[key] = text_options(seq.atoms[i:j])
            return self.text[key]
        return seq.atoms[i].options if j - i == 1 else {}

    def whole_bits(self, seq: Seq, i: int, j: int, w: int) -> int:
        return sum(1 << h for h in self.whole(seq, i, j).get(w, ()))

    def heights(self, seq: Seq, i: int, j: int, w: int) -> int:
        """The heights (bits) atoms[i:j] can fill at width w, worked out once per run."""
        row = self.row(seq, i, j)
        found = row[w]
        if found is None:
            found = row[w] = self._heights(seq, i, j, w)
        return found

    def row(self, seq: Seq, i: int, j: int) -> list[int | None]:
        """The heights of atoms[i:j] per width, None until asked: one list per run, found
        by the sequence's (i, j) and shared by every sequence that holds the run (its
        key), so the next reading order finds the run's widths worked out already."""
        found = seq.rows[i][j]
        if found is None:
            key = seq.key(i, j)
            found = self.rows.get(key)
            if found is None:
                found = self.rows[key] = [None] * (self.columns + 1)
            seq.rows[i][j] = found
        return found

    def _heights(self, seq: Seq, i: int, j: int, w: int) -> int:
        """Each cut of atoms[i:j] in turn: down, atoms[i:k] on the left (low to high
        columns wide) beside atoms[k:j], read inline (18 M reads on a long story: a call
        each was a fifth of the solver's time); across, _above."""
        if w < seq.need(i, j):
            return 0
        value = self.whole_bits(seq, i, j, w) & self.mask
        area, lines = seq.area, self.lines
        if j - i > 1 and area[j] - area[i] <= w * lines:
            rows, row, starts, work = seq.rows, self.row, seq.rows[i], self._heights
            for k, down, across in seq.splits_from(i):
                if k >= j:
                    break
                if down:  # each side at least as wide as its area needs
                    low = -(-(area[k] - area[i]) // lines) or 1
                    high = w + (area[j] - area[k]) // -lines
                    if high > w - 1:
                        high = w - 1
                    down = low <= high
                    if not (down or across):
                        continue
                first = starts[k] or row(seq, i, k)
                rest = rows[k][j] or row(seq, k, j)
                if down:  # text beside its own text: legs, no stubs
                    legs = -1 if across else LEGS
                    for w1 in range(low, high + 1):
                        left = first[w1]
                        if left is None:
                            left = first[w1] = work(seq, i, k, w1)
                        if left & legs:
                            right = rest[w - w1]
                            if right is None:
                                right = rest[w - w1] = work(seq, k, j, w - w1)
                            value |= left & legs & right
                if across:
                    value |= self._above(seq, i, k, j, w, first, rest)
            value &= self.mask
        return value

    def _above(self, seq: Seq, i, k, j, w, first: list, rest: list) -> int:
        """Heights of atoms[i:k] above atoms[k:j], a module gap between."""
        top = first[w]
        if top is None:
            top = first[w] = self._heights(seq, i, k, w)
        if not top:
            return 0
        below = rest[w]
        if below is None:
            below = rest[w] = self._heights(seq, k, j, w)
        return stacked(top, below, self.gap) if below else 0

    def fits(self, seq: Seq, i: int, j: int) -> bool:
        return bool(self.heights(seq, i, j, self.columns) >> self.lines & 1)

    def cuts(self, seq: Seq, i: int, j: int, w: int, h: int):
        """Every first cut of the run's w × h rectangle that leaves two fillable parts, and
        ("whole", 0, 0) if the run is one module that fills it. The parts' rows are read
        inline, as in _heights (a long story asks 2.5 M of them)."""
        out = [("whole", 0, 0)] if self.whole_bits(seq, i, j, w) >> h & 1 else []
        heights, row, above = self.heights, self.row, h - self.gap
        for k, down, across in seq.splits_from(i):
            if k >= j:
                break
            first, rest = row(seq, i, k), row(seq, k, j)
            if down and (across or h >= MIN_LEG_LINES):
                for w1 in range(1, w):
                    left = first[w1]
                    if left is None:
                        left = heights(seq, i, k, w1)
                    if left >> h & 1:
                        right = rest[w - w1]
                        if right is None:
                            right = heights(seq, k, j, w - w1)
                        if right >> h & 1:
                            out.append(("down", k, w1))
            if across and above > 0:
                below = rest[w]
                if below is None:
                    below = heights(seq, k, j, w)
                top = first[w]
                if top is None:
                    top = heights(seq, i, k, w)
                for h1 in bits(top & ((1 << above) - 1)):  # leaves the rest a line at least
                    if below >> (above - h1) & 1:
                        out.append(("across", k, h1))
        return out

    def cheapest(self, seq: Seq, i: int, j: int, w: int, h: int) -> tuple[float, tuple]:
        """(cost, how) of the cheapest tiling of the run in a w × h rectangle, over every
        cut that leaves two fillable parts: a dynamic programme over the rectangles the
        height sets say can be filled, so the levers' order decides, not chance."""
        key = (seq.key(i, j), w, h)
        found = self.best.get(key)
        if found is not None:
            return found
        best = (float("inf"), ())
        for how, k, size in self.cuts(seq, i, j, w, h):
            if how == "whole":
                cost = self.whole(seq, i, j)[w][h].cost + MODULE_COST
            elif how == "down":
                cost = (
                    self.cheapest(seq, i, k, size, h)[0]
                    + self.cheapest(seq, k, j, w - size, h)[0]
                    + CUT_COST
                )
            else:
                cost = (
                    self.cheapest(seq, i, k, w, size)[0]
                    + self.cheapest(seq, k, j, w, h - size - self.gap)[0]
                    + CUT_COST
                )
            if cost < best[0]:
                best = (cost, (how, k - i, size))  # k relative: the memo serves every order
        self.best[key] = best
        return best

    def place(self, seq: Seq, i, j, w, h, col, line) -> list[Placed]:
        """The cheapest tiling's modules, at their places on the page."""
        how, k, size = self.cheapest(seq, i, j, w, h)[1]
        k += i
        if how == "whole":
            choice = self.whole(seq, i, j)[w][h]
            return [Placed(seq.atoms[i], tuple(seq.atoms[i:j]), col, line, w, h, choice)]
        if how == "down":
            return self.place(seq, i, k, size, h, col, line) + self.place(
                seq, k, j, w - size, h, col + size, line
            )
        return self.place(seq, i, k, w, size, col, line) + self.place(
            seq, k, j, w, h - size - self.gap, col, line + size + self.gap
        )

    def best_layout(self, seq: Seq, i: int, j: int) -> tuple[float, list[Placed]]:
        cost, _ = self.cheapest(seq, i, j, self.columns, self.lines)
        placed = self.place(seq, i, j, self.columns, self.lines, 0, 0)
        return cost + shape_cost(placed, self.columns), placed


def continues(before: Atom, after: Atom) -> bool:
    """Does `after` carry on `before`'s text (the next chunk of one section)? A cut there
    puts the text's next lines at the top of the next column: only from a text module
    that fills the left side (a leg of text jumping to the next leg), never under it (a
    gap inside a text)."""
    return (
        after.kind == "text"
        and after.section is before.section
        and before.kind in ("section", "text")
    )


def shape_cost(placed: list[Placed], columns: int) -> float:
    """What a reader minds beyond the levers: a testimony far from its section's text,
    a section's text set wider than its neighbours need."""
    cost = 0.0
    where = {p.atom.section.title.line: p for p in placed if p.atom.kind == "section"}
    for p in placed:
        if p.atom.kind == "testimony":
            sec = where.get(p.atom.section.title.line)
            if sec is not None:
                apart = max(0, p.line - (sec.line + sec.lines)) + max(
                    0, p.col - (sec.col + sec.cols)
                )
                cost += 0.02 * apart
    return cost
