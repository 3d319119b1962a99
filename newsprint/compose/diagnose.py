"""When no make-up fills the pages: how far each page is from full, and what to do.

The solver's height sets say, for every run of modules, which heights it can fill
with the levers at any value within their bounds. Taking for each page the height
nearest the type area's, over every way to share the modules out, gives the
smallest change that would let the pages fit: "page 5 is 6 lines short", "page 4 is
overset by 12 lines". The desk hears it in lines and characters, with where to cut
and which bound or page count would let it fit.
"""

from __future__ import annotations

from newsprint.compose.atoms import Atom
from newsprint.compose.solve import page_starts, partitions, sequences
from newsprint.compose.tiler import Placed, Seq, Tiler
from newsprint.config import MakeupSettings, PageFormat
from newsprint.errors import Finding
from newsprint.story.edition import Edition
from newsprint.story.model import Story


def nearest(heights: int, full: int) -> int | None:
    """The height in the set (bits) nearest `full`, the shorter of two as near; None if
    the set is empty."""
    short = heights & ((1 << (full + 1)) - 1)
    over = heights >> (full + 1)
    below = short.bit_length() - 1 if short else None
    above = full + (over & -over).bit_length() if over else None
    if below is None or (above is not None and above - full < full - below):
        return above
    return below


def nearest_pages(seq: Seq, pages: int, tiler: Tiler) -> tuple[int, list[int], list] | None:
    """(total distance, each page's nearest height, each page's run) of the best split of
    seq into pages."""
    n, full = len(seq.atoms), tiler.lines
    starts = page_starts(seq.atoms)
    best: dict[tuple[int, int], tuple[int, list[int], list]] = {(0, 0): (0, [], [])}
    for p in range(pages):
        for i in range(n):
            if (i, p) not in best:
                continue
            dist, heights, runs = best[(i, p)]
            for j in range(i + 1, n + 1):
                if not starts[j] or seq.copy[j] == seq.copy[i]:
                    continue
                h = nearest(tiler.heights(seq, i, j, tiler.columns), full)
                if h is None:
                    continue
                cand = (dist + abs(h - full), [*heights, h], [*runs, (i, j)])
                if (j, p + 1) not in best or cand[0] < best[(j, p + 1)][0]:
                    best[(j, p + 1)] = cand
    return best.get((n, pages))


def _nearest_layout(seq: Seq, found, tiler: Tiler) -> tuple[tuple[Placed, ...], ...]:
    """The make-up nearest to filling the pages, for the FAILED proof: each page's modules
    at the height they can reach (short of the type area's foot, or past it)."""
    _, heights, runs = found
    return tuple(
        tuple(tiler.place(seq, i, j, tiler.columns, h, 0, 0))
        for (i, j), h in zip(runs, heights, strict=True)
    )


def _longest(atoms: list[Atom], most: int = 3) -> list[str]:
    """The longest sections and testimonies, in lines of one column, for where to cut."""
    lines: dict[str, int] = {}
    where: dict[str, int] = {}
    for a in atoms:
        if a.kind in ("section", "text", "testimony"):
            key = (
                a.name
                if a.kind == "testimony"
                else f"section {a.section.number} “{a.section.title.text[:12]}”"
            )
            lines[key] = lines.get(key, 0) + a.text_lines
            where.setdefault(key, a.line)
    ranked = sorted(lines, key=lambda k: -lines[k])[:most]
    return [f"{k} (line {where[k]}, {lines[k]} lines)" for k in ranked]


def _by_area(all_atoms: list[Atom], pages: int, fmt: PageFormat) -> str:
    """What the areas say when no page can be tiled at all: too much, too little, or the
    modules too rigid to tile (then the desk's cut or add of a few lines frees them)."""
    low = sum(a.area_range()[0] for a in all_atoms)
    high = sum(a.area_range()[1] for a in all_atoms)
    room = pages * fmt.columns * fmt.lines
    start = f"the copy cannot be made up on {pages} page(s) of {fmt.label}: "
    if low > room:
        over = low - room
        return (
            start + f"it is about {over} lines of one column too long (≈ {over * fmt.column_chars}"
            " characters) even with every module as small as newsprint.toml [makeup] allows"
        )
    if high < room:
        short = room - high
        return (
            start + f"it is about {short} lines of one column short (≈ {short * fmt.column_chars}"
            " characters) even with every module as large as newsprint.toml [makeup] allows"
        )
    return (
        start + "its modules fill the pages' area but no arrangement of them fills a page "
        "exactly; cut or add a few lines in a section, or give a testimony a picture"
    )


