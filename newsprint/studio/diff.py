"""`render.py diff A B`: what changed between two renders, as a picture and as figures.

A and B are PDFs (rasterised with pypdfium2, pages side by side as in the
spread proof) or PNGs. The output PNG shows B faded, changed pixels in red and
a box round each changed region; stdout gives the changed share of the area and
the boxes. Exit status like diff(1): 0 identical, 1 different, 2 trouble.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageChops, ImageDraw, UnidentifiedImageError

from newsprint.errors import UserError
from newsprint.studio.progress import progress_printer

THRESHOLD = 24  # a channel must move this much (of 255) to count: ignores antialias jitter
CELL = 8  # px; changed pixels closer than a few cells join one region
CHANGED = (230, 0, 0)
BOX = (0, 90, 255)


@dataclass(frozen=True)
class DiffResult:
    size: tuple[int, int]
    changed_px: int
    boxes: list[tuple[int, int, int, int]]  # (x0, y0, x1, y1) in image pixels, x1/y1 exclusive

    @property
    def changed_percent(self) -> float:
        return 100 * self.changed_px / max(self.size[0] * self.size[1], 1)

    @property
    def identical(self) -> bool:
        return self.changed_px == 0


def load_image(path: Path, dpi: float, progress=None) -> Image.Image:
    """A render as one RGB image: a PNG as is, a PDF's pages side by side."""
    from newsprint.output.proof import rasterise, spread_image

    if not path.is_file():
        raise UserError(f"{path}: no such file")
    if path.read_bytes()[:5] == b"%PDF-":
        try:
            return spread_image(rasterise(path, dpi, progress))
        except Exception as exc:  # pypdfium2 raises its own PdfiumError
            raise UserError(f"{path}: not a readable PDF ({exc})") from None
    try:
        with Image.open(path) as img:
            return img.convert("RGB")
    except (UnidentifiedImageError, OSError) as exc:
        raise UserError(f"{path}: neither a PDF nor a readable image ({exc})") from None


def _pad(img: Image.Image, size: tuple[int, int]) -> Image.Image:
    """Grow to `size` with magenta, so area only one render has counts as changed."""
    if img.size == size:
        return img
    out = Image.new("RGB", size, (255, 0, 255))
    out.paste(img, (0, 0))
    return out


def changed_mask(a: Image.Image, b: Image.Image, threshold: int = THRESHOLD) -> Image.Image:
    """1-bit image: set where any channel differs by more than `threshold`."""
    size = (max(a.width, b.width), max(a.height, b.height))
    delta = ImageChops.difference(_pad(a, size), _pad(b, size))
    r, g, bl = delta.split()
    strongest = ImageChops.lighter(ImageChops.lighter(r, g), bl)
    return strongest.point(lambda v: 255 if v > threshold else 0).convert("1")


def regions(mask: Image.Image, cell: int = CELL, gap: int = 2) -> list[tuple[int, int, int, int]]:
    """Bounding boxes of the changed regions: cells with a change, joined across `gap` cells."""
    cols, rows = -(-mask.width // cell), -(-mask.height // cell)
    small = mask.convert("L").resize((cols, rows), Image.Resampling.BOX)
    data = small.tobytes()
    hot = {(i % cols, i // cols) for i, v in enumerate(data) if v}
    boxes, seen = [], set()
    for start in sorted(hot, key=lambda c: (c[1], c[0])):
        if start in seen:
            continue
        seen.add(start)
        stack, x0, y0, x1, y1 = [start], *start, *start
        while stack:
            cx, cy = stack.pop()
            x0, y0, x1, y1 = min(x0, cx), min(y0, cy), max(x1, cx), max(y1, cy)
            for dx in range(-gap, gap + 1):
                for dy in range(-gap, gap + 1):
                    nb = (cx + dx, cy + dy)
                    if nb in hot and nb not in seen:
                        seen.add(nb)
                        stack.append(nb)
        box = (
            x0 * cell,
            y0 * cell,
            min((x1 + 1) * cell, mask.width),
            min((y1 + 1) * cell, mask.height),
        )
        tight = mask.crop(box).getbbox()  # shrink the cell box to the changed pixels
        if tight:
            boxes.append(
                (box[0] + tight[0], box[1] + tight[1], box[0] + tight[2], box[1] + tight[3])
            )
    return boxes


def compare(
    a: Image.Image, b: Image.Image, threshold: int = THRESHOLD
) -> tuple[DiffResult, Image.Image]:
    """The figures and the highlight picture for two renders."""
    mask = changed_mask(a, b, threshold)
    changed = mask.histogram()[-1]
    boxes = regions(mask) if changed else []
    size = mask.size
    faded = Image.blend(_pad(b, size), Image.new("RGB", size, (255, 255, 255)), 0.7)
    faded.paste(Image.new("RGB", size, CHANGED), (0, 0), mask)
    draw = ImageDraw.Draw(faded)
    for x0, y0, x1, y1 in boxes:
        draw.rectangle((x0 - 3, y0 - 3, x1 + 2, y1 + 2), outline=BOX, width=2)
    return DiffResult(size, changed, boxes), faded


def summary(result: DiffResult, a: Path, b: Path, out: Path | None) -> str:
    if result.identical:
        return f"{a} and {b}: no visible change"
    lines = [
        f"{a} → {b}: {result.changed_percent:.3f} % of the area changed "
        f"({result.changed_px} of {result.size[0] * result.size[1]} px), "
        f"{len(result.boxes)} region(s)" + (f"; highlighted in {out}" if out else "")
    ]
    lines += [
        f"  region {k}: x {x0}–{x1}, y {y0}–{y1} ({x1 - x0} × {y1 - y0} px)"
        for k, (x0, y0, x1, y1) in enumerate(result.boxes, 1)
    ]
    return "\n".join(lines)


def diff_renders(a: Path, b: Path, output: Path | None, dpi: float, threshold: int) -> int:
    """`render.py diff`: write the highlight PNG and print the figures; 0 same, 1 not, 2 trouble."""
    progress = progress_printer()
    try:
        result, picture = compare(
            load_image(a, dpi, progress), load_image(b, dpi, progress), threshold
        )
    except UserError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if output is None and not result.identical:
        output = b.with_name(f"{b.stem}-diff.png")
    if output:
        picture.save(output)
    print(summary(result, a, b, output))
    return 0 if result.identical else 1
