"""The make-up solver on small made-up modules: it tiles exactly, it takes the cheapest
tiling, it keeps the data box in its own article, and text never runs on in stubs."""

from __future__ import annotations

from newsprint.compose.atoms import MIN_LEG_LINES, Atom, Choice
from newsprint.compose.solve import away, solve
from newsprint.compose.tiler import Seq
from newsprint.story.model import Para, Section


def box(uid: int, kind: str, offers: dict, article: int = 0) -> Atom:
    """A module that fills w × h at cost c for each (w, h): c in `offers`."""
    atom = Atom(uid, kind, article, f"{kind} {uid}", uid + 1)
    for (w, h), cost in offers.items():
        atom.offer(w, h, Choice(cost))
    return atom


def test_the_cheapest_exact_tiling_is_taken():
    # on 2 columns × 10 lines (gap 1): side by side costs 1, stacked costs 5
    a = box(0, "note", {(1, 10): 1.0, (2, 4): 0.0})
    b = box(1, "note", {(1, 10): 0.0, (2, 5): 5.0})
    solution = solve([a, b], [], 1, 2, 10, 1)
    assert solution is not None
    (page,) = solution.pages
    assert [(p.atom.uid, p.col, p.line, p.cols, p.lines) for p in page] == [
        (0, 0, 0, 1, 10),
        (1, 1, 0, 1, 10),
    ]
    # make side by side dearer: the stack (4 lines, a gap, 5 lines) wins
    a = box(0, "note", {(1, 10): 9.0, (2, 4): 0.0})
    page = solve([a, b], [], 1, 2, 10, 1).pages[0]
    assert [(p.atom.uid, p.col, p.line, p.cols, p.lines) for p in page] == [
        (0, 0, 0, 2, 4),
        (1, 0, 5, 2, 5),
    ]


def test_no_exact_tiling_is_no_solution():
    a = box(0, "note", {(1, 9): 0.0, (2, 4): 0.0})
    b = box(1, "note", {(1, 10): 0.0, (2, 4): 0.0})
    assert solve([a, b], [], 1, 2, 10, 1) is None


def test_a_float_outside_its_article_costs_more():
    head0 = box(0, "head", {(2, 2): 0.0}, article=0)
    head1 = box(1, "head", {(2, 2): 0.0}, article=1)
    data = box(-2, "databox", {(2, 3): 0.0}, article=-1)
    data.home = 1
    assert away([head0, data, head1]) > 0
    assert away([head0, head1, data]) == 0


def text_of(chunks: list[int]) -> list[Atom]:
    """One section's text (no heading) cut into chunks of these many lines."""
    section = Section("", Para("", 1))
    atoms = []
    for k, lines in enumerate(chunks):
        kind = "section" if k == 0 else "text"
        atom = Atom(k, kind, 0, "section", 1, section=section, text_lines=lines, index=k)
        atoms.append(atom)
    return atoms


def test_text_runs_on_in_legs_but_never_as_stubs_side_by_side():
    # 4 lines of text: one column of 4 fits; two legs of 2 side by side are a stub
    assert solve(text_of([2, 2]), [], 1, 1, 4, 1) is not None
    assert solve(text_of([2, 2]), [], 1, 2, 2, 1) is None
    # legs of MIN_LEG_LINES each are text running on at the next column's top
    page = solve(text_of([MIN_LEG_LINES] * 2), [], 1, 2, MIN_LEG_LINES, 1).pages[0]
    assert {(p.cols, p.lines) for p in page} <= {(1, MIN_LEG_LINES), (2, MIN_LEG_LINES)}


def test_runs_between_the_same_two_floats_are_told_apart():
    # the shared memo knows a run by its key: [data box, n0, photo] and [data box, n1,
    # photo] have the same ends and length, but not the same copy (a refused story's
    # tiling once came from the other one's heights)
    n0, n1 = box(0, "note", {(1, 1): 0.0}), box(1, "note", {(1, 1): 0.0})
    data, photo = box(-2, "databox", {(1, 1): 0.0}), box(-1, "photo", {(1, 1): 0.0})
    first, second = Seq([data, n0, photo, n1]), Seq([n0, data, n1, photo])
    assert first.key(0, 3) != second.key(1, 4)
    assert first.key(0, 3) == Seq([data, n0, photo]).key(0, 3)


def test_nearest_height_is_the_closest_bit_and_the_shorter_of_two():
    """diagnose.nearest reads the set's bits directly; it must agree with a plain walk
    over them (nearest to the page's lines, the shorter page when two are as near)."""
    import random

    from newsprint.compose.diagnose import nearest
    from newsprint.compose.tiler import bits

    rng = random.Random(7)
    assert nearest(0, 50) is None
    assert nearest(1 << 48 | 1 << 52, 50) == 48
    for _ in range(5000):
        heights = rng.getrandbits(rng.choice([6, 30, 110])) & rng.getrandbits(110)
        full = rng.randint(1, 105)
        walked = list(bits(heights))
        expected = min(walked, key=lambda h: (abs(h - full), h)) if walked else None
        assert nearest(heights, full) == expected


def test_the_ways_to_share_modules_out_over_pages_are_every_way_that_fills_them():
    """partitions() against every cut tried one by one: the last page is tried at the
    story's end only, so no way may be lost or gained by that shortcut, nor the order."""
    from itertools import combinations, pairwise

    from newsprint.compose.solve import page_starts, partitions
    from newsprint.compose.tiler import Tiler

    offers = [{(2, 10): 0.0, (1, 10): 0.0, (2, 4): 0.0}, {(1, 10): 0.0, (2, 5): 0.0}]
    atoms = [box(k, "quote", offers[k % 2]) for k in range(7)]
    photo = box(-1, "photo", {(2, 4): 0.0, (2, 10): 0.0})
    seq = Seq(atoms[:3] + [photo] + atoms[3:])
    n, tiler = len(seq.atoms), Tiler(2, 10, 1)
    starts = page_starts(seq.atoms)
    for pages in range(1, 7):
        every = []
        for cuts in combinations(range(1, n), pages - 1):
            ends = [0, *cuts, n]
            runs = list(pairwise(ends))
            if all(
                starts[j] and seq.copy[j] > seq.copy[i] and tiler.fits(seq, i, j) for i, j in runs
            ):
                every.append(runs)
        assert partitions(seq, pages, Tiler(2, 10, 1), limit=100) == every
        assert partitions(seq, pages, Tiler(2, 10, 1), limit=2) == every[:2]
    assert len(partitions(seq, 5, Tiler(2, 10, 1))) > 2  # several ways fill five pages
