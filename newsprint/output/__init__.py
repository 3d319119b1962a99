"""Output: what a render writes. Print PDFs (PDF/X), the archive copy (PDF/A),
pictures in the plant's CMYK, the proof PNGs and grid overlay, manifest.json."""
