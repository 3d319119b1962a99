"""What the make-up measures: each module's parts, at each width it may be given.

The solver (newsprint/compose/solve.py) needs every module's height in grid lines
at each candidate width. WeasyPrint measures them all in one small document
(newsprint/typeset/modules.py); this module says what goes in it and names each
measurement, so the two sides never retype an id or a width.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from newsprint.compose.headings import token_pt
from newsprint.compose.plan import ArticlePart
from newsprint.config import MakeupSettings, PageFormat
from newsprint.story.model import Section, Story, Testimony


@dataclass(frozen=True)
class Item:
    id: str
    kind: str
    width: float  # pt
    payload: dict = field(default_factory=dict, hash=False, compare=False)

    def __getattr__(self, name):  # the template reads payload keys as attributes
        try:
            return self.payload[name]
        except KeyError:
            raise AttributeError(name) from None


def inset() -> float:
    return token_pt("--quote-inset")


def boxed_width(fmt: PageFormat, span_cols: int, cols: int) -> float:
    """A column of text in a box spanning `span_cols` grid columns, set in `cols`
    columns: the box's side padding is a gutter, its inner gutters two
    (styles/modules.css .editors-note, .databox-items)."""
    return (fmt.span(span_cols) - 2 * fmt.gutter - (cols - 1) * 2 * fmt.gutter) / cols


def testimony_head_width(fmt: PageFormat, cols: int) -> float:
    """The line of a testimony box's title and speaker: the box less its side padding."""
    return fmt.span(cols) - 2 * inset()


def testimony_column(fmt: PageFormat) -> float:
    """A column of a testimony's text, in a box of any width: the inner gutter is the
    grid's gutter plus twice the inset (styles/modules.css), so each inner column is a
    grid column less the inset on both sides, and the text is measured once."""
    return fmt.column_width - 2 * inset()


def size_class(size: str) -> str:
    """The class that sets a type size from the list in newsprint.toml [makeup]
    (a 字号 token name of styles/tokens.css, e.g. "wuhao" for --size-wuhao)."""
    return f"size-{size}"


def head_id(article: int) -> str:
    return f"m-head-{article}"


def note_id(article: int, cols: int) -> str:
    return f"m-note-{article}-{cols}"


def lead_id(article: int) -> str:
    return f"m-lead-{article}"


def paragraph_id(para) -> str:
    """A paragraph of section text, measured inside its section's item."""
    return f"m-p-{para.line}"


def heading_id(sec: Section) -> str:
    return f"m-hd-{sec.title.line}"


def section_id(sec: Section) -> str:
    return f"m-sec-{sec.title.line}"


def testimony_head_id(tes: Testimony, cols: int) -> str:
    """A testimony's head at a box width: one for every size of its text, which the size
    class does not reach (layout/blocks.html.j2)."""
    return f"m-th-{tes.title.line}-{cols}"


def testimony_body_id(tes: Testimony, size: str) -> str:
    return f"m-tb-{tes.title.line}-{size}"


def caption_id(cols: int) -> str:
    return f"m-cap-{cols}"


def databox_item_id(index: int, span: int, cols: int, size: str) -> str:
    return f"m-di-{index}-{span}-{cols}-{size}"


def databox_title_id(span: int) -> str:
    return f"m-dt-{span}"


def loose_key(item_id: str) -> str:
    """An item's loose lines in the measurement: each one's widest gap between two Han
    characters over its limit (hanzi.gap_limit); absent when it has none."""
    return f"loose:{item_id}"


def databox_layouts(fmt: PageFormat, bounds: MakeupSettings):
    """(span, cards per row) the data box may take: cards at least 12 characters of its
    type wide, so that a large figure and its unit never leave a line half empty."""
    return [
        (span, cols)
        for span in bounds.databox_widths
        if span <= fmt.columns
        for cols in bounds.databox_columns
        if boxed_width(fmt, span, cols) >= 12 * token_pt("--databox-size")
    ]


def testimony_items(tes: Testimony, fmt: PageFormat, bounds: MakeupSettings) -> list[Item]:
    """A testimony's text at its inner column per size (and, in `also`, across the wider
    boxes: wide_items says whether the make-up may use them), and its head at each box
    width."""
    out = []
    for cols in range(1, bounds.testimony_max_cols + 1):
        head = {"testimony": tes, "head_width": testimony_head_width(fmt, cols)}
        out.append(Item(testimony_head_id(tes, cols), "testimony-head", fmt.span(cols), head))
    for size in bounds.testimony_sizes:
        data = {"testimony": tes, "size": size_class(size)}
        body = testimony_body_id(tes, size)
        wide = [
            (testimony_wide_id(tes, cols, size), testimony_head_width(fmt, cols))
            for cols in range(2, bounds.testimony_max_cols + 1)
        ]
        also = {"also": wide, "also_when": "loose"}  # else the make-up never asks for them
        out.append(Item(body, "testimony-body", testimony_column(fmt), {**data, **also}))
    return out