def command(story: Story, edition: Edition, fmt: PageFormat, pages: int) -> str:
    """The command that renders the story on `pages` pages, in the format asked for."""
    chosen = f" --format {fmt.name}" if fmt.name != edition.format else ""
    return f"render.py {story.source}{chosen} --pages {pages}"


def fits_on(atoms, floats, pages: int, tiler: Tiler) -> bool:
    return pages > 0 and any(
        partitions(Seq(order), pages, tiler, limit=1) for order in sequences(atoms, floats)
    )


def diagnose(
    all_atoms: list[Atom],
    story: Story,
    edition: Edition,
    fmt: PageFormat,
    bounds: MakeupSettings,
    gap: int,
) -> tuple[list[Finding], tuple | None]:
    """The desk's cut/add messages, and the make-up nearest to fitting (for the FAILED
    proof; None when no page can be tiled at all)."""
    atoms = [a for a in all_atoms if a.uid >= 0]
    floats = [a for a in all_atoms if a.uid < 0]
    pages = len(edition.pages)
    copy = [a for a in atoms if a.kind in ("section", "text", "testimony", "lead")]
    if len(copy) < pages:  # a page would hold a head block alone, or nothing
        filled = max(1, len(copy))
        return [
            Finding(
                "error",
                f"page {k + 1} (第{edition.pages[k].number:02d}版) has no copy: the story has "
                f"text for {filled} page(s) at most; render it on {filled} "
                f"({command(story, edition, fmt, filled)}) or add copy",
                story.source,
                0,
                "empty-page",
            )
            for k in range(filled, pages)
        ], None
    tiler = Tiler(fmt.columns, fmt.lines, gap)
    tiler.mask = (1 << (3 * fmt.lines)) - 1  # see how far over a page goes, too
    found, seq = None, None
    for order in sequences(atoms, floats):
        tried = Seq(order)
        got = nearest_pages(tried, pages, tiler)
        if got and (found is None or got[0] < found[0]):
            found, seq = got, tried
    near = _nearest_layout(seq, found, tiler) if found else None
    tiler.mask = (1 << (fmt.lines + 1)) - 1
    nearest = sorted(range(1, pages + 3), key=lambda k: (abs(k - pages), k))
    other = next(
        ([k] for k in nearest[1:5] if fits_on(atoms, floats, k, tiler)), []
    )  # the nearest page counts first, four at most: a refusal must come quickly
    hint = (
        f"; it makes up on {other[0]} page(s) ({command(story, edition, fmt, other[0])})"
        if other
        else ""
    )
    per_line = fmt.column_chars
    if found is None:
        message = _by_area(all_atoms, pages, fmt) + hint
        return [Finding("error", message, story.source, 0, "makeup")], None
    out = []
    for k, (h, (i, j)) in enumerate(zip(found[1], found[2], strict=True)):
        slot = edition.pages[k]
        lines = abs(h - fmt.lines) * fmt.columns  # lines of one column
        where = f"page {k + 1} (第{slot.number:02d}版)"
        if h < fmt.lines:
            out.append(
                Finding(
                    "error",
                    f"{where} is {fmt.lines - h} lines short across its {fmt.columns} columns, "
                    "with every module grown as far as newsprint.toml [makeup] allows: add about "
                    f"{lines} lines of text (≈ {lines * per_line} characters), or a picture, or "
                    f"allow more air (head_air_max {bounds.head_air_max}, photo_max_lines "
                    f"{bounds.photo_max_lines}){hint}",
                    story.source,
                    0,
                    "makeup-short",
                )
            )
        elif h > fmt.lines:
            names = ", ".join(_longest(seq.atoms[i:j]))
            out.append(
                Finding(
                    "error",
                    f"{where} is overset by {h - fmt.lines} lines across its {fmt.columns} "
                    "columns, with every module as small as newsprint.toml [makeup] allows: cut "
                    f"about {lines} lines of text (≈ {lines * per_line} characters), e.g. from "
                    f"{names}; or "
                    f"allow the photo to shrink below {bounds.photo_min_lines} lines, or add a "
                    f"page{hint}",
                    story.source,
                    0,
                    "makeup-overset",
                )
            )
    if not out:  # each page alone could fit, but not with these neighbours
        out.append(
            Finding(
                "error",
                f"no make-up fills all {pages} page(s) at once{hint}",
                story.source,
                0,
                "makeup",
            )
        )
    return out, near
