"""The make-up's modules ("atoms"): what each can be on the grid, and what it costs.

An atom is one module of the copy in reading order: a head block, the editor's note,
a section (heading and text), a testimony box, the photo, the data box. For each
width in grid columns it offers heights in whole lines, each with the choice of
copyfit levers that gives it (newsprint.toml [makeup]) and that choice's cost, from
the module measurements (newsprint/typeset/modules.py). The solver only adds
heights and compares costs; it never sees a pt.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from newsprint.compose import measures as m
from newsprint.config import MakeupSettings, PageFormat
from newsprint.story.model import Para, Section, Story, Testimony

# Cost of one unit of each lever (a line of air, a size down …), by its place in
# newsprint.toml [makeup] levers: an earlier lever is cheaper to use.
LEVER_BASE = 1.6
# Air is priced by its area: a line of air across this many columns is one unit, so a
# line under a one-column heading costs a quarter of one across a four-column box.
AIR_COLUMNS = 4
# A loose line in a box at its limit, more by the square of how far past it
# (measures.loose_key): over three testimonies a size down (0.625 each), a line of air
# across an 8-column head block; one line at 0.77 em outweighs three at 0.45.
LOOSE_LINE = 2.0


@dataclass(frozen=True)
class Choice:
    """How an atom fills w columns × h lines: the levers' values and their cost."""

    cost: float
    air: int = 0  # lines of air (head block, under a section heading or a testimony head)
    size: str = ""  # 字号 token name of a testimony or the data box
    inner: int = 1  # text columns inside a box (note, data box cards)
    boxes: tuple = ()  # a section's in-flow testimonies: (paragraph index after, box Choice)
    rows: int = 0  # text rows in each column (box) or lines of the text (section)
    frame: int = 0  # the photo frame's lines
    row_air: int = 0  # the data box's extra lines between rows of cards
    pad: int = 0  # lines of air at the foot of a testimony box
    loose: int = 0  # loose lines in the text this choice sets (a box's)


@dataclass
class Atom:
    uid: int
    kind: str  # head | note | lead | section | testimony | photo | databox
    article: int
    name: str  # for messages: "section 3 “看民生事业…” (line 40)"
    line: int  # the copy's line
    section: Section | None = None
    testimony: Testimony | None = None
    text_lines: int = 0  # body text lines at one column (sections, testimonies): for cut/add
    options: dict[int, dict[int, Choice]] = field(default_factory=dict)  # w → h → best
    # a section with its first k testimonies set in its text's columns: k → w → h → best
    heading: int = 0  # a section's first atom: its heading's lines
    index: int = 0  # a section's text atoms: which chunk of its lines
    first_line: int = 0  # … and the first of its lines, counted in the section's text
    air_max: int = 0
    air_unit: float = 0.0
    home: int = -1  # a floating module's article (the data box's), -1: it may go anywhere

    def offer(self, w: int, h: int, choice: Choice) -> None:
        best = self.options.setdefault(w, {})
        if h > 0 and (h not in best or choice.cost < best[h].cost):
            best[h] = choice

    def bits(self, w: int) -> int:
        return sum(1 << h for h in self.options.get(w, ()))

    def area_range(self) -> tuple[int, int]:
        if self.kind in ("section", "text", "lead"):
            lines = self.heading + self.text_lines
            return lines, lines + self.air_max
        areas = [w * h for w, hs in self.options.items() for h in hs]
        return (min(areas), max(areas)) if areas else (0, 0)


def lines_of(heights: dict[str, float], key: str) -> int:
    """A measured part's height in whole grid lines (a hair over a line is not a line)."""
    return max(0, math.ceil(heights[key] - 0.02))


def loose_lines(heights: dict, *keys: str) -> list[float]:
    """The loose lines of the measured parts, each its widest gap over its limit
    (measures.loose_key)."""
    return [ratio for key in keys for ratio in heights.get(m.loose_key(key), ())]


