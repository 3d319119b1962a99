"""A camera original (10000×7500 px) goes to print at max_ppi, in bounded memory and bytes."""

from __future__ import annotations

import json
import secrets
import subprocess
import sys

from conftest import ROOT, SEED, SEED_EDITION, write_story
from PIL import Image, ImageDraw, ImageMath

from newsprint.config import MAX_INK, MAX_PPI, MIN_PPI
from newsprint.output.pictures import PICTURE_CACHE, max_ink_of
from newsprint.preflight.checks import Expect
from newsprint.preflight.run import preflight

SIZE = (10000, 7500)
PEAK_MB = 600  # the seed alone renders in about 320 MB; unscaled, this photo took 3.5 GB
# The build runs in a grandchild: a direct child's ru_maxrss starts at this process's own
# high-water mark (vfork, then exec: an 800 MB parent makes `pass` measure 811 MB), so a
# small fresh child starts the build and reports RUSAGE_CHILDREN, the build's alone.
MEASURE = """
import resource, subprocess, sys
subprocess.run([sys.executable, "-c", sys.argv[1]], check=True)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
"""
BUILD = """
import json, sys
from pathlib import Path
from newsprint.build import build
result = build(Path({story!r}), Path({out!r}))
print(json.dumps([str(p) for p in result.print_pdfs]), file=sys.stderr)
"""


def camera_original(path, token: bytes) -> None:
    """Gradients and hard black bars (the ink limit's worst case); `token` makes it unique."""
    ramp = Image.linear_gradient("L")
    red, green = ramp.resize(SIZE), ramp.rotate(90).resize(SIZE)
    image = Image.merge("RGB", (red, green, Image.new("L", SIZE, token[0])))
    draw = ImageDraw.Draw(image)
    for x in range(0, SIZE[0], 400):
        draw.rectangle([x, 3000, x + 200, SIZE[1]], fill=(5, 5, 5))
    draw.rectangle([0, 0, 600, 600], fill=tuple(token[1:4]))
    image.save(path, quality=90)


def share_over(image: Image.Image, percent: float) -> float:
    """The share of a CMYK picture's pixels with more total ink than `percent`."""
    over = ImageMath.lambda_eval(
        lambda a: (a["c"] + a["m"] + a["y"] + a["k"]) > a["limit"],
        **dict(zip("cmyk", (band.convert("I") for band in image.split()), strict=True)),
        limit=percent * 255 / 100,
    )
    return over.convert("L").histogram()[1] / (image.width * image.height)


def test_a_camera_original_prints_at_max_ppi_in_bounded_memory(story_dir, tmp_path):
    stem = f"camera-{secrets.token_hex(4)}"  # a fresh conversion, not one cached by a past run
    camera_original(story_dir / f"{stem}.jpg", secrets.token_bytes(4))
    edition = SEED_EDITION.read_text(encoding="utf-8").replace('file = ""', f'file = "{stem}.jpg"')
    edition = edition.replace("print_placeholder = true", "print_placeholder = false")
    story = write_story(story_dir, "camera", SEED.read_text(encoding="utf-8"), edition)
    code = BUILD.format(story=str(story), out=str(tmp_path / "out"))
    try:
        run = subprocess.run(
            [sys.executable, "-c", MEASURE, code], capture_output=True, text=True, cwd=ROOT
        )
        assert run.returncode == 0, run.stderr[-3000:]
        peak_mb = int(run.stdout.split()[-1]) / 1024
        assert peak_mb < PEAK_MB, f"peak memory {peak_mb:.0f} MB"
        converted = list(PICTURE_CACHE.glob(f"{stem}-*.jpg"))
        with Image.open(converted[0]) as image:
            assert image.width < SIZE[0] / 2
            assert share_over(image, MAX_INK + 2) < 0.001  # JPEG rings at hard edges, no more
            assert max_ink_of(image) <= MAX_INK + 15
    finally:
        for path in PICTURE_CACHE.glob(f"{stem}-*.jpg"):
            path.unlink()
    photo_page = json.loads(run.stderr.strip().splitlines()[-1])[0]
    report = preflight(photo_page, Expect(variant="pdf/x-4", min_ppi=MIN_PPI))
    assert report.ok, report.findings
    (placed,) = report.figures["images"]
    assert MIN_PPI <= placed["ppi"] <= MAX_PPI + 2, placed
