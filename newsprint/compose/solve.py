"""The make-up solver: tile each page with the story's modules, in reading order.

A page is a rectangle of columns × lines; compose/tiler.py says which heights each
run of modules can fill and takes the cheapest tiling of a page. Here the pages are
found by a dynamic programme over where each page starts, for each reading order
(the photo and the data box placed where they may stand), and the cheapest make-up
of all is kept.
"""

from __future__ import annotations

from dataclasses import dataclass

from newsprint.compose.atoms import Atom
from newsprint.compose.tiler import Placed, Seq, Tiler

MAX_RUN = 400  # atoms on one page at most
PARTITIONS = 8  # ways to share the modules out over the pages, per reading order
MAX_TRIED = 48  # ways laid out and compared in all
FLOAT_AWAY = 8.0  # a floating module set in another article than its own


def page_starts(seq: list[Atom]) -> list[bool]:
    """May a page start at seq[i], for each i (and at the end)? Not after a head block or
    note, even with a picture or the data box under them (they lead their text), not
    before a testimony (it stays on its section's page)."""
    starts, before = [True], None  # before: the last module of copy so far
    for i in range(1, len(seq) + 1):
        if seq[i - 1].uid >= 0:
            before = seq[i - 1]
        if i == len(seq):
            starts.append(True)
        else:
            lead = before is not None and before.kind in ("head", "note")
            starts.append(not lead and seq[i].kind != "testimony")
    return starts


@dataclass(frozen=True)
class Solution:
    pages: tuple[tuple[Placed, ...], ...]
    cost: float


def partitions(seq: Seq, pages: int, tiler: Tiler, limit: int = 24):
    """Ways to cut seq into `pages` runs that each fill a page exactly (at most limit)."""
    n = len(seq.atoms)
    can = {}  # (start, pages left) → can the rest be made up
    starts = page_starts(seq.atoms)

    def ends(i: int):
        for j in range(i + 1, min(n, i + MAX_RUN) + 1):
            has_copy = seq.copy[j] > seq.copy[i]  # a page of a picture alone is no page
            if has_copy and starts[j] and tiler.fits(seq, i, j):
                yield j

    def ok(i: int, left: int) -> bool:
        if (i, left) not in can:
            if left <= 1:  # the last page runs to the end: no other end to try
                last = left == 1 and 0 < n - i <= MAX_RUN and seq.copy[n] > seq.copy[i]
                can[(i, left)] = i == n if left == 0 else last and tiler.fits(seq, i, n)
            else:
                can[(i, left)] = any(ok(j, left - 1) for j in ends(i))
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
    atoms: list[Atom],
    floats: list[Atom],
    pages: int,
    columns: int,
    lines: int,
    gap: int,
    each=None,
) -> Solution | None:
    """The cheapest make-up of the atoms on `pages` pages, or None when none fits.

    `each(fn, argsets)` maps fn over argsets, the second in a forked child beside this
    process (output/forked.py): the reading orders are shared out between the two, each
    with a tiler of its own, and the ways they tried are taken in the order one process
    would try them, so the answer is the same.
    """
    orders = sum(1 for _ in sequences(atoms, floats))
    parts = 2 if each is not None and orders > 1 else 1
    args = [(atoms, floats, pages, columns, lines, gap, part, parts) for part in range(parts)]
    found = each(tried, args) if parts > 1 else [tried(*args[0])]
    best = None
    for count, (_, cost, kept) in enumerate(sorted(w for part in found for w in part)):
        if count >= MAX_TRIED:  # enough ways compared: a long story must not take minutes
            break
        if best is None or cost < best[0]:
            best = (cost, kept)
    return rebuilt(best[1], atoms + floats, best[0]) if best else None


def tried(atoms, floats, pages, columns, lines, gap, part: int, parts: int) -> list[tuple]:
    """((order, way), cost, structure) of each way tried, in order, among the reading
    orders numbered part, part + parts, …: at most MAX_TRIED, which is all one process
    trying every order in turn could take of them."""
    tiler = Tiler(columns, lines, gap)
    out: list[tuple] = []
    for number, order in enumerate(sequences(atoms, floats)):
        if number % parts != part:
            continue
        seq = Seq(order)
        penalty = away(order)
        for way, cuts in enumerate(partitions(seq, pages, tiler, limit=PARTITIONS)):
            if len(out) >= MAX_TRIED:
                return out
            laid = [tiler.best_layout(seq, i, j) for i, j in cuts]
            cost = penalty + sum(c for c, _ in laid)
            solution = Solution(tuple(tuple(p) for _, p in laid), cost)
            out.append(((number, way), cost, structure(solution)))
    return out


def structure(solution: Solution) -> tuple:
    """The solution without the copy: what a cache may keep, or a forked child send back
    (the atoms are made anew from the story each time, so a cached make-up never sets
    yesterday's words)."""
    return tuple(
        tuple((p.run[0].uid, p.run[-1].uid, p.col, p.line, p.cols, p.lines, p.choice) for p in page)
        for page in solution.pages
    )


def rebuilt(kept: tuple, atoms: list, cost: float = 0.0) -> Solution | None:
    """A kept structure with these atoms, or None if they no longer match it."""
    by_uid = {a.uid: a for a in atoms}
    order = {a.uid: i for i, a in enumerate(atoms)}
    pages = []
    for page in kept:
        placed = []
        for first, last, col, line, cols, lines, choice in page:
            if first not in by_uid or last not in by_uid:
                return None
            run = tuple(atoms[order[first] : order[last] + 1])
            placed.append(Placed(run[0], run, col, line, cols, lines, choice))
        pages.append(tuple(placed))
    return Solution(tuple(pages), cost)
