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
over where each page starts; then a second one, over the rectangles those sets say can
be filled, takes the cheapest tiling of each page (the levers' costs, compose/atoms.py).
"""

from __future__ import annotations

from dataclasses import dataclass

from newsprint.compose.atoms import MIN_LEG_LINES, Atom, Choice, text_options

MAX_RUN = 400  # atoms on one page at most
PARTITIONS = 8  # ways to share the modules out over the pages, per reading order
MAX_TRIED = 48  # ways laid out and compared in all
MODULE_COST = 0.3  # each module more on a page: fewer, larger modules read better
FLOAT_AWAY = 8.0  # a floating module set in another article than its own
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
    h = 0
    while value:
        if value & 1:
            yield h
        value >>= 1
        h += 1


class Seq:
    """Atoms in one reading order (the floats placed), with what the tiler asks often."""

    def __init__(self, atoms: list[Atom]):
        self.atoms = atoms
        self.uids = [a.uid for a in atoms]
        self.floats = [(i, a.uid) for i, a in enumerate(atoms) if a.uid < 0]
        self.keys: dict[tuple[int, int], tuple] = {}
        self.heights: dict[tuple[int, int, int], int] = {}  # the Tiler's, for this order
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
        these fix the run; its ends alone do not when both are floats). Kept: the tiler
        asks for the same few thousand runs 300 000 times, half its time."""
        found = self.keys.get((i, j))
        if found is None:
            inside = tuple((p - i, u) for p, u in self.floats if i <= p < j)
            first = next((u for u in self.uids[i:j] if u >= 0), None)
            found = self.keys[i, j] = (first, j - i, inside)
        return found

    def is_text(self, i: int, j: int) -> bool:
        start = self.text_start[j - 1]
        return start is not None and start <= i

    def runs_on(self, k: int) -> bool:
        return self.continued[k]


class Tiler:
    """Which heights each run of modules can fill, per width (memoised across the
    sequences, which share most of their runs)."""

    def __init__(self, columns: int, lines: int, gap: int):
        self.columns, self.lines, self.gap = columns, lines, gap
        self.mask = (1 << (lines + 1)) - 1
        self.memo: dict[tuple, int] = {}
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

    def splits(self, seq: Seq, i: int, j: int):
        """(k, may cut down, may cut across) for each place a run may be cut."""
        for k in range(i + 1, j):
            if seq.runs_on(k):
                if seq.is_text(i, k):  # a leg of text, going on at the next column's top
                    yield k, True, False
            else:
                yield k, True, True

    def heights(self, seq: Seq, i: int, j: int, w: int) -> int:
        """The heights (bits) atoms[i:j] can fill at width w: the sequence's own memo
        first, then the one shared by the sequences."""
        found = seq.heights.get((i, j, w))
        if found is None:
            found = seq.heights[i, j, w] = self._heights(seq, i, j, w)
        return found

    def _heights(self, seq: Seq, i: int, j: int, w: int) -> int:
        key = (seq.key(i, j), w)
        found = self.memo.get(key)
        if found is not None:
            return found
        value = self.whole_bits(seq, i, j, w) & self.mask
        area = seq.area
        if j - i > 1 and area[j] - area[i] <= w * self.lines:
            for k, down, across in self.splits(seq, i, j):
                if down:
                    # each side needs at least its area's columns
                    low = -(-(area[k] - area[i]) // self.lines)
                    high = w - -(-(area[j] - area[k]) // self.lines)
                    legs = LEGS if not across else -1  # text beside its own text: no stubs
                    for w1 in range(max(1, low), min(w - 1, high) + 1):
                        left = self.heights(seq, i, k, w1) & legs
                        if left:
                            value |= left & self.heights(seq, k, j, w - w1)
                if across:
                    top = self.heights(seq, i, k, w)
                    if top:
                        below = self.heights(seq, k, j, w)
                        if below:
                            for h1 in bits(top):
                                value |= below << (h1 + self.gap)
            value &= self.mask
        self.memo[key] = value
        return value

    def fits(self, seq: Seq, i: int, j: int) -> bool:
        return bool(self.heights(seq, i, j, self.columns) >> self.lines & 1)

    def cuts(self, seq: Seq, i: int, j: int, w: int, h: int):
        """Every first cut of the run's w × h rectangle that leaves two fillable parts, and
        ("whole", 0, 0) if the run is one module that fills it."""
        out = [("whole", 0, 0)] if self.whole_bits(seq, i, j, w) >> h & 1 else []
        for k, down, across in self.splits(seq, i, j):
            if down and (across or h >= MIN_LEG_LINES):
                for w1 in range(1, w):
                    if (
                        self.heights(seq, i, k, w1) >> h & 1
                        and self.heights(seq, k, j, w - w1) >> h & 1
                    ):
                        out.append(("down", k, w1))
            if across:
                below = self.heights(seq, k, j, w)
                for h1 in bits(self.heights(seq, i, k, w)):
                    h2 = h - h1 - self.gap
                    if h2 > 0 and below >> h2 & 1:
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


def breakable(seq: list[Atom], i: int) -> bool:
    """May a page start at seq[i]? Not after a head block or note, even with a picture
    or the data box under them (they lead their text), not before a testimony (it stays
    on its section's page)."""
    if i == 0 or i == len(seq):
        return True
    before = next((a for a in reversed(seq[:i]) if a.uid >= 0), None)
    return (before is None or before.kind not in ("head", "note")) and seq[i].kind not in (
        "testimony",
    )


@dataclass(frozen=True)
class Solution:
    pages: tuple[tuple[Placed, ...], ...]
    cost: float


def partitions(seq: Seq, pages: int, tiler: Tiler, limit: int = 24):
    """Ways to cut seq into `pages` runs that each fill a page exactly (at most limit)."""
    n = len(seq.atoms)
    can = {}  # (start, pages left) → can the rest be made up

    def ends(i: int):
        for j in range(i + 1, min(n, i + MAX_RUN) + 1):
            has_copy = seq.copy[j] > seq.copy[i]  # a page of a picture alone is no page
            if has_copy and breakable(seq.atoms, j) and tiler.fits(seq, i, j):
                yield j

    def ok(i: int, left: int) -> bool:
        if (i, left) not in can:
            can[(i, left)] = i == n if left == 0 else any(ok(j, left - 1) for j in ends(i))
        return can[(i, left)]

    found = []

    def walk(i, left, cuts):
        if len(found) >= limit:
            return
        if left == 0:
            found.append(cuts)
            return
        for j in ends(i):
            if ok(j, left - 1):
                walk(j, left - 1, [*cuts, (i, j)])

    if ok(0, pages):
        walk(0, pages, [])
    return found


def float_places(atoms: list[Atom]) -> list[int]:
    """Where the photo or the data box may stand in reading order: under a head block
    (and its note), before the next article's head, or last."""
    places = []
    for i in range(1, len(atoms) + 1):
        before, after = atoms[i - 1], atoms[i] if i < len(atoms) else None
        if after is not None and after.kind in ("note", "testimony", "text"):
            continue
        if before.kind in ("head", "note") or after is None or after.kind == "head":
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


def away(order: list[Atom]) -> float:
    """What it costs to set a floating module in another article than its own (the data
    box of the second article under the first one's headline)."""
    cost, article = 0.0, 0
    for atom in order:
        if atom.kind == "head":
            article = atom.article
        elif atom.uid < 0 and atom.home >= 0 and atom.home != article:
            cost += FLOAT_AWAY
    return cost


def solve(
    atoms: list[Atom], floats: list[Atom], pages: int, columns: int, lines: int, gap: int
) -> Solution | None:
    """The cheapest make-up of the atoms on `pages` pages, or None when none fits."""
    tiler = Tiler(columns, lines, gap)
    best: Solution | None = None
    tried = 0
    for order in sequences(atoms, floats):
        seq = Seq(order)
        penalty = away(order)
        for cuts in partitions(seq, pages, tiler, limit=PARTITIONS):
            if tried >= MAX_TRIED:  # enough ways compared: a long story must not take minutes
                return best
            tried += 1
            laid = [tiler.best_layout(seq, i, j) for i, j in cuts]
            cost = penalty + sum(c for c, _ in laid)
            if best is None or cost < best.cost:
                best = Solution(tuple(tuple(p) for _, p in laid), cost)
    return best
