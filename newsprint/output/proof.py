"""Proofs: rasterise print PDFs and lay the spread out side by side.

pypdfium2 renders in-process (no poppler subprocess per page), which keeps the
designer's re-render loop short. The grid overlay (overlay.py) is drawn here,
on the proof only, so the print PDFs never carry it.
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Callable
from pathlib import Path

import pypdfium2 as pdfium
from PIL import Image

SPINE_PX = 12
PNG_LEVEL = 3  # zlib's: smaller than its default 6 on a proof, and a third faster

# progress(done, total, what): called after each page on long work (proofs, diffs)
Progress = Callable[[int, int, str], None]


def rasterise(pdf: Path, dpi: float, progress: Progress | None = None) -> list[Image.Image]:
    """Every page of a PDF as an RGB image at `dpi`."""
    doc = pdfium.PdfDocument(str(pdf))
    try:
        images = []
        for number, page in enumerate(doc, 1):
            images.append(page.render(scale=dpi / 72).to_pil().convert("RGB"))
            if progress:
                progress(number, len(doc), f"{pdf.name} page {number}")
        return images
    finally:
        doc.close()


def spread_image(pages: list[Image.Image]) -> Image.Image:
    """Facing pages side by side on a grey ground with a narrow spine between them."""
    height = max(p.height for p in pages)
    width = sum(p.width for p in pages) + SPINE_PX * (len(pages) + 1)
    sheet = Image.new("RGB", (width, height + 2 * SPINE_PX), (128, 128, 128))
    x = SPINE_PX
    for page in pages:
        sheet.paste(page, (x, SPINE_PX))
        x += page.width + SPINE_PX
    return sheet


def write_spread_proof(
    pdfs: list[Path], target: Path, dpi: float = 50, *, grid=None, progress: Progress | None = None
) -> Path:
    """The spread PNG; `grid` = (PageFormat, [side per page]) draws the grid overlay."""
    pages = [img for pdf in pdfs for img in rasterise(pdf, dpi, progress)]
    return save_spread(pages, target, dpi, grid)


def save_spread(pages: list[Image.Image], target: Path, dpi: float, grid=None) -> Path:
    """Join rasterised pages into the spread PNG, with the grid overlay when asked."""
    if grid is not None:
        from newsprint.output.overlay import draw_grid

        fmt, sides = grid
        pages = [draw_grid(img, fmt, side, dpi) for img, side in zip(pages, sides, strict=True)]
    save_png(spread_image(pages), target, dpi)
    return target


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def save_png(image: Image.Image, target: Path, dpi: float) -> None:
    """An RGB image as a PNG whose rows are stored unfiltered.

    Pillow filters every row adaptively, which on a proof (flat type on white) costs
    more than the compression and saves nothing: at the studio's 100 dpi the spread took
    0.12 s and 1.7 MB, unfiltered 0.07 s and 1.3 MB. The resolution goes in pHYs.
    """
    if image.mode != "RGB":
        image = image.convert("RGB")
    width, height = image.size
    stride, pixels = 3 * width, memoryview(image.tobytes())
    deflate, idat = zlib.compressobj(PNG_LEVEL), []
    for y in range(height):  # each row: filter type 0 (none), then its pixels
        idat += (deflate.compress(b"\0"), deflate.compress(pixels[y * stride : (y + 1) * stride]))
    idat.append(deflate.flush())
    per_metre = round(dpi / 0.0254)
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)  # 8-bit RGB, no interlace
    png = b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header)
    png += _chunk(b"pHYs", struct.pack(">IIB", per_metre, per_metre, 1))
    png += _chunk(b"IDAT", b"".join(idat)) + _chunk(b"IEND", b"")
    Path(target).write_bytes(png)