def testimony_wide_id(tes: Testimony, cols: int, size: str) -> str:
    """A testimony's text in one column across a box of `cols` grid columns (its body's
    id and the width: the body owns it when a style edit re-measures)."""
    return f"{testimony_body_id(tes, size)}-w{cols}"


def wide_items(story: Story, fmt: PageFormat, bounds: MakeupSettings, heights: dict) -> list[Item]:
    """The second round of the measurement: the text of each testimony that sets loose
    at every size in its inner column, now in one column across a box of 2 to
    testimony_max_cols grid columns, where the longer line has room for the unit or the
    ellipsis that left a line loose. Only those: most testimonies set clean, and their
    text is the measurement's longest part."""
    out = []
    for art in story.articles:
        for sec in art.sections:
            for tes in sec.testimonies:
                sizes = bounds.testimony_sizes
                if not all(loose_key(testimony_body_id(tes, size)) in heights for size in sizes):
                    continue
                for size in sizes:
                    data = {"testimony": tes, "size": size_class(size)}
                    for cols in range(2, bounds.testimony_max_cols + 1):
                        width = testimony_head_width(fmt, cols)
                        wide = testimony_wide_id(tes, cols, size)
                        out.append(Item(wide, "testimony-body", width, data))
    return out


def items(story: Story, fmt: PageFormat, bounds: MakeupSettings) -> list[Item]:
    """Every part to measure, with its width. A data-box card is laid out at its first
    width only and carries the others in `also` (id, width): clreq sets it there by the
    same breaks without a layout (typeset/derive.py)."""
    out: list[Item] = []
    full = fmt.columns
    for a, art in enumerate(story.articles):
        part = ArticlePart(art, a, tuple(art.sections), True)
        out.append(Item(head_id(a), "head", fmt.type_width, {"part": part}))
        if art.note:
            for cols in bounds.note_columns:
                width = boxed_width(fmt, full, cols)
                out.append(Item(note_id(a, cols), "note", width, {"note": art.note}))
        if art.lead:
            out.append(Item(lead_id(a), "lead", fmt.column_width, {"paras": art.lead}))
        for sec in art.sections:
            out.append(Item(heading_id(sec), "heading", fmt.column_width, {"section": sec}))
            out.append(Item(section_id(sec), "text", fmt.column_width, {"paras": sec.paragraphs}))
            for tes in sec.testimonies:
                out += testimony_items(tes, fmt, bounds)
    if story.photo:
        for cols in range(bounds.photo_min_cols, full + 1):
            out.append(Item(caption_id(cols), "caption", fmt.span(cols), {"photo": story.photo}))
    if story.databox:
        box = story.databox
        layouts = databox_layouts(fmt, bounds)
        for span in sorted({s for s, _ in layouts}):
            out.append(
                Item(databox_title_id(span), "databox-title", fmt.span(span), {"databox": box})
            )
        for i, entry in enumerate(box.items):
            for size in bounds.databox_sizes:
                data = {"text": entry.text, "size": size_class(size)}
                widths = [
                    (databox_item_id(i, span, cols, size), boxed_width(fmt, span, cols))
                    for span, cols in layouts
                ]
                if widths:
                    (name, width), *also = widths
                    out.append(Item(name, "databox-item", width, {**data, "also": also}))
    return out


def optional_widths(found: list[Item]) -> set[str]:
    """The ids of the widths measured only in case the make-up wants them (`also_when`):
    a testimony's text across a wider box, which it may take only where wide_items says
    so, and which is set only when the text is loose in its column."""
    return {
        name
        for item in found
        if item.payload.get("also_when")
        for name, _ in item.payload.get("also", ())
    }


def also_items(found: list[Item]) -> list[Item]:
    """The widths each item carries in `also`, as items of their own: laid out when the
    model of typeset/derive.py does not answer for them."""
    out = []
    for item in found:
        data = {k: v for k, v in item.payload.items() if k not in ("also", "also_when")}
        out += [Item(name, item.kind, width, data) for name, width in item.payload.get("also", ())]
    return out