def loose_cost(ratios: list[float]) -> float:
    """What loose lines cost, each by how far over its limit: a choice that sets its
    text clean, or less loose, is preferred; one that cannot still makes up."""
    return LOOSE_LINE * sum(r * r for r in ratios)


class Costs:
    """Each lever's unit cost, from its place in the configured order."""

    def __init__(self, bounds: MakeupSettings):
        n = len(bounds.levers)
        self.unit = {lever: LEVER_BASE ** (i - n + 1) for i, lever in enumerate(bounds.levers)}

    def __call__(self, lever: str, amount: float) -> float:
        return self.unit.get(lever, 1.0) * amount if amount else 0.0

    def allowed(self, lever: str) -> bool:
        return lever in self.unit


def build_atoms(
    story: Story,
    fmt: PageFormat,
    heights: dict[str, float],
    bounds: MakeupSettings,
    photo_aspect: float | None,
) -> tuple[list[Atom], list[Atom]]:
    """The story's atoms in reading order, and the floating ones (the photo, the data
    box), which the solver places where the pages need them."""
    cost = Costs(bounds)
    full = fmt.columns
    atoms: list[Atom] = []

    def new(kind, article, name, line, **kw) -> Atom:
        atom = Atom(len(atoms), kind, article, name, line, **kw)
        atoms.append(atom)
        return atom

    for a, art in enumerate(story.articles):
        head = new("head", a, f"the headline block “{art.headline.text[:12]}”", art.headline.line)
        base = lines_of(heights, m.head_id(a))
        top = bounds.head_air_max if cost.allowed("head-air") else 0
        for air in range(top + 1):
            head.offer(
                full, base + air, Choice(cost("head-air", air * full / AIR_COLUMNS), air=air)
            )
        if art.note:
            note = new("note", a, "the editor's note", art.note.label.line)
            for i, cols in enumerate(bounds.note_columns):
                text = heights[m.note_id(a, cols)] / 1.5  # the note is leaded 1.5 lines
                rows = math.ceil(text / cols - 0.02)
                if cols * rows - text > 1.02:  # only the last column may be a line short
                    continue
                loose = loose_lines(heights, m.note_id(a, cols))
                note.offer(
                    full,
                    math.ceil(1 + 1.5 * rows - 0.02),
                    Choice(0.2 * i + loose_cost(loose), inner=cols, rows=rows, loose=len(loose)),
                )
        if art.lead:  # text before the first section: a section without a heading
            lead = Section("", Para("", art.lead[0].line), None, list(art.lead))
            _text_atoms(new, a, lead, "the lead", 0, heights, bounds, cost)
        for sec in art.sections:
            heading = lines_of(heights, m.heading_id(sec))
            name = f"section {sec.number} “{sec.title.text[:12]}”"
            _text_atoms(new, a, sec, name, heading, heights, bounds, cost)
            for tes in sec.testimonies:
                box = new(
                    "testimony",
                    a,
                    f"the testimony “{tes.title.text[:12]}” of section {sec.number}",
                    tes.title.line,
                    section=sec,
                    testimony=tes,
                )
                _testimony(box, tes, heights, bounds, cost)
    floats = []
    if story.photo:
        photo = Atom(-1, "photo", -1, "the photo", story.photo.caption.line)
        _photo(photo, fmt, heights, bounds, cost, photo_aspect)
        floats.append(photo)
    if story.databox:
        box = Atom(-2, "databox", -1, "the data box", story.databox.title.line)
        box.home = max(
            (a for a, art in enumerate(story.articles) if art.headline.line < box.line), default=-1
        )
        _databox(box, story, fmt, heights, bounds, cost)
        floats.append(box)
    return atoms, floats


TEXT_MAX_COLS = 4  # a text module may run through this many columns
MIN_LEG_LINES = 5  # text side by side in two or more columns: at least this many lines
MAX_CHUNKS = 24  # pieces a section's text may be cut into, at most


