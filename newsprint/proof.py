"""Proofs: rasterise print PDFs and lay the spread out side by side.

pypdfium2 renders in-process (no poppler subprocess per page), which keeps the
designer's re-render loop short.
"""

from __future__ import annotations

from pathlib import Path

import pypdfium2 as pdfium
from PIL import Image

SPINE_PX = 12


def rasterise(pdf: Path, dpi: float) -> list[Image.Image]:
    """Every page of a PDF as an RGB image at `dpi`."""
    doc = pdfium.PdfDocument(str(pdf))
    try:
        return [page.render(scale=dpi / 72).to_pil().convert("RGB") for page in doc]
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


def write_spread_proof(pdfs: list[Path], target: Path, dpi: float = 50) -> Path:
    pages = [img for pdf in pdfs for img in rasterise(pdf, dpi)]
    spread_image(pages).save(target, optimize=False)
    return target
