"""Golden proofs: the seed spread rasterised and compared with a tolerance.

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


def _compare(actual: Image.Image, name: str, update: bool) -> None:
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
        diff = ImageChops.difference(expected, actual).convert("L").point(lambda v: 255 * (v > 48))
        changed = sum(diff.histogram()[1:]) / (actual.width * actual.height)
    if changed > TOLERANCE:
        failures = GOLDEN / "failures"
        failures.mkdir(exist_ok=True)
        actual.save(failures / f"actual-{name}")
        expected.save(failures / f"expected-{name}")
        if diff is not None:
            diff.save(failures / f"diff-{name}")
        pytest.fail(
            f"{name}: {changed:.2%} of pixels changed (tolerance {TOLERANCE:.2%}); see {failures}"
        )


def test_seed_spread_matches_golden(seed_build, request):
    pages = [img for pdf in seed_build.print_pdfs for img in rasterise(pdf, DPI)]
    _compare(spread_image(pages), "seed-spread.png", request.config.getoption("--update-golden"))