def text_chunks(total: int, size: int) -> list[tuple[int, int]]:
    """(first line, lines) of each chunk of a section's text: the make-up may end a
    module after any chunk, so the text runs on at those lines (cut mid-paragraph).
    A long text takes longer chunks: never more than MAX_CHUNKS (the solver's time)."""
    size = max(size, -(-total // MAX_CHUNKS))
    chunks = [(start, min(size, total - start)) for start in range(0, total, size)] or [(0, 0)]
    if len(chunks) > 1 and chunks[-1][1] < 2:  # no chunk of one line alone
        start, lines = chunks[-2]
        chunks[-2:] = [(start, lines + chunks[-1][1])]
    return chunks


def text_options(run) -> dict[int, dict[int, Choice]]:
    """A run of one section's paragraphs (its heading first if the run starts it) as one
    module: the heading in the first column, the text through w columns, exact when
    heading, air under it and text fill w × h; w → h → choice."""
    first = run[0]
    heading = first.heading if first.kind == "section" else 0
    text = sum(a.text_lines for a in run)
    out: dict[int, dict[int, Choice]] = {}
    for w in range(1, TEXT_MAX_COLS + 1):
        for air in range(first.air_max + 1 if heading else 1):
            total = heading + air + text
            if total % w:
                continue
            h = total // w
            # a heading alone, stubs of text (a short section may be short in one column)
            if h - heading - air < min(3, text) or (w > 1 and h < MIN_LEG_LINES):
                continue
            price = air * first.air_unit + 0.1 * (w - 1)
            best = out.setdefault(w, {})
            if h not in best or price < best[h].cost:
                best[h] = Choice(price, air=air, rows=text)
    return out


def text_run(run) -> bool:
    """Is run one section's consecutive paragraphs?"""
    first = run[0]
    if first.kind not in ("section", "text"):
        return False
    return all(
        a.kind == "text" and a.section is first.section and a.index == first.index + i
        for i, a in enumerate(run[1:], 1)
    )


def _text_atoms(new, article: int, sec: Section, name: str, heading: int, heights, bounds, cost):
    """A section's text as atoms: its first chunk with the heading, then the chunks its
    text may run on after (text_chunks)."""
    total = sum(lines_of(heights, m.paragraph_id(p)) for p in sec.paragraphs)
    chunks = text_chunks(total, bounds.text_chunk_lines)
    first = new("section", article, name, sec.title.line, section=sec)
    first.heading, first.index, first.text_lines = heading, 0, chunks[0][1]
    first.air_max = bounds.section_air_max if cost.allowed("section-air") and heading else 0
    first.air_unit = cost("section-air", 1 / AIR_COLUMNS)
    for j, (start, lines) in enumerate(chunks[1:], 1):
        new(
            "text",
            article,
            name,
            sec.title.line,
            section=sec,
            text_lines=lines,
            index=j,
            first_line=start,
        )


def _testimony(atom, tes, heights, bounds: MakeupSettings, cost: Costs) -> None:
    top_air = bounds.testimony_air_max if cost.allowed("testimony-air") else 0
    pads = bounds.testimony_pad_max + 1 if cost.allowed("testimony-air") else 1
    sizes = bounds.testimony_sizes if cost.allowed("testimony-size") else bounds.testimony_sizes[:1]
    widths = range(1, bounds.testimony_max_cols + 1) if cost.allowed("testimony-width") else (1,)
    atom.text_lines = lines_of(heights, m.testimony_body_id(tes, bounds.testimony_sizes[0]))
    for s, size in enumerate(sizes):
        natural = 1 if lines_of(heights, m.testimony_body_id(tes, size)) <= 30 else 2
        for w in widths:
            chrome = lines_of(heights, m.testimony_head_id(tes, w))
            for inner, rows, loose, away in _testimony_texts(tes, size, w, heights, cost):
                base = cost("testimony-size", s) + loose_cost(loose) + away
                base += cost("testimony-width", abs(w - natural))
                for air in range(top_air + 1):
                    for pad in range(pads):
                        atom.offer(
                            w,
                            chrome + air + rows + pad,
                            Choice(
                                base + cost("testimony-air", (air + 1.5 * pad) * w / AIR_COLUMNS),
                                air=air,
                                size=size,
                                inner=inner,
                                rows=rows,
                                pad=pad,
                                loose=len(loose),
                            ),
                        )


def _testimony_texts(tes, size: str, w: int, heights, cost: Costs):
    """(inner columns, rows, loose lines, extra cost) of each way a box of w grid columns
    sets the testimony's text: in w inner columns, balanced and with no stubs (the
    design); or, where its inner column sets loose at every size, in one column across
    the box (measures.wide_items), a step further from the design."""
    body = m.testimony_body_id(tes, size)
    text = lines_of(heights, body)
    rows = math.ceil(text / w)
    if not (w * rows - text > 1 or (w > 1 and rows < 4)):
        yield w, rows, loose_lines(heights, body), 0.0
    wide = m.testimony_wide_id(tes, w, size)
    if w > 1 and wide in heights:
        yield 1, lines_of(heights, wide), loose_lines(heights, wide), cost("testimony-width", 1)


def design_photo_lines() -> int:
    """The photo frame's designed height in lines (styles/tokens.css --photo-height)."""
    from newsprint.compose.headings import token_pt

    return round(token_pt("--photo-height", {"--line-pitch": 1.0}))


def _photo(atom, fmt: PageFormat, heights, bounds: MakeupSettings, cost: Costs, aspect) -> None:
    design = design_photo_lines()
    low, high = bounds.photo_min_lines, bounds.photo_max_lines
    if not cost.allowed("photo"):
        low = high = design
    for w in range(bounds.photo_min_cols, fmt.columns + 1):
        caption = lines_of(heights, m.caption_id(w))
        for frame in range(low, high + 1):
            if aspect:  # the frame may crop at most photo_crop_max of either side
                ratio = fmt.span(w) / (frame * fmt.line_pitch) / aspect
                if not 1 - bounds.photo_crop_max <= ratio <= 1 / (1 - bounds.photo_crop_max):
                    continue
            atom.offer(
                w,
                frame + caption,
                Choice(
                    cost("photo", abs(frame - design) / 4) + 0.3 * (fmt.columns - w), frame=frame
                ),
            )


def _databox(atom, story: Story, fmt, heights, bounds: MakeupSettings, cost: Costs) -> None:
    """Cards in rows (as many per row as the layout says), each row as tall as its
    tallest card; the rows may stand further apart, up to databox_row_air_max lines."""
    box = story.databox
    allowed = cost.allowed("databox")
    sizes = bounds.databox_sizes if allowed else bounds.databox_sizes[:1]
    for span, cols in m.databox_layouts(fmt, bounds):
        if not allowed and (span, cols) != (fmt.columns, bounds.databox_columns[0]):
            continue
        chrome = lines_of(heights, m.databox_title_id(span))  # padding, title and its gap
        penalty = 0.5 * bounds.databox_columns.index(cols) + 0.3 * (fmt.columns - span)
        for s_i, size in enumerate(sizes):
            ids = [m.databox_item_id(i, span, cols, size) for i in range(len(box.items))]
            cards = [lines_of(heights, key) for key in ids]
            loose = loose_lines(heights, *ids)
            rows = [max(cards[i : i + cols]) for i in range(0, len(cards), cols)]
            gaps = max(len(rows) - 1, 0)
            for air in range((bounds.databox_row_air_max if allowed else 0) + 1):
                if air and not gaps:
                    break
                h = chrome + sum(rows) + gaps * (1 + air)
                atom.offer(
                    span,
                    h,
                    Choice(
                        cost("databox", penalty + s_i + air * gaps * span / AIR_COLUMNS)
                        + loose_cost(loose),
                        size=size,
                        inner=cols,
                        row_air=air,
                        loose=len(loose),
                    ),
                )
