"""Golden proofs: the seed spread rasterised and compared with a tolerance, and
crops of text at 100 dpi where a lost glyph shows (the spread, at 24 dpi, is blind
to a blanked quotation mark).

On failure the actual, expected and difference images are written to
tests/golden/failures/ to look at. `make golden` re-makes the goldens after a
wanted change; look at them before committing.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image, ImageChops

from newsprint.output.proof import rasterise, spread_image

GOLDEN = Path(__file__).parent / "golden"
DPI = 24
TOLERANCE = 0.004  # share of pixels allowed to differ by more than 48 levels
# a lost quotation mark is ~30 px at 100 dpi: 0.05 % of a crop, at 32 levels
DETAIL_DPI, DETAIL_TOLERANCE, DETAIL_LEVELS = 100, 0.0005, 32
# (golden, print page, crop in mm from the page's top left: x, y, width, height)
DETAILS = [
    ("seed-p04-text.png", 0, (250, 160, 130, 90)),  # a section head, body, a testimony
    ("seed-p05-databox.png", 1, (20, 266, 200, 45)),  # Kai figures and quotation marks
]


def _compare(
    actual: Image.Image, name: str, update: bool, tolerance: float = TOLERANCE, levels: int = 48
) -> None:
    expected_path = GOLDEN / name
    if update or not expected_path.exists():
        if not update:
            pytest.fail(f"{expected_path} missing; run `make golden` and look at it")
        actual.save(expected_path)
        return
    expected = Image.open(expected_path).convert("RGB")
    if expected.size != actual.size:
        changed = 1.0
        diff = None
    else:
        diff = ImageChops.difference(expected, actual).convert("L")
        diff = diff.point(lambda v: 255 * (v > levels))
        changed = sum(diff.histogram()[1:]) / (actual.width * actual.height)
    if changed > tolerance:
        failures = GOLDEN / "failures"
        failures.mkdir(exist_ok=True)
        actual.save(failures / f"actual-{name}")
        expected.save(failures / f"expected-{name}")
        if diff is not None:
            diff.save(failures / f"diff-{name}")
        pytest.fail(
            f"{name}: {changed:.2%} of pixels changed (tolerance {tolerance:.2%}); see {failures}"
        )


def test_seed_spread_matches_golden(seed_build, request):
    pages = [img for pdf in seed_build.print_pdfs for img in rasterise(pdf, DPI)]
    _compare(spread_image(pages), "seed-spread.png", request.config.getoption("--update-golden"))


@pytest.mark.parametrize("name, page, box", DETAILS, ids=[d[0] for d in DETAILS])
def test_seed_text_matches_golden_detail(seed_build, request, name, page, box):
    image = rasterise(seed_build.print_pdfs[page], DETAIL_DPI)[0].convert("RGB")
    x, y, w, h = (round(v * DETAIL_DPI / 25.4) for v in box)
    update = request.config.getoption("--update-golden")
    _compare(image.crop((x, y, x + w, y + h)), name, update, DETAIL_TOLERANCE, DETAIL_LEVELS)
