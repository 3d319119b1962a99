"""Grid overlay for proofs: type area, columns, gutters and the line grid.

Drawn on the proof PNG only, never on the print PDFs, from the same PageFormat
figures (newsprint.toml) that set the CSS, so a module that sits off the grid
shows up as text crossing a drawn line rather than as a guess by eye.
"""

from __future__ import annotations

from PIL import Image, ImageDraw

from newsprint.config import PageFormat

TYPE_AREA = (0, 160, 255, 255)  # cyan frame round the type area
GUTTER = (255, 0, 160, 38)  # translucent magenta bands between columns
COLUMN_EDGE = (255, 0, 160, 150)
LINE = (0, 150, 255, 70)  # one hairline per line of body type
LINE_EVERY_10 = (0, 110, 255, 150)  # every tenth line stronger, for counting


def page_offset(image: Image.Image, fmt: PageFormat, scale: float) -> tuple[float, float]:
    """Where the trimmed page starts in the image: bleed, if the PDF has any, is centred."""
    return (
        (image.width - fmt.page_width * scale) / 2,
        (image.height - fmt.page_height * scale) / 2,
    )


def grid_boxes(fmt: PageFormat, side: str) -> dict[str, list[tuple[float, float, float, float]]]:
    """The grid in page points (x0, y0, x1, y1): type area, columns, gutters, line tops."""
    top, _right, _bottom, left = fmt.margins(side)
    x0, y0 = left, top
    columns, gutters = [], []
    for k in range(fmt.columns):
        cx = x0 + k * (fmt.column_width + fmt.gutter)
        columns.append((cx, y0, cx + fmt.column_width, y0 + fmt.type_height))
        if k < fmt.columns - 1:
            gx = cx + fmt.column_width
            gutters.append((gx, y0, gx + fmt.gutter, y0 + fmt.type_height))
    lines = [
        (x0, y0 + n * fmt.line_pitch, x0 + fmt.type_width, y0 + n * fmt.line_pitch)
        for n in range(fmt.lines + 1)
    ]
    area = [(x0, y0, x0 + fmt.type_width, y0 + fmt.type_height)]
    return {"area": area, "columns": columns, "gutters": gutters, "lines": lines}


def draw_grid(image: Image.Image, fmt: PageFormat, side: str, dpi: float) -> Image.Image:
    """A copy of one page's proof image with its grid drawn over it."""
    scale = dpi / 72
    ox, oy = page_offset(image, fmt, scale)
    boxes = grid_boxes(fmt, side)

    def px(box):
        return [ox + box[0] * scale, oy + box[1] * scale, ox + box[2] * scale, oy + box[3] * scale]

    layer = Image.new("RGBA", image.size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(layer)
    for box in boxes["gutters"]:
        draw.rectangle(px(box), fill=GUTTER)
    for box in boxes["columns"]:
        x0, y0, x1, y1 = px(box)
        draw.line([(x0, y0), (x0, y1)], fill=COLUMN_EDGE)
        draw.line([(x1, y0), (x1, y1)], fill=COLUMN_EDGE)
    for n, box in enumerate(boxes["lines"]):
        draw.line(
            [tuple(px(box)[:2]), tuple(px(box)[2:])], fill=LINE_EVERY_10 if n % 10 == 0 else LINE
        )
    draw.rectangle(px(boxes["area"][0]), outline=TYPE_AREA, width=max(1, round(scale)))
    return Image.alpha_composite(image.convert("RGBA"), layer).convert("RGB")
